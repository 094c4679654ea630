//! The one HMAC engine every HMAC scheme shares. A scheme describes only what it
//! signs (the bytes before the body), how it encodes the MAC and which headers carry
//! it ([`HmacSpec`]); [`HmacAdapter`] does the streaming, the constant-time
//! comparison against every presented signature, and the timestamp check.

use std::io::Read;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;

use super::{
    b64, b64_decode_lenient, check_time, ct_eq, Clues, DeliveryFacts, Handshake, KeyPair, Scheme, SchemeError,
    SchemeMeta, SignParams, SignatureIn, Signed, Verdict, VerifyRequest,
};
use crate::core::body::{feed_reader, Body};
use crate::core::headers::Headers;
use crate::core::ids::hex_lower;
use crate::core::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Alg {
    Sha1,
    Sha256,
    Sha512,
}

impl Alg {
    pub fn name(self) -> &'static str {
        match self {
            Alg::Sha1 => "HMAC-SHA1",
            Alg::Sha256 => "HMAC-SHA256",
            Alg::Sha512 => "HMAC-SHA512",
        }
    }

    pub fn mac(self, key: &[u8]) -> MacState {
        // HMAC takes keys of any length, so these cannot fail.
        match self {
            Alg::Sha1 => MacState::Sha1(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
            Alg::Sha256 => MacState::Sha256(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
            Alg::Sha512 => MacState::Sha512(Hmac::new_from_slice(key).expect("HMAC takes any key length")),
        }
    }

    /// The MAC of `parts` followed by `body`, in one call.
    pub fn compute(self, key: &[u8], parts: &[&[u8]], body: Option<&Body>) -> std::io::Result<Vec<u8>> {
        let mut m = self.mac(key);
        for p in parts {
            m.update(p);
        }
        if let Some(b) = body {
            b.feed(&mut |c| m.update(c))?;
        }
        Ok(m.finish())
    }
}

pub enum MacState {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
}

impl MacState {
    pub fn update(&mut self, data: &[u8]) {
        match self {
            MacState::Sha1(m) => m.update(data),
            MacState::Sha256(m) => m.update(data),
            MacState::Sha512(m) => m.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            MacState::Sha1(m) => m.finalize().into_bytes().to_vec(),
            MacState::Sha256(m) => m.finalize().into_bytes().to_vec(),
            MacState::Sha512(m) => m.finalize().into_bytes().to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    pub fn encode(self, mac: &[u8]) -> String {
        match self {
            Encoding::Hex => hex_lower(mac),
            Encoding::Base64 => b64().encode(mac),
        }
    }

    /// Decodes a presented signature; hex in either case, base64 padded or not.
    pub fn decode(self, s: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex => crate::core::ids::hex_decode(s),
            Encoding::Base64 => b64_decode_lenient(s),
        }
    }
}

/// The inputs of the signed message besides the body.
#[derive(Debug, Clone, Default)]
pub struct MsgCtx<'a> {
    /// The timestamp exactly as sent (header text), where the scheme signs one.
    pub ts: Option<&'a str>,
    pub id: Option<&'a str>,
    pub url: Option<&'a str>,
    /// The body, for schemes that build the whole message from it ([`HmacSpec::needs_body`]).
    pub body: Option<&'a [u8]>,
}

/// What a request presents: the candidate signatures and the values they were made with.
#[derive(Debug, Clone, Default)]
pub struct Presented {
    /// Encoded signatures, version prefix removed, in the order they appeared.
    pub sigs: Vec<String>,
    pub ts: Option<String>,
    /// The timestamp as unix seconds, for the tolerance check.
    pub ts_unix: Option<i64>,
    pub id: Option<String>,
    /// An algorithm the request asks for (Twilio's settings header, Square's legacy header).
    pub alg: Option<Alg>,
}

/// How an HMAC scheme makes its MAC: the algorithm, how the MAC is written, and the
/// timestamp it signs and sends, if any ([`SchemeMeta::hmac`]).
#[derive(Debug, Clone, Copy)]
pub struct HmacFormat {
    pub alg: Alg,
    pub encoding: Encoding,
    /// The timestamp text signed and sent, from the signing parameters.
    pub timestamp: Option<fn(&SignParams) -> String>,
}

impl HmacFormat {
    /// No timestamp signed.
    pub const fn new(alg: Alg, encoding: Encoding) -> HmacFormat {
        HmacFormat {
            alg,
            encoding,
            timestamp: None,
        }
    }

    /// Signs and sends the timestamp `text` gives.
    pub const fn stamped(self, text: fn(&SignParams) -> String) -> HmacFormat {
        HmacFormat {
            timestamp: Some(text),
            ..self
        }
    }
}

/// Unix seconds: the timestamp text most schemes sign.
pub fn unix_text(p: &SignParams) -> String {
    p.timestamp.to_string()
}

/// What an HMAC scheme describes about itself.
pub trait HmacSpec: Send + Sync + 'static {
    fn meta(&self) -> &SchemeMeta;

    /// [`SchemeMeta::hmac`], which every HMAC scheme gives.
    fn format(&self) -> HmacFormat {
        self.meta().hmac.expect("an HMAC scheme's meta gives its HmacFormat")
    }

    /// The HMAC key from the secret: its UTF-8 bytes unless the scheme decodes it.
    fn key(&self, secret: &[u8]) -> Result<Vec<u8>, SchemeError> {
        Ok(secret.to_vec())
    }

    /// The bytes signed before the body (or, where [`signs_body`](Self::signs_body) is
    /// false, the whole message): none for a scheme that signs the body alone.
    fn prefix(&self, _ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(Vec::new())
    }

    /// Whether the raw body follows the prefix in the signed message.
    fn signs_body(&self) -> bool {
        true
    }

    /// Whether [`prefix`](Self::prefix) needs the body in memory.
    fn needs_body(&self) -> bool {
        false
    }

    /// The headers (and other outputs) of a signature.
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError>;

    /// Reads the presented signatures from a request. `Err(SchemeError)` when a header
    /// the scheme needs is missing; `Ok(Err(verdict))` when the request is malformed.
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError>;

    /// The URLs to try (Twilio tries the URL with and without the port).
    fn urls(&self, url: Option<&str>) -> Vec<Option<String>> {
        vec![url.map(str::to_string)]
    }

    /// Hex compared ignoring case (only the generic scheme; the providers' libraries
    /// compare lower-case hex as strings).
    fn case_insensitive(&self) -> bool {
        false
    }

    fn keygen(&self) -> KeyPair;

    /// [`Scheme::signature_in`].
    fn signature_in(&self) -> SignatureIn<'_>;

    /// [`Scheme::signed_at`].
    fn signed_at(&self, headers: &Headers, body: &[u8]) -> Option<i64>;

    /// [`Scheme::refresh_body_timestamp`].
    fn refresh_body_timestamp(&self, body: &[u8], now: jiff::Timestamp) -> Option<Vec<u8>>;

    /// [`Scheme::handshake`].
    fn handshake(&self, headers: &Headers, body: &[u8], secret: Option<&Secret>) -> Option<Handshake>;

    /// [`Scheme::recognise`].
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>>;

    /// [`Scheme::delivery_facts`].
    fn delivery_facts(&self) -> DeliveryFacts;

    /// What the diagnosis adds when a signature turns out to be a MAC with `found`
    /// rather than this scheme's algorithm (GitHub: the SHA-1 header checked as the
    /// SHA-256 one). Advice, not a fact every scheme has.
    fn algorithm_hint(&self, _found: Alg) -> Option<&'static str> {
        None
    }
}

/// Makes a [`Scheme`] of an [`HmacSpec`].
pub struct HmacAdapter<S>(pub S);

/// The HMAC internals the diagnosis needs, without knowing the concrete scheme.
pub trait HmacView {
    fn alg(&self) -> Alg;
    fn encoding(&self) -> Encoding;
    fn key(&self, secret: &[u8]) -> Result<Vec<u8>, SchemeError>;
    fn presented(&self, req: &VerifyRequest<'_>) -> Option<Presented>;
    /// [`HmacSpec::algorithm_hint`].
    fn algorithm_hint(&self, found: Alg) -> Option<&'static str>;
    /// The raw MAC for `req` with the given key and algorithm; with `body_only`, over
    /// the body alone (what a body-only scheme such as GitHub's would sign).
    fn raw_mac(
        &self,
        key: &[u8],
        alg: Alg,
        req: &VerifyRequest<'_>,
        p: &Presented,
        body_only: bool,
    ) -> Result<Vec<u8>, SchemeError>;
}

impl<S: HmacSpec> HmacAdapter<S> {
    /// Signs with `ts` as the timestamp text (where the scheme has one).
    fn sign_with(
        &self,
        secret: &Secret,
        params: &SignParams,
        ts: Option<String>,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError> {
        let key = self.0.key(secret.bytes())?;
        if self.0.meta().needs_url && params.url.is_none() {
            return Err(SchemeError::NeedsUrl(self.0.meta().name));
        }
        let mut mem = None;
        if self.0.needs_body() {
            let mut v = Vec::new();
            body.read_to_end(&mut v)?;
            mem = Some(v);
        }
        let ctx = MsgCtx {
            ts: ts.as_deref(),
            id: Some(&params.id),
            url: params.url.as_deref(),
            body: mem.as_deref(),
        };
        let prefix = self.0.prefix(&ctx)?;
        let mut m = self.0.format().alg.mac(&key);
        m.update(&prefix);
        if self.0.signs_body() {
            match &mem {
                Some(b) => m.update(b),
                None => feed_reader(body, &mut |c| m.update(c))?,
            }
        }
        let sig = self.0.format().encoding.encode(&m.finish());
        self.0.render(sig, &ctx)
    }

    fn message_prefix(&self, p: &Presented, url: Option<&str>, body: Option<&[u8]>) -> Result<Vec<u8>, SchemeError> {
        self.0.prefix(&MsgCtx {
            ts: p.ts.as_deref(),
            id: p.id.as_deref(),
            url,
            body,
        })
    }

    fn mac_for(&self, key: &[u8], alg: Alg, prefix: &[u8], body: &Body) -> Result<Vec<u8>, SchemeError> {
        let b = if self.0.signs_body() { Some(body) } else { None };
        Ok(alg.compute(key, &[prefix], b)?)
    }

    fn matches(&self, expected: &str, presented: &str) -> bool {
        if self.0.case_insensitive() {
            ct_eq(
                expected.to_ascii_lowercase().as_bytes(),
                presented.to_ascii_lowercase().as_bytes(),
            )
        } else {
            ct_eq(expected.as_bytes(), presented.as_bytes())
        }
    }
}

impl<S: HmacSpec> Scheme for HmacAdapter<S> {
    fn meta(&self) -> &SchemeMeta {
        self.0.meta()
    }

    fn sign(&self, secret: &Secret, params: &SignParams, body: &mut dyn Read) -> Result<Signed, SchemeError> {
        self.sign_with(secret, params, self.0.format().timestamp.map(|text| text(params)), body)
    }

    fn sign_timestamp_text(
        &self,
        secret: &Secret,
        params: &SignParams,
        ts: &str,
        body: &mut dyn Read,
    ) -> Result<Signed, SchemeError> {
        let ts = self
            .0
            .format()
            .timestamp
            .map(|text| text(params))
            .map(|_| ts.to_string());
        self.sign_with(secret, params, ts, body)
    }

    fn verify(&self, secret: &Secret, req: &VerifyRequest<'_>) -> Result<Verdict, SchemeError> {
        let meta = self.0.meta();
        let p = match self.0.parse(req)? {
            Ok(p) => p,
            Err(v) => return Ok(v),
        };
        if meta.needs_url && req.url.is_none() {
            return Err(SchemeError::NeedsUrl(meta.name));
        }
        let key = self.0.key(secret.bytes())?;
        let mem = if self.0.needs_body() {
            Some(load_body(meta.name, req.body)?)
        } else {
            None
        };
        let alg = p.alg.unwrap_or(self.0.format().alg);
        for url in self.0.urls(req.url) {
            let prefix = self.message_prefix(&p, url.as_deref(), mem.as_deref())?;
            let expected = self
                .0
                .format()
                .encoding
                .encode(&self.mac_for(&key, alg, &prefix, req.body)?);
            if let Some(m) = p.sigs.iter().find(|s| self.matches(&expected, s)) {
                return Ok(match p.ts_unix {
                    Some(ts) => check_time(meta.name, meta.tolerance, req.tolerance, ts, req.now, m.clone()),
                    None => Verdict::valid(meta.name, m.clone(), None),
                });
            }
        }
        Ok(Verdict::mismatch(meta.name, p.ts_unix))
    }

    fn keygen(&self) -> KeyPair {
        self.0.keygen()
    }

    fn as_hmac(&self) -> Option<&dyn HmacView> {
        Some(self)
    }

    fn signature_in(&self) -> SignatureIn<'_> {
        self.0.signature_in()
    }

    fn signed_at(&self, headers: &Headers, body: &[u8]) -> Option<i64> {
        self.0.signed_at(headers, body)
    }

    fn refresh_body_timestamp(&self, body: &[u8], now: jiff::Timestamp) -> Option<Vec<u8>> {
        self.0.refresh_body_timestamp(body, now)
    }

    fn handshake(&self, headers: &Headers, body: &[u8], secret: Option<&Secret>) -> Option<Handshake> {
        self.0.handshake(headers, body, secret)
    }

    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        self.0.recognise(req)
    }

    fn delivery_facts(&self) -> DeliveryFacts {
        self.0.delivery_facts()
    }
}

impl<S: HmacSpec> HmacView for HmacAdapter<S> {
    fn alg(&self) -> Alg {
        self.0.format().alg
    }
    fn encoding(&self) -> Encoding {
        self.0.format().encoding
    }
    fn key(&self, secret: &[u8]) -> Result<Vec<u8>, SchemeError> {
        self.0.key(secret)
    }
    fn presented(&self, req: &VerifyRequest<'_>) -> Option<Presented> {
        self.0.parse(req).ok()?.ok()
    }
    fn algorithm_hint(&self, found: Alg) -> Option<&'static str> {
        self.0.algorithm_hint(found)
    }
    fn raw_mac(
        &self,
        key: &[u8],
        alg: Alg,
        req: &VerifyRequest<'_>,
        p: &Presented,
        body_only: bool,
    ) -> Result<Vec<u8>, SchemeError> {
        if body_only {
            return Ok(alg.compute(key, &[], Some(req.body))?);
        }
        let mem = if self.0.needs_body() {
            Some(load_body(self.0.meta().name, req.body)?)
        } else {
            None
        };
        let url = self.0.urls(req.url).into_iter().next().flatten();
        let prefix = self.message_prefix(p, url.as_deref(), mem.as_deref())?;
        self.mac_for(key, alg, &prefix, req.body)
    }
}

fn load_body(scheme: &'static str, body: &Body) -> Result<Vec<u8>, SchemeError> {
    match body.load()? {
        Some(b) => Ok(b.into_owned()),
        None => Err(SchemeError::BadBody {
            scheme,
            what: "a body it can read whole",
            reason: "the body is over 64 MiB".into(),
        }),
    }
}

/// A random secret: `n` random bytes as lower-case hex.
pub(crate) fn random_hex_secret(n: usize) -> KeyPair {
    KeyPair::Secret {
        secret: crate::core::ids::hex_chars(n * 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hmacs() {
        // RFC 4231 test case 2.
        let mac = Alg::Sha256
            .compute(b"Jefe", &[b"what do ya want ", b"for nothing?"], None)
            .unwrap();
        assert_eq!(
            hex_lower(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mac = Alg::Sha512
            .compute(b"Jefe", &[b"what do ya want for nothing?"], None)
            .unwrap();
        assert!(hex_lower(&mac).starts_with("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"));
        // RFC 2202 test case 2.
        let mac = Alg::Sha1
            .compute(b"Jefe", &[], Some(&Body::Mem(b"what do ya want for nothing?".to_vec())))
            .unwrap();
        assert_eq!(hex_lower(&mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn encodings() {
        assert_eq!(Encoding::Hex.encode(&[0xab, 1]), "ab01");
        assert_eq!(Encoding::Base64.encode(b"hi"), "aGk=");
        assert_eq!(Encoding::Hex.decode("AB01").unwrap(), vec![0xab, 1]);
        assert_eq!(Encoding::Base64.decode("aGk").unwrap(), b"hi");
    }
}
