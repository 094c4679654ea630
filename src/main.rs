//! The hookcat binary: parse, decide output settings once, run, map to an exit code.

use std::process::ExitCode;

// The listener and the load modes allocate a little per request; mimalloc's
// thread-local free lists make that a fraction of glibc malloc's cost (BENCHMARKS.md).
#[global_allocator]
static ALLOC: hookcat::alloc::Mimalloc = hookcat::alloc::Mimalloc;

use hookcat::{cli, cmd, exit, output};

fn main() -> ExitCode {
    let cli = cli::parse();
    let out = output::Output::init(cli.color);
    match cmd::run(cli.command, &out) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => exit::report(&err, &out.err),
    }
}
