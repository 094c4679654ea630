//! A secret is never printed, logged or saved: a header value equal to a configured
//! secret (or the token a scheme sends as it is, GitLab's X-Gitlab-Token) is written as
//! `[redacted: N bytes]` in the capture log, `listen --json`, the terminal, `captures
//! show|export` and `send --dry-run`; `replay` puts it back from the secret flags, and
//! refuses to send the marker when none is given.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Duration;

use common::{hookcat_in, spawn_listen_env, tempdir, Receiver};
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
    let mut all = vec!["--expect", "1", "--timeout", "30s"];
    all.extend_from_slice(args);
    let l = spawn_listen_env(d, env, &all);
    send_to(&l.url);
    l.finish()
}

fn records(log: &Path) -> Vec<Value> {
    common::log_lines(log)
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
fn captures_outputs(log: &Path, id: &str) -> Vec<(String, String)> {
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
            // In-process: `captures` on the log named.
            let o = common::run(&args, b"");
            assert_eq!(o.code, 0, "{what}: {}", o.err());
            (what, format!("{}\n{}", o.out(), o.err()))
        })
        .collect()
}

fn assert_nowhere(secret: &str, outputs: &[(String, String)]) {
    for (what, text) in outputs {
        assert!(!text.contains(secret), "the secret appears in {what}:\n{text}");
    }
}

/// `hookcat send URL --event gitlab.push --secret-env GL` with GL set to GitLab's token,
/// which must succeed.
fn send_gitlab(d: &Path, url: &str) {
    hc(d, &[("GL", GITLAB_TOKEN)])
        .args(["send", url, "--event", "gitlab.push", "--secret-env", "GL"])
        .assert()
        .success();
}

/// `hookcat send URL/hook?token=API_TOKEN&x=1 --event github.ping`: the secret in the
/// query. `delivered` says whether the send must succeed or fail.
fn send_token_in_query(d: &Path, url: &str, delivered: bool) {
    let a = hc(d, &[])
        .args([
            "send",
            &format!("{url}/hook?token={API_TOKEN}&x=1"),
            "--event",
            "github.ping",
        ])
        .assert();
    if delivered {
        a.success();
    } else {
        a.failure();
    }
}

/// The arguments of a listener that verifies the generic scheme with the secret in T and
/// saves to `log`, then `extra`.
fn generic_listener<'a>(log: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--scheme",
        "generic",
        "--secret-env",
        "T",
        "--save",
        log.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args
}

/// What a listener wrote, named for [`assert_nowhere`]: its log, stdout and stderr.
fn listened(log: &Path, stdout: String, stderr: String) -> Vec<(String, String)> {
    vec![
        ("the capture log".into(), std::fs::read_to_string(log).unwrap()),
        ("listen --json".into(), stdout),
        ("listen's stderr".into(), stderr),
    ]
}

/// `hookcat replay LOG ARGS --to URL` with `env`, once it has exited.
fn replay(d: &Path, env: &[(&str, &str)], log: &Path, args: &[&str], to: &str) -> std::process::Output {
    hc(d, env)
        .args(["replay", log.to_str().unwrap()])
        .args(args)
        .args(["--to", to])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

/// [`replay`], which must succeed.
fn replay_ok(d: &Path, env: &[(&str, &str)], log: &Path, args: &[&str], to: &str) -> std::process::Output {
    let o = replay(d, env, log, args, to);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
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
        |url| send_gitlab(d, url),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let mut outputs = listened(&log, stdout.clone(), stderr);
    // The delivery was verified with the real token before it was redacted.
    let rec = &records(&log)[0];
    assert_eq!(rec["verification"]["valid"], true, "{rec}");
    assert_eq!(header(rec, "x-gitlab-token"), [marker(GITLAB_TOKEN)], "{rec}");
    assert!(stdout.contains(&marker(GITLAB_TOKEN)), "{stdout}");
    let id = rec["id"].as_str().unwrap().to_string();
    outputs.extend(captures_outputs(&log, &id));
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
    let o = replay(d, &[], &log, &["--all"], &rx.url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("redacted") && err.contains("x-gitlab-token"), "{err}");
    assert!(err.contains("--secret-env"), "{err}");
    assert!(rx.got().is_empty(), "nothing is sent: {:?}", rx.got());

    // A secret of another length cannot be the one redacted.
    let o = replay(d, &[("GL", "short")], &log, &["--all", "--secret-env", "GL"], &rx.url);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(rx.got().is_empty());

    // With the secret flag, the real token is delivered again.
    let o = replay(d, &env, &log, &["--all", "--secret-env", "GL"], &rx.url);
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
    replay_ok(
        d,
        &[("GL", rotated)],
        &log,
        &["--all", "--resign", "--secret-env", "GL"],
        &rx.url,
    );
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
    let (code, stdout, stderr) = listen_once(d, &[], &["--save", log.to_str().unwrap(), "--json"], |url| {
        send_gitlab(d, url)
    });
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(header(&records(&log)[0], "x-gitlab-token"), [marker(GITLAB_TOKEN)]);
    assert_nowhere(GITLAB_TOKEN, &listened(&log, stdout, stderr));
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
    let mut outputs = listened(&log, stdout, stderr);
    let id = rec["id"].as_str().unwrap().to_string();
    outputs.extend(captures_outputs(&log, &id));
    assert_nowhere(API_TOKEN, &outputs);

    let rx = Receiver::start(vec![]);
    let o = replay(d, &[], &log, &[&id], &rx.url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("redacted") && err.to_ascii_lowercase().contains("x-token"),
        "{err}"
    );
    assert!(rx.got().is_empty());

    replay_ok(d, &[("T", API_TOKEN)], &log, &[&id, "--secret-env", "T"], &rx.url);
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
    let (code, stdout, stderr) = listen_once(d, &env, &generic_listener(&log, &["--json"]), |url| {
        send_token_in_query(d, url, true)
    });
    assert_eq!(code, Some(0), "{stderr}");
    let rec = &records(&log)[0];
    assert_eq!(
        rec["path"].as_str().unwrap(),
        format!("/hook?token={}&x=1", marker(API_TOKEN)),
        "{rec}"
    );
    assert_nowhere(API_TOKEN, &listened(&log, stdout, stderr));
    let rx = Receiver::start(vec![]);
    replay_ok(d, &env, &log, &["--all", "--secret-env", "T"], &rx.url);
    assert_eq!(rx.got()[0].path, format!("/hook?token={API_TOKEN}&x=1"));
}

/// Sets the `x-gitlab-token` header of every record of `log` to `token`: the log as a
/// hookcat from before the redaction wrote it.
fn put_back_raw_token(log: &Path, token: &str) -> Vec<u8> {
    let mut text = String::new();
    for mut r in records(log) {
        for h in r["headers"].as_array_mut().unwrap() {
            if h[0].as_str().unwrap().eq_ignore_ascii_case("x-gitlab-token") {
                h[1] = token.into();
            }
        }
        // A hookcat from before the redaction wrote no `redacted` places either.
        r.as_object_mut().unwrap().shift_remove("redacted");
        text.push_str(&format!("{r}\n"));
    }
    std::fs::write(log, &text).unwrap();
    text.into_bytes()
}

/// (what, stdout and stderr) of `hookcat ARGS` that exits with one of `codes`.
fn run_with(d: &Path, env: &[(&str, &str)], args: &[&str], codes: &[i32]) -> (String, String) {
    let o = hc(d, env).args(args).timeout(Duration::from_secs(60)).output().unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.code().is_some_and(|c| codes.contains(&c)),
        "{} exited {:?}: {text}",
        args.join(" "),
        o.status.code()
    );
    (args.join(" "), text)
}

/// A log written before redaction existed holds GitLab's token as it is: `captures`
/// never shows or exports it (with `--reveal` neither, and in every format), the log
/// itself is left as it is, and `replay` still sends it without printing it.
#[test]
fn a_gitlab_token_in_an_old_log_is_never_shown_but_still_replayed() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("old.jsonl");
    let env = [("GL", GITLAB_TOKEN)];
    let l = common::spawn_listen(
        d,
        &["--expect", "2", "--timeout", "30s", "--save", log.to_str().unwrap()],
    );
    for path in ["/a", "/b"] {
        hc(d, &env)
            .args([
                "send",
                &format!("{}{path}", l.url),
                "--event",
                "gitlab.push",
                "--secret-env",
                "GL",
            ])
            .assert()
            .success();
    }
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    let old = put_back_raw_token(&log, GITLAB_TOKEN);
    let recs = records(&log);
    assert_eq!(header(&recs[0], "x-gitlab-token"), [GITLAB_TOKEN]);
    let (a, b) = (recs[0]["id"].as_str().unwrap(), recs[1]["id"].as_str().unwrap());
    let f = log.to_str().unwrap();

    let mut outputs = captures_outputs(&log, a);
    for args in [
        vec!["captures", "show", a, "-f", f, "--reveal"],
        vec!["captures", "show", a, "-f", f, "--json", "--reveal"],
        vec!["captures", "export", a, b, "-f", f, "--format", "har", "--reveal"],
        vec!["captures", "export", a, b, "-f", f, "--format", "curl", "--reveal"],
        vec!["captures", "export", a, b, "-f", f, "--format", "raw", "--reveal"],
        vec!["captures", "export", a, b, "-f", f, "--format", "json", "--reveal"],
        vec!["captures", "list", f, "--json"],
    ] {
        outputs.push(run_with(d, &[], &args, &[0]));
    }
    // The two tokens differ from what the other header values do: diff shows headers.
    for extra in [&[][..], &["--json"], &["--reveal"], &["--exact", "--json", "--reveal"]] {
        let mut args = vec!["captures", "diff", a, b, "-f", f];
        args.extend_from_slice(extra);
        outputs.push(run_with(d, &[], &args, &[1]));
    }
    assert_nowhere(GITLAB_TOKEN, &outputs);
    // What is shown is the marker the listener writes today.
    let shown = &outputs.iter().find(|(w, _)| w == "show --json").unwrap().1;
    assert!(shown.contains(&marker(GITLAB_TOKEN)), "{shown}");
    let json_export = &outputs.iter().find(|(w, _)| w.contains("--format json")).unwrap().1;
    assert!(json_export.contains(&marker(GITLAB_TOKEN)), "{json_export}");
    assert_eq!(std::fs::read(&log).unwrap(), old, "the log itself is left as it is");

    // Replay sends what the log holds, and prints no token (text, --json, --compare).
    let rx = Receiver::start(vec![]);
    let mut replays = Vec::new();
    for extra in [&[][..], &["--json"], &["--compare"], &["--json", "--compare"]] {
        let mut args = vec!["replay", f, "--all", "--to", &rx.url];
        args.extend_from_slice(extra);
        replays.push(run_with(d, &[], &args, &[0, 1]));
    }
    // A receiver that echoes the token back: its answer shows the marker.
    let echo = echo_server();
    for extra in [&["--json"][..], &["--compare"]] {
        let mut args = vec!["replay", f, "--all", "--to", &echo];
        args.extend_from_slice(extra);
        replays.push(run_with(d, &[], &args, &[0, 1]));
    }
    assert!(replays[4].1.contains("x-gitlab-token: [redacted"), "{}", replays[4].1);
    assert_nowhere(GITLAB_TOKEN, &replays);
    let got = rx.got();
    assert_eq!(got.len(), 8);
    assert!(got.iter().all(|r| r.header("x-gitlab-token") == Some(GITLAB_TOKEN)));
}

/// A port on loopback that refuses connections.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// What `replay` puts back is sent, never printed: not in its result lines, `--json`
/// (the URL and each attempt's), `--compare`, nor an error message that quotes the URL.
#[test]
fn replay_never_prints_the_secret_it_put_back() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("query.jsonl");
    let env = [("T", API_TOKEN)];
    let (code, _, stderr) = listen_once(d, &env, &generic_listener(&log, &[]), |url| {
        send_token_in_query(d, url, true)
    });
    assert_eq!(code, Some(0), "{stderr}");
    let f = log.to_str().unwrap();
    let rx = Receiver::start(vec![]);
    let mut outputs = Vec::new();
    for extra in [&[][..], &["--json"], &["--compare"], &["--json", "--compare"]] {
        let mut args = vec!["replay", f, "--all", "--to", &rx.url, "--secret-env", "T"];
        args.extend_from_slice(extra);
        outputs.push(run_with(d, &env, &args, &[0, 1]));
    }
    assert_eq!(rx.got().len(), 4);
    assert!(rx
        .got()
        .iter()
        .all(|r| r.path == format!("/hook?token={API_TOKEN}&x=1")));
    // What the result lines show is the marker, where the secret stood.
    let text = &outputs[0].1;
    assert!(
        text.contains(&format!("/hook?token={}&x=1", marker(API_TOKEN))),
        "{text}"
    );

    // A receiver that is not there: the error names the URL, without the secret.
    let down = format!("http://127.0.0.1:{}", closed_port());
    for extra in [&[][..], &["--json"]] {
        let mut args = vec![
            "replay",
            f,
            "--all",
            "--to",
            &down,
            "--secret-env",
            "T",
            "--retries",
            "0",
        ];
        args.extend_from_slice(extra);
        outputs.push(run_with(d, &env, &args, &[1]));
    }
    assert_nowhere(API_TOKEN, &outputs);
}

/// A forward that fails quotes the URL it tried: neither the record (its note and the
/// answer kept for `--compare`) nor the terminal holds the secret from the query.
#[test]
fn a_failed_forward_does_not_write_the_secret_in_the_query() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("fwd.jsonl");
    let env = [("T", API_TOKEN)];
    let down = format!("http://127.0.0.1:{}", closed_port());
    let mut outputs = Vec::new();
    for json in [false, true] {
        let mut args = generic_listener(&log, &["--forward-to", &down, "--verbose"]);
        if json {
            args.push("--json");
        }
        let (code, stdout, stderr) = listen_once(d, &env, &args, |url| send_token_in_query(d, url, false));
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("/hook?token=[redacted"), "{stdout}");
        outputs.push((format!("listen (json: {json})"), format!("{stdout}\n{stderr}")));
    }
    let recs = records(&log);
    assert_eq!(recs[0]["response"]["status"], 502, "{}", recs[0]);
    outputs.push(("the capture log".into(), std::fs::read_to_string(&log).unwrap()));
    assert_nowhere(API_TOKEN, &outputs);
}

/// A server on 127.0.0.1:0 that answers every request with its request line and
/// headers as the body, and each request header again as an `X-Echo-NAME` header: an
/// app or receiver that echoes what it got. Returns its base URL.
fn echo_server() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                use std::io::Write;
                let mut r = BufReader::new(s.try_clone().unwrap());
                let (mut head, mut echoed, mut len) = (String::new(), String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.trim_end().split_once(": ") {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.parse().unwrap_or(0);
                        }
                        echoed.push_str(&format!("X-Echo-{k}: {v}\r\n"));
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; len];
                let _ = r.read_exact(&mut body);
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{echoed}Content-Length: {}\r\nConnection: close\r\n\r\n{head}",
                    head.len()
                );
            });
        }
    });
    url
}

/// `send` shows the receiver's answer: an answer that echoes the secret (in its body or
/// a header) shows the marker instead, in text, `-v --reveal` and `--json`.
#[test]
fn send_does_not_print_a_secret_its_receiver_echoes() {
    let dir = tempdir();
    let d = dir.path();
    let env = [("GL", GITLAB_TOKEN)];
    let echo = echo_server();
    let mut outputs = Vec::new();
    for extra in [&[][..], &["-v", "--reveal"], &["--json"]] {
        let mut args = vec!["send", &echo, "--event", "gitlab.push", "--secret-env", "GL"];
        args.extend_from_slice(extra);
        outputs.push(run_with(d, &env, &args, &[0]));
    }
    // The echo worked: the header names came back.
    assert!(
        outputs[0].1.to_ascii_lowercase().contains("x-gitlab-token"),
        "{}",
        outputs[0].1
    );
    assert_nowhere(GITLAB_TOKEN, &outputs);
}

/// `listen --forward-to` shows what the app answered: an app that echoes the request
/// (the secret in its query) shows the marker, on the terminal and in the log.
#[test]
fn listen_does_not_print_a_secret_the_app_echoes() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("echo.jsonl");
    let env = [("T", API_TOKEN)];
    let echo = echo_server();
    let (code, stdout, stderr) = listen_once(
        d,
        &env,
        &generic_listener(&log, &["--forward-to", &echo, "--verbose"]),
        |url| send_token_in_query(d, url, true),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("GET /hook?token=") || stdout.contains("POST /hook?token="),
        "{stdout}"
    );
    assert_nowhere(
        API_TOKEN,
        &[
            ("listen -v".into(), format!("{stdout}\n{stderr}")),
            ("the capture log".into(), std::fs::read_to_string(&log).unwrap()),
        ],
    );
}

/// A listener with no secret still knows GitLab's token header: an app that echoes the
/// request shows the marker for it.
#[test]
fn listen_does_not_print_a_gitlab_token_the_app_echoes() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("echo-gl.jsonl");
    let echo = echo_server();
    let (code, stdout, stderr) = listen_once(
        d,
        &[],
        &["--save", log.to_str().unwrap(), "--forward-to", &echo, "--verbose"],
        |url| send_gitlab(d, url),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("x-gitlab-token: [redacted"), "{stdout}");
    assert_nowhere(
        GITLAB_TOKEN,
        &[
            ("listen -v".into(), format!("{stdout}\n{stderr}")),
            ("the capture log".into(), std::fs::read_to_string(&log).unwrap()),
        ],
    );
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
    let (code, _, stderr) = listen_once(d, &env, &generic_listener(&log, &[]), |url| {
        let head = format!("POST /hook HTTP/1.1\r\nHost: x\r\nX-Api-Token: {API_TOKEN}\r\nX-Note: {fake}");
        let answer = raw_send(url, head.as_bytes(), b"{}");
        assert!(
            answer.starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&answer)
        );
    });
    assert_eq!(code, Some(0), "{stderr}");
    let rec = &records(&log)[0];
    assert_eq!(header(rec, "x-api-token"), [fake.as_str()], "{rec}");
    assert_eq!(header(rec, "x-note"), [fake.as_str()], "{rec}");
    assert!(!std::fs::read_to_string(&log).unwrap().contains(API_TOKEN));

    // Replayed with the secret: the value that was redacted gets it back, the one the
    // sender wrote goes as it was written.
    let rx = Receiver::start(vec![]);
    replay_ok(d, &env, &log, &["--all", "--secret-env", "T"], &rx.url);
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
    replay_ok(d, &env, &crafted, &["--all", "--secret-env", "T"], &rx.url);
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
    replay_ok(d, &[], &crafted, &["20261128100000crafted002"], &rx.url);
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
    let o = replay(d, &env, &bad, &["--all", "--secret-env", "T"], &rx.url);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("skipped line 1") && err.contains("`redacted`"), "{err}");
    assert!(err.contains("skipped line 2") && err.contains("`path`"), "{err}");
    assert_eq!(rx.got().len(), 1, "nothing more is sent");
}
