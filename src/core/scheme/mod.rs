//! Signature schemes: one trait, one implementation per provider, a registry by name.
//!
//! Each scheme signs and verifies exactly as its provider does, as specified byte for
//! byte in `SIGNATURES.md` (the section is named above each implementation). HMAC
//! schemes share one engine ([`hmac::HmacAdapter`]) and only describe their message
//! layout and header format; the Ed25519 and token schemes implement [`Scheme`] directly.
//! Nothing here prints.
//!
//! Everything hookcat knows about a provider is a method of its scheme, so that no
//! command and no other core module asks for a scheme by name. Besides signing,
//! verifying and making keys, a scheme answers:
//!
//! - [`Scheme::signature_in`]: where its signature travels: the headers that carry it,
//!   its timestamp and its signed id (which `replay --resign` removes before signing
//!   afresh), or fields of the body, written by the function it gives (Mailgun). A
//!   request signed in its body is signed once, before its first attempt.
//! - [`Scheme::signed_at`]: when a request says it was signed (from its headers or its
//!   body), which `replay` compares with the tolerance to warn of a stale signature.
//! - [`Scheme::refresh_body_timestamp`]: a body that carries a signed timestamp of its
//!   own (Linear's `webhookTimestamp`), brought up to now before re-signing.
//! - [`Scheme::recognise`]: whether a request is the provider's (by a signature
//!   header, an event header, a user agent or the body) and which event it is.
//! - [`Scheme::handshake`]: the answer to the provider's handshake (challenge in,
//!   answer out: Slack's `url_verification`, Zoom's `endpoint.url_validation`, Twitch's
//!   `webhook_callback_verification`), which `listen` gives whatever the scheme it
//!   verifies, and what any receiver's answer must hold ([`Expect`]), against which
//!   `listen --forward-to` checks the app's own answer.
//!
//! - [`Scheme::delivery_facts`]: how the provider delivers ([`DeliveryFacts`]: its
//!   delivery timeout, its largest body, the signatures and content types it sends,
//!   its handshake event), each with its source, for `hookcat check`.
//!
//! These methods have no default: a new scheme answers each one, and the registry's
//! tests check every registered scheme's answers against what it signs and against
//! its catalog events. How `--scheme auto` tells a scheme's requests is a fact of its
//! [`SchemeMeta`] ([`ToldBy`]). Adding a scheme is its file here plus its line in
//! [`registry`].

pub mod discord;
pub mod generic;
pub mod github;
pub mod gitlab;
pub mod hmac;
pub mod jira;
pub mod linear;
pub mod mailgun;
pub mod paddle;
pub mod registry;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard;
pub mod standard_v1a;
pub mod stripe;
pub mod twilio;
pub mod twitch;
pub mod zoom;

use std::io::Read;

use serde::Serialize;

use super::body::Body;
use super::headers::Headers;
use super::secret::Secret;

pub use registry::{all, detect, lookup, names, GenericParams};

/// How a scheme's timestamp is checked against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tolerance {
    pub secs: u64,
    /// Only timestamps older than `secs` are refused (Stripe, Twitch); otherwise both
    /// directions are checked (Slack, Standard Webhooks, Paddle, ...).
    pub past_only: bool,
}

/// A fact a provider documents, or why there is none to go by (shown as the reason a
/// check does not apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Known<T> {
    Is(T),
    Not(&'static str),
}

impl<T: Copy> Known<T> {
    /// The fact, or the reason there is none.
    pub fn get(&self) -> Result<T, &'static str> {
        match self {
            Known::Is(t) => Ok(*t),
            Known::Not(why) => Err(why),
        }
    }
}

/// Puts a wrong signature beside a right one in a signature header's value, as the
/// provider sends several during a secret rotation: `(right, wrong)` are the whole
/// header values of two signings of the same request (same timestamp and id), the
/// answer is the value with both signatures, the wrong one first.
pub type Combine = fn(right: &str, wrong: &str) -> String;

/// How a provider delivers, for `hookcat check`: each fact with its source in the
/// doc comment of the scheme's [`Scheme::delivery_facts`] (`[doc]` the provider's
/// documentation, `[lib]` its library, `[3p]` third-party accounts, `[mem]` as
/// remembered, unconfirmed: the marks of SIGNATURES.md).
#[derive(Debug, Clone, Copy)]
pub struct DeliveryFacts {
    /// How long the provider waits for an answer before it counts the delivery failed.
    pub timeout: Known<std::time::Duration>,
    /// The largest body it sends, in bytes.
    pub max_body: Known<u64>,
    /// Why an old or replayed delivery cannot be told by its age, for a scheme with no
    /// [`SchemeMeta::tolerance`]; `None` exactly when it has one.
    pub untimed: Option<&'static str>,
    /// How it sends several signatures in its signature header (during a rotation).
    pub several_signatures: Known<Combine>,
    /// The scheme of a weaker signature it sends beside this one (GitHub's SHA-1
    /// `X-Hub-Signature` beside `X-Hub-Signature-256`): every delivery carries both.
    pub weaker_companion: Known<&'static str>,
    /// Every Content-Type it sends its events with (variants such as
    /// `; charset=utf-8` included).
    pub content_types: &'static [&'static str],
    /// The catalog event of its handshake, which [`Scheme::handshake`] answers.
    pub handshake_event: Known<&'static str>,
}

/// What kind of key a scheme takes: shown by `keygen` and used in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// Any string, used as its UTF-8 bytes.
    Utf8,
    /// `whsec_` + base64: the key is the base64-decoded part.
    WhsecBase64,
    /// An Ed25519 key pair: the private key signs, the public key verifies.
    Ed25519,
    /// A shared token sent as it is (no signature).
    Token,
}

/// The facts about a scheme that commands show and rely on.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeMeta {
    pub name: &'static str,
    pub provider: &'static str,
    /// A short description for `--help` and listings.
    pub title: &'static str,
    /// The header that carries the signature (lower-case).
    pub signature_header: &'static str,
    pub tolerance: Option<Tolerance>,
    pub key: KeyKind,
    /// The signature covers the request URL (Twilio, Square): verify needs `--url`.
    pub needs_url: bool,
    /// How `--scheme auto` tells a request signed with this scheme.
    #[serde(skip)]
    pub told_by: ToldBy,
    /// How an HMAC scheme makes its MAC; `None` for the others (Ed25519, token).
    #[serde(skip)]
    pub hmac: Option<hmac::HmacFormat>,
}

/// How `--scheme auto` ([`detect`]) tells that a request was signed with a scheme: by
/// one of its signature headers or, for a scheme that signs in the body, by the body.
#[derive(Debug, Clone, Copy)]
pub struct ToldBy {
    /// The headers (lower-case), any of which tells the scheme; none for a scheme
    /// told by its body.
    pub headers: &'static [&'static str],
    /// What else the headers must show, where two schemes share a header (Standard
    /// Webhooks' `v1a` and `v1` signatures; GitHub's legacy header and Intercom's).
    pub only_if: Option<fn(&Headers) -> bool>,
    /// Whether a body is this scheme's, asked only when no header tells a scheme
    /// (Mailgun).
    pub body: Option<fn(&[u8]) -> bool>,
    /// Which scheme a request carrying the headers of several is told to be.
    pub rank: Rank,
}

/// The order in which [`detect`] asks the schemes' headers: by rank, then in the
/// registry's order; the first told wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// Asked first: Stripe's, Slack's and Svix's headers (a Svix request may also
    /// carry Standard Webhooks' `webhook-*` headers).
    First,
    /// Standard Webhooks' `webhook-signature`, which several providers send.
    Standard,
    /// GitHub's `X-Hub-Signature-256` and `X-Hub-Signature` (which Intercom also
    /// sends): GitHub sends both, and the SHA-256 one is asked first.
    Hub,
    /// The other providers' headers of their own.
    Own,
    /// A header anyone may use (the generic scheme's `X-Signature`): asked last.
    Last,
}

impl ToldBy {
    /// Told by any of `headers`.
    pub const fn header(headers: &'static [&'static str], rank: Rank) -> ToldBy {
        ToldBy {
            headers,
            only_if: None,
            body: None,
            rank,
        }
    }

    /// Told by its headers only when `also` says so too.
    pub const fn only_if(self, also: fn(&Headers) -> bool) -> ToldBy {
        ToldBy {
            only_if: Some(also),
            ..self
        }
    }

    /// Told by its body, when no header tells a scheme.
    pub const fn body(body: fn(&[u8]) -> bool) -> ToldBy {
        ToldBy {
            headers: &[],
            only_if: None,
            body: Some(body),
            rank: Rank::Last,
        }
    }

    /// Whether these headers tell the scheme.
    pub fn by_headers(&self, h: &Headers) -> bool {
        self.headers.iter().any(|n| h.contains(n)) && self.only_if.is_none_or(|f| f(h))
    }
}

impl SchemeMeta {
    /// The header that carries the secret itself, as it is, rather than a signature
    /// made with it (a [`KeyKind::Token`] scheme: GitLab's `X-Gitlab-Token`). Its
    /// value is never written anywhere (see [`crate::core::secret::Redactor`]).
    pub fn secret_header(&self) -> Option<&'static str> {
        (self.key == KeyKind::Token).then_some(self.signature_header)
    }
}

/// The inputs of a signature besides the key and the body.
#[derive(Debug, Clone)]
pub struct SignParams {
    /// Unix seconds.
    pub timestamp: i64,
    /// Sub-second part, for schemes that send RFC 3339 with nanoseconds (Twitch).
    pub nanos: u32,
    /// The delivery / message id, for schemes that sign or send one.
    pub id: String,
    /// The URL the request goes to, for schemes that sign it.
    pub url: Option<String>,
}

impl SignParams {
    /// Now, with a fresh id.
    pub fn now() -> SignParams {
        let now = jiff::Timestamp::now();
        SignParams {
            timestamp: now.as_second(),
            nanos: now.subsec_nanosecond().max(0) as u32,
            id: super::ids::message_id(),
            url: None,
        }
    }
}

/// What signing produced.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Signed {
    /// The headers to send, in order.
    pub headers: Vec<(String, String)>,
    /// The URL the request must go to, when signing changed it (Twilio's `bodySHA256`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_url: Option<String>,
    /// Fields that go into the body rather than headers (Mailgun's `signature` object).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
}

impl Signed {
    /// A signature sent in one header.
    pub fn header(name: impl Into<String>, value: impl Into<String>) -> Signed {
        Signed {
            headers: vec![(name.into(), value.into())],
            ..Default::default()
        }
    }
}

/// A request to verify.
#[derive(Debug, Clone, Copy)]
pub struct VerifyRequest<'a> {
    pub headers: &'a Headers,
    pub body: &'a Body,
    /// The URL the sender requested, for schemes that sign it.
    pub url: Option<&'a str>,
    /// Unix seconds to check timestamps against.
    pub now: i64,
    /// Overrides the scheme's tolerance; `Some(0)` turns the check off.
    pub tolerance: Option<u64>,
}

/// Why a verification failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// No presented signature matches the one computed.
    Mismatch,
    /// The signature matches, but the timestamp is older than the tolerance.
    Stale { age_secs: i64, tolerance_secs: u64 },
    /// The signature matches, but the timestamp is further in the future than allowed.
    Future { ahead_secs: i64, tolerance_secs: u64 },
    /// The signature header cannot be parsed.
    Malformed { detail: String },
    /// Twilio: the `bodySHA256` in the URL does not match the body.
    BodyHash,
}

/// One finding of the diagnosis: what most likely broke the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
}

/// The answer of a verification.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub valid: bool,
    pub scheme: &'static str,
    /// One sentence: why it is valid or not.
    pub reason: String,
    pub failure: Option<Failure>,
    /// The presented signature that matched.
    pub matched: Option<String>,
    /// The timestamp the signature carried, in unix seconds.
    pub timestamp: Option<i64>,
    /// Things worth knowing even when valid (e.g. GitLab tokens do not cover the body).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Filled in by [`crate::core::diagnose`] when the signature does not match.
    pub diagnosis: Vec<Finding>,
}

impl Verdict {
    pub fn valid(scheme: &'static str, matched: impl Into<String>, timestamp: Option<i64>) -> Verdict {
        Verdict {
            valid: true,
            scheme,
            reason: "signature matches".into(),
            failure: None,
            matched: Some(matched.into()),
            timestamp,
            notes: Vec::new(),
            diagnosis: Vec::new(),
        }
    }

    pub fn invalid(
        scheme: &'static str,
        failure: Failure,
        reason: impl Into<String>,
        timestamp: Option<i64>,
    ) -> Verdict {
        Verdict {
            valid: false,
            scheme,
            reason: reason.into(),
            failure: Some(failure),
            matched: None,
            timestamp,
            notes: Vec::new(),
            diagnosis: Vec::new(),
        }
    }

    pub fn malformed(scheme: &'static str, detail: impl Into<String>) -> Verdict {
        let detail = detail.into();
        Verdict::invalid(scheme, Failure::Malformed { detail: detail.clone() }, detail, None)
    }

    pub fn mismatch(scheme: &'static str, timestamp: Option<i64>) -> Verdict {
        Verdict::invalid(scheme, Failure::Mismatch, "no signature matches", timestamp)
    }
}

/// Errors that make a verification or signing impossible (exit 2), as opposed to a
/// negative answer (a [`Verdict`] with `valid: false`).
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("unknown scheme `{0}`")]
    Unknown(String),
    #[error("the request has no `{header}` header, which the {scheme} scheme needs")]
    MissingHeader { scheme: &'static str, header: &'static str },
    #[error("the {0} scheme signs the request URL: pass it with --url")]
    NeedsUrl(&'static str),
    #[error("invalid URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("malformed key for {scheme}: {reason}")]
    BadKey { scheme: &'static str, reason: String },
    #[error("the {scheme} scheme needs {what} in the body: {reason}")]
    BadBody {
        scheme: &'static str,
        what: &'static str,
        reason: String,
    },
    #[error("could not tell the scheme from the headers: none of the known signature headers is present")]
    Undetected,
    #[error("reading the body: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a scheme's signature travels ([`Scheme::signature_in`]).
#[derive(Debug, Clone, Copy)]
pub enum SignatureIn<'a> {
    /// In these headers (lower-case): every header that carries the signature, its
    /// timestamp or its signed id, including the other header families its verifier
    /// reads (`svix-*` beside `webhook-*`, GitHub's SHA-1 header beside the SHA-256 one).
    Headers(&'a [&'a str]),
    /// In fields of the body ([`Signed::fields`]), which `write` puts into a body (Mailgun's
    /// `signature` object). The body is final once signed, so such a request is signed
    /// once, before its first attempt, not again at each.
    Body { write: WriteFields },
}

/// Writes signature fields ([`Signed::fields`]) into a body, returning the new body.
pub type WriteFields = fn(&[u8], &[(String, String)]) -> Vec<u8>;

/// The answer to a provider's handshake ([`Scheme::handshake`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handshake {
    /// The answer the provider expects: a 200 with this body.
    Answer {
        content_type: &'static str,
        body: Vec<u8>,
        /// What was answered, for the record.
        note: &'static str,
        /// What any receiver's answer must hold (checked when the app answers it).
        expect: Expect,
    },
    /// A handshake that only the secret can answer, and none was given: why.
    NeedsSecret { note: &'static str, expect: Expect },
}

impl Handshake {
    /// What a receiver's answer must hold.
    pub fn expect(&self) -> &Expect {
        match self {
            Handshake::Answer { expect, .. } | Handshake::NeedsSecret { expect, .. } => expect,
        }
    }
}

/// What a receiver's answer to a handshake must hold, to check an app that answers it
/// itself (`listen --forward-to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The handshake, as the provider names it (`Slack's url_verification`).
    pub what: &'static str,
    /// The provider, for "as Slack expects".
    pub provider: &'static str,
    /// The values the answer must carry, each checked in turn.
    pub echoes: Vec<Echo>,
}

/// One value a handshake's answer must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// The answer's JSON field that carries it; `None`: the whole body is the value.
    pub field: Option<&'static str>,
    /// With a `field`, a body that is the value alone is accepted too.
    pub or_whole_body: bool,
    /// The value; `None` when it cannot be known (it needs a secret not given): the
    /// field must be there, its value is not checked.
    pub value: Option<String>,
    /// The name of the value in messages (`the challenge`, `the plainToken`).
    pub name: &'static str,
    /// What a wrong value means, for a value that is not a plain echo (Zoom's
    /// `encryptedToken`): said instead of "does not echo".
    pub wrong: Option<&'static str>,
}

/// How an app answered a handshake ([`Expect::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeCheck {
    pub ok: bool,
    pub message: String,
}

impl Expect {
    /// Checks an app's answer (its status and body) against what the provider expects.
    pub fn check(&self, status: u16, body: &[u8]) -> HandshakeCheck {
        let no = |message: String| HandshakeCheck { ok: false, message };
        if !(200..300).contains(&status) {
            return no(format!(
                "the app answered {} with {status}: {} needs a 200 that echoes it",
                self.what, self.provider
            ));
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let mut unchecked = Vec::new();
        for e in &self.echoes {
            let found: Option<String> = match e.field {
                Some(f) => json
                    .as_ref()
                    .and_then(|j| j.get(f))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .or_else(|| {
                        e.or_whole_body
                            .then(|| std::str::from_utf8(body).ok().map(|t| t.trim().to_string()))
                            .flatten()
                    }),
                None => std::str::from_utf8(body).ok().map(str::to_string),
            };
            match (&e.value, found) {
                (Some(want), Some(got)) if ct_eq(want.as_bytes(), got.as_bytes()) => {}
                (None, Some(_)) => unchecked.push(e.name),
                (Some(_), Some(_)) if e.wrong.is_some() => {
                    return no(format!(
                        "the app answered {}, but {}",
                        self.what,
                        e.wrong.unwrap_or_default()
                    ));
                }
                _ => {
                    let place = match e.field {
                        Some(f) => format!(" (as `{f}`)"),
                        None => " (as the whole body)".into(),
                    };
                    return no(format!(
                        "the app's answer to {} does not echo {}{place}: {} will not accept this URL",
                        self.what, e.name, self.provider
                    ));
                }
            }
        }
        let mut message = format!("the app answered {} as {} expects", self.what, self.provider);
        if !unchecked.is_empty() {
            message = format!(
                "the app answered {}; its {} was not checked (the listener has no secret to check it with)",
                self.what,
                unchecked.join(", ")
            );
        }
        HandshakeCheck { ok: true, message }
    }
}

/// A request as [`Scheme::recognise`] reads it: its headers, and its body, parsed as
/// JSON once at most and only when asked.
pub struct Clues<'a> {
    pub headers: &'a Headers,
    pub body: &'a [u8],
    json: std::cell::OnceCell<Option<serde_json::Value>>,
}

impl<'a> Clues<'a> {
    pub fn new(headers: &'a Headers, body: &'a [u8]) -> Clues<'a> {
        Clues {
            headers,
            body,
            json: std::cell::OnceCell::new(),
        }
    }

    /// The body as JSON, when it is an object.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.json
            .get_or_init(|| {
                if self.body.trim_ascii_start().starts_with(b"{") {
                    serde_json::from_slice(self.body).ok()
                } else {
                    None
                }
            })
            .as_ref()
    }

    /// The string at `path` in the JSON body.
    pub fn field(&self, path: &[&str]) -> Option<String> {
        let mut v = self.json()?;
        for p in path {
            v = v.get(p)?;
        }
        v.as_str().map(str::to_string)
    }

    /// The value of field `name` of a form body.
    pub fn form_field(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// The one interface every scheme implements.
pub trait Scheme: Send + Sync {
    fn meta(&self) -> &SchemeMeta;

    /// Signs `body`, streaming it where the scheme allows, and returns the headers the
    /// provider would send.
    fn sign(&self, secret: &Secret, params: &SignParams, body: &mut dyn Read) -> Result<Signed, SchemeError>;

    /// Signs as [`sign`](Self::sign) does, but sends (and signs) the timestamp as the
    /// text `ts`, whatever it says: a sender picks its own timestamp, and `verify` must
    /// refuse one that is no time. A scheme whose timestamp is not its own (none, or
    /// one in the body, as Linear's) signs as `sign` does. Every scheme implements it,
    /// so that the tests of extreme timestamps cover each one.
    fn sign_timestamp_text(
        &self,
        secret: &Secret,
        params: &SignParams,
        ts: &str,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError>;

    /// Verifies a request. `Ok` carries the verdict (valid or not); `Err` means the
    /// question could not be asked (a missing header, a malformed key).
    fn verify(&self, secret: &Secret, req: &VerifyRequest<'_>) -> Result<Verdict, SchemeError>;

    /// A new secret or key pair in the provider's format.
    fn keygen(&self) -> KeyPair;

    /// The HMAC view of the scheme, for the diagnosis; `None` for non-HMAC schemes.
    fn as_hmac(&self) -> Option<&dyn hmac::HmacView> {
        None
    }

    /// Where the signature travels: the headers that carry it, or the body.
    fn signature_in(&self) -> SignatureIn<'_>;

    /// When the request says it was signed, in unix seconds, read from its headers or
    /// its body as the provider sends it; `None` for a scheme that signs no timestamp,
    /// or when it is missing or no time. Only the timestamp is read: the signature is
    /// not checked.
    fn signed_at(&self, headers: &Headers, body: &[u8]) -> Option<i64>;

    /// For a scheme that keeps a signed timestamp in the body (Linear's
    /// `webhookTimestamp`): the body with it set to `now`, to sign afresh. `None` when
    /// there is none to refresh (a body-borne signature is written by
    /// [`SignatureIn::Body`] once signed).
    fn refresh_body_timestamp(&self, body: &[u8], now: jiff::Timestamp) -> Option<Vec<u8>>;

    /// The answer to the provider's handshake, when the request is one; `secret` is the
    /// one the listener verifies with, for a handshake that proves it is held (Zoom's).
    fn handshake(&self, headers: &Headers, body: &[u8], secret: Option<&Secret>) -> Option<Handshake>;

    /// `Some(event)` when the request is this scheme's provider's (a signature header,
    /// an event header, a user agent or the body tells), with the event it is when that
    /// can be told; `None` leaves it to the other schemes. The schemes are asked in the
    /// registry's order and the first to answer names the provider, so a scheme whose
    /// provider an earlier one recognises (GitHub's SHA-1 variant) answers `None`.
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>>;

    /// How the provider delivers ([`DeliveryFacts`]), each fact with its source.
    fn delivery_facts(&self) -> DeliveryFacts;
}

/// What `keygen` produces.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum KeyPair {
    Secret { secret: String },
    Pair { private_key: String, public_key: String },
}

/// Applies a tolerance to a timestamp; `None` when within it.
pub fn check_time(
    scheme: &'static str,
    tol: Option<Tolerance>,
    override_secs: Option<u64>,
    ts: i64,
    now: i64,
    matched: String,
) -> Verdict {
    let tol = match (tol, override_secs) {
        (_, Some(0)) => None,
        (Some(t), Some(s)) => Some(Tolerance { secs: s, ..t }),
        (None, Some(s)) => Some(Tolerance {
            secs: s,
            past_only: false,
        }),
        (t, None) => t,
    };
    if let Some(t) = tol {
        // Checked: `now` comes from the caller (`verify --now`), `ts` from the sender.
        let Some(age) = now.checked_sub(ts) else {
            return Verdict::invalid(
                scheme,
                Failure::Malformed {
                    detail: "timestamp out of range".into(),
                },
                format!("the signature matches but its timestamp {ts} is too far from now ({now}) to tell its age"),
                Some(ts),
            );
        };
        let tol_secs = i64::try_from(t.secs).unwrap_or(i64::MAX);
        if age > tol_secs {
            return Verdict::invalid(
                scheme,
                Failure::Stale {
                    age_secs: age,
                    tolerance_secs: t.secs,
                },
                format!(
                    "the signature matches but its timestamp is {} old, over the {} tolerance of {}",
                    human_secs(age),
                    scheme,
                    human_secs(tol_secs)
                ),
                Some(ts),
            );
        }
        // `age` is at least -i64::MAX here unless it is i64::MIN: `unsigned_abs` is exact.
        if !t.past_only && age < 0 && age.unsigned_abs() > t.secs {
            return Verdict::invalid(
                scheme,
                Failure::Future {
                    ahead_secs: age.checked_neg().unwrap_or(i64::MAX),
                    tolerance_secs: t.secs,
                },
                format!(
                    "the signature matches but its timestamp is {} in the future, over the {} tolerance of {} (is a clock wrong?)",
                    human_secs(age),
                    scheme,
                    human_secs(tol_secs)
                ),
                Some(ts),
            );
        }
    }
    Verdict::valid(scheme, matched, Some(ts))
}

/// `75 s`, `12 min 3 s`, `5 min`, `3 h 2 min`, `2 days 4 h` (a second part of 0 left out).
pub fn human_secs(s: i64) -> String {
    let s = s.unsigned_abs();
    let two = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big} {big_unit}")
        } else {
            format!("{big} {big_unit} {small} {small_unit}")
        }
    };
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => two(s / 60, "min", s % 60, "s"),
        7200..=172_799 => two(s / 3600, "h", (s % 3600) / 60, "min"),
        _ => two(s / 86400, "days", (s % 86400) / 3600, "h"),
    }
}

/// Constant-time equality of two byte strings (the length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

pub(crate) fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Decodes base64 leniently: padding optional, standard or URL-safe alphabet.
pub fn b64_decode_lenient(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurposeConfig};
    use base64::Engine;
    let cfg = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let std = base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let url = base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
    let _ = general_purpose::STANDARD;
    std.decode(s.trim()).ok().or_else(|| url.decode(s.trim()).ok())
}

/// The last second a timestamp may name: 9999-12-31T23:59:59Z (RFC 3339 has four
/// digits of year). No clock of a sender gives more; a larger one is refused, not
/// compared (an age computed from it could wrap).
pub const MAX_UNIX: i64 = 253_402_300_799;

/// Unix seconds as providers send them: ASCII digits (blanks around them aside),
/// from 1970 to [`MAX_UNIX`]. A sign, a fraction, an exponent or anything outside that
/// range is no timestamp: `None`.
pub fn unix_secs(v: &str) -> Option<i64> {
    let t = v.trim();
    if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok().filter(|s| *s <= MAX_UNIX)
}

/// The unix seconds in the `key` part (`key` including its `=`) of a signature header
/// made of `sep`-separated parts: Stripe's `t=`, Paddle's `ts=`.
pub(crate) fn header_part_secs(h: &Headers, header: &str, sep: char, key: &str) -> Option<i64> {
    h.get(header)?
        .split(sep)
        .find_map(|p| p.trim().strip_prefix(key))
        .and_then(unix_secs)
}

/// Parses a unix-seconds timestamp header ([`unix_secs`]).
pub(crate) fn parse_unix(scheme: &'static str, header: &str, v: &str) -> Result<i64, Verdict> {
    unix_secs(v).ok_or_else(|| {
        Verdict::malformed(
            scheme,
            format!("the {header} header `{v}` is not a unix timestamp (whole seconds from 1970 to the year 9999)"),
        )
    })
}

/// The header value, or the error that says it is missing.
pub(crate) fn require<'a>(h: &'a Headers, scheme: &'static str, header: &'static str) -> Result<&'a str, SchemeError> {
    h.get(header).ok_or(SchemeError::MissingHeader { scheme, header })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }

    /// Five minutes into the past only (Stripe's way), and either way (Slack's).
    const PAST_ONLY: Tolerance = Tolerance {
        secs: 300,
        past_only: true,
    };
    const BOTH_WAYS: Tolerance = Tolerance {
        secs: 300,
        past_only: false,
    };

    #[test]
    fn tolerance_directions() {
        let (past, both) = (Some(PAST_ONLY), Some(BOTH_WAYS));
        assert!(check_time("stripe", past, None, 1000, 1200, "x".into()).valid);
        assert!(!check_time("stripe", past, None, 1000, 1301, "x".into()).valid);
        assert!(check_time("stripe", past, None, 5000, 1000, "x".into()).valid);
        let v = check_time("slack", both, None, 5000, 1000, "x".into());
        assert!(
            matches!(v.failure, Some(Failure::Future { ahead_secs: 4000, .. })),
            "{v:?}"
        );
        assert!(check_time("slack", both, Some(0), 5000, 1000, "x".into()).valid);
        assert!(!check_time("slack", both, Some(10), 1000, 1011, "x".into()).valid);
    }

    /// Ages and distances that do not fit an i64 are refused, not wrapped to "fresh".
    #[test]
    fn extreme_timestamps_and_clocks_are_refused_not_wrapped() {
        let (past, both) = (Some(PAST_ONLY), Some(BOTH_WAYS));
        for (ts, now) in [(i64::MIN, 1000), (i64::MAX, -1000), (1000, i64::MIN), (-5, i64::MAX)] {
            for tol in [past, both] {
                let v = check_time("stripe", tol, None, ts, now, "x".into());
                assert!(!v.valid, "{ts} at {now}: {v:?}");
                assert!(v.reason.contains("timestamp"), "{v:?}");
            }
        }
        let v = check_time("slack", both, None, i64::MAX, 0, "x".into());
        assert!(
            matches!(
                v.failure,
                Some(Failure::Future {
                    ahead_secs: i64::MAX,
                    ..
                })
            ),
            "{v:?}"
        );
        // A tolerance beyond i64 is no tolerance to wrap negative.
        assert!(check_time("slack", both, Some(u64::MAX), 0, 1_700_000_000, "x".into()).valid);
        for bad in [
            "-1",
            "+5",
            "1.5",
            "1e9",
            "",
            " ",
            "253402300800",
            "9223372036854775808",
            "0x10",
        ] {
            assert_eq!(unix_secs(bad), None, "{bad:?}");
        }
        assert_eq!(unix_secs(" 1700000000 "), Some(1_700_000_000));
        assert_eq!(unix_secs("253402300799"), Some(MAX_UNIX));
    }

    #[test]
    fn lenient_base64() {
        assert_eq!(b64_decode_lenient("aGk").unwrap(), b"hi");
        assert_eq!(b64_decode_lenient("aGk=").unwrap(), b"hi");
        assert_eq!(b64_decode_lenient("-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(b64_decode_lenient("***").is_none());
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_secs(75), "75 s");
        assert_eq!(human_secs(300), "5 min");
        assert_eq!(human_secs(7200), "2 h");
        assert_eq!(human_secs(-725), "12 min 5 s");
        assert_eq!(human_secs(3 * 86400 + 3600), "3 days 1 h");
    }
}
