//! `hookcat captures` over logs made by `hookcat listen` in the test: list, show,
//! export (curl run through `sh`, HAR, raw, JSON) and diff. In-process on the log
//! named; reading the default log through the binary.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine;
use common::{capture, have, hookcat_in, log_lines, tempdir, Ran, Receiver, Request};
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
        rows[0].starts_with(short(&ids[0]))
            && rows[0].contains("POST /hooks/gh?x=1")
            && rows[0].contains("github issues.opened"),
        "{text}"
    );
    assert!(rows[0].contains("→ 200"), "{text}");
    assert!(
        rows[1].starts_with(short(&ids[1])) && rows[1].contains("PUT /plain") && rows[1].contains("→ 503"),
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

/// The random part of a capture id as `captures list` shows it: the 7 characters
/// after the id's 14-digit timestamp.
fn short(id: &str) -> &str {
    &id[14..21]
}

/// `hookcat captures ARGS` in-process, exactly as given.
fn cap(args: &[&str]) -> Ran {
    let mut full = vec!["captures"];
    full.extend_from_slice(args);
    common::run(&full, b"")
}

fn three(data: &Path, log: &Path) -> Vec<String> {
    capture(
        data,
        &["--save", log.to_str().unwrap()],
        &[
            ("POST", "/a", vec![], b"a".to_vec()),
            ("PUT", "/b", vec![], b"b".to_vec()),
            ("POST", "/c", vec![], b"c".to_vec()),
        ],
    );
    ids(log)
}

#[test]
fn short_ids_and_last_name_captures_and_lists_show_the_short_form() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("cap5.jsonl");
    let ids = three(data, &log);
    let l = log.to_str().unwrap();

    // list shows the short form, and the JSON has both.
    let r = cap(&["list", l]);
    r.code(0);
    let text = r.out();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "{text}");
    for (row, id) in rows.iter().zip(&ids) {
        assert!(row.starts_with(&format!("{}  ", short(id))), "{text}");
        assert!(!row.contains(id.as_str()), "the full id is not in the row: {text}");
    }
    let v = cap(&["list", l, "--json"]).json();
    assert_eq!(v[1]["id"], ids[1].as_str());
    assert_eq!(v[1]["short_id"], short(&ids[1]));

    // The short form, a shorter part of the random part, and last / last~N, with the
    // log as the first item as `list` takes it.
    let path_of = |args: &[&str]| -> String {
        let mut full = vec!["show", l];
        full.extend_from_slice(args);
        full.push("--json");
        let r = cap(&full);
        r.code(0);
        r.json()["path"].as_str().unwrap().to_string()
    };
    assert_eq!(path_of(&[short(&ids[1])]), "/b");
    assert_eq!(path_of(&[&ids[1][14..18]]), "/b");
    assert_eq!(path_of(&[&ids[1][14..].to_uppercase()]), "/b");
    assert_eq!(path_of(&["last"]), "/c");
    assert_eq!(path_of(&["last~0"]), "/c");
    assert_eq!(path_of(&["last~2"]), "/a");
    let r = cap(&["show", l, "last~3"]);
    r.code(2);
    assert!(
        r.err().contains("last~3") && r.err().contains("3 captures"),
        "{}",
        r.err()
    );
    // --file works too, and the log may come after the id.
    let r = cap(&["show", "--file", l, short(&ids[0]), "--json"]);
    assert_eq!(r.code(0).json()["path"], "/a");
    let r = cap(&["show", short(&ids[0]), l, "--json"]);
    assert_eq!(r.code(0).json()["path"], "/a");

    // diff and export take the same forms.
    let r = cap(&["diff", l, "last~2", "last"]);
    assert_eq!(r.code, 1, "{}", r.err());
    assert!(r.out().contains(&format!("--- {}", ids[0])), "{}", r.out());
    let r = cap(&["export", l, "last", short(&ids[0]), "--format", "json"]);
    r.code(0);
    let got: Vec<Value> = r.out().lines().map(|x| serde_json::from_str(x).unwrap()).collect();
    assert_eq!(got[0]["id"], ids[2].as_str());
    assert_eq!(got[1]["id"], ids[0].as_str());
}

#[test]
fn list_and_export_take_last_all_and_filter() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("cap.jsonl");
    let ids = three(data, &log);
    let l = log.to_str().unwrap();
    let listed = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", l, "--json"];
        full.extend_from_slice(args);
        let v = cap(&full).code(0).json();
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&[]), ["/a", "/b", "/c"]);
    assert_eq!(listed(&["--all"]), ["/a", "/b", "/c"]);
    assert_eq!(listed(&["--last", "2"]), ["/b", "/c"]);
    assert_eq!(listed(&["--filter", "method=POST"]), ["/a", "/c"]);
    assert_eq!(listed(&["--filter", "method=POST", "--last", "1"]), ["/c"]);

    let exported = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["export", "--file", l, "--format", "json"];
        full.extend_from_slice(args);
        let r = cap(&full);
        r.code(0);
        r.out()
            .lines()
            .map(|x| {
                serde_json::from_str::<Value>(x).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(exported(&["--all"]), ids);
    assert_eq!(exported(&["--last", "1"]), [ids[2].clone()]);
    assert_eq!(exported(&["--filter", "path=/b"]), [ids[1].clone()]);
    // Nothing selected is refused, with what to give.
    let r = cap(&["export", "--file", l, "--format", "json"]);
    assert!(r.code(2).err().contains("--last N"), "{}", r.err());
}

#[test]
fn a_missing_file_named_like_a_log_is_a_file_error_everywhere() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("cap.jsonl");
    let ids = three(data, &log);
    let missing = data.join("nope.jsonl");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["show", m, &ids[0]],
        vec!["show", "nope.jsonl", &ids[0]],
        vec!["list", m],
        vec!["export", m, "--all", "--format", "json"],
        vec!["diff", m, "last", "last~1"],
    ] {
        let r = cap(&args);
        r.code(2);
        assert!(
            r.err().contains("nope.jsonl")
                && r.err().contains("does not exist")
                && !r.err().contains("no capture with id"),
            "{args:?}: {}",
            r.err()
        );
    }
    // The default log not there yet says it as a named one does, hint included.
    let empty = tempdir();
    let named = cap(&["list", m]).err();
    let default = captures_by_default(empty.path(), &["list"]);
    let default = default.code(2).err();
    let hint = |e: &str| {
        e.lines()
            .find(|l| l.starts_with("hint:"))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(hint(&default), hint(&named), "{default}\n{named}");
    assert!(default.contains("does not exist"), "{default}");
    // Two logs are one too many.
    let copy = data.join("copy.jsonl");
    std::fs::copy(&log, &copy).unwrap();
    let r = cap(&["show", log.to_str().unwrap(), copy.to_str().unwrap(), "last"]);
    assert!(r.code(2).err().contains("two capture logs"), "{}", r.err());
}

#[test]
fn curl_export_targets_the_captured_host_and_says_so() {
    let dir = tempdir();
    let data = dir.path();
    capture(data, &[], &[("POST", "/p?x=1", vec![], b"x".to_vec())]);
    let rec = &log_lines(&default_log(data))[0];
    let host = rec["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("host"))
        .map(|h| h[1].as_str().unwrap().to_string())
        .unwrap();
    let r = captures(data, &["export", "last", "--format", "curl"]);
    r.code(0);
    let url = format!("http://{host}/p?x=1");
    assert!(r.out().contains(&format!("'{url}'")), "{}", r.out());
    assert!(
        r.out().contains("# to http://") && r.out().contains("--to URL"),
        "{}",
        r.out()
    );
    // --to still wins.
    let r = captures(
        data,
        &["export", "last", "--format", "curl", "--to", "http://127.0.0.1:1"],
    );
    assert!(r.code(0).out().contains("'http://127.0.0.1:1/p?x=1'"), "{}", r.out());
}

#[test]
fn prune_keeps_the_newest_or_the_recent_lines_byte_exact() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("cap.jsonl");
    three(data, &log);
    let l = log.to_str().unwrap();
    let before = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = before.lines().collect();
    // One record from long ago.
    let mut old: Value = serde_json::from_str(lines[0]).unwrap();
    old["received_at"] = "2020-01-01T00:00:00.000Z".into();
    let text = format!("{}\n{}\n{}\n", old, lines[1], lines[2]);
    std::fs::write(&log, &text).unwrap();

    // Nothing to prune by is refused.
    let r = cap(&["prune", l]);
    assert!(r.code(2).err().contains("--older-than"), "{}", r.err());

    let r = cap(&["prune", l, "--older-than", "7d"]);
    r.code(0);
    assert!(
        r.err().contains("removed 1") && r.err().contains("kept 2"),
        "{}",
        r.err()
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("{}\n{}\n", lines[1], lines[2])
    );

    let r = cap(&["prune", "--file", l, "--keep", "1"]);
    r.code(0);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), format!("{}\n", lines[2]));
    // Still private.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    // Nothing to remove: the file is left as it is.
    let r = cap(&["prune", l, "--keep", "5"]);
    assert!(r.code(0).err().contains("removed 0"), "{}", r.err());
}

#[test]
fn prune_refuses_a_log_a_listener_is_writing_and_listen_says_when_a_log_is_large() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("cap.jsonl");
    three(data, &log);
    let l = log.to_str().unwrap();
    let before = std::fs::read(&log).unwrap();
    let listener = common::spawn_listen(data, &["--quiet", "--save", l]);
    let r = cap(&["prune", l, "--keep", "1"]);
    r.code(2);
    assert!(r.err().contains("listener"), "{}", r.err());
    assert_eq!(std::fs::read(&log).unwrap(), before, "the log is untouched");
    let (code, _, err) = listener.stop();
    assert_eq!(code, Some(0), "{err}");
    cap(&["prune", l, "--keep", "1"]).code(0);

    // A large log (sparse: no disk is used) is pointed out at start.
    let big = data.join("big.jsonl");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(101 << 20).unwrap();
    drop(f);
    let listener = common::spawn_listen(data, &["--quiet", "--save", big.to_str().unwrap()]);
    let (_, _, err) = listener.stop();
    assert!(err.contains("captures prune") && err.contains("101.0 MiB"), "{err}");
    let small = common::spawn_listen(data, &["--quiet", "--save", l]);
    let (_, _, err) = small.stop();
    assert!(!err.contains("captures prune"), "{err}");
}
