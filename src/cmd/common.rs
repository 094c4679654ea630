//! Small conversions shared by the commands: secret flags to a [`Secret`], generic
//! flags to [`GenericParams`], a body argument to a [`Body`], the tokio runtime.

use std::io::Read;
use std::path::Path;

use anyhow::Context;

use crate::cli::{GenericArgs, HashAlg, SecretArgs, SigEncoding};
use crate::core::body::Body;
use crate::core::scheme::hmac::{Alg, Encoding};
use crate::core::scheme::GenericParams;
use crate::core::secret::Secret;
use crate::exit::hinted;

/// `--add` and `--set` as overrides: the additions first, so that a field added can be set.
pub fn overrides(adds: &[String], sets: &[String]) -> anyhow::Result<Vec<crate::core::event::Override>> {
    let adds = adds.iter().map(|s| crate::core::event::parse_addition(s));
    let sets = sets.iter().map(|s| crate::core::event::parse_override(s));
    Ok(adds.chain(sets).collect::<Result<Vec<_>, _>>()?)
}

/// The secret from whichever flag was given, if any.
pub fn secret(a: &SecretArgs) -> anyhow::Result<Option<Secret>> {
    Ok(if let Some(v) = &a.secret_env {
        Some(Secret::from_env(v)?)
    } else if let Some(p) = &a.secret_file {
        Some(Secret::from_file(p)?)
    } else if let Some(s) = &a.secret {
        Some(Secret::from_arg(s)?)
    } else {
        None
    })
}

/// The secret, which this command cannot do without.
pub fn require_secret(a: &SecretArgs, what: &str) -> anyhow::Result<Secret> {
    secret(a)?.ok_or_else(|| {
        hinted(
            format!("{what} needs a secret"),
            "give one of --secret-env VAR, --secret-file PATH or --secret VALUE",
        )
    })
}

pub fn generic(a: &GenericArgs) -> GenericParams {
    GenericParams {
        alg: match a.algorithm {
            HashAlg::Sha1 => Alg::Sha1,
            HashAlg::Sha256 => Alg::Sha256,
            HashAlg::Sha512 => Alg::Sha512,
        },
        encoding: match a.encoding {
            SigEncoding::Hex => Encoding::Hex,
            SigEncoding::Base64 => Encoding::Base64,
        },
        header: a.header_name.clone(),
        prefix: a.prefix.clone(),
    }
}

/// A body argument: a file path, or `-`/nothing for standard input (read whole).
pub fn body_arg(file: Option<&Path>, stdin_tty: bool, stdin: &mut dyn Read) -> anyhow::Result<Body> {
    match file {
        Some(p) if p != Path::new("-") => {
            Body::file(p.to_path_buf()).with_context(|| format!("reading body file `{}`", p.display()))
        }
        _ => {
            if stdin_tty {
                return Err(hinted(
                    "no body given",
                    "pass a FILE, or pipe the body in: `hookcat … < body.json` (use /dev/null for an empty body)",
                ));
            }
            let mut v = Vec::new();
            stdin
                .read_to_end(&mut v)
                .context("reading the body from standard input")?;
            Ok(Body::Mem(v))
        }
    }
}

/// A multi-threaded tokio runtime for the network commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Ctrl-C (SIGINT) or SIGTERM (a service manager, `timeout`, CI stopping a job): both
/// stop a command the same way, after it flushes and prints its summary. Listened for
/// from the moment this is made (so a signal that arrives before the first `recv` is
/// not lost, and never kills the process half-way).
pub struct Interrupt {
    #[cfg(unix)]
    sig: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Interrupt {
    /// Must be called inside the runtime.
    pub fn new() -> anyhow::Result<Interrupt> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let sig = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
            let term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
            Ok(Interrupt { sig, term })
        }
        #[cfg(not(unix))]
        Ok(Interrupt {})
    }

    /// Resolves at the next Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.sig.recv() => {}
                _ = self.term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
