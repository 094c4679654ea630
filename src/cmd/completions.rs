//! `hookcat completions SHELL` and `hookcat man`: generated from the clap definition;
//! the committed files in `completions/` and `man/` are this output (regenerated with
//! `HOOKCAT_UPDATE_GENERATED=1 cargo test --test cli`, held fresh by the
//! tests of `tests/cli.rs`).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;
use crate::output::Io;

/// The completion script for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "hookcat", &mut buf);
    buf
}

/// The command tree the man pages describe: no `help` subcommand (it has no page; its
/// text is every command's `--help`).
fn man_command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The main man page, in roff: `hookcat.1`, which names each subcommand's page.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    page(man_command()).render(&mut buf)?;
    Ok(buf)
}

/// A command's page, its footer naming hookcat and its version.
fn page(cmd: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(cmd).source(concat!("hookcat ", env!("CARGO_PKG_VERSION")))
}

/// Every man page as (file name, roff): `hookcat.1` first, then one per subcommand,
/// nested ones too (`hookcat-captures-list.1`), as `clap_mangen::generate_to` names
/// them. The committed `man/` directory is this list.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = page(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        out.push((man.get_filename(), buf));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&man_command(), &mut out)?;
    Ok(out)
}

pub fn run(a: CompletionsArgs, io: &mut Io) -> anyhow::Result<Outcome> {
    io.bytes(&completion_script(a.shell))?;
    Ok(Outcome::Success)
}

pub fn man(io: &mut Io) -> anyhow::Result<Outcome> {
    io.bytes(&man_page()?)?;
    Ok(Outcome::Success)
}
