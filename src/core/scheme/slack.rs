//! Slack: `X-Slack-Signature: v0=<hex>` over `v0:<ts>:body` with
//! `X-Slack-Request-Timestamp`, and Zoom's identical layout lives in `zoom.rs`.
//! SIGNATURES.md §3.

use super::hmac::{random_hex_secret, unix_text, Alg, Encoding, HmacFormat, HmacSpec, MsgCtx, Presented};
use super::{
    Clues, DeliveryFacts, Handshake, KeyKind, KeyPair, Known, SchemeError, SchemeMeta, SignatureIn, Signed, Tolerance,
    Verdict, VerifyRequest,
};
use super::{Rank, ToldBy};
use crate::core::headers::Headers;
use crate::core::secret::Secret;

/// The `v0=` scheme shared by Slack and Zoom: HMAC-SHA256 of `v0:{ts}:{body}`.
pub struct V0 {
    pub meta: SchemeMeta,
    pub sig_header: &'static str,
    pub ts_header: &'static str,
    /// Both headers, lower-case ([`SignatureIn::Headers`]).
    pub headers: &'static [&'static str],
    pub secret_len: usize,
    /// The provider's handshake, from the body and the secret.
    pub handshake: fn(&[u8], Option<&Secret>) -> Option<Handshake>,
    /// [`HmacSpec::recognise`].
    pub recognise: fn(&Clues<'_>) -> Option<Option<String>>,
    /// [`HmacSpec::delivery_facts`].
    pub facts: DeliveryFacts,
}

pub fn slack() -> V0 {
    V0 {
        meta: SchemeMeta {
            name: "slack",
            provider: "slack",
            title: "Slack: X-Slack-Signature v0=…, HMAC-SHA256 of `v0:ts:body`",
            signature_header: "x-slack-signature",
            // slack_sdk checks abs(now - ts) > 300.
            tolerance: Some(Tolerance {
                secs: 300,
                past_only: false,
            }),
            key: KeyKind::Utf8,
            needs_url: false,
            told_by: ToldBy::header(&["x-slack-signature"], Rank::First),
            hmac: Some(HmacFormat::new(Alg::Sha256, Encoding::Hex).stamped(unix_text)),
        },
        sig_header: "X-Slack-Signature",
        ts_header: "X-Slack-Request-Timestamp",
        headers: &["x-slack-signature", "x-slack-request-timestamp"],
        secret_len: 16,
        handshake: url_verification,
        recognise: slack_event,
        facts: SLACK,
    }
}

/// Slack's deliveries.
/// - timeout: 3 s [doc: Events API, "Responding to events": "respond within three
///   seconds"].
/// - content type: JSON for the Events API, form-encoded for slash commands and
///   interactivity [doc].
/// - handshake: `url_verification`, answered with its challenge [doc].
const SLACK: DeliveryFacts = DeliveryFacts {
    timeout: Known::Is(std::time::Duration::from_secs(3)),
    max_body: Known::Not("Slack documents no maximum body"),
    untimed: None,
    several_signatures: Known::Not("Slack sends one signature per request"),
    weaker_companion: Known::Not("Slack signs with one algorithm"),
    content_types: &["application/json", "application/x-www-form-urlencoded"],
    handshake_event: Known::Is("slack.url_verification"),
};

/// Slack: its signature or Slackbot's user agent; the event from the body (an event
/// callback's inner type, else the outer type, or a slash command's form).
fn slack_event(req: &Clues<'_>) -> Option<Option<String>> {
    let h = req.headers;
    if !(h.contains("x-slack-signature") || h.get("user-agent").is_some_and(|u| u.starts_with("Slackbot"))) {
        return None;
    }
    Some(match (req.field(&["type"]), req.field(&["event", "type"])) {
        (Some(t), Some(e)) if t == "event_callback" => Some(e),
        (Some(t), _) => Some(t),
        _ if req.form_field("command").is_some() => Some("slash_command".into()),
        _ => None,
    })
}

/// Slack's `url_verification`: its `challenge`, echoed as JSON.
fn url_verification(body: &[u8], _: Option<&Secret>) -> Option<Handshake> {
    static NEEDLE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"url_verification"));
    // Parsed only when it can be one: most bodies are not.
    if !body.trim_ascii_start().starts_with(b"{") || NEEDLE.find(body).is_none() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    if v.get("type")?.as_str()? != "url_verification" {
        return None;
    }
    let challenge = v.get("challenge")?.as_str()?;
    Some(Handshake::Answer {
        content_type: "application/json",
        body: serde_json::to_vec(&serde_json::json!({ "challenge": challenge })).ok()?,
        note: "answered Slack's url_verification with its challenge",
        expect: super::Expect {
            what: "Slack's url_verification",
            provider: "Slack",
            // Slack takes the challenge as plain text or as a JSON `challenge`.
            echoes: vec![super::Echo {
                field: Some("challenge"),
                or_whole_body: true,
                value: Some(challenge.to_string()),
                name: "the challenge",
                wrong: None,
            }],
        },
    })
}

impl HmacSpec for V0 {
    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
    fn prefix(&self, ctx: &MsgCtx<'_>) -> Result<Vec<u8>, SchemeError> {
        Ok(format!("v0:{}:", ctx.ts.unwrap_or_default()).into_bytes())
    }
    fn render(&self, sig: String, ctx: &MsgCtx<'_>) -> Result<Signed, SchemeError> {
        Ok(Signed {
            headers: vec![
                (self.ts_header.into(), ctx.ts.unwrap_or_default().to_string()),
                (self.sig_header.into(), format!("v0={sig}")),
            ],
            ..Default::default()
        })
    }
    fn parse(&self, req: &VerifyRequest<'_>) -> Result<Result<Presented, Verdict>, SchemeError> {
        let name = self.meta.name;
        let sig = super::require(req.headers, name, self.sig_header)?;
        let ts = super::require(req.headers, name, self.ts_header)?;
        let ts_unix = match super::parse_unix(name, self.ts_header, ts) {
            Ok(t) => t,
            Err(v) => return Ok(Err(v)),
        };
        let Some(s) = sig.trim().strip_prefix("v0=") else {
            return Ok(Err(Verdict::malformed(
                name,
                format!("{} does not start with `v0=`", self.sig_header),
            )));
        };
        Ok(Ok(Presented {
            sigs: vec![s.to_string()],
            ts: Some(ts.trim().to_string()),
            ts_unix: Some(ts_unix),
            ..Default::default()
        }))
    }
    fn keygen(&self) -> KeyPair {
        random_hex_secret(self.secret_len)
    }
    fn recognise(&self, req: &Clues<'_>) -> Option<Option<String>> {
        (self.recognise)(req)
    }
    fn signature_in(&self) -> SignatureIn<'_> {
        SignatureIn::Headers(self.headers)
    }
    fn signed_at(&self, headers: &Headers, _: &[u8]) -> Option<i64> {
        super::unix_secs(headers.get(self.ts_header)?)
    }
    fn refresh_body_timestamp(&self, _: &[u8], _: jiff::Timestamp) -> Option<Vec<u8>> {
        None
    }
    fn handshake(&self, _: &Headers, body: &[u8], secret: Option<&Secret>) -> Option<Handshake> {
        (self.handshake)(body, secret)
    }
    fn delivery_facts(&self) -> DeliveryFacts {
        self.facts
    }
}
