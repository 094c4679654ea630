//! `replay`'s rendering: the banner, warnings before sending, one result line (or JSON
//! object) per request written by the delivering threads into one sink, and the closing
//! summary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::core::deliver::{self, Attempt, AttemptError};
use crate::core::diff::BodyDiff;
use crate::core::replay::{Replayed, Warning};
use crate::core::replay_run::{ReplayResult, ReplayTally, Report};
use crate::core::scheme::human_secs;
use crate::core::units::format_duration;
use crate::output::captures::body_diff_lines;
use crate::output::{json_safe_bytes, progress_bar, sanitize_line, Io, Output, Painter, Shared};

/// How results are shown.
#[derive(Debug, Clone, Copy)]
pub struct ReplayView {
    pub json: bool,
    pub compare: bool,
}

/// `→ replaying 3 captures from LOG to URL, re-signed`, on stderr. `count` is `None`
/// when the log streams (how many is not known ahead).
pub fn banner(talk: &Shared, out: &Output, count: Option<u64>, log: &std::path::Path, to: &str, label: &str) {
    let what = match count {
        Some(n) => format!("{n} capture{}", if n == 1 { "" } else { "s" }),
        None => "captures".into(),
    };
    let to = sanitize_line(to);
    talk.line(format_args!(
        "{} replaying {what} from {} to {to}{label}",
        out.err.dim("→"),
        log.display()
    ));
}

/// Warnings before sending, on stderr: the first few of each kind, then a count.
pub struct ReplayWarnings {
    painter: Painter,
    talk: Shared,
    seen: BTreeMap<&'static str, u64>,
}

impl ReplayWarnings {
    const SHOWN: u64 = 5;

    pub fn new(out: &Output, talk: Shared) -> Self {
        ReplayWarnings {
            painter: out.err,
            talk,
            seen: BTreeMap::new(),
        }
    }

    pub fn warn(&mut self, w: Warning<'_>) {
        let msg = match w {
            Warning::Incomplete { id, note } => format!(
                "capture {id}: {}; replaying the bytes that were received",
                sanitize_line(note)
            ),
            Warning::Modified { id, scheme } => format!(
                "capture {id}: the body was changed, so its {scheme} signature no longer matches; add --resign (with the secret) to sign it again"
            ),
            Warning::Stale { id, stale: st } => format!(
                "capture {id}: its {} signature is {} old, over {}'s tolerance of {}: the receiver will refuse it as stale; add --resign (with the secret)",
                st.scheme,
                human_secs(st.age_secs),
                st.scheme,
                human_secs(st.tolerance_secs as i64)
            ),
        };
        let n = self.seen.entry(w.kind()).or_default();
        *n += 1;
        if *n <= Self::SHOWN {
            self.talk.line(format_args!(
                "{} {}",
                self.painter.yellow("warning:"),
                sanitize_line(&msg)
            ));
        }
    }

    /// The count of each kind beyond the first few.
    pub fn finish(&self) {
        for (kind, n) in &self.seen {
            if *n > Self::SHOWN {
                self.talk.line(format_args!(
                    "{} … and {} more captures {kind} in the same way",
                    self.painter.yellow("warning:"),
                    n - Self::SHOWN
                ));
            }
        }
    }
}

/// Where the delivering threads write finished requests (stdout) and count them, with
/// the progress bar on a terminal. Lines go out at once when someone watches; otherwise
/// in blocks, so that a fast run is not a write per request.
pub struct ResultSink {
    state: Mutex<SinkState>,
    view: ReplayView,
    out: Output,
    bar: indicatif::ProgressBar,
    /// Whether the bar is shown. Hidden (`--json`, not a terminal), it is not touched
    /// per request: its state is behind a lock.
    shown: bool,
    /// Flush after each line.
    eager: bool,
}

struct SinkState {
    w: std::io::BufWriter<Box<dyn Write + Send>>,
    tally: ReplayTally,
    last_flush: Instant,
    /// The first write error (a closed pipe): no more is written or started.
    error: Option<std::io::Error>,
}

impl ResultSink {
    /// A sink writing to `stdout`.
    pub fn new(stdout: Box<dyn Write + Send>, out: &Output, view: ReplayView) -> ResultSink {
        let bar = if out.stderr_tty && !view.json {
            progress_bar(0, false)
        } else {
            indicatif::ProgressBar::hidden()
        };
        let shown = !bar.is_hidden();
        ResultSink {
            state: Mutex::new(SinkState {
                w: std::io::BufWriter::with_capacity(64 * 1024, stdout),
                tally: ReplayTally::default(),
                last_flush: Instant::now(),
                error: None,
            }),
            view,
            out: *out,
            eager: out.stdout_tty || shown,
            bar,
            shown,
        }
    }

    /// Clears the bar and gives back the stream with what was counted, or the first
    /// write error.
    pub fn finish(&self) -> (Box<dyn Write + Send>, std::io::Result<ReplayTally>) {
        self.bar.finish_and_clear();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let error = s.error.take();
        let flushed = s.w.flush();
        let w = std::mem::replace(&mut s.w, std::io::BufWriter::new(Box::new(std::io::sink())));
        let (w, _) = w.into_parts();
        let tally = std::mem::take(&mut s.tally);
        let result = match (error, flushed) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(tally),
        };
        (w, result)
    }
}

impl Report for ResultSink {
    fn finished(&self, r: ReplayResult<'_>) -> bool {
        // Rendered before taking the lock: the threads only queue for the append. Into
        // this thread's buffer, kept from line to line.
        thread_local! {
            static LINE: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(512));
        }
        LINE.with_borrow_mut(|line| {
            line.clear();
            // (A long `--compare` diff does not stay held.)
            line.shrink_to(64 * 1024);
            let count = r.count;
            if let Err(e) = result(line, r, self.view, &self.out) {
                self.state
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .error
                    .get_or_insert(e);
                return false;
            }
            let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let s = &mut *guard;
            if s.error.is_some() {
                return false;
            }
            s.tally.add(count);
            let eager = self.eager;
            let json = self.view.json;
            let mut write = || -> std::io::Result<()> {
                // Human lines are escaped as they are written; JSON gets the escapes
                // JSON allows for what it would let through.
                if json {
                    s.w.write_all(&json_safe_bytes(line))?;
                } else {
                    s.w.write_all(line)?;
                }
                if eager || s.last_flush.elapsed() > Duration::from_millis(100) {
                    s.last_flush = Instant::now();
                    s.w.flush()?;
                }
                Ok(())
            };
            let written = if self.shown {
                let w = self.bar.suspend(write);
                // (The bar's state is locked inside `suspend`: count outside it.)
                self.bar.inc(1);
                w
            } else {
                write()
            };
            match written {
                Ok(()) => true,
                Err(e) => {
                    s.error = Some(e);
                    false
                }
            }
        })
    }

    fn more(&self, n: u64) {
        if self.shown {
            self.bar.inc_length(n);
        }
    }
}

/// The closing summary: a JSON object on stdout, or a line on stderr. `total`: the
/// requests queued.
pub fn summary(
    io: &mut Io,
    tally: &ReplayTally,
    total: u64,
    elapsed: Duration,
    interrupted: bool,
    view: ReplayView,
    out: &Output,
) -> std::io::Result<()> {
    if view.json {
        let secs = elapsed.as_secs_f64();
        return io.json(&json!({
            "type": "summary",
            "requested": total,
            "sent": tally.done,
            "ok_2xx": tally.ok,
            "failed": tally.failed,
            "statuses": tally.statuses,
            "errors": tally.errors,
            "changed": if view.compare { Some(tally.changed) } else { None },
            "elapsed_s": secs,
            "requests_per_sec": if secs > 0.0 { tally.done as f64 / secs } else { 0.0 },
            "interrupted": interrupted,
        }));
    }
    let e = &out.err;
    let statuses: Vec<String> = tally.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
    let errors: Vec<String> = tally.errors.iter().map(|(k, n)| format!("{k}×{n}")).collect();
    let mut s = format!(
        "replayed {} of {total} in {}: {} answered 2xx",
        tally.done,
        format_duration(elapsed),
        tally.ok
    );
    if tally.failed > 0 {
        s.push_str(&format!(", {} not", tally.failed));
    }
    if !statuses.is_empty() {
        s.push_str(&format!(" (status {})", statuses.join(" ")));
    }
    if !errors.is_empty() {
        s.push_str(&format!(" (errors {})", errors.join(" ")));
    }
    if view.compare {
        let n = tally.changed;
        s.push_str(&format!(
            "; {n} answer{} differ from the recorded ones",
            if n == 1 { "" } else { "s" }
        ));
    }
    let mark = if interrupted {
        e.yellow("stopped:")
    } else if tally.all_ok() {
        e.green_bold("✓")
    } else {
        e.red_bold("✗")
    };
    io.talk(format_args!("{mark} {s}"));
    Ok(())
}

/// One request in `--json`.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    capture: &'a str,
    method: &'a str,
    url: &'a str,
    resigned: Option<&'static str>,
    modified: bool,
    delivered: bool,
    status: Option<u16>,
    error: Option<Cow<'a, AttemptError>>,
    duration_ms: f64,
    attempts: &'a [Attempt],
    response_body: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compare: Option<Compared<'a>>,
}

impl<'a> Line<'a> {
    /// The line of a request no attempt answered: not delivered, no status, error, time,
    /// attempts or body.
    fn unanswered(capture: &'a str, method: &'a str, url: &'a str, info: &Replayed) -> Line<'a> {
        Line {
            kind: "replay",
            capture,
            method,
            url,
            resigned: info.resigned,
            modified: info.modified,
            delivered: false,
            status: None,
            error: None,
            duration_ms: 0.0,
            attempts: &[],
            response_body: Cow::Borrowed(""),
            compare: None,
        }
    }
}

#[derive(serde::Serialize)]
struct Compared<'a> {
    same: bool,
    recorded_status: Option<u16>,
    status_same: bool,
    body: &'a Option<BodyDiff>,
}

/// Appends `line` as JSON and a newline.
fn json_line(w: &mut Vec<u8>, line: &Line) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, line)?;
    w.push(b'\n');
    Ok(())
}

/// Renders one finished request into `w`: a line for people (and, with `--compare`,
/// the recorded answer beside the new one), or a JSON object.
pub fn result(w: &mut Vec<u8>, r: ReplayResult<'_>, view: ReplayView, out: &Output) -> std::io::Result<()> {
    let (capture, info) = (r.capture, r.info);
    let p = &out.out;
    let url = &r.url;
    let a = match r.answer {
        Ok(a) => a,
        Err(message) => {
            if view.json {
                let e = AttemptError {
                    kind: deliver::ErrorKind::Other,
                    message,
                };
                let line = Line {
                    error: Some(Cow::Owned(e)),
                    ..Line::unanswered(capture, r.method, url, info)
                };
                return json_line(w, &line);
            }
            let msg = p.red(&sanitize_line(&message));
            return writeln!(
                w,
                "{} {} {} {msg}",
                p.red_bold("✗"),
                sanitize_line(r.method),
                sanitize_line(url)
            );
        }
    };
    let d = &a.delivery;
    let last = d.attempts.last().expect("at least one attempt");
    let ok = r.count.ok;
    let took = a.took;
    if view.json {
        let line = Line {
            delivered: ok,
            status: last.status,
            error: last.error.as_ref().map(Cow::Borrowed),
            duration_ms: deliver::ms(&took),
            attempts: &d.attempts,
            response_body: String::from_utf8_lossy(&last.response_body),
            compare: a.compare.as_ref().map(|(same, body)| Compared {
                same: *same,
                recorded_status: info.recorded_status,
                status_same: info.recorded_status == last.status,
                body,
            }),
            ..Line::unanswered(capture, r.method, url, info)
        };
        return json_line(w, &line);
    }
    type Style = fn(&Painter, &str) -> String;
    let (mark, what): (Style, Style) = match last.status {
        Some(_) if ok => (Painter::green_bold, Painter::green),
        Some(s) if s < 500 => (Painter::red_bold, Painter::yellow),
        _ => (Painter::red_bold, Painter::red),
    };
    let answer = match (last.status, &last.error) {
        (Some(s), _) => s.to_string(),
        (None, Some(e)) => e.kind.label().to_string(),
        (None, None) => "no answer".to_string(),
    };
    let mut detail = format!("({}, {}", sanitize_line(capture), format_duration(took));
    if d.attempts.len() > 1 {
        detail.push_str(&format!(", {} attempts", d.attempts.len()));
    }
    if let Some(s) = info.resigned {
        detail.push_str(&format!(", re-signed {s}"));
    }
    if info.modified {
        detail.push_str(", modified");
    }
    detail.push(')');
    writeln!(
        w,
        "{} {} {} {}  {}",
        mark(p, if ok { "✓" } else { "✗" }),
        what(p, &answer),
        sanitize_line(r.method),
        sanitize_line(url),
        p.dim(&detail)
    )?;
    if let (None, Some(e)) = (last.status, &last.error) {
        writeln!(w, "  {}", p.dim(&crate::output::network_error(e, &last.url)))?;
    }
    if let Some((same, body)) = &a.compare {
        let rec = info
            .recorded_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "no answer".into());
        let now = last.status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into());
        let l = format!("  recorded {rec}, now {now}");
        writeln!(
            w,
            "{}",
            if *same {
                p.dim(&format!("{l}: the same"))
            } else {
                p.yellow(&l)
            }
        )?;
        match body {
            Some(b) if !b.same => {
                writeln!(w, "  {}", p.bold("body (recorded → now):"))?;
                for l in body_diff_lines(b, p, "    ") {
                    writeln!(w, "{l}")?;
                }
            }
            Some(_) => {}
            None => writeln!(w, "  {}", p.dim("(no response body was recorded at capture time)"))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::deliver::{Delivery, Prepared};
    use crate::core::feed::Fed;
    use crate::core::headers::Headers;
    use crate::core::replay::Replayed;
    use crate::core::replay_run::settle;
    use crate::core::secret::Redactor;

    #[test]
    fn result_lines_in_text() {
        let attempt = |status: Option<u16>, us: u64| Attempt {
            attempt: 1,
            method: "POST".into(),
            url: "http://127.0.0.1:9/hooks/a".into(),
            status,
            error: status.is_none().then(|| AttemptError {
                kind: deliver::ErrorKind::Refused,
                message: "Connection refused (os error 111)".into(),
            }),
            duration: Duration::from_micros(us),
            response_headers: Headers::default(),
            response_body: Vec::new(),
            response_truncated: false,
            retry_in: None,
        };
        let req = Prepared {
            method: "POST".into(),
            url: "http://127.0.0.1:9/hooks/a?q=\u{1b}[2J".into(),
            headers: Headers::default(),
            body: Default::default(),
            exact_values: Vec::new(),
        };
        let info = |resigned, modified| {
            Fed::new(
                "20261201201413hnj6nfiru3".into(),
                Replayed {
                    resigned,
                    modified,
                    recorded_status: None,
                    recorded_body: None,
                },
            )
        };
        let mut mode = ReplayView {
            json: false,
            compare: false,
        };
        let render = |mode: ReplayView, out: Output, info: Fed<Replayed>, attempts: Vec<Attempt>| {
            let mut w = Vec::new();
            let r = Redactor::default();
            let settled = settle(
                &info,
                &req,
                Ok(Delivery { attempts }),
                &r,
                mode.compare.then_some(&[][..]),
            );
            let ok = settled.count.ok;
            result(&mut w, settled, mode, &out).unwrap();
            (String::from_utf8(w).unwrap(), ok)
        };
        let plain = Output::plain();
        assert_eq!(
            render(mode, plain, info(None, false), vec![attempt(Some(200), 1449)]),
            (
                "✓ 200 POST http://127.0.0.1:9/hooks/a?q=\\e[2J  (20261201201413hnj6nfiru3, 1.4ms)\n".into(),
                true
            )
        );
        assert_eq!(
            render(
                mode,
                plain,
                info(Some("stripe"), true),
                vec![attempt(Some(503), 2_000_000), attempt(Some(404), 850)]
            ),
            (
                "✗ 404 POST http://127.0.0.1:9/hooks/a?q=\\e[2J  (20261201201413hnj6nfiru3, 2.00s, 2 attempts, re-signed stripe, modified)\n".into(),
                false
            )
        );
        assert_eq!(
            render(mode, plain, info(None, false), vec![attempt(None, 12_345)]).0,
            "✗ connection refused POST http://127.0.0.1:9/hooks/a?q=\\e[2J  (20261201201413hnj6nfiru3, 12.3ms)\n  connection refused by 127.0.0.1:9: is anything listening on that port?\n"
        );
        // In colour, each part is styled as one span, as the painter styles it.
        let colour = Output {
            out: Painter { on: true },
            ..plain
        };
        let p = colour.out;
        let want = format!(
            "{} {} POST http://127.0.0.1:9/hooks/a?q=\\e[2J  {}\n",
            p.red_bold("✗"),
            p.red("503"),
            p.dim("(20261201201413hnj6nfiru3, 950µs)")
        );
        assert_eq!(
            render(mode, colour, info(None, false), vec![attempt(Some(503), 950)]).0,
            want
        );
        // In JSON: one object a line, the same whether colour is on or off.
        mode.json = true;
        let want = concat!(
            r#"{"type":"replay","capture":"20261201201413hnj6nfiru3","method":"POST","#,
            r#""url":"http://127.0.0.1:9/hooks/a?q=\u001b[2J","resigned":"stripe","modified":true,"#,
            r#""delivered":true,"status":200,"error":null,"duration_ms":1000.6,"attempts":["#,
            r#"{"attempt":1,"method":"POST","url":"http://127.0.0.1:9/hooks/a","status":503,"error":null,"#,
            r#""duration_ms":1000.0,"response_truncated":false,"retry_in_ms":null},"#,
            r#"{"attempt":1,"method":"POST","url":"http://127.0.0.1:9/hooks/a","status":200,"error":null,"#,
            r#""duration_ms":0.6,"response_truncated":false,"retry_in_ms":null}],"response_body":""}"#,
            "\n"
        );
        for out in [plain, colour] {
            let attempts = vec![attempt(Some(503), 1_000_000), attempt(Some(200), 600)];
            assert_eq!(
                render(mode, out, info(Some("stripe"), true), attempts),
                (want.to_string(), true)
            );
        }
        let refused = render(mode, plain, info(None, false), vec![attempt(None, 12_345)]).0;
        let v: serde_json::Value = serde_json::from_str(&refused).unwrap();
        assert_eq!(
            v["error"],
            json!({"kind": "refused", "message": "Connection refused (os error 111)"})
        );
        assert_eq!(
            (
                v["delivered"].as_bool(),
                v["status"].as_u64(),
                v["duration_ms"].as_f64()
            ),
            (Some(false), None, Some(12.345))
        );
    }
}
