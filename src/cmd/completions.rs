//! `hookcat completions SHELL` and `hookcat man`: generated from the clap definition;
//! the committed files in `completions/` and `man/` are this output.

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

/// The man page, in roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    Ok(buf)
}

pub fn run(a: CompletionsArgs, io: &mut Io) -> anyhow::Result<Outcome> {
    io.bytes(&completion_script(a.shell))?;
    Ok(Outcome::Success)
}

pub fn man(io: &mut Io) -> anyhow::Result<Outcome> {
    io.bytes(&man_page()?)?;
    Ok(Outcome::Success)
}
