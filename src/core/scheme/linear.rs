//! Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body; the body's
//! `webhookTimestamp` (milliseconds) must be within 60 s of now. SIGNATURES.md §13.

use super::hmac::{Alg, Encoding, HmacSpec, MsgCtx, Presented};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Tolerance, Verdict, VerifyRequest};

pub struct Linear;

static META: SchemeMeta = SchemeMeta {
    name: "linear",
    provider: "linear",
    title: "Linear: Linear-Signature, hex HMAC-SHA256 of the body (webhookTimestamp in the body)",
    signature_header: "linear-signature",
    tolerance: Some(Tolerance {
        secs: 60,
        past_only: false,
    }),
    key: KeyKind::Utf8,
    needs_url: false,
};

/// The body's `webhookTimestamp` in unix seconds (it is sent in milliseconds).
pub fn body_timestamp(req: &VerifyRequest<'_>) -> Option<i64> {
    let b = req.body.load().ok()??;
    let v: serde_json::Value = serde_json::from_slice(&b).ok()?;
    let ms = v.get("webhookTimestamp")?.as_f64()?;
    Some((ms / 1000.0).floor() as i64)
}

impl HmacSpec for Linear {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn alg(&self) -> Alg {
        Alg::Sha256
    }
    fn encoding(&self) -> Encoding {
        Encoding::Hex
    }
    fn prefix(&self, _: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(Vec::new())
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed {
            headers: vec![("Linear-Signature".into(), sig)],
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, "linear", "Linear-Signature")?;
        // @linear/sdk refuses a body without a numeric `webhookTimestamp`.
        let Some(ts) = body_timestamp(req) else {
            return Ok(Err(Verdict::malformed(
                "linear",
                "the body has no numeric `webhookTimestamp` (milliseconds), which Linear signs and its SDK requires",
            )));
        };
        Ok(Ok(Presented {
            sigs: vec![v.trim().to_string()],
            ts_unix: Some(ts),
            ..Default::default()
        }))
    }
    fn keygen(&self) -> KeyPair {
        KeyPair::Secret {
            secret: format!("lin_wh_{}", crate::core::ids::alnum(40)),
        }
    }
}
