//! Shopify: `X-Shopify-Hmac-Sha256: <base64>` (Events webhooks: `shopify-hmac-sha256`),
//! HMAC-SHA256 of the raw body with the app's client secret. SIGNATURES.md §5.

use super::hmac::{Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, SignatureIn};
use super::{DeliveryFacts, Known};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Verdict, VerifyRequest};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Shopify;

/// Shopify's deliveries.
/// - timeout: 5 s in all (1 s to connect) [doc: shopify.dev "Webhooks: best
///   practices", "Shopify waits five seconds for a response"].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(5)),
    max_body: Known::Not("Shopify documents no maximum body"),
    untimed: Some("Shopify signs no timestamp: a replayed delivery cannot be told by its age (deduplicate by X-Shopify-Webhook-Id)"),
    several_signatures: Known::Not("Shopify sends one signature per delivery"),
    weaker_companion: Known::Not("Shopify signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Not("Shopify has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "shopify",
    provider: "shopify",
    title: "Shopify: X-Shopify-Hmac-Sha256, base64 HMAC-SHA256 of the body",
    signature_header: "x-shopify-hmac-sha256",
    tolerance: None,
    key: KeyKind::Utf8,
    needs_url: false,
    told_by: ToldBy::header(&["x-shopify-hmac-sha256", "shopify-hmac-sha256"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Base64)),
};

impl HmacSpec for Shopify {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header("X-Shopify-Hmac-Sha256", sig))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        // The Events family has the same header without `X-`; look-ups ignore case.
        let v = req
            .headers
            .get("X-Shopify-Hmac-Sha256")
            .or_else(|| req.headers.get("shopify-hmac-sha256"))
            .ok_or(SchemeError::MissingHeader {
                scheme: "shopify",
                header: "X-Shopify-Hmac-Sha256",
            })?;
        Ok(if v.trim().is_empty() {
            Err(Verdict::malformed("shopify", "X-Shopify-Hmac-Sha256 is empty"))
        } else {
            Ok(Presented {
                sigs: vec![v.trim().to_string()],
                ..Default::default()
            })
        })
    }
    fn keygen(&self) -> KeyPair {
        KeyPair::Secret {
            secret: format!("shpss_{}", crate::core::ids::hex_chars(32)),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let h = req.headers;
        let topic = h.get("x-shopify-topic").or_else(|| h.get("shopify-topic"))?;
        Some(Some(topic.to_string()))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-shopify-hmac-sha256", "shopify-hmac-sha256"])
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
