//! Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 (or SHA-256 when the settings
//! header says so) of the full URL followed by the sorted, decoded POST parameters;
//! JSON bodies sign the URL carrying `bodySHA256=<hex>` and the verifier checks the
//! hash. The URL is tried with and without its port. SIGNATURES.md §6.

use super::{Rank, ToldBy};
use sha2::Digest;

use super::hmac::{random_hex_secret, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{Clues, Handshake, SignatureIn};
use super::{DeliveryFacts, Known};
use super::{Failure, KeyKind, KeyPair, SchemeError, SchemeMeta, Signed, Verdict, VerifyRequest};
use crate::core::headers::Headers;
use crate::core::ids::hex_lower;
use crate::core::secret::Secret;

pub struct Twilio;

/// Twilio's deliveries.
/// - timeout: 15 s by default [doc: "Webhooks connection overrides", `#rt=` default].
/// - content type: form-encoded parameters [doc: "Twilio's request to your application"].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(15)),
    max_body: Known::Not("Twilio documents no maximum body"),
    untimed: Some("Twilio signs no timestamp: a replayed request cannot be told by its age"),
    several_signatures: Known::Not("Twilio sends one signature per delivery"),
    weaker_companion: Known::Not("Twilio signs with one algorithm"),
    content_types: &[
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
    ],
    handshake_event: Known::Not("Twilio has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "twilio",
    provider: "twilio",
    title: "Twilio: X-Twilio-Signature, base64 HMAC-SHA1 of the URL and sorted form parameters",
    signature_header: "x-twilio-signature",
    tolerance: None,
    key: KeyKind::Utf8,
    needs_url: true,
    told_by: ToldBy::header(&["x-twilio-signature"], Rank::Own),
    hmac: Some(HmacFormat::new(Alg::Sha1, Encoding::Base64)),
};

/// The value of query parameter `name` in `url`, if any.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    let q = q.split('#').next().unwrap_or(q);
    form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Does the body look like JSON rather than a form?
fn json_like(body: &[u8]) -> bool {
    matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{') | Some(b'['))
}

/// The URL that is signed: as given, or with `bodySHA256` appended for a JSON body.
pub fn effective_url(url: &str, body: &[u8]) -> String {
    if query_param(url, "bodySHA256").is_some() || !json_like(body) {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}bodySHA256={}", hex_lower(&sha2::Sha256::digest(body)))
}

/// `scheme://[user@]host[:port]` split so the port can be added or removed without
/// touching anything else (the url crate would normalise the path and drop `:443`).
fn split_authority(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((scheme, &rest[..end], &rest[end..]))
}

/// The URL without its port, and with the scheme's default port added, as
/// twilio-python's `remove_port` and `add_port` do.
pub fn port_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    if let Some((scheme, auth, rest)) = split_authority(url) {
        let host_start = auth.rfind('@').map(|i| i + 1).unwrap_or(0);
        let host = &auth[host_start..];
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(h, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':'));
        if has_port {
            let (h, _) = host.rsplit_once(':').expect("checked");
            out.push(format!("{scheme}://{}{h}{rest}", &auth[..host_start]));
        } else {
            let port = if scheme.eq_ignore_ascii_case("https") { 443 } else { 80 };
            out.push(format!("{scheme}://{auth}:{port}{rest}"));
        }
    }
    out.dedup();
    out
}

/// `url ‖ name1 ‖ value1 ‖ …` over the decoded form fields, names sorted, each name's
/// values sorted and de-duplicated (`sorted(set(values))` in twilio-python).
pub fn signing_string(url: &str, body: &[u8]) -> Vec<u8> {
    let mut s = url.as_bytes().to_vec();
    if query_param(url, "bodySHA256").is_some() {
        return s;
    }
    let mut params: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    params.dedup();
    for (k, v) in params {
        s.extend_from_slice(k.as_bytes());
        s.extend_from_slice(v.as_bytes());
    }
    s
}

impl HmacSpec for Twilio {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn signs_body(&self) -> bool {
        false
    }
    fn needs_body(&self) -> bool {
        true
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        let url = ctx.url.ok_or(SchemeError::NeedsUrl("twilio"))?;
        let body = ctx.body.unwrap_or_default();
        Ok(signing_string(&effective_url(url, body), body))
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        let url = ctx.url.ok_or(SchemeError::NeedsUrl("twilio"))?;
        let eff = effective_url(url, ctx.body.unwrap_or_default());
        Ok(Signed {
            headers: vec![("X-Twilio-Signature".into(), sig)],
            signed_url: (eff != url).then_some(eff),
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let sig = super::require(req.headers, "twilio", "X-Twilio-Signature")?;
        let url = req.url.ok_or(SchemeError::NeedsUrl("twilio"))?;
        if let Some(hash) = query_param(url, "bodySHA256") {
            let mut h = sha2::Sha256::new();
            req.body.feed(&mut |c| h.update(c))?;
            if !super::ct_eq(hex_lower(&h.finalize()).as_bytes(), hash.as_bytes()) {
                return Ok(Err(Verdict::invalid(
                    "twilio",
                    Failure::BodyHash,
                    "the bodySHA256 in the URL is not the SHA-256 of this body: the body changed after signing",
                    None,
                )));
            }
        }
        let alg = req
            .headers
            .get("X-Twilio-Webhooks-Signature-Settings")
            .filter(|s| s.to_ascii_uppercase().contains("HMAC_SHA256"))
            .map(|_| Alg::Sha256);
        Ok(Ok(Presented {
            sigs: vec![sig.trim().to_string()],
            alg,
            ..Default::default()
        }))
    }
    fn urls(&self, url: Option<&str>) -> Vec<Option<String>> {
        match url {
            Some(u) => port_variants(u).into_iter().map(Some).collect(),
            None => vec![None],
        }
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(16)
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        let h = req.headers;
        if !(h.contains("x-twilio-signature") || h.get("user-agent").is_some_and(|u| u.starts_with("TwilioProxy"))) {
            return None;
        }
        Some(
            if req.form_field("SmsSid").is_some() || req.form_field("MessageSid").is_some() {
                Some("sms.incoming".into())
            } else if req.form_field("CallStatus").is_some() {
                Some("call.status".into())
            } else {
                None
            },
        )
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(&["x-twilio-signature"])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(
            port_variants("https://a.com/x?y=1"),
            vec!["https://a.com/x?y=1", "https://a.com:443/x?y=1"]
        );
        assert_eq!(
            port_variants("http://a.com:8080/x"),
            vec!["http://a.com:8080/x", "http://a.com/x"]
        );
        assert_eq!(
            port_variants("https://u:p@a.com"),
            vec!["https://u:p@a.com", "https://u:p@a.com:443"]
        );
    }

    #[test]
    fn json_bodies_get_a_hash() {
        let u = effective_url("https://a.com/x?foo=1", br#"{"a":1}"#);
        assert!(u.starts_with("https://a.com/x?foo=1&bodySHA256="), "{u}");
        assert_eq!(effective_url("https://a.com/x", b"A=1"), "https://a.com/x");
    }

    #[test]
    fn sorted_params() {
        let s = signing_string("U", b"b=2&a=1&b=1&b=1");
        assert_eq!(s, b"Ua1b1b2");
    }
}
