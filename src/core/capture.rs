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
    pub fn problem(&self) -> Option<String> {
        let bad = |what: &str| Some(format!("its {what}"));
        if !is_id(&self.id) {
            return bad("`id` is not a capture id (1 to 64 letters, digits, `-` or `_`)");
        }
        if !is_stamp(self.received_at.as_bytes()) {
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
        if !is_addr(self.remote_addr.as_bytes()) {
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

    /// Appends the JSON line (without the newline).
    pub fn write_line(&self, out: &mut Vec<u8>) {
        serde_json::to_writer(out, self).expect("a record is JSON: string keys, finite numbers");
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
}

impl<R: BufRead> LogReader<R> {
    pub fn new(inner: R) -> Self {
        LogReader {
            inner,
            line: 0,
            buf: Vec::with_capacity(8192),
        }
    }
}

/// How many bytes `s` takes as a JSON string's content (without its quotes), escaped
/// as `serde_json` escapes it: `"`, `\\` and the short control escapes take two, other
/// control characters six (`\u00XX`). The listener sizes a large body's line with it,
/// so that the line is allocated once.
pub fn escaped_len(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

/// The `body` of a capture line, read into a string of exactly its size. The listener
/// takes a large body out of its record once the line is written and reads it back from
/// the line to show it: `serde_json` would read it into a scratch buffer grown by
/// doubling and then copy it, which put a 100 MiB body at 4.6x its size in
/// `bench/memory.sh` (2.5x this way; the target is 3x). `None` when the line has no body
/// string or it is not valid JSON text (then the caller reads the line with serde_json).
pub fn body_of_line(line: &[u8]) -> Option<String> {
    // Every `"` inside a string is escaped, so the first `,"body":"` is the key (the
    // record's fields before it are `v`, `id`, `received_at`, `method`, `path` and
    // `headers`).
    const KEY: &[u8] = b",\"body\":\"";
    let start = memchr::memmem::find(line, KEY)? + KEY.len();
    let text = &line[start..];
    // Escapes only shrink text: the escaped length bounds the string's.
    let mut out = Vec::with_capacity(text.len().min(line.len()));
    let mut i = 0;
    loop {
        let run = memchr::memchr2(b'"', b'\\', &text[i..])?;
        out.extend_from_slice(&text[i..i + run]);
        i += run;
        if text[i] == b'"' {
            break;
        }
        let esc = *text.get(i + 1)?;
        i += 2;
        let c = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = |at: usize| -> Option<u32> {
                    let hex = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
                    u32::from_str_radix(hex, 16).ok()
                };
                let hi = unit(i)?;
                i += 4;
                if (0xd800..0xdc00).contains(&hi) {
                    // A surrogate pair: `\uD8xx\uDCxx`.
                    if text.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let lo = unit(i + 2)?;
                    if !(0xdc00..0xe000).contains(&lo) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00))?
                } else {
                    char::from_u32(hi)?
                }
            }
            _ => return None,
        };
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    // Raw control bytes are not JSON text (an escape is printable ASCII); the rest must be
    // UTF-8.
    if text[..i].iter().any(|b| *b < 0x20) {
        return None;
    }
    String::from_utf8(out).ok()
}

impl CaptureRecord {
    /// A record with nothing in it, to be filled in.
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

/// Line `line` of a log (`text`, without the blanks around it; `complete` when a newline
/// ended it) as an item: a record, checked ([`CaptureRecord::problem`]), or why the line
/// was skipped. A record of a newer format is an error.
fn line_item(text: &[u8], complete: bool, line: u64) -> Result<LogItem, CaptureError> {
    #[derive(Deserialize)]
    struct Ver {
        v: Option<u64>,
    }
    // Read, then checked: a record no hookcat writes is skipped like a corrupt line.
    match serde_json::from_slice::<CaptureRecord>(text) {
        Ok(record) if record.v > VERSION => Err(CaptureError::NewerVersion {
            line,
            found: record.v as u64,
        }),
        Ok(record) => Ok(match record.problem() {
            None => LogItem::Record {
                line,
                record: Box::new(record),
            },
            Some(problem) => LogItem::Skipped {
                line,
                reason: format!("not a capture record hookcat writes: {problem}"),
            },
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
    }
}

/// One line of a log (`line` its number, for messages), read and checked as
/// [`LogReader`] reads each line: for a reader that finds lines itself (the inspector
/// reads a log backwards).
pub fn read_line(text: &[u8], line: u64) -> Result<LogItem, CaptureError> {
    let text = text.trim_ascii();
    line_item(text, true, line)
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
                let item = (!text.is_empty()).then(|| line_item(text, true, line));
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
                return Some(line_item(text, complete, self.line));
            }
        }
    }
}

/// Where captures go by default: `$HOOKCAT_DATA_DIR/captures.jsonl`, else the user's
/// data directory (`~/.local/share/hookcat/captures.jsonl` on Linux).
pub fn default_log_path() -> std::path::PathBuf {
    data_dir().join("captures.jsonl")
}

/// Opens a capture log for streaming (through a large buffer: logs are read whole).
pub fn open_log(path: &std::path::Path) -> std::io::Result<std::io::BufReader<std::fs::File>> {
    Ok(std::io::BufReader::with_capacity(
        256 * 1024,
        std::fs::File::open(path)?,
    ))
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

    /// Headers of these names and value bytes, as the listener keeps them (the bytes of
    /// a value that is not UTF-8 in `r.header_bytes`).
    fn with_bytes(r: &mut CaptureRecord, raw: Vec<(String, Vec<u8>)>) -> Headers {
        r.header_bytes.clear();
        raw.into_iter()
            .enumerate()
            .map(|(i, (n, v))| (n, header_value_text(i, &v, &mut r.header_bytes)))
            .collect()
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

    proptest::proptest! {
        /// The body read from a line is what serde_json reads, whatever its bytes.
        #[test]
        fn the_body_of_a_line_is_what_serde_json_reads(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            text in "\\PC{0,40}",
            headers in proptest::collection::vec((".{0,8}", ".{0,20}"), 0..4),
        ) {
            for bytes in [body.clone(), text.clone().into_bytes()] {
                let mut r = record(&bytes);
                for (k, v) in &headers {
                    r.headers.push(k, v);
                }
                let line = r.to_line();
                let read: CaptureRecord = serde_json::from_str(&line).unwrap();
                proptest::prop_assert_eq!(body_of_line(line.as_bytes()), Some(read.body));
            }
        }
    }

    #[test]
    fn the_body_of_a_line_needs_a_whole_json_string() {
        let line = record("a\"b\\c\u{1}\u{e9}\u{1f600}".as_bytes()).to_line();
        assert_eq!(
            body_of_line(line.as_bytes()).as_deref(),
            Some("a\"b\\c\u{1}\u{e9}\u{1f600}")
        );
        assert_eq!(body_of_line(br#"{"v":1,"body":"x\ud83d"}"#), None);
        assert_eq!(body_of_line(br#"{"v":1,"body":"cut"#), None);
        assert_eq!(body_of_line(br#"{"v":1,"body":"\q"}"#), None);
        assert_eq!(body_of_line(b"{\"v\":1,\"body\":\"raw\nnewline\"}"), None);
        assert_eq!(body_of_line(b"{\"v\":1,\"body\":\"\\n and raw\nnewline\"}"), None);
        assert_eq!(body_of_line(br#"{"v":1,"nobody":"x"}"#), None);
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
        let read = |cap: usize| -> Vec<String> {
            LogReader::new(std::io::BufReader::with_capacity(cap, text.as_bytes()))
                .map(|i| match i {
                    Ok(LogItem::Record { line, record }) => format!("{line} {record:?}"),
                    Ok(LogItem::Skipped { line, reason }) => format!("{line} skipped: {reason}"),
                    Err(e) => format!("error {e}"),
                })
                .collect()
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
        let back: CaptureRecord = serde_json::from_str(&line).expect("read");
        assert_eq!(back, r);
        assert_eq!(back.problem(), None);
        let exact = back.exact_header_values().unwrap();
        assert_eq!(exact, vec![raw[1].clone(), raw[2].clone()]);
        // The common case writes nothing more than before.
        let plain = record(b"x").to_line();
        assert!(!plain.contains("header_bytes"), "{plain}");
        let old = r#"{"v":1,"id":"i","received_at":"2026-11-28T10:00:00Z","method":"GET","path":"/","headers":[["a","caf\ufffd"]],"body":"","body_encoding":"utf8","remote_addr":"127.0.0.1:1","verification":null}"#;
        let rec = serde_json::from_str::<CaptureRecord>(old).expect("an old line reads");
        assert!(rec.header_bytes.is_empty());
        assert_eq!(rec.exact_header_values().unwrap(), vec![]);
        assert_eq!(rec.problem(), None);
    }

    /// Which values were redacted is kept, written only when there are some, and read
    /// back; a record that names them where its values are markers is
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
        assert_eq!(serde_json::from_str::<CaptureRecord>(&line).ok(), Some(r.clone()));
        assert_eq!(r.problem(), None);
        r.redacted.headers.clear();
        let line = r.to_line();
        assert!(line.ends_with(r#","redacted":{"query":[1]}}"#), "{line}");
        assert_eq!(serde_json::from_str::<CaptureRecord>(&line).ok(), Some(r.clone()));
        r.redacted.clear();
        assert!(!r.to_line().contains("\"redacted\":"));
        let empty_object = line.replace(r#""query":[1]"#, "");
        let read = serde_json::from_str::<CaptureRecord>(&empty_object).expect("read");
        assert!(read.redacted.is_empty());
    }

    /// Records no hookcat writes are skipped with a reason, like corrupt lines; the good
    /// ones around them are read.
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
        {
            let items: Vec<_> = LogReader::new(log.as_bytes()).map(|i| i.unwrap()).collect();
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
        assert_eq!(r.problem(), None);
        assert!(is_token(b"M-SEARCH") && !is_token(b"GET\0") && !is_token(b"(x)"));
    }
}
