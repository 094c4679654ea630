//! Standard Webhooks v1a (asymmetric): `webhook-signature: v1a,<base64 Ed25519>` over
//! `{id}.{ts}.{body}`. Private keys `whsk_` (the 32-byte seed, or the 64-byte
//! seed‖public form the JS proposal uses: both accepted), public keys `whpk_`.
//! SIGNATURES.md §4 (v1a, unconfirmed upstream).

use super::{Rank, ToldBy};
use std::io::Read;

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};

use super::standard::{parse_list, read_headers};
use super::{
    b64, b64_decode_lenient, check_time, Clues, Handshake, KeyKind, KeyPair, Scheme, SchemeError, SchemeMeta,
    SignParams, SignatureIn, Signed, Tolerance, Verdict, VerifyRequest,
};
use super::{DeliveryFacts, Known};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

/// Whether a request's `webhook-signature` holds only `v1a` (Ed25519) signatures: it is
/// this scheme's, not the symmetric one's (which wins when both are present).
pub fn v1a_only(h: &Headers) -> bool {
    let sig = h.get("webhook-signature").unwrap_or_default();
    sig.split_whitespace().any(|e| e.starts_with("v1a,")) && !sig.split_whitespace().any(|e| e.starts_with("v1,"))
}

pub struct StandardV1a;

/// Standard Webhooks v1a's deliveries.
/// - several signatures: a space-separated list [doc: the specification,
///   "Signature scheme"].
/// - content type: `application/json` [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("the Standard Webhooks specification leaves the timeout to the sender"),
    max_body: Known::Not("the Standard Webhooks specification sets no maximum body"),
    untimed: None,
    several_signatures: Known::Is(|right, wrong| format!("{wrong} {right}")),
    weaker_companion: Known::Not("Standard Webhooks v1a signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Not("Standard Webhooks has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "standard-webhooks-v1a",
    provider: "standard-webhooks",
    title: "Standard Webhooks v1a: webhook-signature v1a,…, Ed25519 of `id.ts.body`",
    signature_header: "webhook-signature",
    tolerance: Some(Tolerance {
        secs: 300,
        past_only: false,
    }),
    key: KeyKind::Ed25519,
    needs_url: false,
    told_by: ToldBy::header(&["webhook-signature"], Rank::Standard).only_if(v1a_only),
    hmac: None,
};

/// A signing key from `whsk_<base64>` (32-byte seed or 64-byte seed‖public).
pub fn signing_key(secret: &[u8]) -> Result<SigningKey, SchemeError> {
    let bad = |reason: String| SchemeError::BadKey {
        scheme: "standard-webhooks-v1a",
        reason,
    };
    let s = std::str::from_utf8(secret).map_err(|_| bad("the key is not text".into()))?;
    let b = s.strip_prefix("whsk_").ok_or_else(|| {
        bad(if s.starts_with("whpk_") {
            "this is a public key (whpk_); signing needs the private key (whsk_)".into()
        } else {
            "a v1a private key starts with `whsk_`".into()
        })
    })?;
    let raw = b64_decode_lenient(b).ok_or_else(|| bad("the part after whsk_ is not valid base64".into()))?;
    match raw.len() {
        32 => Ok(SigningKey::from_bytes(raw[..32].try_into().expect("32 bytes"))),
        64 => SigningKey::from_keypair_bytes(raw[..64].try_into().expect("64 bytes"))
            .map_err(|_| bad("the 64-byte key's public half does not belong to its seed".into())),
        n => Err(bad(format!(
            "the key is {n} bytes; expected a 32-byte seed or 64 bytes (seed and public key)"
        ))),
    }
}

fn verifying_key(secret: &[u8]) -> Result<VerifyingKey, SchemeError> {
    let bad = |reason: String| SchemeError::BadKey {
        scheme: "standard-webhooks-v1a",
        reason,
    };
    let s = std::str::from_utf8(secret).map_err(|_| bad("the key is not text".into()))?;
    let b = match s.strip_prefix("whpk_") {
        Some(b) => b,
        None if s.starts_with("whsk_") => return Ok(signing_key(secret)?.verifying_key()),
        None => return Err(bad("a v1a public key starts with `whpk_`".into())),
    };
    let raw = b64_decode_lenient(b).ok_or_else(|| bad("the part after whpk_ is not valid base64".into()))?;
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| bad(format!("the public key is {} bytes, not 32", raw.len())))?;
    VerifyingKey::from_bytes(&arr).map_err(|_| bad("not a valid Ed25519 public key".into()))
}

impl Scheme for StandardV1a {
    fn meta(&self) -> &SchemeMeta {
        &META
    }

    fn sign(&self, secret: &Secret, p: &SignParams, body: &mut dyn Read) -> Result<Signed, SchemeError> {
        self.sign_timestamp_text(secret, p, &p.timestamp.to_string(), body)
    }

    fn sign_timestamp_text(
        &self,
        secret: &Secret,
        p: &SignParams,
        ts: &str,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError> {
        let key = signing_key(secret.bytes())?;
        // Ed25519 hashes the message twice, so it needs the body whole.
        let mut msg = format!("{}.{ts}.", p.id).into_bytes();
        body.read_to_end(&mut msg)?;
        let sig = key.sign(&msg);
        Ok(Signed {
            headers: vec![
                ("webhook-id".into(), p.id.clone()),
                ("webhook-timestamp".into(), ts.to_string()),
                (
                    "webhook-signature".into(),
                    format!("v1a,{}", b64().encode(sig.to_bytes())),
                ),
            ],
            ..Default::default()
        })
    }

    fn verify(&self, secret: &Secret, req: &VerifyRequest<'_>) -> Result<Verdict, SchemeError> {
        let (id, ts, sig) = read_headers(req, META.name)?;
        let p = match parse_list(META.name, id, ts, sig, "v1a") {
            Ok(p) => p,
            Err(v) => return Ok(v),
        };
        let key = verifying_key(secret.bytes())?;
        let mut msg = format!("{id}.{}.", ts.trim()).into_bytes();
        req.body.feed(&mut |c| msg.extend_from_slice(c))?;
        for s in &p.sigs {
            let Some(raw) = b64_decode_lenient(s) else { continue };
            let Ok(sig) = ed25519_dalek::Signature::from_slice(&raw) else {
                continue;
            };
            if key.verify(&msg, &sig).is_ok() {
                return Ok(check_time(
                    META.name,
                    META.tolerance,
                    req.tolerance,
                    p.ts_unix.unwrap_or(0),
                    req.now,
                    s.clone(),
                ));
            }
        }
        Ok(Verdict::mismatch(META.name, p.ts_unix))
    }

    fn keygen(&self) -> KeyPair {
        let mut seed = [0u8; 32];
        crate::core::ids::fill_random(&mut seed);
        let k = SigningKey::from_bytes(&seed);
        KeyPair::Pair {
            private_key: format!("whsk_{}", b64().encode(seed)),
            public_key: format!("whpk_{}", b64().encode(k.verifying_key().to_bytes())),
        }
    }

    /// Standard Webhooks' requests, v1a's included, are recognised by the v1 scheme,
    /// before this one.
    fn recognise(&self, _: &Clues<'_>) -> Option<Option<String>> {
        None
    }

    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(super::standard::HEADERS)
    }

    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        super::standard::signed_at(headers)
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
