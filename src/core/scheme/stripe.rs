//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…][,v0=…]`, HMAC-SHA256 of
//! `t "." body` keyed with the whole `whsec_…` string. SIGNATURES.md §2.

use super::hmac::{unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, SignatureIn};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Tolerance, Verdict, VerifyRequest};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Stripe;

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
