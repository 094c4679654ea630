//! `send`'s rendering: the request going out, each attempt's answer, the answer's body
//! and the verdict of one delivery; for a load run (`--count`), its banner, progress
//! bar and summary.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::core::deliver::{Attempt, Delivery, LoadProgress, LoadSummary};
use crate::core::units::format_duration;
use crate::output::{is_secret_header, progress_bar, render_body, sanitize_line, BodyView, Io, Output, HIDDEN};

/// How one delivery is shown.
#[derive(Debug, Clone, Copy)]
pub struct SendView {
    pub json: bool,
    /// `-v`: the answer's headers, and its body whole.
    pub verbose: bool,
    /// `--reveal`: credential headers as they are.
    pub reveal: bool,
    /// Retries allowed (attempts are numbered when there are any).
    pub retries: u32,
}

/// `→ POST URL github.push signed with github`, on stderr.
pub fn request_line(io: &mut Io, out: &Output, method: &str, url: &str, name: Option<&str>, scheme: Option<&str>) {
    let e = &out.err;
    let what = name.map(|n| format!(" {}", e.cyan(n))).unwrap_or_default();
    let signed = scheme.map(|s| format!(" signed with {s}")).unwrap_or_default();
    io.talk(format_args!(
        "{} {} {}{what}{}",
        e.dim("→"),
        e.bold(&sanitize_line(method)),
        sanitize_line(url),
        e.dim(&signed)
    ));
}

/// The words of a status: `Not Found`.
fn status_text(s: u16) -> &'static str {
    reqwest::StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}

/// One attempt as it is answered: a JSON object on stdout, or its lines on stderr.
pub fn attempt(io: &mut Io, out: &Output, view: SendView, at: &Attempt) {
    let e = &out.err;
    if view.json {
        let mut v = serde_json::to_value(at).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "attempt".into());
            o.insert(
                "response_body".into(),
                String::from_utf8_lossy(&at.response_body).into(),
            );
        }
        let _ = io.json(&v);
        return;
    }
    let line = match (at.status, &at.error) {
        (Some(s), _) => {
            let st = format!("{s} {}", status_text(s));
            let st = if s < 300 {
                e.green_bold(&st)
            } else if s < 500 {
                e.yellow(&st)
            } else {
                e.red_bold(&st)
            };
            format!("{} {st} {}", e.dim("←"), e.dim(&format_duration(at.duration)))
        }
        (None, Some(err)) => format!("{} {}", e.red_bold("✗"), crate::output::network_error(err, &at.url)),
        _ => String::new(),
    };
    let number = if view.retries > 0 {
        e.dim(&format!("[attempt {}/{}] ", at.attempt, view.retries + 1))
    } else {
        String::new()
    };
    io.talk(format_args!("{number}{line}"));
    if view.verbose {
        for (k, v) in at.response_headers.iter() {
            let v = if !view.reveal && is_secret_header(k) {
                HIDDEN.into()
            } else {
                sanitize_line(v)
            };
            io.talk(format_args!("  {}: {v}", e.blue(&sanitize_line(k))));
        }
    }
    if let Some(w) = at.retry_in {
        io.talk(format_args!(
            "{}",
            e.dim(&format!("  retrying in {}", format_duration(w)))
        ));
    }
}

/// How a delivery ended: a JSON summary on stdout, or the answer's body on stdout and,
/// when it was not delivered, why on stderr. `attempts` are the delivery's as shown.
pub fn delivered(
    io: &mut Io,
    out: &Output,
    view: SendView,
    delivery: &Delivery,
    attempts: &[Attempt],
    url: &str,
    name: Option<&str>,
) -> std::io::Result<()> {
    let e = &out.err;
    let last = attempts.last().expect("at least one attempt");
    let ok = delivery.delivered();
    if view.json {
        return io.json(&serde_json::json!({
            "type": "summary",
            "delivered": ok,
            "attempts": delivery.attempts.len(),
            "status": last.status,
            "error": last.error,
            "url": url,
            "event": name,
        }));
    }
    if !last.response_body.is_empty() {
        let bv = BodyView {
            max_lines: if view.verbose { 0 } else { 40 },
        };
        for l in render_body(
            &last.response_body,
            last.response_headers.get("content-type"),
            last.response_headers.get("content-encoding"),
            bv,
            &out.out,
        ) {
            io.line(&l)?;
        }
        if last.response_truncated {
            io.talk(format_args!(
                "{}",
                e.dim(&format!("(response body cut at {} bytes)", last.response_body.len()))
            ));
        }
    }
    let tries = delivery.attempts.len();
    // A network failure has had its line; after retries, the count is worth one more.
    if !ok && (last.error.is_none() || tries > 1) {
        let why = match (last.status, &last.error) {
            (Some(s), _) => format!(": the receiver answered {s} {}", status_text(s)),
            _ => String::new(),
        };
        io.talk(format_args!(
            "{} not delivered after {tries} attempt{}{why}",
            e.red_bold("✗"),
            if tries == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// `→ 100 × POST URL (concurrency 10, ≤50/s)`, on stderr.
pub fn load_banner(
    io: &mut Io,
    out: &Output,
    count: u64,
    method: &str,
    url: &str,
    concurrency: usize,
    rate: Option<f64>,
) {
    io.talk(format_args!(
        "{} {count} × {method} {} (concurrency {concurrency}{})",
        out.err.dim("→"),
        sanitize_line(url),
        rate.map(|r| format!(", ≤{r:.0}/s")).unwrap_or_default()
    ));
}

/// A load run's progress bar on a terminal, brought up to date ten times a second
/// from the run's [`LoadProgress`] (no request touches the bar). Must be started
/// inside the runtime.
pub struct LoadBar {
    bar: Option<indicatif::ProgressBar>,
    ticker: tokio::task::JoinHandle<()>,
}

impl LoadBar {
    pub fn start(out: &Output, json: bool, count: u64, progress: Arc<LoadProgress>) -> LoadBar {
        let bar = (out.stderr_tty && !json).then(|| progress_bar(count, true));
        let ticker = {
            let bar = bar.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if let Some(b) = &bar {
                        b.set_position(progress.done.load(Ordering::Relaxed));
                    }
                }
            })
        };
        LoadBar { bar, ticker }
    }

    /// Stops the updates and clears the bar.
    pub fn finish(self) {
        self.ticker.abort();
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}

/// A load run's summary on stdout: a JSON object, or lines (answered, statuses,
/// errors, retries, latency: [`crate::output::load_summary_lines`]).
pub fn load_summary(io: &mut Io, out: &Output, json: bool, summary: &LoadSummary) -> anyhow::Result<()> {
    if json {
        let mut v = serde_json::to_value(summary)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "summary".into());
        }
        io.json(&v)?;
        return Ok(());
    }
    for l in crate::output::load_summary_lines(summary, &out.out) {
        io.line(&l)?;
    }
    if let (0, Some((e, url))) = (summary.answered, &summary.a_failure) {
        io.talk(format_args!(
            "{} {}",
            out.err.red("✗"),
            crate::output::network_error(e, url)
        ));
    }
    Ok(())
}
