//! `hookcat send` against a recording receiver on 127.0.0.1:0, in-process in its
//! single-request mode, through the binary for the load mode and config targets: every provider's events arrive signed so that `hookcat verify`
//! accepts them, retries and re-signing, dry runs, the load mode, config targets,
//! bad input, a receiver that answers without end, and Ctrl-C in a load run.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{attempts_and_summary, hookcat_in, hookcat_std, run, tempdir, wait_for, write, Ran, Receiver, Recorded};
use serde_json::Value;

/// `hookcat` with a clean environment, also without the variables `send` reads,
/// and with no user config file.
fn hc(dir: &Path) -> assert_cmd::Command {
    let mut c = hookcat_in(dir);
    for v in ["HOOKCAT_URL", "HOOKCAT_SCHEME", "HOOKCAT_TIMEOUT", "HOOKCAT_RETRIES"] {
        c.env_remove(v);
    }
    c.env("HOOKCAT_CONFIG_DIR", dir.join("no-user-config"));
    c.timeout(Duration::from_secs(60));
    c
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a non-JSON line on stdout ({e}): {l}")))
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `hookcat verify` of a received request: its headers, its body on stdin.
fn verify(scheme: &str, key: &str, got: &Recorded, url: Option<&str>) -> Ran {
    let key = format!("--secret={key}");
    let headers: Vec<String> = got.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let mut args = vec!["verify", "--scheme", scheme, &key];
    for h in &headers {
        args.extend(["-H", h.as_str()]);
    }
    if let Some(u) = url {
        args.extend(["--url", u]);
    }
    run(&args, &got.body)
}

fn assert_verifies(scheme: &str, key: &str, got: &Recorded, url: Option<&str>) {
    let out = verify(scheme, key, got, url);
    assert_eq!(
        out.code,
        0,
        "{scheme}: the received request does not verify: {}\n{}\nheaders: {:?}",
        out.out(),
        out.err(),
        got.headers
    );
}

/// A fresh secret (or key pair) in the scheme's format: (signing key, verifying key).
fn keygen(scheme: &str) -> (String, String) {
    let v = run(&["keygen", "--scheme", scheme, "--json"], b"").code(0).json();
    match (
        v["secret"].as_str(),
        v["private_key"].as_str(),
        v["public_key"].as_str(),
    ) {
        (Some(s), _, _) => (s.to_string(), s.to_string()),
        (None, Some(private), Some(public)) => (private.to_string(), public.to_string()),
        _ => panic!("keygen {scheme}: {v}"),
    }
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn every_providers_events_arrive_signed_and_verify() {
    let out = run(&["events", "list", "--json"], b"");
    out.code(0);
    let events: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut providers: Vec<(String, String, String)> = Vec::new();
    for e in &events {
        let provider = e["provider"].as_str().unwrap().to_string();
        if provider == "mediawiki" || providers.iter().any(|(p, _, _)| *p == provider) {
            continue;
        }
        let scheme = e["scheme"]
            .as_str()
            .unwrap_or_else(|| panic!("{provider} has no scheme: {e}"))
            .to_string();
        providers.push((provider, e["name"].as_str().unwrap().to_string(), scheme));
    }
    assert!(providers.len() >= 17, "{providers:?}");
    // Discord's events are signed with Ed25519; sign Standard Webhooks with its
    // asymmetric version too.
    providers.push((
        "standard-webhooks".into(),
        "standard-webhooks.user.created".into(),
        "standard-webhooks-v1a".into(),
    ));

    let rx = Receiver::start(vec![]);
    for (i, (provider, event, scheme)) in providers.iter().enumerate() {
        let (sign_key, verify_key) = keygen(scheme);
        let url = format!("{}/hooks/{provider}?n={i}", rx.url);
        let out = run(
            &[
                "send",
                &url,
                "--event",
                event,
                "--scheme",
                scheme,
                &format!("--secret={sign_key}"),
            ],
            b"",
        );
        assert_eq!(out.code, 0, "{event}: {}", out.err());
        let got = rx.got();
        assert_eq!(got.len(), i + 1, "{event} did not arrive");
        let g = &got[i];

        // The provider's own headers came along.
        let show = run(&["events", "show", event, "--json"], b"");
        let shown: Value = serde_json::from_slice(&show.stdout).unwrap();
        for h in shown["headers"].as_array().unwrap() {
            let name = h[0].as_str().unwrap();
            assert!(g.header(name).is_some(), "{event}: no {name} header in {:?}", g.headers);
        }
        assert_eq!(g.method, shown["method"].as_str().unwrap(), "{event}");

        // The URL the request was sent to, as received (Twilio adds `bodySHA256`).
        let received_url = format!("{}{}", rx.url, g.path);
        let signs_url = matches!(scheme.as_str(), "twilio" | "square");
        assert_verifies(scheme, &verify_key, g, signs_url.then_some(received_url.as_str()));

        // And a wrong key does not verify.
        let (_, other) = keygen(scheme);
        let bad = verify(scheme, &other, g, signs_url.then_some(received_url.as_str()));
        assert_eq!(bad.code, 1, "{event}: verified with the wrong key");
    }
}

#[test]
fn mediawiki_arrives_unsigned_with_a_note() {
    let rx = Receiver::start(vec![]);
    let out = run(&["send", &rx.url, "--event", "mediawiki.page_edit"], b"");
    assert_eq!(out.code, 0, "{}", out.err());
    let got = rx.got();
    assert_eq!(got.len(), 1);
    let signature_like = got[0]
        .headers
        .iter()
        .filter(|(k, _)| k.contains("signature") || k.contains("token") || k.ends_with("-hmac-sha256"))
        .collect::<Vec<_>>();
    assert!(signature_like.is_empty(), "{signature_like:?}");
    assert!(serde_json::from_slice::<Value>(&got[0].body).is_ok());
    let err = out.err();
    assert!(
        err.contains("note:") && err.to_ascii_lowercase().contains("unsigned"),
        "no note that it went unsigned: {err}"
    );
}

#[test]
fn a_signed_provider_without_a_secret_is_sent_unsigned_with_a_note() {
    let rx = Receiver::start(vec![]);
    let out = run(&["send", &rx.url, "--event", "github.push"], b"");
    assert_eq!(out.code, 0);
    assert!(out.err().contains("no secret given: sending unsigned"), "{}", out.err());
    assert_eq!(rx.got()[0].header("x-hub-signature-256"), None);
}

#[test]
fn retries_until_success() {
    let rx = Receiver::start(vec![500, 500, 200]);
    let out = run(
        &["send", &rx.url, "--event", "github.ping", "--retries", "3", "--json"],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.err());
    assert_eq!(rx.got().len(), 3);
    let (attempts, summary) = attempts_and_summary(&out.stdout);
    let statuses: Vec<u64> = attempts.iter().map(|a| a["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert_eq!(summary["attempts"], 3);
    assert_eq!(summary["delivered"], true);
}

#[test]
fn gives_up_after_the_retries() {
    let rx = Receiver::start(vec![500]);
    let out = run(&["send", &rx.url, "--event", "github.ping", "--retries", "1"], b"");
    assert_eq!(out.code, 1);
    assert_eq!(rx.got().len(), 2);
    assert!(out.err().contains("not delivered after 2 attempts"), "{}", out.err());
}

#[test]
fn a_429_retry_after_is_honoured() {
    let rx = Receiver::start_with(vec![429, 200], vec![("Retry-After".into(), "1".into())]);
    let out = run(
        &["send", &rx.url, "--event", "github.ping", "--retries", "2", "--json"],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.err());
    let (attempts, _) = attempts_and_summary(&out.stdout);
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status"], 429);
    assert_eq!(
        attempts[0]["retry_in_ms"].as_f64(),
        Some(1000.0),
        "the wait is the server's Retry-After: {}",
        attempts[0]
    );
    assert!(attempts[1]["retry_in_ms"].is_null());
    assert_eq!(rx.got().len(), 2);
}

/// `hookcat send --event EVENT --secret=SECRET --retries 1` to a receiver that answers
/// `first` (with a Retry-After of 1 s), then 200: the two requests it got.
fn sent_twice(first: u16, event: &str, secret: &str) -> Vec<Recorded> {
    let rx = Receiver::start_with(vec![first, 200], vec![("Retry-After".into(), "1".into())]);
    let secret = format!("--secret={secret}");
    let out = run(&["send", &rx.url, "--event", event, &secret, "--retries", "1"], b"");
    assert_eq!(out.code, 0, "{}", out.err());
    let got = rx.got();
    assert_eq!(got.len(), 2);
    got
}

#[test]
fn each_attempt_is_signed_afresh_with_the_same_id() {
    let (secret, _) = keygen("standard-webhooks");
    let got = sent_twice(503, "standard-webhooks.invoice.paid", &secret);
    let h = |i: usize, n: &str| got[i].header(n).unwrap_or_else(|| panic!("no {n}")).to_string();
    assert_eq!(h(0, "webhook-id"), h(1, "webhook-id"), "the delivery id stays");
    let (t0, t1): (i64, i64) = (
        h(0, "webhook-timestamp").parse().unwrap(),
        h(1, "webhook-timestamp").parse().unwrap(),
    );
    assert!(t1 > t0, "a new timestamp after a Retry-After of 1 s: {t0} then {t1}");
    assert_ne!(h(0, "webhook-signature"), h(1, "webhook-signature"));
    assert_eq!(got[0].body, got[1].body);
    assert_verifies("standard-webhooks", &secret, &got[0], None);
    assert_verifies("standard-webhooks", &secret, &got[1], None);

    let got = sent_twice(429, "stripe.invoice.paid", "whsec_test_stripe_resign");
    let t = |i: usize| -> i64 {
        let sig = got[i].header("stripe-signature").unwrap();
        sig.split(',')
            .find_map(|p| p.strip_prefix("t="))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(t(1) > t(0), "{} then {}", t(0), t(1));
    assert_eq!(got[0].body, got[1].body, "the same event, re-signed");
    assert_verifies("stripe", "whsec_test_stripe_resign", &got[1], None);
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let rx = Receiver::start(vec![]);
    let out = run(
        &[
            "send",
            &format!("{}/dry?x=1", rx.url),
            "--event",
            "github.push",
            "--secret=gh-secret",
            "--dry-run",
        ],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.err());
    let text = out.stdout;
    let split = text
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| text.windows(2).position(|w| w == b"\n\n"));
    let split = split.expect("a blank line between headers and body");
    let head = String::from_utf8_lossy(&text[..split]).into_owned();
    let body = String::from_utf8_lossy(&text[split..]).trim_start().to_string();
    assert!(head.starts_with("POST /dry?x=1 HTTP/1.1"), "{head}");
    assert!(head.contains("X-GitHub-Event: push"), "{head}");
    let sig = head
        .lines()
        .find(|l| l.starts_with("X-Hub-Signature-256: sha256="))
        .expect("the signature header")
        .trim();
    let v: Value = serde_json::from_str(&body).expect("the JSON body");
    assert_eq!(v["ref"], "refs/heads/main");
    assert!(rx.got().is_empty(), "a dry run sent something");
    // What was printed is what would be sent: the signature matches the body.
    run(
        &["verify", "--scheme", "github", "--secret=gh-secret", "-H", sig],
        body.as_bytes(),
    )
    .code(0);
}

#[test]
fn print_curl_prints_a_command_and_sends_nothing() {
    let rx = Receiver::start(vec![]);
    let url = format!("{}/curl", rx.url);
    let out = run(
        &[
            "send",
            &url,
            "--event",
            "github.ping",
            "--secret=gh-secret",
            "--print",
            "curl",
        ],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.err());
    let cmd = String::from_utf8_lossy(&out.stdout);
    assert!(cmd.contains("curl "), "{cmd}");
    assert!(cmd.contains(&url), "{cmd}");
    assert!(cmd.contains("X-Hub-Signature-256: sha256="), "{cmd}");
    assert!(rx.got().is_empty());
}

#[test]
fn load_mode_sends_exactly_count_requests() {
    let rx = Receiver::start(vec![]);
    let args = [
        "send",
        &rx.url,
        "--event",
        "github.push",
        "--secret=gh-secret",
        "--count",
        "50",
        "--concurrency",
        "5",
        "--json",
    ];
    let out = run(&args, b"");
    out.code(0);
    let lines = json_lines(&out.stdout);
    let summary = lines.iter().find(|v| v["type"] == "summary").expect("a summary");
    assert_eq!(summary["requested"], 50, "{summary}");
    assert_eq!(summary["sent"], 50, "{summary}");
    assert_eq!(summary["ok_2xx"], 50, "{summary}");
    assert_eq!(summary["statuses"]["200"], 50, "{summary}");
    assert_eq!(summary["interrupted"], false);
    let got = rx.got();
    assert_eq!(got.len(), 50);
    // Fresh delivery ids per request, each signed.
    let ids: std::collections::HashSet<&str> = got.iter().map(|g| g.header("x-github-delivery").unwrap()).collect();
    assert_eq!(ids.len(), 50);
    assert_verifies("github", "gh-secret", &got[49], None);
}

/// A signature that goes into the body (Mailgun's) is written there in load mode too.
#[test]
fn load_mode_signs_into_the_body_for_a_scheme_that_signs_there() {
    let rx = Receiver::start(vec![]);
    let args = [
        "send",
        &rx.url,
        "--event",
        "mailgun.delivered",
        "--secret=mg-secret",
        "--count",
        "3",
        "--json",
    ];
    run(&args, b"").code(0);
    let got = rx.got();
    assert_eq!(got.len(), 3);
    for g in &got {
        assert_verifies("mailgun", "mg-secret", g, None);
    }
}

#[test]
fn load_mode_fails_when_the_receiver_fails() {
    let rx = Receiver::start(vec![500]);
    let args = [
        "send",
        &rx.url,
        "--event",
        "github.ping",
        "--count",
        "20",
        "--concurrency",
        "4",
    ];
    let out = run(&[&args[..], &["--json"]].concat(), b"");
    out.code(1);
    let (_, summary) = attempts_and_summary(&out.stdout);
    assert_eq!(summary["statuses"]["500"], 20, "{summary}");
    assert_eq!(summary["ok_2xx"], 0);
    assert_eq!(rx.got().len(), 20);
    // For people: the banner on stderr, the summary's lines on stdout.
    let out = run(&args, b"");
    out.code(1);
    let err = out.err();
    let banner = err.lines().find(|l| l.starts_with("→ ")).unwrap_or_default();
    assert!(banner.starts_with("→ 20 × POST http://127.0.0.1:"), "{err}");
    assert!(banner.ends_with("(concurrency 4)"), "{err}");
    let text = out.out();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("answered 20 of 20 in "), "{text}");
    assert_eq!(lines[1], "status 500×20");
    assert!(lines[2].starts_with("latency p50 "), "{text}");
    assert_eq!(rx.got().len(), 40);
}

#[test]
fn a_config_target_gives_url_scheme_secret_and_headers() {
    let dir = tempdir();
    let d = dir.path();
    let rx = Receiver::start(vec![]);
    let project = d.join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("hookcat.toml"),
        format!(
            "[targets.local]\nurl = \"{}/from-config\"\nscheme = \"github\"\nsecret_env = \"S\"\nheaders = {{ X-Env = \"dev\" }}\n\n\
             [targets.staging]\nurl = \"http://127.0.0.1:{}/never\"\n",
            // (Written as curl takes it: http:// is assumed.)
            rx.url.trim_start_matches("http://"),
            closed_port()
        ),
    )
    .unwrap();

    let out = hc(d)
        .current_dir(&project)
        .env("S", "cfg-secret")
        .args(["send", "--target", "local", "--event", "github.push"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/from-config");
    assert_eq!(got[0].header("x-env"), Some("dev"));
    assert_verifies("github", "cfg-secret", &got[0], None);

    // Flags override the file: URL, header, secret.
    let other = Receiver::start(vec![]);
    let out = hc(d)
        .current_dir(&project)
        .env("S", "cfg-secret")
        .env("T", "flag-secret")
        .args([
            "send",
            &format!("{}/from-flag", other.url),
            "--target",
            "local",
            "--event",
            "github.push",
        ])
        .args(["-H", "X-Env: prod", "--secret-env", "T"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rx.got().len(), 1, "the file's URL was used despite the flag");
    let got = other.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/from-flag");
    assert_eq!(got[0].header("x-env"), Some("prod"));
    assert_verifies("github", "flag-secret", &got[0], None);

    // An unknown target names the known ones.
    let out = hc(d)
        .current_dir(&project)
        .args(["send", "--target", "nope", "--event", "github.push"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("nope") && err.contains("local") && err.contains("staging"),
        "{err}"
    );
}

#[test]
fn config_flag_reads_another_file() {
    let dir = tempdir();
    let d = dir.path();
    let rx = Receiver::start(vec![]);
    let file = write(
        d,
        "elsewhere.toml",
        format!("[targets.ci]\nurl = \"{}/ci\"\nscheme = \"stripe\"\nsecret_env = \"S\"\nheaders = {{ X-From = \"file\" }}\n", rx.url)
            .as_bytes(),
    );
    let cwd = d.join("empty");
    std::fs::create_dir(&cwd).unwrap();
    let out = hc(d)
        .current_dir(&cwd)
        .env("S", "whsec_cfg")
        .args([
            "send",
            "--config",
            &file,
            "--target",
            "ci",
            "--event",
            "stripe.invoice.paid",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/ci");
    assert_eq!(got[0].header("x-from"), Some("file"));
    assert_verifies("stripe", "whsec_cfg", &got[0], None);
}

#[test]
fn bad_input_exits_2_naming_what_is_wrong_and_sends_nothing() {
    let rx = Receiver::start(vec![]);
    let dir = tempdir();
    let missing = dir.path().join("no-such-body.json");
    let missing = missing.to_str().unwrap();
    let url = rx.url.as_str();
    // (the arguments after `send`, what stderr says)
    let cases: &[(&[&str], &[&str])] = &[
        // An unknown event, with suggestions.
        (
            &[url, "--event", "github.pushh"],
            &["github.pushh", "did you mean", "`github.push`"],
        ),
        // A --set path that goes through a value that is not an object or array.
        (
            &[url, "--event", "stripe.invoice.paid", "--set", "id.nested.x=1"],
            &["id.nested.x=1", "`id`"],
        ),
        (
            &[
                url,
                "--event",
                "stripe.invoice.paid",
                "--set",
                "data.object.lines.data.99.x=1",
            ],
            &["data.object.lines.data.99.x=1", "`data.object.lines.data`"],
        ),
        // Malformed URLs.
        (
            &["http//missing-colon", "--event", "github.ping"],
            &["http//missing-colon"],
        ),
        (&["ftp://127.0.0.1/x", "--event", "github.ping"], &["ftp://127.0.0.1/x"]),
        (&["http://", "--event", "github.ping"], &["http://"]),
        // A --data file that cannot be read.
        (&[url, "--data", missing], &[missing]),
    ];
    for (args, says) in cases {
        let mut full = vec!["send"];
        full.extend_from_slice(args);
        let out = run(&full, b"");
        assert_eq!(out.code, 2, "{args:?}: {}", out.err());
        for s in *says {
            assert!(out.err().contains(s), "{args:?}: `{s}` not in {}", out.err());
        }
    }
    assert!(rx.got().is_empty());
}

#[test]
fn an_unreachable_receiver_exits_1_after_retries() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let out = run(&["send", &url, "--event", "github.ping", "--retries", "1"], b"");
    assert_eq!(out.code, 1);
    let err = out.err();
    assert!(err.contains("connection refused"), "{err}");
    assert!(err.contains("not delivered after 2 attempts"), "{err}");
}

#[test]
fn set_changes_the_body_and_the_signature_still_verifies() {
    let rx = Receiver::start(vec![]);
    let out = run(
        &[
            "send",
            &rx.url,
            "--event",
            "stripe.payment_intent.succeeded",
            "--secret=whsec_set_test",
            "--set",
            "data.object.amount=2500",
            "--set",
            "data.object.currency=\"eur\"",
        ],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.err());
    let got = rx.got();
    let v: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(v["data"]["object"]["amount"], 2500);
    assert_eq!(v["data"]["object"]["currency"], "eur");
    assert_verifies("stripe", "whsec_set_test", &got[0], None);
}

#[test]
fn an_endless_response_body_is_cut_and_send_returns() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let (mut s, _) = server.accept().unwrap();
        s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // Read the request head (the body is small and ignored).
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return 0u64,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n",
        );
        let zeros = [0u8; 64 * 1024];
        let mut written = 0u64;
        while s.write_all(&zeros).is_ok() {
            written += zeros.len() as u64;
        }
        written
    });
    let out = run(
        &[
            "send",
            &format!("http://127.0.0.1:{port}/big"),
            "--data",
            "-",
            "--content-type",
            "application/json",
            "--timeout",
            "2s",
        ],
        b"{}",
    );
    let code = Some(i32::from(out.code));
    assert!(code == Some(0) || code == Some(1), "{code:?}: {}", out.err());
    assert!(out.err().contains("cut"), "{}", out.err());
    let written = t.join().unwrap();
    assert!(written < 1 << 30, "the whole GiB was read");
}

#[test]
fn ctrl_c_stops_a_load_run_with_a_partial_summary() {
    stops_a_load_run_with_a_partial_summary("-INT");
}

#[test]
fn sigterm_stops_a_load_run_as_ctrl_c_does() {
    stops_a_load_run_with_a_partial_summary("-TERM");
}

fn stops_a_load_run_with_a_partial_summary(signal: &str) {
    let dir = tempdir();
    let rx = Receiver::start(vec![]);
    let mut child = hookcat_std(dir.path())
        .env_remove("HOOKCAT_URL")
        .env_remove("HOOKCAT_SCHEME")
        .env_remove("HOOKCAT_TIMEOUT")
        .env_remove("HOOKCAT_RETRIES")
        .env("HOOKCAT_CONFIG_DIR", dir.path().join("no-user-config"))
        .args([
            "send",
            &rx.url,
            "--event",
            "github.ping",
            "--count",
            "100000",
            "--concurrency",
            "2",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let arrived = wait_for(|| rx.requests.lock().unwrap().len() >= 5, Duration::from_secs(10));
    let _ = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(arrived, "no request arrived: {err}");
    assert_eq!(status.code(), Some(130), "{err}");
    let sent_line = out
        .lines()
        .find(|l| l.starts_with("answered "))
        .unwrap_or_else(|| panic!("no summary: {out}"));
    assert!(
        sent_line.contains("of 100000") && sent_line.contains("interrupted"),
        "{sent_line}"
    );
    let sent: u64 = sent_line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!((5..100_000).contains(&sent), "{sent_line}");
    assert!(out.contains("status 200×"), "{out}");
}

#[test]
fn urls_typed_as_curl_takes_them_are_sent_to() {
    let rx = Receiver::start(vec![]);
    let port = rx.url.rsplit(':').next().unwrap().to_string();
    for typed in [
        format!("127.0.0.1:{port}/x"),
        format!("localhost:{port}/x"),
        format!(":{port}/x"),
        port.clone(),
    ] {
        let out = run(&["send", &typed, "--event", "github.ping", "--scheme", "none"], b"");
        out.code(0);
    }
    let paths: Vec<String> = rx.got().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/x", "/x", "/x", "/"]);
    // What cannot be used names the problem and the corrected form.
    let out = run(&["send", "htp://localhost:9/x", "--event", "github.ping"], b"");
    out.code(2);
    assert!(
        out.err().contains("not htp") && out.err().contains("`http://localhost:9/x`"),
        "{}",
        out.err()
    );
}

/// The lines of `err` that report a failure.
fn failure_lines(err: &str) -> Vec<String> {
    err.lines().filter(|l| l.contains('✗')).map(str::to_string).collect()
}

#[test]
fn a_network_failure_is_one_line_that_says_what_to_do() {
    let send = |url: &str, more: &[&str]| {
        let mut args = vec!["send", url, "--event", "github.ping", "--scheme", "none"];
        args.extend_from_slice(more);
        let out = run(&args, b"");
        out.code(1);
        let fails = failure_lines(&out.err());
        assert_eq!(fails.len(), 1, "one line per failure: {}", out.err());
        assert!(!fails[0].contains("os error"), "raw: {}", fails[0]);
        fails[0].clone()
    };
    // Nothing listening.
    let line = send(&format!("http://127.0.0.1:{}/hook", closed_port()), &[]);
    assert!(
        line.contains("connection refused") && line.contains("is anything listening"),
        "{line}"
    );
    // A self-signed listener, without --insecure or --cacert.
    let dir = tempdir();
    let tls = common::spawn_listen(dir.path(), &["--tls", "--no-save"]);
    let https = format!("{}/x", tls.url);
    assert!(https.starts_with("https://"), "{https}");
    let line = send(&https, &[]);
    assert!(
        line.contains("--insecure") && line.contains("--cacert") && line.contains("hookcat-cert.pem"),
        "{line}"
    );
    // http to the https port.
    let line = send(&https.replacen("https://", "http://", 1), &[]);
    assert!(line.contains("use https://"), "{line}");
    drop(tls);
    // https to an http port.
    let rx = Receiver::start(vec![]);
    let line = send(&rx.url.replacen("http://", "https://", 1), &[]);
    assert!(line.contains("use http://"), "{line}");
    // No answer within the timeout: the timeout in force is named.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let line = send(&format!("http://127.0.0.1:{port}/slow"), &["--timeout", "1s"]);
    assert!(
        line.contains("no answer within 1s") && line.contains("--timeout"),
        "{line}"
    );
    drop(silent);
}

#[test]
fn dry_run_and_print_curl_show_the_headers_send_sends() {
    let rx = Receiver::start(vec![]);
    let dir = tempdir();
    let body = write(dir.path(), "b.txt", b"plain text");
    let url = format!("{}/same", rx.url);
    let args = ["send", url.as_str(), "--data", body.as_str(), "-H", "X-Trace: 1"];
    run(&args, b"").code(0);
    let lower = |(k, v): (&str, &str)| (k.trim().to_ascii_lowercase(), v.trim().to_string());
    let sent: std::collections::BTreeSet<(String, String)> =
        rx.got()[0].headers.iter().map(|(k, v)| lower((k, v))).collect();
    let dry = run(&[&args[..], &["--dry-run"]].concat(), b"").code(0).out();
    let head = dry.split("\r\n\r\n").next().unwrap();
    let shown: std::collections::BTreeSet<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(lower)
        .collect();
    assert_eq!(shown, sent, "--dry-run shows what is sent");
    let cmd = run(&[&args[..], &["--print", "curl"]].concat(), b"").code(0).out();
    for (k, v) in &sent {
        if k != "host" && k != "content-length" {
            assert!(
                cmd.to_ascii_lowercase()
                    .contains(&format!("{k}: {v}").to_ascii_lowercase()),
                "{k}: {v} not in {cmd}"
            );
        }
    }
    assert!(!cmd.contains("'Accept:'") && !cmd.contains("'User-Agent:'"), "{cmd}");
    // In the order they are sent, with one Host: the one given with -H, when it is.
    for host in [None, Some("Host: example.com")] {
        let mut with = args.to_vec();
        if let Some(h) = host {
            with.extend(["-H", h]);
        }
        run(&with, b"").code(0);
        let got = rx.got();
        let sent: Vec<(String, String)> = got.last().unwrap().headers.iter().map(|(k, v)| lower((k, v))).collect();
        let dry = run(&[&with[..], &["--dry-run"]].concat(), b"").code(0).out();
        let shown: Vec<(String, String)> = dry
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(lower)
            .collect();
        assert_eq!(shown, sent, "--dry-run shows the headers in the order sent ({host:?})");
    }
}

#[test]
fn set_on_a_path_that_does_not_exist_is_an_error_and_add_adds() {
    let rx = Receiver::start(vec![]);
    let ev = [
        "send",
        rx.url.as_str(),
        "--event",
        "stripe.payment_intent.succeeded",
        "--scheme",
        "none",
    ];
    let out = run(&[&ev[..], &["--set", "data.object.amont=1"]].concat(), b"");
    out.code(2);
    assert!(
        out.err().contains("did you mean `data.object.amount`") && out.err().contains("--add"),
        "{}",
        out.err()
    );
    assert!(rx.got().is_empty());
    run(&[&ev[..], &["--add", "data.object.extra=1"]].concat(), b"").code(0);
    let v: Value = serde_json::from_slice(&rx.got()[0].body).unwrap();
    assert_eq!(v["data"]["object"]["extra"], 1);
}

#[test]
fn a_json_file_is_sent_as_json() {
    let rx = Receiver::start(vec![]);
    let dir = tempdir();
    // A JSON string that would pass for a form.
    let json = write(dir.path(), "token.json", b"\"abc+/def==\"");
    let form = write(dir.path(), "token.txt", b"abc+/def==");
    run(&["send", &rx.url, "--data", &json], b"").code(0);
    run(&["send", &rx.url, "--data", &form], b"").code(0);
    let got = rx.got();
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(got[1].header("content-type"), Some("application/x-www-form-urlencoded"));
}

#[test]
fn the_load_summary_tells_the_truth() {
    let dir = tempdir();
    // Nothing listening: nothing was answered, and the summary says so.
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let args = [
        "send",
        url.as_str(),
        "--event",
        "github.ping",
        "--count",
        "5",
        "--concurrency",
        "1",
    ];
    let out = hc(dir.path()).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("sent 5 of 5"), "{text}");
    assert!(text.contains("answered 0 of 5"), "{text}");
    // Why, once, with what to do about it, as a single send says it.
    let err = String::from_utf8_lossy(&out.stderr);
    let why = format!(
        "connection refused by 127.0.0.1:{}: is anything listening on that port?",
        url.split(':').nth(2).unwrap().split('/').next().unwrap()
    );
    assert_eq!(err.matches(&why).count(), 1, "{err}");
    let out = hc(dir.path()).args(args).arg("--json").output().unwrap();
    let (_, summary) = attempts_and_summary(&out.stdout);
    assert_eq!(
        (summary["answered"].as_u64(), summary["failed"].as_u64()),
        (Some(0), Some(5)),
        "{summary}"
    );
    // Retries are counted.
    let rx = Receiver::start_with(vec![503, 200], vec![("Retry-After".into(), "0".into())]);
    let out = hc(dir.path())
        .args([
            "send",
            &rx.url,
            "--event",
            "github.ping",
            "--count",
            "3",
            "--concurrency",
            "1",
            "--retries",
            "2",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, summary) = attempts_and_summary(&out.stdout);
    assert_eq!(
        (summary["attempts"].as_u64(), summary["retries"].as_u64()),
        (Some(4), Some(1)),
        "{summary}"
    );
    assert_eq!(summary["answered"], 3, "{summary}");
}
