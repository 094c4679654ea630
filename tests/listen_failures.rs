//! `hookcat listen` off the happy path, through the real binary: senders that give up
//! after 1 ms, raw clients that close (FIN), reset (RST) or half-close at every point of
//! a request, Ctrl-C and `kill -9` after such storms, a torn last line, a log that cannot
//! be written (a device that errors, a removed file, an unwritable path), and the modes
//! of the files and directories the listener creates. Every server binds 127.0.0.1:0.

mod common;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{connect, hookcat_in, listen, post_to, spawn_listen, tempdir, try_connect, wait_for, PATIENCE};
use serde_json::Value;

fn request_bytes(path: &str, body: &[u8], close: bool) -> Vec<u8> {
    let mut r = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}\r\n",
        body.len(),
        if close { "Connection: close\r\n" } else { "" }
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// Reads one response (head, then Content-Length bytes): its status and body. `None`
/// when the connection ends first or nothing comes within the read timeout.
fn read_response(s: &mut TcpStream) -> Option<(u16, Vec<u8>)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(p) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while got.len() < end + len {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    Some((status, got[end..end + len].to_vec()))
}

/// The capture id in the listener's default answer, `{"ok":true,"id":"…"}`.
fn answer_id(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("answer is not JSON ({e}): {}", String::from_utf8_lossy(body)));
    v["id"].as_str().expect("an id in the answer").to_string()
}

/// One POST over a fresh connection: (status, body).
fn post(addr: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let r = post_to(addr, path, body);
    (r.status, r.body)
}

/// The records of a log file, and how many lines are not JSON.
fn log_records(path: &Path) -> (Vec<Value>, usize) {
    let text = std::fs::read(path).unwrap_or_default();
    let mut good = Vec::new();
    let mut bad = 0;
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        match serde_json::from_slice::<Value>(line) {
            Ok(v) => good.push(v),
            Err(_) => bad += 1,
        }
    }
    (good, bad)
}

fn log_ids(path: &Path) -> HashSet<String> {
    log_records(path)
        .0
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

fn has_path(path: &Path, req_path: &str) -> bool {
    log_records(path).0.iter().any(|r| r["path"] == req_path)
}

/// `hookcat send --count 3000 --concurrency 50 --timeout 1ms`: most requests are given
/// up by the sender while the listener handles them.
fn a_sender_giving_up_after_1ms(fsync: bool) {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("n.jsonl");
    let mut args = vec!["--quiet", "--save", log.to_str().unwrap()];
    if fsync {
        args.push("--fsync");
    }
    let l = listen(d, &args);
    // Twice: the freeze this guards against needs a request dropped at the wrong moment.
    for _ in 0..2 {
        let _ = hookcat_in(d)
            .args([
                "send",
                &format!("{}/x", l.url),
                "--event",
                "github.push",
                "--count",
                "3000",
                "--concurrency",
                "50",
                "--timeout",
                "1ms",
            ])
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
    }
    let (status, body) = post(&l.addr(), "/probe", b"{\"probe\":1}");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let id = answer_id(&body);
    assert!(log_ids(&log).contains(&id), "the probe answered 200 is not in the log");
    let (code, _, err) = l.stop();
    assert_eq!(code, Some(0), "{err}");
    let (_, bad) = log_records(&log);
    assert_eq!(bad, 0, "every line of the log is a record");
}

#[test]
fn a_sender_with_a_1ms_timeout_does_not_freeze_the_listener() {
    a_sender_giving_up_after_1ms(false);
}

#[test]
fn a_sender_with_a_1ms_timeout_does_not_freeze_the_listener_with_fsync() {
    a_sender_giving_up_after_1ms(true);
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    /// close(): FIN.
    Fin,
    /// SO_LINGER 0, then close(): RST.
    Rst,
    /// shutdown(SHUT_WR): the client says it has nothing more to send.
    HalfClose,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    /// Half the announced body sent.
    MidBody,
    /// The whole request sent, the answer not read.
    AfterBody,
    /// The answer read.
    AfterAnswer,
}

/// What a storm of vanishing clients saw.
#[derive(Default)]
struct Storm {
    /// Ids of the requests answered 2xx (read by the client).
    answered: Vec<String>,
    connections: usize,
    /// Clients that waited for an answer and got none.
    unanswered: Vec<String>,
}

/// `threads` clients, each opening `per_thread` connections that end in every way at
/// every point, in turn. A client that gets no answer three times gives up (the
/// listener is stuck): the test then fails on what follows, not by waiting forever.
fn storm(addr: &str, threads: usize, per_thread: usize) -> Storm {
    let ends = [End::Fin, End::Rst, End::HalfClose];
    let points = [At::MidBody, At::AfterBody, At::AfterAnswer];
    let total = Arc::new(Mutex::new(Storm::default()));
    let stuck = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (addr, total, stuck) = (addr.to_string(), total.clone(), stuck.clone());
            std::thread::spawn(move || {
                let mut mine = Storm::default();
                for i in 0..per_thread {
                    if stuck.load(Ordering::Relaxed) {
                        break;
                    }
                    let k = t + i;
                    let (end, at) = (ends[k % 3], points[(k / 3) % 3]);
                    let body = format!("{{\"t\":{t},\"i\":{i},\"pad\":\"{}\"}}", "x".repeat(100));
                    let req = request_bytes(&format!("/storm/{end:?}/{at:?}"), body.as_bytes(), false);
                    let Ok(mut s) = try_connect(&addr) else { continue };
                    mine.connections += 1;
                    let sent = if at == At::MidBody {
                        &req[..req.len() - body.len() / 2]
                    } else {
                        &req[..]
                    };
                    let _ = s.write_all(sent);
                    if at == At::AfterAnswer {
                        match read_response(&mut s) {
                            Some((st, b)) if (200..300).contains(&st) => mine.answered.push(answer_id(&b)),
                            Some((st, _)) => mine.unanswered.push(format!("{end:?}/{at:?}: status {st}")),
                            None => mine.unanswered.push(format!("{end:?}/{at:?}: no answer")),
                        }
                    }
                    match end {
                        End::Fin => drop(s),
                        End::Rst => {
                            socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO)).unwrap();
                            drop(s);
                        }
                        End::HalfClose => {
                            let _ = s.shutdown(Shutdown::Write);
                            // A whole request, then the end of what the client sends:
                            // it is still owed its answer.
                            if at == At::AfterBody {
                                match read_response(&mut s) {
                                    Some((st, b)) if (200..300).contains(&st) => mine.answered.push(answer_id(&b)),
                                    Some((st, _)) => mine.unanswered.push(format!("{end:?}/{at:?}: status {st}")),
                                    None => mine.unanswered.push(format!("{end:?}/{at:?}: no answer")),
                                }
                            }
                        }
                    }
                    if mine.unanswered.len() >= 3 {
                        stuck.store(true, Ordering::Relaxed);
                    }
                }
                let mut all = total.lock().unwrap();
                all.answered.append(&mut mine.answered);
                all.unanswered.append(&mut mine.unanswered);
                all.connections += mine.connections;
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    Arc::try_unwrap(total).ok().unwrap().into_inner().unwrap()
}

/// Thousands of clients that go away at every point, then a probe that must be
/// answered and saved, then Ctrl-C: everything answered is in the log.
fn vanishing_clients(fsync: bool) {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("storm.jsonl");
    let mut args = vec!["--quiet", "--save", log.to_str().unwrap()];
    if fsync {
        args.push("--fsync");
    }
    let l = listen(d, &args);
    let s = storm(&l.addr(), 16, 200);
    assert!(s.connections >= 3000, "only {} connections were made", s.connections);
    let (status, body) = post(&l.addr(), "/probe", b"{\"probe\":1}");
    assert_eq!(status, 200);
    let probe = answer_id(&body);
    assert!(
        s.unanswered.is_empty(),
        "{} clients owed an answer got none, e.g. {:?}",
        s.unanswered.len(),
        &s.unanswered[..s.unanswered.len().min(5)]
    );
    let (code, _, err) = l.stop();
    assert_eq!(code, Some(0), "{err}");
    let ids = log_ids(&log);
    assert!(ids.contains(&probe), "the probe answered 200 is not in the log");
    let missing: Vec<_> = s.answered.iter().filter(|id| !ids.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} requests answered 2xx are not in the log",
        missing.len(),
        s.answered.len()
    );
    assert!(s.answered.len() >= 1000, "only {} answers were read", s.answered.len());
    assert_eq!(log_records(&log).1, 0, "every line of the log is a record");
}

#[test]
fn clients_that_close_reset_or_half_close_at_any_point_never_stop_the_listener() {
    vanishing_clients(false);
}

#[test]
fn clients_that_close_reset_or_half_close_at_any_point_never_stop_the_listener_with_fsync() {
    vanishing_clients(true);
}

#[test]
fn a_half_closed_client_that_sent_a_whole_request_is_answered_and_recorded() {
    let dir = tempdir();
    let d = dir.path();
    let l = listen(d, &["--json"]);
    for close in [false, true] {
        let mut s = connect(&l.addr());
        s.write_all(&request_bytes("/half", b"{\"half\":true}", close)).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let (status, body) = read_response(&mut s).expect("an answer after the client's half-close");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let id = answer_id(&body);
        assert!(log_ids(&d.join("captures.jsonl")).contains(&id));
    }
    let recs = l.wait_records(2);
    assert!(recs
        .iter()
        .all(|r| r["path"] == "/half" && r["response"]["status"] == 200));
    l.stop();
}

/// Clients POST as fast as they can; the listener is killed with SIGKILL mid-load.
/// Every request answered 2xx before the kill is in the log.
fn answered_requests_survive_kill_9(fsync: bool) {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("k.jsonl");
    let mut args = vec!["--quiet", "--save", log.to_str().unwrap()];
    if fsync {
        args.push("--fsync");
    }
    let l = listen(d, &args);
    let answered = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|t| {
            let (addr, answered, count) = (l.addr(), answered.clone(), count.clone());
            std::thread::spawn(move || {
                let Ok(mut s) = try_connect(&addr) else { return };
                for i in 0.. {
                    let body = format!("{{\"t\":{t},\"i\":{i}}}");
                    if s.write_all(&request_bytes("/k", body.as_bytes(), false)).is_err() {
                        return;
                    }
                    match read_response(&mut s) {
                        Some((200, b)) => {
                            answered.lock().unwrap().push(answer_id(&b));
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => return,
                    }
                }
            })
        })
        .collect();
    assert!(wait_for(
        || count.load(Ordering::Relaxed) >= 500,
        Duration::from_secs(60)
    ));
    l.signal("-KILL");
    for c in clients {
        c.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let ids = log_ids(&log);
    let missing = answered.iter().filter(|id| !ids.contains(*id)).count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} answered requests are not in the log",
        answered.len()
    );

    // A listener started again on that log (whose last line may be torn) appends
    // whole records.
    let l = listen(d, &args);
    let (status, body) = post(&l.addr(), "/after", b"{}");
    assert_eq!(status, 200);
    let id = answer_id(&body);
    l.stop();
    assert!(log_ids(&log).contains(&id));
}

#[test]
fn every_answered_request_survives_kill_9() {
    answered_requests_survive_kill_9(false);
}

#[test]
fn every_answered_request_survives_kill_9_with_fsync() {
    answered_requests_survive_kill_9(true);
}

#[test]
fn a_torn_last_line_is_closed_before_the_next_record_and_reported_once() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("t.jsonl");
    std::fs::write(&log, b"{\"id\":\"whole\",\"path\":\"/a\"}\n{\"id\":\"torn\",\"pa").unwrap();
    let l = listen(d, &["--quiet", "--save", log.to_str().unwrap()]);
    let (status, body) = post(&l.addr(), "/next", b"{}");
    assert_eq!(status, 200);
    let id = answer_id(&body);
    post(&l.addr(), "/next", b"{}");
    let (code, _, err) = l.stop();
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[1], "{\"id\":\"torn\",\"pa", "the torn line is kept as it was");
    let first: Value = serde_json::from_str(lines[2]).expect("the first new record is whole");
    assert_eq!(first["id"], id.as_str());
    assert!(text.ends_with('\n'));
    assert_eq!(
        err.matches("torn record").count(),
        1,
        "the torn record is reported once: {err}"
    );
    assert!(err.contains(log.to_str().unwrap()), "{err}");
}

/// A log whose path is a symbolic link to /dev/full (every write fails, ENOSPC).
fn full_log(d: &Path) -> std::path::PathBuf {
    let link = d.join("full.jsonl");
    std::os::unix::fs::symlink("/dev/full", &link).unwrap();
    link
}

/// Points the link at a real file: writes succeed again.
fn make_room(link: &Path) -> std::path::PathBuf {
    let real = link.with_file_name("real.jsonl");
    let tmp = link.with_file_name("next-link");
    std::os::unix::fs::symlink(&real, &tmp).unwrap();
    std::fs::rename(&tmp, link).unwrap();
    real
}

#[test]
fn a_record_that_cannot_be_written_is_reported_as_the_503_sent_and_saving_recovers_by_itself() {
    let dir = tempdir();
    let d = dir.path();
    let link = full_log(d);
    let l = listen(d, &["--json", "--save", link.to_str().unwrap()]);
    let (status, body) = post(&l.addr(), "/full", b"{\"n\":1}");
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
    let recs = l.wait_records(1);
    assert_eq!(recs[0]["path"], "/full");
    assert_eq!(
        recs[0]["response"]["status"], 503,
        "--json reports the status sent: {}",
        recs[0]
    );
    assert_eq!(recs[0]["response"]["kind"], "save_failed");

    let real = make_room(&link);
    let (status, body) = post(&l.addr(), "/room", b"{\"n\":2}");
    assert_eq!(status, 200, "saving works again: {}", String::from_utf8_lossy(&body));
    let id = answer_id(&body);
    let recs = l.wait_records(2);
    assert_eq!(recs[1]["response"]["status"], 200);
    let (code, _, err) = l.stop();
    assert_eq!(code, Some(0));
    let (saved, bad) = log_records(&real);
    assert_eq!((saved.len(), bad), (1, 0));
    assert_eq!(saved[0]["id"], id.as_str());
    assert!(err.contains("answered 503"), "{err}");
    assert!(err.contains("works again"), "the recovery is told: {err}");
}

/// A body over 1 MiB lives only in its capture line once the line is built: when that
/// line cannot be saved, the line written again with the 503 still holds the body, and
/// the sender is not told where the log is.
#[test]
fn a_large_body_that_cannot_be_saved_is_reported_whole_with_the_503_sent() {
    let dir = tempdir();
    let d = dir.path();
    let link = full_log(d);
    let l = listen(d, &["--json", "--save", link.to_str().unwrap()]);
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(1_200_000));
    let (status, answer) = post(&l.addr(), "/big", body.as_bytes());
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&answer));
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("full.jsonl"), "the log's path is not sent: {answer}");
    let recs = l.wait_records(1);
    assert_eq!(recs[0]["response"]["status"], 503);
    assert_eq!(
        recs[0]["body"].as_str().map(str::len),
        Some(body.len()),
        "the body is kept"
    );
    let (code, _, _) = l.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn the_terminal_shows_the_503_sent_when_a_record_cannot_be_written() {
    let dir = tempdir();
    let d = dir.path();
    let link = full_log(d);
    let l = listen(d, &["--quiet", "--save", link.to_str().unwrap()]);
    assert_eq!(post(&l.addr(), "/full", b"{}").0, 503);
    assert!(wait_for(|| l.stdout().contains("/full"), PATIENCE));
    make_room(&link);
    assert_eq!(post(&l.addr(), "/room", b"{}").0, 200);
    assert!(wait_for(|| l.stdout().contains("/room"), PATIENCE));
    let (_, out, _) = l.stop();
    let full = out.lines().find(|x| x.contains("/full")).unwrap();
    assert!(full.contains("503") && !full.contains("200"), "{full}");
    let room = out.lines().find(|x| x.contains("/room")).unwrap();
    assert!(room.contains("200"), "{room}");
}

#[test]
fn a_log_removed_while_listening_is_created_again() {
    let dir = tempdir();
    let d = dir.path();
    let log = d.join("gone.jsonl");
    let l = listen(d, &["--quiet", "--save", log.to_str().unwrap()]);
    assert_eq!(post(&l.addr(), "/one", b"{}").0, 200);
    assert!(has_path(&log, "/one"));
    std::fs::remove_file(&log).unwrap();
    let (status, body) = post(&l.addr(), "/two", b"{}");
    assert_eq!(status, 200);
    let id = answer_id(&body);
    assert!(
        log_ids(&log).contains(&id),
        "the record answered 200 is in a new log at the same path"
    );
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    l.stop();
}

#[test]
fn logs_are_created_0600_in_directories_created_0700() {
    let dir = tempdir();
    let d = dir.path();
    // The default log, in a data directory that does not exist yet.
    let data = d.join("data");
    let l = spawn_listen(&data, &["--quiet"]);
    let default_log = data.join("captures.jsonl");
    assert!(wait_for(|| default_log.exists(), PATIENCE));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    assert_eq!(mode(&default_log), 0o600, "the default log");
    l.stop();
    // --save in directories that do not exist yet.
    let log = d.join("new").join("sub").join("log.jsonl");
    let l = spawn_listen(d, &["--quiet", "--save", log.to_str().unwrap()]);
    assert!(wait_for(|| log.exists(), PATIENCE));
    assert_eq!(mode(&d.join("new")), 0o700);
    assert_eq!(mode(&d.join("new").join("sub")), 0o700);
    assert_eq!(mode(&log), 0o600);
    l.stop();
}

#[test]
fn a_log_that_cannot_be_written_is_refused_at_start_with_exit_2() {
    let dir = tempdir();
    let d = dir.path();
    let file = d.join("plain-file");
    std::fs::write(&file, b"").unwrap();
    let cases = [
        (d.join("a-directory"), "is a directory"),
        (file.join("log.jsonl"), "not a directory"),
    ];
    std::fs::create_dir(&cases[0].0).unwrap();
    for (path, why) in &cases {
        let out = hookcat_in(d)
            .args(["listen", "--port", "0", "--save", path.to_str().unwrap()])
            .timeout(PATIENCE)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(!err.contains("Listening on"), "refused before listening: {err}");
        assert!(err.contains(path.to_str().unwrap()), "names the path: {err}");
        assert!(err.to_lowercase().contains(why), "says why ({why}): {err}");
    }
    // A read-only file (root may write anyway: checked only when the mode holds).
    let ro = d.join("read-only.jsonl");
    std::fs::write(&ro, b"").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o400)).unwrap();
    if std::fs::OpenOptions::new().append(true).open(&ro).is_err() {
        let out = hookcat_in(d)
            .args(["listen", "--port", "0", "--save", ro.to_str().unwrap()])
            .timeout(PATIENCE)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(ro.to_str().unwrap()), "{err}");
    }
}

#[test]
fn a_log_that_cannot_be_created_again_gets_503_until_its_directory_is_writable() {
    let dir = tempdir();
    let d = dir.path().join("logs");
    std::fs::create_dir(&d).unwrap();
    let log = d.join("ro.jsonl");
    let l = listen(dir.path(), &["--json", "--save", log.to_str().unwrap()]);
    assert_eq!(post(&l.addr(), "/one", b"{}").0, 200);
    std::fs::remove_file(&log).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root writes anyway: the read-only part is checked only where the mode holds.
    if std::fs::File::create(d.join("probe")).is_err() {
        assert_eq!(post(&l.addr(), "/two", b"{}").0, 503);
        let recs = l.wait_records(2);
        assert_eq!(recs[1]["response"]["status"], 503);
    }
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    let (status, body) = post(&l.addr(), "/three", b"{}");
    assert_eq!(status, 200);
    assert!(log_ids(&log).contains(&answer_id(&body)));
    l.stop();
}
