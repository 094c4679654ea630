//! GitHub (`X-Hub-Signature-256: sha256=<hex>`), its legacy SHA-1 header
//! (`X-Hub-Signature: sha1=<hex>`), and Intercom, which uses the legacy form.
//! SIGNATURES.md §1 (GitHub) and §14 (Intercom): HMAC of the raw body, lower-case hex.

use super::hmac::{random_hex_secret, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, DeliveryFacts, Handshake, Known, SignatureIn};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Verdict, VerifyRequest};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

/// A `<prefix>=<hex>` body signature in one header.
pub struct HubSignature {
    meta: SchemeMeta,
    alg: Alg,
    header: &'static str,
    prefix: &'static str,
    /// [`HmacSpec::recognise`].
    recognise: fn(&Clues<'_>) -> Option<Option<String>>,
    facts: DeliveryFacts,
}

/// GitHub's deliveries.
/// - timeout: 10 s [doc: "Handling webhook deliveries": "respond with a 2XX within
///   10 seconds"].
/// - maximum body: 25 MB [doc: "Webhook events and payloads": "Payloads are capped
///   at 25 MB"].
/// - both `X-Hub-Signature-256` (SHA-256) and `X-Hub-Signature` (SHA-1, legacy) on
///   every delivery [doc: "Validating webhook deliveries"].
/// - content type: `application/json`, or `application/x-www-form-urlencoded` with the
///   JSON in a `payload` field, as the webhook is set up [doc].
const GITHUB: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(10)),
    max_body: Known::Is(25_000_000),
    untimed: Some(
        "GitHub signs no timestamp: a replayed delivery cannot be told by its age (deduplicate by X-GitHub-Delivery)",
    ),
    several_signatures: Known::Not("GitHub sends one signature per header"),
    weaker_companion: Known::Is("github-sha1"),
    content_types: &["application/json", "application/x-www-form-urlencoded"],
    handshake_event: Known::Not("GitHub has no handshake (its `ping` event is an ordinary delivery)"),
};

/// Intercom's deliveries: no documented timeout or maximum body; content type
/// `application/json` [mem: unconfirmed].
const INTERCOM: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Intercom documents no delivery timeout"),
    max_body: Known::Not("Intercom documents no maximum body"),
    untimed: Some("Intercom signs no timestamp: a replayed delivery cannot be told by its age"),
    several_signatures: Known::Not("Intercom sends one signature per delivery"),
    weaker_companion: Known::Not("Intercom signs with SHA-1 alone"),
    content_types: &["application/json"],
    handshake_event: Known::Not("Intercom has no handshake"),
};

/// GitHub's events: `X-GitHub-Event`, with the body's `action` where it has one.
fn github_event(req: &Clues<'_>) -> Option<Option<String>> {
    let ev = req.headers.get("x-github-event")?;
    Some(Some(match req.field(&["action"]) {
        Some(a) => format!("{ev}.{a}"),
        None => ev.to_string(),
    }))
}

/// Intercom: the legacy header with Intercom's user agent; the body's `topic`.
fn intercom_event(req: &Clues<'_>) -> Option<Option<String>> {
    let h = req.headers;
    (h.contains("x-hub-signature")
        && h.get("user-agent")
            .is_some_and(|u| u.to_ascii_lowercase().contains("intercom")))
    .then(|| req.field(&["topic"]))
}

/// Intercom's requests carry GitHub's legacy header: told apart by Intercom's user
/// agent, and by the absence of GitHub's event header.
fn from_intercom(h: &Headers) -> bool {
    let ua = h.get("user-agent").unwrap_or_default().to_ascii_lowercase();
    ua.contains("intercom") && !h.contains("x-github-event")
}

const fn meta(
    name: &'static str,
    provider: &'static str,
    title: &'static str,
    header: &'static str,
    told_by: ToldBy,
    alg: Alg,
) -> SchemeMeta {
    SchemeMeta {
        name,
        provider,
        title,
        signature_header: header,
        tolerance: None,
        key: KeyKind::Utf8,
        needs_url: false,
        told_by,
        hmac: Some(HmacFormat::new(alg, Encoding::Hex)),
    }
}

pub fn github() -> HubSignature {
    HubSignature {
        meta: meta(
            "github",
            "github",
            "GitHub: X-Hub-Signature-256, HMAC-SHA256 of the body",
            "x-hub-signature-256",
            ToldBy::header(&["x-hub-signature-256"], Rank::Hub),
            Alg::Sha256,
        ),
        alg: Alg::Sha256,
        header: "X-Hub-Signature-256",
        prefix: "sha256=",
        recognise: github_event,
        facts: GITHUB,
    }
}

pub fn github_sha1() -> HubSignature {
    HubSignature {
        meta: meta(
            "github-sha1",
            "github",
            "GitHub legacy: X-Hub-Signature, HMAC-SHA1 of the body",
            "x-hub-signature",
            ToldBy::header(&["x-hub-signature"], Rank::Hub)
                .only_if(|h| !from_intercom(h) && !super::jira::signed_sha256(h)),
            Alg::Sha1,
        ),
        alg: Alg::Sha1,
        header: "X-Hub-Signature",
        prefix: "sha1=",
        // GitHub's requests are recognised by the SHA-256 scheme, before this one.
        recognise: |_| None,
        // The same deliveries as GitHub's: this is the weaker of its two signatures.
        facts: DeliveryFacts {
            weaker_companion: Known::Not("this is GitHub's weaker signature itself: check with --scheme github"),
            ..GITHUB
        },
    }
}

pub fn intercom() -> HubSignature {
    HubSignature {
        meta: meta(
            "intercom",
            "intercom",
            "Intercom: X-Hub-Signature, HMAC-SHA1 of the body",
            "x-hub-signature",
            ToldBy::header(&["x-hub-signature"], Rank::Hub)
                .only_if(|h| from_intercom(h) && !super::jira::signed_sha256(h)),
            Alg::Sha1,
        ),
        alg: Alg::Sha1,
        header: "X-Hub-Signature",
        prefix: "sha1=",
        recognise: intercom_event,
        facts: INTERCOM,
    }
}

impl HmacSpec for HubSignature {
    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header(self.header, format!("{}{sig}", self.prefix)))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, self.meta.name, self.header)?;
        Ok(match v.trim().strip_prefix(self.prefix) {
            Some(sig) if !sig.is_empty() => Ok(Presented {
                sigs: vec![sig.to_string()],
                ..Default::default()
            }),
            Some(_) => Err(Verdict::malformed(
                self.meta.name,
                format!("{} has `{}` but no signature after it", self.header, self.prefix),
            )),
            // GitHub's legacy header with SHA-256 in it: how Jira signs, read by a
            // receiver written for GitHub (the classic mix-up).
            None if self.alg == Alg::Sha1 && v.trim().starts_with("sha256=") => Err(Verdict::malformed(
                self.meta.name,
                format!(
                    "{} carries `sha256=…`, not `{}`: that is how Jira signs (HMAC-SHA256 of the body under GitHub's legacy header name, where GitHub sends SHA-1). \
                     Verify it with --scheme jira; a receiver written for GitHub's X-Hub-Signature must compute SHA-256 for Jira.",
                    self.header, self.prefix
                ),
            )),
            None => Err(Verdict::malformed(
                self.meta.name,
                format!(
                    "{} does not start with `{}`: `{}`",
                    self.header,
                    self.prefix,
                    crate::core::diagnose::clip(v, 80)
                ),
            )),
        })
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(20)
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        (self.recognise)(req)
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        // GitHub sends both; a receiver may verify either.
        SignatureIn::Headers(&["x-hub-signature-256", "x-hub-signature"])
    }
    fn signed_at(&self, _: &Headers, _: &[u8]) -> Option<i64> {
        None
    }
    fn refresh_body_timestamp(&self, _: &[u8], _: jiff::Timestamp) -> Option<Vec<u8>> {
        None
    }
    fn handshake(&self, _: &Headers, _: &[u8], _: Option<&Secret>) -> Option<Handshake> {
        None
    }
    fn delivery_facts(&self) -> DeliveryFacts {
        self.facts
    }
    fn algorithm_hint(&self, found: Alg) -> Option<&'static str> {
        (self.alg == Alg::Sha256 && found == Alg::Sha1).then_some(
            "the value of X-Hub-Signature (SHA-1) was checked as X-Hub-Signature-256. Use the -256 header, or --scheme github-sha1.",
        )
    }
}
