//! Generic HMAC: a configurable header (default `X-Signature`), SHA-1/256/512 over the
//! raw body, hex or base64, an optional literal prefix. Hex is compared ignoring case.
//! SIGNATURES.md §16.

use super::hmac::{random_hex_secret, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, DeliveryFacts, Handshake, Known, SignatureIn};
use super::{KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Verdict, VerifyRequest};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

/// The generic scheme is no provider: it knows no fact of a delivery.
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("the generic scheme is no provider and knows no delivery timeout"),
    max_body: Known::Not("the generic scheme is no provider and knows no maximum body"),
    untimed: Some("the generic scheme signs no timestamp"),
    several_signatures: Known::Not("the generic scheme sends one signature"),
    weaker_companion: Known::Not("the generic scheme signs with one algorithm"),
    content_types: &[],
    handshake_event: Known::Not("the generic scheme has no handshake"),
};

pub struct Generic {
    meta: SchemeMeta,
    /// The header, lower-case, as [`SignatureIn::Headers`] names it.
    headers: [&'static str; 1],
    pub alg: Alg,
    pub encoding: Encoding,
    pub header: String,
    pub prefix: String,
}

impl Generic {
    pub fn new(alg: Alg, encoding: Encoding, header: String, prefix: String) -> Generic {
        // The header name lives as long as the process: leak the one string.
        let lower: &'static str = Box::leak(header.to_ascii_lowercase().into_boxed_str());
        Generic {
            meta: SchemeMeta {
                name: "generic",
                provider: "generic",
                title: "Generic HMAC: configurable header, algorithm, encoding and prefix over the body",
                signature_header: lower,
                tolerance: None,
                key: KeyKind::Utf8,
                needs_url: false,
                told_by: ToldBy::header(&["x-signature"], Rank::Last),
                hmac: Some(HmacFormat::new(alg, encoding)),
            },
            headers: [lower],
            alg,
            encoding,
            header,
            prefix,
        }
    }
}

impl HmacSpec for Generic {
    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
    fn render(&self, sig: String, _: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed::header(self.header.clone(), format!("{}{sig}", self.prefix)))
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let v = req.headers.get(&self.header).ok_or(SchemeError::MissingHeader {
            scheme: "generic",
            header: self.meta.signature_header,
        })?;
        let v = v.trim();
        let sig = if self.prefix.is_empty() {
            v
        } else {
            match v.strip_prefix(self.prefix.as_str()) {
                Some(s) => s,
                None => {
                    return Ok(Err(Verdict::malformed(
                        "generic",
                        format!("{} does not start with the prefix `{}`", self.header, self.prefix),
                    )))
                }
            }
        };
        Ok(Ok(Presented {
            sigs: vec![sig.to_string()],
            ..Default::default()
        }))
    }
    fn case_insensitive(&self) -> bool {
        self.encoding == Encoding::Hex
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(32)
    }
    /// A generic signature tells no provider.
    fn recognise(&self, _: &Clues<'_>) -> Option<Option<String>> {
        None
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&self.headers)
    }
    fn signed_at(&self, _: &Headers, _: &[u8]) -> Option<i64> {
        None
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
