//! An ordered header list that keeps duplicates and original case, as received, and
//! the parsers for `Name: value` arguments and raw HTTP header blocks.

use serde::{Deserialize, Serialize};

/// Headers as ordered `(name, value)` pairs; look-ups ignore ASCII case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Replaces every value of `name` with one (appended where there was none).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if let Some(i) = self.0.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            self.0[i].1 = value;
            let mut k = 0;
            self.0.retain(|(n, _)| {
                k += 1;
                k - 1 == i || !n.eq_ignore_ascii_case(name)
            });
        } else {
            self.0.push((name.to_string(), value));
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = (String, String)>) {
        self.0.extend(other);
    }
}

impl FromIterator<(String, String)> for Headers {
    fn from_iter<T: IntoIterator<Item = (String, String)>>(iter: T) -> Self {
        Headers(iter.into_iter().collect())
    }
}

/// Headers that belong to one connection (RFC 9110 §7.6.1), plus Host, Content-Length
/// and Expect, which the next hop sets for itself: never relayed, replayed or exported.
pub const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "expect",
];

pub fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP.iter().any(|n| n.eq_ignore_ascii_case(name))
}

impl Headers {
    /// Keeps the end-to-end headers: drops the hop-by-hop ones and any header the
    /// `Connection` header names.
    pub fn retain_end_to_end(&mut self) {
        self.split_end_to_end(&mut Vec::new());
    }

    /// [`Headers::retain_end_to_end`] (the kept headers stay in order), moving the
    /// headers it drops to the end of `dropped` instead of freeing them.
    pub fn split_end_to_end(&mut self, dropped: &mut Vec<(String, String)>) {
        let named: Vec<String> = self
            .get_all("connection")
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .collect();
        let end_to_end = |k: &str| !is_hop_by_hop(k) && !named.iter().any(|n| n.eq_ignore_ascii_case(k));
        let mut kept = 0;
        for i in 0..self.0.len() {
            if end_to_end(&self.0[i].0) {
                self.0.swap(kept, i);
                kept += 1;
            }
        }
        dropped.extend(self.0.drain(kept..));
    }
}

/// Parses one `Name: value` argument (as curl's `-H`). The error says why, and the
/// caller names the value (clap's `value_parser`).
pub fn header_arg(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once(':')
        .ok_or("expected `Name: value`, e.g. `X-Hub-Signature-256: sha256=…`")?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(format!(
            "`{name}` is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// [`header_arg`], its error naming the value: `invalid header `x`: …`.
pub fn parse_header_arg(s: &str) -> Result<(String, String), String> {
    header_arg(s).map_err(|why| format!("invalid header `{s}`: {why}"))
}

/// Is `b` allowed in an HTTP header name (RFC 9110 token)?
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses a raw HTTP header block: an optional request or status line, then
/// `Name: value` lines up to the first blank line. Folded lines are joined.
pub fn parse_header_block(text: &str) -> Result<Headers, String> {
    let mut h = Headers::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if h.is_empty() && i == 0 {
                continue;
            }
            break;
        }
        let start_line = !line.contains(':') || line.starts_with("HTTP/") || line.contains(" HTTP/");
        if i == 0 && start_line {
            continue; // request or status line
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = h.0.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
                continue;
            }
        }
        let (n, v) = parse_header_arg(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        h.push(n, v);
    }
    Ok(h)
}

/// A raw HTTP request (`METHOD target HTTP/1.1`, headers, a blank line, the body), as
/// `send --dry-run` and `captures export --format raw` write it: its head (request line
/// and headers) and its body. `None` when the bytes do not start with a request line.
pub fn split_raw_request(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let first = raw.split(|b| *b == b'\n').next()?;
    let first = std::str::from_utf8(first).ok()?.trim_end_matches('\r');
    let mut words = first.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    let request_line = words.next().is_none()
        && !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && !target.is_empty()
        && version.starts_with("HTTP/");
    if !request_line {
        return None;
    }
    let end = [&b"\r\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|sep| {
            raw.windows(sep.len())
                .position(|w| w == *sep)
                .map(|i| (i, i + sep.len()))
        })
        .min();
    Some(match end {
        Some((head, body)) => (&raw[..head], &raw[body..]),
        None => (raw, &raw[raw.len()..]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_names_ignore_case() {
        for n in HOP_BY_HOP {
            assert!(is_hop_by_hop(n) && is_hop_by_hop(&n.to_ascii_uppercase()), "{n}");
        }
        for n in ["", "t", "tee", "hosts", "content-type", "content-lengths", "x-host"] {
            assert!(!is_hop_by_hop(n), "{n}");
        }
        assert!(is_hop_by_hop("Transfer-Encoding") && !is_hop_by_hop("content-type"));
    }

    #[test]
    fn lookups_ignore_case_and_keep_duplicates() {
        let mut h = Headers::new();
        h.push("X-A", "1");
        h.push("x-a", "2");
        h.push("B", "3");
        assert_eq!(h.get("x-A"), Some("1"));
        assert_eq!(h.get_all("X-A").collect::<Vec<_>>(), vec!["1", "2"]);
        h.set("X-A", "9");
        assert_eq!(h.0, vec![("X-A".into(), "9".into()), ("B".into(), "3".into())]);
        h.remove("b");
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn end_to_end_drops_hop_by_hop_and_connection_named() {
        let mut h = Headers(vec![
            ("Connection".into(), "close, X-Hop".into()),
            ("X-Hop".into(), "1".into()),
            ("Host".into(), "x".into()),
            ("X-First".into(), "1".into()),
            ("Content-Length".into(), "3".into()),
            ("X-Keep".into(), "2".into()),
        ]);
        let mut split = h.clone();
        h.retain_end_to_end();
        assert_eq!(
            h.0,
            vec![
                ("X-First".to_string(), "1".to_string()),
                ("X-Keep".to_string(), "2".to_string())
            ]
        );
        let mut dropped = vec![("earlier".to_string(), String::new())];
        split.split_end_to_end(&mut dropped);
        assert_eq!(split, h);
        let mut names: Vec<&str> = dropped.iter().map(|(k, _)| k.as_str()).collect();
        names[1..].sort();
        assert_eq!(names, ["earlier", "Connection", "Content-Length", "Host", "X-Hop"]);
    }

    #[test]
    fn header_args() {
        assert_eq!(
            parse_header_arg("X-Foo:  bar baz ").unwrap(),
            ("X-Foo".into(), "bar baz".into())
        );
        assert_eq!(parse_header_arg("Stripe-Signature: t=1,v1=a").unwrap().1, "t=1,v1=a");
        assert!(parse_header_arg("nocolon").is_err());
        assert!(parse_header_arg("bad name: x")
            .unwrap_err()
            .contains("`bad name` is not a header name"));
    }

    #[test]
    fn header_blocks() {
        let block = "POST /hook HTTP/1.1\r\nHost: x\r\nX-Sig: a\r\n  b\r\n\r\nbody: not a header\r\n";
        let h = parse_header_block(block).unwrap();
        assert_eq!(h.get("host"), Some("x"));
        assert_eq!(h.get("x-sig"), Some("a b"));
        assert!(h.get("body").is_none());
        let plain = parse_header_block("A: 1\nB: 2\n").unwrap();
        assert_eq!(plain.len(), 2);
    }

    #[test]
    fn raw_requests_split_into_head_and_body() {
        let (h, b) = split_raw_request(b"POST /x HTTP/1.1\r\nA: 1\r\n\r\nbody\r\n\r\nmore").unwrap();
        assert_eq!((h, b), (&b"POST /x HTTP/1.1\r\nA: 1"[..], &b"body\r\n\r\nmore"[..]));
        let (h, b) = split_raw_request(b"GET / HTTP/1.1\nA: 1\n\n").unwrap();
        assert_eq!((h, b), (&b"GET / HTTP/1.1\nA: 1"[..], &b""[..]));
        assert!(split_raw_request(b"Stripe-Signature: t=1\n\nx").is_none());
        assert!(split_raw_request(b"HTTP/1.1 200 OK\r\n\r\n").is_none());
    }
}
