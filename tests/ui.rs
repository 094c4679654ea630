//! The inspector's HTTP API and its safety (`hookcat::ui`), in-process on
//! 127.0.0.1:0 over a capture log made by a real listener: who may call it (token,
//! Host, Origin), and what it answers (pages, a capture, exports, a diff, replays, the
//! live stream).

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;
use hookcat::core::secret::Secret;
use hookcat::ui::{self, Inspector, Live, Resign, Settings};

const SECRET: &str = "s3cret";

/// A log with two GitHub deliveries: one signed with the listener's secret (valid),
/// then one signed with another (invalid).
fn make_log(data: &Path) -> PathBuf {
    let log = data.join("captures.jsonl");
    let l = spawn_listen(
        data,
        &[
            "--quiet",
            "--expect",
            "2",
            "--secret",
            SECRET,
            "--save",
            log.to_str().unwrap(),
        ],
    );
    let to = format!("{}/hooks/gh?x=1", l.url);
    for secret in [SECRET, "wrong"] {
        let r = run(
            &["send", &to, "--event", "github.push", &format!("--secret={secret}")],
            b"",
        );
        assert_eq!(r.code, 0, "{}", String::from_utf8_lossy(&r.stderr));
    }
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    log
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    ui: Option<Inspector>,
    live: Live,
    _data: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let data = tempdir();
        let log = make_log(data.path());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let live = Live::default();
        let settings = Settings {
            log,
            resign: Resign {
                secret: Some(Secret::from_arg(SECRET).unwrap()),
                ..Default::default()
            },
            live: live.clone(),
        };
        let ui = rt.block_on(ui::start(0, settings)).unwrap();
        Fixture {
            rt,
            ui: Some(ui),
            live,
            _data: data,
        }
    }

    fn ui(&self) -> &Inspector {
        self.ui.as_ref().unwrap()
    }

    fn addr(&self) -> String {
        self.ui().addr.to_string()
    }

    /// One request over a plain socket, written as given (any Host, any Origin).
    fn raw(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
        let mut s = std::net::TcpStream::connect(self.ui().addr).unwrap();
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.addr()));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body.as_bytes()).unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    /// A GET with the token in its header.
    fn get(&self, target: &str) -> (u16, String) {
        let (s, _, b) = self.raw("GET", target, &[("X-Hookcat-Token", self.ui().token())], "");
        (s, dechunk(&b))
    }

    fn json(&self, target: &str) -> serde_json::Value {
        let (s, b) = self.get(target);
        assert_eq!(s, 200, "{target}: {b}");
        serde_json::from_str(&b).unwrap()
    }

    fn post(&self, target: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let body = body.to_string();
        let (s, _, b) = self.raw(
            "POST",
            target,
            &[
                ("X-Hookcat-Token", self.ui().token()),
                ("Content-Type", "application/json"),
                ("Origin", &format!("http://{}", self.addr())),
            ],
            &body,
        );
        (s, serde_json::from_str(&dechunk(&b)).unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(ui) = self.ui.take() {
            self.rt.block_on(ui.shutdown());
        }
    }
}

/// The body of a chunked answer (axum chunks what has no length).
fn dechunk(b: &str) -> String {
    let mut out = String::new();
    let mut rest = b;
    loop {
        let Some((size, after)) = rest.split_once("\r\n") else {
            return b.to_string();
        };
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            return b.to_string();
        };
        if n == 0 {
            return out;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
}

#[test]
fn refused_without_the_token_from_another_origin_or_host() {
    let f = Fixture::new();
    let token = f.ui().token().to_string();
    // No token, a wrong one.
    assert_eq!(f.raw("GET", "/api/captures", &[], "").0, 401);
    assert_eq!(f.raw("GET", "/api/captures", &[("X-Hookcat-Token", "nope")], "").0, 401);
    assert_eq!(f.raw("GET", "/api/captures?token=nope", &[], "").0, 401);
    // A POST with the token only in its URL (a link or form could carry that).
    let body = r#"{"to":"http://127.0.0.1:9/"}"#;
    let id = f.json("/api/captures")["captures"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let replay = format!("/api/captures/{id}/replay?token={token}");
    assert_eq!(
        f.raw("POST", &replay, &[("Content-Type", "application/json")], body).0,
        401
    );
    // A foreign Origin, a cross-site fetch, a rebinding Host: refused even with the token.
    let with = |extra: (&'static str, &'static str)| vec![("X-Hookcat-Token", token.as_str()), extra];
    let (s, head, _) = f.raw("GET", "/api/captures", &with(("Origin", "http://evil.example")), "");
    assert_eq!(s, 403);
    assert!(!head.contains("access-control-allow"), "{head}");
    assert_eq!(
        f.raw("GET", "/api/captures", &with(("Sec-Fetch-Site", "cross-site")), "")
            .0,
        403
    );
    let rebound = format!("evil.example:{}", f.ui().addr.port());
    let rebound: &'static str = Box::leak(rebound.into_boxed_str());
    assert_eq!(f.raw("GET", "/api/captures", &with(("Host", rebound)), "").0, 403);
    assert_eq!(f.raw("GET", "/", &[("Host", rebound)], "").0, 403);
    // A GET that would change something does not exist; the page's files take only GET.
    assert_eq!(
        f.raw("GET", &format!("/api/captures/{id}/replay"), &with(("X", "y")), "")
            .0,
        405
    );
    // With the token, from its own origin and host: answered, with a strict CSP and no CORS.
    let own = format!("http://localhost:{}", f.ui().addr.port());
    let (s, head, _) = f.raw(
        "GET",
        "/api/captures",
        &[("X-Hookcat-Token", &token), ("Origin", &own), ("Host", &own[7..])],
        "",
    );
    assert_eq!(s, 200);
    assert!(head.contains("content-security-policy: default-src 'self'"), "{head}");
    assert!(!head.contains("access-control-allow"), "{head}");
    assert_eq!(f.raw("GET", &format!("/api/captures?token={token}"), &[], "").0, 200);
    // Every answer, refusals too, carries the CSP.
    let (_, head, _) = f.raw("GET", "/api/captures", &[], "");
    assert!(head.contains("content-security-policy: default-src 'self'"), "{head}");
}

#[test]
fn lists_newest_first_with_filters_and_shows_a_capture_with_its_verdict() {
    let f = Fixture::new();
    let page = f.json("/api/captures");
    let caps = page["captures"].as_array().unwrap();
    assert_eq!(caps.len(), 2);
    assert_eq!(page["next"], serde_json::Value::Null);
    // Newest first: the invalid one was sent second.
    assert_eq!(caps[0]["valid"], false);
    assert_eq!(caps[1]["valid"], true);
    assert_eq!(caps[0]["provider"], "github");
    assert_eq!(caps[0]["event"], "push");
    assert_eq!(caps[0]["path"], "/hooks/gh?x=1");
    assert_eq!(caps[0]["status"], 200);
    // Filters and paging.
    let only = f.json("/api/captures?valid=true");
    assert_eq!(only["captures"].as_array().unwrap().len(), 1);
    assert_eq!(only["captures"][0]["id"], caps[1]["id"]);
    let one = f.json("/api/captures?limit=1");
    assert_eq!(one["captures"][0]["id"], caps[0]["id"]);
    let older = f.json(&format!("/api/captures?limit=1&before={}", one["next"]));
    assert_eq!(older["captures"][0]["id"], caps[1]["id"]);
    assert_eq!(
        f.json("/api/captures?text=NO-SUCH-TEXT")["captures"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        f.json("/api/captures?text=X-GITHUB-EVENT")["captures"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (s, b) = f.get("/api/captures?status=abc");
    assert_eq!(s, 400, "{b}");
    // The invalid one in full: its verdict and diagnosis.
    let id = caps[0]["id"].as_str().unwrap();
    let d = f.json(&format!("/api/captures/{id}?at={}", caps[0]["at"]));
    assert_eq!(d["verification"]["valid"], false);
    assert!(!d["verification"]["diagnosis"].as_array().unwrap().is_empty(), "{d}");
    assert!(d["body_text"].as_str().unwrap().contains("\"ref\""));
    assert!(d["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case("x-hub-signature-256")));
    assert_eq!(d["response"]["status"], 200);
    // Found without its line's place too; an unknown id is a 404.
    assert_eq!(f.json(&format!("/api/captures/{id}"))["summary"]["id"], id);
    assert_eq!(f.get("/api/captures/nope").0, 404);
}

#[test]
fn exports_and_diffs_through_the_core() {
    let f = Fixture::new();
    let caps = f.json("/api/captures")["captures"].clone();
    let (a, b) = (caps[0]["id"].as_str().unwrap(), caps[1]["id"].as_str().unwrap());
    let (s, curl) = f.get(&format!("/api/captures/{a}/export/curl?to=http://127.0.0.1:3000"));
    assert_eq!(s, 200);
    assert!(curl.contains("| curl "), "{curl}");
    assert!(curl.contains("http://127.0.0.1:3000/hooks/gh?x=1"), "{curl}");
    let (s, head, _) = f.raw(
        "GET",
        &format!("/api/captures/{a}/export/har"),
        &[("X-Hookcat-Token", f.ui().token())],
        "",
    );
    assert_eq!(s, 200);
    assert!(head.contains("content-disposition: attachment"), "{head}");
    let har: serde_json::Value = serde_json::from_str(&f.get(&format!("/api/captures/{a}/export/har")).1).unwrap();
    assert_eq!(har["log"]["entries"][0]["request"]["method"], "POST");
    let (s, raw) = f.get(&format!("/api/captures/{a}/export/raw"));
    assert_eq!(s, 200);
    assert!(raw.starts_with("POST /hooks/gh?x=1 HTTP/1.1\r\n"), "{raw}");
    assert_eq!(f.get(&format!("/api/captures/{a}/export/pdf")).0, 400);
    let d = f.json(&format!("/api/diff?a={a}&b={b}"));
    assert!(d.get("headers").is_some(), "{d}");
}

#[test]
fn replays_byte_exact_edited_and_resigned() {
    let f = Fixture::new();
    let caps = f.json("/api/captures")["captures"].clone();
    let valid = caps[1]["id"].as_str().unwrap();
    let target = Receiver::start(vec![202]);
    // Byte-exact: the captured body and signature, the path appended to the URL.
    let (s, r) = f.post(
        &format!("/api/captures/{valid}/replay"),
        &serde_json::json!({ "to": target.url }),
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], 202);
    assert_eq!(r["body"], "{\"n\":0}");
    let got = target.got();
    let detail = f.json(&format!("/api/captures/{valid}"));
    assert_eq!(got[0].path, "/hooks/gh?x=1");
    assert_eq!(got[0].body, detail["body_text"].as_str().unwrap().as_bytes());
    let captured_sig = detail["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case("x-hub-signature-256"))
        .unwrap()["value"]
        .clone();
    assert_eq!(got[0].header("x-hub-signature-256"), captured_sig.as_str());

    // Edited and re-signed: a second listener with the secret finds it valid.
    let data = tempdir();
    let log = data.path().join("second.jsonl");
    let second = spawn_listen(
        data.path(),
        &[
            "--quiet",
            "--expect",
            "1",
            "--secret",
            SECRET,
            "--save",
            log.to_str().unwrap(),
        ],
    );
    let (s, r) = f.post(
        &format!("/api/captures/{valid}/replay"),
        &serde_json::json!({ "to": second.url, "resign": true, "body": "{\"edited\":true}", "headers": [["X-Extra", "1"]] }),
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["resigned"], "github");
    assert_eq!(r["modified"], true);
    assert_eq!(r["status"], 200);
    let (code, _, err) = second.finish();
    assert_eq!(code, Some(0), "{err}");
    let lines = log_lines(&log);
    assert_eq!(lines[0]["verification"]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[0]["body"], "{\"edited\":true}");
    assert!(lines[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("x-extra")));

    // An edited body not re-signed is sent, with the warning that its signature broke.
    let (s, r) = f.post(
        &format!("/api/captures/{valid}/replay"),
        &serde_json::json!({ "to": target.url, "body": "{}" }),
    );
    assert_eq!(s, 200, "{r}");
    assert!(r["warnings"][0].as_str().unwrap().contains("no longer matches"), "{r}");
    // Nothing listening: said as the command line says it, and the secret in the URL
    // the error quotes shown as its marker.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (s, r) = f.post(
        &format!("/api/captures/{valid}/replay"),
        &serde_json::json!({ "to": format!("http://{closed}/x?k={SECRET}") }),
    );
    assert_eq!(s, 200, "{r}");
    let error = r["error"].as_str().unwrap();
    assert!(error.contains("is anything listening on that port?"), "{r}");
    assert!(!r.to_string().contains(SECRET), "{r}");
    // Refused: a URL that is not http(s), an unknown capture.
    assert_eq!(
        f.post(
            &format!("/api/captures/{valid}/replay"),
            &serde_json::json!({ "to": "file:///etc/passwd" })
        )
        .0,
        400
    );
    assert_eq!(
        f.post("/api/captures/nope/replay", &serde_json::json!({ "to": target.url }))
            .0,
        404
    );
}

#[test]
fn the_event_stream_sends_each_capture_as_it_is_saved() {
    let f = Fixture::new();
    let line = std::fs::read_to_string(f._data.path().join("captures.jsonl")).unwrap();
    let first = line.lines().next().unwrap().to_string();
    let mut s = std::net::TcpStream::connect(f.ui().addr).unwrap();
    write!(
        s,
        "GET /api/events?token={} HTTP/1.1\r\nHost: {}\r\n\r\n",
        f.ui().token(),
        f.addr()
    )
    .unwrap();
    // Published once the stream is open (a page that is not there gets nothing).
    let live = f.live.clone();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = done.clone();
    let publisher = std::thread::spawn(move || {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            live.publish_line(first.as_bytes());
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("event: captures\ndata: [{") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the stream ended: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.contains("content-type: text/event-stream"), "{text}");
    assert!(text.contains("\"provider\":\"github\""), "{text}");
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    publisher.join().unwrap();
    drop(s);
}

/// `GET` over a plain socket to a URL the command printed (`http://host:port/?token=T`):
/// the status and the body.
fn get_printed(url: &str, path: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, query) = rest.split_once("/?token=").unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Hookcat-Token: {query}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.split_whitespace().nth(1).unwrap().parse().unwrap(), dechunk(body))
}

#[test]
fn listen_ui_prints_the_inspector_url_and_shows_captures_as_they_are_saved() {
    let data = tempdir();
    let log = data.path().join("c.jsonl");
    let mut l = spawn_listen(
        data.path(),
        &["--quiet", "--ui", "--secret", SECRET, "--save", log.to_str().unwrap()],
    );
    let mut second = String::new();
    std::io::BufRead::read_line(&mut l.stderr, &mut second).unwrap();
    let url = second
        .trim()
        .strip_prefix("Inspector on ")
        .unwrap_or_else(|| panic!("{second:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.contains("/?token="), "{url}");
    let (s, b) = get_printed(&url, "/api/captures");
    assert_eq!(s, 200, "{b}");
    let r = run(
        &[
            "send",
            &format!("{}/gh", l.url),
            "--event",
            "github.push",
            &format!("--secret={SECRET}"),
        ],
        b"",
    );
    assert_eq!(r.code, 0);
    let page: serde_json::Value = serde_json::from_str(&get_printed(&url, "/api/captures").1).unwrap();
    assert_eq!(page["captures"][0]["valid"], true, "{page}");
    let (code, _, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn ui_over_a_log_and_no_inspector_without_a_log() {
    let data = tempdir();
    let log = make_log(data.path());
    let mut child = hookcat_std(data.path())
        .args(["ui", log.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut err, &mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("Inspector on ")
        .unwrap_or_else(|| panic!("{first:?}"));
    let page: serde_json::Value = serde_json::from_str(&get_printed(url, "/api/captures").1).unwrap();
    assert_eq!(page["captures"].as_array().unwrap().len(), 2, "{page}");
    // A capture another process appends to the log reaches an open event stream.
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, token) = rest.split_once("/?token=").unwrap();
    let mut events = std::net::TcpStream::connect(addr).unwrap();
    write!(
        events,
        "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nX-Hookcat-Token: {token}\r\n\r\n"
    )
    .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("text/event-stream") {
        let n = events.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    let first = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let added = first.replace(
        &page["captures"][1]["id"].as_str().unwrap().to_string(),
        "appendedbyanother",
    );
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(format!("{added}\n").as_bytes())
        .unwrap();
    while !String::from_utf8_lossy(&got).contains("appendedbyanother") {
        let n = events.read(&mut buf).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    drop(events);
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));

    let r = run(&["listen", "--ui", "--no-save", "--port", "0"], b"");
    assert_eq!(r.code, 2, "{}", String::from_utf8_lossy(&r.stderr));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--no-save"));
}
