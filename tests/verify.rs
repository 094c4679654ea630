//! `hookcat verify`: each diagnosis, auto-detection, header files, JSON output, and
//! bad input (each a clear message and exit 1 or 2, never a panic). In-process; one
//! test signs a 1 GiB file through the binary.

mod common;

use common::{hookcat, run};
use serde_json::Value;

/// Signs `body` with `scheme`; returns the `Name: value` lines.
fn sign(scheme: &str, secret: &str, body: &[u8], extra: &[&str]) -> Vec<String> {
    let secret = format!("--secret={secret}");
    let mut args = vec!["sign", "--scheme", scheme, &secret];
    args.extend_from_slice(extra);
    run(&args, body).code(0).out().lines().map(str::to_string).collect()
}

/// Verifies and returns (exit code, JSON verdict).
fn verify(scheme: &str, secret: &str, headers: &[String], body: &[u8], extra: &[&str]) -> (i32, Value) {
    let secret = format!("--secret={secret}");
    let mut args = vec!["verify", "--json", "--scheme", scheme, &secret];
    args.extend_from_slice(extra);
    for h in headers {
        args.extend(["-H", h.as_str()]);
    }
    let r = run(&args, body);
    (r.code.into(), r.json())
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn diagnosed(
    scheme: &str,
    secret_signed: &str,
    signed_body: &[u8],
    secret_verify: &str,
    received_body: &[u8],
    extra: &[&str],
) -> Vec<String> {
    let h = sign(scheme, secret_signed, signed_body, extra);
    let (code, v) = verify(scheme, secret_verify, &h, received_body, extra);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["valid"], false);
    codes(&v)
}

/// A request signed with one secret and body, verified with another secret over the
/// body received: `(scheme, signed with, signed body, verified with, received body,
/// the one diagnosis wanted)`.
type Changed<'a> = (&'a str, &'a str, &'a [u8], &'a str, &'a [u8], &'a str);

/// Runs each case: it must be refused with exactly its diagnosis. A failure names the
/// case.
fn assert_diagnosed(cases: &[Changed<'_>]) {
    for (n, &(scheme, signed_with, signed, verified_with, received, want)) in cases.iter().enumerate() {
        assert_eq!(
            diagnosed(scheme, signed_with, signed, verified_with, received, &[]),
            [want],
            "case {n} ({scheme}, signed with {signed_with:?}, verified with {verified_with:?})"
        );
    }
}

const JSON: &[u8] = r#"{"id":"evt_1","amount":2500,"name":"Zoë","items":[1,2]}"#.as_bytes();

#[test]
fn valid_is_silent_and_json_has_the_verdict() {
    let h = sign("stripe", "whsec_abc", JSON, &[]);
    let r = run(
        &["verify", "--scheme", "stripe", "--secret=whsec_abc", "-H", &h[0]],
        JSON,
    );
    r.code(0);
    assert_eq!((r.out(), r.err()), (String::new(), String::new()));
    let (code, v) = verify("stripe", "whsec_abc", &h, JSON, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["scheme"], "stripe");
    assert!(v["matched"].as_str().unwrap().len() == 64);
}

#[test]
fn trailing_newline_added_and_removed() {
    let mut with_nl = JSON.to_vec();
    with_nl.push(b'\n');
    assert_diagnosed(&[
        ("github", "s3cret", JSON, "s3cret", &with_nl, "trailing_newline_added"),
        ("github", "s3cret", &with_nl, "s3cret", JSON, "trailing_newline_removed"),
    ]);
}

#[test]
fn crlf_and_lf() {
    let lf = b"line one\nline two\n";
    let crlf = b"line one\r\nline two\r\n";
    assert_diagnosed(&[
        ("slack", "s3cret", lf, "s3cret", crlf, "crlf_line_endings"),
        ("slack", "s3cret", crlf, "s3cret", lf, "lf_line_endings"),
    ]);
}

#[test]
fn json_reserialised_pretty_compact_sorted_escaped() {
    let pretty = serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(JSON).unwrap()).unwrap();
    // Signed compact, received pretty.
    let c = diagnosed(
        "standard-webhooks",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        JSON,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        &pretty,
        &[],
    );
    assert_eq!(c, ["json_reserialized"]);
    // Signed pretty, received compact.
    assert_diagnosed(&[("shopify", "k", &pretty, "k", JSON, "json_reserialized")]);
    // Key order.
    let sorted = r#"{"amount":2500,"id":"evt_1","items":[1,2],"name":"Zoë"}"#.as_bytes();
    let h = sign("github", "k", sorted, &[]);
    let (_, v) = verify("github", "k", &h, JSON, &[]);
    assert_eq!(codes(&v), ["json_reserialized"]);
    assert!(
        v["diagnosis"][0]["message"].as_str().unwrap().contains("keys sorted"),
        "{v}"
    );
    // Escaped unicode.
    let escaped = br#"{"id":"evt_1","amount":2500,"name":"Zo\u00eb","items":[1,2]}"#;
    let h = sign("github", "k", escaped, &[]);
    let (_, v) = verify("github", "k", &h, JSON, &[]);
    assert!(
        v["diagnosis"][0]["message"].as_str().unwrap().contains("\\uXXXX"),
        "{v}"
    );
}

#[test]
fn secret_with_whitespace_on_either_side() {
    assert_diagnosed(&[
        ("github", "s3cret", JSON, "s3cret\n", JSON, "secret_whitespace"),
        ("github", "s3cret", JSON, " s3cret ", JSON, "secret_whitespace"),
        ("github", "s3cret\n", JSON, "s3cret", JSON, "secret_newline_in_sender"),
    ]);
}

#[test]
fn whsec_used_raw_or_decoded() {
    // Standard Webhooks verifier, sender used the whole string as its key (as Stripe
    // does): sign with a secret whose base64 decodes to the raw string's bytes.
    use base64::Engine;
    let raw = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let as_b64 = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(raw));
    let h = sign("standard-webhooks", &as_b64, JSON, &["--id", "msg_1"]);
    let (code, v) = verify("standard-webhooks", raw, &h, JSON, &[]);
    assert_eq!((code, codes(&v)), (1, vec!["whsec_as_raw_string".to_string()]));
    // Stripe verifier, sender base64-decoded the secret (the Standard Webhooks way).
    let decoded = base64::engine::general_purpose::STANDARD
        .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap();
    let decoded = String::from_utf8_lossy(&decoded).into_owned();
    if !decoded.contains('\u{fffd}') {
        assert_diagnosed(&[("stripe", &decoded, JSON, raw, JSON, "whsec_base64_decoded")]);
    }
    // Stripe verifier, sender dropped the prefix.
    assert_diagnosed(&[(
        "stripe",
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        JSON,
        raw,
        JSON,
        "whsec_prefix_stripped",
    )]);
}

#[test]
fn encodings_and_case() {
    // Upper-case hex.
    let h = sign("github", "k", JSON, &[]);
    let upper = h[0].replacen(
        h[0].split('=').nth(1).unwrap(),
        &h[0].split('=').nth(1).unwrap().to_uppercase(),
        1,
    );
    let (code, v) = verify("github", "k", &[upper], JSON, &[]);
    assert_eq!((code, codes(&v)), (1, vec!["uppercase_hex".to_string()]));
    // Hex where base64 is expected (Shopify).
    let gh = sign("generic", "k", JSON, &[]);
    let hex = gh[0].split(": ").nth(1).unwrap();
    let (code, v) = verify("shopify", "k", &[format!("X-Shopify-Hmac-Sha256: {hex}")], JSON, &[]);
    assert_eq!((code, codes(&v)), (1, vec!["hex_instead_of_base64".to_string()]));
    // Base64 where hex is expected (GitHub).
    let sh = sign("shopify", "k", JSON, &[]);
    let b64 = sh[0].split(": ").nth(1).unwrap();
    let (code, v) = verify(
        "github",
        "k",
        &[format!("X-Hub-Signature-256: sha256={b64}")],
        JSON,
        &[],
    );
    assert_eq!((code, codes(&v)), (1, vec!["base64_instead_of_hex".to_string()]));
}

#[test]
fn another_schemes_signature() {
    // The SHA-1 header's value checked as X-Hub-Signature-256.
    let h = sign("github-sha1", "k", JSON, &[]);
    let v1 = h[0].split("sha1=").nth(1).unwrap();
    let (code, v) = verify("github", "k", &[format!("X-Hub-Signature-256: sha256={v1}")], JSON, &[]);
    assert_eq!((code, codes(&v)), (1, vec!["wrong_algorithm".to_string()]));
    assert!(v["diagnosis"][0]["message"]
        .as_str()
        .unwrap()
        .contains("X-Hub-Signature (SHA-1)"));
    // A body-only signature checked as Stripe's `t.body`.
    let gh = sign("github", "whsec_k", JSON, &[]);
    let hex = gh[0].split("sha256=").nth(1).unwrap();
    let (code, v) = verify(
        "stripe",
        "whsec_k",
        &[format!("Stripe-Signature: t=1700000000,v1={hex}")],
        JSON,
        &["--now", "1700000000"],
    );
    assert_eq!((code, codes(&v)), (1, vec!["wrong_layout".to_string()]));
}

#[test]
fn timestamps_outside_the_tolerance_say_how_far_and_which_way() {
    let h = sign("stripe", "whsec_k", JSON, &["--timestamp", "1700000000"]);
    let (code, v) = verify("stripe", "whsec_k", &h, JSON, &["--now", "1700000725"]);
    assert_eq!(code, 1);
    assert_eq!(v["failure"]["kind"], "stale");
    assert_eq!(v["failure"]["age_secs"], 725);
    assert!(v["reason"].as_str().unwrap().contains("12 min 5 s old"), "{v}");
    // Stripe accepts the future; Slack does not.
    let (code, _) = verify("stripe", "whsec_k", &h, JSON, &["--now", "1699990000"]);
    assert_eq!(code, 0);
    let h = sign("slack", "k", JSON, &["--timestamp", "1700000000"]);
    let (code, v) = verify("slack", "k", &h, JSON, &["--now", "1699999000"]);
    assert_eq!(code, 1);
    assert_eq!(v["failure"]["kind"], "future");
    assert!(v["reason"].as_str().unwrap().contains("in the future"));
    // --tolerance overrides; 0 turns the check off.
    let (code, _) = verify("slack", "k", &h, JSON, &["--now", "1699999000", "--tolerance", "2000"]);
    assert_eq!(code, 0);
    let (code, _) = verify("slack", "k", &h, JSON, &["--now", "1", "--tolerance", "0"]);
    assert_eq!(code, 0);
    // Paddle's window is 5 s.
    let h = sign("paddle", "pdl_k", JSON, &["--timestamp", "1700000000"]);
    assert_eq!(verify("paddle", "pdl_k", &h, JSON, &["--now", "1700000005"]).0, 0);
    assert_eq!(verify("paddle", "pdl_k", &h, JSON, &["--now", "1700000006"]).0, 1);
}

#[test]
fn the_wrong_url_for_twilio_and_square() {
    let form = b"From=%2B15555550100&Body=hi";
    for (signed, given, what) in [
        ("https://example.com/sms", "http://example.com/sms", "https"),
        ("https://example.com/sms", "https://example.com/sms?x=1", "query"),
    ] {
        let h = sign("twilio", "tok", form, &["--url", signed]);
        let (code, v) = verify("twilio", "tok", &h, form, &["--url", given]);
        assert_eq!((code, codes(&v)), (1, vec!["wrong_url".to_string()]), "{what}: {v}");
        assert!(v["diagnosis"][0]["message"].as_str().unwrap().contains(signed), "{v}");
    }
    // Twilio's own library accepts the URL with or without its port; Square's does not.
    for given in ["https://example.com/square/", "https://example.com:8443/square"] {
        let h = sign("square", "key", JSON, &["--url", "https://example.com/square"]);
        let (code, v) = verify("square", "key", &h, JSON, &["--url", given]);
        assert_eq!((code, codes(&v)), (1, vec!["wrong_url".to_string()]), "{given}: {v}");
    }
}

#[test]
fn twilio_json_bodies_and_ports() {
    let v = run(
        &[
            "sign",
            "--scheme",
            "twilio",
            "--secret",
            "tok",
            "--url",
            "https://example.com/hook?a=1",
            "--json",
        ],
        JSON,
    )
    .code(0)
    .json();
    let url = v["signed_url"].as_str().unwrap();
    assert!(url.contains("&bodySHA256="));
    let sig = format!(
        "X-Twilio-Signature: {}",
        v["headers"]["X-Twilio-Signature"].as_str().unwrap()
    );
    assert_eq!(
        verify("twilio", "tok", std::slice::from_ref(&sig), JSON, &["--url", url]).0,
        0
    );
    // The body changed: the hash in the URL says so.
    let (code, v) = verify("twilio", "tok", &[sig], b"{}", &["--url", url]);
    assert_eq!(code, 1);
    assert_eq!(v["failure"]["kind"], "body_hash");
    // Signed with :443, verified without (and the reverse) is accepted, as Twilio's library does.
    let form = b"A=1";
    let h = sign("twilio", "tok", form, &["--url", "https://example.com:443/x"]);
    assert_eq!(
        verify("twilio", "tok", &h, form, &["--url", "https://example.com/x"]).0,
        0
    );
}

#[test]
fn none_of_these() {
    let c = diagnosed("github", "one", JSON, "two", JSON, &[]);
    assert_eq!(c, ["unknown"]);
}

#[test]
fn auto_detects_and_says_so() {
    let h = sign("slack", "k", JSON, &[]);
    let r = run(
        &["verify", "--scheme", "auto", "--secret", "k", "-H", &h[0], "-H", &h[1]],
        JSON,
    );
    assert!(r.code(0).err().contains("scheme: slack"), "{r:?}");
    let r = run(
        &["verify", "--scheme", "auto", "--secret", "k", "-H", "X-Other: 1"],
        JSON,
    );
    assert!(r.code(2).err().contains("could not tell the scheme"), "{r:?}");
}

#[test]
fn headers_from_a_raw_block_or_a_capture_record() {
    let dir = common::tempdir();
    let h = sign("github", "k", JSON, &[]);
    let block = dir.path().join("headers.txt");
    std::fs::write(
        &block,
        format!(
            "POST /hook HTTP/1.1\r\nHost: x\r\n{}\r\nContent-Type: application/json\r\n\r\n",
            h[0]
        ),
    )
    .unwrap();
    let block = block.to_str().unwrap();
    run(
        &["verify", "--scheme", "github", "--secret", "k", "--headers-file", block],
        JSON,
    )
    .code(0);
    let (name, value) = h[0].split_once(": ").unwrap();
    let rec = serde_json::json!({
        "v": 1, "id": "x", "received_at": "2026-01-01T00:00:00Z", "method": "POST", "path": "/",
        "headers": [[name, value]], "body": std::str::from_utf8(JSON).unwrap(), "body_encoding": "utf8",
        "remote_addr": "127.0.0.1:1", "verification": null
    });
    let rec_file = dir.path().join("capture.jsonl");
    std::fs::write(&rec_file, format!("{rec}\n")).unwrap();
    // The record's body is used when no FILE is given.
    let rec_file = rec_file.to_str().unwrap();
    run(
        &[
            "verify",
            "--scheme",
            "auto",
            "--secret",
            "k",
            "--headers-file",
            rec_file,
        ],
        b"",
    )
    .code(0);
}

#[test]
fn bad_input_is_a_clear_message_never_a_panic() {
    // (scheme, headers, body, exit code, what the message says)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [u8], u8, &'a str);
    let cases: &[Case] = &[
        ("stripe", &["Stripe-Signature: v1=abc"], JSON, 1, "no `t=` timestamp"),
        (
            "stripe",
            &["Stripe-Signature: t=abc,v1=00"],
            JSON,
            1,
            "not a unix timestamp",
        ),
        (
            "standard-webhooks",
            &["webhook-id: m", "webhook-timestamp: 1", "webhook-signature: v1,"],
            JSON,
            1,
            "no signature after the comma",
        ),
        (
            "standard-webhooks",
            &["webhook-id: m", "webhook-timestamp: 1", "webhook-signature: v1,@@@@"],
            JSON,
            1,
            "no signature matches",
        ),
        (
            "shopify",
            &["X-Shopify-Hmac-Sha256: not*base64"],
            JSON,
            1,
            "no signature matches",
        ),
        (
            "paddle",
            &["Paddle-Signature: ts=1;h2=abc"],
            JSON,
            1,
            "unknown key `h2`",
        ),
        (
            "github",
            &["X-Hub-Signature-256: md5=abc"],
            JSON,
            1,
            "does not start with `sha256=`",
        ),
        (
            "slack",
            &["X-Slack-Signature: v0=abc"],
            JSON,
            2,
            "X-Slack-Request-Timestamp",
        ),
        (
            "discord",
            &["X-Signature-Ed25519: zz", "X-Signature-Timestamp: 1"],
            JSON,
            2,
            "public key is",
        ),
        ("twilio", &["X-Twilio-Signature: abc"], JSON, 2, "--url"),
    ];
    for (scheme, headers, body, code, msg) in cases {
        let secret = if *scheme == "discord" {
            "abcd"
        } else {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        };
        let mut args = vec!["verify", "--scheme", scheme, "--secret", secret, "--now", "1"];
        for h in *headers {
            args.extend(["-H", h]);
        }
        let out = run(&args, body);
        let err = out.err();
        assert_eq!(out.code, *code, "{scheme} {headers:?}: {err}");
        assert!(err.contains(msg), "{scheme} {headers:?}: expected `{msg}` in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A malformed whsec_ secret and a wrong-length Ed25519 key are input errors.
    let r = run(
        &["sign", "--scheme", "standard-webhooks", "--secret", "whsec_***"],
        JSON,
    );
    assert!(r.code(2).err().contains("not valid base64"), "{r:?}");
    let r = run(&["sign", "--scheme", "discord", "--secret", "abcd"], JSON);
    assert!(r.code(2).err().contains("the private key is 2 bytes"), "{r:?}");
    // A header argument without a colon.
    run(
        &["verify", "--scheme", "github", "--secret", "k", "-H", "nocolon"],
        JSON,
    )
    .code(2);
    // An unreadable body file.
    let r = run(
        &[
            "verify",
            "--scheme",
            "github",
            "--secret",
            "k",
            "-H",
            "X-Hub-Signature-256: sha256=00",
            "/nonexistent/body",
        ],
        b"",
    );
    assert!(r.code(2).err().contains("/nonexistent/body"), "{r:?}");
}

#[test]
fn empty_and_non_utf8_bodies_sign_and_verify() {
    for body in [&b""[..], &[0xff, 0xfe, 0x00, 0x80][..]] {
        for scheme in [
            "github",
            "stripe",
            "slack",
            "standard-webhooks",
            "shopify",
            "paddle",
            "zoom",
            "twitch",
            "intercom",
        ] {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let h = sign(scheme, secret, body, &[]);
            // (An empty body on stdin is refused as nothing piped in: named as a file.)
            let extra: &[&str] = if body.is_empty() { &["/dev/null"] } else { &[] };
            assert_eq!(verify(scheme, secret, &h, body, extra).0, 0, "{scheme} {body:?}");
        }
    }
}

#[test]
fn secret_files_strip_one_newline_and_say_so() {
    let dir = common::tempdir();
    let f = dir.path().join("secret");
    std::fs::write(&f, "k\n").unwrap();
    let h = sign("github", "k", JSON, &[]);
    let f = f.to_str().unwrap();
    let r = run(
        &["verify", "-v", "--scheme", "github", "--secret-file", f, "-H", &h[0]],
        JSON,
    );
    let err = r.code(0).err();
    assert!(err.contains("trailing newline was stripped"), "{err}");
    assert!(err.contains("valid github signature"), "{err}");
}

#[test]
fn gitlab_tokens_verify_and_warn_the_body_is_not_covered() {
    let ok = [
        "verify",
        "--scheme",
        "gitlab",
        "--secret",
        "tok",
        "-H",
        "X-Gitlab-Token: tok",
    ];
    let r = run(&ok, b"anything");
    assert!(r.code(0).err().contains("does not authenticate the body"), "{r:?}");
    let wrong = [
        "verify",
        "--scheme",
        "gitlab",
        "--secret",
        "tok",
        "-H",
        "X-Gitlab-Token: nope",
    ];
    run(&wrong, b"x").code(1);
}

#[test]
fn sign_streams_a_1_gib_file() {
    // Through the binary, end to end. A sparse file: 1 GiB of zeros without using the disk.
    let dir = common::tempdir();
    let p = dir.path().join("big");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(1 << 30).unwrap();
    drop(f);
    let out = hookcat()
        .args(["sign", "--scheme", "github", "--secret", "k"])
        .arg(&p)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // The expected MAC, computed in-process with the same streaming.
    let body = hookcat::core::body::Body::file(p.clone()).unwrap();
    let mac = hookcat::core::scheme::hmac::Alg::Sha256
        .compute(b"k", &[], Some(&body))
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        format!("X-Hub-Signature-256: sha256={}", hookcat::core::ids::hex_lower(&mac))
    );
}

#[test]
fn a_stripe_secret_without_its_whsec_prefix() {
    let c = diagnosed(
        "stripe",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        JSON,
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        JSON,
        &[],
    );
    assert_eq!(c, ["whsec_prefix_missing"]);
}

/// The fallback advice fits every provider: "test or live mode" is Stripe's.
#[test]
fn the_fallback_advice_is_provider_neutral() {
    let h = sign("github", "one", JSON, &[]);
    let (code, v) = verify("github", "two", &h, JSON, &[]);
    assert_eq!((code, codes(&v)), (1, vec!["unknown".to_string()]));
    let msg = v["diagnosis"][0]["message"].as_str().unwrap();
    assert!(!msg.contains("live mode"), "{msg}");
    assert!(msg.contains("secret"), "{msg}");
}

/// Discord's private key given where its public key belongs: said as such, whether the
/// private key happens to read as a public key (a mismatch) or not (a malformed key).
#[test]
fn a_discord_private_key_where_the_public_key_belongs() {
    for _ in 0..6 {
        let pair = run(&["keygen", "--scheme", "discord", "--json"], b"").code(0).json();
        let private = pair["private_key"].as_str().unwrap();
        let h = sign("discord", private, JSON, &[]);
        let secret = format!("--secret={private}");
        let mut args = vec!["verify", "--scheme", "discord", &secret];
        for x in &h {
            args.extend(["-H", x.as_str()]);
        }
        let r = run(&args, JSON);
        let err = r.err();
        assert!(r.code == 1 || r.code == 2, "{err}");
        assert!(err.contains("the private key"), "{err}");
        assert!(err.contains("public key"), "{err}");
        if r.code == 1 {
            let (_, v) = verify("discord", private, &h, JSON, &[]);
            assert_eq!(codes(&v), ["private_key_given"]);
        }
    }
}

/// Another provider's signature header under `--scheme X`: the scheme that reads it
/// is named, from what the schemes say tells them.
#[test]
fn another_providers_signature_header_names_the_scheme_that_fits() {
    let h = sign("github", "k", JSON, &[]);
    let mut args = vec!["verify", "--scheme", "stripe", "--secret=whsec_k"];
    for x in &h {
        args.extend(["-H", x.as_str()]);
    }
    let r = run(&args, JSON);
    r.code(2);
    let err = r.err();
    assert!(err.contains("Stripe-Signature"), "{err}");
    assert!(err.contains("X-Hub-Signature-256"), "{err}");
    assert!(err.contains("--scheme github"), "{err}");
}

#[test]
fn a_raw_request_file_brings_its_body_and_an_empty_stdin_is_refused() {
    let dir = common::tempdir();
    let h = sign("github", "k", JSON, &[]);
    // What `send --dry-run` and `captures export --format raw` print: the body follows.
    let mut raw = format!(
        "POST /hook HTTP/1.1\r\nHost: x\r\n{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        h[0],
        JSON.len()
    )
    .into_bytes();
    raw.extend_from_slice(JSON);
    let file = common::write(dir.path(), "req.http", &raw);
    let args = [
        "verify",
        "--scheme",
        "github",
        "--secret",
        "k",
        "--headers-file",
        file.as_str(),
    ];
    run(&args, b"").code(0);
    // A FILE given still wins over the body in the request file.
    let other = common::write(dir.path(), "other.json", b"{}");
    let mut with_file = args.to_vec();
    with_file.push(other.as_str());
    run(&with_file, b"").code(1);

    // An empty body on stdin is not verified: it is reported.
    let r = run(&["verify", "--scheme", "github", "--secret", "k", "-H", &h[0]], b"");
    assert!(
        r.code(2).err().contains("standard input") && r.err().contains("empty"),
        "{r:?}"
    );
}

/// Jira signs as SIGNATURES.md §17 says: `X-Hub-Signature: sha256=<hex>` over the raw
/// body; `--scheme auto` tells it from GitHub's legacy `sha1=`, and a receiver written
/// for GitHub's X-Hub-Signature (SHA-1) is told what it is reading, in both directions.
#[test]
fn jira_signs_verifies_and_names_the_github_mix_up() {
    let h = sign("jira", "It's a Secret to Everybody", b"Hello, World!", &[]);
    // GitHub's published vector, whose HMAC-SHA256 is Jira's construction too.
    assert_eq!(
        h,
        ["X-Hub-Signature: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"]
    );
    let (code, _) = verify("jira", "It's a Secret to Everybody", &h, b"Hello, World!", &[]);
    assert_eq!(code, 0);
    let r = run(
        &[
            "verify",
            "--scheme",
            "auto",
            "--secret",
            "It's a Secret to Everybody",
            "-H",
            &h[0],
        ],
        b"Hello, World!",
    );
    assert!(r.code(0).err().contains("scheme: jira"), "{r:?}");
    // A GitHub receiver reading SHA-1 from X-Hub-Signature, given Jira's request.
    let (code, v) = verify("github-sha1", "k", &h, b"Hello, World!", &[]);
    assert_eq!(code, 1, "{v}");
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.contains("Jira") && reason.contains("--scheme jira"), "{reason}");
    // Jira's receiver given GitHub's legacy header.
    let gh = sign("github-sha1", "k", b"{}", &[]);
    let (code, v) = verify("jira", "k", &gh, b"{}", &[]);
    assert_eq!(code, 1, "{v}");
    assert!(v["reason"].as_str().unwrap().contains("--scheme github-sha1"), "{v}");
    // An HMAC-SHA1 sent under Jira's prefix: the diagnosis says which construction.
    let hex = gh[0].split("sha1=").nth(1).unwrap();
    let (code, v) = verify("jira", "k", &[format!("X-Hub-Signature: sha256={hex}")], b"{}", &[]);
    assert_eq!((code, codes(&v)), (1, vec!["wrong_algorithm".to_string()]));
}
