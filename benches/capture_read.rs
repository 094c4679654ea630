//! How long reading and writing one capture line takes: `listen` writes one per request
//! and `replay` reads one per request.
//!
//! `cargo bench --bench capture_read` builds 2,000 capture records of the benchmark body
//! (`bench/body1k.json`: a 1 KiB JSON body, 100-odd escapes once inside a capture line)
//! with the headers `hookcat send` sends, then times, side by side in each of 15 rounds:
//! - reading a line as hookcat does (`serde_json`, then the record's checks,
//!   `CaptureRecord::problem`, as `LogReader` does), and `serde_json` alone;
//! - `sonic_rs` reading the same lines, the SIMD JSON crate hookcat's choice was held
//!   against;
//! - writing each record as `listen` does (`CaptureRecord::write_line`, serde_json) and
//!   with `sonic_rs`, into a reused buffer.
//!
//! It prints the median nanoseconds per line of each. A plain `main` (no harness): the
//! figures are for comparing on one machine, side by side, not for a target (the
//! end-to-end comparison is in BENCHMARKS.md).

use std::hint::black_box;
use std::time::Instant;

use hookcat::core::capture::{encode_body, BodyEncoding, CaptureRecord};
use hookcat::core::headers::Headers;

const LINES: usize = 2_000;
const ROUNDS: usize = 15;

fn records() -> Vec<CaptureRecord> {
    let body = include_bytes!("../bench/body1k.json");
    (0..LINES)
        .map(|i| {
            let (text, enc) = encode_body(body);
            assert_eq!(enc, BodyEncoding::Utf8);
            CaptureRecord {
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
            }
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A case: its name, and what it does with one item.
type Case<'a, T> = (&'a str, &'a dyn Fn(&T));

/// Runs each of `cases` over every item, a different one first in each round, and
/// prints the median nanoseconds per item.
fn compare<T>(title: &str, items: &[T], cases: &[Case<'_, T>]) {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for round in 0..ROUNDS {
        for k in 0..cases.len() {
            let i = (k + round) % cases.len();
            let start = Instant::now();
            for item in items {
                (cases[i].1)(black_box(item));
            }
            times[i].push(start.elapsed().as_nanos() as f64 / items.len() as f64);
        }
    }
    println!("{title}, median of {ROUNDS} rounds, ns per line:");
    for ((name, _), t) in cases.iter().zip(times) {
        println!("  {name:28} {:8.0}", median(t));
    }
}

fn main() {
    let records = records();
    let lines: Vec<Vec<u8>> = records.iter().map(|r| r.to_line().into_bytes()).collect();
    // Both crates read and write the same records before anything is timed.
    for (r, l) in records.iter().zip(&lines) {
        let ours: CaptureRecord = serde_json::from_slice(l).expect("serde_json reads it");
        let theirs: CaptureRecord = sonic_rs::from_slice(l).expect("sonic-rs reads it");
        assert_eq!(&ours, r);
        assert_eq!(ours, theirs);
        let written: CaptureRecord = serde_json::from_slice(&sonic_rs::to_vec(r).expect("sonic-rs writes it")).unwrap();
        assert_eq!(&written, r);
    }
    println!("{LINES} capture lines of {} bytes", lines[0].len());
    compare(
        "reading",
        &lines,
        &[
            ("serde_json + checks (hookcat)", &|l: &Vec<u8>| {
                let r: CaptureRecord = serde_json::from_slice(l).expect("reads");
                assert!(black_box(r.problem()).is_none());
            }),
            ("serde_json", &|l: &Vec<u8>| {
                black_box(serde_json::from_slice::<CaptureRecord>(l).expect("reads"));
            }),
            ("sonic_rs", &|l: &Vec<u8>| {
                black_box(sonic_rs::from_slice::<CaptureRecord>(l).expect("reads"));
            }),
        ],
    );
    let buf = std::cell::RefCell::new(Vec::with_capacity(1 << 16));
    compare(
        "writing",
        &records,
        &[
            ("write_line (hookcat)", &|r: &CaptureRecord| {
                let mut b = buf.borrow_mut();
                b.clear();
                r.write_line(&mut b);
                black_box(&*b);
            }),
            ("sonic_rs::to_writer", &|r: &CaptureRecord| {
                let mut b = buf.borrow_mut();
                b.clear();
                sonic_rs::to_writer(&mut *b, r).expect("writes");
                black_box(&*b);
            }),
        ],
    );
}
