//! hookcat: a webhook developer toolkit.
//!
//! The library is the core that every subcommand shares: the event, the signature
//! schemes, the capture record and the delivery engine live in [`core`]; [`cli`],
//! [`cmd`] and [`output`] are the command-line front end built on top of it. The
//! core never prints; only [`output`] writes to the terminal.

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
