//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…][,v0=…]`, HMAC-SHA256 of
//! `t "." body` keyed with the whole `whsec_…` string. SIGNATURES.md §2.

use super::hmac::{unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    Clues, DeliveryFacts, Handshake, KeyKind, KeyPair, Known, Rank, SchemeError, SchemeMeta, SignatureIn, Signed,
    ToldBy, Tolerance, Verdict, VerifyRequest,
};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Stripe;

/// Stripe's deliveries.
/// - timeout: Stripe's documentation names none; third-party accounts say 20 s or
///   30 s [3p], so none is assumed.
/// - several signatures: one `v1=` per secret while an old one is rolled
///   (`t=…,v1=…,v1=…`) [doc: "Roll endpoint secrets"; lib: stripe-python takes every v1].
/// - content type: `application/json; charset=utf-8` [3p: captured deliveries].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Stripe documents no delivery timeout (third-party accounts say 20 s or 30 s)"),
    max_body: Known::Not("Stripe documents no maximum body"),
    untimed: None,
    several_signatures: Known::Is(|right, wrong| {
        let sigs: Vec<&str> = right.split(',').filter(|p| !p.trim().starts_with("t=")).collect();
        format!("{wrong},{}", sigs.join(","))
    }),
    weaker_companion: Known::Not("Stripe signs with one algorithm (v0 is for test mode only)"),
    content_types: &["application/json; charset=utf-8", "application/json"],
    handshake_event: Known::Not("Stripe has no handshake: an endpoint is registered in its dashboard"),
};

static META: SchemeMeta = SchemeMeta {
    name: "stripe",
    provider: "stripe",
    title: "Stripe: Stripe-Signature t=…,v1=…, HMAC-SHA256 of `t.body`",
    signature_header: "stripe-signature",
    // stripe-python rejects only timestamps older than the tolerance.
    tolerance: Some(Tolerance {
        secs: 300,
        past_only: true,
    }),
    key: KeyKind::Utf8,
    needs_url: false,
    told_by: ToldBy::header(&["stripe-signature"], Rank::First),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(unix_text)),
};

impl HmacSpec for Stripe {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(format!("{}.", ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        let t = ctx.ts.unwrap_or_default();
        Ok(Signed::header("Stripe-Signature", format!("t={t},v1={sig}")))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, "stripe", "Stripe-Signature")?;
        Ok(parse_header(v))
    }
    fn keygen(&self) -> KeyPair {
        KeyPair::Secret {
            secret: format!("whsec_{}", crate::core::ids::alnum(32)),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        req.headers.contains("stripe-signature").then(|| req.field(&["type"]))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["stripe-signature"])
    }
    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        super::header_part_secs(headers, "stripe-signature", ',', "t=")
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

/// Splits on `,`, each item on the first `=`; takes `t` and every `v1`, as stripe-python does.
pub fn parse_header(v: &str) -> Result<Presented, Verdict> {
    let mut p = Presented::default();
    for item in v.split(',') {
        let Some((k, val)) = item.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => p.ts = Some(val.to_string()),
            "v1" => p.sigs.push(val.to_string()),
            _ => {}
        }
    }
    let Some(ts) = p.ts.clone() else {
        return Err(Verdict::malformed("stripe", "Stripe-Signature has no `t=` timestamp"));
    };
    p.ts_unix = Some(super::parse_unix("stripe", "Stripe-Signature t=", &ts)?);
    if p.sigs.iter().all(|s| s.is_empty()) {
        return Err(Verdict::malformed(
            "stripe",
            "Stripe-Signature has no `v1=` signature (other versions such as v0 are ignored)",
        ));
    }
    Ok(p)
}
