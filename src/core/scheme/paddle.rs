//! Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]` over `ts ":" body`,
//! HMAC-SHA256 with the endpoint secret key as UTF-8; ±5 s. SIGNATURES.md §10.

use super::hmac::{unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, SignatureIn};
use super::{
    DeliveryFacts, KeyKind, KeyPair, Known, Rank, SchemeError, SchemeMeta, Signed, ToldBy, Tolerance, Verdict,
    VerifyRequest,
};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Paddle;

/// Paddle's deliveries.
/// - timeout: 5 s [doc: developer.paddle.com, "Handle webhook delivery": "respond with
///   HTTP 200 within five seconds"; Hookdeck's Paddle guide says the same].
/// - several signatures: `ts=…;h1=…;h1=…` while a secret is rotated [doc/lib: the
///   SDK parser takes every `h1`].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(5)),
    max_body: Known::Not("Paddle documents no maximum body"),
    untimed: None,
    several_signatures: Known::Is(|right, wrong| {
        let sigs: Vec<&str> = right.split(';').filter(|p| !p.trim().starts_with("ts=")).collect();
        format!("{wrong};{}", sigs.join(";"))
    }),
    weaker_companion: Known::Not("Paddle signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Not("Paddle has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "paddle",
    provider: "paddle",
    title: "Paddle Billing: Paddle-Signature ts=…;h1=…, HMAC-SHA256 of `ts:body`",
    signature_header: "paddle-signature",
    tolerance: Some(Tolerance {
        secs: 5,
        past_only: false,
    }),
    key: KeyKind::Utf8,
    needs_url: false,
    told_by: ToldBy::header(&["paddle-signature"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(unix_text)),
};

impl HmacSpec for Paddle {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(format!("{}:", ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header(
            "Paddle-Signature",
            format!("ts={};h1={sig}", ctx.ts.unwrap_or_default()),
        ))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = super::require(req.headers, "paddle", "Paddle-Signature")?;
        Ok(parse_header(v))
    }
    fn keygen(&self) -> KeyPair {
        use crate::core::ids::alnum;
        KeyPair::Secret {
            secret: format!("pdl_ntfset_01{}_{}", alnum(24).to_ascii_lowercase(), alnum(32)),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        req.headers
            .contains("paddle-signature")
            .then(|| req.field(&["event_type"]))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["paddle-signature"])
    }
    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        super::header_part_secs(headers, "paddle-signature", ';', "ts=")
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

/// `ts=…;h1=…;h1=…`: the SDK refuses any other key.
pub fn parse_header(v: &str) -> Result<Presented, Verdict> {
    let mut p = Presented::default();
    for part in v.split(';') {
        let Some((k, val)) = part.trim().split_once('=') else {
            return Err(Verdict::malformed(
                "paddle",
                format!("Paddle-Signature part `{part}` is not `key=value`"),
            ));
        };
        match k {
            "ts" => p.ts = Some(val.to_string()),
            "h1" => p.sigs.push(val.to_string()),
            other => {
                return Err(Verdict::malformed(
                    "paddle",
                    format!("Paddle-Signature has an unknown key `{other}`"),
                ))
            }
        }
    }
    let Some(ts) = p.ts.clone() else {
        return Err(Verdict::malformed("paddle", "Paddle-Signature has no `ts=` timestamp"));
    };
    p.ts_unix = Some(super::parse_unix("paddle", "Paddle-Signature ts=", &ts)?);
    if p.sigs.is_empty() {
        return Err(Verdict::malformed("paddle", "Paddle-Signature has no `h1=` signature"));
    }
    Ok(p)
}
