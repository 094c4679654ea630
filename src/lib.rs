//! hookcat: a webhook developer toolkit.
//!
//! The library is the core that every subcommand shares: the event, the signature
//! schemes, the capture record and the delivery engine live in [`core`]; [`cli`],
//! [`cmd`] and [`output`] are the command-line front end built on top of it. The
//! core never prints; only [`output`] writes to the terminal, through the streams a
//! command is handed ([`output::Io`]), so that [`run`] can run a command in-process.

// A failed verification is a `Verdict` (the negative answer, with its reason and
// diagnosis), returned in the `Err` side of the header parsers. It is large on purpose
// and made once per request: boxing it would buy nothing.
#![allow(clippy::result_large_err)]
// Every unsafe operation sits in its own `unsafe` block with its SAFETY comment, inside
// an `unsafe fn` too.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod alloc;
pub mod cli;
pub mod cmd;
pub mod core;
pub mod exit;
pub mod output;
pub mod ui;

/// Runs hookcat with the command line `args` (the program name first) on the streams
/// of `io`, and returns the exit code. The binary passes its own arguments and streams;
/// tests pass buffers and run a command in-process.
pub fn run<I, T>(args: I, mut io: output::Io) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return exit::usage(&e, &mut io),
    };
    let out = output::Output::init(cli.color, &io);
    let result = cmd::run(cli.command, &out, &mut io);
    let code = exit::code(result, &out.err, &mut io.stderr);
    // Whatever a command left buffered; a closed pipe here is as quiet as anywhere.
    let _ = io.stdout.flush();
    code
}
