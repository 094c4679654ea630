//! `hookcat replay`: logs made by `hookcat listen` in the test, replayed into a
//! recording receiver. Replay runs in-process; the binary is spawned for what needs a
//! process (the default log in the data directory, an editor from the environment,
//! Ctrl-C).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{hookcat_in, hookcat_std, spawn_listen, tempdir, wait_for, Receiver, Recorded};
use serde_json::Value;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A request to send to the listener.
struct Req {
    method: &'static str,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn req(method: &'static str, path: &'static str, headers: &[(&str, &str)], body: &[u8]) -> Req {
    Req {
        method,
        path,
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: body.to_vec(),
    }
}

/// Runs `hookcat listen --save LOG ARGS`, sends the requests one after the other, waits
/// for it to exit, and returns the log's records.
fn capture(data: &Path, log: &Path, args: &[&str], reqs: &[Req]) -> Vec<Value> {
    let mut full = vec!["--save", log.to_str().unwrap()];
    full.extend_from_slice(args);
    let reqs: Vec<common::Request> = reqs
        .iter()
        .map(|r| {
            let headers = r.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            (r.method, r.path, headers, r.body.clone())
        })
        .collect();
    common::capture(data, &full, &reqs);
    records(log)
}

/// A POST of `body` with `headers` (a signature's, as [`sign`] made them) to `path`.
fn post(path: &'static str, headers: Vec<(String, String)>, body: Vec<u8>) -> Req {
    Req {
        method: "POST",
        path,
        headers,
        body,
    }
}

/// Two plain POSTs, `1` to /one and `2` to /two.
fn one_and_two() -> [Req; 2] {
    [req("POST", "/one", &[], b"1"), req("POST", "/two", &[], b"2")]
}

fn records(log: &Path) -> Vec<Value> {
    common::log_lines(log)
}

fn id(r: &Value) -> String {
    r["id"].as_str().unwrap().to_string()
}

/// The headers `hookcat sign` makes for `body` (run in-process).
fn sign(data: &Path, scheme: &str, timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
    let f = data.join(format!("sign-{scheme}-{timestamp}.body"));
    std::fs::write(&f, body).unwrap();
    let timestamp = timestamp.to_string();
    let args = [
        "sign",
        "--scheme",
        scheme,
        "--secret",
        SECRET,
        "--timestamp",
        &timestamp,
        "--json",
        f.to_str().unwrap(),
    ];
    let v = common::run(&args, b"").code(0).json();
    v["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<common::Ran> for Run {
    fn from(r: common::Ran) -> Run {
        Run {
            code: Some(i32::from(r.code)),
            stdout: r.out(),
            stderr: r.err(),
        }
    }
}

/// `hookcat replay ARGS`, in-process (the log named in `args`).
fn replay(args: &[&str]) -> Run {
    common::run(&[&["replay"], args].concat(), b"").into()
}

/// `hookcat replay ARGS` as a process of its own, with its data directory in `data`
/// and a clean environment.
fn replay_spawned(data: &Path, args: &[&str]) -> Run {
    let o = hookcat_in(data).arg("replay").args(args).output().unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `hookcat verify --scheme auto` at the current time, over what the receiver got
/// (in-process).
fn verify(data: &Path, got: &Recorded) -> Run {
    let body = data.join("verify.body");
    std::fs::write(&body, &got.body).unwrap();
    let mut args = vec![
        "verify".to_string(),
        "--scheme".into(),
        "auto".into(),
        format!("--secret={SECRET}"),
    ];
    for (k, v) in &got.headers {
        args.extend(["-H".to_string(), format!("{k}: {v}")]);
    }
    args.push(body.to_str().unwrap().into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run(&args, b"").into()
}

/// `hookcat replay LOG ARGS --to URL` (in-process) into a new [`Receiver`] that answers
/// `statuses`: the run and what the receiver got.
fn replay_into(log: &Path, args: &[&str], statuses: Vec<u16>) -> (Run, Vec<Recorded>) {
    let recv = Receiver::start(statuses);
    let mut full = vec![log.to_str().unwrap()];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--to", &recv.url]);
    let r = replay(&full);
    (r, recv.got())
}

/// Re-signing with the scheme each capture says it is and the test's secret.
const RESIGN_AUTO: [&str; 5] = ["--resign", "--scheme", "auto", "--secret", SECRET];

/// Each request the receiver got verifies (`verify --scheme auto`, now).
fn assert_all_verify(data: &Path, got: &[Recorded]) {
    for g in got {
        let v = verify(data, g);
        assert_eq!(v.code, Some(0), "{:?}\n{}{}", g.headers, v.stdout, v.stderr);
    }
}

fn paths(got: &[Recorded]) -> Vec<String> {
    got.iter().map(|r| r.path.clone()).collect()
}

fn log_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("captures.jsonl")
}

#[test]
fn replays_a_listen_log_byte_exact() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let gh_body = b"{\"action\":\"opened\",\"n\":1}\n".to_vec();
    let mut gh = sign(data, "github", now(), &gh_body);
    gh.push(("X-GitHub-Event".into(), "issues".into()));
    gh.push(("Content-Type".into(), "application/json".into()));
    let bin_body = vec![0xff, 0x00, 0xfe, b'\n', b'x'];
    let mut st = sign(data, "stripe", now(), &bin_body);
    st.push(("X-Custom".into(), "one".into()));
    st.push(("X-Custom".into(), "two".into()));
    let reqs = [
        post("/hooks/gh?x=1&y=%20", gh.clone(), gh_body.clone()),
        Req {
            method: "PUT",
            path: "/hooks/bin",
            headers: st.clone(),
            body: bin_body.clone(),
        },
        req("GET", "/ping?q=1", &[("User-Agent", "probe/1")], b""),
    ];
    let recs = capture(data, &log, &[], &reqs);
    assert_eq!(recs.len(), 3);

    let recv = Receiver::start(vec![]);
    let r = replay(&[log.to_str().unwrap(), "--all", "--to", &format!("{}/base", recv.url)]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout.lines().filter(|l| l.starts_with("✓ 200")).count(),
        3,
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("replayed 3 of 3"), "{}", r.stderr);

    let got = recv.got();
    assert_eq!(
        paths(&got),
        ["/base/hooks/gh?x=1&y=%20", "/base/hooks/bin", "/base/ping?q=1"]
    );
    assert_eq!(
        got.iter().map(|g| g.method.as_str()).collect::<Vec<_>>(),
        ["POST", "PUT", "GET"]
    );
    assert_eq!(got[0].body, gh_body);
    assert_eq!(got[1].body, bin_body);
    assert!(got[2].body.is_empty());
    for (g, sent) in [(&got[0], &gh), (&got[1], &st)] {
        for (k, v) in sent.iter().filter(|(k, _)| k != "X-Custom") {
            assert_eq!(g.header(k), Some(v.as_str()), "{k} in {:?}", g.headers);
        }
    }
    let custom: Vec<&str> = got[1]
        .headers
        .iter()
        .filter(|(k, _)| k == "x-custom")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(custom, ["one", "two"]);
    assert_eq!(got[2].header("user-agent"), Some("probe/1"));
    // The Host is the receiver's, not the listener's.
    assert_eq!(got[0].header("host"), Some(recv.url.trim_start_matches("http://")));
    // The signatures still verify: nothing of what they cover changed.
    assert_eq!(verify(data, &got[0]).code, Some(0));
    assert_eq!(verify(data, &got[1]).code, Some(0));
}

#[test]
fn resign_is_accepted_and_a_stale_signature_is_warned_about() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let old = now() - 3600;
    let stripe_body = br#"{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":100}}}"#.to_vec();
    let std_body = br#"{"type":"user.created","data":{"id":"u1"}}"#.to_vec();
    let mut sh = sign(data, "stripe", old, &stripe_body);
    sh.push(("Content-Type".into(), "application/json".into()));
    let wh = sign(data, "standard-webhooks", old, &std_body);
    let reqs = [
        post("/stripe", sh.clone(), stripe_body.clone()),
        post("/std", wh.clone(), std_body.clone()),
    ];
    // The listener verifies too, so the records carry the scheme (and a stale verdict).
    let recs = capture(data, &log, &["--scheme", "auto", "--secret", SECRET], &reqs);
    assert_eq!(recs[0]["verification"]["scheme"], "stripe");
    assert_eq!(recs[0]["verification"]["valid"], false);

    // Without --resign: sent as captured, with a warning first.
    let (r, got) = replay_into(&log, &["--all"], vec![]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr.matches("refuse it as stale").count(), 2, "{}", r.stderr);
    // Signed an hour ago: the age is 60 min and the seconds this test has taken so far
    // (a loaded machine can take a few).
    assert!(
        (0..30).any(|s| {
            let age = if s == 0 {
                "60 min".to_string()
            } else {
                format!("60 min {s} s")
            };
            r.stderr.contains(&format!(
                "stripe signature is {age} old, over stripe's tolerance of 5 min"
            ))
        }),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("5 min 0 s"), "{}", r.stderr);
    assert!(r.stderr.contains("add --resign"), "{}", r.stderr);
    assert_eq!(
        got[0].header("stripe-signature"),
        sh.iter()
            .find(|(k, _)| k == "Stripe-Signature")
            .map(|(_, v)| v.as_str())
    );
    assert_eq!(verify(data, &got[0]).code, Some(1), "stale, so refused");

    // With --resign: fresh timestamps and ids, accepted by the verifier now.
    let (r, got) = replay_into(&log, &[&["--all"][..], &RESIGN_AUTO].concat(), vec![]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("stale"), "{}", r.stderr);
    assert!(
        r.stdout.contains("re-signed stripe") && r.stdout.contains("re-signed standard-webhooks"),
        "{}",
        r.stdout
    );
    assert_eq!(got.len(), 2);
    assert_all_verify(data, &got);
    assert_eq!(got[0].body, stripe_body);
    assert_eq!(
        got[0].headers.iter().filter(|(k, _)| k == "stripe-signature").count(),
        1
    );
    let old_sig = &sh.iter().find(|(k, _)| k == "Stripe-Signature").unwrap().1;
    assert_ne!(got[0].header("stripe-signature"), Some(old_sig.as_str()));
    let old_id = &wh.iter().find(|(k, _)| k == "webhook-id").unwrap().1;
    assert_ne!(got[1].header("webhook-id"), Some(old_id.as_str()), "a fresh id");
    let ts: i64 = got[1].header("webhook-timestamp").unwrap().parse().unwrap();
    assert!((now() - ts).abs() < 300, "a fresh timestamp");

    // Re-signing without a secret is refused before anything is sent.
    let r = replay(&[
        "--all",
        "--file",
        log.to_str().unwrap(),
        "--to",
        "http://127.0.0.1:9",
        "--resign",
    ]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("needs a secret"), "{}", r.stderr);
}

/// The schemes that keep their signature or its timestamp in the body are re-signed
/// there: Linear's `webhookTimestamp` is brought up to now, Mailgun's signature fields
/// are written afresh (once, in place of the old ones).
#[test]
fn resign_refreshes_what_the_body_carries() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let old = now() - 3600;
    let linear_body = format!(
        r#"{{"action":"create","type":"Issue","webhookTimestamp":{}}}"#,
        old * 1000
    )
    .into_bytes();
    let mut lh = sign(data, "linear", old, &linear_body);
    lh.push(("Content-Type".into(), "application/json".into()));
    let mailgun_body =
        br#"{"signature":{"timestamp":"1","token":"t","signature":"00"},"event-data":{"event":"delivered"}}"#.to_vec();
    let reqs = [
        post("/linear", lh, linear_body.clone()),
        req(
            "POST",
            "/mailgun",
            &[("Content-Type", "application/json")],
            &mailgun_body,
        ),
    ];
    capture(data, &log, &["--scheme", "auto", "--secret", SECRET], &reqs);
    let (r, got) = replay_into(&log, &[&["--all"][..], &RESIGN_AUTO].concat(), vec![]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("re-signed linear") && r.stdout.contains("re-signed mailgun"),
        "{}",
        r.stdout
    );
    assert_eq!(got.len(), 2);
    assert_all_verify(data, &got);
    let lin: Value = serde_json::from_slice(&got[0].body).unwrap();
    let ms = lin["webhookTimestamp"].as_i64().unwrap();
    assert!((now() - ms / 1000).abs() < 60, "a fresh webhookTimestamp: {ms}");
    let mg: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_ne!(mg["signature"]["signature"], "00");
    assert_eq!(mg["event-data"]["event"], "delivered");
}

#[test]
fn selection_by_ids_filters_last_and_since() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let json = ("Content-Type", "application/json");
    let reqs = [
        req("POST", "/a", &[("X-GitHub-Event", "push"), json], b"{\"ref\":\"main\"}"),
        req("PUT", "/b", &[json], b"{}"),
        req(
            "POST",
            "/c",
            &[("X-GitHub-Event", "issues"), json],
            b"{\"action\":\"closed\"}",
        ),
        req("POST", "/d?page=2", &[json], b"{}"),
    ];
    let recs = capture(data, &log, &["--status-sequence", "200,500,200"], &reqs);
    assert_eq!(recs[1]["response"]["status"], 500);
    let ids: Vec<String> = recs.iter().map(id).collect();
    let run = |args: &[&str]| {
        let (r, got) = replay_into(&log, args, vec![]);
        (r, paths(&got))
    };
    let (r, got) = run(&["--last", "2"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(got, ["/c", "/d?page=2"]);

    // Ids as arguments, in the order given; a unique prefix is enough.
    let prefix = &ids[3][..ids[3].len() - 2];
    let (r, got) = run(&[prefix, &ids[0]]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(got, ["/d?page=2", "/a"]);

    for (filter, want) in [
        (vec!["--filter", "method=PUT"], vec!["/b"]),
        (vec!["--filter", "provider=github"], vec!["/a", "/c"]),
        (vec!["--filter", "event=github.issues*"], vec!["/c"]),
        (vec!["--filter", "status=5xx"], vec!["/b"]),
        (vec!["--filter", "path=/d"], vec!["/d?page=2"]),
        (vec!["--filter", "provider=github", "--last", "1"], vec!["/c"]),
        (vec!["--since", "1h"], vec!["/a", "/b", "/c", "/d?page=2"]),
    ] {
        let (r, got) = run(&filter);
        assert_eq!(r.code, Some(0), "{filter:?}: {}", r.stderr);
        assert_eq!(got, want, "{filter:?}");
    }

    // An empty selection, nothing selected, an unknown id, an ambiguous prefix: exit 2.
    let (r, got) = run(&["--since", "2999-01-01"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("the selection is empty"), "{}", r.stderr);
    assert!(got.is_empty());
    let (r, _) = run(&[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("nothing selected") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    let (r, got) = run(&[&ids[0], "nosuchid"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("`nosuchid`"), "{}", r.stderr);
    assert!(got.is_empty(), "nothing is sent when an id is unknown");
    let (r, _) = run(&["2"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
    let (r, _) = run(&["--filter", "colour=red"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("unknown key `colour`"), "{}", r.stderr);
}

#[test]
fn the_default_log_is_the_listeners() {
    let dir = tempdir();
    let data = dir.path();
    let l = spawn_listen(data, &["--quiet", "--once"]);
    common::raw_send(&l.url, "POST", "/default", &[], b"hello");
    assert_eq!(l.finish().0, Some(0));
    let recv = Receiver::start(vec![]);
    let r = replay_spawned(data, &["--last", "1", "--to", &recv.url]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(recv.got()[0].body, b"hello");
}

#[test]
fn corrupt_and_torn_lines_are_skipped_and_the_rest_replayed() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    capture(data, &log, &[], &one_and_two());
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(
        &log,
        format!("{}\nthis is not json\n{}\n{{\"v\":1,\"id\":\"torn", lines[0], lines[1]),
    )
    .unwrap();
    let (r, got) = replay_into(&log, &["--all"], vec![]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("skipped line 2"), "{}", r.stderr);
    assert!(
        r.stderr.contains("skipped line 4") && r.stderr.contains("torn"),
        "{}",
        r.stderr
    );
    assert_eq!(paths(&got), ["/one", "/two"]);
}

#[test]
fn a_log_from_a_newer_version_is_refused() {
    let dir = tempdir();
    let log = log_in(&dir);
    std::fs::write(&log, "{\"v\":99,\"id\":\"x\",\"shape\":\"new\"}\n").unwrap();
    let r = replay(&[log.to_str().unwrap(), "--all", "--to", "http://127.0.0.1:9"]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("newer hookcat") && r.stderr.contains("v99"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: upgrade"), "{}", r.stderr);

    // Further down a streamed log: what came before is sent, then the same clear error.
    let data = dir.path();
    capture(data, &log, &[], &one_and_two());
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&log, format!("{}\n{{\"v\":99,\"id\":\"x\"}}\n{}\n", lines[1], lines[2])).unwrap();
    let (r, got) = replay_into(&log, &["--all"], vec![]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("line 2: this capture was written by a newer hookcat"),
        "{}",
        r.stderr
    );
    assert_eq!(paths(&got), ["/one"]);
}

#[test]
fn set_and_edit_change_the_body_and_resign_fixes_the_signature() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let body = br#"{"data":{"amount":100,"currency":"eur"}}"#.to_vec();
    let mut h = sign(data, "github", now(), &body);
    h.push(("Content-Type".into(), "application/json".into()));
    capture(
        data,
        &log,
        &[],
        &[Req {
            method: "POST",
            path: "/gh",
            headers: h,
            body,
        }],
    );
    let l = log.to_str().unwrap();

    let (r, got) = replay_into(&log, &["--last", "1", "--set", "data.amount=200"], vec![]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("github signature no longer matches") && r.stderr.contains("--resign"),
        "{}",
        r.stderr
    );
    assert_eq!(got[0].body, br#"{"data":{"amount":200,"currency":"eur"}}"#);
    assert_eq!(verify(data, &got[0]).code, Some(1));

    let (r, got) = replay_into(
        &log,
        &[
            "--last",
            "1",
            "--set",
            "data.amount=200",
            "--resign",
            "--secret",
            SECRET,
        ],
        vec![],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("no longer matches"), "{}", r.stderr);
    assert_eq!(verify(data, &got[0]).code, Some(0));

    // --edit runs $EDITOR on the body; here a script that rewrites the file.
    let editor = data.join("editor.sh");
    // It also notes the mode of the file it was given: private, the body is a capture's.
    let mode = data.join("mode.txt");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstat -c %a \"$1\" > '{}'\nprintf '%s' '{{\"edited\":true}}' > \"$1\"\n",
            mode.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let recv = Receiver::start(vec![]);
    let o = hookcat_in(data)
        .env("EDITOR", &editor)
        .args([
            "replay", l, "--last", "1", "--to", &recv.url, "--edit", "--resign", "--secret", SECRET,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(recv.got()[0].body, br#"{"edited":true}"#);
    assert_eq!(verify(data, &recv.got()[0]).code, Some(0));
    assert_eq!(std::fs::read_to_string(&mode).unwrap().trim(), "600");

    // Without an editor, --edit says what to do.
    let r = replay_spawned(data, &[l, "--last", "1", "--to", &recv.url, "--edit"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("EDITOR"), "{}", r.stderr);
}

#[test]
fn non_2xx_answers_exit_1_and_json_has_one_object_per_request_then_a_summary() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    capture(
        data,
        &log,
        &[],
        &[req("POST", "/x", &[], b"1"), req("POST", "/y", &[], b"2")],
    );
    let l = log.to_str().unwrap();

    let (r, _) = replay_into(&log, &["--all", "--json"], vec![200, 500]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0]["type"], "replay");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[1]["status"], 500);
    assert_eq!(lines[1]["delivered"], false);
    assert!(lines[1]["capture"].is_string() && lines[1]["attempts"].is_array());
    assert_eq!(lines[2]["type"], "summary");
    assert_eq!(
        (lines[2]["sent"].as_u64(), lines[2]["failed"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(!r.stdout.contains('\u{1b}'), "JSON is never coloured");

    // Retries go through the engine: 500 then 200 is delivered.
    let (r, _) = replay_into(&log, &["--last", "1", "--retries", "2"], vec![500, 200]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("2 attempts"), "{}", r.stdout);

    // Nobody listening: exit 1, and the line says why.
    let r = replay(&[l, "--last", "1", "--to", "http://127.0.0.1:9"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("✗"), "{}", r.stdout);
}

#[test]
fn compare_puts_the_new_answer_beside_the_recorded_one() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    // The listener answers what the test receiver will answer, so only the status differs.
    capture(data, &log, &["--body", "{\"n\":0}"], &[req("POST", "/x", &[], b"1")]);
    assert_eq!(
        records(&log)[0]["response"]["body"],
        "{\"n\":0}",
        "the answer body is recorded"
    );

    let (r, _) = replay_into(&log, &["--all", "--compare"], vec![500]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("recorded 200, now 500"), "{}", r.stdout);
    assert!(r.stderr.contains("1 answer differ"), "{}", r.stderr);

    let (r, _) = replay_into(&log, &["--all", "--compare", "--json"], vec![200]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let first: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["compare"]["recorded_status"], 200);
    assert_eq!(first["compare"]["same"], true);

    // Same status, another body: a difference too.
    let log2 = dir.path().join("other.jsonl");
    capture(data, &log2, &["--body", "{\"n\":1}"], &[req("POST", "/x", &[], b"1")]);
    let (r, _) = replay_into(&log2, &["--all", "--compare", "--json"], vec![200]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let first: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["compare"]["same"], false, "{first}");
}

#[test]
fn concurrency_and_rate_deliver_every_capture() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let reqs: Vec<Req> = (0..6).map(|_| req("POST", "/load", &[], b"x")).collect();
    capture(data, &log, &[], &reqs);
    let (r, got) = replay_into(&log, &["--all", "-c", "3", "--rate", "1000/s"], vec![]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(got.len(), 6);
    assert_eq!(r.stdout.lines().count(), 6, "one result line per request: {}", r.stdout);
}

/// Captures unlike each other (header lists longer and shorter, bodies of every kind and
/// length, escapes, binary), replayed several at a time: each arrives as it was
/// captured, whatever was read before it into the same buffers.
#[test]
fn captures_unlike_each_other_each_arrive_as_captured() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let methods = ["POST", "PUT", "PATCH", "DELETE"];
    let paths = ["/a", "/b?x=1", "/a/long/path/with/segments?q=%20&r=2"];
    let reqs: Vec<Req> = (0..40usize)
        .map(|n| {
            let mut headers = vec![("X-N".to_string(), n.to_string())];
            for k in 0..(n * 7) % 6 {
                headers.push((format!("X-Extra-{k}"), "v\"\\".repeat(n % 5 + k)));
            }
            let body = match n % 7 {
                0 => vec![0xff, 0x00, n as u8, b'\n'],
                1 => Vec::new(),
                2 => format!("{{\"n\":{n},\"s\":\"{}\"}}", "\\\"q\\\"é".repeat(n * 10)).into_bytes(),
                _ => "x".repeat(n * 37).into_bytes(),
            };
            Req {
                method: methods[n % 4],
                path: paths[n % 3],
                headers,
                body,
            }
        })
        .collect();
    capture(data, &log, &[], &reqs);
    // One at a time (each capture read where the one before it was) and four at a time.
    for c in ["1", "4"] {
        let (r, got) = replay_into(&log, &["--all", "-c", c], vec![]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert_eq!(got.len(), reqs.len());
        arrived_as_captured(&got, &reqs);
    }
}

fn arrived_as_captured(got: &[Recorded], reqs: &[Req]) {
    for g in got {
        let n: usize = g.header("x-n").unwrap().parse().unwrap();
        let sent = &reqs[n];
        assert_eq!(
            (g.method.as_str(), g.path.as_str()),
            (sent.method, sent.path),
            "capture {n}"
        );
        assert_eq!(g.body, sent.body, "capture {n}");
        let mut theirs: Vec<(String, String)> =
            g.headers.iter().filter(|(k, _)| k.starts_with("x-")).cloned().collect();
        let mut ours: Vec<(String, String)> = sent
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        theirs.sort();
        ours.sort();
        assert_eq!(theirs, ours, "capture {n}");
    }
}

/// Ctrl-C stops a long replay at once, with exit 130, and every result line on stdout is
/// one the summary counts: nothing is written after it.
#[test]
fn ctrl_c_stops_and_the_summary_counts_every_line_written() {
    stops_and_the_summary_counts_every_line_written("-INT");
}

/// SIGTERM (a service manager, `timeout`, CI) stops it as Ctrl-C does.
#[test]
fn sigterm_stops_as_ctrl_c_does() {
    stops_and_the_summary_counts_every_line_written("-TERM");
}

fn stops_and_the_summary_counts_every_line_written(signal: &str) {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    capture(data, &log, &[], &[req("POST", "/a", &[("X-N", "1")], b"{\"n\":1}")]);
    let line = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, line.repeat(20_000)).unwrap();
    let recv = Receiver::start(vec![]);
    let mut child = hookcat_std(data)
        .args(["replay", log.to_str().unwrap(), "--all", "--to", &recv.url, "-c", "4"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let arrived = wait_for(
        || recv.requests.lock().unwrap().len() >= 20,
        std::time::Duration::from_secs(20),
    );
    let _ = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(arrived, "no request arrived: {err}");
    assert_eq!(status.code(), Some(130), "{err}");
    let summary = err
        .lines()
        .find(|l| l.contains("replayed "))
        .unwrap_or_else(|| panic!("no summary: {err}"));
    assert!(summary.starts_with("stopped:"), "{summary}");
    let counted: usize = summary
        .split("replayed ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    assert!((20..20_000).contains(&counted), "{summary}");
    assert_eq!(out.lines().count(), counted, "{summary}");
}

#[test]
fn compare_against_a_hookcat_listener_ignores_its_fresh_id_and_ignore_field_drops_more() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    // The listener's own answer, {"ok":true,"id":ID}, with the capture's id.
    capture(data, &log, &[], &[req("POST", "/x", &[], b"1")]);
    let l = log.to_str().unwrap();
    let other = spawn_listen(data, &["--quiet", "--no-save"]);
    let r = replay(&[l, "--all", "--to", &other.url, "--compare"]);
    other.stop();
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("the same"), "{}", r.stdout);

    // Other fields the user names: a dotted path or a JSON pointer (repeatable).
    let log2 = dir.path().join("t.jsonl");
    capture(
        data,
        &log2,
        &["--body", r#"{"n":0,"at":{"t":1},"k":"a"}"#],
        &[req("POST", "/x", &[], b"1")],
    );
    let l2 = log2.to_str().unwrap();
    let other = spawn_listen(
        data,
        &["--quiet", "--no-save", "--body", r#"{"n":0,"at":{"t":2},"k":"b"}"#],
    );
    let r = replay(&[l2, "--all", "--to", &other.url, "--compare"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let r = replay(&[l2, "--all", "--to", &other.url, "--compare", "--ignore-field", "at.t"]);
    assert_eq!(r.code, Some(1), "k still differs: {}", r.stdout);
    assert!(
        r.stdout.contains("~ k:") && !r.stdout.contains("~ at.t") && r.stdout.contains("ignored: at.t"),
        "{}",
        r.stdout
    );
    let r = replay(&[
        l2,
        "--all",
        "--to",
        &other.url,
        "--compare",
        "--ignore-field",
        "at.t",
        "--ignore-field",
        "/k",
    ]);
    other.stop();
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    // Without --compare it means nothing, and is refused.
    let r = replay(&[l2, "--all", "--to", "http://127.0.0.1:9", "--ignore-field", "k"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn replay_takes_short_ids_and_last_and_a_missing_log_is_a_file_error() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let recs = capture(data, &log, &[], &one_and_two());
    let l = log.to_str().unwrap();
    let recv = Receiver::start(vec![]);
    let short = &id(&recs[0])[14..21];
    let r = replay(&[l, short, "last", "--to", &recv.url]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(paths(&recv.got()), ["/one", "/two"]);

    let r = replay(&["nope.jsonl", "last", "--to", &recv.url]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("nope.jsonl")
            && r.stderr.contains("does not exist")
            && !r.stderr.contains("no capture with id"),
        "{}",
        r.stderr
    );
}

/// A Jira delivery captured by `listen --scheme jira` is verified on arrival, and
/// `replay --set … --resign` signs the edited body as Jira does (`--scheme auto` tells
/// Jira's `X-Hub-Signature: sha256=` from GitHub's legacy `sha1=`).
#[test]
fn jira_is_captured_verified_and_replayed_re_signed() {
    let dir = tempdir();
    let data = dir.path();
    let log = log_in(&dir);
    let body = br#"{"timestamp":1700000000000,"webhookEvent":"jira:issue_updated","issue":{"key":"WIKI-42","fields":{"summary":"s"}}}"#.to_vec();
    let mut h = sign(data, "jira", now(), &body);
    h.push(("Content-Type".into(), "application/json; charset=utf-8".into()));
    h.push(("X-Atlassian-Webhook-Identifier".into(), "1700000000123".into()));
    let recs = capture(
        data,
        &log,
        &["--scheme", "jira", "--secret", SECRET],
        &[Req {
            method: "POST",
            path: "/jira",
            headers: h,
            body,
        }],
    );
    assert_eq!(recs[0]["provider"], "jira", "{}", recs[0]);
    assert_eq!(recs[0]["event"], "issue_updated", "{}", recs[0]);
    assert_eq!(recs[0]["verification"]["valid"], true, "{}", recs[0]);

    let (r, got) = replay_into(
        &log,
        &[
            "--last",
            "1",
            "--set",
            "issue.key=WIKI-43",
            "--resign",
            "--secret",
            SECRET,
        ],
        vec![],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(String::from_utf8_lossy(&got[0].body).contains("WIKI-43"));
    let v = verify(data, &got[0]);
    assert_eq!(v.code, Some(0), "{}", v.stderr);
    assert!(v.stderr.contains("jira"), "{}", v.stderr);
}
