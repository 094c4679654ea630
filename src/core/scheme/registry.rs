//! The registry: scheme names to implementations, and detection of the scheme from
//! the headers a request carries (`--scheme auto`).

use super::discord::Discord;
use super::generic::Generic;
use super::github::{github, github_sha1, intercom};
use super::gitlab::Gitlab;
use super::hmac::{Alg, Encoding, HmacAdapter};
use super::jira::Jira;
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

/// Makes a scheme; only the generic one reads its settings.
type Make = fn(&GenericParams) -> Box<dyn Scheme>;

/// Every scheme, by name, in the order listings show them. Adding a scheme is its
/// file and its line here.
const REGISTRY: &[(&str, Make)] = &[
    ("github", |_| Box::new(HmacAdapter(github()))),
    ("github-sha1", |_| Box::new(HmacAdapter(github_sha1()))),
    ("stripe", |_| Box::new(HmacAdapter(Stripe))),
    ("slack", |_| Box::new(HmacAdapter(slack()))),
    ("standard-webhooks", |_| Box::new(HmacAdapter(standard()))),
    ("standard-webhooks-v1a", |_| Box::new(StandardV1a)),
    ("svix", |_| Box::new(HmacAdapter(svix()))),
    ("shopify", |_| Box::new(HmacAdapter(Shopify))),
    ("twilio", |_| Box::new(HmacAdapter(Twilio))),
    ("gitlab", |_| Box::new(Gitlab)),
    ("discord", |_| Box::new(Discord)),
    ("square", |_| Box::new(HmacAdapter(Square))),
    ("paddle", |_| Box::new(HmacAdapter(Paddle))),
    ("zoom", |_| Box::new(HmacAdapter(zoom()))),
    ("twitch", |_| Box::new(HmacAdapter(Twitch))),
    ("linear", |_| Box::new(HmacAdapter(Linear))),
    ("intercom", |_| Box::new(HmacAdapter(intercom()))),
    ("mailgun", |_| Box::new(HmacAdapter(Mailgun))),
    ("jira", |_| Box::new(HmacAdapter(Jira))),
    ("generic", |g| {
        Box::new(HmacAdapter(Generic::new(
            g.alg,
            g.encoding,
            g.header.clone(),
            g.prefix.clone(),
        )))
    }),
];

/// Every scheme name, in the order listings show them.
pub const NAMES: &[&str] = &{
    let mut names = [""; REGISTRY.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = REGISTRY[i].0;
        i += 1;
    }
    names
};

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
    REGISTRY
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, make)| make(generic))
        .ok_or_else(|| SchemeError::Unknown(name.to_string()))
}

/// Every scheme, made once (the generic one with its default settings), in the order
/// of [`NAMES`]: for the questions asked of all of them (the listener's handshakes).
pub fn all() -> &'static [Box<dyn Scheme>] {
    static ALL: std::sync::OnceLock<Vec<Box<dyn Scheme>>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        NAMES
            .iter()
            .map(|n| lookup(n, &GenericParams::default()).expect("every registered name resolves"))
            .collect()
    })
}

/// The headers in which some scheme sends its secret as it is
/// ([`super::SchemeMeta::secret_header`]), lower-case, worked out once.
pub fn secret_headers() -> &'static [&'static str] {
    static HEADERS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        let mut v: Vec<&'static str> = all().iter().filter_map(|s| s.meta().secret_header()).collect();
        v.dedup();
        v
    })
}

/// The scheme a request was most likely signed with, from its headers (and, for a
/// scheme that signs in the body, its body); `None` when no known signature is
/// present. Each scheme says how it is told ([`super::SchemeMeta::told_by`]).
pub fn detect(h: &Headers, body: Option<&[u8]>) -> Option<&'static str> {
    let by_headers = told_in_order().iter().find(|s| s.meta().told_by.by_headers(h));
    let by_body = || {
        let body = body?;
        told_in_order()
            .iter()
            .find(|s| s.meta().told_by.body.is_some_and(|f| f(body)))
    };
    by_headers.or_else(by_body).map(|s| s.meta().name)
}

/// Every scheme, in the order [`detect`] asks their headers: by
/// [`ToldBy::rank`](super::ToldBy::rank), then in the registry's order.
fn told_in_order() -> &'static [&'static dyn Scheme] {
    static ORDER: std::sync::OnceLock<Vec<&'static dyn Scheme>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut v: Vec<&'static dyn Scheme> = all().iter().map(|s| &**s).collect();
        v.sort_by_key(|s| s.meta().told_by.rank);
        v
    })
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
        let told = |b: &[u8]| detect(&Headers::new(), Some(b)) == Some("mailgun");
        assert!(told(br#"{"signature":{"token":"t","timestamp":"1"}}"#));
        assert!(told(br#"{"signature":{"tok\u0065n":"t"}}"#));
        assert!(!told(br#"{"token":"t"}"#));
        assert!(!told(br#"{"ref":"main","signature":{}}"#));
        assert!(!told(b"not json \"token\""));
    }

    #[test]
    fn every_name_resolves_to_itself() {
        let mut unique = NAMES.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), NAMES.len(), "a name registered twice");
        for n in NAMES {
            let s = lookup(n, &GenericParams::default()).unwrap();
            assert_eq!(s.meta().name, *n);
        }
        assert!(matches!(
            lookup("nope", &GenericParams::default()),
            Err(SchemeError::Unknown(_))
        ));
    }

    /// Every telling header, in any case, tells its scheme (or, for a header two
    /// schemes share, one of them), and every scheme is told by something: a header
    /// or its body.
    #[test]
    fn every_telling_header_tells_its_scheme() {
        for s in all() {
            let t = s.meta().told_by;
            let name = s.meta().name;
            assert!(
                !t.headers.is_empty() || t.body.is_some(),
                "{name}: nothing tells it for --scheme auto"
            );
            for n in t.headers {
                assert_eq!(*n, n.to_ascii_lowercase(), "{name}");
                let h = Headers(vec![(n.to_ascii_uppercase(), "v1,x t=1,v1=x".into())]);
                let told = detect(&h, None).unwrap_or_else(|| panic!("{n} tells no scheme"));
                let sharing: Vec<&str> = all()
                    .iter()
                    .filter(|o| o.meta().told_by.headers.contains(n))
                    .map(|o| o.meta().name)
                    .collect();
                assert!(sharing.contains(&told), "{n} tells {told}, not one of {sharing:?}");
            }
        }
        assert_eq!(
            detect(&Headers(vec![("content-length".into(), "1".into())]), None),
            None
        );
    }

    /// A request each catalog event stands for, signed with its scheme, is told to be
    /// that scheme's.
    #[test]
    fn every_signed_catalog_event_is_told_its_scheme() {
        use super::super::{KeyPair, SignParams, SignatureIn};
        use crate::core::secret::Secret;
        for e in crate::core::event::catalog() {
            let ev = e.render(&[]).unwrap();
            let Some(name) = ev.scheme.as_deref() else { continue };
            let s = lookup(name, &GenericParams::default()).unwrap();
            let key = match s.keygen() {
                KeyPair::Secret { secret } => secret,
                KeyPair::Pair { private_key, .. } => private_key,
            };
            let p = SignParams {
                url: Some("https://example.com/hook".into()),
                ..SignParams::now()
            };
            let signed = s.sign(&Secret::from_arg(&key).unwrap(), &p, &mut &ev.body[..]).unwrap();
            let body = match s.signature_in() {
                SignatureIn::Body { write } => write(&ev.body, &signed.fields),
                SignatureIn::Headers(_) => ev.body.clone(),
            };
            let mut headers = ev.headers.clone();
            headers.0.extend(signed.headers);
            assert_eq!(detect(&headers, Some(&body)), Some(name), "{}", e.name);
        }
    }

    /// Where a request carries the headers of several schemes, the same one wins as
    /// always: the order of [`super::super::Rank`].
    #[test]
    fn several_telling_headers_tell_the_first_ranked() {
        let h = |names: &[&str]| Headers(names.iter().map(|n| (n.to_string(), "v1,x".to_string())).collect());
        for (names, told) in [
            (&["webhook-signature", "svix-signature"][..], "svix"),
            (&["x-hub-signature", "x-hub-signature-256"], "github"),
            (&["x-hub-signature-256", "stripe-signature"], "stripe"),
            (&["x-hub-signature", "webhook-signature"], "standard-webhooks"),
            (&["x-shopify-hmac-sha256", "x-hub-signature"], "github-sha1"),
            (&["linear-signature", "x-signature"], "linear"),
            (&["x-signature", "paddle-signature", "x-twilio-signature"], "twilio"),
            (&["linear-signature", "x-slack-signature", "stripe-signature"], "stripe"),
        ] {
            assert_eq!(detect(&h(names), None), Some(told), "{names:?}");
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
        assert_eq!(detect(&h("X-Hub-Signature", "sha256=ab"), None), Some("jira"));
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
        let body = match s.signature_in() {
            super::super::SignatureIn::Body { write } => write(&body, &signed.fields),
            super::super::SignatureIn::Headers(_) => body,
        };
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

    /// Every registered scheme answers the facts asked of it (where its signature
    /// travels, when a request was signed, the refresh of a timestamp in its body), and
    /// the answers fit what it signs: a header it sends that `replay --resign` did not
    /// know of would travel stale beside the fresh one; a timestamp it signs but cannot
    /// tell would hide a stale capture.
    #[test]
    fn every_scheme_answers_its_facts() {
        use super::super::{KeyPair, SignParams, SignatureIn};
        use crate::core::secret::Secret;
        let at = |secs: i64| jiff::Timestamp::from_second(secs).unwrap();
        for name in NAMES {
            let s = lookup(name, &GenericParams::default()).unwrap();
            let key = match s.keygen() {
                KeyPair::Secret { secret } => secret,
                KeyPair::Pair { private_key, .. } => private_key,
            };
            let p = SignParams {
                timestamp: NOW,
                nanos: 0,
                id: "msg_facts".into(),
                url: Some("https://example.com/hook".into()),
            };
            let body = format!(r#"{{"webhookTimestamp":{},"type":"x"}}"#, NOW * 1000).into_bytes();
            let signed = s.sign(&Secret::from_arg(&key).unwrap(), &p, &mut &body[..]).unwrap();
            let body = match s.signature_in() {
                SignatureIn::Headers(names) => {
                    assert!(!names.is_empty(), "{name} names no signature header");
                    assert!(signed.fields.is_empty(), "{name} signs into the body: {signed:?}");
                    for n in names {
                        assert_eq!(*n, n.to_ascii_lowercase(), "{name}");
                    }
                    for (h, _) in &signed.headers {
                        let h = h.to_ascii_lowercase();
                        assert!(names.contains(&h.as_str()), "{name} sends {h}, not in {names:?}");
                    }
                    body
                }
                SignatureIn::Body { write } => {
                    assert!(!signed.fields.is_empty(), "{name} writes no field into the body");
                    assert!(signed.headers.is_empty(), "{name} also signs headers: {signed:?}");
                    write(&body, &signed.fields)
                }
            };
            assert_eq!(
                s.as_hmac().is_some(),
                s.meta().hmac.is_some(),
                "{name}: an HMAC scheme, and only one, gives its HmacFormat"
            );
            let headers: Headers = signed.headers.into_iter().collect();
            let timestamped = TIMESTAMPED.with(|t| t.contains(name));
            assert_eq!(
                s.signed_at(&headers, &body),
                timestamped.then_some(NOW),
                "{name}: when it was signed"
            );
            // A timestamp read from the body is one that re-signing must refresh.
            let in_body = s.signed_at(&headers, b"{}") != s.signed_at(&headers, &body);
            let refreshed = s.refresh_body_timestamp(&body, at(NOW + 100));
            if in_body && matches!(s.signature_in(), SignatureIn::Headers(_)) {
                let b = refreshed
                    .unwrap_or_else(|| panic!("{name} keeps its timestamp in the body but does not refresh it"));
                assert_eq!(s.signed_at(&headers, &b), Some(NOW + 100), "{name}");
            } else {
                assert_eq!(refreshed, None, "{name}");
            }
        }
    }

    /// Every scheme's delivery facts (what `hookcat check` goes by) fit what it signs:
    /// a reason exactly where there is no tolerance, a handshake event its scheme
    /// answers, a weaker companion of the same provider, several signatures that its
    /// own verifier takes with one right.
    #[test]
    fn every_scheme_answers_its_delivery_facts() {
        use super::super::{Handshake, KeyPair, Known, SignParams};
        use crate::core::body::Body;
        use crate::core::secret::Secret;
        for name in NAMES {
            let s = lookup(name, &GenericParams::default()).unwrap();
            let f = s.delivery_facts();
            assert_eq!(
                f.untimed.is_some(),
                s.meta().tolerance.is_none(),
                "{name}: a reason exactly when there is no tolerance"
            );
            for why in [
                f.timeout.get().err(),
                f.max_body.get().err(),
                f.several_signatures.get().err(),
                f.weaker_companion.get().err(),
                f.handshake_event.get().err(),
                f.untimed,
            ]
            .into_iter()
            .flatten()
            {
                assert!(!why.trim().is_empty(), "{name}: an empty reason");
                // Shown to the user as a case's reason: the source marks belong in the
                // doc comment, and `check` adds the advice to give --timeout itself.
                for mark in ["[doc", "[mem", "[lib", "[3p"] {
                    assert!(!why.contains(mark), "{name}: a source mark in the reason `{why}`");
                }
                assert!(!why.contains("--timeout"), "{name}: `{why}`");
            }
            if let Known::Is(t) = f.timeout {
                assert!(!t.is_zero(), "{name}");
            }
            // The key that signs, and the one that verifies (the same, but for Ed25519).
            let keys = |k: KeyPair| match k {
                KeyPair::Secret { secret } => (secret.clone(), secret),
                KeyPair::Pair {
                    private_key,
                    public_key,
                } => (private_key, public_key),
            };
            let (sign_key, verify_key) = keys(s.keygen());
            let secret = Secret::from_arg(&sign_key).unwrap();
            if let Known::Is(event) = f.handshake_event {
                let e = crate::core::event::find(event).unwrap();
                assert_eq!(e.scheme.as_deref(), Some(*name));
                let ev = e.render(&[]).unwrap();
                assert!(
                    matches!(
                        s.handshake(&ev.headers, &ev.body, Some(&secret)),
                        Some(Handshake::Answer { .. })
                    ),
                    "{name} does not answer {event}"
                );
            }
            if let Known::Is(c) = f.weaker_companion {
                let c = lookup(c, &GenericParams::default()).unwrap();
                assert_eq!(c.meta().provider, s.meta().provider, "{name}");
            }
            if let Known::Is(combine) = f.several_signatures {
                let wrong = Secret::from_arg(&keys(s.keygen()).0).unwrap();
                let p = SignParams {
                    timestamp: NOW,
                    nanos: 0,
                    id: "msg_rotation".into(),
                    url: None,
                };
                let body = b"{\"type\":\"x\"}".to_vec();
                let h = s.meta().signature_header;
                let sign =
                    |k: &Secret| -> Headers { s.sign(k, &p, &mut &body[..]).unwrap().headers.into_iter().collect() };
                let (mut right, bad) = (sign(&secret), sign(&wrong));
                let both = combine(right.get(h).unwrap(), bad.get(h).unwrap());
                right.set(h, both);
                let verify = |headers: &Headers, k: &Secret| {
                    let b = Body::Mem(body.clone());
                    let req = super::super::VerifyRequest {
                        headers,
                        body: &b,
                        url: None,
                        now: NOW,
                        tolerance: None,
                    };
                    s.verify(k, &req).unwrap().valid
                };
                let k = Secret::from_arg(&verify_key).unwrap();
                assert!(verify(&right, &k), "{name}: the right signature among several");
                assert!(!verify(&bad, &k), "{name}");
            }
        }
    }

    /// Each provider's handshake is answered by its scheme alone, and ordinary events
    /// by none.
    #[test]
    fn every_handshake_is_its_schemes() {
        use crate::core::secret::Secret;
        let secret = Secret::from_arg("s3cret").unwrap();
        let mut answered = Vec::new();
        for e in crate::core::event::catalog() {
            let ev = e.render(&[]).unwrap();
            let by: Vec<&str> = all()
                .iter()
                .filter(|s| s.handshake(&ev.headers, &ev.body, Some(&secret)).is_some())
                .map(|s| s.meta().name)
                .collect();
            if !by.is_empty() {
                assert_eq!(by, [ev.scheme.as_deref().unwrap()], "{}", e.name);
                answered.push(e.name.as_str());
            }
        }
        answered.sort();
        assert_eq!(
            answered,
            [
                "slack.url_verification",
                "twitch.webhook_callback_verification",
                "zoom.endpoint.url_validation"
            ]
        );
    }

    #[test]
    fn the_handshakes_answer_as_the_providers_expect() {
        use super::super::Handshake;
        use crate::core::secret::Secret;
        let h = |n: &str, v: &str| Headers(vec![(n.to_string(), v.to_string())]);
        let slack = lookup("slack", &GenericParams::default()).unwrap();
        let a = slack.handshake(
            &Headers::new(),
            br#"{"type":"url_verification","challenge":"c1"}"#,
            None,
        );
        assert!(
            matches!(&a, Some(Handshake::Answer { content_type: "application/json", body, .. }) if body == br#"{"challenge":"c1"}"#),
            "{a:?}"
        );
        let twitch = lookup("twitch", &GenericParams::default()).unwrap();
        let t = h("Twitch-Eventsub-Message-Type", "webhook_callback_verification");
        let a = twitch.handshake(&t, br#"{"challenge":"c2"}"#, None);
        assert!(
            matches!(&a, Some(Handshake::Answer { content_type: "text/plain", body, .. }) if body == b"c2"),
            "{a:?}"
        );
        assert_eq!(twitch.handshake(&Headers::new(), br#"{"challenge":"c2"}"#, None), None);
        let zoom = lookup("zoom", &GenericParams::default()).unwrap();
        let body = br#"{"event":"endpoint.url_validation","payload":{"plainToken":"p"}}"#;
        assert!(matches!(
            zoom.handshake(&Headers::new(), body, None),
            Some(Handshake::NeedsSecret { .. })
        ));
        let secret = Secret::from_arg("k").unwrap();
        let Some(Handshake::Answer { body, .. }) = zoom.handshake(&Headers::new(), body, Some(&secret)) else {
            panic!("zoom answers with the secret");
        };
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["plainToken"], "p");
        assert_eq!(
            v["encryptedToken"],
            super::super::zoom::url_validation_token(b"k", "p").as_str()
        );
    }

    /// Each scheme's own answer to its handshake passes its check; an answer that
    /// does not echo, or a Zoom token made with another secret, does not.
    #[test]
    fn an_apps_answer_to_a_handshake_is_checked() {
        use crate::core::secret::Secret;
        let g = GenericParams::default();
        let secret = Secret::from_arg("k").unwrap();
        let tw = Headers(vec![(
            "Twitch-Eventsub-Message-Type".into(),
            "webhook_callback_verification".into(),
        )]);
        let zoom_body: &[u8] = br#"{"event":"endpoint.url_validation","payload":{"plainToken":"p"}}"#;
        let cases: [(&str, &Headers, &[u8]); 3] = [
            (
                "slack",
                &Headers::new(),
                br#"{"type":"url_verification","challenge":"c1"}"#,
            ),
            ("twitch", &tw, br#"{"challenge":"c2"}"#),
            ("zoom", &Headers::new(), zoom_body),
        ];
        for (name, headers, body) in cases {
            let h = lookup(name, &g)
                .unwrap()
                .handshake(headers, body, Some(&secret))
                .unwrap();
            let super::super::Handshake::Answer { body: answer, .. } = &h else {
                panic!("{name}")
            };
            let ok = h.expect().check(200, answer);
            assert!(ok.ok, "{name}: {ok:?}");
            for wrong in [&br#"{"ok":true}"#[..], b""] {
                let no = h.expect().check(200, wrong);
                assert!(!no.ok && no.message.contains("does not echo"), "{name}: {no:?}");
            }
            assert!(!h.expect().check(404, answer).ok, "{name}");
        }
        // Slack also takes the challenge as plain text.
        let slack = lookup("slack", &g).unwrap();
        let h = slack
            .handshake(
                &Headers::new(),
                br#"{"type":"url_verification","challenge":"c1"}"#,
                None,
            )
            .unwrap();
        assert!(h.expect().check(200, b"c1").ok);
        // Zoom's token made with another secret; and without a secret only the echo is checked.
        let zoom = lookup("zoom", &g).unwrap();
        let h = zoom.handshake(&Headers::new(), zoom_body, Some(&secret)).unwrap();
        let other = super::super::zoom::url_validation_token(b"other", "p");
        let no = h.expect().check(
            200,
            format!(r#"{{"plainToken":"p","encryptedToken":"{other}"}}"#).as_bytes(),
        );
        assert!(!no.ok && no.message.contains("secret token is wrong"), "{no:?}");
        let h = zoom.handshake(&Headers::new(), zoom_body, None).unwrap();
        let unchecked = h.expect().check(
            200,
            format!(r#"{{"plainToken":"p","encryptedToken":"{other}"}}"#).as_bytes(),
        );
        assert!(
            unchecked.ok && unchecked.message.contains("not checked"),
            "{unchecked:?}"
        );
    }
}
