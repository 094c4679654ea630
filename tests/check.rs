//! `hookcat check`: against `hookcat listen --reject-invalid` every applicable case
//! passes; against small receivers with one deliberate bug each, the bug is found by
//! the case meant to find it and by no other. Runs in-process ([`common::run`]); the
//! receivers are axum servers on 127.0.0.1:0.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hookcat::core::body::Body;
use hookcat::core::headers::Headers;
use hookcat::core::scheme::{lookup, GenericParams, Handshake, VerifyRequest};
use hookcat::core::secret::Secret;
use serde_json::Value;

const STRIPE: &str = "whsec_check_stripe_secret";
const STANDARD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const GITHUB: &str = "github-check-secret";
const SLACK: &str = "slack-check-secret";

/// The one bug a test receiver has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// None: a correct receiver.
    Correct,
    /// Answers 200 to anything.
    AcceptsEverything,
    /// Verifies over the JSON parsed and serialised again, not the raw bytes.
    Reserialises,
    /// Verifies the signature but not the timestamp's age.
    IgnoresTimestamp,
    /// Verifies GitHub's SHA-1 header only.
    Sha1Only,
    /// Compares only the first of several signatures.
    FirstSignatureOnly,
    /// Answers 500 to a delivery id it has seen.
    FailsDuplicates,
    /// Does its work (40 ms) before answering, one request at a time.
    SlowAndSerial,
    /// Verifies, but answers the handshake like any event.
    NoHandshake,
    /// Never answers.
    Hangs,
}

struct Rx {
    scheme: &'static str,
    secret: Secret,
    bug: Bug,
    seen: Mutex<HashSet<String>>,
    serial: tokio::sync::Mutex<()>,
}

async fn handle(State(rx): State<Arc<Rx>>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    if rx.bug == Bug::AcceptsEverything {
        return (StatusCode::OK, "ok").into_response();
    }
    if rx.bug == Bug::Hangs {
        std::future::pending::<()>().await;
    }
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let mut h: Headers = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let name = if rx.bug == Bug::Sha1Only {
        "github-sha1"
    } else {
        rx.scheme
    };
    let scheme = lookup(name, &GenericParams::default()).unwrap();
    let mut verified = body.to_vec();
    if rx.bug == Bug::Reserialises {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => verified = serde_json::to_vec(&v).unwrap(),
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
    }
    if rx.bug == Bug::FirstSignatureOnly {
        if let Some(v) = h.get("stripe-signature") {
            let t = v
                .split(',')
                .find(|p| p.starts_with("t="))
                .unwrap_or_default()
                .to_string();
            let first = v
                .split(',')
                .find(|p| p.starts_with("v1="))
                .unwrap_or_default()
                .to_string();
            h.set("stripe-signature", format!("{t},{first}"));
        }
    }
    let b = Body::Mem(verified);
    let req = VerifyRequest {
        headers: &h,
        body: &b,
        url: None,
        now: jiff::Timestamp::now().as_second(),
        tolerance: (rx.bug == Bug::IgnoresTimestamp).then_some(0),
    };
    if !scheme.verify(&rx.secret, &req).is_ok_and(|v| v.valid) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if rx.bug == Bug::FailsDuplicates {
        let id = h.get("webhook-id").unwrap_or_default().to_string();
        if !rx.seen.lock().unwrap().insert(id) {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    if rx.bug == Bug::SlowAndSerial {
        let _one_at_a_time = rx.serial.lock().await;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    if rx.bug != Bug::NoHandshake {
        if let Some(Handshake::Answer { content_type, body, .. }) = scheme.handshake(&h, &body, Some(&rx.secret)) {
            return ([("content-type", content_type)], body).into_response();
        }
    }
    (StatusCode::OK, "ok").into_response()
}

/// A receiver on 127.0.0.1:0, served on its own runtime for the test's life.
struct Receiver {
    url: String,
    _rt: tokio::runtime::Runtime,
}

fn receiver(scheme: &'static str, secret: &str, bug: Bug) -> Receiver {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let rx = Arc::new(Rx {
        scheme,
        secret: Secret::from_arg(secret).unwrap(),
        bug,
        seen: Mutex::new(HashSet::new()),
        serial: tokio::sync::Mutex::new(()),
    });
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    // Room for the largest body a provider sends (GitHub's 25 MB): a receiver that
    // refuses it early may close the connection while it is still being sent, which the
    // sender sees as no answer rather than as the 413.
    let app = axum::Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::max(64 << 20))
        .with_state(rx);
    rt.spawn(async move { axum::serve(listener, app).await });
    Receiver {
        url: format!("http://{addr}/hook"),
        _rt: rt,
    }
}

/// `hookcat check URL ARGS --json`: the exit code and the document.
fn check(url: &str, args: &[&str]) -> (u8, Value) {
    let mut all = vec!["check", url, "--json"];
    all.extend_from_slice(args);
    let ran = common::run(&all, b"");
    let doc = ran.json();
    (ran.code, doc)
}

/// The cases with this verdict.
fn with_verdict(doc: &Value, verdict: &str) -> BTreeSet<String> {
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == verdict)
        .map(|c| c["case"].as_str().unwrap().to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Runs the whole suite against a receiver with `bug` and returns the failed cases
/// (and the document, to show when an assertion fails).
fn failed(scheme: &'static str, secret: &str, bug: Bug, extra: &[&str]) -> (BTreeSet<String>, Value) {
    let rx = receiver(scheme, secret, bug);
    let mut args = vec!["--scheme", scheme];
    let flag = format!("--secret={secret}");
    args.push(&flag);
    args.extend_from_slice(extra);
    let (code, doc) = check(&rx.url, &args);
    let failed = with_verdict(&doc, "fail");
    assert_eq!(code, if failed.is_empty() { 0 } else { 1 }, "{doc:#}");
    // Only a receiver that answers anything answers a GET with a 2xx (a warning).
    let warned = if bug == Bug::AcceptsEverything {
        set(&["method"])
    } else {
        set(&[])
    };
    assert_eq!(with_verdict(&doc, "warn"), warned, "{doc:#}");
    (failed, doc)
}

#[test]
fn a_correct_receiver_passes_every_applicable_case() {
    for (scheme, secret) in [
        ("stripe", STRIPE),
        ("standard-webhooks", STANDARD),
        ("github", GITHUB),
        ("slack", SLACK),
    ] {
        let (f, doc) = failed(scheme, secret, Bug::Correct, &["--timeout", "5s"]);
        assert!(f.is_empty(), "{scheme}: {doc:#}");
        assert_eq!(doc["summary"]["fail"], 0, "{doc:#}");
    }
}

#[test]
fn a_receiver_that_accepts_everything_fails_the_forgeries() {
    let (f, doc) = failed("stripe", STRIPE, Bug::AcceptsEverything, &[]);
    assert_eq!(
        f,
        set(&["unsigned", "wrong-secret", "tampered", "appended-newline", "stale"]),
        "{doc:#}"
    );
}

#[test]
fn a_receiver_that_reserialises_the_json_fails_the_raw_body_case() {
    let (f, doc) = failed("standard-webhooks", STANDARD, Bug::Reserialises, &[]);
    // Re-serialising drops the newline added after signing too: the same bug.
    assert_eq!(f, set(&["raw-body", "appended-newline"]), "{doc:#}");
    // hookcat's own verifier takes the re-laid-out delivery it sent: the fix says so.
    let raw = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "raw-body")
        .unwrap();
    assert!(
        raw["fix"]
            .as_str()
            .unwrap()
            .contains("hookcat verifies this very delivery"),
        "{raw:#}"
    );
    // Stripe lays its JSON out indented: such a receiver refuses its valid deliveries
    // too, and the fix says that hookcat's own verifier takes the very same delivery.
    let (f, doc) = failed("stripe", STRIPE, Bug::Reserialises, &[]);
    assert!(f.contains("valid") && f.contains("raw-body"), "{doc:#}");
    let valid = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "valid")
        .unwrap();
    assert!(
        valid["fix"]
            .as_str()
            .unwrap()
            .contains("hookcat verifies this very delivery"),
        "{valid:#}"
    );
}

#[test]
fn a_receiver_that_ignores_the_timestamp_fails_stale_and_future() {
    let (f, doc) = failed("standard-webhooks", STANDARD, Bug::IgnoresTimestamp, &[]);
    assert_eq!(f, set(&["stale", "future"]), "{doc:#}");
}

#[test]
fn a_receiver_that_checks_only_githubs_sha1_header_fails_the_downgrade() {
    let (f, doc) = failed("github", GITHUB, Bug::Sha1Only, &[]);
    assert_eq!(f, set(&["downgrade"]), "{doc:#}");
    // The headers are named as the scheme names them, the weaker and the stronger.
    let d = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "downgrade")
        .unwrap();
    let note = d["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("x-hub-signature-256") && note.contains("x-hub-signature "),
        "{d:#}"
    );
}

#[test]
fn a_receiver_that_compares_only_the_first_signature_fails_the_rotation() {
    let (f, doc) = failed("stripe", STRIPE, Bug::FirstSignatureOnly, &[]);
    assert_eq!(f, set(&["rotation"]), "{doc:#}");
}

#[test]
fn a_receiver_that_refuses_a_duplicate_fails_the_duplicate_case() {
    let (f, doc) = failed("standard-webhooks", STANDARD, Bug::FailsDuplicates, &[]);
    assert_eq!(f, set(&["duplicate"]), "{doc:#}");
    let dup = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "duplicate")
        .unwrap();
    assert_eq!(dup["got"][0]["status"], 200, "{dup:#}");
    assert_eq!(dup["got"][1]["status"], 500, "{dup:#}");
}

/// 60 deliveries at once to a receiver that works 40 ms on each, one at a time: the
/// last waits at least 2.4 s, over the 2 s timeout, whatever the machine's speed.
#[test]
fn a_receiver_slower_than_the_timeout_fails_the_latency_case() {
    let (f, doc) = failed(
        "standard-webhooks",
        STANDARD,
        Bug::SlowAndSerial,
        &["--timeout", "2s", "--requests", "60", "--concurrency", "60"],
    );
    assert_eq!(f, set(&["latency"]), "{doc:#}");
    let l = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "latency")
        .unwrap();
    assert!(l["fix"].as_str().unwrap().contains("queue"), "{l:#}");
}

#[test]
fn a_receiver_that_does_not_answer_the_handshake_fails_it() {
    let (f, doc) = failed("slack", SLACK, Bug::NoHandshake, &[]);
    assert_eq!(f, set(&["handshake"]), "{doc:#}");
}

/// `hookcat listen --reject-invalid` is a correct receiver for every scheme hookcat
/// signs: every case that applies passes.
#[test]
fn hookcat_listen_passes_every_applicable_case() {
    let dir = common::tempdir();
    // Twilio and Square sign the URL the provider calls: both sides are told it.
    const PUBLIC: &[&str] = &["--public-url", "https://hooks.example.com/in"];
    for scheme in hookcat::core::scheme::names().iter().copied() {
        let both = if lookup(scheme, &GenericParams::default()).unwrap().meta().needs_url {
            PUBLIC
        } else {
            &[]
        };
        // A key in the provider's format: the private half signs, the public verifies.
        let key = common::run(&["keygen", "--scheme", scheme, "--json"], b"")
            .code(0)
            .json();
        let (sign, verify) = match key["secret"].as_str() {
            Some(s) => (s.to_string(), s.to_string()),
            None => (
                key["private_key"].as_str().unwrap().to_string(),
                key["public_key"].as_str().unwrap().to_string(),
            ),
        };
        let (sign_flag, verify_flag) = (format!("--secret={sign}"), format!("--secret={verify}"));
        let mut listen_args = vec![
            "--scheme",
            scheme,
            &verify_flag,
            "--reject-invalid",
            "--no-save",
            "--max-body",
            "30MiB",
        ];
        listen_args.extend_from_slice(both);
        let common::Listen {
            mut child, url, stderr, ..
        } = common::spawn_listen(dir.path(), &listen_args);
        // Its output is not looked at, but it must not fill a pipe and stall it.
        let mut stdout = child.stdout.take().unwrap();
        let drain_out = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let mut stderr = stderr;
        let drain_err = std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = stderr.read_to_end(&mut sink);
        });
        let mut args = vec!["--scheme", scheme, &sign_flag, "--timeout", "10s"];
        args.extend_from_slice(both);
        let (code, doc) = check(&url, &args);
        let _ = child.kill();
        let _ = child.wait();
        let _ = drain_out.join();
        let _ = drain_err.join();
        assert_eq!(code, 0, "{scheme}: {doc:#}");
        assert!(with_verdict(&doc, "fail").is_empty(), "{scheme}: {doc:#}");
        assert!(with_verdict(&doc, "warn").is_empty(), "{scheme}: {doc:#}");
        assert!(with_verdict(&doc, "pass").contains("valid"), "{scheme}: {doc:#}");
    }
}

#[test]
fn cases_that_do_not_apply_say_why() {
    let rx = receiver("github", GITHUB, Bug::Correct);
    let flag = format!("--secret={GITHUB}");
    let (code, doc) = check(
        &rx.url,
        &["--scheme", "github", &flag, "--only", "stale,rotation,handshake"],
    );
    assert_eq!(code, 0, "{doc:#}");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for c in cases {
        assert_eq!(c["verdict"], "n/a", "{c:#}");
        assert!(c["note"].as_str().is_some_and(|n| n.contains("GitHub")), "{c:#}");
    }
    // The reasons check words itself name the provider as such, not by its scheme id.
    let (_, doc) = check(&rx.url, &["--scheme", "github", &flag, "--only", "content-type"]);
    let note = doc["cases"][0]["note"].as_str().unwrap();
    assert!(note.starts_with("the provider sends this event as"), "{note}");
    let stripe = receiver("stripe", STRIPE, Bug::Correct);
    let flag = format!("--secret={STRIPE}");
    let (_, doc) = check(&stripe.url, &["--scheme", "stripe", &flag, "--only", "future"]);
    let note = doc["cases"][0]["note"].as_str().unwrap();
    assert!(note.starts_with("the provider refuses only"), "{note}");
}

#[test]
fn the_table_shows_each_case_and_never_the_secret() {
    let rx = receiver("stripe", STRIPE, Bug::AcceptsEverything);
    let flag = format!("--secret={STRIPE}");
    let ran = common::run(
        &["check", &rx.url, "--scheme", "stripe", &flag, "--skip", "latency"],
        b"",
    );
    ran.code(1);
    let out = ran.out();
    for line in [
        "valid ",
        "unsigned ",
        "fix: refuse a request without a signature",
        "why: forgery",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert!(!out.contains("latency"), "{out}");
    assert!(
        !out.contains(STRIPE) && !ran.err().contains(STRIPE),
        "{out}{}",
        ran.err()
    );
}

#[test]
fn strict_makes_a_warning_fail() {
    // A receiver that answers a GET with 405 passes; one that answers it 200 is warned.
    let rx = receiver("stripe", STRIPE, Bug::Correct);
    let flag = format!("--secret={STRIPE}");
    let (code, doc) = check(&rx.url, &["--scheme", "stripe", &flag, "--only", "method"]);
    assert_eq!((code, doc["summary"]["warn"].as_u64()), (0, Some(0)), "{doc:#}");
    let rx = receiver("stripe", STRIPE, Bug::AcceptsEverything);
    let (code, doc) = check(&rx.url, &["--scheme", "stripe", &flag, "--only", "method"]);
    assert_eq!((code, doc["summary"]["warn"].as_u64()), (0, Some(1)), "{doc:#}");
    let (code, doc) = check(&rx.url, &["--scheme", "stripe", &flag, "--only", "method", "--strict"]);
    assert_eq!((code, doc["ok"].as_bool()), (1, Some(false)), "{doc:#}");
}

#[test]
fn list_and_usage() {
    let ran = common::run(&["check", "--list", "--json"], b"");
    ran.code(0);
    let names: Vec<String> = ran
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 17, "{names:?}");
    assert_eq!(names[0], "valid");
    let ran = common::run(&["check", "--list", "--only", "stale"], b"");
    ran.code(0);
    let text = ran.out();
    assert!(text.starts_with("stale "), "{text}");
    assert!(
        text.contains("expects: a refusal") && text.contains("why: replay"),
        "{text}"
    );
    common::run(
        &[
            "check",
            "http://127.0.0.1:9/",
            "--only",
            "nope",
            "--scheme",
            "stripe",
            "--secret=x",
        ],
        b"",
    )
    .code(2);
    common::run(&["check", "http://127.0.0.1:9/", "--scheme", "stripe"], b"").code(2);
    // Flags that mean what they say: no latency case of nothing, no run of no case
    // (a CI job whose --only and --skip cancel out must not pass having checked nothing).
    for bad in [
        &["--requests", "0"][..],
        &["--concurrency", "0"],
        &["--only", "valid", "--skip", "valid"],
    ] {
        let mut args = vec!["check", "http://127.0.0.1:9/", "--scheme", "stripe", "--secret=x"];
        args.extend_from_slice(bad);
        let ran = common::run(&args, b"");
        ran.code(2);
        assert_eq!(ran.out(), "", "{bad:?}");
    }
    let ran = common::run(
        &[
            "check",
            "http://127.0.0.1:9/",
            "--scheme",
            "stripe",
            "--secret=x",
            "--only",
            "valid",
            "--skip",
            "valid",
        ],
        b"",
    );
    assert!(ran.err().contains("no case"), "{}", ran.err());
    common::run(&["check", "--scheme", "stripe", "--secret=x"], b"").code(2);
}

#[test]
fn a_target_from_hookcat_toml_gives_the_url_scheme_and_secret() {
    let rx = receiver("stripe", STRIPE, Bug::Correct);
    let dir = common::tempdir();
    let secret_file = common::write(dir.path(), "secret", STRIPE.as_bytes());
    let toml = format!(
        "[targets.local]\nurl = \"{}\"\nscheme = \"stripe\"\nsecret_file = \"{}\"\n",
        rx.url, secret_file
    );
    let config = common::write(dir.path(), "hookcat.toml", toml.as_bytes());
    let ran = common::run(
        &[
            "check",
            "--config",
            &config,
            "--target",
            "local",
            "--json",
            "--only",
            "valid,unsigned",
        ],
        b"",
    );
    ran.code(0);
    assert_eq!(ran.json()["summary"]["pass"], 2, "{}", ran.out());
}

/// A scheme that signs the URL: signed for another URL than the receiver's, the valid
/// delivery is refused, and the report says that hookcat's verifier takes it as sent.
#[test]
fn the_public_url_is_what_twilio_signs() {
    let dir = common::tempdir();
    let public = "https://hooks.example.com/in";
    let common::Listen {
        mut child, url, stderr, ..
    } = common::spawn_listen(
        dir.path(),
        &[
            "--scheme",
            "twilio",
            "--secret=tw-token",
            "--reject-invalid",
            "--no-save",
            "--public-url",
            public,
        ],
    );
    let mut stdout = child.stdout.take().unwrap();
    let drain_out = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let mut stderr = stderr;
    let drain_err = std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let base = ["--scheme", "twilio", "--secret=tw-token", "--only", "valid"];
    let (code, doc) = check(&url, &base);
    let mut with_public = base.to_vec();
    with_public.extend(["--public-url", public]);
    let (code_public, doc_public) = check(&url, &with_public);
    let _ = child.kill();
    let _ = child.wait();
    let _ = drain_out.join();
    let _ = drain_err.join();
    assert_eq!(code, 1, "{doc:#}");
    let fix = doc["cases"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("hookcat verifies this very delivery"), "{fix}");
    assert_eq!(code_public, 0, "{doc_public:#}");
}

/// A port on 127.0.0.1 that nothing listens on (bound, read back, closed).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Nothing listening: one line on stderr that says so and what to do, no table of
/// seventeen failures; `--json` gives one document that says the same, and the exit
/// code is 1 (nothing passed).
#[test]
fn nothing_listening_is_one_line_with_a_hint() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let flag = format!("--secret={STRIPE}");
    let ran = common::run(&["check", &url, "--scheme", "stripe", &flag], b"");
    ran.code(1);
    assert_eq!(ran.out(), "", "no table: {}", ran.out());
    let errors: Vec<String> = ran
        .err()
        .lines()
        .filter(|l| l.contains('✗'))
        .map(str::to_string)
        .collect();
    assert_eq!(errors.len(), 1, "{}", ran.err());
    assert!(
        errors[0].contains("connection refused") && errors[0].contains("is anything listening on that port?"),
        "{}",
        ran.err()
    );
    let (code, doc) = check(&url, &["--scheme", "stripe", &flag]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["ok"], false, "{doc:#}");
    assert_eq!(doc["cases"].as_array().map(Vec::len), Some(0), "{doc:#}");
    let u = &doc["unreachable"];
    assert_eq!(u["case"], "valid", "{doc:#}");
    assert_eq!(u["kind"], "refused", "{doc:#}");
    assert!(
        u["message"]
            .as_str()
            .unwrap()
            .contains("is anything listening on that port?"),
        "{doc:#}"
    );
}

/// https:// to a plain-HTTP receiver: one line saying to use http://.
#[test]
fn a_tls_mismatch_is_one_line_with_a_hint() {
    let rx = receiver("stripe", STRIPE, Bug::Correct);
    let url = rx.url.replacen("http://", "https://", 1);
    let flag = format!("--secret={STRIPE}");
    let ran = common::run(&["check", &url, "--scheme", "stripe", &flag], b"");
    ran.code(1);
    assert_eq!(ran.out(), "", "{}", ran.out());
    assert_eq!(
        ran.err().lines().filter(|l| l.contains('✗')).count(),
        1,
        "{}",
        ran.err()
    );
    assert!(ran.err().contains("use http:// for this port"), "{}", ran.err());
}

/// A receiver that answers one request and then stops listening (as one that crashed):
/// the case that ran is reported, the run stops at the next with one line.
#[test]
fn a_receiver_that_stops_answering_stops_the_run() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        // Closed before the answer goes out: the next request finds nothing listening.
        drop(l);
        let mut req = Vec::new();
        let mut buf = [0u8; 65536];
        // The headers, then the body as Content-Length says.
        loop {
            let n = std::io::Read::read(&mut s, &mut buf).unwrap();
            req.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&req).to_ascii_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if req.len() >= end + 4 + len || n == 0 {
                    break;
                }
            }
        }
        std::io::Write::write_all(
            &mut s,
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        )
        .unwrap();
    });
    let flag = format!("--secret={STRIPE}");
    let (code, doc) = check(
        &url,
        &["--scheme", "stripe", &flag, "--only", "valid,unsigned,tampered"],
    );
    server.join().unwrap();
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(with_verdict(&doc, "pass"), set(&["valid"]), "{doc:#}");
    assert_eq!(doc["cases"].as_array().unwrap().len(), 1, "{doc:#}");
    assert_eq!(doc["unreachable"]["case"], "unsigned", "{doc:#}");
}

/// A valid delivery that got no answer in time is not blamed on the secret or the
/// body: the fix says to answer in time.
#[test]
fn a_valid_delivery_without_an_answer_is_not_blamed_on_the_secret() {
    let rx = receiver("stripe", STRIPE, Bug::Hangs);
    let flag = format!("--secret={STRIPE}");
    let (code, doc) = check(
        &rx.url,
        &["--scheme", "stripe", &flag, "--only", "valid", "--timeout", "300ms"],
    );
    assert_eq!(code, 1, "{doc:#}");
    let valid = &doc["cases"][0];
    assert_eq!(valid["verdict"], "fail", "{doc:#}");
    let fix = valid["fix"].as_str().unwrap();
    assert!(!fix.contains("hookcat verifies this very delivery"), "{fix}");
    assert!(fix.contains("in time") || fix.contains("within"), "{fix}");
}

/// The secret given with --secret-env or --secret appears nowhere in what check
/// writes, in text or JSON, whether the cases pass, fail, or are diagnosed.
#[test]
fn the_secret_is_never_printed() {
    let dir = common::tempdir();
    for (bug, rx_secret) in [
        (Bug::AcceptsEverything, STRIPE),
        // The receiver holds another secret: the valid delivery is refused and hookcat
        // verifies it itself to say why.
        (Bug::Correct, "whsec_another_secret_entirely"),
    ] {
        let rx = receiver("stripe", rx_secret, bug);
        for json in [false, true] {
            let mut args = vec!["check", rx.url.as_str(), "--scheme", "stripe", "--skip", "latency"];
            if json {
                args.push("--json");
            }
            let out = common::hookcat_in(dir.path())
                .env("S", STRIPE)
                .args(&args)
                .args(["--secret-env", "S"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{out:?}");
            let flag = format!("--secret={STRIPE}");
            args.push(&flag);
            let ran = common::run(&args, b"");
            ran.code(1);
            for text in [
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                ran.out(),
                ran.err(),
            ] {
                assert!(!text.is_empty() || json, "{bug:?}");
                assert!(!text.contains(STRIPE), "{bug:?} json={json}: {text}");
                assert!(!text.contains("check_stripe_secret"), "{bug:?} json={json}: {text}");
            }
        }
    }
}

/// What a CI script relies on: one JSON document with these keys, and the exit code
/// 0 (nothing failed), 1 (a case failed), 2 (a usage error, nothing on stdout).
#[test]
fn the_json_document_is_what_ci_can_rely_on() {
    let flag = format!("--secret={STRIPE}");
    for (bug, code_wanted) in [(Bug::Correct, 0), (Bug::AcceptsEverything, 1)] {
        let rx = receiver("stripe", STRIPE, bug);
        let (code, doc) = check(&rx.url, &["--scheme", "stripe", &flag, "--timeout", "5s"]);
        assert_eq!(code, code_wanted, "{doc:#}");
        for key in [
            "url",
            "scheme",
            "event",
            "timeout_ms",
            "strict",
            "cases",
            "summary",
            "ok",
        ] {
            assert!(doc.get(key).is_some(), "{key}: {doc:#}");
        }
        assert_eq!(doc["ok"], code_wanted == 0, "{doc:#}");
        // A timeout reads as it is set.
        assert_eq!(doc["timeout"], "timeout 5s (--timeout)", "{doc:#}");
        assert_eq!(doc["timeout_ms"], 5000, "{doc:#}");
        let cases = doc["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 17, "{doc:#}");
        for c in cases {
            for key in ["case", "sent", "expected", "verdict", "got", "why"] {
                assert!(c.get(key).is_some(), "{key}: {c:#}");
            }
            assert!(
                ["pass", "fail", "warn", "n/a"].contains(&c["verdict"].as_str().unwrap()),
                "{c:#}"
            );
            for g in c["got"].as_array().unwrap() {
                assert!(g.get("status").is_some() && g["ms"].is_number(), "{g:#}");
            }
        }
        let s = &doc["summary"];
        let total: u64 = ["pass", "fail", "warn", "n/a"]
            .iter()
            .map(|k| s[k].as_u64().unwrap())
            .sum();
        assert_eq!(total, 17, "{doc:#}");
    }
    let rx = receiver("stripe", STRIPE, Bug::Correct);
    for bad in [
        vec![
            "check",
            rx.url.as_str(),
            "--json",
            "--scheme",
            "stripe",
            flag.as_str(),
            "--only",
            "nope",
        ],
        vec!["check", rx.url.as_str(), "--json", "--scheme", "stripe"],
        vec!["check", rx.url.as_str(), "--json", "--scheme", "nope", flag.as_str()],
    ] {
        let ran = common::run(&bad, b"");
        ran.code(2);
        assert_eq!(ran.out(), "", "{bad:?}");
    }
}

/// The providers with a handshake (Slack, Zoom, Twitch): a receiver that verifies but
/// answers the handshake like any event fails the handshake case, and only it.
#[test]
fn receivers_that_do_not_answer_the_handshake_fail_it() {
    for scheme in ["slack", "zoom", "twitch"] {
        let (f, doc) = failed(scheme, SLACK, Bug::NoHandshake, &["--timeout", "5s"]);
        assert_eq!(f, set(&["handshake"]), "{scheme}: {doc:#}");
        let (f, doc) = failed(scheme, SLACK, Bug::Correct, &["--timeout", "5s"]);
        assert!(f.is_empty(), "{scheme}: {doc:#}");
        assert!(with_verdict(&doc, "pass").contains("handshake"), "{scheme}: {doc:#}");
    }
}

/// Every case that ran says why it matters, passed or not; only a case that did not
/// pass says what to fix. The header names each column.
#[test]
fn the_table_says_why_each_case_matters() {
    let rx = receiver("stripe", STRIPE, Bug::Correct);
    let flag = format!("--secret={STRIPE}");
    let ran = common::run(
        &[
            "check",
            &rx.url,
            "--scheme",
            "stripe",
            &flag,
            "--only",
            "valid,unsigned,downgrade",
        ],
        b"",
    );
    ran.code(0);
    let out = ran.out();
    let header = out.lines().next().unwrap();
    for col in ["case", "verdict", "got", "expected"] {
        assert!(header.contains(col), "{col}: {header}");
    }
    assert!(out.contains("why: lost deliveries"), "{out}");
    assert!(out.contains("why: forgery: anyone who finds the URL"), "{out}");
    assert!(!out.contains("fix:"), "{out}");
    // A case that does not apply says why not, not why it would matter.
    assert!(
        !out.contains("why: forgery: a receiver that checks the weaker"),
        "{out}"
    );
}

/// Nothing is sent anywhere but the URL given: with --public-url (what Twilio and Square
/// sign) naming another server, every case's requests, the latency case's too, reach
/// the URL and none reaches the public one.
#[test]
fn nothing_is_sent_but_to_the_url() {
    for scheme in ["twilio", "square"] {
        let target = common::Receiver::start(vec![200]);
        let public = common::Receiver::start(vec![200]);
        let public_url = format!("{}/in", public.url);
        let url = format!("{}/hook", target.url);
        let (_, doc) = check(
            &url,
            &[
                "--scheme",
                scheme,
                "--secret=s",
                "--public-url",
                &public_url,
                "--requests",
                "7",
                "--timeout",
                "5s",
            ],
        );
        assert!(doc["unreachable"].is_null(), "{doc:#}");
        let sent: usize = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["case"] != "latency")
            .map(|c| c["got"].as_array().unwrap().len())
            .sum();
        assert!(public.got().is_empty(), "{scheme}: {:?}", public.got());
        assert_eq!(target.got().len(), sent + 7, "{scheme}: {doc:#}");
        assert!(target.got().iter().all(|r| r.path.starts_with("/hook")), "{scheme}");
    }
}

/// The URL is taken as `send` takes it (`:PORT/path`, `localhost:PORT/path`, from the
/// command line or a target), and a URL that cannot be used is a usage error naming the
/// corrected form.
#[test]
fn the_url_is_taken_as_curl_takes_it() {
    let rx = receiver("github", GITHUB, Bug::Correct);
    let port = rx
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let secret = format!("--secret={GITHUB}");
    for typed in [format!(":{port}/hook"), format!("localhost:{port}/hook")] {
        let (code, doc) = check(&typed, &["--scheme", "github", &secret, "--only", "valid"]);
        assert_eq!(code, 0, "{typed}: {doc:#}");
        assert_eq!(doc["summary"]["pass"], 1, "{typed}: {doc:#}");
    }
    let dir = common::tempdir();
    let toml = format!("[targets.local]\nurl = \":{port}/hook\"\nscheme = \"github\"\n");
    let config = common::write(dir.path(), "hookcat.toml", toml.as_bytes());
    let ran = common::run(
        &[
            "check", "--config", &config, "-t", "local", &secret, "--json", "--only", "valid",
        ],
        b"",
    );
    ran.code(0);
    let ran = common::run(&["check", "ftp://127.0.0.1:9/", "--scheme", "github", &secret], b"");
    let err = ran.code(2).err();
    assert!(err.contains("did you mean `http://127.0.0.1:9/`?"), "{err}");
}

/// Nothing listening: the run ends with the failure in one line and what to do about it,
/// as `send` says it, instead of only each case's "no answer".
#[test]
fn a_receiver_that_never_answers_is_named_once_with_what_to_do() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let secret = format!("--secret={GITHUB}");
    let ran = common::run(
        &["check", &url, "--scheme", "github", &secret, "--only", "valid,unsigned"],
        b"",
    );
    let err = ran.code(1).err();
    assert_eq!(
        err.matches(&format!(
            "connection refused by 127.0.0.1:{port}: is anything listening on that port?"
        ))
        .count(),
        1,
        "{err}"
    );
    // An answer from the receiver, even a refusal, is no such failure.
    let rx = receiver("github", GITHUB, Bug::Correct);
    let ran = common::run(
        &[
            "check",
            &rx.url,
            "--scheme",
            "github",
            "--secret=wrong",
            "--only",
            "valid",
        ],
        b"",
    );
    assert!(!ran.err().contains("listening"), "{}", ran.err());
}
