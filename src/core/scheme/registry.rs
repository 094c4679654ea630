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
use crate::core::headers::Headers;

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

/// The headers in which some scheme sends its secret as it is
/// ([`super::SchemeMeta::secret_header`]), lower-case, worked out once.
pub fn secret_headers() -> &'static [&'static str] {
    static HEADERS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        let mut v: Vec<&'static str> = NAMES
            .iter()
            .filter_map(|n| lookup(n, &GenericParams::default()).ok())
            .filter_map(|s| s.meta().secret_header())
            .collect();
        v.dedup();
        v
    })
}

/// The scheme a request was most likely signed with, from its headers (and, for
/// Mailgun, its body); `None` when no known signature is present.
pub fn detect(h: &Headers, body: Option<&[u8]>) -> Option<&'static str> {
    // The first scheme told, in the table's order, wins.
    for (names, scheme) in TOLD_BY {
        if names.iter().any(|n| h.contains(n)) {
            return Some(scheme(h));
        }
    }
    body.is_some_and(looks_like_mailgun).then_some("mailgun")
}

/// The headers that tell each scheme, in the order [`detect`] asks for them, and the
/// scheme they tell (some look at more of the request).
type Told = (&'static [&'static str], fn(&Headers) -> &'static str);
const TOLD_BY: &[Told] = &[
    (&["stripe-signature"], |_| "stripe"),
    (&["x-slack-signature"], |_| "slack"),
    (&["svix-signature"], |_| "svix"),
    (&["webhook-signature"], |h| {
        let sig = h.get("webhook-signature").unwrap_or_default();
        if sig.split_whitespace().any(|e| e.starts_with("v1a,"))
            && !sig.split_whitespace().any(|e| e.starts_with("v1,"))
        {
            "standard-webhooks-v1a"
        } else {
            "standard-webhooks"
        }
    }),
    (&["x-hub-signature-256"], |_| "github"),
    (&["x-hub-signature"], |h| {
        let ua = h.get("user-agent").unwrap_or_default().to_ascii_lowercase();
        if ua.contains("intercom") && !h.contains("x-github-event") {
            "intercom"
        } else {
            "github-sha1"
        }
    }),
    (&["x-shopify-hmac-sha256", "shopify-hmac-sha256"], |_| "shopify"),
    (&["x-twilio-signature"], |_| "twilio"),
    (&["x-gitlab-token"], |_| "gitlab"),
    (&["x-signature-ed25519"], |_| "discord"),
    (&["x-square-hmacsha256-signature", "x-square-signature"], |_| "square"),
    (&["paddle-signature"], |_| "paddle"),
    (&["x-zm-signature"], |_| "zoom"),
    (&["twitch-eventsub-message-signature"], |_| "twitch"),
    (&["linear-signature"], |_| "linear"),
    (&["x-signature"], |_| "generic"),
];

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
    fn gitlab_sends_its_secret_as_a_header() {
        assert_eq!(secret_headers(), ["x-gitlab-token"]);
    }

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

    /// Every telling header, in any case, tells its scheme.
    #[test]
    fn every_telling_header_tells_its_scheme() {
        for (names, scheme) in TOLD_BY {
            for n in *names {
                let h = Headers(vec![(n.to_ascii_uppercase(), "v1,x t=1,v1=x".into())]);
                assert_eq!(detect(&h, None), Some(scheme(&h)), "{n}");
            }
        }
        assert_eq!(
            detect(&Headers(vec![("content-length".into(), "1".into())]), None),
            None
        );
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

    /// Now, for the timestamp tests: 2023-11-14.
    const NOW: i64 = 1_700_000_000;

    /// `scheme` signs a request whose timestamp is the text `ts` (in its header, or as
    /// the body's `webhookTimestamp` for a scheme that keeps it there, in milliseconds),
    /// and verifies it at [`NOW`].
    fn verify_with_timestamp(name: &str, ts: &str) -> Result<super::super::Verdict, SchemeError> {
        use super::super::{KeyPair, SignParams, VerifyRequest};
        use crate::core::body::Body;
        use crate::core::secret::Secret;
        let s = lookup(name, &GenericParams::default()).unwrap();
        let (sign_key, verify_key) = match s.keygen() {
            KeyPair::Secret { secret } => (secret.clone(), secret),
            KeyPair::Pair {
                private_key,
                public_key,
            } => (private_key, public_key),
        };
        let in_body = if serde_json::from_str::<serde_json::Value>(ts).is_ok_and(|v| v.is_number()) {
            ts.to_string()
        } else {
            serde_json::to_string(ts).unwrap()
        };
        let body = format!(r#"{{"webhookTimestamp":{in_body},"type":"x"}}"#).into_bytes();
        let url = "https://example.com/hook?a=1";
        let p = SignParams {
            timestamp: NOW,
            nanos: 0,
            id: "msg_extreme".into(),
            url: Some(url.into()),
        };
        let signed = s
            .sign_timestamp_text(&Secret::from_arg(&sign_key).unwrap(), &p, ts, &mut &body[..])
            .unwrap();
        let body = crate::core::deliver::apply_body_fields(&body, &signed.fields);
        let headers: Headers = signed.headers.into_iter().collect();
        let b = Body::Mem(body);
        let req = VerifyRequest {
            headers: &headers,
            body: &b,
            url: Some(signed.signed_url.as_deref().unwrap_or(url)),
            now: NOW,
            tolerance: None,
        };
        s.verify(&Secret::from_arg(&verify_key).unwrap(), &req)
    }

    /// The schemes whose signature carries a timestamp: signed at [`NOW`] (in the form
    /// each sends it), they verify and tell the timestamp.
    fn timestamped() -> Vec<&'static str> {
        let mut out = Vec::new();
        for name in NAMES {
            // The timestamp text each scheme sends for NOW: unix seconds, RFC 3339
            // (Twitch), milliseconds (in the body: Linear).
            let candidates = [
                NOW.to_string(),
                super::super::twitch::rfc3339_nanos(NOW, 0),
                (NOW * 1000).to_string(),
            ];
            let told = candidates
                .iter()
                .any(|t| verify_with_timestamp(name, t).is_ok_and(|v| v.valid && v.timestamp == Some(NOW)));
            if told {
                out.push(*name);
            }
        }
        out
    }

    #[test]
    fn the_schemes_with_a_timestamp_are_known() {
        let t = timestamped();
        for name in [
            "stripe",
            "slack",
            "standard-webhooks",
            "standard-webhooks-v1a",
            "svix",
            "discord",
            "paddle",
            "zoom",
            "twitch",
            "linear",
            "mailgun",
        ] {
            assert!(t.contains(&name), "{name} is not seen to carry a timestamp: {t:?}");
        }
    }

    /// A timestamp text that no clock of the last and next centuries gives, or that is
    /// no number at all.
    fn extreme() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just(i64::MIN.to_string()),
            Just(i64::MAX.to_string()),
            Just("100000000000000000000".to_string()),
            Just("-100000000000000000000".to_string()),
            Just("-1".to_string()),
            Just("-1e300".to_string()),
            Just("1e300".to_string()),
            Just("1700000000.5".to_string()),
            Just("1.7e9".to_string()),
            Just("NaN".to_string()),
            Just(String::new()),
            Just("abc".to_string()),
            (i64::MIN..-1).prop_map(|n| n.to_string()),
            (300_000_000_000_000i64..i64::MAX).prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|f| format!("{f:?}")),
            "[a-zA-Z:. -]{1,12}",
        ]
    }

    proptest::proptest! {
        /// Every scheme that carries a timestamp refuses, with a reason, a request signed
        /// right whose timestamp is no time (never valid, never a panic).
        #[test]
        fn every_scheme_refuses_a_timestamp_that_is_no_time(ts in extreme()) {
            for name in NAMES {
                let v = verify_with_timestamp(name, &ts);
                let v = match v {
                    Ok(v) => v,
                    Err(e) => {
                        proptest::prop_assert!(false, "{} with timestamp {:?}: {}", name, ts, e);
                        unreachable!()
                    }
                };
                if TIMESTAMPED.with(|t| t.contains(name)) {
                    proptest::prop_assert!(!v.valid, "{} took timestamp {:?}: {:?}", name, ts, v);
                    proptest::prop_assert!(
                        v.reason.to_ascii_lowercase().contains("timestamp"),
                        "{} with timestamp {:?}: {:?}", name, ts, v
                    );
                } else {
                    // A scheme without a timestamp signs none: the text changes nothing.
                    proptest::prop_assert!(v.valid && v.timestamp.is_none(), "{} {:?}: {:?}", name, ts, v);
                }
            }
        }
    }

    thread_local! {
        static TIMESTAMPED: Vec<&'static str> = timestamped();
    }
}
