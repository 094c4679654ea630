//! Mailgun: no header; the body carries `signature.{timestamp,token,signature}` (form
//! posts: top-level fields). The MAC is HMAC-SHA256 of `timestamp ‖ token`, hex; the
//! event data itself is not signed. SIGNATURES.md §15.

use super::ToldBy;
use sha2::Digest;

use super::hmac::{random_hex_secret, unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    Clues, DeliveryFacts, Handshake, KeyKind, KeyPair, Known, SchemeError, SchemeMeta, SignatureIn, Signed, Verdict,
    VerifyRequest,
};
use crate::core::headers::Headers;
use crate::core::ids::hex_lower;
use crate::core::secret::Secret;

pub struct Mailgun;

/// Mailgun's deliveries: no documented timeout or maximum body. Its timestamp has no
/// age limit; a receiver refuses a token it has seen [doc: "Securing webhooks"].
/// Content type: `application/json` for its current webhooks [mem: unconfirmed].
static FACTS: DeliveryFacts = DeliveryFacts {
    timeout: Known::Not("Mailgun documents no delivery timeout"),
    max_body: Known::Not("Mailgun documents no maximum body"),
    untimed: Some("Mailgun signs a timestamp but sets no age limit: refuse a reused token instead"),
    several_signatures: Known::Not("Mailgun sends one signature per delivery"),
    weaker_companion: Known::Not("Mailgun signs with one algorithm"),
    content_types: &["application/json"],
    handshake_event: Known::Not("Mailgun has no handshake"),
};

static META: SchemeMeta = SchemeMeta {
    name: "mailgun",
    provider: "mailgun",
    title: "Mailgun: signature fields in the body, hex HMAC-SHA256 of `timestamp ‖ token`",
    signature_header: "signature",
    tolerance: None,
    key: KeyKind::Utf8,
    needs_url: false,
    told_by: ToldBy::body(signed_in_body),
    hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(unix_text)),
};

pub const NOTE: &str = "Mailgun signs only the timestamp and token, not the event data: refuse repeated tokens";

/// Whether a body carries Mailgun's `signature.token` (JSON), for `--scheme auto`.
fn signed_in_body(body: &[u8]) -> bool {
    // A cheap pre-check before parsing: the key `"token"` must be there, unless the body
    // uses `\u` escapes (which could spell the key), in which case it is parsed anyway.
    let find = |n: &[u8]| memchr::memmem::find(body, n).is_some();
    if !find(b"\"token\"") && !find(b"\\u") {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("signature")?.get("token").map(|_| ()))
        .is_some()
}

/// A 50-character token derived from the delivery id (so `--id` reproduces it).
pub fn token_for(id: &str) -> String {
    let mut t = hex_lower(&sha2::Sha256::digest(id.as_bytes()));
    t.truncate(50);
    t
}

/// The `(timestamp, token, signature)` a body carries, JSON or form.
fn fields(body: &[u8]) -> Option<(String, String, String)> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let s = v.get("signature")?;
        return Some((
            text(s.get("timestamp")?)?,
            text(s.get("token")?)?,
            text(s.get("signature")?)?,
        ));
    }
    let mut t = (None, None, None);
    for (k, v) in form_urlencoded::parse(body) {
        match &*k {
            "timestamp" => t.0 = Some(v.into_owned()),
            "token" => t.1 = Some(v.into_owned()),
            "signature" => t.2 = Some(v.into_owned()),
            _ => {}
        }
    }
    Some((t.0?, t.1?, t.2?))
}

/// Puts the signature fields into the body: Mailgun's `signature` object in JSON,
/// top-level fields in a form ([`SignatureIn::Body`]).
pub fn write_fields(body: &[u8], fields: &[(String, String)]) -> Vec<u8> {
    if fields.is_empty() {
        return body.to_vec();
    }
    if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(obj) = v.as_object_mut() {
            let sig = obj.entry("signature").or_insert_with(|| serde_json::json!({}));
            if let Some(s) = sig.as_object_mut() {
                for (k, val) in fields {
                    s.insert(k.clone(), serde_json::Value::String(val.clone()));
                }
            }
            return serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec());
        }
    }
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for (k, val) in fields {
        match pairs.iter_mut().find(|(pk, _)| pk == k) {
            Some(p) => p.1 = val.clone(),
            None => pairs.push((k.clone(), val.clone())),
        }
    }
    let mut enc = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        enc.append_pair(k, v);
    }
    enc.finish().into_bytes()
}

impl HmacSpec for Mailgun {
    fn meta(&self) -> &SchemeMeta {
        &META
    }
    fn signs_body(&self) -> bool {
        false
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        let token = ctx
            .id
            .map(|id| if id.len() == 50 { id.to_string() } else { token_for(id) })
            .unwrap_or_default();
        Ok(format!("{}{token}", ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        let token = ctx
            .id
            .map(|id| if id.len() == 50 { id.to_string() } else { token_for(id) })
            .unwrap_or_default();
        Ok(Signed {
            fields: vec![
                ("timestamp".into(), ctx.ts.unwrap_or_default().to_string()),
                ("token".into(), token),
                ("signature".into(), sig),
            ],
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let missing = SchemeError::BadBody {
            scheme: "mailgun",
            what: "`signature.timestamp`, `signature.token` and `signature.signature`",
            reason: "they are not in the body".into(),
        };
        let body = req.body.load()?.ok_or_else(|| SchemeError::BadBody {
            scheme: "mailgun",
            what: "the signature fields",
            reason: "the body is too large to read whole".into(),
        })?;
        let (ts, token, sig) = fields(&body).ok_or(missing)?;
        let ts_unix = match super::parse_unix("mailgun", "signature.timestamp", &ts) {
            Ok(t) => t,
            Err(v) => return Ok(Err(v)),
        };
        Ok(Ok(Presented {
            sigs: vec![sig],
            ts: Some(ts),
            ts_unix: Some(ts_unix),
            id: Some(token),
            alg: None,
        }))
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(16)
    }
    /// A JSON body with a `signature.token`; its event is `event-data.event`.
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        static TOKEN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"token\""));
        // A cheap test before parsing the body.
        (TOKEN.find(req.body).is_some()
            && req
                .json()
                .is_some_and(|j| j.get("signature").and_then(|s| s.get("token")).is_some()))
        .then(|| req.field(&["event-data", "event"]))
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Body { write: write_fields }
    }
    fn signed_at(&self, _: &Headers, body: &[u8]) -> Option<i64> {
        super::unix_secs(&fields(body)?.0)
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
    fn mailgun_fields_go_into_the_body() {
        let b = write_fields(
            br#"{"signature":{"timestamp":"1","token":"t","signature":""},"x":1}"#,
            &[("signature".into(), "abc".into())],
        );
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["signature"]["signature"], "abc");
        assert_eq!(v["x"], 1);
        let f = write_fields(
            b"a=1&signature=",
            &[("signature".into(), "s".into()), ("token".into(), "t".into())],
        );
        assert_eq!(f, b"a=1&signature=s&token=t");
    }
}
