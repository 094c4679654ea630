//! The shared core: events, signature schemes, capture records, delivery and the
//! listener. Nothing in here prints or knows about clap; errors are typed.

pub mod body;
pub mod capture;
pub mod check;
pub mod config;
pub mod deliver;
pub mod diagnose;
pub mod diff;
pub mod event;
pub mod export;
pub mod feed;
pub mod headers;
pub mod ids;
pub mod inspect;
pub mod log;
pub mod replay;
pub mod replay_run;
pub mod scheme;
pub mod secret;
pub mod select;
pub mod server;
pub mod suggest;
pub mod tls;
pub mod units;
pub mod url;

/// Whether a character, written as it is, could act on a terminal instead of being
/// shown: C0 and C1 controls, DEL, and the bidirectional controls that reorder what is
/// displayed (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C). The
/// terminal sanitiser ([`crate::output::sanitize`]) and the shell quoting of exports
/// ([`export::shell_quote`]) escape exactly these.
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}
