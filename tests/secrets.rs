//! A secret is never printed, logged or saved: a header value equal to a configured
//! secret (or the token a scheme sends as it is, GitLab's X-Gitlab-Token) is written as
//! `[redacted: N bytes]` in the capture log, `listen --json`, the terminal, `captures
//! show|export` and `send --dry-run`; `replay` puts it back from the secret flags, and
//! refuses to send the marker when none is given.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{hookcat_in, hookcat_std, tempdir, Receiver};
use serde_json::Value;

const GITLAB_TOKEN: &str = "glpat-Hx7-token-9f8e7d6c5b4a";
const API_TOKEN: &str = "tok-Qm4rv8-keep-this-private";

fn marker(s: &str) -> String {
    format!("[redacted: {} bytes]", s.len())
}

/// `hookcat` without the machine's settings, with `env` set.
fn hc(d: &Path, env: &[(&str, &str)]) -> assert_cmd::Command {
    let mut c = hookcat_in(d);
    c.env("HOOKCAT_CONFIG_DIR", d.join("no-config"));
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// Runs `hookcat listen --port 0 --expect 1 ARGS` with `env`, calls `send_to` with its
/// URL, and returns (exit code, stdout, stderr) once it has exited by itself.
fn listen_once(
    d: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    send_to: impl FnOnce(&str),
) -> (Option<i32>, String, String) {
    let mut child = hookcat_std(d)
        .env("HOOKCAT_CONFIG_DIR", d.join("no-config"))
        .arg("listen")
        .args(["--port", "0", "--expect", "1", "--timeout", "30s"])
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hookcat listen");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let Some(url) = first.trim().strip_prefix("Listening on ").map(str::to_string) else {
        let _ = child.kill();
        panic!("unexpected first stderr line: {first:?}");
    };
    send_to(&url);
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let mut err = first;
    stderr.read_to_string(&mut err).unwrap();
    let code = child.wait().unwrap().code();
    (code, out, err)
}

fn records(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn header<'a>(r: &'a Value, name: &str) -> Vec<&'a str> {
    r["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
        .map(|h| h[1].as_str().unwrap())
        .collect()
}

/// Everything `captures` shows of capture `id`: `show`, `show --json` and each export.
fn captures_outputs(d: &Path, log: &Path, id: &str) -> Vec<(String, String)> {
    let log = log.to_str().unwrap();
    let mut runs: Vec<(String, Vec<&str>)> = vec![
        ("show".into(), vec!["captures", "show", id, "-f", log]),
        ("show --json".into(), vec!["captures", "show", id, "-f", log, "--json"]),
    ];
    for f in ["har", "curl", "raw", "json"] {
        runs.push((
            format!("export --format {f}"),
            vec!["captures", "export", id, "-f", log, "--format", f],
        ));
    }
    runs.into_iter()
        .map(|(what, args)| {
            let o = hc(d, &[]).args(&args).output().unwrap();
            assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            (what, text)
        })
        .collect()
}

fn assert_nowhere(secret: &str, outputs: &[(String, String)]) {
    for (what, text) in outputs {
        assert!(!text.contains(secret), "the secret appears in {what}:\n{text}");
    }
}

#[test]
fn a_gitlab_token_is_redacted_everywhere_and_replay_puts_it_back() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("gitlab.jsonl");
    let env = [("GL", GITLAB_TOKEN)];
    let (code, stdout, stderr) = listen_once(
        d,
        &env,
        &[
            "--scheme",
            "gitlab",
            "--secret-env",
            "GL",
            "--save",
            log.to_str().unwrap(),
            "--json",
        ],
        |url| {
            hc(d, &env)
                .args(["send", url, "--event", "gitlab.push", "--secret-env", "GL"])
                .assert()
                .success();
        },
    );
    assert_eq!(code, Some(0), "{stderr}");
    let saved = std::fs::read(&log).unwrap();
    let mut outputs = vec![
        (
            "the capture log".to_string(),
            String::from_utf8_lossy(&saved).into_owned(),
        ),
        ("listen --json".into(), stdout.clone()),
        ("listen's stderr".into(), stderr),
    ];
    // The delivery was verified with the real token before it was redacted.
    let rec = &records(&log)[0];
    assert_eq!(rec["verification"]["valid"], true, "{rec}");
    assert_eq!(header(rec, "x-gitlab-token"), [marker(GITLAB_TOKEN)], "{rec}");
    assert!(stdout.contains(&marker(GITLAB_TOKEN)), "{stdout}");
    let id = rec["id"].as_str().unwrap().to_string();
    outputs.extend(captures_outputs(d, &log, &id));
    assert_nowhere(GITLAB_TOKEN, &outputs);

    // A redacted token cannot be verified from the log (its marker is not what was sent).
    let o = hc(d, &env)
        .args([
            "verify",
            "--scheme",
            "gitlab",
            "--secret-env",
            "GL",
            "--headers-file",
            log.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("redacted"), "{err}");

    // Replaying without the token refuses to send the marker, and says how to restore it.
    let rx = Receiver::start(vec![]);
    let o = hc(d, &[])
        .args(["replay", log.to_str().unwrap(), "--all", "--to", &rx.url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("redacted") && err.contains("x-gitlab-token"), "{err}");
    assert!(err.contains("--secret-env"), "{err}");
    assert!(rx.got().is_empty(), "nothing is sent: {:?}", rx.got());

    // A secret of another length cannot be the one redacted.
    let o = hc(d, &[("GL", "short")])
        .args([
            "replay",
            log.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "GL",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(rx.got().is_empty());

    // With the secret flag, the real token is delivered again.
    let o = hc(d, &env)
        .args([
            "replay",
            log.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "GL",
        ])
        .output()
        .unwrap();
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        !out.contains(GITLAB_TOKEN) && !err.contains(GITLAB_TOKEN),
        "{out}\n{err}"
    );
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-gitlab-token"), Some(GITLAB_TOKEN));

    // Re-signing with a new token (of another length) sends the new one.
    let rotated = "glpat-rotated-1";
    hc(d, &[("GL", rotated)])
        .args([
            "replay",
            log.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--resign",
            "--secret-env",
            "GL",
        ])
        .assert()
        .success();
    assert_eq!(rx.got()[1].header("x-gitlab-token"), Some(rotated));
}

#[test]
fn send_dry_run_shows_the_gitlab_token_as_a_marker() {
    let dir = tempdir();
    let d = dir.path();
    let env = [("GL", GITLAB_TOKEN)];
    let o = hc(d, &env)
        .args([
            "send",
            "http://127.0.0.1:9/hook",
            "--event",
            "gitlab.push",
            "--secret-env",
            "GL",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.to_ascii_lowercase()
            .contains(&format!("x-gitlab-token: {}", marker(GITLAB_TOKEN))),
        "{out}"
    );
    assert_nowhere(
        GITLAB_TOKEN,
        &[(
            "send --dry-run".into(),
            format!("{out}\n{}", String::from_utf8_lossy(&o.stderr)),
        )],
    );
}

#[test]
fn a_gitlab_token_is_redacted_even_when_the_listener_has_no_secret() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("plain.jsonl");
    let env = [("GL", GITLAB_TOKEN)];
    let (code, stdout, stderr) = listen_once(d, &[], &["--save", log.to_str().unwrap(), "--json"], |url| {
        hc(d, &env)
            .args(["send", url, "--event", "gitlab.push", "--secret-env", "GL"])
            .assert()
            .success();
    });
    assert_eq!(code, Some(0), "{stderr}");
    let saved = std::fs::read_to_string(&log).unwrap();
    assert_eq!(header(&records(&log)[0], "x-gitlab-token"), [marker(GITLAB_TOKEN)]);
    assert_nowhere(
        GITLAB_TOKEN,
        &[
            ("the capture log".into(), saved),
            ("listen --json".into(), stdout),
            ("listen's stderr".into(), stderr),
        ],
    );
}

#[test]
fn a_required_header_token_is_redacted_everywhere_and_replay_puts_it_back() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("token.jsonl");
    let required = format!("X-Token: {API_TOKEN}");
    let (code, stdout, stderr) = listen_once(
        d,
        &[],
        &[
            "--require-header",
            &required,
            "--save",
            log.to_str().unwrap(),
            "--json",
            "-v",
        ],
        |url| {
            hc(d, &[])
                .args([
                    "send",
                    &format!("{url}/hook?x=1"),
                    "--event",
                    "github.ping",
                    "-H",
                    &required,
                ])
                .assert()
                .success();
        },
    );
    assert_eq!(code, Some(0), "{stderr}");
    let rec = &records(&log)[0];
    assert_eq!(rec["response"]["status"], 200, "{rec}");
    assert_eq!(header(rec, "x-token"), [marker(API_TOKEN)], "{rec}");
    let mut outputs = vec![
        ("the capture log".to_string(), std::fs::read_to_string(&log).unwrap()),
        ("listen --json".into(), stdout),
        ("listen's stderr".into(), stderr),
    ];
    let id = rec["id"].as_str().unwrap().to_string();
    outputs.extend(captures_outputs(d, &log, &id));
    assert_nowhere(API_TOKEN, &outputs);

    let rx = Receiver::start(vec![]);
    let o = hc(d, &[])
        .args(["replay", log.to_str().unwrap(), &id, "--to", &rx.url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("redacted") && err.to_ascii_lowercase().contains("x-token"),
        "{err}"
    );
    assert!(rx.got().is_empty());

    let o = hc(d, &[("T", API_TOKEN)])
        .args([
            "replay",
            log.to_str().unwrap(),
            &id,
            "--to",
            &rx.url,
            "--secret-env",
            "T",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-token"), Some(API_TOKEN));
    assert_eq!(got[0].path, "/hook?x=1");
}

#[test]
fn a_secret_in_the_query_string_is_redacted_and_put_back() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("query.jsonl");
    let env = [("T", API_TOKEN)];
    let (code, stdout, stderr) = listen_once(
        d,
        &env,
        &[
            "--scheme",
            "generic",
            "--secret-env",
            "T",
            "--save",
            log.to_str().unwrap(),
            "--json",
        ],
        |url| {
            hc(d, &[])
                .args([
                    "send",
                    &format!("{url}/hook?token={API_TOKEN}&x=1"),
                    "--event",
                    "github.ping",
                ])
                .assert()
                .success();
        },
    );
    assert_eq!(code, Some(0), "{stderr}");
    let rec = &records(&log)[0];
    assert_eq!(
        rec["path"].as_str().unwrap(),
        format!("/hook?token={}&x=1", marker(API_TOKEN)),
        "{rec}"
    );
    assert_nowhere(
        API_TOKEN,
        &[
            ("the capture log".into(), std::fs::read_to_string(&log).unwrap()),
            ("listen --json".into(), stdout),
            ("listen's stderr".into(), stderr),
        ],
    );
    let rx = Receiver::start(vec![]);
    let o = hc(d, &env)
        .args([
            "replay",
            log.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "T",
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rx.got()[0].path, format!("/hook?token={API_TOKEN}&x=1"));
}

/// Sends `head` (a request head without its blank line) and `body` over a raw socket
/// to `url` and returns the answer's bytes.
fn raw_send(url: &str, head: &[u8], body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let addr = url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut req = head.to_vec();
    req.extend_from_slice(format!("\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
    req.extend_from_slice(body);
    s.write_all(&req).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    answer
}

#[test]
fn a_gitlab_token_that_is_not_utf8_leaves_no_byte_in_the_log_and_the_record_reads_back() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("gitlab-bytes.jsonl");
    let mut token = b"glpat-".to_vec();
    token.push(0xff);
    token.extend_from_slice(b"Zq8-private-part-71xk");
    let (code, stdout, stderr) = listen_once(d, &[], &["--save", log.to_str().unwrap(), "--json"], |url| {
        let mut head = b"POST /gl HTTP/1.1\r\nHost: x\r\nX-Gitlab-Event: Push Hook\r\nX-Gitlab-Token: ".to_vec();
        head.extend_from_slice(&token);
        let answer = raw_send(url, &head, b"{}");
        assert!(
            answer.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&answer)
        );
    });
    assert_eq!(code, Some(0), "{stderr}");
    let saved = std::fs::read(&log).unwrap();
    let text = String::from_utf8_lossy(&saved);
    let b64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    for part in ["private-part", "Zq8", &b64(&token), &b64(&token[..9])[..8]] {
        assert!(!text.contains(part), "`{part}` of the token is in the log:\n{text}");
        assert!(!stdout.contains(part), "`{part}` of the token is in --json:\n{stdout}");
    }
    assert!(!text.contains("header_bytes"), "{text}");
    let rec = &records(&log)[0];
    assert_eq!(
        header(rec, "x-gitlab-token"),
        [format!("[redacted: {} bytes]", token.len())]
    );
    // The record reads back (it is not skipped as damaged).
    let id = rec["id"].as_str().unwrap();
    let o = hc(d, &[])
        .args(["captures", "show", id, "-f", log.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("skipped"), "{err}");
    let shown: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["id"], rec["id"]);
}

/// A line as a capture log holds it, with `extra` fields added.
fn crafted_line(id: &str, path: &str, headers: Value, extra: Value) -> String {
    let mut v = serde_json::json!({
        "v": 1,
        "id": id,
        "received_at": "2026-11-28T10:00:00.000Z",
        "method": "POST",
        "path": path,
        "headers": headers,
        "body": "{}",
        "body_encoding": "utf8",
        "remote_addr": "127.0.0.1:5000",
        "verification": null,
        "response": {"status": 200, "kind": "normal"},
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v.to_string()
}

#[test]
fn a_marker_a_sender_wrote_is_replayed_as_it_is_never_as_the_secret() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("lookalike.jsonl");
    let env = [("T", API_TOKEN)];
    let fake = marker(API_TOKEN);
    let (code, _, stderr) = listen_once(
        d,
        &env,
        &[
            "--scheme",
            "generic",
            "--secret-env",
            "T",
            "--save",
            log.to_str().unwrap(),
        ],
        |url| {
            let head = format!("POST /hook HTTP/1.1\r\nHost: x\r\nX-Api-Token: {API_TOKEN}\r\nX-Note: {fake}");
            let answer = raw_send(url, head.as_bytes(), b"{}");
            assert!(
                answer.starts_with(b"HTTP/1.1 200"),
                "{}",
                String::from_utf8_lossy(&answer)
            );
        },
    );
    assert_eq!(code, Some(0), "{stderr}");
    let rec = &records(&log)[0];
    assert_eq!(header(rec, "x-api-token"), [fake.as_str()], "{rec}");
    assert_eq!(header(rec, "x-note"), [fake.as_str()], "{rec}");
    assert!(!std::fs::read_to_string(&log).unwrap().contains(API_TOKEN));

    // Replayed with the secret: the value that was redacted gets it back, the one the
    // sender wrote goes as it was written.
    let rx = Receiver::start(vec![]);
    let o = hc(d, &env)
        .args([
            "replay",
            log.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "T",
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = rx.got();
    assert_eq!(got[0].header("x-api-token"), Some(API_TOKEN));
    assert_eq!(got[0].header("x-note"), Some(fake.as_str()));

    // A crafted record: markers in headers that it does not say were redacted, and one
    // header and one query value it does.
    let crafted = d.join("crafted.jsonl");
    let lines = [
        crafted_line(
            "20261128100000crafted001",
            &format!("/h?a=x&b={fake}"),
            serde_json::json!([["x-a", fake], ["x-b", fake], ["x-a", fake]]),
            serde_json::json!({"redacted": {"headers": [2], "query": [1]}}),
        ),
        // A log from before redaction (no `redacted`): nothing in it was redacted.
        crafted_line(
            "20261128100000crafted002",
            "/old?a=x",
            serde_json::json!([["x-a", fake]]),
            serde_json::json!({}),
        ),
    ];
    std::fs::write(&crafted, lines.join("\n") + "\n").unwrap();
    let rx = Receiver::start(vec![]);
    let o = hc(d, &env)
        .args([
            "replay",
            crafted.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "T",
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = rx.got();
    assert_eq!(got.len(), 2, "{got:?}");
    let all = |r: &common::Recorded, n: &str| -> Vec<String> {
        r.headers
            .iter()
            .filter(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(all(&got[0], "x-a"), [fake.clone(), API_TOKEN.to_string()]);
    assert_eq!(got[0].header("x-b"), Some(fake.as_str()));
    assert_eq!(got[0].path, format!("/h?a=x&b={API_TOKEN}"));
    assert_eq!(got[1].header("x-a"), Some(fake.as_str()));
    assert_eq!(got[1].path, "/old?a=x");

    // Without a secret, the old record goes as it is; the crafted one needs it.
    let rx = Receiver::start(vec![]);
    let o = hc(d, &[])
        .args([
            "replay",
            crafted.to_str().unwrap(),
            "20261128100000crafted002",
            "--to",
            &rx.url,
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rx.got()[0].header("x-a"), Some(fake.as_str()));

    // A record that says a value was redacted where there is no marker, or that has a
    // marker (spaces and all) in its query that it does not say was redacted, is not
    // one hookcat writes: skipped with a warning.
    let bad = d.join("bad.jsonl");
    let lines = [
        crafted_line(
            "20261128100000crafted003",
            "/h",
            serde_json::json!([["x-a", "plain"]]),
            serde_json::json!({"redacted": {"headers": [0]}}),
        ),
        crafted_line(
            "20261128100000crafted004",
            &format!("/h?a={fake}"),
            serde_json::json!([]),
            serde_json::json!({}),
        ),
    ];
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let o = hc(d, &env)
        .args([
            "replay",
            bad.to_str().unwrap(),
            "--all",
            "--to",
            &rx.url,
            "--secret-env",
            "T",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("skipped line 1") && err.contains("`redacted`"), "{err}");
    assert!(err.contains("skipped line 2") && err.contains("`path`"), "{err}");
    assert_eq!(rx.got().len(), 1, "nothing more is sent");
}
