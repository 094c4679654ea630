//! Exact arithmetic and exact bytes (issue 18, section 6) and capture logs read as
//! data someone else may have written (section 4): extreme signature timestamps,
//! header values that are not UTF-8, rates that are not numbers, paths that are not
//! logs, and crafted capture records.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use common::{hookcat_in, raw_send_bytes, spawn_listen, tempdir, wait_for, Receiver};
use hookcat::core::ids::hex_lower;
use hookcat::core::scheme::hmac::Alg;
use serde_json::{json, Value};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `hookcat ARGS`: in-process for the commands that write to the streams they are
/// given and stop by themselves; `listen`, `replay` and `send --count` through the
/// binary.
fn run(data: &Path, args: &[&str]) -> Run {
    let in_process = match args.first() {
        Some(&("sign" | "verify" | "captures" | "events" | "keygen")) => true,
        Some(&"send") => !args.iter().any(|a| a.starts_with("--count")),
        _ => false,
    };
    if in_process {
        let r = common::run(args, b"");
        return Run {
            code: Some(r.code.into()),
            stdout: r.out(),
            stderr: r.err(),
        };
    }
    // A command that should stop at once but serves instead is stopped.
    let o = hookcat_in(data)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn hmac_hex(msg: &[u8]) -> String {
    hex_lower(&Alg::Sha256.compute(SECRET.as_bytes(), &[msg], None).unwrap())
}

// ---------------------------------------------------------------------------------
// Timestamps

#[test]
fn a_stripe_timestamp_at_the_i64_bound_is_refused_with_a_reason() {
    let dir = tempdir();
    let body = dir.path().join("body.json");
    std::fs::write(&body, b"{}").unwrap();
    for t in ["-9223372036854775808", "9223372036854775807", "100000000000000000000"] {
        let sig = hmac_hex(format!("{t}.{{}}").as_bytes());
        let r = run(
            dir.path(),
            &[
                "verify",
                "--scheme",
                "stripe",
                "--secret",
                SECRET,
                "-H",
                &format!("Stripe-Signature: t={t},v1={sig}"),
                "--json",
                body.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(1), "t={t}: {} {}", r.stdout, r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
        assert_eq!(v["valid"], json!(false), "{v}");
        assert!(v["reason"].as_str().unwrap().contains("timestamp"), "{v}");
    }
}

#[test]
fn a_linear_timestamp_of_minus_1e300_is_not_called_in_the_future() {
    let dir = tempdir();
    let body = br#"{"action":"create","webhookTimestamp":-1e300}"#;
    let f = dir.path().join("body.json");
    std::fs::write(&f, body).unwrap();
    let sig = hmac_hex(body);
    let r = run(
        dir.path(),
        &[
            "verify",
            "--scheme",
            "linear",
            "--secret",
            SECRET,
            "-H",
            &format!("Linear-Signature: {sig}"),
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(1), "{} {}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains("future"), "{all}");
    assert!(all.contains("webhookTimestamp"), "{all}");
}

#[test]
fn sign_refuses_a_timestamp_it_cannot_send_as_given() {
    let dir = tempdir();
    let body = dir.path().join("body.json");
    std::fs::write(&body, b"{}").unwrap();
    for t in ["-1", "253402300800", "9223372036854775807"] {
        let r = run(
            dir.path(),
            &[
                "sign",
                "--scheme",
                "twitch",
                "--secret",
                "s3cr3t",
                &format!("--timestamp={t}"),
                body.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(2), "{t}: {} {}", r.stdout, r.stderr);
        assert!(r.stderr.contains("--timestamp"), "{}", r.stderr);
        assert!(!r.stdout.contains("1970-01-01"), "{}", r.stdout);
    }
}

/// Runs each case, `(flag, args)`: hookcat must refuse it (exit 2) naming `flag` and,
/// where given, the value (`also`).
fn assert_refused(data: &Path, cases: &[(&str, Vec<&str>)], also: Option<&str>) {
    for (flag, args) in cases {
        let r = run(data, args);
        assert_eq!(r.code, Some(2), "{}: {}", args.join(" "), r.stderr);
        assert!(
            r.stderr.contains(flag) && also.is_none_or(|v| r.stderr.contains(v)),
            "{}: {}",
            args.join(" "),
            r.stderr
        );
    }
}

#[test]
fn a_duration_or_size_too_large_is_refused_not_a_panic() {
    let dir = tempdir();
    let send = ["send", "http://127.0.0.1:9/x", "--event", "github.push"];
    let listen = ["listen", "--port", "0", "--no-save"];
    assert_refused(
        dir.path(),
        &[
            (
                "--timeout",
                [&send[..], &["--timeout", "99999999999999999999999h"]].concat(),
            ),
            (
                "--max-body",
                [&listen[..], &["--max-body", "99999999999999999999999GiB"]].concat(),
            ),
        ],
        None,
    );
}

// ---------------------------------------------------------------------------------
// Rates

#[test]
fn rates_that_are_not_finite_positive_numbers_are_refused() {
    let dir = tempdir();
    let log = dir.path().join("empty.jsonl");
    std::fs::write(&log, b"").unwrap();
    for rate in ["nan/s", "inf/s", "1e309/s", "-inf/s", "0/s", "-1/s", "NaN", "1e-400/s"] {
        let (limit, rate_flag) = (format!("--rate-limit={rate}"), format!("--rate={rate}"));
        assert_refused(
            dir.path(),
            &[("--rate-limit", vec!["listen", "--port", "0", "--no-save", &limit])],
            Some(rate),
        );
        assert_refused(
            dir.path(),
            &[
                (
                    "--rate",
                    vec!["send", "http://127.0.0.1:9/x", "--event", "github.push", &rate_flag],
                ),
                (
                    "--rate",
                    vec![
                        "replay",
                        log.to_str().unwrap(),
                        "--all",
                        "--to",
                        "http://127.0.0.1:9",
                        &rate_flag,
                    ],
                ),
            ],
            None,
        );
    }
}

fn status_of(url: &str, path: &str) -> u16 {
    let addr = url.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
    )
    .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn a_fractional_rate_lets_the_first_request_through() {
    let dir = tempdir();
    let l = spawn_listen(dir.path(), &["--no-save", "--quiet", "--rate-limit", "0.5/s"]);
    let first = status_of(&l.url, "/one");
    let second = status_of(&l.url, "/two");
    l.stop();
    assert_eq!(first, 200);
    assert_eq!(second, 429);
}

// ---------------------------------------------------------------------------------
// Replay's log argument

#[test]
fn replay_names_a_log_path_that_is_missing_or_not_a_file() {
    let dir = tempdir();
    let missing = dir.path().join("missing.jsonl");
    let sub = dir.path().join("logs");
    std::fs::create_dir(&sub).unwrap();
    let mut cases = vec![(missing.clone(), "does not exist"), (sub.clone(), "is a directory")];
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.jsonl");
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(ok.success());
        cases.push((fifo, "not a regular file"));
    }
    for (path, problem) in cases {
        let p = path.to_str().unwrap();
        let r = run(dir.path(), &["replay", p, "--all", "--to", "http://127.0.0.1:9"]);
        assert_eq!(r.code, Some(2), "{p}: {}", r.stderr);
        assert!(!r.stderr.contains("cannot both be given"), "{}", r.stderr);
        assert!(r.stderr.contains(p) && r.stderr.contains(problem), "{p}: {}", r.stderr);
    }
}

// ---------------------------------------------------------------------------------
// Header values that are not UTF-8

/// A server on 127.0.0.1:0 that keeps the bytes of each request it gets (head and
/// body, as sent) and answers 200.
struct RawRecorder {
    url: String,
    got: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RawRecorder {
    fn start() -> RawRecorder {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                let g = g.clone();
                std::thread::spawn(move || {
                    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                            let len: usize = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse().ok())
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break;
                            }
                        }
                        match s.read(&mut chunk) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    g.lock().unwrap().push(buf);
                    let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                });
            }
        });
        RawRecorder { url, got }
    }
}

fn header_line(raw: &[u8], name: &str) -> Option<Vec<u8>> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    raw[..end]
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find_map(|l| {
            let (k, v) = l.split_at(l.iter().position(|b| *b == b':')?);
            k.eq_ignore_ascii_case(name.as_bytes())
                .then(|| v[1..].trim_ascii().to_vec())
        })
}

#[test]
fn a_header_value_that_is_not_utf8_is_saved_and_replayed_byte_exact() {
    let dir = tempdir();
    let log = dir.path().join("raw.jsonl");
    let value: Vec<u8> = (0x80..=0xffu8).collect();
    let l = spawn_listen(
        dir.path(),
        &["--save", log.to_str().unwrap(), "--quiet", "--expect", "1"],
    );
    let addr = l.url.strip_prefix("http://").unwrap().to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    let mut req = format!("POST /raw HTTP/1.1\r\nHost: {addr}\r\nX-Plain: text\r\nX-Raw: a").into_bytes();
    req.extend_from_slice(&value);
    req.extend_from_slice(b"z\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
    s.write_all(&req).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");

    // The log holds the bytes exactly: the value's text is what a terminal shows, the
    // exact bytes are beside it, base64.
    let mut exact = value.clone();
    exact.insert(0, b'a');
    exact.push(b'z');
    let text = std::fs::read_to_string(&log).unwrap();
    let rec: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let headers = rec["headers"].as_array().unwrap();
    let at = headers.iter().position(|h| h[0] == "x-raw").expect("x-raw kept");
    let saved = rec["header_bytes"]
        .as_array()
        .unwrap_or_else(|| panic!("no header_bytes in {rec}"))
        .iter()
        .find(|e| e[0] == json!(at))
        .unwrap_or_else(|| panic!("no bytes for header {at} in {rec}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(saved[1].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, exact);
    assert_eq!(rec["header_bytes"].as_array().unwrap().len(), 1, "{rec}");

    // Replayed, the same bytes arrive.
    let got = replay_raw(dir.path(), &log);
    assert_eq!(header_line(&got, "x-raw").as_deref(), Some(&exact[..]));
    assert_eq!(header_line(&got, "x-plain").as_deref(), Some(&b"text"[..]));

    // And `captures show --json` gives the line back as it is in the log.
    let id = rec["id"].as_str().unwrap();
    let r = run(
        dir.path(),
        &["captures", "show", id, "-f", log.to_str().unwrap(), "--json"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let shown: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(shown["header_bytes"], rec["header_bytes"]);
}

/// `hookcat replay LOG --all` (which must succeed) into a [`RawRecorder`]: the bytes of
/// the first request it got.
fn replay_raw(data: &Path, log: &Path) -> Vec<u8> {
    let rec_srv = RawRecorder::start();
    let r = run(data, &["replay", log.to_str().unwrap(), "--all", "--to", &rec_srv.url]);
    assert_eq!(r.code, Some(0), "{} {}", r.stdout, r.stderr);
    assert!(wait_for(
        || !rec_srv.got.lock().unwrap().is_empty(),
        Duration::from_secs(5)
    ));
    let got = rec_srv.got.lock().unwrap()[0].clone();
    got
}

fn line(id: &str, received_at: &str, method: &str, headers: Value, remote: &str) -> String {
    json!({
        "v": 1,
        "id": id,
        "received_at": received_at,
        "method": method,
        "path": "/hook",
        "headers": headers,
        "body": "{}",
        "body_encoding": "utf8",
        "remote_addr": remote,
        "verification": null,
        "response": {"status": 200, "kind": "normal"},
    })
    .to_string()
}

#[test]
fn an_old_log_without_header_bytes_still_replays_its_text() {
    let dir = tempdir();
    let log = dir.path().join("old.jsonl");
    let l = line(
        "20261128100000oldone0001",
        "2026-11-28T10:00:00.000Z",
        "POST",
        json!([["x-old", "caf\u{fffd}"], ["content-type", "application/json"]]),
        "127.0.0.1:5000",
    );
    std::fs::write(&log, format!("{l}\n")).unwrap();
    let got = replay_raw(dir.path(), &log);
    assert_eq!(header_line(&got, "x-old").as_deref(), Some("caf\u{fffd}".as_bytes()));
}

// ---------------------------------------------------------------------------------
// Crafted capture records

#[test]
fn crafted_records_are_skipped_with_a_warning_and_never_reach_a_shell() {
    let dir = tempdir();
    let log = dir.path().join("crafted.jsonl");
    let good_headers = json!([["content-type", "application/json"]]);
    let stamp = "2026-11-28T10:00:00.000Z";
    let lines = [
        line(
            "20261128100000goodone001",
            stamp,
            "POST",
            good_headers.clone(),
            "127.0.0.1:5000",
        ),
        line(
            "badmethod",
            stamp,
            "POST\n$(touch PWNED)",
            good_headers.clone(),
            "127.0.0.1:5000",
        ),
        line(
            "badtime",
            "2026\n$(touch PWNED)",
            "POST",
            good_headers.clone(),
            "127.0.0.1:5000",
        ),
        line(
            "bad;id$(touch PWNED)",
            stamp,
            "POST",
            good_headers.clone(),
            "127.0.0.1:5000",
        ),
        line(
            "badname",
            stamp,
            "POST",
            json!([["x-a\n$(touch PWNED)", "v"]]),
            "127.0.0.1:5000",
        ),
        line(
            "badvalue",
            stamp,
            "POST",
            json!([["x-a", "v\r\n$(touch PWNED)"]]),
            "127.0.0.1:5000",
        ),
        line(
            "badaddr",
            stamp,
            "POST",
            good_headers.clone(),
            "1.2.3.4\u{1b}]0;pwned\u{7}",
        ),
        line("badstamp2", "yesterday", "POST", good_headers.clone(), "127.0.0.1:5000"),
        line("", stamp, "POST", good_headers.clone(), "127.0.0.1:5000"),
    ];
    let bad = lines.len() - 1;
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let p = log.to_str().unwrap();

    // Listed: the good one only, each other line warned about by its number.
    let r = run(dir.path(), &["captures", "list", p, "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let listed: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    for n in 2..=lines.len() {
        assert!(
            r.stderr.contains(&format!("skipped line {n} ")),
            "line {n}: {}",
            r.stderr
        );
    }
    assert_eq!(r.stderr.matches("skipped line").count(), bad, "{}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);

    // Exported as curl, a crafted record is not found (and nothing of it is printed).
    for id in ["badmethod", "badtime", "badname", "badvalue", "badaddr"] {
        let r = run(dir.path(), &["captures", "export", id, "-f", p, "--format", "curl"]);
        assert_eq!(r.code, Some(2), "{id}: {} {}", r.stdout, r.stderr);
        assert!(!r.stdout.contains("PWNED"), "{id}: {}", r.stdout);
    }
    let r = run(
        dir.path(),
        &[
            "captures",
            "export",
            "20261128100000goodone001",
            "-f",
            p,
            "--format",
            "curl",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("PWNED"), "{}", r.stdout);

    // Replayed: only the good one is sent.
    let recv = Receiver::start(vec![]);
    let r = run(dir.path(), &["replay", p, "--all", "--to", &recv.url]);
    assert_eq!(r.code, Some(0), "{} {}", r.stdout, r.stderr);
    assert_eq!(recv.got().len(), 1);
    assert_eq!(recv.got()[0].method, "POST");
}

/// A log with one capture whose `x-raw` value is `value` (not UTF-8), saved by a
/// listener from a raw socket; returns the log and the capture's id.
fn capture_raw_value(dir: &Path, value: &[u8]) -> (std::path::PathBuf, String) {
    let log = dir.join("raw-export.jsonl");
    let l = spawn_listen(dir, &["--save", log.to_str().unwrap(), "--quiet", "--expect", "1"]);
    let headers: [(&str, &[u8]); 2] = [("X-Plain", b"text"), ("X-Raw", value)];
    assert_eq!(raw_send_bytes(&l.url, "POST", b"/raw?q=1", &headers, b"hi"), 200);
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    let rec: Value = serde_json::from_str(std::fs::read_to_string(&log).unwrap().lines().next().unwrap()).unwrap();
    (log, rec["id"].as_str().unwrap().to_string())
}

const RAW_VALUE: &[u8] = b"caf\xe9 \x80\xff'%\\ end";

/// `captures export --format FORMAT` (which must succeed) of a capture whose `x-raw`
/// value is [`RAW_VALUE`].
fn export_raw_value(dir: &Path, format: &str) -> common::Ran {
    let (log, id) = capture_raw_value(dir, RAW_VALUE);
    let o = common::run(
        &[
            "captures",
            "export",
            &id,
            "-f",
            log.to_str().unwrap(),
            "--format",
            format,
        ],
        b"",
    );
    o.code(0);
    o
}

#[test]
fn raw_export_writes_a_header_value_that_is_not_utf8_byte_exact() {
    let dir = tempdir();
    let o = export_raw_value(dir.path(), "raw");
    assert_eq!(header_line(&o.stdout, "x-raw").as_deref(), Some(RAW_VALUE));
    assert_eq!(header_line(&o.stdout, "x-plain").as_deref(), Some(&b"text"[..]));
}

#[test]
fn curl_export_reproduces_a_header_value_that_is_not_utf8() {
    let dir = tempdir();
    let o = export_raw_value(dir.path(), "curl");
    let cmd = o.stdout.clone();
    // Nothing a terminal acts on: printable text and the newlines between lines.
    assert!(
        cmd.iter().all(|b| *b == b'\n' || (0x20..0x7f).contains(b)),
        "{}",
        String::from_utf8_lossy(&cmd)
    );
    // Run by sh with a `curl` that writes down each argument it is given.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let args = dir.path().join("args");
    let fake = bin.join("curl");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\ncat >/dev/null\nfor a in \"$@\"; do printf '%s\\000' \"$a\"; done > '{}'\n",
            args.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let st = std::process::Command::new("sh")
        .arg("-c")
        .arg(String::from_utf8(cmd).unwrap())
        .env("PATH", path)
        .status()
        .unwrap();
    assert!(st.success());
    let got = std::fs::read(&args).unwrap();
    let mut want = b"x-raw: ".to_vec();
    want.extend_from_slice(RAW_VALUE);
    assert!(
        got.split(|b| *b == 0).any(|a| a == want),
        "{:?}",
        got.split(|b| *b == 0).map(String::from_utf8_lossy).collect::<Vec<_>>()
    );
}

#[test]
fn har_export_carries_the_exact_bytes_of_a_header_value_that_is_not_utf8() {
    let dir = tempdir();
    let o = export_raw_value(dir.path(), "har");
    let har: Value = serde_json::from_slice(&o.stdout).unwrap();
    let headers = har["log"]["entries"][0]["request"]["headers"].as_array().unwrap();
    let raw = headers.iter().find(|h| h["name"] == "x-raw").unwrap();
    assert_eq!(raw["value"], String::from_utf8_lossy(RAW_VALUE).as_ref());
    let b64 = raw["_valueBase64"].as_str().unwrap_or_else(|| panic!("{raw}"));
    assert_eq!(
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap(),
        RAW_VALUE
    );
    assert!(
        raw["comment"].as_str().is_some_and(|c| c.contains("_valueBase64")),
        "{raw}"
    );
    let plain = headers.iter().find(|h| h["name"] == "x-plain").unwrap();
    assert!(plain.get("_valueBase64").is_none(), "{plain}");
}

#[test]
fn forward_to_relays_a_header_value_that_is_not_utf8_byte_exact() {
    let dir = tempdir();
    let app = RawRecorder::start();
    let l = spawn_listen(
        dir.path(),
        &["--no-save", "--quiet", "--expect", "1", "--forward-to", &app.url],
    );
    let headers: [(&str, &[u8]); 2] = [("X-Plain", b"text"), ("X-Raw", RAW_VALUE)];
    assert_eq!(raw_send_bytes(&l.url, "POST", b"/fw", &headers, b"hi"), 200);
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    let got = app.got.lock().unwrap()[0].clone();
    assert_eq!(header_line(&got, "x-raw").as_deref(), Some(RAW_VALUE));
    assert_eq!(header_line(&got, "x-plain").as_deref(), Some(&b"text"[..]));
}
