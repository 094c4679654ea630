//! `hookcat ui`: the inspector over a capture log, following what a listener adds to
//! it, until Ctrl-C. The page and its API are [`crate::ui`].

use crate::cli::UiArgs;
use crate::core::capture::default_log_path;
use crate::exit::Outcome;
use crate::output::{Io, Output};
use crate::ui::{Live, Resign, Settings};

pub fn run(a: UiArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let log = a.log.clone().unwrap_or_else(default_log_path);
    let resign = Resign {
        secret: super::common::secret(&a.secret)?,
        scheme: a.scheme.clone().filter(|s| s != "auto"),
        generic: super::common::generic(&a.generic),
    };
    let rt = super::common::runtime()?;
    rt.block_on(async {
        let mut interrupt = super::common::Interrupt::new()?;
        let live = Live::default();
        let ui = crate::ui::start(
            a.port,
            Settings {
                log: log.clone(),
                resign,
                live: live.clone(),
            },
        )
        .await?;
        let follower = crate::ui::follow(log.clone(), live);
        let e = &out.err;
        // The first line on stderr: tests and scripts read the URL from it.
        io.talk(format_args!("Inspector on {}", ui.url()));
        io.talk(format_args!("{} {}", e.dim("reading"), log.display()));
        if !log.exists() {
            io.talk(format_args!(
                "{} no capture log there yet: captures appear once a listener saves them",
                e.yellow("note:")
            ));
        }
        if out.stderr_tty {
            io.talk(format_args!("{}", e.dim("Ctrl-C to stop")));
        }
        interrupt.recv().await;
        follower.abort();
        ui.shutdown().await;
        io.talk(format_args!("{}", e.dim("stopped")));
        Ok(Outcome::Success)
    })
}
