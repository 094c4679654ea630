//! One file per subcommand. Each turns its `Args` into a validated configuration,
//! calls the core, and hands the results to `output`, writing to the streams it is
//! handed ([`Io`]). No signing, capture or delivery logic lives here, and no command
//! imports another: what two share is in `common`, `output` or the core.

pub mod captures;
pub mod check;
pub mod common;
pub mod completions;
pub mod demo;
pub mod events;
pub mod keygen;
pub mod listen;
pub mod prompt;
pub mod replay;
pub mod send;
pub mod sign;
pub mod ui;
pub mod verify;

use crate::cli::Command;
use crate::exit::Outcome;
use crate::output::{Io, Output};

/// Runs one subcommand on the streams of `io`.
pub fn run(command: Command, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    match command {
        Command::Sign(a) => sign::run(a, out, io),
        Command::Verify(a) => verify::run(a, out, io),
        Command::Keygen(a) => keygen::run(a, out, io),
        Command::Completions(a) => completions::run(a, io),
        Command::Man => completions::man(io),
        Command::Listen(a) => listen::run(a, out, io),
        Command::Replay(a) => replay::run(a, out, io),
        Command::Send(a) => send::run(a, out, io),
        Command::Events(a) => events::run(a, out, io),
        Command::Demo(a) => demo::run(a, out, io),
        Command::Captures(a) => captures::run(a, out, io),
        Command::Check(a) => check::run(a, out, io),
        Command::Ui(a) => ui::run(a, out, io),
    }
}
