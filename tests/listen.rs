//! `hookcat listen` through the real binary: the announced address, the capture
//! record (`--json` and the log), verification, saving, the misbehaving receiver,
//! forwarding, provider handshakes, limits, CI mode, hostile clients written as raw
//! bytes over TCP, secrets kept out of the output, and a no-loss run of 2,000
//! requests. Every server binds 127.0.0.1:0; no test sleeps to wait for one.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use common::{
    attempts_and_summary, connect, hookcat_in, host_port, listen, listen_env, log_lines, parse_response, post, raw,
    read_to_close, request, spawn_listen, tempdir, wait_for, write, RawResponse, Receiver, PATIENCE,
};
use serde_json::Value;

/// `hookcat` with a clean environment, also without the variables `send` reads.
fn hc(dir: &Path) -> assert_cmd::Command {
    let mut c = hookcat_in(dir);
    for v in ["HOOKCAT_URL", "HOOKCAT_SCHEME", "HOOKCAT_TIMEOUT", "HOOKCAT_RETRIES"] {
        c.env_remove(v);
    }
    c.env("HOOKCAT_CONFIG_DIR", dir.join("no-config"));
    c
}

/// `hookcat send URL ARGS` in-process, which must exit with `code`.
fn send(url: &str, args: &[&str], code: u8) {
    common::run(&[&["send", url][..], args].concat(), b"").code(code);
}

fn body_bytes(record: &Value) -> Vec<u8> {
    let body = record["body"].as_str().expect("body is a string");
    match record["body_encoding"].as_str() {
        Some("utf8") => body.as_bytes().to_vec(),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("valid base64"),
        other => panic!("unknown body_encoding {other:?}"),
    }
}

fn header_values<'a>(record: &'a Value, name: &str) -> Vec<&'a str> {
    record["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p[0].as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        .map(|p| p[1].as_str().unwrap())
        .collect()
}

#[test]
fn announces_its_address_and_records_any_method_and_path_as_json() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json"]);
    assert!(l.url.starts_with("http://127.0.0.1:"), "{}", l.url);
    let port: u16 = l.url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);

    // Duplicated headers and a body that is not UTF-8, written by hand.
    let body: &[u8] = &[0xff, 0xfe, 0x00, b'{', 0x80, b'\n'];
    let mut s = connect(&l.url);
    let client_addr = s.local_addr().unwrap().to_string();
    let mut req = format!(
        "PATCH /any/where?x=1&y=two HTTP/1.1\r\nHost: {}\r\nX-First: 1\r\nX-Dup: a\r\nX-Dup: b\r\nX-Last: z\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        host_port(&l.url),
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    s.write_all(&req).unwrap();
    let resp = parse_response(&read_to_close(&mut s));
    assert_eq!(resp.status, 200);

    for (method, path) in [
        ("DELETE", "/"),
        ("GET", "/a/b/c?q=%20"),
        ("PUT", "/x"),
        ("OPTIONS", "/y"),
    ] {
        assert_eq!(request(&l.url, method, path, &[], b"").status, 200, "{method} {path}");
    }
    let recs = l.wait_records(5);
    let (code, stdout, stderr) = l.stop();
    assert_eq!(code, Some(0), "{stderr}");

    // stdout holds one JSON object per request and nothing else.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for line in &lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert_eq!(v["type"], "request", "{line}");
    }

    let r = &recs[0];
    assert_eq!(r["v"], 1);
    assert!(r["id"].as_str().is_some_and(|s| !s.is_empty()));
    let at = r["received_at"].as_str().unwrap();
    assert!(
        at.len() >= 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "not RFC 3339 UTC: {at}"
    );
    assert_eq!(r["method"], "PATCH");
    assert_eq!(r["path"], "/any/where?x=1&y=two");
    assert_eq!(header_values(r, "x-dup"), ["a", "b"], "duplicates are kept, in order");
    assert_eq!(header_values(r, "x-first"), ["1"]);
    // Headers are ordered [name, value] pairs.
    let names: Vec<String> = r["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p.as_array().map(Vec::len), Some(2), "a header is a pair: {p}");
            p[0].as_str().unwrap().to_ascii_lowercase()
        })
        .collect();
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("no {n} in {names:?}"))
    };
    assert!(
        pos("x-first") < pos("x-dup") && pos("x-dup") < pos("x-last"),
        "{names:?}"
    );
    assert_eq!(r["body_encoding"], "base64");
    assert_eq!(body_bytes(r), body, "byte-exact once decoded");
    assert_eq!(r["remote_addr"], client_addr.as_str());
    assert!(r["verification"].is_null(), "no secret, no verification: {r}");
    assert_eq!(r["response"]["status"], 200);
    assert_eq!(r["response"]["kind"], "normal");

    let methods: Vec<&str> = recs.iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["PATCH", "DELETE", "GET", "PUT", "OPTIONS"]);
    assert_eq!(recs[2]["path"], "/a/b/c?q=%20");
    assert_eq!(recs[2]["body_encoding"], "utf8");
    assert_eq!(recs[2]["body"], "");
}

#[test]
fn verifies_github_signatures_and_diagnoses_a_tampered_body() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen_env(
        d,
        &[("S", "gh-secret")],
        &["--json", "--scheme", "github", "--secret-env", "S"],
    );
    send(&l.url, &["--event", "github.push", "--secret=gh-secret"], 0);

    // Signed without a trailing newline, sent with one.
    let signed = write(d, "signed.json", br#"{"action":"opened","number":1}"#);
    let sent = write(d, "sent.json", b"{\"action\":\"opened\",\"number\":1}\n");
    let sig = hc(d)
        .env("S", "gh-secret")
        .args(["sign", "--scheme", "github", "--secret-env", "S", &signed])
        .output()
        .unwrap();
    assert!(sig.status.success());
    let sig = String::from_utf8(sig.stdout).unwrap();
    let sig = sig
        .lines()
        .find(|l| l.starts_with("X-Hub-Signature-256:"))
        .expect("the signature header");
    send(&l.url, &["--data", &sent, "-H", sig], 0);

    let recs = l.wait_records(2);
    let (code, _, stderr) = l.stop();
    assert_eq!(code, Some(0));
    let ok = &recs[0]["verification"];
    assert_eq!(ok["valid"], true, "{ok}");
    assert_eq!(ok["scheme"], "github");
    assert!(ok["reason"].is_string());
    let bad = &recs[1]["verification"];
    assert_eq!(bad["valid"], false, "{bad}");
    assert_eq!(bad["scheme"], "github");
    let codes: Vec<&str> = bad["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"trailing_newline_added"), "{bad}");
    // Without --reject-invalid the request is still answered normally.
    assert_eq!(recs[1]["response"]["status"], 200);
    assert!(stderr.contains("1 valid, 1 invalid"), "{stderr}");
}

#[test]
fn scheme_auto_detects_the_provider_per_request() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen_env(
        d,
        &[("S", "whsec_c2VjcmV0LWZvci1hdXRv")],
        &["--json", "--scheme", "auto", "--secret-env", "S"],
    );
    for event in ["stripe.invoice.paid", "github.ping", "shopify.orders/create"] {
        send(&l.url, &["--event", event, "--secret=whsec_c2VjcmV0LWZvci1hdXRv"], 0);
    }
    send(&l.url, &["--data", &write(d, "b.json", b"{}")], 0);
    let recs = l.wait_records(4);
    l.stop();
    let got: Vec<(bool, &str)> = recs[..3]
        .iter()
        .map(|r| {
            (
                r["verification"]["valid"].as_bool().unwrap(),
                r["verification"]["scheme"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(true, "stripe"), (true, "github"), (true, "shopify")],
        "{recs:#?}"
    );
    assert_eq!(
        recs[3]["verification"]["valid"], false,
        "an unsigned request is not valid: {}",
        recs[3]
    );
}

#[test]
fn reject_invalid_answers_401() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen_env(
        d,
        &[("S", "gh-secret")],
        &["--json", "--scheme", "github", "--secret-env", "S", "--reject-invalid"],
    );
    send(&l.url, &["--event", "github.ping", "--secret=gh-secret"], 0);
    send(&l.url, &["--event", "github.ping", "--secret=wrong"], 1);
    let unsigned = post(&l.url, b"{}");
    assert_eq!(unsigned.status, 401);
    let recs = l.wait_records(3);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 200);
    assert_eq!(recs[1]["response"]["status"], 401);
    assert_eq!(recs[1]["response"]["kind"], "rejected");
    assert_eq!(recs[1]["verification"]["valid"], false);
    assert_eq!(recs[2]["response"]["status"], 401);
}

#[test]
fn save_keeps_every_answered_request_byte_exact() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("caps").join("log.jsonl");
    let l = listen(d, &["--save", log.to_str().unwrap(), "--quiet"]);
    let bodies: Vec<Vec<u8>> = vec![
        b"{\"a\": 1,  \"b\" : [1,2]}\n".to_vec(),
        vec![0x00, 0xff, 0x10, 0x80, 0x7f, b'\r', b'\n'],
        "h\u{e9}llo \u{1f980} \\\"quoted\\\"\r\n\t".as_bytes().to_vec(),
        Vec::new(),
    ];
    for (i, b) in bodies.iter().enumerate() {
        let file = write(d, &format!("b{i}"), b);
        send(
            &l.url,
            &["--data", &file, "--content-type", "application/octet-stream"],
            0,
        );
    }
    let (code, _, stderr) = l.stop();
    assert_eq!(code, Some(0));
    assert!(stderr.contains(&format!("saving to {}", log.display())), "{stderr}");
    let recs = log_lines(&log);
    assert_eq!(recs.len(), bodies.len());
    for (r, b) in recs.iter().zip(&bodies) {
        assert_eq!(&body_bytes(r), b);
        assert_eq!(r["response"]["status"], 200);
    }
    assert_eq!(recs[1]["body_encoding"], "base64");
    assert!(!d.join("captures.jsonl").exists(), "--save replaces the default log");
}

#[test]
fn no_save_writes_nothing() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--no-save", "--json"]);
    assert_eq!(post(&l.url, b"{}").status, 200);
    l.wait_records(1);
    let (code, _, stderr) = l.stop();
    assert_eq!(code, Some(0));
    assert!(stderr.contains("not saving"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "--no-save wrote {left:?}");
}

#[test]
fn default_log_is_in_the_data_dir_and_sigint_prints_a_summary() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &[]);
    let resp = post(&l.url, b"{\"hello\":\"world\"}");
    assert_eq!(resp.status, 200);
    let log = d.join("captures.jsonl");
    assert!(wait_for(|| log_lines(&log).len() == 1, PATIENCE));
    let (code, stdout, stderr) = l.stop();
    assert_eq!(code, Some(0), "Ctrl-C is how a listener stops: exit 0\n{stderr}");
    assert!(stderr.contains(&format!("saving to {}", log.display())), "{stderr}");
    assert!(stderr.contains("stopped:") && stderr.contains("1 request"), "{stderr}");
    assert!(
        stdout.contains("POST") && stdout.contains("/hook") && stdout.contains("world"),
        "{stdout}"
    );
    assert_eq!(body_bytes(&log_lines(&log)[0]), b"{\"hello\":\"world\"}");
}

#[test]
fn status_body_headers_and_delay_shape_the_answer() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(
        d,
        &[
            "--json",
            "--status",
            "418",
            "--body",
            "short and stout",
            "--response-header",
            "X-Teapot: yes",
            "--delay",
            "200ms",
        ],
    );
    let r = post(&l.url, b"{}");
    assert_eq!(r.status, 418);
    assert_eq!(r.body, b"short and stout");
    assert_eq!(r.header("x-teapot"), Some("yes"));
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 418);

    // --body @FILE
    let file = write(d, "answer.json", b"{\"from\":\"file\"}");
    let l = listen(d, &["--no-save", "--body", &format!("@{file}")]);
    assert_eq!(post(&l.url, b"{}").body, b"{\"from\":\"file\"}");
    l.stop();
}

#[test]
fn fail_first_then_succeeds_and_a_sender_retries_through_it() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--fail-first", "2"]);
    let statuses: Vec<u16> = (0..3).map(|_| post(&l.url, b"{}").status).collect();
    assert_eq!(statuses, [500, 500, 200]);
    let recs = l.wait_records(3);
    l.stop();
    assert_eq!(recs[0]["response"]["kind"], "simulated");
    assert_eq!(recs[2]["response"]["kind"], "normal");

    let l = listen(d, &["--json", "--fail-first", "2"]);
    let out = hc(d)
        .args(["send", &l.url, "--event", "github.ping", "--retries", "3", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (attempts, summary) = attempts_and_summary(&out.stdout);
    assert_eq!(
        attempts
            .iter()
            .map(|a| a["status"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [500, 500, 200]
    );
    assert_eq!(summary["delivered"], true);
    l.wait_records(3);
    l.stop();
}

#[test]
fn fail_rate_with_a_seed() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--no-save", "--fail-rate", "1.0", "--seed", "42"]);
    assert!((0..5).all(|_| post(&l.url, b"{}").status == 500));
    l.stop();
    let l = listen(d, &["--no-save", "--fail-rate", "0.0", "--seed", "42"]);
    assert!((0..5).all(|_| post(&l.url, b"{}").status == 200));
    l.stop();
    // The same seed gives the same answers.
    let run = || {
        let l = listen(d, &["--no-save", "--fail-rate", "0.5", "--seed", "7"]);
        let s: Vec<u16> = (0..12).map(|_| post(&l.url, b"{}").status).collect();
        l.stop();
        s
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.iter().all(|s| *s == 200 || *s == 500), "{a:?}");
}

#[test]
fn status_sequence_and_retry_after() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--status-sequence", "500,429,200", "--retry-after", "1"]);
    let rs: Vec<RawResponse> = (0..4).map(|_| post(&l.url, b"{}")).collect();
    assert_eq!(rs.iter().map(|r| r.status).collect::<Vec<_>>(), [500, 429, 200, 200]);
    assert_eq!(
        rs[0].header("retry-after"),
        None,
        "Retry-After goes with 429 and 503 only"
    );
    assert_eq!(rs[1].header("retry-after"), Some("1"));
    assert_eq!(rs[2].header("retry-after"), None);
    l.wait_records(4);
    l.stop();

    let l = listen(d, &["--no-save", "--status", "503", "--retry-after", "2"]);
    let r = post(&l.url, b"{}");
    assert_eq!((r.status, r.header("retry-after")), (503, Some("2")));
    l.stop();
}

#[test]
fn hang_makes_the_sender_time_out_and_is_still_logged() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--hang"]);
    let out = hc(d)
        .args(["send", &l.url, "--event", "github.ping", "--timeout", "1s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out"));
    let recs = l.wait_records(1);
    let (code, _, _) = l.stop();
    assert_eq!(code, Some(0), "a hung request does not keep the listener from stopping");
    assert_eq!(recs[0]["response"]["kind"], "hung");
    assert!(recs[0]["response"]["status"].is_null());
    let log = log_lines(&d.join("captures.jsonl"));
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["response"]["kind"], "hung");
}

#[test]
fn drop_closes_without_an_answer_and_is_still_logged() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--drop"]);
    let got = raw(&l.url, b"POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    assert!(
        got.is_empty(),
        "no answer at all, got {:?}",
        String::from_utf8_lossy(&got)
    );
    send(&l.url, &["--event", "github.ping"], 1);
    let recs = l.wait_records(2);
    l.stop();
    assert_eq!(recs[0]["response"]["kind"], "dropped");
    assert!(recs[0]["response"]["status"].is_null());
    assert_eq!(recs[0]["body"], "{}");
    assert_eq!(log_lines(&d.join("captures.jsonl")).len(), 2);
}

#[test]
fn forwards_to_the_app_byte_exact_and_relays_its_answer() {
    let dir = tempdir();
    let d = dir.path();
    let app = Receiver::start(vec![202]);
    let l = listen_env(
        d,
        &[("S", "gh-secret")],
        &["--json", "--forward-to", &format!("{}/base", app.url)],
    );
    let out = hc(d)
        .env("S", "gh-secret")
        .args([
            "send",
            &format!("{}/hook?x=1&y=%2F", l.url),
            "--event",
            "github.push",
            "--secret-env",
            "S",
        ])
        .args(["-X", "PUT", "-H", "X-Custom: kept", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (attempts, _) = attempts_and_summary(&out.stdout);
    assert_eq!(attempts[0]["status"], 202, "the sender gets the app's status");
    assert_eq!(attempts[0]["response_body"], "{\"n\":0}", "and the app's body");

    let recs = l.wait_records(1);
    let got = app.got();
    assert_eq!(got.len(), 1);
    let g = &got[0];
    assert_eq!(g.method, "PUT");
    assert_eq!(g.path, "/base/hook?x=1&y=%2F");
    assert_eq!(g.header("x-custom"), Some("kept"));
    assert_eq!(g.body, body_bytes(&recs[0]), "byte-exact");
    assert_eq!(recs[0]["response"]["kind"], "forwarded");
    assert_eq!(recs[0]["response"]["status"], 202);
    // The signature still verifies at the app.
    let mut verify = hc(d);
    verify
        .env("S", "gh-secret")
        .args(["verify", "--scheme", "github", "--secret-env", "S"]);
    for (k, v) in &g.headers {
        verify.args(["-H", &format!("{k}: {v}")]);
    }
    verify.write_stdin(g.body.clone()).assert().success();

    // Hop-by-hop headers stay behind.
    let r = request(
        &l.url,
        "POST",
        "/raw",
        &[
            ("Keep-Alive", "timeout=5"),
            ("TE", "trailers"),
            ("Proxy-Authorization", "Basic eA=="),
            ("X-Also", "1"),
        ],
        b"raw body",
    );
    assert_eq!(r.status, 202);
    assert!(wait_for(|| app.got().len() == 2, PATIENCE));
    let g = &app.got()[1];
    assert_eq!(g.body, b"raw body");
    assert_eq!(g.header("x-also"), Some("1"));
    for hop in ["keep-alive", "te", "proxy-authorization"] {
        assert_eq!(g.header(hop), None, "{hop} was forwarded: {:?}", g.headers);
    }
    l.stop();
}

#[test]
fn forwarding_drops_the_headers_the_connection_header_names() {
    // RFC 9110 section 7.6.1: a field named in Connection is hop-by-hop too.
    let dir = tempdir();
    let app = Receiver::start(vec![]);
    let l = listen(dir.path(), &["--no-save", "--forward-to", &app.url]);
    let got = raw(
        &l.url,
        b"POST /c HTTP/1.1\r\nHost: x\r\nConnection: close, X-Hop-Only\r\nX-Hop-Only: 1\r\nX-End-To-End: 2\r\nContent-Length: 2\r\n\r\n{}",
    );
    assert_eq!(parse_response(&got).status, 200);
    l.stop();
    let g = &app.got()[0];
    assert_eq!(g.header("x-end-to-end"), Some("2"));
    assert_eq!(
        g.header("x-hop-only"),
        None,
        "a header named in Connection was forwarded: {:?}",
        g.headers
    );
}

#[test]
fn forwarding_to_an_unreachable_app_answers_502() {
    let dir = tempdir();
    let d = dir.path();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let l = listen(d, &["--json", "--forward-to", &format!("http://127.0.0.1:{port}")]);
    let r = post(&l.url, b"{}");
    assert_eq!(r.status, 502);
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 502);
}

/// An app behind `listen --forward-to` (127.0.0.1:0): records each request as it
/// arrives and answers what `reply` decides from it; a gated app holds each answer
/// until [`App::release`] (or forever).
struct App {
    url: String,
    seen: Arc<Mutex<Vec<common::Recorded>>>,
    gate: Option<Arc<tokio::sync::Semaphore>>,
    _rt: tokio::runtime::Runtime,
}

/// Status, content type and body of an app's answer.
type Reply = (u16, &'static str, Vec<u8>);

impl App {
    fn start(gated: bool, reply: impl Fn(&common::Recorded) -> Reply + Send + Sync + 'static) -> App {
        let gate = gated.then(|| Arc::new(tokio::sync::Semaphore::new(0)));
        let server = common::serve(gate.clone(), move |_, r| {
            let (status, ct, body) = reply(r);
            (status, vec![("content-type".into(), ct.into())], body)
        });
        App {
            url: server.url,
            seen: server.requests,
            gate,
            _rt: server.rt,
        }
    }

    fn got(&self) -> Vec<common::Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// Lets one held answer go.
    fn release(&self) {
        if let Some(g) = &self.gate {
            g.add_permits(1);
        }
    }
}

const TWILIO_TOKEN: &str = "twilio-auth-token";

/// What Twilio's validators do (`RequestValidator` in Python, `twilio.webhook()` in
/// Express behind a proxy it trusts): rebuild the URL from X-Forwarded-Proto and the
/// forwarded host (else Host), then HMAC-SHA1 it with the form's parameters sorted by
/// name, base64. 403 when the signature does not match that URL.
fn twilio_app(r: &common::Recorded) -> Reply {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let host = r.header("x-forwarded-host").or(r.header("host")).unwrap_or_default();
    let proto = r.header("x-forwarded-proto").unwrap_or("http");
    let url = format!("{proto}://{host}{}", r.path);
    let mut params: Vec<(String, String)> = form_urlencoded::parse(&r.body).into_owned().collect();
    params.sort();
    let mut data = url.clone();
    for (k, v) in params {
        data.push_str(&k);
        data.push_str(&v);
    }
    let mut m = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(TWILIO_TOKEN.as_bytes()).unwrap();
    m.update(data.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes());
    if r.header("x-twilio-signature") == Some(expected.as_str()) {
        (204, "text/plain", Vec::new())
    } else {
        (
            403,
            "text/plain",
            format!("signature does not match {url}").into_bytes(),
        )
    }
}

/// Twilio signs the URL it calls: a request signed for the listener's local URL while
/// the listener was told a --public-url is diagnosed as such.
#[test]
fn twilio_signed_for_the_local_url_while_a_public_url_was_given() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen_env(
        d,
        &[("S", TWILIO_TOKEN)],
        &[
            "--json",
            "--scheme",
            "twilio",
            "--secret-env",
            "S",
            "--public-url",
            "https://abc.tunnel.example",
        ],
    );
    hc(d)
        .env("S", TWILIO_TOKEN)
        .args([
            "send",
            &format!("{}/sms", l.url),
            "--event",
            "twilio.sms.incoming",
            "--secret-env",
            "S",
        ])
        .assert()
        .success();
    let recs = l.wait_records(1);
    l.stop();
    let v = &recs[0]["verification"];
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["diagnosis"][0]["code"], "signed_for_local_url", "{v}");
    let msg = v["diagnosis"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("/sms") && msg.contains("https://abc.tunnel.example/sms"),
        "{msg}"
    );
}

/// The listener passes the original Host through and adds X-Forwarded-For, -Proto and
/// -Host, so that an app that rebuilds the signed URL (Twilio's validators) finds the
/// URL the sender signed: with the app's own address as Host it answered 403.
#[test]
fn forwarding_keeps_the_host_so_that_twilios_validator_accepts_the_request() {
    let dir = tempdir();
    let d = dir.path();
    let app = App::start(false, twilio_app);
    let l = listen_env(
        d,
        &[("S", TWILIO_TOKEN)],
        &[
            "--json",
            "--scheme",
            "twilio",
            "--secret-env",
            "S",
            "--forward-to",
            &app.url,
        ],
    );
    let out = hc(d)
        .env("S", TWILIO_TOKEN)
        .args(["send", &format!("{}/sms?a=1", l.url), "--event", "twilio.sms.incoming"])
        .args(["--secret-env", "S", "-H", "X-First: 1", "-H", "X-Second: 2", "--json"])
        .output()
        .unwrap();
    let recs = l.wait_records(1);
    let listener = host_port(&l.url);
    l.stop();
    let (attempts, _) = attempts_and_summary(&out.stdout);
    let g = &app.got()[0];
    assert_eq!(
        attempts[0]["status"], 204,
        "the app refused it: {:?} {:?}",
        attempts[0]["response_body"], g.headers
    );
    assert_eq!(recs[0]["verification"]["valid"], true, "{}", recs[0]);
    assert_eq!(g.header("host"), Some(listener.as_str()), "{:?}", g.headers);
    assert_eq!(g.header("x-forwarded-host"), Some(listener.as_str()));
    assert_eq!(g.header("x-forwarded-proto"), Some("http"));
    assert_eq!(g.header("x-forwarded-for"), Some("127.0.0.1"));
    assert_eq!(g.path, "/sms?a=1");
    assert_eq!(g.body, body_bytes(&recs[0]), "byte-exact");
    // The request's own headers keep their order.
    let names: Vec<String> = g.headers.iter().map(|(k, _)| k.clone()).collect();
    let received: Vec<String> = recs[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_ascii_lowercase())
        .filter(|k| names.contains(k))
        .collect();
    let relayed: Vec<String> = names.iter().filter(|k| received.contains(k)).cloned().collect();
    assert_eq!(relayed, received, "the headers were reordered");
}

/// A proxy in front (a tunnel) already said where the request came from: its
/// X-Forwarded-For gets the listener's client appended, its -Proto and -Host are kept.
/// `--rewrite-host` sends the app's own address as Host for an app that needs it.
#[test]
fn forwarding_extends_a_tunnels_x_forwarded_headers_and_rewrite_host_names_the_app() {
    let dir = tempdir();
    let d = dir.path();
    let app = App::start(false, |_| (200, "text/plain", b"ok".to_vec()));
    let l = listen(d, &["--no-save", "--forward-to", &app.url]);
    let r = request(
        &l.url,
        "POST",
        "/t",
        &[
            ("X-Forwarded-For", "203.0.113.9"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "abc.tunnel.example"),
        ],
        b"{}",
    );
    assert_eq!(r.status, 200);
    let listener = host_port(&l.url);
    l.stop();
    let g = &app.got()[0];
    assert_eq!(g.header("x-forwarded-for"), Some("203.0.113.9, 127.0.0.1"));
    assert_eq!(g.header("x-forwarded-proto"), Some("https"));
    assert_eq!(g.header("x-forwarded-host"), Some("abc.tunnel.example"));
    assert_eq!(g.header("host"), Some(listener.as_str()));

    let l = listen(d, &["--no-save", "--rewrite-host", "--forward-to", &app.url]);
    assert_eq!(post(&l.url, b"{}").status, 200);
    let listener = host_port(&l.url);
    l.stop();
    let g = &app.got()[1];
    assert_eq!(g.header("host"), Some(host_port(&app.url).as_str()));
    assert_eq!(g.header("x-forwarded-host"), Some(listener.as_str()));
}

/// Each request is printed when it arrives, before the app has answered; the app's
/// answer follows when it comes.
#[test]
fn forwarding_prints_the_request_on_arrival_then_the_apps_answer() {
    let dir = tempdir();
    let app = App::start(true, |_| (201, "text/plain", b"made".to_vec()));
    let l = listen(dir.path(), &["--no-save", "--forward-to", &app.url]);
    let url = l.url.clone();
    let sender = std::thread::spawn(move || post(&url, b"{\"a\":1}").status);
    assert!(
        wait_for(|| l.lines().iter().any(|x| x.contains("POST /hook")), PATIENCE),
        "nothing printed while the app thinks: {:#?}",
        l.lines()
    );
    assert!(
        !l.lines().iter().any(|x| x.contains("answered 201")),
        "{:#?}",
        l.lines()
    );
    app.release();
    assert_eq!(sender.join().unwrap(), 201);
    assert!(wait_for(
        || l.lines().iter().any(|x| x.contains("answered 201")),
        PATIENCE
    ));
    l.stop();
}

/// An app slower than --forward-timeout is reported as a timeout (504), not as
/// unreachable.
#[test]
fn a_slow_app_is_reported_as_a_timeout() {
    let dir = tempdir();
    let app = App::start(true, |_| (200, "text/plain", Vec::new()));
    let l = listen(
        dir.path(),
        &["--no-save", "--forward-timeout", "300ms", "--forward-to", &app.url],
    );
    assert_eq!(post(&l.url, b"{}").status, 504);
    let (_, out, _) = l.stop();
    assert!(out.contains("did not answer within 300ms (--forward-timeout)"), "{out}");
    assert!(!out.contains("unreachable"), "{out}");
}

/// A signature valid on arrival that the app refuses: the app's own check is what to
/// look at, and the `verify` command that reproduces the listener's verdict is shown.
#[test]
fn an_app_refusing_a_valid_signature_is_named_as_the_suspect() {
    let dir = tempdir();
    let d = dir.path();
    let app = App::start(false, |_| (401, "text/plain", b"bad signature".to_vec()));
    let l = listen_env(
        d,
        &[("S", "gh-secret")],
        &["--scheme", "github", "--secret-env", "S", "--forward-to", &app.url],
    );
    let out = hc(d)
        .env("S", "gh-secret")
        .args(["send", &l.url, "--event", "github.push", "--secret-env", "S"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(wait_for(
        || l.lines().iter().any(|x| x.contains("answered 401")),
        PATIENCE
    ));
    let (_, out, _) = l.stop();
    assert!(out.contains("valid when it arrived"), "{out}");
    assert!(out.contains("the app's own check"), "{out}");
    assert!(out.contains("hookcat verify --scheme github --headers-file"), "{out}");
}

/// In forward mode the app answers the providers' handshakes, as it will for the
/// provider: the listener forwards them and checks the answer.
#[test]
fn handshakes_are_forwarded_and_the_apps_answer_is_checked() {
    let dir = tempdir();
    let d = dir.path();
    let secret = "zoom-secret-token";
    let app = App::start(false, move |r| {
        let v: Value = serde_json::from_slice(&r.body).unwrap_or_default();
        let challenge = v["challenge"].as_str().unwrap_or_default().to_string();
        let plain = v["payload"]["plainToken"].as_str().unwrap_or_default().to_string();
        match r.path.as_str() {
            "/slack/right" => (
                200,
                "application/json",
                format!("{{\"challenge\":\"{challenge}\"}}").into_bytes(),
            ),
            "/twitch/right" => (200, "text/plain", challenge.into_bytes()),
            "/zoom/right" => {
                let enc = hmac_sha256_hex(secret.as_bytes(), plain.as_bytes());
                let body = serde_json::json!({"plainToken": plain, "encryptedToken": enc});
                (200, "application/json", body.to_string().into_bytes())
            }
            "/zoom/wrong-token" => {
                let enc = hmac_sha256_hex(b"another-secret", plain.as_bytes());
                let body = serde_json::json!({"plainToken": plain, "encryptedToken": enc});
                (200, "application/json", body.to_string().into_bytes())
            }
            _ => (200, "application/json", b"{\"ok\":true}".to_vec()),
        }
    });
    let l = listen_env(
        d,
        &[("S", secret)],
        &["--json", "--secret-env", "S", "--forward-to", &app.url],
    );
    let slack = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdx","type":"url_verification"}"#;
    let twitch = br#"{"challenge":"pogchamp-kappa","subscription":{"type":"stream.online"}}"#;
    let zoom = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let tw = [
        ("Content-Type", "application/json"),
        ("Twitch-Eventsub-Message-Type", "webhook_callback_verification"),
    ];
    let json = [("Content-Type", "application/json")];
    // Path, headers, body, and what the record's note says of the app's answer.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [u8], &'a str);
    let cases: [Case; 7] = [
        ("/slack/right", &json, slack, "as Slack expects"),
        ("/slack/wrong", &json, slack, "does not echo the challenge"),
        ("/twitch/right", &tw, twitch, "as Twitch expects"),
        ("/twitch/wrong", &tw, twitch, "does not echo the challenge"),
        ("/zoom/right", &json, zoom, "as Zoom expects"),
        ("/zoom/wrong-token", &json, zoom, "the app's Zoom secret token is wrong"),
        ("/zoom/wrong", &json, zoom, "does not echo the plainToken"),
    ];
    for (i, (path, headers, body, _)) in cases.iter().enumerate() {
        let r = request(&l.url, "POST", path, headers, body);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(app.got().len(), i + 1, "{path} was not forwarded");
        assert_eq!(app.got()[i].body, *body, "{path}");
    }
    let recs = l.wait_records(cases.len());
    l.stop();
    for (rec, (path, _, _, says)) in recs.iter().zip(cases) {
        assert_eq!(rec["response"]["kind"], "forwarded", "{path}: {rec}");
        let note = rec["response"]["note"].as_str().unwrap_or_default();
        assert!(note.contains(says), "{path}: {note:?}");
    }
}

/// Without a secret the listener cannot answer Zoom's handshake: it says so rather
/// than answer `{"ok":true}`, which Zoom refuses without saying why.
#[test]
fn zoom_validation_without_a_secret_is_not_answered_ok() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json"]);
    let zoom = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let r = post(&l.url, zoom);
    let recs = l.wait_records(1);
    l.stop();
    assert_ne!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(!String::from_utf8_lossy(&r.body).contains("\"ok\":true"));
    assert!(
        recs[0]["response"]["note"]
            .as_str()
            .unwrap_or_default()
            .contains("secret"),
        "{}",
        recs[0]
    );
}

#[test]
fn answers_slack_twitch_and_zoom_handshakes() {
    let dir = tempdir();
    let d = dir.path();
    let secret = "zoom-secret-token";
    let l = listen_env(d, &[("S", secret)], &["--json", "--secret-env", "S"]);

    let slack = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let r = post(&l.url, slack);
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");

    let twitch = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"stream.online"}}"#;
    let r = request(
        &l.url,
        "POST",
        "/twitch",
        &[
            ("Content-Type", "application/json"),
            ("Twitch-Eventsub-Message-Type", "webhook_callback_verification"),
        ],
        twitch,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"pogchamp-kappa-360noscope-vohiyo", "the challenge as text");
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/plain")));

    let zoom = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let r = post(&l.url, zoom);
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(
        v["encryptedToken"],
        hmac_sha256_hex(secret.as_bytes(), b"qgg8vlvZRS6UYooatFL8Aw")
    );

    // The catalog's handshake events, through `hookcat send`.
    for (n, event) in [
        (4, "slack.url_verification"),
        (5, "twitch.webhook_callback_verification"),
    ] {
        let out = hc(d)
            .args(["send", &l.url, "--event", event, "--json", "--scheme", "none"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{event}");
        let (attempts, _) = attempts_and_summary(&out.stdout);
        let sent = l.wait_records(n)[n - 1].clone();
        let challenge = serde_json::from_slice::<Value>(&body_bytes(&sent)).unwrap()["challenge"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            attempts[0]["response_body"].as_str().unwrap().contains(&challenge),
            "{event}: {}",
            attempts[0]
        );
    }
    let recs = l.records();
    l.stop();
    assert_eq!(recs.len(), 5);
    assert!(recs.iter().all(|r| r["response"]["kind"] == "handshake"), "{recs:#?}");
}

#[test]
fn no_handshake_answers_normally() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json", "--no-handshake"]);
    let r = post(
        &l.url,
        br#"{"token":"t","challenge":"abc123","type":"url_verification"}"#,
    );
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert!(v.get("challenge").is_none(), "{v}");
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs[0]["response"]["kind"], "normal");
}

fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn max_body_answers_413_with_a_note() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--max-body", "1KiB"]);
    let big = write(
        d,
        "big.json",
        format!("{{\"pad\":\"{}\"}}", "x".repeat(2000)).as_bytes(),
    );
    let out = hc(d).args(["send", &l.url, "--data", &big, "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(attempts_and_summary(&out.stdout).0[0]["status"], 413);
    assert_eq!(
        post(&l.url, b"{\"small\":true}").status,
        200,
        "smaller bodies still pass"
    );
    let recs = l.wait_records(2);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 413);
    assert!(
        recs[0]["body_note"]
            .as_str()
            .is_some_and(|n| n.contains("over --max-body 1 KiB")),
        "{}",
        recs[0]
    );
}

#[test]
fn allow_ip_refuses_other_clients_with_403() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json", "--allow-ip", "10.0.0.0/8"]);
    assert_eq!(post(&l.url, b"{}").status, 403);
    // Reported, not saved (tests/listen_load.rs has the rest).
    assert!(wait_for(
        || l.lines().iter().any(|x| x.contains("\"type\":\"refused\"")),
        PATIENCE
    ));
    l.stop();
    let l = listen(
        dir.path(),
        &["--no-save", "--allow-ip", "10.0.0.0/8", "--allow-ip", "127.0.0.0/8"],
    );
    assert_eq!(post(&l.url, b"{}").status, 200);
    l.stop();
}

#[test]
fn rate_limit_answers_some_429s() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--no-save", "--quiet", "--rate-limit", "2/s"]);
    let out = hc(d)
        .args([
            "send",
            &l.url,
            "--event",
            "github.ping",
            "--count",
            "10",
            "--concurrency",
            "1",
            "--json",
        ])
        .output()
        .unwrap();
    let (_, summary) = attempts_and_summary(&out.stdout);
    let n = |s: &str| summary["statuses"][s].as_u64().unwrap_or(0);
    assert!(n("429") >= 1 && n("200") >= 1, "{summary}");
    assert_eq!(n("429") + n("200"), 10, "{summary}");
    assert_eq!(out.status.code(), Some(1), "not every request got a 2xx");
    l.stop();
}

#[test]
fn require_header_answers_401_without_it() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "-v", "--require-header", "X-Api-Key: k-123"]);
    assert_eq!(post(&l.url, b"{}").status, 401);
    assert_eq!(request(&l.url, "POST", "/", &[("X-Api-Key", "wrong")], b"").status, 401);
    send(&l.url, &["--event", "github.ping", "-H", "X-Api-Key: k-123"], 0);
    let recs = l.wait_records(3);
    l.stop();
    let st: Vec<u64> = recs.iter().map(|r| r["response"]["status"].as_u64().unwrap()).collect();
    assert_eq!(st, [401, 401, 200]);
}

#[test]
fn header_timeout_cuts_off_a_slow_client_while_others_are_served() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--header-timeout", "1s"]);
    let mut slow = connect(&l.url);
    slow.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    send(&l.url, &["--event", "github.ping"], 0);
    let got = read_to_close(&mut slow);
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    let recs = l.wait_records(1);
    let (_, stdout, _) = l.stop();
    assert_eq!(recs.len(), 1, "the cut-off client is not a request: {stdout}");
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}"));
        assert!(v["type"].is_string(), "{line}");
    }
}

#[test]
fn tls_serves_https_with_a_self_signed_certificate() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--tls"]);
    assert!(l.url.starts_with("https://127.0.0.1:"), "{}", l.url);
    send(&l.url, &["--event", "github.ping", "--insecure"], 0);
    // Without --insecure the certificate is refused: nothing to retry.
    send(&l.url, &["--event", "github.ping"], 1);
    // Trusting the listener's own certificate with --cacert works without --insecure.
    send(
        &l.url,
        &[
            "--event",
            "github.ping",
            "--cacert",
            d.join("hookcat-cert.pem").to_str().unwrap(),
        ],
        0,
    );
    let recs = l.wait_records(2);
    let (code, _, stderr) = l.stop();
    assert_eq!(code, Some(0));
    assert_eq!(recs[0]["method"], "POST");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("tls:"))
        .unwrap_or_else(|| panic!("{stderr}"));
    let path = line
        .split("certificate ")
        .nth(1)
        .unwrap()
        .split(" (SHA-256 ")
        .next()
        .unwrap();
    let fp = line.split("SHA-256 ").nth(1).unwrap().trim_end_matches(')');
    let pem = std::fs::read_to_string(path).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let want: Vec<String> = <sha2::Sha256 as sha2::Digest>::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(
        fp.replace(':', "").to_ascii_uppercase(),
        want.concat(),
        "the fingerprint is the certificate's"
    );
}

#[test]
fn expect_exits_0_once_enough_requests_arrived() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--expect", "2", "--timeout", "5s"]);
    send(&l.url, &["--event", "github.ping"], 0);
    send(&l.url, &["--event", "github.ping"], 0);
    let (code, stdout, stderr) = l.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 2);
}

#[test]
fn expect_exits_1_when_the_timeout_passes_first() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--expect", "3", "--timeout", "1s"]);
    let sent = hc(d)
        .args(["send", &l.url, "--event", "github.ping"])
        .output()
        .unwrap()
        .status
        .success();
    let (code, _, stderr) = l.finish();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("expected 3 requests,"), "{stderr}");
    if sent {
        assert!(stderr.contains("got 1"), "{stderr}");
    }
    // The count once, not again in the details.
    assert!(
        !stderr.contains("(1 request") && !stderr.contains("(0 requests"),
        "{stderr}"
    );
}

#[test]
fn once_exits_after_the_first_request() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json", "--once"]);
    send(&l.url, &["--event", "github.ping"], 0);
    let (code, stdout, _) = l.finish();
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn garbage_bytes_get_400_or_a_close_and_the_listener_keeps_serving() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json"]);
    for junk in [
        &b"\x00\x01\x02garbage\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"POST / HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00",
    ] {
        let got = raw(&l.url, junk);
        assert!(
            got.is_empty() || got.starts_with(b"HTTP/1.1 400") || got.starts_with(b"HTTP/1.1 505"),
            "{:?} -> {:?}",
            String::from_utf8_lossy(junk),
            String::from_utf8_lossy(&got)
        );
    }
    assert_eq!(post(&l.url, b"{}").status, 200);
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs.len(), 1);
}

#[test]
fn invalid_json_is_recorded_as_is() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json"]);
    let body = b"{\"truncated\": [1, 2,\n";
    assert_eq!(post(&l.url, body).status, 200);
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs[0]["body_encoding"], "utf8");
    assert_eq!(body_bytes(&recs[0]), body);
    assert_eq!(body_bytes(&log_lines(&d.join("captures.jsonl"))[0]), body);
}

/// Writes `head` then `len` zero bytes in 64 KiB pieces (never the whole body in
/// memory), while another thread reads the answer; stops writing when the listener
/// closes. Returns what was read.
fn stream_body(url: &str, head: &[u8], len: u64) -> Vec<u8> {
    let mut s = connect(url);
    let mut r = s.try_clone().unwrap();
    let reader = std::thread::spawn(move || read_to_close(&mut r));
    let chunk = vec![0u8; 64 * 1024];
    let mut sent = 0u64;
    if s.write_all(head).is_ok() {
        while sent < len {
            let n = chunk.len().min((len - sent) as usize);
            if s.write_all(&chunk[..n]).is_err() {
                break;
            }
            sent += n as u64;
        }
    }
    let _ = s.shutdown(std::net::Shutdown::Write);
    reader.join().unwrap()
}

#[test]
fn a_100_mib_body_gets_413_and_the_listener_keeps_serving() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json"]);
    let len = 100u64 << 20;
    let head = format!(
        "POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\n\r\n"
    );
    let got = stream_body(&l.url, head.as_bytes(), len);
    // The answer may be lost when the listener resets the connection mid-upload.
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 413"),
        "{:?}",
        String::from_utf8_lossy(&got[..got.len().min(200)])
    );
    assert_eq!(post(&l.url, b"{}").status, 200);
    let recs = l.wait_records(2);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 413);
    assert!(
        recs[0]["body_note"].as_str().is_some_and(|n| n.contains("max-body")),
        "{}",
        recs[0]
    );
    assert!(
        recs[0]["body"].as_str().unwrap().len() < 1 << 20,
        "the refused body is not kept"
    );
}

#[test]
fn a_chunked_body_over_the_limit_gets_413() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json", "--max-body", "64KiB"]);
    let mut s = connect(&l.url);
    let mut r = s.try_clone().unwrap();
    let reader = std::thread::spawn(move || read_to_close(&mut r));
    let _ = s.write_all(b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    let chunk = [b'a'; 4096];
    for _ in 0..64 {
        let mut piece = b"1000\r\n".to_vec();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if s.write_all(&piece).is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let got = reader.join().unwrap();
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 413"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(post(&l.url, b"{}").status, 200);
    let recs = l.wait_records(2);
    l.stop();
    assert_eq!(recs[0]["response"]["status"], 413);
    assert!(recs[0]["body_note"].is_string());
}

#[test]
fn ten_thousand_headers_get_431_or_a_close_and_the_listener_keeps_serving() {
    let dir = tempdir();
    let l = listen(dir.path(), &["--json"]);
    let mut head = String::from("POST /many HTTP/1.1\r\nHost: x\r\n");
    for i in 0..10_000 {
        head.push_str(&format!("X-H{i}: v\r\n"));
    }
    head.push_str("Content-Length: 0\r\n\r\n");
    let got = stream_body(&l.url, head.as_bytes(), 0);
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 431"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(post(&l.url, b"{}").status, 200);
    let recs = l.wait_records(1);
    l.stop();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["path"], "/hook");
}

#[test]
fn a_client_gone_mid_body_is_recorded_with_a_note() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json"]);
    {
        let mut s = connect(&l.url);
        s.write_all(b"POST /cut HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
            .unwrap();
        // Gone: half-close, then drop the socket.
        s.shutdown(std::net::Shutdown::Write).unwrap();
    }
    let recs = l.wait_records(1);
    assert_eq!(post(&l.url, b"{}").status, 200, "still serving");
    l.wait_records(2);
    l.stop();
    assert_eq!(recs[0]["path"], "/cut");
    assert_eq!(body_bytes(&recs[0]), b"{\"partial\":", "what arrived is kept");
    let note = recs[0]["body_note"]
        .as_str()
        .unwrap_or_else(|| panic!("no body_note: {}", recs[0]));
    assert!(note.contains("incomplete") && note.contains("11 bytes"), "{note}");
}

#[test]
fn terminal_escapes_in_a_body_are_neutralised_in_human_output() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &[]);
    let body = b"hello \x1b[31mred\x1b[0m \x1b]0;title\x07 done";
    assert_eq!(
        request(&l.url, "POST", "/esc", &[("Content-Type", "text/plain")], body).status,
        200
    );
    assert!(
        wait_for(|| l.lines().iter().any(|x| x.contains("done")), PATIENCE),
        "{:?}",
        l.lines()
    );
    let (_, stdout, stderr) = l.stop();
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "raw ESC reached the terminal: {stdout:?}"
    );
    assert!(!stdout.contains('\u{7}'), "raw BEL reached the terminal: {stdout:?}");
    assert!(stdout.contains("\\e[31m"), "{stdout}");
    // The log keeps the bytes as they came.
    assert_eq!(body_bytes(&log_lines(&d.join("captures.jsonl"))[0]), body);
}

#[test]
fn a_secret_from_the_environment_is_never_printed_or_saved() {
    let dir = tempdir();
    let d = dir.path();
    let secret = "Zq8-very-secret-value-7731";
    let l = listen_env(d, &[("S", secret)], &["-v", "--scheme", "github", "--secret-env", "S"]);
    send(&l.url, &["--event", "github.push", &format!("--secret={secret}")], 0);
    send(&l.url, &["--event", "github.push", "--secret=wrong"], 0);
    send(
        &l.url,
        &["--event", "stripe.invoice.paid", &format!("--secret={secret}")],
        0,
    );
    let log = d.join("captures.jsonl");
    assert!(wait_for(|| log_lines(&log).len() == 3, PATIENCE));
    let (code, stdout, stderr) = l.stop();
    assert_eq!(code, Some(0));
    let saved = std::fs::read_to_string(&log).unwrap();
    assert!(
        stdout.contains("signature:"),
        "the invalid ones are explained: {stdout}"
    );
    for (what, text) in [("stdout", &stdout), ("stderr", &stderr), ("log", &saved)] {
        assert!(!text.contains(secret), "the secret appears in {what}");
    }
}

#[test]
fn gitlab_tokens_are_hidden_in_verbose_output() {
    let dir = tempdir();
    let d = dir.path();
    let token = "glpat-token-9f8e7d6c5b4a";
    let l = listen_env(d, &[("S", token)], &["-v", "--scheme", "gitlab", "--secret-env", "S"]);
    send(&l.url, &["--event", "gitlab.push", &format!("--secret={token}")], 0);
    assert!(wait_for(
        || l.lines()
            .iter()
            .any(|x| x.to_ascii_lowercase().contains("x-gitlab-token")),
        PATIENCE
    ));
    let (_, stdout, stderr) = l.stop();
    let line = stdout
        .lines()
        .find(|x| x.to_ascii_lowercase().contains("x-gitlab-token"))
        .unwrap();
    assert!(line.contains("hidden"), "{line}");
    assert!(!stdout.contains(token) && !stderr.contains(token), "{stdout}\n{stderr}");
}

#[test]
fn two_thousand_requests_over_fifty_connections_lose_nothing() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("loss.jsonl");
    let body = "{\"msg\":\"h\u{e9}llo \\\"w\u{f6}rld\\\" \\\\ \u{1f980}\",\"n\":[1,2,3],\"nested\":{\"k\":null}}\n";
    let file = write(d, "body.json", body.as_bytes());
    let l = listen(
        d,
        &[
            "--quiet",
            "--save",
            log.to_str().unwrap(),
            "--expect",
            "2000",
            "--timeout",
            "60s",
        ],
    );
    let out = hc(d)
        .args([
            "send",
            &l.url,
            "--data",
            &file,
            "--count",
            "2000",
            "--concurrency",
            "50",
            "--json",
        ])
        .output()
        .unwrap();
    let (_, summary) = attempts_and_summary(&out.stdout);
    assert_eq!(summary["ok_2xx"], 2000, "{summary}");
    assert_eq!(out.status.code(), Some(0));
    let (code, _, stderr) = l.finish();
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2000);
    for line in lines {
        let r: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert_eq!(body_bytes(&r), body.as_bytes());
        assert_eq!(r["response"]["status"], 200);
    }
}

#[test]
fn sigint_while_the_output_is_blocked_still_stops_the_listener() {
    // A reader that is slow (a pager, `| jq` busy) blocks the listener's writes;
    // Ctrl-C pressed then must not be lost.
    let dir = tempdir();
    let d = dir.path();
    let file = write(
        d,
        "big.json",
        format!("{{\"pad\":\"{}\"}}", "x".repeat(50_000)).as_bytes(),
    );
    let mut l = spawn_listen(d, &["--json", "--no-save"]);
    // 40 records of 50 kB: far more than a pipe holds, and nobody reads stdout yet.
    hc(d)
        .args(["send", &l.url, "--data", &file, "--count", "40", "--concurrency", "2"])
        .assert()
        .success();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &l.child.id().to_string()])
        .status();
    let mut stdout = l.child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let exited = wait_for(|| l.child.try_wait().unwrap().is_some(), Duration::from_secs(5));
    if !exited {
        let _ = l.child.kill();
    }
    let out = drain.join().unwrap();
    let status = l.child.wait().unwrap();
    assert!(exited, "the listener ignored a SIGINT that came while it was writing");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out).lines().count(),
        40,
        "every answered request is printed"
    );
}

/// SIGTERM (a service manager, `timeout`, CI) stops the listener as Ctrl-C does: what
/// arrived is printed, then the summary.
#[test]
fn sigterm_stops_the_listener_as_ctrl_c_does() {
    let dir = tempdir();
    let l = spawn_listen(dir.path(), &["--json", "--no-save"]);
    assert_eq!(post(&l.url, b"{\"n\":1}").status, 200);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &l.child.id().to_string()])
        .status();
    let (code, out, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("stopped:"), "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
}
