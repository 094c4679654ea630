//! Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` over
//! `message_id ‖ timestamp ‖ body`, the timestamp RFC 3339 with nanoseconds exactly
//! as sent; messages older than 10 minutes are refused. SIGNATURES.md §12.

use super::hmac::{Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    Clues, Handshake, KeyKind, KeyPair, SchemeError, SchemeMeta, SignatureIn, Signed, Tolerance, Verdict, VerifyRequest,
};
use super::{DeliveryFacts, Known, Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct Twitch;

/// Twitch EventSub's deliveries.
/// - timeout: "respond within a few seconds" [doc: EventSub "Handling webhook
///   events"], no number.
/// - handshake: `webhook_callback_verification`, answered with the challenge as
///   plain text [doc].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Twitch asks for an answer \"within a few seconds\" and names no number"),
    max_body: Known::Not("Twitch documents no maximum body"),
    untimed: None,
    several_signatures: Known::Not("Twitch sends one signature per delivery"),
    weaker_companion: Known::Not("Twitch signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Is("twitch.webhook_callback_verification"),
};

static META: SchemeMeta = SchemeMeta {
    name: "twitch",
    provider: "twitch",
    title: "Twitch EventSub: Twitch-Eventsub-Message-Signature, HMAC-SHA256 of `id ‖ ts ‖ body`",
    signature_header: "twitch-eventsub-message-signature",
    tolerance: Some(Tolerance {
        secs: 600,
        past_only: true,
    }),
    key: KeyKind::Utf8,
    needs_url: false,
    told_by: ToldBy::header(&["twitch-eventsub-message-signature"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(|p| rfc3339_nanos(p.timestamp, p.nanos))),
};

const SIG: &str = "Twitch-Eventsub-Message-Signature";
const ID: &str = "Twitch-Eventsub-Message-Id";
const TS: &str = "Twitch-Eventsub-Message-Timestamp";

/// RFC 3339 in UTC with nine fractional digits, as Twitch sends.
pub fn rfc3339_nanos(secs: i64, nanos: u32) -> String {
    let ts = jiff::Timestamp::new(secs, nanos as i32).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!("{}", ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
}

impl HmacSpec for Twitch {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(format!("{}{}", ctx.id.unwrap_or_default(), ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed {
            headers: vec![
                (ID.into(), ctx.id.unwrap_or_default().to_string()),
                (TS.into(), ctx.ts.unwrap_or_default().to_string()),
                (SIG.into(), format!("sha256={sig}")),
            ],
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let sig = super::require(req.headers, "twitch", SIG)?;
        let id = super::require(req.headers, "twitch", ID)?;
        let ts = super::require(req.headers, "twitch", TS)?;
        let Ok(parsed) = ts.trim().parse::<jiff::Timestamp>() else {
            return Ok(Err(Verdict::malformed(
                "twitch",
                format!("{TS} `{ts}` is not an RFC 3339 time"),
            )));
        };
        let Some(s) = sig.trim().strip_prefix("sha256=") else {
            return Ok(Err(Verdict::malformed(
                "twitch",
                format!("{SIG} does not start with `sha256=`"),
            )));
        };
        Ok(Ok(Presented {
            sigs: vec![s.to_string()],
            ts: Some(ts.to_string()),
            ts_unix: Some(parsed.as_second()),
            id: Some(id.to_string()),
            alg: None,
        }))
    }
    fn keygen(&self) -> KeyPair {
        KeyPair::Secret {
            secret: crate::core::ids::alnum(32),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let h = req.headers;
        let t = h.get("twitch-eventsub-message-type")?;
        Some(if t == "notification" {
            h.get("twitch-eventsub-subscription-type").map(str::to_string)
        } else {
            Some(t.to_string())
        })
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&[
            "twitch-eventsub-message-signature",
            "twitch-eventsub-message-id",
            "twitch-eventsub-message-timestamp",
        ])
    }
    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        headers
            .get(TS)?
            .trim()
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_second())
    }
    fn refresh_body_timestamp(&self, _: &[u8], _: jiff::Timestamp) -> Option<Vec<u8>> {
        None
    }
    /// `webhook_callback_verification`: the body's `challenge`, as plain text.
    fn handshake(&self, headers: &Headers, body: &[u8], _: Option<&Secret>) -> Option<Handshake> {
        if headers.get("twitch-eventsub-message-type") != Some("webhook_callback_verification") {
            return None;
        }
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let challenge = v.get("challenge")?.as_str()?;
        Some(Handshake::Answer {
            content_type: "text/plain",
            body: challenge.as_bytes().to_vec(),
            note: "answered Twitch's webhook_callback_verification with its challenge",
            expect: super::Expect {
                what: "Twitch's webhook_callback_verification",
                provider: "Twitch",
                // The raw challenge as the body, nothing else.
                echoes: vec![super::Echo {
                    field: None,
                    or_whole_body: false,
                    value: Some(challenge.to_string()),
                    name: "the challenge",
                    wrong: None,
                }],
            },
        })
    }
    fn delivery_facts(&self) -> DeliveryFacts {
        FACTS
    }
}
