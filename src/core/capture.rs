//! The capture record: one JSON line per request, written by `listen` and read by
//! `replay` and `captures`. Versioned (`"v": 1`); bodies are byte-exact (`utf8`
//! text, or `base64` for bytes that are not valid UTF-8); headers are ordered pairs
//! with duplicates kept. The reader streams, skips a torn or corrupt line with a
//! warning naming its line number, and refuses a newer format version.

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
}

impl CaptureRecord {
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
        use super::json::{push_key, push_str, push_value};
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
        } = self;
        // `,"key":`
        let next = |out: &mut Vec<u8>, key: &str| {
            out.push(b',');
            push_key(out, key);
        };
        out.push(b'{');
        push_key(out, "v");
        push_value(out, v);
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
            push_value(out, status);
            next(out, "kind");
            push_str(out, kind);
            if let Some(b) = body {
                next(out, "body");
                push_str(out, b);
            }
            if let Some(d) = duration_ms {
                next(out, "duration_ms");
                push_value(out, d);
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

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = Result<LogItem, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.inner.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e.into())),
            }
            self.line += 1;
            let complete = self.buf.ends_with(b"\n");
            let text = self.buf.trim_ascii();
            if text.is_empty() {
                continue;
            }
            #[derive(Deserialize)]
            struct Ver {
                v: Option<u64>,
            }
            let line = self.line;
            return Some(match serde_json::from_slice::<CaptureRecord>(text) {
                Ok(r) if r.v > VERSION => Err(CaptureError::NewerVersion {
                    line,
                    found: r.v as u64,
                }),
                Ok(r) => Ok(LogItem::Record {
                    line,
                    record: Box::new(r),
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
            });
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
        }
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
            headers in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..8),
            path in ".{0,30}",
            provider in proptest::option::of(".{0,10}"),
            response in proptest::option::of((
                proptest::option::of(100u16..600),
                proptest::option::of(".{0,30}"),
                proptest::option::of(0.0f64..1e6),
                proptest::option::of(".{0,10}"),
            )),
        ) {
            let mut r = record(&body);
            r.headers = Headers(headers);
            r.path = path;
            r.provider = provider;
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
}
