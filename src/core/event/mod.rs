//! The event: body bytes, headers and what they are (provider, event name, content
//! type); the built-in catalog (data files under `catalog/`, embedded at build time)
//! rendered with fresh ids and timestamps; field overrides (`--set`); and the
//! recognition of provider and event from a received request.

pub mod catalog;
pub mod overrides;
pub mod recognise;

use crate::core::headers::Headers;

pub use catalog::{catalog, find, CatalogEntry};
pub use overrides::{apply_overrides, parse_addition, parse_override, Override};
pub use recognise::recognise;

/// A request ready to sign and send.
#[derive(Debug, Clone)]
pub struct Event {
    pub provider: Option<String>,
    /// The full name, `provider.event`, when it came from the catalog.
    pub name: Option<String>,
    pub content_type: String,
    pub method: String,
    /// The provider's own headers (no signature yet, no Content-Type).
    pub headers: Headers,
    pub body: Vec<u8>,
    /// The provider's scheme, when it signs.
    pub scheme: Option<String>,
}

/// Where the events of a send come from: a catalog entry, rendered afresh for each
/// request (new ids and timestamps), or one event as it is.
pub enum EventSource {
    Catalog(&'static CatalogEntry, Vec<Override>),
    Data(Event),
}

impl EventSource {
    pub fn event(&self) -> Result<Event, EventError> {
        Ok(match self {
            EventSource::Catalog(e, o) => e.render(o)?,
            EventSource::Data(e) => e.clone(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("unknown event `{name}`{}", suggest(.suggestions))]
    Unknown { name: String, suggestions: Vec<String> },
    #[error("invalid --set `{spec}`: {reason}")]
    BadOverride { spec: String, reason: String },
    #[error("the catalog file for `{provider}` is broken: {reason}")]
    Catalog { provider: String, reason: String },
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(
            " (did you mean {}?)",
            s.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
        )
    }
}

/// The content type a body most likely has.
/// The Content-Type of a body read from the file `name`: `application/json` for a
/// `.json` file that is JSON (any JSON value, a string too), else [`sniff_content_type`].
pub fn content_type_of_file(name: &str, body: &[u8]) -> &'static str {
    let json_name = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json_name && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return "application/json";
    }
    sniff_content_type(body)
}

pub fn sniff_content_type(body: &[u8]) -> &'static str {
    let t = body.trim_ascii_start();
    if (t.starts_with(b"{") || t.starts_with(b"[")) && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        "application/json"
    } else if t.starts_with(b"<") {
        "application/xml"
    } else if std::str::from_utf8(body).is_err() {
        "application/octet-stream"
    } else if !t.is_empty()
        && t.iter().all(|b| b.is_ascii_graphic())
        && t.split(|b| *b == b'&')
            .all(|kv| kv.contains(&b'=') && !kv.starts_with(b"="))
    {
        "application/x-www-form-urlencoded"
    } else {
        "text/plain; charset=utf-8"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff_content_type(b" {\"a\":1}"), "application/json");
        assert_eq!(sniff_content_type(b"<?xml version='1.0'?><a/>"), "application/xml");
        assert_eq!(sniff_content_type(b"a=1&b=two"), "application/x-www-form-urlencoded");
        assert_eq!(sniff_content_type(b"hello world"), "text/plain; charset=utf-8");
        assert_eq!(sniff_content_type(&[0xff, 0xfe]), "application/octet-stream");
        assert_eq!(sniff_content_type(b"{not json"), "text/plain; charset=utf-8");
        assert_eq!(content_type_of_file("t.JSON", b"\"abc+/def==\""), "application/json");
        assert_eq!(
            content_type_of_file("t.json", b"abc+/def=="),
            "application/x-www-form-urlencoded"
        );
        // Another name: sniffed.
        assert_eq!(
            content_type_of_file("t.txt", b"\"abc+/def==\""),
            sniff_content_type(b"\"abc+/def==\"")
        );
    }
}
