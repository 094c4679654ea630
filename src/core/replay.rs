//! Turning captures back into requests: byte-exact, or without their old signature
//! headers for re-signing, with redacted values put back; the age of a captured
//! signature; `--set` edits of bodies; and all of it for one capture as `replay` asks
//! ([`Preparation`]: what a receiver would refuse is told through [`Hooks`]). Choosing
//! the captures is [`super::select`]; feeding them to the batch runner
//! ([`super::deliver::run`]) is [`super::feed`]; their exports are [`super::export`];
//! comparing them is [`super::diff`].
//! Nothing here prints: results go back to the caller.

use std::sync::Arc;

use serde_json::Value;

use super::capture::{BodyEncoding, CaptureError, CaptureRecord};
use super::deliver::{Job, Prepared, Signer};
use super::event::overrides::apply_form_overrides;
use super::event::{apply_overrides, EventError, Override};
use super::headers::Headers;
use super::scheme::registry::{GenericParams, NAMES};
use super::scheme::{detect, lookup, Scheme, SchemeError, SignatureIn};
use super::secret::{header_places, restore_headers, restore_query, Redactor, RestoreError, Secret};
use super::url::join_url;

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
    #[error("the id `{id}` is ambiguous: it fits {}{}", quoted(.candidates), if *.more { " and more" } else { "" })]
    Ambiguous {
        id: String,
        candidates: Vec<String>,
        more: bool,
    },
    #[error("no capture `{query}`: the log holds {count} capture{}", if *.count == 1 { "" } else { "s" })]
    NotSoMany { query: String, count: u64 },
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

// ---------------------------------------------------------------------------------
// Preparing a replay

/// Why a capture cannot be replayed as asked.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    #[error("capture {id}: cannot tell which scheme signed it, so it cannot be re-signed")]
    UnknownScheme { id: String },
    /// A redacted value that cannot be put back.
    #[error("capture {id}: {error}")]
    Redacted { id: String, error: RestoreError },
    /// The caller's edit of the body failed (see [`Hooks::edit`]).
    #[error(transparent)]
    Edit(EditError),
}

/// Why the caller's edit of a body failed.
pub type EditError = Box<dyn std::error::Error + Send + Sync>;

/// What a receiver will make of a replayed capture, told before it is sent.
#[derive(Debug, Clone, Copy)]
pub enum Warning<'a> {
    /// The capture's body was cut short when it was captured (`note` says how).
    Incomplete { id: &'a str, note: &'a str },
    /// The body was changed, so the captured `scheme` signature no longer matches.
    Modified { id: &'a str, scheme: &'static str },
    /// The captured signature is older than its scheme's tolerance.
    Stale { id: &'a str, stale: Stale },
}

impl Warning<'_> {
    /// The kind, for counting warnings of one kind together.
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::Incomplete { .. } => "incomplete",
            Warning::Modified { .. } => "modified",
            Warning::Stale { .. } => "stale",
        }
    }
}

/// What [`Preparation::job`] asks of its caller.
pub trait Hooks {
    /// The body as the user edits it (`--edit`); `None` when bodies are not edited.
    #[allow(clippy::type_complexity)]
    fn edit(
        &mut self,
        r: &CaptureRecord,
        body: &[u8],
    ) -> Option<Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>>;

    /// Hears a warning about a capture.
    fn warn(&mut self, w: Warning<'_>);
}

/// What a replayed request is shown with, besides its capture id.
pub struct Replayed {
    /// The scheme it was re-signed with.
    pub resigned: Option<&'static str>,
    /// Whether its body was changed (`--set`, `--edit`).
    pub modified: bool,
    pub recorded_status: Option<u16>,
    /// The recorded answer's body, with `compare`.
    pub recorded_body: Option<String>,
}

/// Everything that turns a capture into a request.
pub struct Preparation {
    pub to: String,
    /// The scheme for --resign; `None` for auto.
    pub scheme: Option<String>,
    pub generic: GenericParams,
    /// The secret to re-sign with (`--resign`).
    pub secret: Option<Secret>,
    /// The secret that fills redacted values back in (the secret flags).
    pub restore: Option<Secret>,
    pub overrides: Vec<Override>,
    /// Whether bodies are edited ([`Hooks::edit`]).
    pub edits: bool,
    pub now: jiff::Timestamp,
    /// `--compare`: the recorded answer travels with the job.
    pub compare: bool,
    /// The last path joined to `to`, and the URL it made.
    last_url: std::cell::RefCell<Option<(String, String)>>,
}

impl Preparation {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        to: String,
        scheme: Option<String>,
        generic: GenericParams,
        secret: Option<Secret>,
        restore: Option<Secret>,
        overrides: Vec<Override>,
        edits: bool,
        now: jiff::Timestamp,
        compare: bool,
    ) -> Self {
        Preparation {
            to,
            scheme,
            generic,
            secret,
            restore,
            overrides,
            edits,
            now,
            compare,
            last_url: Default::default(),
        }
    }

    /// A capture can be refused while it is prepared (an override that does not apply,
    /// an editor that fails, a signature scheme that cannot be told): then every capture
    /// is prepared before the first is sent.
    pub fn may_refuse(&self) -> bool {
        !self.overrides.is_empty() || self.edits || self.restore.is_some()
    }

    /// What the output hides: the secret given (which may have been put back in a
    /// request) and the headers a scheme sends its secret in.
    pub fn shown(&self) -> Redactor {
        let mut r = Redactor::new();
        for s in [&self.restore, &self.secret].into_iter().flatten() {
            r.add_secret(s);
        }
        r
    }

    /// The URL a capture with `path` goes to (in `buf`'s room). Captures of one path
    /// in a row (the usual log) share the joining.
    fn url(&self, path: &str, mut buf: String) -> String {
        let mut last = self.last_url.borrow_mut();
        match &*last {
            Some((p, u)) if p == path => {
                buf.clear();
                buf.push_str(u);
                buf
            }
            _ => {
                let u = join_url(&self.to, path);
                *last = Some((path.to_string(), u.clone()));
                u
            }
        }
    }

    /// The request for one capture, and what its result line shows, from a record that
    /// stays behind with what the job does not take (its path, its recorded answer):
    /// `url` and `dropped` lend their room.
    pub fn job<H: Hooks>(
        &self,
        r: &mut CaptureRecord,
        url: String,
        dropped: &mut Vec<(String, String)>,
        hooks: &mut H,
    ) -> Result<(Job, Replayed), PrepareError> {
        let original = take_body(r)?;
        if let Some(n) = &r.body_note {
            hooks.warn(Warning::Incomplete { id: &r.id, note: n });
        }
        let mut edited: Option<Vec<u8>> = None;
        if !self.overrides.is_empty() {
            edited = Some(modify_body(
                &r.id,
                &original,
                r.headers.get("content-type"),
                &self.overrides,
            )?);
        }
        if self.edits {
            if let Some(e) = hooks.edit(r, edited.as_deref().unwrap_or(&original)) {
                edited = Some(e.map_err(PrepareError::Edit)?);
            }
        }
        let modified = edited.as_ref().is_some_and(|b| *b != original);
        // What the captured signature tells, before the body moves into the request.
        let captured = if self.secret.is_some() {
            captured_scheme(r, &original)
        } else {
            None
        };
        if self.secret.is_none() {
            if modified {
                if let Some(scheme) = detect(&r.headers, Some(&original)) {
                    hooks.warn(Warning::Modified { id: &r.id, scheme });
                }
            } else if let Some(stale) = staleness(&r.headers, &original, self.now.as_second()) {
                hooks.warn(Warning::Stale { id: &r.id, stale });
            }
        }
        let redacted_error = |id: &str, error| PrepareError::Redacted {
            id: id.to_string(),
            error,
        };
        // Only the values the capture says were redacted get the secret back.
        let redacted = redacted_headers(r);
        restore_path(r, self.restore.as_ref()).map_err(|e| redacted_error(&r.id, e))?;
        let url = self.url(&r.path, url);
        let mut req = prepare_taken(r, url, edited.unwrap_or(original), dropped)?;
        let mut signer = None;
        let mut resigned = None;
        let mut resign_with = None;
        if self.secret.is_some() {
            let name = match self.scheme.as_deref() {
                Some(s) => s,
                None => captured.ok_or_else(|| PrepareError::UnknownScheme { id: r.id.clone() })?,
            };
            let scheme = lookup(name, &self.generic)?;
            // No stale signature may travel next to the fresh one: neither the scheme's
            // nor, when another scheme signed the capture, that one's.
            remove_signature(&mut req, &*scheme);
            if let Some(c) = captured.filter(|c| *c != scheme.meta().name) {
                remove_signature(&mut req, &*lookup(c, &self.generic)?);
            }
            resign_with = Some(scheme);
        }
        // (After the old signature headers went: a token being re-signed need not fit.)
        restore_secrets(&mut req, self.restore.as_ref(), &redacted).map_err(|e| redacted_error(&r.id, e))?;
        if let (Some(secret), Some(scheme)) = (&self.secret, resign_with) {
            let name = scheme.meta().name;
            if let Some(b) = scheme.refresh_body_timestamp(&req.body, self.now) {
                req.body = b.into();
            }
            let s = Signer {
                scheme,
                secret: secret.clone(),
                id: super::ids::message_id(),
                fixed_timestamp: None,
            };
            if s.signs_body() {
                // The body is final once signed: sign once, up front.
                s.sign_request(&mut req)?;
            } else {
                signer = Some(Arc::new(s));
            }
            resigned = Some(name);
        }
        let resp = r.response.as_mut();
        let info = Replayed {
            resigned,
            modified,
            recorded_status: resp.as_ref().and_then(|x| x.status),
            // Only `--compare` reads it: otherwise it is freed here, not after the send.
            recorded_body: if self.compare {
                resp.and_then(|x| x.body.take())
            } else {
                None
            },
        };
        Ok((Job { req, signer }, info))
    }
}

/// Removes the headers that carry `scheme`'s signature (a signature in the body is
/// written afresh when signed).
fn remove_signature(req: &mut Prepared, scheme: &dyn Scheme) {
    if let SignatureIn::Headers(names) = scheme.signature_in() {
        for h in names {
            req.headers.remove(h);
        }
    }
}

/// The body bytes, moved out of the record when they are text (no copy).
fn take_body(r: &mut CaptureRecord) -> Result<Vec<u8>, CaptureError> {
    Ok(match r.body_encoding {
        BodyEncoding::Utf8 => std::mem::take(&mut r.body).into_bytes(),
        BodyEncoding::Base64 => r.body_bytes()?,
    })
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

    /// Hooks that note every warning and, when given, edit a body into `edited`.
    #[derive(Default)]
    struct Noted {
        warnings: Vec<String>,
        edited: Option<Vec<u8>>,
    }

    impl Hooks for Noted {
        fn edit(&mut self, _: &CaptureRecord, _: &[u8]) -> Option<Result<Vec<u8>, EditError>> {
            self.edited.clone().map(Ok)
        }

        fn warn(&mut self, w: Warning<'_>) {
            self.warnings.push(format!("{} {w:?}", w.kind()));
        }
    }

    #[test]
    fn preparing_warns_of_what_a_receiver_refuses_and_resigns_only_what_it_can_tell() {
        let now: jiff::Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        let prep = |secret: Option<Secret>, edits: bool| {
            Preparation::new(
                "http://127.0.0.1:9/".into(),
                None,
                GenericParams::default(),
                secret.clone(),
                secret,
                Vec::new(),
                edits,
                now,
                false,
            )
        };
        let stripe = || {
            let mut r = rec(
                "a",
                "POST",
                "/p",
                &[("stripe-signature", "t=1000,v1=ab"), ("connection", "close")],
                b"{}",
            );
            r.body_note = Some("cut short".into());
            r
        };
        // Sent as it is: stale and incomplete, told; the signature header travels.
        let mut hooks = Noted::default();
        let (job, info) = prep(None, false)
            .job(&mut stripe(), String::new(), &mut Vec::new(), &mut hooks)
            .unwrap();
        assert_eq!(job.req.url, "http://127.0.0.1:9/p");
        assert!(job.req.headers.contains("stripe-signature") && !job.req.headers.contains("connection"));
        assert!(job.signer.is_none() && info.resigned.is_none() && !info.modified);
        assert_eq!(hooks.warnings.len(), 2, "{:?}", hooks.warnings);
        assert!(hooks.warnings[0].starts_with("incomplete") && hooks.warnings[1].starts_with("stale"));
        // Edited: the signature no longer matches, told instead of its age.
        let mut hooks = Noted {
            edited: Some(b"{\"x\":1}".to_vec()),
            ..Default::default()
        };
        let (job, info) = prep(None, true)
            .job(&mut stripe(), String::new(), &mut Vec::new(), &mut hooks)
            .unwrap();
        assert!(info.modified && &job.req.body[..] == b"{\"x\":1}");
        assert!(hooks.warnings[1].starts_with("modified"), "{:?}", hooks.warnings);
        // Re-signed: the old signature goes, a signer comes; nothing to warn of but the cut.
        let secret = Secret::new(b"whsec_x".to_vec(), crate::core::secret::SecretSource::Arg);
        let mut hooks = Noted::default();
        let (job, info) = prep(Some(secret.clone()), false)
            .job(&mut stripe(), String::new(), &mut Vec::new(), &mut hooks)
            .unwrap();
        assert_eq!(info.resigned, Some("stripe"));
        assert!(job.signer.is_some() && !job.req.headers.contains("stripe-signature"));
        assert_eq!(hooks.warnings.len(), 1);
        // A capture no scheme can be told from cannot be re-signed.
        let e = prep(Some(secret), false)
            .job(
                &mut rec("b", "POST", "/p", &[], b"{}"),
                String::new(),
                &mut Vec::new(),
                &mut Noted::default(),
            )
            .err()
            .unwrap();
        assert!(matches!(&e, PrepareError::UnknownScheme { id } if id == "b"), "{e}");
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
