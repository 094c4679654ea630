//! How long reading one capture line takes: replay reads one per request.
//!
//! `cargo bench --bench capture_read` builds 2,000 capture lines of the benchmark body
//! (`bench/body1k.json`: a 1 KiB JSON body, 100-odd escapes once inside a capture line)
//! with the headers `hookcat send` sends, then times, side by side in each of 15 rounds:
//! - `parse_lean` as replay reads a line (leaving out what it never looks at);
//! - the same, then the record's checks (`CaptureRecord::problem`), as `LogReader` does;
//! - `parse_fast` (every field, as `captures` reads a line);
//! - `serde_json::from_slice::<CaptureRecord>`, the reference;
//! - `Cursor::string` on the body string alone.
//!
//! It prints the median nanoseconds per line of each. A plain `main` (no harness): the
//! figures are for comparing builds on one machine, side by side, not for a target.

use std::hint::black_box;
use std::time::Instant;

use hookcat::core::capture::{encode_body, parse_fast, parse_lean, BodyEncoding, CaptureRecord, Unread};
use hookcat::core::headers::Headers;
use hookcat::core::json::Cursor;

const LINES: usize = 2_000;
const ROUNDS: usize = 15;
/// What replay leaves unread (as `cmd::replay` streams a log without `--since` or
/// `--compare`).
const REPLAY: Unread = Unread {
    remote_addr: true,
    received_at: true,
    answer_detail: true,
};

fn lines() -> Vec<Vec<u8>> {
    let body = include_bytes!("../bench/body1k.json");
    (0..LINES)
        .map(|i| {
            let (text, enc) = encode_body(body);
            assert_eq!(enc, BodyEncoding::Utf8);
            let r = CaptureRecord {
                v: 1,
                id: format!("20261204152111{i:010}"),
                received_at: "2026-12-04T15:21:11.594Z".into(),
                method: "POST".into(),
                path: "/hooks/bench".into(),
                headers: Headers(
                    [
                        ("content-type", "application/json"),
                        ("accept", "*/*"),
                        ("user-agent", "hookcat/0.1.0"),
                        ("host", "127.0.0.1:39257"),
                        ("content-length", "1024"),
                    ]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ),
                body: text,
                body_encoding: enc,
                remote_addr: "127.0.0.1:49810".into(),
                verification: None,
                response: Some(hookcat::core::capture::ResponseRecord {
                    status: Some(200),
                    kind: "normal".into(),
                    body: Some(format!("{{\"ok\":true,\"id\":\"{i}\"}}")),
                    duration_ms: Some(0.077),
                    note: None,
                }),
                provider: None,
                event: None,
                body_note: None,
                header_bytes: Vec::new(),
                redacted: Default::default(),
            };
            r.to_line().into_bytes()
        })
        .collect()
}

/// The body string's text in a line, from its opening quote to the end of the line.
fn body_at(line: &[u8]) -> &[u8] {
    let at = line.windows(8).position(|w| w == b"\"body\":\"").expect("a body") + 7;
    &line[at..]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let lines = lines();
    // Every reader reads every line alike before anything is timed.
    for l in &lines {
        let theirs: CaptureRecord = serde_json::from_slice(l).expect("serde_json reads it");
        assert_eq!(parse_fast(l).as_ref(), Some(&theirs));
        assert!(parse_lean(l, REPLAY).is_some());
    }
    type Reader = fn(&[u8]) -> bool;
    let readers: [(&str, Reader); 5] = [
        ("parse_lean (replay)", |l| black_box(parse_lean(l, REPLAY)).is_some()),
        ("parse_lean + checks", |l| {
            black_box(parse_lean(l, REPLAY)).is_some_and(|r| black_box(r.problem(REPLAY)).is_none())
        }),
        ("parse_fast (captures)", |l| black_box(parse_fast(l)).is_some()),
        ("serde_json", |l| {
            black_box(serde_json::from_slice::<CaptureRecord>(l)).is_ok()
        }),
        ("Cursor::string (body)", |l| {
            black_box(Cursor::new(body_at(l)).string()).is_some()
        }),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); readers.len()];
    for round in 0..ROUNDS {
        // A different reader first in each round.
        for k in 0..readers.len() {
            let i = (k + round) % readers.len();
            let (_, read) = readers[i];
            let start = Instant::now();
            for l in &lines {
                assert!(read(black_box(l)));
            }
            times[i].push(start.elapsed().as_nanos() as f64 / LINES as f64);
        }
    }
    println!(
        "{LINES} capture lines of {} bytes, median of {ROUNDS} rounds, ns per line:",
        lines[0].len()
    );
    for ((name, _), t) in readers.iter().zip(times) {
        println!("  {name:24} {:8.0}", median(t));
    }
}
