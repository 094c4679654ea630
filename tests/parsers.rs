//! Property tests for the header parsers: they never panic on any input, and what a
//! scheme signs, the same scheme parses and verifies.

use hookcat::core::body::Body;
use hookcat::core::headers::{parse_header_arg, parse_header_block, Headers};
use hookcat::core::scheme::{lookup, GenericParams, SignParams, VerifyRequest};
use hookcat::core::secret::Secret;
use proptest::prelude::*;

const SCHEMES: &[&str] = &[
    "github",
    "github-sha1",
    "stripe",
    "slack",
    "standard-webhooks",
    "svix",
    "shopify",
    "square",
    "paddle",
    "zoom",
    "twitch",
    "intercom",
    "generic",
];

fn verify_with(scheme: &str, name: &str, value: &str, body: &[u8]) {
    let s = lookup(scheme, &GenericParams::default()).unwrap();
    let mut h = Headers::new();
    h.push(name, value);
    // Companion headers so the parser reaches the signature header.
    for (n, v) in [
        ("X-Slack-Request-Timestamp", "1"),
        ("webhook-id", "m"),
        ("webhook-timestamp", "1"),
        ("svix-id", "m"),
        ("svix-timestamp", "1"),
        ("x-zm-request-timestamp", "1"),
        ("Twitch-Eventsub-Message-Id", "m"),
        ("Twitch-Eventsub-Message-Timestamp", "2026-01-01T00:00:00.1Z"),
    ] {
        h.push(n, v);
    }
    let body = Body::Mem(body.to_vec());
    let req = VerifyRequest {
        headers: &h,
        body: &body,
        url: Some("https://x/y"),
        now: 1,
        tolerance: None,
    };
    let secret = Secret::from_arg("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    // Any answer is fine; a panic is not.
    let _ = s.verify(&secret, &req);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn signature_headers_never_panic(value in ".{0,200}", body in proptest::collection::vec(any::<u8>(), 0..64)) {
        for (scheme, header) in [
            ("stripe", "Stripe-Signature"),
            ("standard-webhooks", "webhook-signature"),
            ("svix", "svix-signature"),
            ("paddle", "Paddle-Signature"),
            ("github", "X-Hub-Signature-256"),
            ("slack", "X-Slack-Signature"),
            ("twitch", "Twitch-Eventsub-Message-Signature"),
            ("shopify", "X-Shopify-Hmac-Sha256"),
            ("square", "x-square-hmacsha256-signature"),
            ("zoom", "x-zm-signature"),
        ] {
            verify_with(scheme, header, &value, &body);
        }
    }

    #[test]
    fn structured_stripe_and_paddle_headers_never_panic(
        parts in proptest::collection::vec(("[a-z0-9]{0,3}", "[=,;]?", "[ -~]{0,12}"), 0..6)
    ) {
        let v: String = parts.iter().map(|(k, sep, val)| format!("{k}={val}{sep}")).collect();
        verify_with("stripe", "Stripe-Signature", &v, b"{}");
        verify_with("paddle", "Paddle-Signature", &v, b"{}");
        verify_with("standard-webhooks", "webhook-signature", &v.replace('=', ","), b"{}");
    }

    #[test]
    fn header_arguments_and_blocks_never_panic(s in ".{0,120}") {
        let _ = parse_header_arg(&s);
        let _ = parse_header_block(&s);
    }

    #[test]
    fn what_a_scheme_signs_it_verifies(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        secret in "[ -~]{1,40}",
        ts in 1_000_000_000i64..4_000_000_000,
        idx in 0usize..SCHEMES.len(),
    ) {
        let name = SCHEMES[idx];
        let secret = if matches!(name, "standard-webhooks" | "svix") { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string() } else { secret };
        let s = lookup(name, &GenericParams::default()).unwrap();
        let sec = Secret::from_arg(&secret).unwrap();
        let p = SignParams { timestamp: ts, nanos: 5, id: "msg_prop".into(), url: Some("https://example.com/h?q=1".into()) };
        let signed = s.sign(&sec, &p, &mut &body[..]).unwrap();
        let headers: Headers = signed.headers.into_iter().collect();
        let b = Body::Mem(body.clone());
        let req = VerifyRequest { headers: &headers, body: &b, url: Some("https://example.com/h?q=1"), now: ts, tolerance: None };
        let v = s.verify(&sec, &req).unwrap();
        prop_assert!(v.valid, "{} {:?}", name, v);
        // One changed byte is refused.
        if !body.is_empty() {
            let mut t = body.clone();
            t[0] ^= 0x80;
            let b = Body::Mem(t);
            let req = VerifyRequest { body: &b, ..req };
            prop_assert!(!s.verify(&sec, &req).unwrap().valid);
        }
    }
}
