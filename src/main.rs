//! The hookcat binary: [`hookcat::run`] on the process's arguments and streams.

use std::process::ExitCode;

// The listener and the load modes allocate a little per request; mimalloc's
// thread-local free lists make that a fraction of glibc malloc's cost (BENCHMARKS.md).
#[global_allocator]
static ALLOC: hookcat::alloc::Mimalloc = hookcat::alloc::Mimalloc;

fn main() -> ExitCode {
    ExitCode::from(hookcat::run(std::env::args_os(), hookcat::output::Io::stdio()))
}
