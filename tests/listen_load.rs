//! `hookcat listen` under hostile load, through the real binary: the in-flight body
//! budget (`--max-inflight`: requests beyond it wait, then get 503 with Retry-After, and
//! a client that leaves gives its share back), the failure diagnosis of a large body
//! (skipped, with a note saying so, so that it cannot hold up other requests), and
//! clients refused by `--allow-ip` (answered 403 without their body being read, and
//! never saved). Sizes stay small: the big measurements are in bench/memory.sh. Every
//! server binds 127.0.0.1:0.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{connect, listen, parse_response, tempdir, wait_for, RawResponse, PATIENCE};
use serde_json::Value;

/// Closes with a reset (RST) instead of a FIN.
fn reset(s: TcpStream) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    s.set_nonblocking(true).unwrap();
    rt.block_on(async move {
        let t = tokio::net::TcpStream::from_std(s).unwrap();
        t.set_zero_linger().unwrap();
        drop(t);
    });
}

/// Reads one response head (status line and headers), byte by byte so that nothing
/// after it is consumed.
fn read_head(s: &mut TcpStream) -> RawResponse {
    let mut raw = Vec::new();
    let mut b = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(1) => raw.push(b[0]),
            Ok(_) => panic!(
                "the connection closed before a full answer: {:?}",
                String::from_utf8_lossy(&raw)
            ),
            Err(e) => panic!("no answer ({e}); got {:?}", String::from_utf8_lossy(&raw)),
        }
    }
    parse_response(&raw)
}

/// Sends a whole request with `body` on a new connection and reads the answer's head.
fn post(url: &str, path: &str, extra: &str, body: &[u8]) -> RawResponse {
    let mut s = connect(url);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    read_head(&mut s)
}

/// Opens a request announcing `len` bytes with `Expect: 100-continue` and returns once
/// the listener asked for the body: by then it holds its share of the budget.
fn hold(url: &str, len: usize) -> TcpStream {
    let mut s = connect(url);
    let head = format!(
        "POST /holder HTTP/1.1\r\nHost: test\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: {len}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let h = read_head(&mut s);
    assert_eq!(h.status, 100, "the listener should ask for the body at once");
    s
}

const BUDGET: &[&str] = &[
    "--max-body",
    "64KiB",
    "--max-inflight",
    "64KiB",
    "--inflight-wait",
    "1s",
];

#[test]
fn bodies_beyond_the_inflight_budget_wait_then_get_503_with_retry_after() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("log.jsonl");
    let mut args = vec!["--json", "--save", log.to_str().unwrap()];
    args.extend_from_slice(BUDGET);
    let l = listen(d, &args);

    // 60 KiB announced and held: 8 KiB more does not fit in 64 KiB.
    let mut holder = hold(&l.url, 60 * 1024);
    let refused = post(&l.url, "/late", "", &[b'x'; 8 * 1024]);
    assert_eq!(refused.status, 503, "no room: 503");
    assert!(
        refused.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok()),
        "a 503 for lack of room says when to come back: {:?}",
        refused.headers
    );

    // The holder finishes and is answered; its room is free again.
    holder.write_all(&[b'y'; 60 * 1024]).unwrap();
    assert_eq!(read_head(&mut holder).status, 200);
    drop(holder);
    assert_eq!(post(&l.url, "/after", "", &[b'z'; 8 * 1024]).status, 200);

    let recs = l.wait_type("request", 3);
    let late = recs.iter().find(|r| r["path"] == "/late").expect("the 503 is recorded");
    assert_eq!(late["response"]["status"], 503);
    assert!(
        late["body_note"].as_str().is_some_and(|n| n.contains("--max-inflight")),
        "the record says why: {late}"
    );
    l.stop();
}

#[test]
fn a_client_that_leaves_gives_its_share_of_the_budget_back() {
    let dir = tempdir();
    let d = dir.path();
    let mut args = vec!["--json", "--no-save"];
    args.extend_from_slice(BUDGET);
    let l = listen(d, &args);
    // Each holds 60 of the 64 KiB: if one kept its share after leaving, the next one
    // would not be asked for its body (it would wait, then get 503).
    for i in 0..24 {
        let mut s = hold(&l.url, 60 * 1024);
        match i % 4 {
            // Leaves mid-body, with a FIN or a reset.
            0 => {
                s.write_all(&[b'a'; 1024]).unwrap();
                drop(s);
            }
            1 => {
                s.write_all(&[b'a'; 1024]).unwrap();
                reset(s);
            }
            // Sends everything, leaves before the answer.
            2 => {
                s.write_all(&[b'b'; 60 * 1024]).unwrap();
                reset(s);
            }
            // Leaves before sending any of the body.
            _ => reset(s),
        }
    }
    // A request that waits for room, and leaves while waiting.
    let holder = hold(&l.url, 60 * 1024);
    let mut waiter = connect(&l.url);
    waiter
        .write_all(b"POST /waiter HTTP/1.1\r\nHost: test\r\nContent-Length: 16384\r\n\r\n")
        .unwrap();
    waiter.write_all(&[b'w'; 16 * 1024]).unwrap();
    reset(waiter);
    reset(holder);
    assert_eq!(
        hold(&l.url, 60 * 1024).write(&[b'c'; 10]).unwrap(),
        10,
        "after all that, the whole budget is free"
    );
    let ok = post(&l.url, "/probe", "", &[b'p'; 2048]);
    // The holder just above left (dropped): its share comes back too.
    assert_eq!(ok.status, 200, "{:?}", ok.headers);
    l.stop();
}

#[test]
fn a_large_body_with_a_bad_signature_is_not_diagnosed_and_says_so() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(
        d,
        &[
            "--json",
            "--no-save",
            "--scheme",
            "github",
            "--secret",
            "s3cret",
            "--max-body",
            "4MiB",
        ],
    );
    let sig = "X-Hub-Signature-256: sha256=0000000000000000000000000000000000000000000000000000000000000000\r\nX-GitHub-Event: push\r\n";
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(2 << 20));
    assert_eq!(post(&l.url, "/big", sig, big.as_bytes()).status, 200);
    assert_eq!(post(&l.url, "/small", sig, b"{\"ok\":1}").status, 200);
    let recs = l.wait_type("request", 2);
    l.stop();
    let codes = |path: &str| -> Vec<String> {
        let r = recs.iter().find(|r| r["path"] == path).unwrap();
        assert_eq!(r["verification"]["valid"], false, "{}", r["verification"]);
        r["verification"]["diagnosis"]
            .as_array()
            .map(|a| a.iter().map(|f| f["code"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(codes("/big"), ["diagnosis_skipped"], "a 2 MiB body is not diagnosed");
    let big_rec = recs.iter().find(|r| r["path"] == "/big").unwrap();
    let msg = big_rec["verification"]["diagnosis"][0]["message"].as_str().unwrap();
    assert!(msg.contains("MiB") && msg.contains("hookcat verify"), "{msg}");
    let small = codes("/small");
    assert!(
        !small.is_empty() && !small.iter().any(|c| c == "diagnosis_skipped"),
        "a small body is diagnosed as before: {small:?}"
    );
}

#[test]
fn refused_clients_are_not_saved_and_their_bodies_are_not_read() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("log.jsonl");
    let l = listen(
        d,
        &["--json", "--save", log.to_str().unwrap(), "--allow-ip", "10.0.0.0/8"],
    );
    // A megabyte announced, a few KiB sent: the answer comes without the rest.
    let mut s = connect(&l.url);
    s.write_all(b"POST /probe HTTP/1.1\r\nHost: test\r\nX-Marker: do-not-keep\r\nContent-Length: 1048576\r\n\r\n")
        .unwrap();
    s.write_all(&[b'q'; 4096]).unwrap();
    let h = read_head(&mut s);
    assert_eq!(h.status, 403);
    assert_eq!(
        h.header("connection"),
        Some("close"),
        "the connection is closed, not drained: {:?}",
        h.headers
    );
    drop(s);
    assert_eq!(
        post(&l.url, "/again", "X-Marker: do-not-keep\r\n", b"{\"payload\":\"qqqq\"}").status,
        403
    );
    let refused = l.wait_type("refused", 2);
    let (code, out, err) = l.stop();
    assert_eq!(code, Some(0));
    assert_eq!(refused[0]["status"], 403);
    assert_eq!(refused[0]["method"], "POST");
    assert_eq!(refused[0]["path"], "/probe");
    assert!(refused[0]["remote_addr"]
        .as_str()
        .is_some_and(|a| a.starts_with("127.0.0.1:")));
    assert!(
        !out.contains("do-not-keep") && !out.contains("qqqq"),
        "no header or body of a refused request is printed: {out}"
    );
    let saved = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(saved.is_empty(), "nothing of a refused request is saved: {saved}");
    assert!(err.contains("2 refused"), "the summary counts them: {err}");
}

#[test]
fn a_large_body_is_saved_whole_and_shown_as_its_start() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("log.jsonl");
    let body = format!(
        "[{}\"END-OF-BODY\"]",
        "{\"k\":\"a \\\"quoted\\\" value\"},".repeat(60_000)
    );
    assert!(body.len() > 1 << 20);
    for verbose in [false, true] {
        let _ = std::fs::remove_file(&log);
        let mut args = vec!["--save", log.to_str().unwrap(), "--max-body", "4MiB"];
        if verbose {
            args.push("-v");
        }
        let l = listen(d, &args);
        assert_eq!(post(&l.url, "/big", "", body.as_bytes()).status, 200);
        assert!(wait_for(
            || std::fs::read_to_string(&log).is_ok_and(|t| t.ends_with('\n')),
            PATIENCE
        ));
        let (_, out, _) = l.stop();
        let saved: Value = serde_json::from_str(std::fs::read_to_string(&log).unwrap().trim_end()).unwrap();
        assert_eq!(saved["body"].as_str(), Some(body.as_str()), "saved whole");
        if verbose {
            // -v: every line, parsed and indented, to the end.
            assert!(out.contains("END-OF-BODY"), "-v shows the whole body");
            assert!(!out.contains("not parsed"), "{}", &out[..out.len().min(2000)]);
        } else {
            assert!(
                out.contains("its first 16.0 KiB shown as text, not parsed; -v shows all"),
                "{}",
                &out[..out.len().min(2000)]
            );
            assert!(!out.contains("END-OF-BODY"));
            assert!(out.len() < 64 * 1024, "a preview, not the body: {} bytes", out.len());
        }
    }
}
