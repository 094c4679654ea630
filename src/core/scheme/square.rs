//! Square: `x-square-hmacsha256-signature: <base64>` over `notification_url ‖ body`,
//! keyed with the signature key as UTF-8 (not decoded). The legacy
//! `x-square-signature` is HMAC-SHA1 of the same input. SIGNATURES.md §9.

use super::hmac::{Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, SignatureIn};
use super::{DeliveryFacts, Known};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Verdict, VerifyRequest};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Square;

/// Square's deliveries: no documented timeout or maximum body.
/// Content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Square documents no delivery timeout"),
    max_body: Known::Not("Square documents no maximum body"),
    untimed: Some("Square signs no timestamp: a replayed delivery cannot be told by its age (deduplicate by event_id)"),
    several_signatures: Known::Not("Square sends one signature per delivery"),
    weaker_companion: Known::Not(
        "Square sends its legacy SHA-1 header only for old subscriptions, not beside the SHA-256 one",
    ),
    content_types: &["application/json"],
    handshake_event: Known::Not("Square has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "square",
    provider: "square",
    title: "Square: x-square-hmacsha256-signature, base64 HMAC-SHA256 of `url ‖ body`",
    signature_header: "x-square-hmacsha256-signature",
    tolerance: None,
    key: KeyKind::Utf8,
    needs_url: true,
    told_by: ToldBy::header(&["x-square-hmacsha256-signature", "x-square-signature"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Base64)),
};

impl HmacSpec for Square {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(ctx.url.ok_or(SchemeError::NeedsUrl("square"))?.as_bytes().to_vec())
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header("x-square-hmacsha256-signature", sig))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let (v, alg) = match (
            req.headers.get("x-square-hmacsha256-signature"),
            req.headers.get("x-square-signature"),
        ) {
            (Some(v), _) => (v, None),
            (None, Some(v)) => (v, Some(Alg::Sha1)),
            (None, None) => {
                return Err(SchemeError::MissingHeader {
                    scheme: "square",
                    header: "x-square-hmacsha256-signature",
                })
            }
        };
        Ok(Ok(Presented {
            sigs: vec![v.trim().to_string()],
            alg,
            ..Default::default()
        }))
    }
    fn keygen(&self) -> KeyPair {
        use base64::Engine;
        let mut k = [0u8; 16];
        crate::core::ids::fill_random(&mut k);
        KeyPair::Secret {
            secret: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let h = req.headers;
        (h.contains("x-square-hmacsha256-signature") || h.contains("x-square-signature")).then(|| req.field(&["type"]))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-square-hmacsha256-signature", "x-square-signature"])
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
