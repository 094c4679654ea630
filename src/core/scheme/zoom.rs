//! Zoom: `x-zm-signature: v0=<hex>` over `v0:<ts>:body` with `x-zm-request-timestamp`,
//! the same layout as Slack's. SIGNATURES.md §11. Zoom documents no tolerance; 300 s
//! both ways is what its samples use. Also the `endpoint.url_validation` answer.

use super::hmac::{unix_text, Alg, Encoding, HmacFormat};
use super::slack::V0;
use super::{Clues, DeliveryFacts, Echo, Expect, Handshake, KeyKind, Known, Rank, SchemeMeta, ToldBy, Tolerance};
use crate::core::ids::hex_lower;
use crate::core::secret::Secret;

pub fn zoom() -> V0 {
    V0 {
        meta: SchemeMeta {
            name: "zoom",
            provider: "zoom",
            title: "Zoom: x-zm-signature v0=…, HMAC-SHA256 of `v0:ts:body`",
            signature_header: "x-zm-signature",
            tolerance: Some(Tolerance {
                secs: 300,
                past_only: false,
            }),
            key: KeyKind::Utf8,
            needs_url: false,
            told_by: ToldBy::header(&["x-zm-signature"], Rank::Own),
            hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(unix_text)),
        },
        sig_header: "x-zm-signature",
        ts_header: "x-zm-request-timestamp",
        headers: &["x-zm-signature", "x-zm-request-timestamp"],
        secret_len: 11,
        handshake: url_validation,
        recognise: |req: &Clues<'_>| req.headers.contains("x-zm-signature").then(|| req.field(&["event"])),
        facts: FACTS,
    }
}

/// Zoom's deliveries.
/// - timeout: 3 s [doc: "Using webhooks": "respond with a 200 or 204 within three
///   seconds"].
/// - handshake: `endpoint.url_validation`, answered with the token hashed with the
///   secret [doc].
/// - content type: `application/json; charset=utf-8` [doc: Zoom's own sample receiver,
///   zoom/webhook-sample, logs it among a delivery's headers]; plain `application/json`
///   too [mem: unconfirmed]. The content-type case sends the one the event does not carry.
const FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(3)),
    max_body: Known::Not("Zoom documents no maximum body"),
    untimed: None,
    several_signatures: Known::Not("Zoom sends one signature per delivery"),
    weaker_companion: Known::Not("Zoom signs with one algorithm"),
    content_types: &["application/json; charset=utf-8", "application/json"],
    handshake_event: Known::Is("zoom.endpoint.url_validation"),
};

/// Zoom's `endpoint.url_validation`: its `plainToken` with the `encryptedToken` that
/// proves the secret is held.
fn url_validation(body: &[u8], secret: Option<&Secret>) -> Option<Handshake> {
    static NEEDLE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"endpoint.url_validation"));
    // Parsed only when it can be one: most bodies are not.
    if !body.trim_ascii_start().starts_with(b"{") || NEEDLE.find(body).is_none() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    if v.get("event")?.as_str()? != "endpoint.url_validation" {
        return None;
    }
    let plain = v.get("payload")?.get("plainToken")?.as_str()?;
    let enc = secret.map(|s| url_validation_token(s.bytes(), plain));
    let expect = Expect {
        what: "Zoom's endpoint.url_validation",
        provider: "Zoom",
        echoes: vec![
            Echo {
                field: Some("plainToken"),
                or_whole_body: false,
                value: Some(plain.to_string()),
                name: "the plainToken",
                wrong: None,
            },
            Echo {
                field: Some("encryptedToken"),
                or_whole_body: false,
                value: enc.clone(),
                name: "the encryptedToken",
                wrong: Some(
                    "its encryptedToken is not the HMAC-SHA256 of the plainToken with the secret given to the listener: \
                     the app's Zoom secret token is wrong (or the listener's)",
                ),
            },
        ],
    };
    let Some(enc) = enc else {
        return Some(Handshake::NeedsSecret {
            note: "Zoom's endpoint.url_validation needs the secret token (--secret-env VAR) to be answered",
            expect,
        });
    };
    Some(Handshake::Answer {
        content_type: "application/json",
        body: serde_json::to_vec(&serde_json::json!({"plainToken": plain, "encryptedToken": enc})).ok()?,
        note: "answered Zoom's endpoint.url_validation",
        expect,
    })
}

/// The `encryptedToken` of Zoom's URL validation: hex HMAC-SHA256 of `plainToken`.
pub fn url_validation_token(secret: &[u8], plain_token: &str) -> String {
    hex_lower(
        &Alg::Sha256
            .compute(secret, &[plain_token.as_bytes()], None)
            .expect("in-memory HMAC cannot fail"),
    )
}
