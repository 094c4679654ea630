//! Standard Webhooks and Svix (v1, symmetric): `webhook-signature: v1,<base64> …`
//! over `{id}.{ts}.{body}`, keyed with the base64-decoded `whsec_` secret. GitLab's
//! signing tokens use the same scheme. SIGNATURES.md §4, §4b, §7b.

use super::{Rank, ToldBy};
use base64::Engine;

use super::hmac::{unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    b64, b64_decode_lenient, Clues, DeliveryFacts, Handshake, KeyKind, KeyPair, Known, SchemeError, SchemeMeta,
    SignatureIn, Signed, Tolerance, Verdict, VerifyRequest,
};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

pub struct StandardWebhooks {
    meta: SchemeMeta,
    /// Header names sent when signing; verification also reads the other family.
    prefix: &'static str,
    facts: DeliveryFacts,
}

/// Several signatures: a space-separated list [doc: the specification, "Signature
/// scheme"; lib: every library tries each].
const SEVERAL: super::Combine = |right, wrong| format!("{wrong} {right}");

const TOL: Option<Tolerance> = Some(Tolerance {
    secs: 300,
    past_only: false,
});

pub fn standard() -> StandardWebhooks {
    StandardWebhooks {
        meta: SchemeMeta {
            name: "standard-webhooks",
            provider: "standard-webhooks",
            title: "Standard Webhooks: webhook-signature v1,…, HMAC-SHA256 of `id.ts.body`",
            signature_header: "webhook-signature",
            tolerance: TOL,
            key: KeyKind::WhsecBase64,
            needs_url: false,
            told_by: ToldBy::header(&["webhook-signature"], Rank::Standard)
                .only_if(|h| !super::standard_v1a::v1a_only(h)),
            hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Base64).stamped(unix_text)),
        },
        prefix: "webhook",
        // The specification [doc]; its content type as its examples show [mem].
        facts: DeliveryFacts {
            timeout: Known::Not("the Standard Webhooks specification leaves the timeout to the sender"),
            max_body: Known::Not("the Standard Webhooks specification sets no maximum body"),
            untimed: None,
            several_signatures: Known::Is(SEVERAL),
            weaker_companion: Known::Not("Standard Webhooks signs with one algorithm"),
            content_types: &["application/json"],
            handshake_event: Known::Not("Standard Webhooks has no handshake"),
        },
    }
}

pub fn svix() -> StandardWebhooks {
    StandardWebhooks {
        meta: SchemeMeta {
            name: "svix",
            provider: "svix",
            title: "Svix: svix-signature v1,…, HMAC-SHA256 of `id.ts.body`",
            signature_header: "svix-signature",
            tolerance: TOL,
            key: KeyKind::WhsecBase64,
            needs_url: false,
            told_by: ToldBy::header(&["svix-signature"], Rank::First),
            hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Base64).stamped(unix_text)),
        },
        prefix: "svix",
        // Svix: 15 s [doc: docs.svix.com "Retries": a 2xx "within a reasonable time
        // frame (15s)"]; content type `application/json` [mem: unconfirmed].
        facts: DeliveryFacts {
            timeout: Known::Is(std::time::Duration::from_secs(15)),
            max_body: Known::Not("Svix documents no maximum body"),
            untimed: None,
            several_signatures: Known::Is(SEVERAL),
            weaker_companion: Known::Not("Svix signs with one algorithm"),
            content_types: &["application/json"],
            handshake_event: Known::Not("Svix has no handshake"),
        },
    }
}

/// The headers of Standard Webhooks, v1 and v1a, in both families (a verifier reads
/// either): [`SignatureIn::Headers`].
pub const HEADERS: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
];

/// When a Standard Webhooks request was signed: the timestamp of the family whose
/// signature it carries (Svix's when it has one).
pub fn signed_at(h: &Headers) -> Option<i64> {
    let ts = if h.contains("svix-signature") {
        "svix-timestamp"
    } else {
        "webhook-timestamp"
    };
    super::unix_secs(h.get(ts)?)
}

/// The HMAC key of a `whsec_` secret: the base64 after the optional prefix, padding optional.
pub fn whsec_key(scheme: &'static str, secret: &[u8]) -> Result<Vec<u8>, SchemeError> {
    let s = std::str::from_utf8(secret).map_err(|_| SchemeError::BadKey {
        scheme,
        reason: "the secret is not UTF-8 text".into(),
    })?;
    let body = s.strip_prefix("whsec_").unwrap_or(s);
    let key = b64_decode_lenient(body).ok_or_else(|| SchemeError::BadKey {
        scheme,
        reason: "a whsec_ secret is `whsec_` followed by base64, and this part is not valid base64".into(),
    })?;
    if key.is_empty() {
        return Err(SchemeError::BadKey {
            scheme,
            reason: "the decoded key is empty".into(),
        });
    }
    Ok(key)
}

/// The id / timestamp / signature headers of a request: `svix-*` first, then `webhook-*`.
pub fn read_headers<'a>(
    req: &'a VerifyRequest<'_>,
    scheme: &'static str,
) -> Result<(&'a str, &'a str, &'a str), SchemeError> {
    for fam in ["svix", "webhook"] {
        let h = req.headers;
        if let Some(sig) = h.get(&format!("{fam}-signature")) {
            let id = h.get(&format!("{fam}-id")).ok_or(SchemeError::MissingHeader {
                scheme,
                header: if fam == "svix" { "svix-id" } else { "webhook-id" },
            })?;
            let ts = h.get(&format!("{fam}-timestamp")).ok_or(SchemeError::MissingHeader {
                scheme,
                header: if fam == "svix" {
                    "svix-timestamp"
                } else {
                    "webhook-timestamp"
                },
            })?;
            return Ok((id, ts, sig));
        }
    }
    Err(SchemeError::MissingHeader {
        scheme,
        header: if scheme == "svix" {
            "svix-signature"
        } else {
            "webhook-signature"
        },
    })
}

/// Parses a space-separated `version,signature` list, keeping the entries of `version`.
pub fn parse_list(scheme: &'static str, id: &str, ts: &str, sig: &str, version: &str) -> Result<Presented, Verdict> {
    let ts_unix = super::parse_unix(scheme, "timestamp", ts)?;
    let mut p = Presented {
        ts: Some(ts.trim().to_string()),
        ts_unix: Some(ts_unix),
        id: Some(id.to_string()),
        ..Default::default()
    };
    let mut empty = false;
    for entry in sig.split_whitespace() {
        let Some((v, s)) = entry.split_once(',') else { continue };
        if v == version {
            if s.is_empty() {
                empty = true;
            } else {
                p.sigs.push(s.to_string());
            }
        }
    }
    if p.sigs.is_empty() {
        let why = if empty {
            format!("the signature header has a `{version},` entry with no signature after the comma")
        } else {
            format!("the signature header has no `{version},` entry (other versions are skipped)")
        };
        return Err(Verdict::malformed(scheme, why));
    }
    Ok(p)
}

impl HmacSpec for StandardWebhooks {
    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
    fn key(&self, secret: &[u8]) -> Result<Vec<u8>, SchemeError> {
        whsec_key(self.meta.name, secret)
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(format!("{}.{}.", ctx.id.unwrap_or_default(), ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        let p = self.prefix;
        Ok(Signed {
            headers: vec![
                (format!("{p}-id"), ctx.id.unwrap_or_default().to_string()),
                (format!("{p}-timestamp"), ctx.ts.unwrap_or_default().to_string()),
                (format!("{p}-signature"), format!("v1,{sig}")),
            ],
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let (id, ts, sig) = read_headers(req, self.meta.name)?;
        Ok(parse_list(self.meta.name, id, ts, sig, "v1"))
    }
    fn keygen(&self) -> KeyPair {
        let mut k = [0u8; 32];
        crate::core::ids::fill_random(&mut k);
        KeyPair::Secret {
            secret: format!("whsec_{}", b64().encode(k)),
        }
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let h = req.headers;
        // A request carrying both families is taken as Svix's.
        let svix = h.contains("svix-signature");
        let mine = if self.prefix == "svix" {
            svix
        } else {
            !svix && h.contains("webhook-signature")
        };
        mine.then(|| req.field(&["type"]))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(HEADERS)
    }
    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        signed_at(headers)
    }
    fn refresh_body_timestamp(&self, _: &[u8], _: jiff::Timestamp) -> Option<Vec<u8>> {
        None
    }
    fn handshake(&self, _: &Headers, _: &[u8], _: Option<&Secret>) -> Option<Handshake> {
        None
    }
    fn delivery_facts(&self) -> DeliveryFacts {
        self.facts
    }
}
