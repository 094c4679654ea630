//! The capture record: one JSON line per request, written by `listen` and read by
//! `replay` and `captures`. Versioned (`"v": 1`); bodies are byte-exact (`utf8`
//! text, or `base64` for bytes that are not valid UTF-8); headers are ordered pairs
//! with duplicates kept, and a value that is not UTF-8 has its exact bytes beside the
//! pairs (`header_bytes`, only on the lines that need it). The reader streams, skips a
//! torn or corrupt line with a warning naming its line number, and refuses a newer
//! format version. A log is data anyone may have written: every record read is checked
//! ([`CaptureRecord::problem`]) before anything uses it, and one that fails is skipped
//! like a corrupt line.

use std::io::BufRead;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::headers::Headers;
use super::json::Cursor;
use super::scheme::{Finding, Verdict};

/// The format version this build writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    Utf8,
    Base64,
}

/// The verification of a captured request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationRecord {
    pub valid: bool,
    pub scheme: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<DiagnosisRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisRecord {
    pub code: String,
    pub message: String,
}

impl From<&Verdict> for VerificationRecord {
    fn from(v: &Verdict) -> Self {
        VerificationRecord {
            valid: v.valid,
            scheme: v.scheme.to_string(),
            reason: v.reason.clone(),
            failure: v.failure.as_ref().map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|j| j.get("kind")?.as_str().map(str::to_string))
                    .unwrap_or_default()
            }),
            timestamp: v.timestamp,
            diagnosis: v
                .diagnosis
                .iter()
                .map(|f: &Finding| DiagnosisRecord {
                    code: f.code.to_string(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }
}

/// What the listener answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// The status sent; `null` when the connection was dropped or never answered.
    pub status: Option<u16>,
    /// How the answer came about: `normal`, `simulated`, `forwarded`, `handshake`,
    /// `rejected` (signature, 401/403/413/429), `dropped`, `hung`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Time from receiving the whole request to answering it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One captured request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureRecord {
    pub v: u32,
    pub id: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub method: String,
    /// Path with the query string.
    pub path: String,
    pub headers: Headers,
    pub body: String,
    pub body_encoding: BodyEncoding,
    pub remote_addr: String,
    pub verification: Option<VerificationRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Set when the body is not what the client meant to send (cut off, over the limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_note: Option<String>,
    /// The exact bytes of the header values that are not UTF-8, as `[index, base64]`
    /// in the order of `headers` (whose value at `index` is the text with each invalid
    /// sequence replaced by U+FFFD). Absent when every value is UTF-8, as almost always.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_bytes: Vec<(u32, String)>,
    /// The values hookcat redacted (see [`super::secret::Redactor`]): only these are
    /// put back from the secret flags on replay. Absent when nothing was redacted, and
    /// in every log from before redaction: a value that looks like a marker there is
    /// what the sender sent.
    #[serde(default, skip_serializing_if = "Redacted::is_empty")]
    pub redacted: Redacted,
}

/// Which values of a record hookcat replaced by a redaction marker
/// ([`super::secret::marker`]), by place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    /// Places in `headers` (0 the first), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<u32>,
    /// Places of the pairs of the path's query, split at `&` (0 the first), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<u32>,
}

impl Redacted {
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty()
    }

    pub fn clear(&mut self) {
        self.headers.clear();
        self.query.clear();
    }
}

/// Whether `places` rise strictly and each is one that `ok` takes.
fn places_ok(places: &[u32], ok: impl Fn(usize) -> bool) -> bool {
    places.windows(2).all(|w| w[0] < w[1]) && places.iter().all(|p| ok(*p as usize))
}

/// Text and encoding for a body: UTF-8 as it is, anything else as base64.
pub fn encode_body(bytes: &[u8]) -> (String, BodyEncoding) {
    encode_body_owned(bytes.to_vec())
}

/// [`encode_body`], taking the bytes: valid UTF-8 becomes the text without a copy.
pub fn encode_body_owned(bytes: Vec<u8>) -> (String, BodyEncoding) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, BodyEncoding::Utf8),
        Err(e) => (
            base64::engine::general_purpose::STANDARD.encode(e.as_bytes()),
            BodyEncoding::Base64,
        ),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("line {line}: this capture was written by a newer hookcat (format v{found}; this one reads v{VERSION})")]
    NewerVersion { line: u64, found: u64 },
    #[error("reading the capture log: {0}")]
    Io(#[from] std::io::Error),
    #[error("the body of capture {id} is not valid base64")]
    BadBody { id: String },
    #[error("the exact bytes of a header of capture {id} are not valid base64")]
    BadHeaderBytes { id: String },
}

/// A header value as the record keeps it: its text, and (pushed onto `exact`, as the
/// value at `index`) its bytes in base64 when they are not UTF-8.
pub fn header_value_text(index: usize, bytes: &[u8], exact: &mut Vec<(u32, String)>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            // An index past u32 cannot occur (a request has far fewer headers); such a
            // value keeps its text only.
            if let Ok(i) = u32::try_from(index) {
                exact.push((i, base64::engine::general_purpose::STANDARD.encode(bytes)));
            }
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// `tchar` of RFC 9110 §5.6.2: what an HTTP token (a method, a header name) is made of.
const fn tchar_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        c += 1;
    }
    t
}
static TCHAR: [bool; 256] = tchar_table();

/// An HTTP token (RFC 9110 §5.6.2): a method, a header name.
pub fn is_token(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|c| TCHAR[usize::from(*c)])
}

/// A capture id, or a prefix of one: 1 to 64 ASCII letters, digits, `-` or `_` (hookcat
/// writes 24 lower-case letters and digits).
pub fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An RFC 3339 time as a record keeps it: `YYYY-MM-DDThh:mm:ss`, an optional fraction of
/// 1 to 9 digits, then `Z` or an offset `±hh:mm`.
pub fn is_stamp(b: &[u8]) -> bool {
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(f) = rest.strip_prefix(b".") {
        let n = f.iter().take_while(|d| d.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        rest = &f[n..];
    }
    match rest {
        b"Z" => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

/// A client address as the listener writes it (`127.0.0.1:5000`, `[::1]:5000`, an
/// IPv6 zone after `%`): 1 to 64 bytes of those characters.
pub fn is_addr(b: &[u8]) -> bool {
    (1..=64).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b':' | b'[' | b']' | b'%' | b'-' | b'_'))
}

/// A header value's text as a request can carry it: no control character but a tab.
fn is_value_text(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Lower-case letters, digits, `-` and `_` (scheme names, failure and finding codes).
fn is_code(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl CaptureRecord {
    /// What makes this record one that hookcat cannot have written, if anything: the
    /// method and header names HTTP tokens, the id and times in their formats, the path
    /// and header values free of control characters, the exact header bytes consistent
    /// with the values they stand for. Byte checks, cheap enough for every record read.
    /// The parts `unread` names are not looked at (the fast reader checks them as it
    /// steps over them).
    pub fn problem(&self, unread: Unread) -> Option<String> {
        let bad = |what: &str| Some(format!("its {what}"));
        if !is_id(&self.id) {
            return bad("`id` is not a capture id (1 to 64 letters, digits, `-` or `_`)");
        }
        if !unread.received_at && !is_stamp(self.received_at.as_bytes()) {
            return bad("`received_at` is not an RFC 3339 time");
        }
        if !is_token(self.method.as_bytes()) {
            return bad("`method` is not an HTTP method (a token)");
        }
        if !self.path_ok() {
            return bad("`path` is empty or holds a space or a control character");
        }
        for (i, (name, value)) in self.headers.0.iter().enumerate() {
            if !is_token(name.as_bytes()) {
                return Some(format!("the name of its header {} is not an HTTP token", i + 1));
            }
            if !is_value_text(value) {
                return Some(format!("the value of its header {} holds a control character", i + 1));
            }
        }
        if !unread.remote_addr && !is_addr(self.remote_addr.as_bytes()) {
            return bad("`remote_addr` is not an address");
        }
        if let Some(v) = &self.verification {
            let codes = v
                .failure
                .iter()
                .map(String::as_str)
                .chain(v.diagnosis.iter().map(|d| d.code.as_str()));
            if v.scheme.is_empty() || !is_code(&v.scheme) || !codes.into_iter().all(is_code) {
                return bad("verification names a scheme or a code that is not one");
            }
        }
        if self
            .response
            .as_ref()
            .and_then(|r| r.status)
            .is_some_and(|s| !(100..=999).contains(&s))
        {
            return bad("answer's status is not an HTTP status");
        }
        let is_marker = |v: &str| super::secret::parse_marker(v).is_some();
        if !places_ok(&self.redacted.headers, |i| {
            self.headers.0.get(i).is_some_and(|(_, v)| is_marker(v))
        }) {
            return bad(
                "`redacted` names a header out of order, that it does not have, or that holds no redaction marker",
            );
        }
        if !self.redacted.query.is_empty() {
            let pairs: Vec<&str> = super::secret::query_of(&self.path)
                .map(|q| q.split('&').collect())
                .unwrap_or_default();
            if !places_ok(&self.redacted.query, |i| {
                pairs
                    .get(i)
                    .and_then(|p| p.split_once('='))
                    .is_some_and(|(_, v)| is_marker(v))
            }) {
                return bad("`redacted` names a query value out of order, that it does not have, or that holds no redaction marker");
            }
        }
        let mut after = None;
        for (at, b64) in &self.header_bytes {
            let i = *at as usize;
            if after.is_some_and(|a| i <= a) || i >= self.headers.len() {
                return bad("`header_bytes` names a header out of order or that it does not have");
            }
            after = Some(i);
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
                return bad("`header_bytes` holds a value that is not base64");
            };
            let valid_value = bytes.iter().all(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f));
            if std::str::from_utf8(&bytes).is_ok()
                || !valid_value
                || String::from_utf8_lossy(&bytes) != self.headers.0[i].1
            {
                return bad("`header_bytes` holds a value that does not stand for its header's");
            }
        }
        None
    }

    /// A path as a request-target: not empty, no control character, and no space but
    /// in the markers of query values the record says were redacted.
    fn path_ok(&self) -> bool {
        let p = &self.path;
        if p.is_empty() || p.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return false;
        }
        if !p.contains(' ') {
            return true;
        }
        let Some((before, rest)) = p.split_once('?') else {
            return false;
        };
        let (query, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        !before.contains(' ')
            && !fragment.contains(' ')
            && query.split('&').enumerate().all(|(i, pair)| {
                !pair.contains(' ')
                    || (u32::try_from(i).is_ok_and(|i| self.redacted.query.contains(&i))
                        && pair
                            .split_once('=')
                            .is_some_and(|(k, v)| !k.contains(' ') && super::secret::parse_marker(v).is_some()))
            })
    }

    /// The exact bytes of header `index`'s value, when it is not UTF-8 and the record
    /// keeps them, and they still stand for the value's text (a value masked or
    /// redacted since has none).
    pub fn exact_value_at(&self, index: usize) -> Option<Vec<u8>> {
        let (_, b64) = self.header_bytes.iter().find(|(at, _)| *at as usize == index)?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        let (_, text) = self.headers.0.get(index)?;
        (String::from_utf8_lossy(&bytes) == text.as_str()).then_some(bytes)
    }

    /// The exact bytes of the header values that are not UTF-8, as `(name, bytes)` in
    /// the order of the headers; empty for almost every capture.
    pub fn exact_header_values(&self) -> Result<Vec<(String, Vec<u8>)>, CaptureError> {
        self.header_bytes
            .iter()
            .map(|(at, b64)| {
                let name = self.headers.0.get(*at as usize).map(|(n, _)| n.clone());
                let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok();
                name.zip(bytes)
                    .ok_or_else(|| CaptureError::BadHeaderBytes { id: self.id.clone() })
            })
            .collect()
    }

    /// A new record id: sortable by time, unique enough for a log.
    pub fn new_id() -> String {
        Self::stamp_and_id().1
    }

    /// The receive time (RFC 3339, UTC, milliseconds) and a new id (`YYYYMMDDhhmmss`
    /// and 10 random base-36 digits), from one clock reading. The date part is
    /// formatted once per second per thread: this runs for every request.
    pub fn stamp_and_id() -> (String, String) {
        use std::cell::RefCell;
        struct Cache {
            rng: crate::core::ids::SplitMix64,
            second: i64,
            rfc: String,
            compact: String,
        }
        thread_local! {
            static CACHE: RefCell<Cache> = RefCell::new(Cache {
                rng: crate::core::ids::SplitMix64::from_entropy(),
                second: i64::MIN,
                rfc: String::new(),
                compact: String::new(),
            });
        }
        const ALPHA: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let now = jiff::Timestamp::now();
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            let sec = now.as_second();
            if c.second != sec {
                c.second = sec;
                c.rfc = now.strftime("%Y-%m-%dT%H:%M:%S").to_string();
                c.compact = now.strftime("%Y%m%d%H%M%S").to_string();
            }
            let ms = now.subsec_millisecond().max(0);
            let mut stamp = String::with_capacity(24);
            stamp.push_str(&c.rfc);
            stamp.push('.');
            stamp.extend([ms / 100, ms / 10 % 10, ms % 10].map(|d| char::from(b'0' + d as u8)));
            stamp.push('Z');
            // 10 base-36 digits: collisions within one second are vanishingly rare.
            let mut r = c.rng.next_u64();
            let mut id = String::with_capacity(24);
            id.push_str(&c.compact);
            for _ in 0..10 {
                id.push(ALPHA[(r % 36) as usize] as char);
                r /= 36;
            }
            (stamp, id)
        })
    }

    /// The body's size in bytes, without decoding it.
    pub fn body_len(&self) -> usize {
        match self.body_encoding {
            BodyEncoding::Utf8 => self.body.len(),
            BodyEncoding::Base64 => {
                let pad = self.body.bytes().rev().take_while(|b| *b == b'=').count();
                self.body.len() / 4 * 3 - pad.min(2)
            }
        }
    }

    /// The body bytes, exactly as received.
    pub fn body_bytes(&self) -> Result<Vec<u8>, CaptureError> {
        match self.body_encoding {
            BodyEncoding::Utf8 => Ok(self.body.as_bytes().to_vec()),
            BodyEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(&self.body)
                .map_err(|_| CaptureError::BadBody { id: self.id.clone() }),
        }
    }

    pub fn set_body(&mut self, bytes: &[u8]) {
        let (b, e) = encode_body(bytes);
        self.body = b;
        self.body_encoding = e;
    }

    /// The JSON line, without the newline.
    pub fn to_line(&self) -> String {
        let mut out = Vec::with_capacity(self.body.len() + 512);
        self.write_line(&mut out);
        // Only whole UTF-8 strings and ASCII punctuation were written.
        String::from_utf8(out).expect("a JSON line is UTF-8")
    }

    /// Appends the JSON line (without the newline): the same bytes as serialising the
    /// record with `serde_json`, written without its per-byte escaping loop, since the
    /// listener writes one per request and the body and headers are most of it.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        use super::json::{push_key, push_next_key as next, push_num, push_str, push_value};
        // Every field named: a field added to the record is a compile error here until
        // it is written too (in serde's order: the tests compare with serde_json).
        let CaptureRecord {
            v,
            id,
            received_at,
            method,
            path,
            headers,
            body,
            body_encoding,
            remote_addr,
            verification,
            response,
            provider,
            event,
            body_note,
            header_bytes,
            redacted,
        } = self;
        out.push(b'{');
        push_key(out, "v");
        push_num(out, v);
        for (key, value) in [
            ("id", id),
            ("received_at", received_at),
            ("method", method),
            ("path", path),
        ] {
            next(out, key);
            push_str(out, value);
        }
        next(out, "headers");
        out.push(b'[');
        for (i, (name, value)) in headers.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            push_str(out, name);
            out.push(b',');
            push_str(out, value);
            out.push(b']');
        }
        out.push(b']');
        next(out, "body");
        push_str(out, body);
        next(out, "body_encoding");
        push_value(out, body_encoding);
        next(out, "remote_addr");
        push_str(out, remote_addr);
        next(out, "verification");
        push_value(out, verification);
        if let Some(ResponseRecord {
            status,
            kind,
            body,
            duration_ms,
            note,
        }) = response
        {
            next(out, "response");
            out.push(b'{');
            push_key(out, "status");
            push_num(out, status);
            next(out, "kind");
            push_str(out, kind);
            if let Some(b) = body {
                next(out, "body");
                push_str(out, b);
            }
            if let Some(d) = duration_ms {
                next(out, "duration_ms");
                push_num(out, d);
            }
            if let Some(n) = note {
                next(out, "note");
                push_str(out, n);
            }
            out.push(b'}');
        }
        for (key, value) in [("provider", provider), ("event", event), ("body_note", body_note)] {
            if let Some(v) = value {
                next(out, key);
                push_str(out, v);
            }
        }
        if !header_bytes.is_empty() {
            next(out, "header_bytes");
            out.push(b'[');
            for (i, (at, b64)) in header_bytes.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'[');
                push_num(out, at);
                out.push(b',');
                push_str(out, b64);
                out.push(b']');
            }
            out.push(b']');
        }
        if !redacted.is_empty() {
            next(out, "redacted");
            out.push(b'{');
            let mut first = true;
            for (key, places) in [("headers", &redacted.headers), ("query", &redacted.query)] {
                if places.is_empty() {
                    continue;
                }
                if first {
                    push_key(out, key);
                } else {
                    next(out, key);
                }
                first = false;
                out.push(b'[');
                for (i, p) in places.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    push_num(out, p);
                }
                out.push(b']');
            }
            out.push(b'}');
        }
        out.push(b'}');
    }

    pub fn received(&self) -> Option<jiff::Timestamp> {
        self.received_at.parse().ok()
    }
}

/// One item of a capture log.
#[derive(Debug)]
pub enum LogItem {
    Record {
        line: u64,
        record: Box<CaptureRecord>,
    },
    /// A line that is not a record: skipped, with why.
    Skipped {
        line: u64,
        reason: String,
    },
}

/// Streams a capture log line by line in bounded memory.
pub struct LogReader<R> {
    inner: R,
    line: u64,
    buf: Vec<u8>,
    unread: Unread,
    /// Records given back ([`LogReader::recycle`]), read into before a new one is made.
    /// Boxed as they are handed out, so that the box is reused too.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<CaptureRecord>>,
}

impl<R: BufRead> LogReader<R> {
    pub fn new(inner: R) -> Self {
        LogReader {
            inner,
            line: 0,
            buf: Vec::with_capacity(8192),
            unread: Unread::default(),
            spare: Vec::new(),
        }
    }

    /// Gives back a record this reader returned, once its user is done with it: the
    /// next line is read into its strings (a few kept at most).
    pub fn recycle(&mut self, r: Box<CaptureRecord>) {
        if self.spare.len() < 16 {
            self.spare.push(r);
        }
    }

    /// Leaves out of each record what `unread` names (see [`Unread`]).
    pub fn leaving(mut self, unread: Unread) -> Self {
        self.unread = unread;
        self
    }
}

/// Reads a capture line without `serde_json`'s general machinery (replay reads one
/// per request). It takes any key order but nothing unexpected: an unknown key, a
/// duplicate, a missing field or anything that is not well-formed gives `None`, and
/// the caller parses the line with `serde_json` instead (with its error message).
/// Whatever it returns is what `serde_json` returns for the same line.
pub fn parse_fast(text: &[u8]) -> Option<CaptureRecord> {
    parse_lean(text, Unread::default())
}

/// Parts of a record that a reader may leave out, for a caller that never looks at
/// them (replaying reads a capture per request): a string left out reads as empty, an
/// answer's body, note or duration as `None`. They are still checked as they would be
/// read, so a line is taken or refused alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unread {
    /// `remote_addr`.
    pub remote_addr: bool,
    /// `received_at`.
    pub received_at: bool,
    /// The recorded answer's kind, body, note and duration (its status is always read).
    pub answer_detail: bool,
}

impl Unread {
    /// Blanks in `r` what a reader leaving these parts out would not have read.
    pub fn blank(&self, r: &mut CaptureRecord) {
        if self.remote_addr {
            r.remote_addr.clear();
        }
        if self.received_at {
            r.received_at.clear();
        }
        if let Some(a) = r.response.as_mut().filter(|_| self.answer_detail) {
            a.kind.clear();
            a.body = None;
            a.note = None;
            a.duration_ms = None;
        }
    }
}

/// [`parse_fast`], leaving out what `unread` names.
pub fn parse_lean(text: &[u8], unread: Unread) -> Option<CaptureRecord> {
    let mut r = CaptureRecord::empty();
    parse_lean_into(text, unread, &mut r).then_some(r)
}

impl CaptureRecord {
    /// A record with nothing in it, to be read into.
    pub fn empty() -> CaptureRecord {
        CaptureRecord {
            v: 0,
            id: String::new(),
            received_at: String::new(),
            method: String::new(),
            path: String::new(),
            headers: Headers::default(),
            body: String::new(),
            body_encoding: BodyEncoding::Utf8,
            remote_addr: String::new(),
            verification: None,
            response: None,
            provider: None,
            event: None,
            body_note: None,
            header_bytes: Vec::new(),
            redacted: Redacted::default(),
        }
    }
}

/// A string read into `s`, or stepped over and read as empty when `skip`.
fn text_into(c: &mut Cursor<'_>, s: &mut String, skip: bool) -> Option<()> {
    if skip {
        s.clear();
        c.skip_string()
    } else {
        c.string_into(s)
    }
}

/// A string or `null` read into `slot` (its string's room reused).
fn optional_into(c: &mut Cursor<'_>, slot: &mut Option<String>) -> Option<()> {
    if c.peek()? == b'n' {
        *slot = None;
        return c.null();
    }
    let mut s = slot.take().unwrap_or_default();
    c.string_into(&mut s)?;
    *slot = Some(s);
    Some(())
}

/// A string or `null` stepped over, read as `null`.
fn skip_optional(c: &mut Cursor<'_>, slot: &mut Option<String>) -> Option<()> {
    *slot = None;
    if c.peek()? == b'n' {
        c.null()
    } else {
        c.skip_string()
    }
}

/// `null`, or what `read` reads.
fn nullable<'a, T>(c: &mut Cursor<'a>, read: impl FnOnce(&mut Cursor<'a>) -> Option<T>) -> Option<Option<T>> {
    if c.peek()? == b'n' {
        c.null().map(|_| None)
    } else {
        read(c).map(Some)
    }
}

/// An object's keys, in the order [`CaptureRecord::write_line`] writes them, both bare
/// (to look a key up) and as they stand in a line (to take the next one at once).
struct Keys {
    bare: &'static [&'static [u8]],
    written: &'static [Written],
}

/// A key as it stands in a line (`"name":`), in one 16-byte word.
type Written = ([u8; 16], usize);

const fn written(s: &str) -> Written {
    let b = s.as_bytes();
    assert!(b.len() <= 16, "a key longer than 13 bytes");
    let mut w = [0u8; 16];
    let mut i = 0;
    while i < b.len() {
        w[i] = b[i];
        i += 1;
    }
    (w, b.len())
}

macro_rules! keys {
    ($($k:literal),* $(,)?) => {
        Keys {
            bare: &[$($k.as_bytes()),*],
            written: &[$(written(concat!("\"", $k, "\":"))),*],
        }
    };
}

/// The keys of an object, each read once by `field` (given the key's place in `keys`):
/// a key not in `keys`, or one seen before, gives `None`. Returns the places seen, a
/// bit each. The key that follows the last one in written order is tried first, as
/// the bytes it is written as: a line as hookcat writes it costs one comparison a key.
fn object<'a>(
    c: &mut Cursor<'a>,
    keys: &Keys,
    mut field: impl FnMut(&mut Cursor<'a>, usize) -> Option<()>,
) -> Option<u32> {
    c.eat(b'{')?;
    let mut seen = 0u32;
    if c.peek()? == b'}' {
        c.take();
        return Some(seen);
    }
    let mut expect = 0;
    loop {
        let at = match keys.written.get(expect) {
            Some((k, len)) if c.take_word(k, *len) => expect,
            _ => {
                let key = c.key()?;
                c.eat(b':')?;
                keys.bare.iter().position(|k| *k == key)?
            }
        };
        if seen & (1 << at) != 0 {
            return None;
        }
        seen |= 1 << at;
        field(c, at)?;
        expect = at + 1;
        match c.take()? {
            b',' => continue,
            b'}' => return Some(seen),
            _ => return None,
        }
    }
}

/// The header pairs, read into `h`'s pairs where it has them.
fn headers_into(c: &mut Cursor<'_>, h: &mut Vec<(String, String)>) -> Option<()> {
    if h.capacity() == 0 {
        h.reserve(8);
    }
    c.eat(b'[')?;
    let mut n = 0;
    if c.peek()? == b']' {
        c.take();
    } else {
        loop {
            c.eat(b'[')?;
            if n == h.len() {
                h.push(Default::default());
            }
            let (name, value) = &mut h[n];
            c.string_into(name)?;
            c.eat(b',')?;
            c.string_into(value)?;
            c.eat(b']')?;
            n += 1;
            match c.take()? {
                b',' => continue,
                b']' => break,
                _ => return None,
            }
        }
    }
    h.truncate(n);
    Some(())
}

/// A string without escapes that `valid` takes, into `s` (or read as empty when
/// `skip`).
fn checked_into(c: &mut Cursor<'_>, s: &mut String, skip: bool, valid: fn(&[u8]) -> bool) -> Option<()> {
    let raw = c.key()?;
    if !valid(raw) {
        return None;
    }
    s.clear();
    if !skip {
        // `valid` takes ASCII only.
        s.push_str(std::str::from_utf8(raw).ok()?);
    }
    Some(())
}

/// The `[index, base64]` pairs of `header_bytes`, read into `v`'s strings where it has them.
fn header_bytes_into(c: &mut Cursor<'_>, v: &mut Vec<(u32, String)>) -> Option<()> {
    c.eat(b'[')?;
    let mut n = 0;
    if c.peek()? == b']' {
        c.take();
    } else {
        loop {
            c.eat(b'[')?;
            if n == v.len() {
                v.push(Default::default());
            }
            let (at, b64) = &mut v[n];
            *at = u32::try_from(c.uint()?).ok()?;
            c.eat(b',')?;
            c.string_into(b64)?;
            c.eat(b']')?;
            n += 1;
            match c.take()? {
                b',' => continue,
                b']' => break,
                _ => return None,
            }
        }
    }
    v.truncate(n);
    Some(())
}

/// An array of places (`[0,3]`) into `v`.
fn places_into(c: &mut Cursor<'_>, v: &mut Vec<u32>) -> Option<()> {
    v.clear();
    c.eat(b'[')?;
    if c.peek()? == b']' {
        c.take();
        return Some(());
    }
    loop {
        v.push(u32::try_from(c.uint()?).ok()?);
        match c.take()? {
            b',' => continue,
            b']' => return Some(()),
            _ => return None,
        }
    }
}

/// The `redacted` object into `r`.
fn redacted_into(c: &mut Cursor<'_>, r: &mut Redacted) -> Option<()> {
    const KEYS: Keys = keys!("headers", "query");
    let seen = object(c, &KEYS, |c, at| match at {
        0 => places_into(c, &mut r.headers),
        1 => places_into(c, &mut r.query),
        _ => None,
    })?;
    if seen & 1 == 0 {
        r.headers.clear();
    }
    if seen & 2 == 0 {
        r.query.clear();
    }
    Some(())
}

/// The answer record (it is on every line) into `slot`, its strings reused.
fn response_into(c: &mut Cursor<'_>, slot: &mut Option<ResponseRecord>, detail: bool) -> Option<()> {
    const KEYS: Keys = RESPONSE_KEYS;
    // Places in KEYS.
    const STATUS: usize = 0;
    const KIND: usize = 1;
    const BODY: usize = 2;
    const DURATION: usize = 3;
    const NOTE: usize = 4;
    if c.peek()? == b'n' {
        *slot = None;
        return c.null();
    }
    let a = slot.get_or_insert_with(|| ResponseRecord {
        status: None,
        kind: String::new(),
        body: None,
        duration_ms: None,
        note: None,
    });
    let seen = object(c, &KEYS, |c, at| match at {
        STATUS => {
            a.status = nullable(c, |c| u16::try_from(c.uint()?).ok())?;
            Some(())
        }
        KIND => text_into(c, &mut a.kind, !detail),
        BODY if !detail => skip_optional(c, &mut a.body),
        BODY => optional_into(c, &mut a.body),
        // A number is stepped over as serde_json reads it (the same lines refused).
        DURATION if !detail => {
            a.duration_ms = None;
            nullable(c, Cursor::skip_f64).map(|_| ())
        }
        DURATION => {
            a.duration_ms = nullable(c, Cursor::f64)?;
            Some(())
        }
        NOTE if !detail => skip_optional(c, &mut a.note),
        NOTE => optional_into(c, &mut a.note),
        _ => None,
    })?;
    let has = |at: usize| seen & (1 << at) != 0;
    if !has(STATUS) || !has(KIND) {
        return None;
    }
    if !has(BODY) {
        a.body = None;
    }
    if !has(DURATION) {
        a.duration_ms = None;
    }
    if !has(NOTE) {
        a.note = None;
    }
    Some(())
}

/// A record's keys, in the order [`CaptureRecord::write_line`] writes them.
const RECORD_KEYS: Keys = keys!(
    "v",
    "id",
    "received_at",
    "method",
    "path",
    "headers",
    "body",
    "body_encoding",
    "remote_addr",
    "verification",
    "response",
    "provider",
    "event",
    "body_note",
    "header_bytes",
    "redacted",
);

/// An answer's keys, in the order [`CaptureRecord::write_line`] writes them.
const RESPONSE_KEYS: Keys = keys!("status", "kind", "body", "duration_ms", "note");

/// [`parse_lean`] into `r`, reusing its strings and header pairs: a reader that
/// recycles its records allocates nothing per line once they have grown. On `false`,
/// `r` holds parts of the line and of what it held before, and the line is read
/// otherwise.
pub fn parse_lean_into(text: &[u8], unread: Unread, r: &mut CaptureRecord) -> bool {
    const KEYS: Keys = RECORD_KEYS;
    // Places in KEYS.
    const V: usize = 0;
    const ID: usize = 1;
    const RECEIVED: usize = 2;
    const METHOD: usize = 3;
    const PATH: usize = 4;
    const HEADERS: usize = 5;
    const BODY: usize = 6;
    const ENCODING: usize = 7;
    const REMOTE: usize = 8;
    const VERIFICATION: usize = 9;
    const RESPONSE: usize = 10;
    const PROVIDER: usize = 11;
    const EVENT: usize = 12;
    const NOTE: usize = 13;
    const HEADER_BYTES: usize = 14;
    const REDACTED: usize = 15;
    const REQUIRED: u32 = (1 << (REMOTE + 1)) - 1;
    let mut c = Cursor::new(text);
    let Some(seen) = object(&mut c, &KEYS, |c, at| match at {
        V => {
            r.v = u32::try_from(c.uint()?).ok()?;
            Some(())
        }
        ID => c.string_into(&mut r.id),
        // Checked in place, read or not (a line is taken or refused alike); one with
        // escapes is left to serde_json.
        RECEIVED => checked_into(c, &mut r.received_at, unread.received_at, is_stamp),
        METHOD => c.string_into(&mut r.method),
        PATH => c.string_into(&mut r.path),
        HEADERS => headers_into(c, &mut r.headers.0),
        BODY => c.string_into(&mut r.body),
        ENCODING => {
            // Read in place (an escaped spelling is left to serde_json).
            r.body_encoding = match c.key()? {
                b"utf8" => BodyEncoding::Utf8,
                b"base64" => BodyEncoding::Base64,
                _ => return None,
            };
            Some(())
        }
        REMOTE => checked_into(c, &mut r.remote_addr, unread.remote_addr, is_addr),
        VERIFICATION => {
            r.verification = nullable(c, |c| serde_json::from_slice(c.compound()?).ok())?;
            Some(())
        }
        RESPONSE => response_into(c, &mut r.response, !unread.answer_detail),
        PROVIDER => optional_into(c, &mut r.provider),
        EVENT => optional_into(c, &mut r.event),
        NOTE => optional_into(c, &mut r.body_note),
        HEADER_BYTES => header_bytes_into(c, &mut r.header_bytes),
        REDACTED => redacted_into(c, &mut r.redacted),
        _ => None,
    }) else {
        return false;
    };
    if !c.at_end() || seen & REQUIRED != REQUIRED {
        return false;
    }
    // What the line does not have, the record does not either.
    let has = |at: usize| seen & (1 << at) != 0;
    if !has(VERIFICATION) {
        r.verification = None;
    }
    if !has(RESPONSE) {
        r.response = None;
    }
    if !has(PROVIDER) {
        r.provider = None;
    }
    if !has(EVENT) {
        r.event = None;
    }
    if !has(NOTE) {
        r.body_note = None;
    }
    if !has(HEADER_BYTES) {
        r.header_bytes.clear();
    }
    if !has(REDACTED) {
        r.redacted.clear();
    }
    true
}

/// Line `line` of a log (`text`, without the blanks around it; `complete` when a newline
/// ended it) as an item, read into a spare record (or a new one) by [`parse_lean_into`],
/// else by `serde_json`; a spare that it does not fill goes back. A record of a newer
/// format is an error.
#[allow(clippy::vec_box)]
fn line_item(
    text: &[u8],
    complete: bool,
    line: u64,
    unread: Unread,
    spare: &mut Vec<Box<CaptureRecord>>,
) -> Result<LogItem, CaptureError> {
    #[derive(Deserialize)]
    struct Ver {
        v: Option<u64>,
    }
    let mut record = spare.pop().unwrap_or_else(|| Box::new(CaptureRecord::empty()));
    // Read, then checked: a record no hookcat writes is skipped like a corrupt line.
    let parsed = if parse_lean_into(text, unread, &mut record) {
        Ok(record.problem(unread))
    } else {
        serde_json::from_slice::<CaptureRecord>(text).map(|mut r| {
            let problem = r.problem(Unread::default());
            unread.blank(&mut r);
            *record = r;
            problem
        })
    };
    let item = match parsed {
        Ok(_) if record.v > VERSION => Err(CaptureError::NewerVersion {
            line,
            found: record.v as u64,
        }),
        Ok(None) => return Ok(LogItem::Record { line, record }),
        Ok(Some(problem)) => Ok(LogItem::Skipped {
            line,
            reason: format!("not a capture record hookcat writes: {problem}"),
        }),
        Err(e) => match serde_json::from_slice::<Ver>(text) {
            Ok(Ver { v: Some(v) }) if v > VERSION as u64 => Err(CaptureError::NewerVersion { line, found: v }),
            _ => Ok(LogItem::Skipped {
                line,
                reason: if complete {
                    format!("not a capture record ({e})")
                } else {
                    "a torn last line (the writer stopped mid-record)".into()
                },
            }),
        },
    };
    spare.push(record);
    item
}

/// One line of a log (`line` its number, for messages), read and checked as
/// [`LogReader`] reads each line: for a reader that finds lines itself (the inspector
/// reads a log backwards).
pub fn read_line(text: &[u8], line: u64) -> Result<LogItem, CaptureError> {
    let text = text.trim_ascii();
    line_item(text, true, line, Unread::default(), &mut Vec::new())
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = Result<LogItem, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // A whole line in the reader's buffer is read where it lies; one that is not
            // (it crosses the buffer's end, or is torn) is gathered into `buf` below.
            let avail = match self.inner.fill_buf() {
                Ok([]) => return None,
                Ok(avail) => avail,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e.into())),
            };
            if let Some(nl) = memchr::memchr(b'\n', avail) {
                let text = avail[..nl].trim_ascii();
                let line = self.line + 1;
                let item = (!text.is_empty()).then(|| line_item(text, true, line, self.unread, &mut self.spare));
                self.inner.consume(nl + 1);
                self.line = line;
                match item {
                    Some(item) => return Some(item),
                    None => continue,
                }
            }
            self.buf.clear();
            match self.inner.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e.into())),
            }
            self.line += 1;
            let complete = self.buf.ends_with(b"\n");
            let text = self.buf.trim_ascii();
            if !text.is_empty() {
                return Some(line_item(text, complete, self.line, self.unread, &mut self.spare));
            }
        }
    }
}

/// Where captures go by default: `$HOOKCAT_DATA_DIR/captures.jsonl`, else the user's
/// data directory (`~/.local/share/hookcat/captures.jsonl` on Linux).
pub fn default_log_path() -> std::path::PathBuf {
    data_dir().join("captures.jsonl")
}

/// hookcat's data directory.
pub fn data_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("HOOKCAT_DATA_DIR").filter(|d| !d.is_empty()) {
        return d.into();
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("hookcat")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: &[u8]) -> CaptureRecord {
        let (b, e) = encode_body(body);
        CaptureRecord {
            v: 1,
            id: "abc".into(),
            received_at: "2026-11-28T10:00:00Z".into(),
            method: "POST".into(),
            path: "/hook?x=1".into(),
            headers: Headers(vec![("X-A".into(), "1".into()), ("x-a".into(), "2".into())]),
            body: b,
            body_encoding: e,
            remote_addr: "127.0.0.1:5555".into(),
            verification: None,
            response: None,
            provider: None,
            event: None,
            body_note: None,
            header_bytes: Vec::new(),
            redacted: Redacted::default(),
        }
    }

    /// A record with every part set and longer than most: what a recycled record
    /// holds before the next line is read into it.
    fn dirty() -> CaptureRecord {
        let mut r = record(&[0xff; 700]);
        r.v = 7;
        r.headers = Headers((0..12).map(|i| (format!("x-old-{i}"), "v".repeat(90))).collect());
        r.verification = Some(VerificationRecord {
            valid: false,
            scheme: "stripe".into(),
            reason: "old".into(),
            failure: Some("f".into()),
            timestamp: Some(1),
            diagnosis: Vec::new(),
        });
        r.response = Some(ResponseRecord {
            status: Some(599),
            kind: "kind of old".into(),
            body: Some("old answer".repeat(20)),
            duration_ms: Some(9.5),
            note: Some("old note".into()),
        });
        r.provider = Some("old provider".into());
        r.event = Some("old event".into());
        r.body_note = Some("old note".into());
        r.header_bytes = vec![(3, "gA==".into()), (7, "/w==".into())];
        r.redacted = Redacted {
            headers: vec![1, 4],
            query: vec![2],
        };
        r
    }

    /// Headers of these names and value bytes, as the listener keeps them (the bytes of
    /// a value that is not UTF-8 in `r.header_bytes`).
    fn with_bytes(r: &mut CaptureRecord, raw: Vec<(String, Vec<u8>)>) -> Headers {
        r.header_bytes.clear();
        raw.into_iter()
            .enumerate()
            .map(|(i, (n, v))| (n, header_value_text(i, &v, &mut r.header_bytes)))
            .collect()
    }

    /// The line read fresh, and read into a record that held another: alike.
    fn lean_both_ways(line: &str, unread: Unread) -> Option<CaptureRecord> {
        let fresh = parse_lean(line.as_bytes(), unread);
        let mut reused = dirty();
        let into = parse_lean_into(line.as_bytes(), unread, &mut reused).then_some(reused);
        assert_eq!(into, fresh, "{line}");
        fresh
    }

    #[test]
    fn bodies_round_trip_byte_exact() {
        for body in [&b"{\"a\":1}\n"[..], &[0xff, 0x00, 0xfe][..], b""] {
            let r = record(body);
            let back: CaptureRecord = serde_json::from_str(&r.to_line()).unwrap();
            assert_eq!(back.body_bytes().unwrap(), body);
            assert_eq!(back, r);
        }
        assert_eq!(record(&[0xff]).body_encoding, BodyEncoding::Base64);
    }

    #[test]
    fn the_line_is_what_serde_json_writes() {
        let mut full = record(b"{\"a\":\"\\u00e9\"}\n\x01");
        full.headers.push("X-Quote", "a\"b\\c\td");
        full.verification = Some(VerificationRecord {
            valid: false,
            scheme: "stripe".into(),
            reason: "no match".into(),
            failure: Some("mismatch".into()),
            timestamp: Some(1_700_000_000),
            diagnosis: vec![DiagnosisRecord {
                code: "trailing_newline".into(),
                message: "a \"newline\"".into(),
            }],
        });
        full.response = Some(ResponseRecord {
            status: None,
            kind: "dropped".into(),
            body: Some("{\"ok\":true}".into()),
            duration_ms: Some(0.123),
            note: Some("n".into()),
        });
        full.provider = Some("stripe".into());
        full.event = Some("payment_intent.succeeded".into());
        full.body_note = Some("cut \"off\"".into());
        full.headers.push("X-Raw", "\u{fffd}\u{fffd}");
        full.header_bytes = vec![(3, "gP8=".into())];
        let mut partial = record(&[0xff, 0x00]);
        partial.response = Some(ResponseRecord {
            status: Some(200),
            kind: "normal".into(),
            body: None,
            duration_ms: None,
            note: None,
        });
        partial.event = Some("push".into());
        for r in [record(b""), record(b"x"), full, partial] {
            assert_eq!(r.to_line(), serde_json::to_string(&r).unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_record_line_is_what_serde_json_writes(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            headers in proptest::collection::vec((".{0,12}", proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)), 0..8),
            path in ".{0,30}",
            provider in proptest::option::of(".{0,10}"),
            redacted in (proptest::collection::vec(0u32..20, 0..3), proptest::collection::vec(0u32..20, 0..3)),
            response in proptest::option::of((
                proptest::option::of(100u16..600),
                proptest::option::of(".{0,30}"),
                proptest::option::of(0.0f64..1e6),
                proptest::option::of(".{0,10}"),
            )),
        ) {
            let mut r = record(&body);
            r.headers = with_bytes(&mut r, headers);
            r.path = path;
            r.provider = provider;
            r.redacted = Redacted { headers: redacted.0, query: redacted.1 };
            r.response = response.map(|(status, body, duration_ms, note)| ResponseRecord {
                status,
                kind: "normal".into(),
                body,
                duration_ms,
                note,
            });
            proptest::prop_assert_eq!(r.to_line(), serde_json::to_string(&r).unwrap());
        }
    }

    /// The reader tries keys in the order the writer writes them: the two agree.
    #[test]
    fn keys_are_expected_in_the_order_they_are_written() {
        let line = dirty().to_line();
        let (record, answer) = line.split_once("\"response\":").unwrap();
        let places = |text: &str, keys: &Keys| -> Vec<usize> {
            keys.written
                .iter()
                .map(|(w, len)| {
                    text.find(std::str::from_utf8(&w[..*len]).unwrap())
                        .unwrap_or(usize::MAX)
                })
                .collect()
        };
        // Up to the answer, then after it, each key where the one before it left off.
        assert!(line.contains("\"header_bytes\":"), "{line}");
        let mut before: Vec<usize> = places(record, &RECORD_KEYS)[..10].to_vec();
        before.extend(places(answer, &RECORD_KEYS)[11..].iter().map(|p| p + record.len()));
        assert!(before.windows(2).all(|w| w[0] < w[1]), "{before:?} in {line}");
        let inner = places(answer, &RESPONSE_KEYS);
        assert!(inner.windows(2).all(|w| w[0] < w[1]), "{inner:?} in {answer}");
    }

    #[test]
    fn the_line_has_the_documented_fields() {
        let v: serde_json::Value = serde_json::from_str(&record(b"x").to_line()).unwrap();
        for k in [
            "v",
            "id",
            "received_at",
            "method",
            "path",
            "headers",
            "body",
            "body_encoding",
            "remote_addr",
            "verification",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["headers"][1], serde_json::json!(["x-a", "2"]));
        assert!(v["verification"].is_null());
    }

    #[test]
    fn reader_skips_bad_lines_and_a_torn_tail() {
        let good = record(b"x").to_line();
        let log = format!("{good}\nnot json\n\n{good}\n{{\"v\":1,\"id\":\"tor");
        let items: Vec<_> = LogReader::new(log.as_bytes()).map(|i| i.unwrap()).collect();
        assert!(matches!(items[0], LogItem::Record { line: 1, .. }));
        assert!(matches!(&items[1], LogItem::Skipped { line: 2, reason } if reason.contains("not a capture")));
        assert!(matches!(items[2], LogItem::Record { line: 4, .. }));
        assert!(matches!(&items[3], LogItem::Skipped { line: 5, reason } if reason.contains("torn")));
    }

    #[test]
    fn ids_and_stamps() {
        let (stamp, id) = CaptureRecord::stamp_and_id();
        assert!(stamp.parse::<jiff::Timestamp>().is_ok(), "{stamp}");
        assert_eq!(stamp.len(), 24);
        assert_eq!(id.len(), 24);
        assert_ne!(CaptureRecord::new_id(), CaptureRecord::new_id());
        for body in [&b""[..], b"a", b"ab", b"abc", &[0xff], &[0xff, 0], &[0xff, 0, 1]] {
            assert_eq!(record(body).body_len(), body.len());
        }
    }

    #[test]
    fn reader_refuses_a_newer_version() {
        let log = "{\"v\":2,\"id\":\"x\",\"something\":\"new\"}\n";
        let e = LogReader::new(log.as_bytes()).next().unwrap().unwrap_err();
        assert!(e.to_string().contains("newer hookcat"), "{e}");
    }

    #[test]
    fn the_fast_reader_reads_what_serde_json_reads() {
        let mut full = record(b"{\"a\":\"\\u00e9\"}\n\x01");
        full.headers.push("X-Quote", "a\"b\\c\td");
        full.response = Some(ResponseRecord {
            status: Some(200),
            kind: "normal".into(),
            body: Some("{\"ok\":true}".into()),
            duration_ms: Some(0.123),
            note: None,
        });
        full.event = Some("push".into());
        let line = full.to_line();
        assert_eq!(lean_both_ways(&line, Unread::default()), Some(full.clone()));
        // Other key orders, whitespace and nulls are read too; anything unexpected is
        // left to serde_json.
        let reordered = r#" { "path":"/p", "v":1, "id":"i", "received_at":"2026-11-28T10:00:00Z", "method":"POST",
            "headers":[], "body":"", "body_encoding":"utf8", "remote_addr":"[::1]:80",
            "verification":null, "response":null, "provider":null } "#;
        let r = lean_both_ways(reordered, Unread::default()).expect("read");
        assert_eq!(r, serde_json::from_str::<CaptureRecord>(reordered).unwrap());
        let no_verification = r#"{"v":1,"id":"i","received_at":"2026-11-28T10:00:00.5+01:00","method":"GET","path":"/","headers":[["a","b"]],"body":"","body_encoding":"base64","remote_addr":"a"}"#;
        assert_eq!(
            lean_both_ways(no_verification, Unread::default()),
            serde_json::from_str::<CaptureRecord>(no_verification).ok()
        );
        for bad in [
            line.replacen("\"v\":1", "\"v\":1,\"v\":1", 1),
            line.replacen("\"v\":1", "\"v\":1,\"extra\":2", 1),
            line.replacen("\"v\":1", "\"v\":01", 1),
            line.replacen("\"v\":1", "\"v\":1.0", 1),
            line.replacen("\"body_encoding\":\"utf8\"", "\"body_encoding\":\"hex\"", 1),
            line.replacen(",\"id\":", ",\"di\":", 1),
            format!("{line} x"),
            line[..line.len() - 1].to_string(),
            "{}".into(),
        ] {
            assert_eq!(lean_both_ways(&bad, Unread::default()), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_record_reads_back_fast(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            headers in proptest::collection::vec((".{0,12}", proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)), 0..8),
            note in proptest::option::of(".{0,10}"),
            redacted in (proptest::collection::vec(0u32..20, 0..3), proptest::collection::vec(0u32..20, 0..3)),
            response in proptest::option::of((
                proptest::option::of(100u16..600),
                ".{0,8}",
                proptest::option::of(".{0,60}"),
                proptest::option::of(proptest::num::f64::NORMAL | proptest::num::f64::ZERO),
                proptest::option::of(".{0,20}"),
            )),
        ) {
            let mut r = record(&body);
            r.headers = with_bytes(&mut r, headers);
            r.body_note = note;
            r.redacted = Redacted { headers: redacted.0, query: redacted.1 };
            r.response = response.map(|(status, kind, body, duration_ms, note)| ResponseRecord { status, kind, body, duration_ms, note });
            let line = r.to_line();
            let fast = parse_fast(line.as_bytes());
            proptest::prop_assert_eq!(&fast, &serde_json::from_str::<CaptureRecord>(&line).ok());
            // Leaving parts out reads the rest alike, and blanks only those parts.
            let unread = Unread { remote_addr: true, received_at: true, answer_detail: true };
            let mut blanked = fast.clone();
            if let Some(b) = blanked.as_mut() {
                unread.blank(b);
            }
            proptest::prop_assert_eq!(lean_both_ways(&line, unread), blanked);
            proptest::prop_assert_eq!(lean_both_ways(&line, Unread::default()), fast.clone());
            // The same record, but for the last digit of a float (serde_json's reading,
            // which the fast reader uses, does not round-trip every f64).
            let mut expected = r;
            if let (Some(e), Some(f)) = (expected.response.as_mut(), fast.as_ref().and_then(|f| f.response.as_ref())) {
                e.duration_ms = f.duration_ms;
            }
            proptest::prop_assert_eq!(fast, Some(expected));
        }

        /// A damaged line is either refused by both readers or read alike.
        #[test]
        fn a_damaged_line_reads_as_serde_json_reads_it(
            cut in 0usize..600,
            len in 0usize..4,
            insert in proptest::sample::select(vec!["", "\"", "\\", ",", "}", "]", "null", "1", " ", "\u{1}", "é"]),
        ) {
            let mut r = record(b"{\"k\":\"v\\n\"}");
            r.headers = with_bytes(&mut r, vec![("x-a".into(), b"[redacted: 9 bytes]".to_vec()), ("x-b".into(), vec![0xff, b'b'])]);
            r.redacted = Redacted { headers: vec![0], query: vec![] };
            r.provider = Some("github".into());
            r.response = Some(ResponseRecord {
                status: Some(200),
                kind: "normal".into(),
                body: Some("{\"ok\":true}".into()),
                duration_ms: Some(0.25),
                note: None,
            });
            let line = r.to_line();
            let cut = cut.min(line.len());
            let end = (cut + len).min(line.len());
            if line.is_char_boundary(cut) && line.is_char_boundary(end) {
                let damaged = format!("{}{insert}{}", &line[..cut], &line[end..]);
                let unread = Unread { remote_addr: true, received_at: true, answer_detail: true };
                // A line left partly unread is taken exactly when it is taken whole.
                proptest::prop_assert_eq!(
                    lean_both_ways(&damaged, unread).is_some(),
                    parse_fast(damaged.as_bytes()).is_some(),
                    "{}",
                    damaged
                );
                if let Some(fast) = lean_both_ways(&damaged, Unread::default()) {
                    let slow = serde_json::from_str::<CaptureRecord>(&damaged);
                    proptest::prop_assert_eq!(Some(fast), slow.ok(), "{}", damaged);
                }
            }
        }
    }

    #[test]
    fn lines_are_read_alike_wherever_the_buffer_ends() {
        let mut a = record(b"{\"a\":\"\\\"quoted\\\"\"}");
        a.response = Some(ResponseRecord {
            status: Some(200),
            kind: "normal".into(),
            body: Some("{\"ok\":true}".into()),
            duration_ms: Some(0.5),
            note: None,
        });
        let b = record(&[0xff, 0x00, b'x']);
        let reordered = r#"{"path":"/p","v":1,"id":"i","received_at":"2026-11-28T10:00:00Z","method":"POST","headers":[],"body":"","body_encoding":"utf8","remote_addr":"a"}"#;
        let text = format!(
            "{}\n\n  \r\n{}\r\n{reordered}\nnot json\n{}\n{{\"v\":99}}\n{}",
            a.to_line(),
            b.to_line(),
            a.to_line(),
            &b.to_line()[..40]
        );
        // Each record given back to the reader once seen, or not: read alike.
        let read_recycling = |cap: usize, recycle: bool| -> Vec<String> {
            let mut r = LogReader::new(std::io::BufReader::with_capacity(cap, text.as_bytes()));
            if recycle {
                r.recycle(Box::new(dirty()));
            }
            let mut seen = Vec::new();
            while let Some(i) = r.next() {
                seen.push(match i {
                    Ok(LogItem::Record { line, record }) => {
                        let s = format!("{line} {record:?}");
                        if recycle {
                            r.recycle(record);
                        }
                        s
                    }
                    Ok(LogItem::Skipped { line, reason }) => format!("{line} skipped: {reason}"),
                    Err(e) => format!("error {e}"),
                });
            }
            seen
        };
        let read = |cap: usize| {
            let seen = read_recycling(cap, false);
            assert_eq!(read_recycling(cap, true), seen, "buffer of {cap} bytes, recycling");
            seen
        };
        let whole = read(1 << 20);
        assert_eq!(whole.len(), 7, "{whole:#?}");
        assert!(whole[0].starts_with("1 "), "{}", whole[0]);
        assert!(whole[1].starts_with("4 "), "{}", whole[1]);
        assert!(
            whole[2].starts_with("5 ") && whole[2].contains("path: \"/p\""),
            "{}",
            whole[2]
        );
        assert!(whole[3].starts_with("6 skipped: not a capture record"), "{}", whole[3]);
        assert!(whole[5].contains("newer"), "{}", whole[5]);
        assert!(whole[6].starts_with("9 skipped: a torn last line"), "{}", whole[6]);
        for cap in [1, 7, 64, 300, 301, 1000] {
            assert_eq!(read(cap), whole, "buffer of {cap} bytes");
        }
    }

    /// A value that is not UTF-8 is kept as its text and its exact bytes; a line
    /// without `header_bytes` (every log before it) reads as all text.
    #[test]
    fn header_values_that_are_not_utf8_keep_their_bytes() {
        let mut r = record(b"x");
        let raw = vec![
            ("x-a".to_string(), b"plain".to_vec()),
            ("x-b".to_string(), (0x80..=0xffu8).collect::<Vec<u8>>()),
            ("x-c".to_string(), b"caf\xe9".to_vec()),
        ];
        r.headers = with_bytes(&mut r, raw.clone());
        assert_eq!(r.header_bytes.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2]);
        let line = r.to_line();
        assert_eq!(line, serde_json::to_string(&r).unwrap());
        let back = parse_fast(line.as_bytes()).expect("read fast");
        assert_eq!(back, r);
        assert_eq!(back.problem(Unread::default()), None);
        let exact = back.exact_header_values().unwrap();
        assert_eq!(exact, vec![raw[1].clone(), raw[2].clone()]);
        // The common case writes nothing more than before.
        let plain = record(b"x").to_line();
        assert!(!plain.contains("header_bytes"), "{plain}");
        let old = r#"{"v":1,"id":"i","received_at":"2026-11-28T10:00:00Z","method":"GET","path":"/","headers":[["a","caf\ufffd"]],"body":"","body_encoding":"utf8","remote_addr":"127.0.0.1:1","verification":null}"#;
        let rec = lean_both_ways(old, Unread::default()).expect("an old line reads");
        assert!(rec.header_bytes.is_empty());
        assert_eq!(rec.exact_header_values().unwrap(), vec![]);
        assert_eq!(rec.problem(Unread::default()), None);
    }

    /// Which values were redacted is kept, written only when there are some, and read
    /// by both readers alike; a record that names them where its values are markers is
    /// one hookcat writes.
    #[test]
    fn redacted_places_round_trip() {
        let mut r = record(b"x");
        let m = "[redacted: 3 bytes]";
        r.path = format!("/h?a=1&b={m}&c=[redacted]");
        r.headers.push("x-t", m);
        r.redacted = Redacted {
            headers: vec![2],
            query: vec![1],
        };
        let line = r.to_line();
        assert_eq!(line, serde_json::to_string(&r).unwrap());
        assert!(line.ends_with(r#","redacted":{"headers":[2],"query":[1]}}"#), "{line}");
        assert_eq!(lean_both_ways(&line, Unread::default()), Some(r.clone()));
        assert_eq!(r.problem(Unread::default()), None);
        r.redacted.headers.clear();
        let line = r.to_line();
        assert!(line.ends_with(r#","redacted":{"query":[1]}}"#), "{line}");
        assert_eq!(lean_both_ways(&line, Unread::default()), Some(r.clone()));
        r.redacted.clear();
        assert!(!r.to_line().contains("\"redacted\":"));
        let empty_object = line.replace(r#""query":[1]"#, "");
        let read = lean_both_ways(&empty_object, Unread::default()).expect("read");
        assert_eq!(
            Some(&read),
            serde_json::from_str::<CaptureRecord>(&empty_object).ok().as_ref()
        );
        assert!(read.redacted.is_empty());
    }

    /// Records no hookcat writes are skipped with a reason, like corrupt lines, by
    /// both readers; the good ones around them are read.
    #[test]
    fn records_that_fail_their_formats_are_skipped() {
        let good = record(b"x");
        let mut bad: Vec<(CaptureRecord, &str)> = Vec::new();
        let mut push = |f: &dyn Fn(&mut CaptureRecord), what: &'static str| {
            let mut r = record(b"x");
            f(&mut r);
            bad.push((r, what));
        };
        push(&|r| r.method = "POST\n$(touch x)".into(), "method");
        push(&|r| r.method = "GE T".into(), "method");
        push(&|r| r.method = String::new(), "method");
        push(&|r| r.received_at = "2026-11-28\n$(touch x)".into(), "received_at");
        push(&|r| r.received_at = "yesterday".into(), "received_at");
        push(&|r| r.received_at = "2026-11-28T10:00:00".into(), "received_at");
        push(&|r| r.id = "a;b".into(), "id");
        push(&|r| r.id = String::new(), "id");
        push(&|r| r.id = "x".repeat(65), "id");
        push(&|r| r.path = "/a b".into(), "path");
        push(&|r| r.path = "/\u{1b}[2J".into(), "path");
        push(&|r| r.headers.push("x a", "v"), "header 3");
        push(&|r| r.headers.push("x-a", "v\r\nx: y"), "header 3");
        push(&|r| r.headers.push("x-a", "\u{7f}"), "header 3");
        push(&|r| r.remote_addr = "1.2.3.4\u{1b}]0;t\u{7}".into(), "remote_addr");
        push(&|r| r.header_bytes = vec![(0, "gA==".into())], "header_bytes");
        let m = "[redacted: 3 bytes]";
        push(&|r| r.redacted.headers = vec![0], "redacted");
        push(&|r| r.redacted.headers = vec![5], "redacted");
        push(
            &|r| {
                r.headers = Headers(vec![("x-a".into(), m.into()), ("x-b".into(), m.into())]);
                r.redacted.headers = vec![1, 0];
            },
            "redacted",
        );
        push(&|r| r.redacted.query = vec![0], "redacted");
        push(&|r| r.path = format!("/h?a={m}"), "path");
        push(
            &|r| {
                r.path = "/h?a=1&b=2".into();
                r.redacted.query = vec![1];
            },
            "redacted",
        );
        push(&|r| r.header_bytes = vec![(9, "gA==".into())], "header_bytes");
        push(
            &|r| {
                r.headers.push("x-b", "\u{fffd}");
                r.header_bytes = vec![(2, "YQ==".into())];
            },
            "header_bytes",
        );
        push(
            &|r| {
                r.headers.push("x-b", "\u{fffd}");
                r.header_bytes = vec![(2, "!!".into())];
            },
            "header_bytes",
        );
        push(
            &|r| {
                r.verification = Some(VerificationRecord {
                    valid: true,
                    scheme: "stripe\n$(x)".into(),
                    reason: "r".into(),
                    failure: None,
                    timestamp: None,
                    diagnosis: Vec::new(),
                })
            },
            "verification",
        );
        push(
            &|r| {
                r.response = Some(ResponseRecord {
                    status: Some(7),
                    kind: "normal".into(),
                    body: None,
                    duration_ms: None,
                    note: None,
                })
            },
            "status",
        );
        let mut log = good.to_line() + "\n";
        for (r, _) in &bad {
            log.push_str(&r.to_line());
            log.push('\n');
        }
        log.push_str(&good.to_line());
        for unread in [
            Unread::default(),
            Unread {
                remote_addr: true,
                received_at: true,
                answer_detail: true,
            },
        ] {
            let items: Vec<_> = LogReader::new(log.as_bytes())
                .leaving(unread)
                .map(|i| i.unwrap())
                .collect();
            assert_eq!(items.len(), bad.len() + 2);
            assert!(matches!(items[0], LogItem::Record { line: 1, .. }));
            assert!(matches!(items[bad.len() + 1], LogItem::Record { .. }));
            for (n, (r, what)) in bad.iter().enumerate() {
                match &items[n + 1] {
                    LogItem::Skipped { line, reason } => {
                        assert_eq!(*line, n as u64 + 2);
                        assert!(reason.contains(what), "{what}: {reason}");
                    }
                    other => panic!("{what} taken: {:?} from {}", other, r.to_line()),
                }
            }
        }
        // What the listener writes passes: its stamps, ids and addresses.
        let (stamp, id) = CaptureRecord::stamp_and_id();
        let mut r = record(b"x");
        r.received_at = stamp;
        r.id = id;
        r.remote_addr = "[fe80::1%eth0]:5000".into();
        r.headers.push("x-tab", "a\tb");
        assert_eq!(r.problem(Unread::default()), None);
        assert!(is_token(b"M-SEARCH") && !is_token(b"GET\0") && !is_token(b"(x)"));
    }
}
