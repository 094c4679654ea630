//! GitLab's secret token: `X-Gitlab-Token: <token>`, sent in plain text and compared
//! in constant time. It does not authenticate the body: a verdict says so.
//! SIGNATURES.md §7. (GitLab signing tokens are Standard Webhooks: use that scheme.)
//! The header carries the secret itself ([`KeyKind::Token`]): its value is redacted
//! wherever hookcat writes a request ([`crate::core::secret::Redactor`]).

use super::{Rank, ToldBy};
use std::io::Read;

use super::{
    ct_eq, Clues, Handshake, KeyKind, KeyPair, Scheme, SchemeError, SchemeMeta, SignParams, SignatureIn, Signed,
    Verdict, VerifyRequest,
};
use super::{DeliveryFacts, Known};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Gitlab;

/// GitLab's deliveries.
/// - timeout: 10 s on GitLab.com and by default [doc: "Webhooks": `webhook_timeout`].
/// - maximum body: 25 MB on GitLab.com [doc: "GitLab.com settings: webhooks",
///   "max payload size 25 MB"].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(10)),
    max_body: Known::Is(25_000_000),
    untimed: Some("GitLab's token signs nothing, no timestamp either: a replay cannot be told by its age"),
    several_signatures: Known::Not("GitLab sends one token per delivery"),
    weaker_companion: Known::Not("GitLab sends a token, not a signature"),
    content_types: &["application/json"],
    handshake_event: Known::Not("GitLab has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "gitlab",
    provider: "gitlab",
    title: "GitLab: X-Gitlab-Token, a shared token (the body is not signed)",
    signature_header: "x-gitlab-token",
    tolerance: None,
    key: KeyKind::Token,
    needs_url: false,
    told_by: ToldBy::header(&["x-gitlab-token"], Rank::Own),
    hmac: None,
};

pub const NOTE: &str = "GitLab's secret token does not authenticate the body: anyone who knows the token can send any body (GitLab signing tokens are the Standard Webhooks scheme)";

impl Scheme for Gitlab {
    fn meta(&self) -> &SchemeMeta {
        &META
    }

    fn sign(&self, secret: &Secret, _: &SignParams, _body: &mut dyn Read) -> Result<Signed, SchemeError> {
        let token = secret.as_str().ok_or_else(|| SchemeError::BadKey {
            scheme: "gitlab",
            reason: "the token must be text".into(),
        })?;
        Ok(Signed::header("X-Gitlab-Token", token.to_string()))
    }

    fn sign_timestamp_text(
        &self,
        secret: &Secret,
        p: &SignParams,
        _ts: &str,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError> {
        self.sign(secret, p, body)
    }

    fn verify(&self, secret: &Secret, req: &VerifyRequest<'_>) -> Result<Verdict, SchemeError> {
        let token = super::require(req.headers, "gitlab", "X-Gitlab-Token")?;
        let mut v = if ct_eq(token.as_bytes(), secret.bytes()) {
            Verdict::valid("gitlab", "X-Gitlab-Token", None)
        } else {
            Verdict::invalid(
                "gitlab",
                super::Failure::Mismatch,
                "X-Gitlab-Token does not match the secret",
                None,
            )
        };
        v.notes.push(NOTE.into());
        Ok(v)
    }

    fn keygen(&self) -> KeyPair {
        KeyPair::Secret {
            secret: crate::core::ids::alnum(32),
        }
    }

    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        Some(Some(req.headers.get("x-gitlab-event")?.to_string()))
    }

    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-gitlab-token"])
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
}
