//! Discord interactions: `X-Signature-Ed25519: <hex>` over `timestamp ‖ body`, with
//! `X-Signature-Timestamp`. Verified with the application's public key (64 hex chars);
//! signed with a private key (64 hex chars of seed, or 128 of seed‖public).
//! SIGNATURES.md §8.

use super::{Rank, ToldBy};
use std::io::Read;

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};

use super::{
    Clues, Handshake, KeyKind, KeyPair, Scheme, SchemeError, SchemeMeta, SignParams, SignatureIn, Signed, Verdict,
    VerifyRequest,
};
use super::{DeliveryFacts, Known};
use crate::core::headers::Headers;
use crate::core::ids::{hex_decode, hex_lower};
use crate::core::secret::Secret;

pub struct Discord;

/// Discord's interactions.
/// - timeout: 3 s to answer an interaction [doc: "Receiving and Responding":
///   "you must send an initial response within 3 seconds"].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(3)),
    max_body: Known::Not("Discord documents no maximum body"),
    untimed: Some("Discord signs a timestamp but sets no age limit (its libraries check none)"),
    several_signatures: Known::Not("Discord sends one signature per delivery"),
    weaker_companion: Known::Not("Discord signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Not("hookcat knows no Discord handshake (its PING is an interaction the app answers)"),
};

static META: SchemeMeta = SchemeMeta {
    name: "discord",
    provider: "discord",
    title: "Discord: X-Signature-Ed25519, Ed25519 of `timestamp ‖ body`",
    signature_header: "x-signature-ed25519",
    tolerance: None,
    key: KeyKind::Ed25519,
    needs_url: false,
    told_by: ToldBy::header(&["x-signature-ed25519"], Rank::Own),
    hmac: None,
};

fn bad(reason: impl Into<String>) -> SchemeError {
    SchemeError::BadKey {
        scheme: "discord",
        reason: reason.into(),
    }
}

fn key_bytes(secret: &[u8]) -> Result<Vec<u8>, SchemeError> {
    let s = std::str::from_utf8(secret).map_err(|_| bad("the key is not text"))?;
    hex_decode(s.trim()).ok_or_else(|| bad("the key must be hex (64 characters for a public key or a seed)"))
}

impl Scheme for Discord {
    fn meta(&self) -> &SchemeMeta {
        &META
    }

    fn sign(&self, secret: &Secret, p: &SignParams, body: &mut dyn Read) -> Result<Signed, SchemeError> {
        self.sign_timestamp_text(secret, p, &p.timestamp.to_string(), body)
    }

    fn sign_timestamp_text(
        &self,
        secret: &Secret,
        _: &SignParams,
        ts: &str,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError> {
        let raw = key_bytes(secret.bytes())?;
        let key = match raw.len() {
            32 => SigningKey::from_bytes(raw[..32].try_into().expect("32 bytes")),
            64 => SigningKey::from_keypair_bytes(raw[..64].try_into().expect("64 bytes"))
                .map_err(|_| bad("the 128-hex key's public half does not belong to its seed"))?,
            n => {
                return Err(bad(format!(
                    "the private key is {n} bytes; expected 32 (seed) or 64 (seed and public key)"
                )))
            }
        };
        let mut msg = ts.as_bytes().to_vec();
        body.read_to_end(&mut msg)?;
        let sig = key.sign(&msg);
        Ok(Signed {
            headers: vec![
                ("X-Signature-Ed25519".into(), hex_lower(&sig.to_bytes())),
                ("X-Signature-Timestamp".into(), ts.to_string()),
            ],
            ..Default::default()
        })
    }

    fn verify(&self, secret: &Secret, req: &VerifyRequest<'_>) -> Result<Verdict, SchemeError> {
        let sig_hex = super::require(req.headers, "discord", "X-Signature-Ed25519")?;
        let ts = super::require(req.headers, "discord", "X-Signature-Timestamp")?;
        let raw = key_bytes(secret.bytes())?;
        let arr: [u8; 32] = raw.as_slice().try_into().map_err(|_| {
            bad(format!(
                "the public key is {} bytes; Discord's application public key is 32 bytes (64 hex characters)",
                raw.len()
            ))
        })?;
        let key = VerifyingKey::from_bytes(&arr).map_err(|_| bad("not a valid Ed25519 public key"))?;
        let Some(sig_raw) = hex_decode(sig_hex.trim()) else {
            return Ok(Verdict::malformed("discord", "X-Signature-Ed25519 is not hex"));
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig_raw) else {
            return Ok(Verdict::malformed(
                "discord",
                format!("X-Signature-Ed25519 is {} bytes, not 64", sig_raw.len()),
            ));
        };
        let ts_unix = match super::parse_unix("discord", "X-Signature-Timestamp", ts) {
            Ok(t) => t,
            Err(v) => return Ok(v),
        };
        let mut msg = ts.as_bytes().to_vec();
        req.body.feed(&mut |c| msg.extend_from_slice(c))?;
        Ok(if key.verify(&msg, &sig).is_ok() {
            Verdict::valid("discord", sig_hex.trim(), Some(ts_unix))
        } else {
            Verdict::mismatch("discord", Some(ts_unix))
        })
    }

    fn keygen(&self) -> KeyPair {
        let mut seed = [0u8; 32];
        crate::core::ids::fill_random(&mut seed);
        let k = SigningKey::from_bytes(&seed);
        KeyPair::Pair {
            private_key: hex_lower(&seed),
            public_key: hex_lower(&k.verifying_key().to_bytes()),
        }
    }

    /// Its signature header; the interaction's numeric `type` named.
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        if !req.headers.contains("x-signature-ed25519") {
            return None;
        }
        Some(req.json().and_then(|j| j.get("type")?.as_i64()).map(|t| match t {
            1 => "ping".to_string(),
            2 => "application_command".to_string(),
            n => format!("interaction.{n}"),
        }))
    }

    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-signature-ed25519", "x-signature-timestamp"])
    }

    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        super::unix_secs(headers.get("x-signature-timestamp")?)
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
