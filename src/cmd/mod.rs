//! One file per subcommand. Each turns its `Args` into a validated configuration,
//! calls the core, and hands the results to `output`. No signing, capture or delivery
//! logic lives here.

pub mod captures;
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
pub mod verify;

use crate::cli::Command;
use crate::exit::Outcome;
use crate::output::Output;

/// Runs one subcommand.
pub fn run(command: Command, out: &Output) -> anyhow::Result<Outcome> {
    match command {
        Command::Sign(a) => sign::run(a, out),
        Command::Verify(a) => verify::run(a, out),
        Command::Keygen(a) => keygen::run(a, out),
        Command::Completions(a) => completions::run(a),
        Command::Man => completions::man(),
        Command::Listen(a) => listen::run(a, out),
        Command::Replay(a) => replay::run(a, out),
        Command::Send(a) => send::run(a, out),
        Command::Events(a) => events::run(a, out),
        Command::Demo(a) => demo::run(a, out),
        Command::Captures(a) => captures::run(a, out),
    }
}
