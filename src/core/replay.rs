//! Turning captures back into requests: byte-exact, or without their old signature
//! headers for re-signing, with redacted values put back; the age of a captured
//! signature; `--set` edits of bodies. Choosing the captures is [`super::select`];
//! feeding them to the batch runner ([`super::deliver::run`]) is [`super::feed`]; their
//! exports are [`super::export`]; comparing them is [`super::diff`].
//! Nothing here prints: results go back to the caller.

use serde_json::Value;

use super::capture::{CaptureError, CaptureRecord};
use super::deliver::Prepared;
use super::event::overrides::apply_form_overrides;
use super::event::{apply_overrides, EventError, Override};
use super::headers::Headers;
use super::scheme::registry::{GenericParams, NAMES};
use super::scheme::{detect, lookup};
use super::secret::{header_places, restore_headers, restore_query, RestoreError, Secret};
use super::server::join_url;

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("invalid --filter `{spec}`: {reason}")]
    BadFilter { spec: String, reason: String },
    #[error(
        "invalid --since `{0}`: expected an RFC 3339 time (2026-11-28T10:00:00Z), a date (2026-11-28) \
         or a duration ago (90s, 10m, 2h, 3d)"
    )]
    BadSince(String),
    #[error("no capture with id {}", quoted(.0))]
    UnknownIds(Vec<String>),
    #[error("the id `{id}` is ambiguous: it starts {}{}", quoted(.candidates), if *.more { " and more" } else { "" })]
    Ambiguous {
        id: String,
        candidates: Vec<String>,
        more: bool,
    },
    #[error("nothing selected")]
    NothingSelected,
    #[error("the selection is empty: no capture matches")]
    Empty,
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error(transparent)]
    Override(#[from] EventError),
    #[error("--set works on JSON and form bodies; capture {id} has {what}")]
    NotEditable { id: String, what: String },
}

fn quoted(v: &[String]) -> String {
    v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------------
// Requests

/// The captured headers to send again, in order, duplicates kept.
pub fn replay_headers(h: &Headers) -> Headers {
    let mut h = h.clone();
    h.retain_end_to_end();
    h
}

/// The capture as a request to `base` (its path and query appended to base's path),
/// its header values byte-exact.
pub fn prepare(r: &CaptureRecord, base: &str, body: Vec<u8>) -> Result<Prepared, CaptureError> {
    Ok(Prepared {
        method: r.method.clone(),
        url: join_url(base, &r.path),
        headers: replay_headers(&r.headers),
        body: body.into(),
        exact_values: r.exact_header_values()?,
    })
}

/// [`prepare`] to `url` (the capture's [`join_url`]), moving the capture's method and
/// headers into the request instead of copying them (the capture is not sent twice):
/// no allocation per header. The headers not replayed go to `dropped`, for reuse.
pub fn prepare_taken(
    r: &mut CaptureRecord,
    url: String,
    body: Vec<u8>,
    dropped: &mut Vec<(String, String)>,
) -> Result<Prepared, CaptureError> {
    let exact_values = r.exact_header_values()?;
    let mut headers = std::mem::take(&mut r.headers);
    headers.split_end_to_end(dropped);
    Ok(Prepared {
        method: std::mem::take(&mut r.method),
        url,
        headers,
        body: body.into(),
        exact_values,
    })
}

/// Where the header values of a capture that were redacted are, as [`restore_secrets`]
/// takes them once the capture is a request (see [`super::secret::header_places`]).
pub fn redacted_headers(r: &CaptureRecord) -> Vec<(String, usize)> {
    header_places(&r.headers, &r.redacted.headers)
}

/// Puts `secret` back in the query values of the capture's path that were redacted
/// (its [`redacted`](CaptureRecord::redacted) places), before the path is joined to
/// the target. Without a secret that fits, an error.
pub fn restore_path(r: &mut CaptureRecord, secret: Option<&Secret>) -> Result<usize, RestoreError> {
    restore_query(&mut r.path, secret, &r.redacted.query)
}

/// Puts `secret` back in the request's header values that were redacted when it was
/// captured (`places`, from [`redacted_headers`]; see [`super::secret::Redactor`]). A
/// value that only looks like a marker is sent as it is. Without a secret that fits,
/// an error: a marker is never sent as if it were the value.
pub fn restore_secrets(
    req: &mut Prepared,
    secret: Option<&Secret>,
    places: &[(String, usize)],
) -> Result<usize, RestoreError> {
    restore_headers(&mut req.headers, secret, places)
}

/// The scheme a capture was signed with: the one its verification named, else the one
/// its headers (or, for Mailgun, its body) show.
pub fn captured_scheme(r: &CaptureRecord, body: &[u8]) -> Option<&'static str> {
    r.verification
        .as_ref()
        .and_then(|v| NAMES.iter().copied().find(|n| *n == v.scheme))
        .or_else(|| detect(&r.headers, Some(body)))
}

/// When a captured signature was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedAt {
    pub scheme: &'static str,
    /// Unix seconds.
    pub timestamp: i64,
}

/// The scheme and timestamp of a captured signature, for the schemes that sign one
/// ([`Scheme::signed_at`](super::scheme::Scheme::signed_at)).
pub fn signature_timestamp(h: &Headers, body: &[u8]) -> Option<SignedAt> {
    // From the headers alone: the body only tells Mailgun, which has no timestamp check.
    let scheme = detect(h, None)?;
    let timestamp = lookup(scheme, &GenericParams::default()).ok()?.signed_at(h, body)?;
    Some(SignedAt { scheme, timestamp })
}

/// A captured signature older than its provider's tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub scheme: &'static str,
    pub age_secs: i64,
    pub tolerance_secs: u64,
}

/// Whether the capture's signature would be refused as stale at `now` (unix seconds).
pub fn staleness(h: &Headers, body: &[u8], now: i64) -> Option<Stale> {
    let s = signature_timestamp(h, body)?;
    let tol = lookup(s.scheme, &GenericParams::default()).ok()?.meta().tolerance?;
    let age = now.checked_sub(s.timestamp)?;
    (age > i64::try_from(tol.secs).unwrap_or(i64::MAX)).then_some(Stale {
        scheme: s.scheme,
        age_secs: age,
        tolerance_secs: tol.secs,
    })
}

/// Applies `--set` overrides to a JSON or form body.
pub fn modify_body(
    id: &str,
    body: &[u8],
    content_type: Option<&str>,
    overrides: &[Override],
) -> Result<Vec<u8>, ReplayError> {
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    if ct.contains("x-www-form-urlencoded") {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        apply_form_overrides(&mut pairs, overrides)?;
        let mut enc = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            enc.append_pair(k, v);
        }
        return Ok(enc.finish().into_bytes());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            apply_overrides(&mut v, overrides)?;
            Ok(serde_json::to_vec(&v).expect("a JSON value always serialises"))
        }
        Err(_) => Err(ReplayError::NotEditable {
            id: id.to_string(),
            what: if ct.is_empty() {
                "a body that is neither JSON nor a form".into()
            } else {
                format!("a {ct} body")
            },
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::capture::{encode_body, ResponseRecord};

    pub(crate) fn rec(id: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> CaptureRecord {
        let (b, e) = encode_body(body);
        CaptureRecord {
            v: 1,
            id: id.into(),
            received_at: "2026-11-28T10:00:00.000Z".into(),
            method: method.into(),
            path: path.into(),
            headers: Headers(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            body: b,
            body_encoding: e,
            remote_addr: "127.0.0.1:1".into(),
            verification: None,
            response: Some(ResponseRecord {
                status: Some(200),
                kind: "normal".into(),
                body: None,
                duration_ms: Some(1.5),
                note: None,
            }),
            provider: None,
            event: None,
            body_note: None,
            header_bytes: Vec::new(),
            redacted: Default::default(),
        }
    }

    pub(crate) fn log(records: &[CaptureRecord]) -> String {
        records.iter().map(|r| r.to_line() + "\n").collect()
    }

    #[test]
    fn prepared_requests_drop_connection_headers() {
        let r = rec(
            "a",
            "PUT",
            "/x?y=1",
            &[
                ("host", "h"),
                ("content-length", "2"),
                ("x-a", "1"),
                ("x-a", "2"),
                ("Connection", "close"),
            ],
            b"hi",
        );
        let p = prepare(&r, "http://127.0.0.1:9/base/", b"hi".to_vec()).unwrap();
        assert_eq!(p.url, "http://127.0.0.1:9/base/x?y=1");
        assert_eq!(p.method, "PUT");
        assert_eq!(
            p.headers.0,
            vec![
                ("x-a".to_string(), "1".to_string()),
                ("x-a".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn timestamps_of_captured_signatures() {
        let h = |n: &str, v: &str| Headers(vec![(n.to_string(), v.to_string())]);
        let st = signature_timestamp(&h("Stripe-Signature", "t=1700000000,v1=ab"), b"").unwrap();
        assert_eq!((st.scheme, st.timestamp), ("stripe", 1_700_000_000));
        let sw = Headers(vec![
            ("webhook-id".into(), "m".into()),
            ("webhook-timestamp".into(), "42".into()),
            ("webhook-signature".into(), "v1,x".into()),
        ]);
        assert_eq!(signature_timestamp(&sw, b"").unwrap().timestamp, 42);
        let tw = Headers(vec![
            ("twitch-eventsub-message-signature".into(), "sha256=aa".into()),
            (
                "twitch-eventsub-message-timestamp".into(),
                "2023-11-14T22:13:20.123456789Z".into(),
            ),
        ]);
        assert_eq!(signature_timestamp(&tw, b"").unwrap().timestamp, 1_700_000_000);
        assert_eq!(
            signature_timestamp(&h("Paddle-Signature", "ts=7;h1=aa"), b"")
                .unwrap()
                .timestamp,
            7
        );
        assert!(signature_timestamp(&h("X-Hub-Signature-256", "sha256=aa"), b"").is_none());
        // A timestamp that is no time has no age (and none that wraps to fresh).
        for t in ["-9223372036854775808", "9223372036854775807", "1e300", "-1"] {
            let sh = h("Stripe-Signature", &format!("t={t},v1=ab"));
            assert!(signature_timestamp(&sh, b"").is_none(), "{t}");
            assert!(staleness(&sh, b"", 1_700_000_000).is_none(), "{t}");
        }
        let s = staleness(&h("Stripe-Signature", "t=1000,v1=ab"), b"", 1000 + 301).unwrap();
        assert_eq!((s.age_secs, s.tolerance_secs), (301, 300));
        assert!(staleness(&h("Stripe-Signature", "t=1000,v1=ab"), b"", 1200).is_none());
        let lin = Headers(vec![("linear-signature".into(), "aa".into())]);
        assert_eq!(
            signature_timestamp(&lin, br#"{"webhookTimestamp": 5500}"#)
                .unwrap()
                .timestamp,
            5
        );
        for ms in ["-1e300", "1e300", "-5", "18446744073709551615"] {
            let body = format!(r#"{{"webhookTimestamp": {ms}}}"#);
            assert!(signature_timestamp(&lin, body.as_bytes()).is_none(), "{ms}");
        }
    }

    #[test]
    fn bodies_are_modified() {
        let o = [crate::core::event::parse_override("data.amount=200").unwrap()];
        assert_eq!(
            modify_body("a", br#"{"data":{"amount":1,"z":0}}"#, Some("application/json"), &o).unwrap(),
            br#"{"data":{"amount":200,"z":0}}"#
        );
        let f = [crate::core::event::parse_override("Body=STOP").unwrap()];
        assert_eq!(
            modify_body("a", b"Body=hi&From=x", Some("application/x-www-form-urlencoded"), &f).unwrap(),
            b"Body=STOP&From=x"
        );
        assert!(modify_body("a", b"plain", Some("text/plain"), &o)
            .unwrap_err()
            .to_string()
            .contains("text/plain"));
    }
}
