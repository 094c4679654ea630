//! The registry: scheme names to implementations, and detection of the scheme from
//! the headers a request carries (`--scheme auto`).

use super::discord::Discord;
use super::generic::Generic;
use super::github::{github, github_sha1, intercom};
use super::gitlab::Gitlab;
use super::hmac::{Alg, Encoding, HmacAdapter};
use super::linear::Linear;
use super::mailgun::Mailgun;
use super::paddle::Paddle;
use super::shopify::Shopify;
use super::slack::slack;
use super::square::Square;
use super::standard::{standard, svix};
use super::standard_v1a::StandardV1a;
use super::stripe::Stripe;
use super::twilio::Twilio;
use super::twitch::Twitch;
use super::zoom::zoom;
use super::{Scheme, SchemeError};
use crate::core::headers::{Headers, NameSet};

/// Every scheme name, in the order listings show them.
pub const NAMES: &[&str] = &[
    "github",
    "github-sha1",
    "stripe",
    "slack",
    "standard-webhooks",
    "standard-webhooks-v1a",
    "svix",
    "shopify",
    "twilio",
    "gitlab",
    "discord",
    "square",
    "paddle",
    "zoom",
    "twitch",
    "linear",
    "intercom",
    "mailgun",
    "generic",
];

pub fn names() -> &'static [&'static str] {
    NAMES
}

/// The settings of the `generic` scheme.
#[derive(Debug, Clone)]
pub struct GenericParams {
    pub alg: Alg,
    pub encoding: Encoding,
    pub header: String,
    pub prefix: String,
}

impl Default for GenericParams {
    fn default() -> Self {
        GenericParams {
            alg: Alg::Sha256,
            encoding: Encoding::Hex,
            header: "X-Signature".into(),
            prefix: String::new(),
        }
    }
}

/// The scheme called `name`.
pub fn lookup(name: &str, generic: &GenericParams) -> Result<Box<dyn Scheme>, SchemeError> {
    Ok(match name {
        "github" => Box::new(HmacAdapter(github())),
        "github-sha1" => Box::new(HmacAdapter(github_sha1())),
        "intercom" => Box::new(HmacAdapter(intercom())),
        "stripe" => Box::new(HmacAdapter(Stripe)),
        "slack" => Box::new(HmacAdapter(slack())),
        "zoom" => Box::new(HmacAdapter(zoom())),
        "standard-webhooks" => Box::new(HmacAdapter(standard())),
        "svix" => Box::new(HmacAdapter(svix())),
        "standard-webhooks-v1a" => Box::new(StandardV1a),
        "shopify" => Box::new(HmacAdapter(Shopify)),
        "twilio" => Box::new(HmacAdapter(Twilio)),
        "gitlab" => Box::new(Gitlab),
        "discord" => Box::new(Discord),
        "square" => Box::new(HmacAdapter(Square)),
        "paddle" => Box::new(HmacAdapter(Paddle)),
        "twitch" => Box::new(HmacAdapter(Twitch)),
        "linear" => Box::new(HmacAdapter(Linear)),
        "mailgun" => Box::new(HmacAdapter(Mailgun)),
        "generic" => Box::new(HmacAdapter(Generic::new(
            generic.alg,
            generic.encoding,
            generic.header.clone(),
            generic.prefix.clone(),
        ))),
        other => return Err(SchemeError::Unknown(other.to_string())),
    })
}

/// The scheme a request was most likely signed with, from its headers (and, for
/// Mailgun, its body); `None` when no known signature is present.
pub fn detect(h: &Headers, body: Option<&[u8]>) -> Option<&'static str> {
    // Most requests carry none of the names asked for below: one pass over the
    // headers tells (each name against the list, by length first), then the chain.
    if !h.iter().any(|(k, _)| TELLING.contains(k)) {
        return body.is_some_and(looks_like_mailgun).then_some("mailgun");
    }
    let has = |n: &str| h.contains(n);
    Some(if has("stripe-signature") {
        "stripe"
    } else if has("x-slack-signature") {
        "slack"
    } else if has("svix-signature") {
        "svix"
    } else if let Some(sig) = h.get("webhook-signature") {
        if sig.split_whitespace().any(|e| e.starts_with("v1a,"))
            && !sig.split_whitespace().any(|e| e.starts_with("v1,"))
        {
            "standard-webhooks-v1a"
        } else {
            "standard-webhooks"
        }
    } else if has("x-hub-signature-256") {
        "github"
    } else if has("x-hub-signature") {
        let ua = h.get("user-agent").unwrap_or_default().to_ascii_lowercase();
        if ua.contains("intercom") && !has("x-github-event") {
            "intercom"
        } else {
            "github-sha1"
        }
    } else if has("x-shopify-hmac-sha256") || has("shopify-hmac-sha256") {
        "shopify"
    } else if has("x-twilio-signature") {
        "twilio"
    } else if has("x-gitlab-token") {
        "gitlab"
    } else if has("x-signature-ed25519") {
        "discord"
    } else if has("x-square-hmacsha256-signature") || has("x-square-signature") {
        "square"
    } else if has("paddle-signature") {
        "paddle"
    } else if has("x-zm-signature") {
        "zoom"
    } else if has("twitch-eventsub-message-signature") {
        "twitch"
    } else if has("linear-signature") {
        "linear"
    } else if has("x-signature") {
        "generic"
    } else if body.is_some_and(looks_like_mailgun) {
        "mailgun"
    } else {
        return None;
    })
}

/// Every header name that [`detect`] asks for.
const TELLING: NameSet = NameSet::new(&[
    "stripe-signature",
    "x-slack-signature",
    "svix-signature",
    "webhook-signature",
    "x-hub-signature-256",
    "x-hub-signature",
    "x-shopify-hmac-sha256",
    "shopify-hmac-sha256",
    "x-twilio-signature",
    "x-gitlab-token",
    "x-signature-ed25519",
    "x-square-hmacsha256-signature",
    "x-square-signature",
    "paddle-signature",
    "x-zm-signature",
    "twitch-eventsub-message-signature",
    "linear-signature",
    "x-signature",
]);

fn looks_like_mailgun(body: &[u8]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailgun_bodies_are_told_with_or_without_escapes() {
        assert!(looks_like_mailgun(br#"{"signature":{"token":"t","timestamp":"1"}}"#));
        assert!(looks_like_mailgun(br#"{"signature":{"tok\u0065n":"t"}}"#));
        assert!(!looks_like_mailgun(br#"{"token":"t"}"#));
        assert!(!looks_like_mailgun(br#"{"ref":"main","signature":{}}"#));
        assert!(!looks_like_mailgun(b"not json \"token\""));
    }

    #[test]
    fn every_name_resolves_to_itself() {
        for n in NAMES {
            let s = lookup(n, &GenericParams::default()).unwrap();
            assert_eq!(s.meta().name, *n);
        }
        assert!(matches!(
            lookup("nope", &GenericParams::default()),
            Err(SchemeError::Unknown(_))
        ));
    }

    /// Every name the chain in `detect` asks for is in the list its first pass uses
    /// (a name missing there would never be detected).
    #[test]
    fn the_first_pass_knows_every_name_detect_asks_for() {
        let src = include_str!("registry.rs");
        let body = &src[src.find("pub fn detect(").unwrap()..src.find("const TELLING").unwrap()];
        let mut asked = 0;
        for call in ["has(\"", "h.get(\""] {
            for (at, _) in body.match_indices(call) {
                let rest = &body[at + call.len()..];
                let name = &rest[..rest.find('"').unwrap()];
                if name != "user-agent" && name != "x-github-event" {
                    assert!(TELLING.names().contains(&name), "{name} is not in TELLING");
                    asked += 1;
                }
            }
        }
        assert!(asked >= TELLING.names().len(), "{asked} names asked for");
        for n in TELLING.names() {
            assert_ne!(
                detect(&Headers(vec![(n.to_ascii_uppercase(), "v1,x t=1,v1=x".into())]), None),
                None,
                "{n}"
            );
        }
    }

    #[test]
    fn detection() {
        let h = |n: &str, v: &str| Headers(vec![(n.to_string(), v.to_string())]);
        assert_eq!(detect(&h("Stripe-Signature", "t=1,v1=a"), None), Some("stripe"));
        assert_eq!(
            detect(&h("webhook-signature", "v1a,xx"), None),
            Some("standard-webhooks-v1a")
        );
        assert_eq!(
            detect(&h("webhook-signature", "v1,xx v1a,yy"), None),
            Some("standard-webhooks")
        );
        assert_eq!(detect(&h("X-Hub-Signature", "sha1=ab"), None), Some("github-sha1"));
        assert_eq!(detect(&h("Content-Type", "x"), None), None);
        assert_eq!(
            detect(&Headers::new(), Some(br#"{"signature":{"token":"t"}}"#)),
            Some("mailgun")
        );
    }
}
