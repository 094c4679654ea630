//! Jira Cloud's admin webhooks with a secret: `X-Hub-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the raw body keyed with the secret's UTF-8 bytes, lower-case hex.
//! SIGNATURES.md §17. No timestamp and no id are signed; each delivery carries
//! `X-Atlassian-Webhook-Identifier` (the same across retries).
//!
//! It is GitHub's `X-Hub-Signature-256` construction under GitHub's *old* header name,
//! where GitHub sends SHA-1: a receiver written for GitHub that reads
//! `X-Hub-Signature` computes SHA-1 and never matches. Both directions of that mix-up
//! are told here ([`HmacSpec::parse`], [`HmacSpec::algorithm_hint`]) and in the GitHub
//! SHA-1 scheme.

use super::hmac::{random_hex_secret, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, KeyKind, KeyPair, SchemeError, SchemeMeta, SignatureIn, Signed, Verdict, VerifyRequest};
use super::{DeliveryFacts, Known, Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Jira;

static META: SchemeMeta = SchemeMeta {
    name: "jira",
    provider: "jira",
    title: "Jira Cloud: X-Hub-Signature: sha256=, HMAC-SHA256 of the body",
    signature_header: "x-hub-signature",
    tolerance: None,
    key: KeyKind::Utf8,
    needs_url: false,
    // GitHub's legacy header, told apart by its `sha256=` value.
    told_by: ToldBy::header(&["x-hub-signature"], Rank::Hub).only_if(signed_sha256),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex)),
};

/// Whether `X-Hub-Signature` carries Jira's `sha256=` (GitHub and Intercom send `sha1=`).
pub fn signed_sha256(h: &Headers) -> bool {
    h.get("x-hub-signature")
        .is_some_and(|v| v.trim_start().starts_with(PREFIX))
}

/// Jira Cloud's deliveries (admin webhooks with a secret, SIGNATURES.md §17).
/// - timeout: none documented for Jira Cloud [doc: developer.atlassian.com, "Webhooks",
///   "Retry policy": a connection that fails or times out is retried, no number given].
///   Hookdeck's Jira guide says 5 s to connect and 20 s to answer [3p]; Atlassian
///   documents those numbers for Jira Service Management's automation webhooks (Data
///   Center), not for Jira Cloud's, so none is assumed.
/// - maximum body: none documented.
/// - no timestamp is signed [doc: "Secure admin webhooks"]: a retry carries the same
///   `X-Atlassian-Webhook-Identifier` [doc: "Retry policy"; 3p: jira.js's webhook types].
/// - one signature, HMAC-SHA256 alone, in `X-Hub-Signature` [doc: "Secure admin webhooks"].
/// - content type: `application/json; charset=utf-8`, as the catalog's events carry it
///   [mem: unconfirmed; Atlassian's page says JSON and names no charset]. It is the only
///   one listed, so the content-type case does not apply.
/// - no handshake: an admin registers the URL in Jira [doc].
const FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Jira documents no delivery timeout"),
    max_body: Known::Not("Jira documents no maximum body"),
    untimed: Some(
        "Jira signs no timestamp: a replayed delivery cannot be told by its age (deduplicate by X-Atlassian-Webhook-Identifier)",
    ),
    several_signatures: Known::Not("Jira sends one signature per delivery"),
    weaker_companion: Known::Not("Jira signs with SHA-256 alone"),
    content_types: &["application/json; charset=utf-8"],
    handshake_event: Known::Not("Jira has no handshake"),
};

const HEADER: &str = "X-Hub-Signature";
const PREFIX: &str = "sha256=";

/// The WebSub `method=` GitHub's legacy header carries, where Jira's carries `sha256=`.
const GITHUB_LEGACY_PREFIX: &str = "sha1=";

impl HmacSpec for Jira {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header(HEADER, format!("{PREFIX}{sig}")))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, "jira", HEADER)?;
        let v = v.trim();
        Ok(match v.strip_prefix(PREFIX) {
            Some(sig) if !sig.is_empty() => Ok(Presented {
                sigs: vec![sig.to_string()],
                ..Default::default()
            }),
            Some(_) => Err(Verdict::malformed("jira", format!("{HEADER} has `{PREFIX}` but no signature after it"))),
            None if v.starts_with(GITHUB_LEGACY_PREFIX) => Err(Verdict::malformed(
                "jira",
                format!(
                    "{HEADER} carries `{GITHUB_LEGACY_PREFIX}…`: that is GitHub's legacy SHA-1 signature (or Intercom's), not Jira's `{PREFIX}` one. \
                     Verify it with --scheme github-sha1 (or --scheme intercom)."
                ),
            )),
            None => Err(Verdict::malformed(
                "jira",
                format!(
                    "{HEADER} does not start with `{PREFIX}`: `{}`",
                    crate::core::diagnose::clip(v, 80)
                ),
            )),
        })
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(32)
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        // Every Jira delivery carries its identifier; the body names the event
        // (`jira:issue_created`, `comment_created`), told without the `jira:` part as
        // the catalog names it.
        req.headers.get("x-atlassian-webhook-identifier")?;
        Some(
            req.field(&["webhookEvent"])
                .map(|e| e.strip_prefix("jira:").map(str::to_string).unwrap_or(e)),
        )
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-hub-signature"])
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
        FACTS
    }
    fn algorithm_hint(&self, found: Alg) -> Option<&'static str> {
        (found == Alg::Sha1).then_some(
            "the sender computed GitHub's legacy X-Hub-Signature (HMAC-SHA1). Jira sends the same header with HMAC-SHA256 and `sha256=`: sign with --scheme jira.",
        )
    }
}

#[cfg(test)]
mod tests {
    use hmac::{KeyInit, Mac};

    use super::super::{lookup, Failure, GenericParams, Scheme, SignParams};
    use super::*;
    use crate::core::body::Body;

    /// HMAC-SHA256 of `body` keyed with `key`, as lower-case hex, computed with the
    /// `hmac` and `sha2` crates directly (not through the scheme's engine).
    fn independent(key: &[u8], body: &[u8]) -> String {
        let mut m = <hmac::Hmac<sha2::Sha256>>::new_from_slice(key).unwrap();
        m.update(body);
        m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn scheme() -> Box<dyn Scheme> {
        lookup("jira", &GenericParams::default()).unwrap()
    }

    fn request(headers: &[(&str, &str)], body: &[u8]) -> (Headers, Body) {
        (
            Headers(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            Body::Mem(body.to_vec()),
        )
    }

    fn verify(secret: &str, headers: &[(&str, &str)], body: &[u8]) -> Verdict {
        let (h, b) = request(headers, body);
        let req = VerifyRequest {
            headers: &h,
            body: &b,
            url: None,
            now: 1_700_000_000,
            tolerance: None,
        };
        scheme().verify(&Secret::from_arg(secret).unwrap(), &req).unwrap()
    }

    #[test]
    fn signs_as_the_construction_computed_independently() {
        let body = br#"{"timestamp":1700000000000,"webhookEvent":"jira:issue_created"}"#;
        let secret = "It's a Secret to Everybody";
        let signed = scheme()
            .sign(&Secret::from_arg(secret).unwrap(), &SignParams::now(), &mut &body[..])
            .unwrap();
        let want = format!("sha256={}", independent(secret.as_bytes(), body));
        assert_eq!(signed.headers, vec![("X-Hub-Signature".to_string(), want.clone())]);
        assert!(verify(secret, &[("x-hub-signature", &want)], body).valid);
        // GitHub's published vector (the same construction): the hex is GitHub's
        // X-Hub-Signature-256 value for it.
        let gh = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            format!("sha256={}", independent(secret.as_bytes(), b"Hello, World!")),
            gh
        );
        assert!(verify(secret, &[("X-Hub-Signature", gh)], b"Hello, World!").valid);
        assert!(!verify("wrong", &[("X-Hub-Signature", gh)], b"Hello, World!").valid);
    }

    #[test]
    fn a_github_sha1_header_is_named_as_such() {
        let v = verify("s", &[("X-Hub-Signature", "sha1=abcd")], b"{}");
        assert!(matches!(v.failure, Some(Failure::Malformed { .. })), "{v:?}");
        assert!(v.reason.contains("github-sha1"), "{}", v.reason);
    }

    /// A sender that signed as a GitHub legacy receiver expects (HMAC-SHA1) but under
    /// Jira's `sha256=`: the diagnosis names the SHA-1 mix-up.
    #[test]
    fn the_diagnosis_tells_a_sha1_mac_under_the_jira_prefix() {
        let body = br#"{"webhookEvent":"comment_created"}"#;
        let mut m = <hmac::Hmac<sha1::Sha1>>::new_from_slice(b"k").unwrap();
        m.update(body);
        let hex: String = m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let header = format!("sha256={hex}");
        let (h, b) = request(&[("X-Hub-Signature", &header)], body);
        let req = VerifyRequest {
            headers: &h,
            body: &b,
            url: None,
            now: 1_700_000_000,
            tolerance: None,
        };
        let s = scheme();
        let secret = Secret::from_arg("k").unwrap();
        let v = s.verify(&secret, &req).unwrap();
        assert!(!v.valid);
        let d = crate::core::diagnose::diagnose(s.as_ref(), &secret, &req, &v);
        assert_eq!(d.first().map(|f| f.code), Some("wrong_algorithm"), "{d:?}");
        assert!(d[0].message.contains("GitHub's legacy"), "{d:?}");
    }

    #[test]
    fn recognised_by_its_delivery_header_with_the_event_of_its_body() {
        let h = Headers(vec![("X-Atlassian-Webhook-Identifier".into(), "1".into())]);
        let c = Clues::new(&h, br#"{"webhookEvent":"jira:issue_updated"}"#);
        assert_eq!(HmacSpec::recognise(&Jira, &c), Some(Some("issue_updated".into())));
        let c = Clues::new(&h, br#"{"webhookEvent":"comment_created"}"#);
        assert_eq!(HmacSpec::recognise(&Jira, &c), Some(Some("comment_created".into())));
        let none = Headers(vec![("X-Hub-Signature".into(), "sha256=aa".into())]);
        assert_eq!(HmacSpec::recognise(&Jira, &Clues::new(&none, b"{}")), None);
    }
}
