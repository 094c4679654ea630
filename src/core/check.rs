//! `hookcat check`: a conformance suite for a webhook receiver. Each case builds a
//! delivery exactly as the provider would (a catalog event, signed by the scheme,
//! sent by [`deliver`]), changes it in one precise way, and judges the answer against
//! what a correct receiver does. Every fact a case needs comes from the scheme
//! ([`Scheme::delivery_facts`], its tolerance, its handshake); a case that does not
//! apply says why. Adding a case is one entry in [`CASES`]. Nothing here prints, and
//! nothing is sent anywhere but the URL of the [`Setup`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::deliver::{self, Attempt, ClientOptions, DeliverError, Latency, Policy, Prepared};
use super::event::{CatalogEntry, Event, EventError};
use super::headers::Headers;
use super::scheme::{
    lookup, DeliveryFacts, GenericParams, Handshake, KeyPair, Scheme, SchemeError, SignParams, SignatureIn,
    VerifyRequest,
};
use super::secret::Secret;

/// How long a request waits for its answer when neither the provider nor `--timeout`
/// names a delivery timeout (said so in the report).
pub const UNKNOWN_TIMEOUT_WAIT: Duration = Duration::from_secs(30);

/// What `check` runs against.
pub struct Setup {
    pub url: String,
    pub scheme: Box<dyn Scheme>,
    /// The secret (or private key) the provider signs with.
    pub secret: Secret,
    pub event: &'static CatalogEntry,
    /// Headers added to every request (a target's headers).
    pub extra: Headers,
    /// The URL the provider calls, when it is not `url` (a proxy, a tunnel): what a
    /// scheme that signs the URL (Twilio, Square) signs. The requests still go to `url`.
    pub public_url: Option<String>,
    /// Replaces the provider's delivery timeout.
    pub timeout: Option<Duration>,
    /// The latency case: how many deliveries, how many at once.
    pub requests: usize,
    pub concurrency: usize,
    pub client: ClientOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Deliver(#[from] DeliverError),
    #[error("the secret the wrong-secret cases sign with: {0}")]
    Secret(#[from] super::secret::SecretError),
}

/// One case of the suite.
pub struct Case {
    pub name: &'static str,
    /// What is sent.
    pub sent: &'static str,
    /// What a correct receiver answers.
    pub expected: &'static str,
    /// Why it matters.
    pub matters: &'static str,
    /// What to fix when it fails.
    pub fix: &'static str,
    plan: fn(&Ctx<'_>) -> Result<Planned, CheckError>,
}

/// What a case sends, and how its answers are judged.
enum Planned {
    Run(Plan),
    NotApplicable(String),
}

struct Plan {
    requests: Requests,
    expect: Expect,
    /// Send header names in Title-Case.
    title_case: bool,
    /// Said whatever the verdict.
    note: Option<String>,
    /// On failure, verify the first request with hookcat and say what it finds.
    diagnose: bool,
}

enum Requests {
    These(Vec<Prepared>),
    /// `count` valid deliveries, `concurrency` at a time, each signed as it goes.
    Load {
        count: usize,
        concurrency: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Every answer a 2xx.
    Accept,
    /// Every answer a refusal (4xx).
    Refuse,
    /// A 2xx, or a clean 413.
    AcceptOr413,
    /// Anything but a 2xx (a warning otherwise).
    NotProcessed,
    /// A 2xx with this body.
    Answer { body: Vec<u8>, json: bool },
    /// Every answer a 2xx within the timeout.
    Latency,
}

/// The verdict of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Pass,
    Fail,
    Warn,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Mark {
    pub fn label(self) -> &'static str {
        match self {
            Mark::Pass => "pass",
            Mark::Fail => "fail",
            Mark::Warn => "warn",
            Mark::NotApplicable => "n/a",
        }
    }
}

/// One answer.
#[derive(Debug, Clone, Serialize)]
pub struct Got {
    pub status: Option<u16>,
    /// Why there was no answer (a timeout, a refused connection).
    pub error: Option<String>,
    pub ms: f64,
    /// The failure itself, for the output to say what to do about it.
    #[serde(skip)]
    pub failure: Option<deliver::AttemptError>,
}

/// A case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    pub case: &'static str,
    pub sent: &'static str,
    pub expected: &'static str,
    pub verdict: Mark,
    pub got: Vec<Got>,
    /// The latency case's measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Latency>,
    pub why: &'static str,
    /// What was seen, or why the case does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What to fix (failures and warnings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// The counts of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    #[serde(rename = "n/a")]
    pub not_applicable: usize,
}

impl Summary {
    pub fn of(reports: &[CaseReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            match r.verdict {
                Mark::Pass => s.pass += 1,
                Mark::Fail => s.fail += 1,
                Mark::Warn => s.warn += 1,
                Mark::NotApplicable => s.not_applicable += 1,
            }
        }
        s
    }
}

/// The cases, in the order they run.
pub static CASES: &[Case] = &[
    Case {
        name: "valid",
        sent: "a correctly signed delivery of the event",
        expected: "2xx within the provider's delivery timeout",
        matters: "lost deliveries: a provider retries, then disables an endpoint that refuses its deliveries",
        fix: "verify over the raw body with the provider's secret, and answer 2xx",
        plan: |c| Ok(run(vec![c.valid()?], Expect::Accept).diagnosed()),
    },
    Case {
        name: "unsigned",
        sent: "the same delivery with its signature removed",
        expected: "a refusal (4xx)",
        matters: "forgery: anyone who finds the URL can send events",
        fix: "refuse a request without a signature before acting on it",
        plan: |c| Ok(run(vec![c.unsigned()?], Expect::Refuse).into()),
    },
    Case {
        name: "wrong-secret",
        sent: "the delivery signed with another secret",
        expected: "a refusal (4xx)",
        matters: "forgery: a signature is worth nothing unless it is checked against the secret",
        fix: "compare the signature with one computed with your secret (in constant time)",
        plan: |c| {
            let other = c.other_secret()?;
            Ok(run(vec![c.signed(&other, &other, None)?], Expect::Refuse).into())
        },
    },
    Case {
        name: "tampered",
        sent: "one byte of the body changed after signing",
        expected: "a refusal (4xx)",
        matters: "forgery: a changed body must not pass as the provider's",
        fix: "compute the signature over the body you received, not over anything else",
        plan: |c| {
            if let Some(why) = c.body_not_signed()? {
                return Ok(Planned::NotApplicable(why));
            }
            let mut req = c.valid()?;
            match tamper(&req.body) {
                Some(b) => req.body = b.into(),
                None => return Ok(Planned::NotApplicable("the body has no letter to change".into())),
            }
            Ok(run(vec![req], Expect::Refuse).into())
        },
    },
    Case {
        name: "appended-newline",
        sent: "a newline added to the body after signing",
        expected: "a refusal (4xx)",
        matters: "forgery: a receiver that trims the body verifies other bytes than it acts on",
        fix: "verify the body exactly as received: do not trim it",
        plan: |c| {
            if let Some(why) = c.body_not_signed()? {
                return Ok(Planned::NotApplicable(why));
            }
            let mut req = c.valid()?;
            let mut b = req.body.to_vec();
            b.push(b'\n');
            req.body = b.into();
            Ok(run(vec![req], Expect::Refuse).into())
        },
    },
    Case {
        name: "raw-body",
        sent: "a valid delivery whose JSON is laid out differently (indentation, key order, \\u escapes), signed over those bytes",
        expected: "2xx",
        matters: "lost deliveries: a receiver that re-serialises the JSON before verifying refuses bodies the provider lays out otherwise",
        fix: "verify over the raw request bytes, before any JSON parsing (e.g. express.raw, request.get_data())",
        plan: |c| {
            if let Some(why) = c.body_not_signed()? {
                return Ok(Planned::NotApplicable(why));
            }
            let ev = c.event()?;
            let Some(body) = relayout(&ev) else {
                return Ok(Planned::NotApplicable(format!(
                    "the body of {} is not a JSON object or array",
                    c.setup.event.name
                )));
            };
            let ev = Event { body, ..ev };
            let req = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, None)?;
            Ok(run(vec![req], Expect::Accept).into())
        },
    },
    Case {
        name: "stale",
        sent: "a correctly signed delivery whose timestamp is beyond the provider's tolerance",
        expected: "a refusal (4xx)",
        matters: "replay: a captured delivery must not be accepted again later",
        fix: "refuse a timestamp older than the provider's tolerance",
        plan: |c| {
            let Some(tol) = c.setup.scheme.meta().tolerance else {
                return Ok(Planned::NotApplicable(c.untimed()));
            };
            let at = now() - tol.secs as i64 - 60;
            Ok(run(vec![c.signed_at(at)?], Expect::Refuse).noted(format!(
                "signed {} ago; the tolerance is {}",
                super::scheme::human_secs(tol.secs as i64 + 60),
                super::scheme::human_secs(tol.secs as i64)
            )))
        },
    },
    Case {
        name: "future",
        sent: "a correctly signed delivery whose timestamp is too far ahead",
        expected: "a refusal (4xx)",
        matters: "replay: a delivery dated ahead stays fresh for as long as it is dated",
        fix: "refuse a timestamp further ahead than the tolerance too",
        plan: |c| {
            let Some(tol) = c.setup.scheme.meta().tolerance else {
                return Ok(Planned::NotApplicable(c.untimed()));
            };
            if tol.past_only {
                return Ok(Planned::NotApplicable(format!(
                    "{} refuses only timestamps older than its tolerance, not ones ahead",
                    c.setup.scheme.meta().provider
                )));
            }
            let at = now() + tol.secs as i64 + 60;
            Ok(run(vec![c.signed_at(at)?], Expect::Refuse).into())
        },
    },
    Case {
        name: "duplicate",
        sent: "the same delivery id twice, re-signed, as providers retry",
        expected: "2xx both times",
        matters: "lost deliveries: a provider retries what it thinks failed, with the same id",
        fix: "answer 2xx to a delivery already seen (deduplicate by its id: do the work once)",
        plan: |c| {
            let ev = c.event()?;
            let id = super::ids::message_id();
            let first = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, Some(&id))?;
            let second = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, Some(&id))?;
            Ok(run(vec![first, second], Expect::Accept)
                .noted("deduplicate by the delivery's id: answer 2xx, do the work once".into()))
        },
    },
    Case {
        name: "rotation",
        sent: "several signatures, only the last of them right (as during a secret rotation)",
        expected: "2xx",
        matters: "lost deliveries: during a secret rotation the provider sends a signature per secret",
        fix: "try every signature the header carries, not only the first",
        plan: |c| {
            let combine = match c.facts.several_signatures.get() {
                Ok(f) => f,
                Err(why) => return Ok(Planned::NotApplicable(why.into())),
            };
            let ev = c.event()?;
            let id = super::ids::message_id();
            let at = now();
            let other = c.other_secret()?;
            let mut right = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, Some(at), Some(&id))?;
            let wrong = c.sign_event(&ev, &other, &other, Some(at), Some(&id))?;
            let h = c.setup.scheme.meta().signature_header;
            let (Some(r), Some(w)) = (right.headers.get(h), wrong.headers.get(h)) else {
                return Ok(Planned::NotApplicable(format!("no `{h}` header was signed")));
            };
            let both = combine(r, w);
            right.headers.set(h, both);
            Ok(run(vec![right], Expect::Accept).into())
        },
    },
    Case {
        name: "downgrade",
        sent: "the provider's weaker signature right, its stronger one wrong",
        expected: "a refusal (4xx)",
        matters: "forgery: a receiver that checks the weaker algorithm is only as safe as it",
        fix: "verify the strongest signature the provider sends (GitHub: X-Hub-Signature-256)",
        plan: |c| {
            if let Err(why) = c.facts.weaker_companion.get() {
                return Ok(Planned::NotApplicable(why.into()));
            }
            let other = c.other_secret()?;
            Ok(run(vec![c.signed(&other, &c.setup.secret, None)?], Expect::Refuse).into())
        },
    },
    Case {
        name: "header-case",
        sent: "the valid delivery with its header names in Title-Case (the other cases send them in lower case)",
        expected: "2xx",
        matters: "lost deliveries: header names are case-insensitive, and proxies and HTTP/2 change their case",
        fix: "look headers up without regard to case",
        plan: |c| {
            let mut p = run(vec![c.valid()?], Expect::Accept);
            p.title_case = true;
            Ok(p.into())
        },
    },
    Case {
        name: "content-type",
        sent: "the valid delivery with each Content-Type variant the provider sends (e.g. `; charset=utf-8`)",
        expected: "2xx to each",
        matters: "lost deliveries: a receiver that matches the Content-Type exactly refuses the provider's variants",
        fix: "match the media type, ignoring parameters such as charset",
        plan: |c| {
            let ct = c.setup.event.content_type.to_ascii_lowercase();
            let media = |t: &str| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            let variants: Vec<&str> = c
                .facts
                .content_types
                .iter()
                .copied()
                .filter(|v| media(v) == media(&ct) && v.to_ascii_lowercase() != ct)
                .collect();
            if variants.is_empty() {
                return Ok(Planned::NotApplicable(match c.facts.content_types {
                    [] => format!("{} names no content types", c.setup.scheme.meta().provider),
                    _ => format!(
                        "{} sends this event as `{ct}` only, as the valid case did",
                        c.setup.scheme.meta().provider
                    ),
                }));
            }
            let mut reqs = Vec::new();
            for v in &variants {
                let mut ev = c.event()?;
                ev.content_type = v.to_string();
                reqs.push(c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, None)?);
            }
            Ok(run(reqs, Expect::Accept).noted(format!("sent {}", variants.join(", "))))
        },
    },
    Case {
        name: "large",
        sent: "a body near the provider's documented maximum",
        expected: "2xx, or a clean 413 (reported)",
        matters: "lost deliveries: the provider's largest events must arrive too",
        fix: "raise the receiver's body limit to the provider's maximum",
        plan: |c| {
            let max = match c.facts.max_body.get() {
                Ok(m) => m,
                Err(why) => return Ok(Planned::NotApplicable(why.into())),
            };
            let ev = c.event()?;
            let target = max.saturating_sub(1024) as usize;
            let Some(body) = pad(&ev, target) else {
                return Ok(Planned::NotApplicable(format!(
                    "the body of {} cannot be padded (neither JSON object nor form)",
                    c.setup.event.name
                )));
            };
            let ev = Event { body, ..ev };
            let req = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, None)?;
            let note = format!("{} bytes (the provider sends up to {max})", req.body.len());
            Ok(run(vec![req], Expect::AcceptOr413).noted(note))
        },
    },
    Case {
        name: "method",
        sent: "a GET to the endpoint",
        expected: "no 2xx (405, or a refusal)",
        matters: "a receiver that answers 2xx to anything may process what no provider sent",
        fix: "accept only POST (answer 405 to other methods)",
        plan: |c| {
            let req = Prepared {
                method: "GET".into(),
                url: c.setup.url.clone(),
                headers: c.setup.extra.clone(),
                body: bytes::Bytes::new(),
                exact_values: Vec::new(),
            };
            Ok(run(vec![req], Expect::NotProcessed).into())
        },
    },
    Case {
        name: "handshake",
        sent: "the provider's verification request (Slack url_verification, Zoom endpoint.url_validation, Twitch challenge)",
        expected: "2xx with the exact answer the provider expects",
        matters: "the provider does not enable (or disables) an endpoint that fails its handshake",
        fix: "answer the handshake as the provider documents (after verifying its signature)",
        plan: |c| {
            let name = match c.facts.handshake_event.get() {
                Ok(n) => n,
                Err(why) => return Ok(Planned::NotApplicable(why.into())),
            };
            let ev = super::event::find(name)?.render(&[])?;
            let req = c.sign_event(&ev, &c.setup.secret, &c.setup.secret, None, None)?;
            match c
                .setup
                .scheme
                .handshake(&req.headers, &req.body, Some(&c.setup.secret))
            {
                Some(Handshake::Answer { content_type, body, .. }) => Ok(run(
                    vec![req],
                    Expect::Answer {
                        body,
                        json: content_type.contains("json"),
                    },
                )
                .into()),
                _ => Ok(Planned::NotApplicable(format!("{name} has no answer to check"))),
            }
        },
    },
    Case {
        name: "latency",
        sent: "N valid deliveries, C at a time (--requests, --concurrency)",
        expected: "every one 2xx within the provider's delivery timeout",
        matters: "lost deliveries: a provider counts a slow answer as a failure, retries, and disables the endpoint",
        fix: "answer 2xx at once and do the work later (a queue, a background job)",
        plan: |c| {
            if let Err(why) = c.timeout_fact() {
                return Ok(Planned::NotApplicable(format!("{why}; give --timeout to measure against one")));
            }
            Ok(Planned::Run(Plan {
                requests: Requests::Load {
                    count: c.setup.requests.max(1),
                    concurrency: c.setup.concurrency.max(1),
                },
                expect: Expect::Latency,
                title_case: false,
                note: None,
                diagnose: false,
            }))
        },
    },
];

/// The case called `name`.
pub fn case(name: &str) -> Option<&'static Case> {
    CASES.iter().find(|c| c.name == name)
}

fn run(requests: Vec<Prepared>, expect: Expect) -> Plan {
    Plan {
        requests: Requests::These(requests),
        expect,
        title_case: false,
        note: None,
        diagnose: false,
    }
}

impl Plan {
    fn noted(mut self, note: String) -> Planned {
        self.note = Some(note);
        Planned::Run(self)
    }

    fn diagnosed(mut self) -> Planned {
        self.diagnose = true;
        Planned::Run(self)
    }
}

impl From<Plan> for Planned {
    fn from(p: Plan) -> Planned {
        Planned::Run(p)
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// What the cases build deliveries with.
struct Ctx<'a> {
    setup: &'a Setup,
    facts: DeliveryFacts,
}

impl Ctx<'_> {
    fn event(&self) -> Result<Event, CheckError> {
        Ok(self.setup.event.render(&[])?)
    }

    fn timeout_fact(&self) -> Result<Duration, &'static str> {
        delivery_timeout(self.setup)
    }

    /// The wait for each answer.
    fn timeout(&self) -> Duration {
        self.timeout_fact().unwrap_or(UNKNOWN_TIMEOUT_WAIT)
    }

    fn untimed(&self) -> String {
        self.facts.untimed.unwrap_or("the scheme has no tolerance").to_string()
    }

    /// A secret of the scheme's kind that is not the one given.
    fn other_secret(&self) -> Result<Secret, CheckError> {
        let key = match self.setup.scheme.keygen() {
            KeyPair::Secret { secret } => secret,
            KeyPair::Pair { private_key, .. } => private_key,
        };
        Ok(Secret::from_arg(&key)?)
    }

    fn unsigned_request(&self, ev: &Event) -> Prepared {
        deliver::prepare(ev, &self.setup.url, &self.setup.extra, None)
    }

    /// The event, signed now with the setup's secret.
    fn valid(&self) -> Result<Prepared, CheckError> {
        self.signed(&self.setup.secret, &self.setup.secret, None)
    }

    /// The event signed at `at`, its body's own timestamp (Linear's) set to it too.
    fn signed_at(&self, at: i64) -> Result<Prepared, CheckError> {
        let mut ev = self.event()?;
        if let Ok(ts) = jiff::Timestamp::from_second(at) {
            if let Some(b) = self.setup.scheme.refresh_body_timestamp(&ev.body, ts) {
                ev.body = b;
            }
        }
        self.sign_event(&ev, &self.setup.secret, &self.setup.secret, Some(at), None)
    }

    /// The event signed with `secret`, its weaker companion signature (GitHub's SHA-1)
    /// with `weaker`.
    fn signed(&self, secret: &Secret, weaker: &Secret, at: Option<i64>) -> Result<Prepared, CheckError> {
        let ev = self.event()?;
        self.sign_event(&ev, secret, weaker, at, None)
    }

    fn sign_event(
        &self,
        ev: &Event,
        secret: &Secret,
        weaker: &Secret,
        at: Option<i64>,
        id: Option<&str>,
    ) -> Result<Prepared, CheckError> {
        let mut req = self.unsigned_request(ev);
        let mut p = SignParams::now();
        if let Some(at) = at {
            p.timestamp = at;
            p.nanos = 0;
        }
        if let Some(id) = id {
            p.id = id.to_string();
        }
        let public = self.setup.public_url.clone();
        p.url = Some(public.clone().unwrap_or_else(|| req.url.clone()));
        // The weaker companion first: the scheme's own signature is the last word.
        if let Ok(name) = self.facts.weaker_companion.get() {
            let companion = lookup(name, &GenericParams::default())?;
            sign_with(companion.as_ref(), weaker, &p, &mut req)?;
        }
        sign_with(self.setup.scheme.as_ref(), secret, &p, &mut req)?;
        // A signed URL (Twilio's `bodySHA256`) made of the public one goes to `url`.
        if let Some(rest) = public.as_deref().and_then(|pu| req.url.strip_prefix(pu)) {
            req.url = format!("{}{rest}", self.setup.url);
        }
        Ok(req)
    }

    /// The event as the provider sends it, without its signature.
    fn unsigned(&self) -> Result<Prepared, CheckError> {
        let mut req = self.unsigned_request(&self.event()?);
        let mut names: Vec<&str> = Vec::new();
        if let SignatureIn::Headers(h) = self.setup.scheme.signature_in() {
            names.extend(h.iter().copied());
        }
        for n in names {
            req.headers.remove(n);
        }
        Ok(req)
    }

    /// Why a changed body cannot be told from the signature, when it cannot: two
    /// bodies signed alike (GitLab's token, Mailgun's timestamp and token).
    fn body_not_signed(&self) -> Result<Option<String>, CheckError> {
        let mut p = SignParams::now();
        p.url = Some(self.setup.public_url.clone().unwrap_or_else(|| self.setup.url.clone()));
        let sign = |body: &[u8]| self.setup.scheme.sign(&self.setup.secret, &p, &mut &body[..]);
        let (a, b) = (sign(b"{\"a\":1}")?, sign(b"{\"a\":2}")?);
        Ok(
            (a.headers == b.headers && a.fields == b.fields && a.signed_url == b.signed_url).then(|| {
                format!(
                    "{}'s signature does not cover the body",
                    self.setup.scheme.meta().provider
                )
            }),
        )
    }

    /// What hookcat's verifier says of a request it sent, with the diagnosis when
    /// the signature does not match.
    fn verify_sent(&self, req: &Prepared) -> String {
        let body = super::body::Body::Mem(req.body.to_vec());
        // The URL as the provider signed it: the public one, where there is one.
        let url = match &self.setup.public_url {
            Some(pu) => req.url.replacen(&self.setup.url, pu, 1),
            None => req.url.clone(),
        };
        let vr = VerifyRequest {
            headers: &req.headers,
            body: &body,
            url: Some(&url),
            now: now(),
            tolerance: None,
        };
        match self.setup.scheme.verify(&self.setup.secret, &vr) {
            Ok(v) if v.valid => "hookcat verifies this very delivery with the secret given: the receiver uses another secret, or verifies other bytes than the raw body".into(),
            Ok(v) => {
                let findings = super::diagnose::diagnose(self.setup.scheme.as_ref(), &self.setup.secret, &vr, &v);
                let mut s = v.reason;
                for f in findings {
                    s.push_str("; ");
                    s.push_str(&f.message);
                }
                s
            }
            Err(e) => e.to_string(),
        }
    }
}

/// Signs `req` with `scheme` as [`deliver::Signer::sign_request`] does.
fn sign_with(scheme: &dyn Scheme, secret: &Secret, p: &SignParams, req: &mut Prepared) -> Result<(), CheckError> {
    let signed = scheme.sign(secret, p, &mut &req.body[..])?;
    if let SignatureIn::Body { write } = scheme.signature_in() {
        req.body = write(&req.body, &signed.fields).into();
    }
    deliver::apply_signature(req, &signed);
    Ok(())
}

/// The delivery timeout the cases go by: `--timeout`, else the provider's; the reason
/// when there is neither (the requests then wait [`UNKNOWN_TIMEOUT_WAIT`]).
pub fn delivery_timeout(setup: &Setup) -> Result<Duration, &'static str> {
    match setup.timeout {
        Some(t) => Ok(t),
        None => setup.scheme.delivery_facts().timeout.get(),
    }
}

/// Runs `cases` against the setup, one after another.
pub async fn check(setup: Arc<Setup>, cases: &[&'static Case]) -> Result<Vec<CaseReport>, CheckError> {
    let plain = deliver::client_with(&setup.client, false)?;
    let title = deliver::client_with(&setup.client, true)?;
    let ctx = Ctx {
        setup: &setup,
        facts: setup.scheme.delivery_facts(),
    };
    let policy = Policy {
        timeout: ctx.timeout(),
        retries: 0,
        keep_body: 64 * 1024,
        ..Policy::default()
    };
    let mut out = Vec::new();
    for case in cases {
        let plan = match (case.plan)(&ctx)? {
            Planned::Run(p) => p,
            Planned::NotApplicable(why) => {
                out.push(report(case, Mark::NotApplicable, Vec::new(), Some(why), None));
                continue;
            }
        };
        let client = if plan.title_case { &title } else { &plain };
        let (attempts, sent) = match &plan.requests {
            Requests::These(reqs) => {
                let mut v = Vec::new();
                for r in reqs {
                    v.push(deliver::attempt_once(client, r, 1, &policy).await);
                }
                (v, reqs.first().cloned())
            }
            Requests::Load { count, concurrency } => (
                load(setup.clone(), client.clone(), &policy, *count, *concurrency).await?,
                None,
            ),
        };
        let mut r = judge(case, &plan, &attempts, ctx.timeout());
        if r.verdict == Mark::Fail && plan.diagnose {
            if let Some(req) = &sent {
                let why = ctx.verify_sent(req);
                r.fix = Some(format!("{} ({why})", r.fix.unwrap_or_default()));
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// `count` valid deliveries, `concurrency` at a time, each signed just before it goes.
async fn load(
    setup: Arc<Setup>,
    client: reqwest::Client,
    policy: &Policy,
    count: usize,
    concurrency: usize,
) -> Result<Vec<Attempt>, CheckError> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(count) {
        let (setup, client, policy, next) = (setup.clone(), client.clone(), policy.clone(), next.clone());
        set.spawn(async move {
            let ctx = Ctx {
                setup: &setup,
                facts: setup.scheme.delivery_facts(),
            };
            let mut mine = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let req = ctx.valid()?;
                mine.push(deliver::attempt_once(&client, &req, 1, &policy).await);
            }
            Ok::<_, CheckError>(mine)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = set.join_next().await {
        // A task panics only on a bug; its deliveries are then missing from the count.
        if let Ok(mine) = done {
            all.extend(mine?);
        }
    }
    Ok(all)
}

fn got(a: &Attempt) -> Got {
    Got {
        status: a.status,
        error: a.error.as_ref().map(|e| format!("{}: {}", e.kind.label(), e.message)),
        ms: deliver::ms(&a.duration),
        failure: a.error.clone(),
    }
}

fn report(case: &Case, verdict: Mark, got: Vec<Got>, note: Option<String>, fix: Option<String>) -> CaseReport {
    CaseReport {
        case: case.name,
        sent: case.sent,
        expected: case.expected,
        verdict,
        got,
        latency_ms: None,
        why: case.matters,
        note,
        fix,
    }
}

fn is_2xx(a: &Attempt) -> bool {
    a.status.is_some_and(|s| (200..300).contains(&s))
}

/// `answered 401`, or `no answer (timeout)`.
fn answered(a: &Attempt) -> String {
    match (a.status, &a.error) {
        (Some(s), _) => format!("answered {s}"),
        (None, Some(e)) => format!("no answer ({})", e.kind.label()),
        _ => "no answer".into(),
    }
}

fn judge(case: &Case, plan: &Plan, attempts: &[Attempt], timeout: Duration) -> CaseReport {
    let gots: Vec<Got> = attempts.iter().map(got).collect();
    let fix = Some(case.fix.to_string());
    let note = plan.note.clone();
    let with = |mark: Mark, extra: Option<String>, fix: Option<String>| {
        let note = match (note.clone(), extra) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        report(case, mark, gots.clone(), note, fix)
    };
    let no_answer = attempts.iter().find(|a| a.status.is_none());
    match &plan.expect {
        Expect::Accept => match attempts.iter().find(|a| !is_2xx(a)) {
            None => with(Mark::Pass, None, None),
            Some(a) => with(Mark::Fail, Some(answered(a)), fix),
        },
        Expect::Refuse => {
            if let Some(a) = attempts.iter().find(|a| is_2xx(a)) {
                with(Mark::Fail, Some(format!("accepted it ({})", answered(a))), fix)
            } else if let Some(a) = attempts
                .iter()
                .find(|a| !a.status.is_some_and(|s| (400..500).contains(&s)))
            {
                with(
                    Mark::Warn,
                    Some(format!(
                        "{}: refuse with a 4xx (400 or 401), which a provider does not retry",
                        answered(a)
                    )),
                    None,
                )
            } else {
                with(Mark::Pass, None, None)
            }
        }
        Expect::AcceptOr413 => match attempts.first() {
            Some(a) if is_2xx(a) => with(Mark::Pass, None, None),
            Some(a) if a.status == Some(413) => with(
                Mark::Pass,
                Some("refused with 413: the provider's deliveries this large are lost".into()),
                None,
            ),
            Some(a) if a.status.is_none() => with(
                Mark::Fail,
                Some(format!(
                    "{}: a receiver that refuses a body before reading it may close the connection before its 413 arrives",
                    answered(a)
                )),
                fix,
            ),
            Some(a) => with(Mark::Fail, Some(answered(a)), fix),
            None => with(Mark::Fail, None, fix),
        },
        Expect::NotProcessed => match attempts.first() {
            Some(a) if is_2xx(a) => with(
                Mark::Warn,
                Some(format!("{} to a GET: make sure it processed nothing", answered(a))),
                fix,
            ),
            _ => with(Mark::Pass, None, None),
        },
        Expect::Answer { body, json } => match attempts.first() {
            Some(a) if is_2xx(a) && same_answer(&a.response_body, body, *json) => with(Mark::Pass, None, None),
            Some(a) if is_2xx(a) => with(
                Mark::Fail,
                Some(format!(
                    "{} with another body ({} bytes; {} expected)",
                    answered(a),
                    a.response_body.len(),
                    body.len()
                )),
                fix,
            ),
            Some(a) => with(Mark::Fail, Some(answered(a)), fix),
            None => with(Mark::Fail, None, fix),
        },
        Expect::Latency => {
            let lat = Latency::from_micros(attempts.iter().map(|a| a.duration.as_micros() as u64).collect());
            let timed_out = attempts.iter().filter(|a| a.status.is_none()).count();
            let refused = attempts.iter().filter(|a| a.status.is_some() && !is_2xx(a)).count();
            let limit = timeout.as_secs_f64() * 1000.0;
            let summary = format!(
                "{} deliveries: p50 {:.1} ms, p99 {:.1} ms (timeout {:.0} ms)",
                attempts.len(),
                lat.p50,
                lat.p99,
                limit
            );
            let (mark, extra, fix) = if timed_out > 0 {
                let what = no_answer.map(answered).unwrap_or_default();
                (Mark::Fail, format!("{summary}; {timed_out} of them: {what}"), fix)
            } else if refused > 0 {
                (Mark::Fail, format!("{summary}; {refused} not 2xx"), fix)
            } else if lat.p99 > limit {
                (Mark::Fail, summary, fix)
            } else {
                (Mark::Pass, summary, None)
            };
            let mut r = report(case, mark, summarise(&gots), Some(extra), fix);
            r.latency_ms = Some(lat);
            r
        }
    }
}

/// The latency case's answers, one per status (or error) with the slowest time.
fn summarise(gots: &[Got]) -> Vec<Got> {
    let mut out: Vec<Got> = Vec::new();
    for g in gots {
        match out
            .iter_mut()
            .find(|o| o.status == g.status && o.error.is_some() == g.error.is_some())
        {
            Some(o) => o.ms = o.ms.max(g.ms),
            None => out.push(g.clone()),
        }
    }
    out
}

/// The body a handshake expects: JSON compared as values, anything else as bytes.
fn same_answer(got: &[u8], want: &[u8], json: bool) -> bool {
    if json {
        let p = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
        return p(got).is_some() && p(got) == p(want);
    }
    got == want
}

/// One ASCII letter inside a string of the body (a JSON string, or a form value)
/// with its case flipped: the body stays well-formed, its bytes differ by one.
pub fn tamper(body: &[u8]) -> Option<Vec<u8>> {
    let json = matches!(body.trim_ascii_start().first(), Some(b'{' | b'['));
    let mut candidates = Vec::new();
    let (mut in_str, mut escaped) = (false, false);
    for (i, &b) in body.iter().enumerate() {
        if json {
            if escaped {
                escaped = false;
                continue;
            }
            match b {
                b'\\' if in_str => escaped = true,
                b'"' => in_str = !in_str,
                _ if in_str && b.is_ascii_alphabetic() => candidates.push(i),
                _ => {}
            }
        } else if b.is_ascii_alphabetic() {
            candidates.push(i);
        }
    }
    let i = *candidates.get(candidates.len() / 2)?;
    let mut out = body.to_vec();
    out[i] ^= 0x20;
    Some(out)
}

/// The event's JSON laid out as no serialiser does by default: three-space
/// indentation, ` : ` between key and value, keys in reverse order, every non-ASCII
/// character and `/` escaped. `None` when the body is not a JSON object or array.
pub fn relayout(ev: &Event) -> Option<Vec<u8>> {
    if !ev.content_type.to_ascii_lowercase().contains("json") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&ev.body).ok()?;
    if !(v.is_object() || v.is_array()) {
        return None;
    }
    let mut out = String::new();
    write_value(&v, 0, &mut out);
    out.push('\n');
    Some(out.into_bytes())
}

fn write_value(v: &serde_json::Value, depth: usize, out: &mut String) {
    use serde_json::Value;
    let pad = |d: usize| "   ".repeat(d);
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            let n = m.len();
            for (i, (k, v)) in m.iter().rev().enumerate() {
                out.push_str(&pad(depth + 1));
                write_string(k, out);
                out.push_str(" : ");
                write_value(v, depth + 1, out);
                out.push_str(if i + 1 < n { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, v) in a.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_value(v, depth + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The event's body grown to `target` bytes by one padding field (a JSON object's
/// last member, or a form field); `None` for other bodies.
pub fn pad(ev: &Event, target: usize) -> Option<Vec<u8>> {
    let ct = ev.content_type.to_ascii_lowercase();
    let body = &ev.body;
    let (head, tail): (Vec<u8>, &[u8]) = if ct.contains("json") {
        let end = body.iter().rposition(|&b| b == b'}')?;
        if !body.trim_ascii_start().starts_with(b"{") {
            return None;
        }
        let inner_empty = body[..end].trim_ascii_end().ends_with(b"{");
        let mut h = body[..end].trim_ascii_end().to_vec();
        h.extend_from_slice(if inner_empty {
            b"\"hookcat_padding\":\""
        } else {
            b",\"hookcat_padding\":\""
        });
        (h, b"\"}")
    } else if ct.contains("x-www-form-urlencoded") {
        let mut h = body.clone();
        h.extend_from_slice(if body.is_empty() {
            b"hookcat_padding="
        } else {
            b"&hookcat_padding="
        });
        (h, b"")
    } else {
        return None;
    };
    let fill = target.saturating_sub(head.len() + tail.len());
    let mut out = head;
    out.resize(out.len() + fill, b'x');
    out.extend_from_slice(tail);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_kebab() {
        let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
        for n in &names {
            assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{n}");
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CASES.len());
    }

    fn answer(status: Option<u16>) -> Attempt {
        Attempt {
            attempt: 1,
            method: "POST".into(),
            url: "http://127.0.0.1/".into(),
            status,
            error: status.is_none().then(|| deliver::AttemptError {
                kind: deliver::ErrorKind::Timeout,
                message: "no answer".into(),
            }),
            duration: Duration::from_millis(3),
            response_headers: Headers::new(),
            response_body: Vec::new(),
            response_truncated: false,
            retry_in: None,
        }
    }

    /// A refusal is a 4xx; a 2xx fails; anything else (a 5xx the provider would retry,
    /// no answer) is a warning. A 413 to the large body passes, and says so.
    #[test]
    fn answers_are_judged_as_a_provider_sees_them() {
        let unsigned = case("unsigned").unwrap();
        let verdict = |expect: Expect, status: Option<u16>| {
            let plan = run(Vec::new(), expect);
            judge(unsigned, &plan, &[answer(status)], Duration::from_secs(1))
        };
        assert_eq!(verdict(Expect::Refuse, Some(401)).verdict, Mark::Pass);
        assert_eq!(verdict(Expect::Refuse, Some(200)).verdict, Mark::Fail);
        assert_eq!(verdict(Expect::Refuse, Some(500)).verdict, Mark::Warn);
        assert_eq!(verdict(Expect::Refuse, None).verdict, Mark::Warn);
        assert_eq!(verdict(Expect::Accept, Some(204)).verdict, Mark::Pass);
        assert_eq!(verdict(Expect::Accept, None).verdict, Mark::Fail);
        let large = verdict(Expect::AcceptOr413, Some(413));
        assert_eq!(large.verdict, Mark::Pass);
        assert!(large.note.unwrap().contains("413"));
        assert_eq!(verdict(Expect::NotProcessed, Some(200)).verdict, Mark::Warn);
        assert_eq!(verdict(Expect::NotProcessed, Some(405)).verdict, Mark::Pass);
        assert_eq!(verdict(Expect::Latency, None).verdict, Mark::Fail);
    }

    #[test]
    fn tampering_changes_one_letter_of_a_string() {
        let b = br#"{"type":"push","n":1}"#;
        let t = tamper(b).unwrap();
        assert_eq!(t.iter().zip(b.iter()).filter(|(x, y)| x != y).count(), 1);
        assert!(serde_json::from_slice::<serde_json::Value>(&t).is_ok());
        assert!(tamper(b"{}").is_none());
    }

    fn ev(ct: &str, body: &[u8]) -> Event {
        Event {
            provider: None,
            name: None,
            content_type: ct.into(),
            method: "POST".into(),
            headers: Headers::new(),
            body: body.to_vec(),
            scheme: None,
        }
    }

    #[test]
    fn relaid_json_is_the_same_value_in_other_bytes() {
        let body = r#"{"a":"é/x","b":[1,{"c":null}],"d":{}}"#;
        let out = relayout(&ev("application/json", body.as_bytes())).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("\\u00e9") && text.contains("\\/"), "{text}");
        assert!(text.find("\"d\"").unwrap() < text.find("\"a\"").unwrap(), "{text}");
        let a: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let b: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(a, b);
        assert_ne!(serde_json::to_vec(&a).unwrap(), out);
        assert!(relayout(&ev("application/x-www-form-urlencoded", b"a=1")).is_none());
    }

    #[test]
    fn padding_reaches_the_size_and_keeps_the_body_well_formed() {
        let out = pad(&ev("application/json", br#"{"a":1}"#), 5000).unwrap();
        assert_eq!(out.len(), 5000);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], 1);
        let out = pad(&ev("application/x-www-form-urlencoded", b"a=1"), 300).unwrap();
        assert_eq!(out.len(), 300);
        assert!(out.starts_with(b"a=1&hookcat_padding=x"));
        assert!(pad(&ev("application/xml", b"<a/>"), 300).is_none());
    }
}
