//! `hookcat captures` over logs made by `hookcat listen` in the test: list, show,
//! export (curl run through `sh`, HAR, raw, JSON) and diff. In-process on the log
//! named; reading the default log through the binary.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine;
use common::{capture, hookcat_in, log_lines, tempdir, Ran, Receiver, Request};
use serde_json::Value;

fn ids(log: &Path) -> Vec<String> {
    log_lines(log)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// `hookcat captures ARGS` in-process, on the default log of `data` unless ARGS name
/// a log (`list LOG`).
fn captures(data: &Path, args: &[&str]) -> Ran {
    let log = default_log(data);
    let log = log.to_str().unwrap();
    let mut full = vec!["captures"];
    full.extend_from_slice(args);
    match args {
        ["list"] | ["list", "--json"] => full.push(log),
        ["list", ..] => {}
        _ => full.extend(["--file", log]),
    }
    common::run(&full, b"")
}

/// `hookcat captures ARGS` through the binary, which finds the default log itself.
fn captures_by_default(data: &Path, args: &[&str]) -> Ran {
    let o = hookcat_in(data).arg("captures").args(args).output().unwrap();
    Ran {
        code: o.status.code().unwrap().try_into().unwrap(),
        stdout: o.stdout,
        stderr: o.stderr,
    }
}

fn default_log(data: &Path) -> PathBuf {
    data.join("captures.jsonl")
}

#[test]
fn list_and_show_read_the_default_log() {
    let dir = tempdir();
    let data = dir.path();
    let gh = vec![("X-GitHub-Event", "issues"), ("Content-Type", "application/json")];
    capture(
        data,
        &["--status-sequence", "200,503"],
        &[
            (
                "POST",
                "/hooks/gh?x=1",
                gh,
                br#"{"action":"opened","issue":{"number":7}}"#.to_vec(),
            ),
            (
                "PUT",
                "/plain",
                vec![("Authorization", "Bearer s3cret")],
                b"hello\n".to_vec(),
            ),
        ],
    );
    let ids = ids(&default_log(data));

    let r = captures_by_default(data, &["list"]);
    assert_eq!(r.code, 0, "{}", r.err());
    let text = r.out();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0].starts_with(&ids[0])
            && rows[0].contains("POST /hooks/gh?x=1")
            && rows[0].contains("github issues.opened"),
        "{text}"
    );
    assert!(rows[0].contains("→ 200"), "{text}");
    assert!(
        rows[1].starts_with(&ids[1]) && rows[1].contains("PUT /plain") && rows[1].contains("→ 503"),
        "{text}"
    );
    assert!(r.err().contains("2 captures in"), "{}", r.err());

    let r = captures(data, &["list", "--json"]);
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], ids[0].as_str());
    assert_eq!(arr[0]["provider"], "github");
    assert_eq!(arr[1]["status"], 503);
    assert_eq!(arr[1]["size"], 6);

    // show: the listener's rendering, headers included, secrets hidden; a prefix is enough.
    let r = captures(data, &["show", &ids[0][..ids[0].len() - 1]]);
    assert_eq!(r.code, 0, "{}", r.err());
    let text = r.out();
    assert!(text.contains("POST /hooks/gh?x=1"), "{text}");
    assert!(text.contains("x-github-event: issues"), "{text}");
    assert!(text.contains("\"number\": 7"), "{text}");
    let r = captures(data, &["show", &ids[1]]);
    assert!(
        r.out().contains("(hidden)") && !r.out().contains("s3cret"),
        "{}",
        r.out()
    );
    let r = captures(data, &["show", &ids[1], "--json"]);
    let rec: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(rec["body"], "hello\n");

    // Unknown and ambiguous ids: exit 2, named.
    let r = captures(data, &["show", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.err().contains("`nope`") && r.err().contains("hint:"), "{}", r.err());
    let r = captures(data, &["show", "2"]);
    assert_eq!(r.code, 2);
    assert!(
        r.err().contains("ambiguous") && r.err().contains(&ids[0]),
        "{}",
        r.err()
    );
}

#[test]
fn list_skips_a_corrupt_line_and_refuses_a_newer_version() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("log.jsonl");
    capture(
        data,
        &["--save", log.to_str().unwrap()],
        &[
            ("POST", "/a", vec![], b"a".to_vec()),
            ("POST", "/b", vec![], b"b".to_vec()),
        ],
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&log, format!("{}\n{{\"broken\n{}\n", lines[0], lines[1])).unwrap();
    let r = captures(data, &["list", log.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert_eq!(r.out().lines().count(), 2);
    assert!(r.err().contains("skipped line 2"), "{}", r.err());

    std::fs::write(&log, format!("{}\n{{\"v\":7,\"id\":\"later\"}}\n", lines[0])).unwrap();
    let r = captures(data, &["list", log.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.err().contains("newer hookcat"), "{}", r.err());

    let r = captures(data, &["list", data.join("missing.jsonl").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.err().contains("no capture log at") && r.err().contains("hookcat listen"),
        "{}",
        r.err()
    );
}

fn have(cmd: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn curl_export_run_through_sh_reproduces_each_body_byte_exact() {
    if !have("curl") || !have("base64") {
        eprintln!("skipped: curl or base64 is not installed");
        return;
    }
    let dir = tempdir();
    let data = dir.path();
    let bodies: Vec<Vec<u8>> = vec![
        b"it's \"quoted\" $HOME `date` \\ \\n %s %%\ttab\n".to_vec(),
        br#"{"a":"b"}"#.to_vec(),
        vec![0xff, 0x00, 0xfe, b'\'', b'\n', 0x80],
        b"nul\0inside\n\n".to_vec(),
        b"-starts with a dash".to_vec(),
    ];
    let reqs: Vec<Request> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = if i == 1 {
                vec![("Content-Type", "application/json"), ("X-Empty", ""), ("X-Q", "a'b")]
            } else {
                vec![]
            };
            ("POST", if i == 1 { "/j?x=1&y=[2]" } else { "/p" }, h, b.clone())
        })
        .collect();
    capture(data, &[], &reqs);
    let ids = ids(&default_log(data));
    assert_eq!(ids.len(), bodies.len());

    let recv = Receiver::start(vec![]);
    let mut args = vec!["export", "--format", "curl", "--to", recv.url.as_str()];
    args.extend(ids.iter().map(String::as_str));
    let r = captures(data, &args);
    assert_eq!(r.code, 0, "{}", r.err());
    let script = r.out();
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(o.status.success(), "{script}\n{}", String::from_utf8_lossy(&o.stderr));

    let got = recv.got();
    assert_eq!(got.len(), bodies.len(), "{script}");
    for (g, b) in got.iter().zip(&bodies) {
        assert_eq!(&g.body, b, "{script}");
        assert_eq!(g.method, "POST");
    }
    assert_eq!(got[1].path, "/j?x=1&y=[2]");
    assert_eq!(got[1].header("content-type"), Some("application/json"));
    assert_eq!(got[1].header("x-empty"), Some(""));
    assert_eq!(got[1].header("x-q"), Some("a'b"));
    // curl adds nothing the capture did not have.
    assert_eq!(got[0].header("content-type"), None, "{:?}", got[0].headers);
    assert_eq!(got[0].header("accept"), None);
    assert_eq!(got[0].header("expect"), None);
}

#[test]
fn har_export_is_har_1_2_with_every_entry() {
    let dir = tempdir();
    let data = dir.path();
    let bin = vec![0xde, 0xad, 0xbe, 0xef, 0xff];
    capture(
        data,
        &[],
        &[
            (
                "POST",
                "/hook?a=1&b=two",
                vec![("Content-Type", "application/json")],
                br#"{"k":"v"}"#.to_vec(),
            ),
            (
                "PUT",
                "/bin",
                vec![("Content-Type", "application/octet-stream")],
                bin.clone(),
            ),
        ],
    );
    let ids = ids(&default_log(data));
    let r = captures(data, &["export", &ids[0], &ids[1], "--format", "har"]);
    assert_eq!(r.code, 0, "{}", r.err());
    let har: Value = serde_json::from_slice(&r.stdout).unwrap();
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "hookcat");
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let e0 = &entries[0];
    assert!(e0["startedDateTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(e0["request"]["method"], "POST");
    assert!(e0["request"]["url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert!(e0["request"]["url"].as_str().unwrap().ends_with("/hook?a=1&b=two"));
    assert_eq!(e0["request"]["httpVersion"], "HTTP/1.1");
    assert_eq!(e0["request"]["queryString"][1]["value"], "two");
    assert_eq!(e0["request"]["postData"]["mimeType"], "application/json");
    assert_eq!(e0["request"]["postData"]["text"], r#"{"k":"v"}"#);
    assert!(e0["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["name"] == "content-type"));
    assert_eq!(e0["response"]["status"], 200);
    for k in ["cache", "timings"] {
        assert!(e0[k].is_object(), "{k}");
    }
    let post = &entries[1]["request"]["postData"];
    assert_eq!(post["encoding"], "base64");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(post["text"].as_str().unwrap())
            .unwrap(),
        bin
    );
    assert_eq!(entries[1]["request"]["bodySize"], 5);
}

#[test]
fn raw_and_json_exports() {
    let dir = tempdir();
    let data = dir.path();
    capture(
        data,
        &[],
        &[("PATCH", "/r?q=1", vec![("X-A", "1")], b"body\r\nbytes".to_vec())],
    );
    let ids = ids(&default_log(data));
    let r = captures(data, &["export", &ids[0], "--format", "raw"]);
    assert_eq!(r.code, 0, "{}", r.err());
    assert!(r.stdout.starts_with(b"PATCH /r?q=1 HTTP/1.1\r\n"), "{}", r.out());
    assert!(
        r.stdout.ends_with(b"\r\ncontent-length: 11\r\n\r\nbody\r\nbytes"),
        "{}",
        r.out()
    );
    assert!(r.out().contains("\r\nx-a: 1\r\n"));

    // JSON export is capture-log lines: it can be replayed as a log of its own.
    let r = captures(data, &["export", &ids[0], "--format", "json"]);
    let sub = data.join("subset.jsonl");
    std::fs::write(&sub, &r.stdout).unwrap();
    let recv = Receiver::start(vec![]);
    let o = hookcat_in(data)
        .args(["replay", sub.to_str().unwrap(), "--all", "--to", &recv.url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(recv.got()[0].body, b"body\r\nbytes");

    let r = captures(data, &["export", &ids[0], "nope", "--format", "raw"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty() && r.err().contains("`nope`"), "{}", r.err());
}

#[test]
fn diff_is_json_aware_unless_exact() {
    let dir = tempdir();
    let data = dir.path();
    let json = ("Content-Type", "application/json");
    capture(
        data,
        &[],
        &[
            (
                "POST",
                "/s",
                vec![json, ("Stripe-Signature", "t=1,v1=aa")],
                br#"{"id":"evt_1","data":{"object":{"amount":100,"currency":"eur"}}}"#.to_vec(),
            ),
            (
                "POST",
                "/s",
                vec![json, ("Stripe-Signature", "t=2,v1=bb")],
                br#"{"data":{"object":{"amount":200,"currency":"eur","paid":true}},"id":"evt_1"}"#.to_vec(),
            ),
            (
                "POST",
                "/s",
                vec![json, ("Stripe-Signature", "t=1,v1=aa")],
                b"{ \"data\": {\"object\": {\"currency\": \"eur\", \"amount\": 100}},\n  \"id\": \"evt_1\" }".to_vec(),
            ),
        ],
    );
    let ids = ids(&default_log(data));

    let r = captures(data, &["diff", &ids[0], &ids[1]]);
    assert_eq!(r.code, 1, "{}", r.err());
    let text = r.out();
    assert!(text.contains("data.object.amount: 100 → 200"), "{text}");
    assert!(text.contains("+ data.object.paid: true"), "{text}");
    assert!(
        text.contains("stripe-signature: t=1,v1=aa → t=2,v1=bb") && text.contains("varies per delivery"),
        "{text}"
    );
    assert!(!text.contains("currency"), "unchanged fields are not listed: {text}");

    let r = captures(data, &["diff", &ids[0], &ids[1], "--json"]);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["identical"], false);
    assert_eq!(d["body"]["mode"], "json");
    assert_eq!(d["body"]["changes"][0]["path"], "data.object.amount");
    assert_eq!(d["body"]["changes"][0]["a"], 100);
    assert_eq!(d["headers"][0]["name"], "content-length");

    // Key order and whitespace do not count, unless --exact.
    let r = captures(data, &["diff", &ids[0], &ids[2], "--json"]);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["body"]["same"], true, "{d}");
    let r = captures(data, &["diff", &ids[0], &ids[2], "--json", "--exact"]);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["body"]["same"], false);
    assert_eq!(d["body"]["mode"], "text");

    let r = captures(data, &["diff", &ids[0], &ids[0]]);
    assert_eq!(r.code, 0);
    assert!(r.out().contains("no differences"));
}
