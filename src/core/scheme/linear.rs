//! Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body; the body's
//! `webhookTimestamp` (milliseconds) must be within 60 s of now. SIGNATURES.md §13.

use super::hmac::{Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    Clues, Handshake, KeyKind, KeyPair, SchemeError, SchemeMeta, SignatureIn, Signed, Tolerance, Verdict, VerifyRequest,
};
use super::{DeliveryFacts, Known, Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Linear;

/// Linear's deliveries: no documented timeout or maximum body.
/// - content types: `application/json; charset=utf-8` and `application/json` [mem:
///   unconfirmed; the content-type case sends the one the event does not carry].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Linear documents no delivery timeout"),
    max_body: Known::Not("Linear documents no maximum body"),
    untimed: None,
    several_signatures: Known::Not("Linear sends one signature per delivery"),
    weaker_companion: Known::Not("Linear signs with one algorithm"),
    content_types: &["application/json; charset=utf-8", "application/json"],
    handshake_event: Known::Not("Linear has no handshake"),
};

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
    told_by: ToldBy::header(&["linear-signature"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex)),
};

/// The body's `webhookTimestamp` in unix seconds (it is sent in milliseconds).
pub fn body_timestamp(req: &VerifyRequest<'_>) -> Option<i64> {
    let b = req.body.load().ok()??;
    let v: serde_json::Value = serde_json::from_slice(&b).ok()?;
    ms_to_secs(v.get("webhookTimestamp")?)
}

/// A `webhookTimestamp` (milliseconds, a JSON number) in unix seconds; `None` when it
/// is no number or no time from 1970 to the year 9999 (never a saturated cast).
pub fn ms_to_secs(v: &serde_json::Value) -> Option<i64> {
    const MAX_MS: i64 = super::MAX_UNIX * 1000 + 999;
    let ms = match v.as_i64() {
        Some(ms) => ms,
        None => {
            let f = v.as_f64()?;
            // Compared as floats first: only a value in range is cast.
            if !(0.0..=MAX_MS as f64).contains(&f) {
                return None;
            }
            f.floor() as i64
        }
    };
    (0..=MAX_MS).contains(&ms).then_some(ms / 1000)
}

impl HmacSpec for Linear {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header("Linear-Signature", sig))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, "linear", "Linear-Signature")?;
        // @linear/sdk refuses a body without a numeric `webhookTimestamp`.
        let Some(ts) = body_timestamp(req) else {
            return Ok(Err(Verdict::malformed(
                "linear",
                "the body has no `webhookTimestamp` that is a time (milliseconds since 1970, a number), which Linear signs and its SDK requires",
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
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let ev = req.headers.get("linear-event")?;
        Some(
            req.field(&["action"])
                .map(|a| format!("{}.{a}", ev.to_ascii_lowercase()))
                .or(Some(ev.to_string())),
        )
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["linear-signature"])
    }
    fn signed_at(&self, _: &Headers, body: &[u8]) -> Option<i64> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        ms_to_secs(v.get("webhookTimestamp")?)
    }
    fn refresh_body_timestamp(&self, body: &[u8], now: jiff::Timestamp) -> Option<Vec<u8>> {
        let mut v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let slot = v.as_object_mut()?.get_mut("webhookTimestamp")?;
        *slot = serde_json::json!(now.as_millisecond());
        serde_json::to_vec(&v).ok()
    }
    fn handshake(&self, _: &Headers, _: &[u8], _: Option<&Secret>) -> Option<Handshake> {
        None
    }
    fn delivery_facts(&self) -> DeliveryFacts {
        FACTS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_timestamp_is_refreshed_in_milliseconds() {
        let now = jiff::Timestamp::from_millisecond(9).unwrap();
        assert_eq!(
            Linear
                .refresh_body_timestamp(br#"{"a":1,"webhookTimestamp":5500}"#, now)
                .unwrap(),
            br#"{"a":1,"webhookTimestamp":9}"#
        );
        assert_eq!(Linear.refresh_body_timestamp(br#"{"a":1}"#, now), None);
    }
}
