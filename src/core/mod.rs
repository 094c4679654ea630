//! The shared core: events, signature schemes, capture records, delivery and the
//! listener. Nothing in here prints or knows about clap; errors are typed.

pub mod body;
pub mod capture;
pub mod config;
pub mod deliver;
pub mod diagnose;
pub mod event;
pub mod headers;
pub mod ids;
pub mod json;
pub mod log;
pub mod replay;
pub mod scheme;
pub mod secret;
pub mod server;
pub mod suggest;
pub mod tls;
pub mod units;
