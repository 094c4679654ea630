//! hookcat: a webhook developer toolkit.
//!
//! The library is the core that every subcommand shares: the event, the signature
//! schemes, the capture record and the delivery engine live in [`core`]; [`cli`],
//! [`cmd`] and [`output`] are the command-line front end built on top of it. The
//! core never prints; only [`output`] writes to the terminal.

pub mod cli;
pub mod cmd;
pub mod core;
pub mod exit;
pub mod output;
