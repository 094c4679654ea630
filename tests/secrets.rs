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
