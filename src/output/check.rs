//! How `hookcat check` shows its cases and their reports: a table on stdout (the
//! data), a line of talk on stderr, or one JSON document.

use crate::core::check::{self, Case, CaseReport, Got, Mark, Setup, Summary};
use crate::core::units::format_duration;
use crate::output::{sanitize_line, Io, Output, Painter};

/// `--list`: every case chosen, what it sends and what a correct receiver answers.
pub fn list(cases: &[&Case], json: bool, out: &Output, io: &mut Io) -> std::io::Result<()> {
    if json {
        let v: Vec<serde_json::Value> = cases
            .iter()
            .map(|c| {
                serde_json::json!({
                    "case": c.name,
                    "sent": c.sent,
                    "expected": c.expected,
                    "why": c.matters,
                })
            })
            .collect();
        return io.json_pretty(&v);
    }
    let p = &out.out;
    for c in cases {
        io.line(&format!("{:<17} {}", p.bold(c.name), c.sent))?;
        io.line(&format!("{:<17} {} {}", "", p.dim("expects:"), c.expected))?;
    }
    Ok(())
}

/// The line on stderr before the cases run (the secret is not in it).
pub fn started(setup: &Setup, out: &Output, io: &mut Io) {
    let e = &out.err;
    io.talk(format_args!(
        "{} checking {} as {} (event {}, {})",
        e.dim("→"),
        sanitize_line(&setup.url),
        setup.scheme.meta().name,
        e.cyan(&setup.event.name),
        timeout_text(setup)
    ));
}

/// The timeout the answers are held to, and where it comes from.
fn timeout_text(setup: &Setup) -> String {
    match (check::delivery_timeout(setup), setup.timeout) {
        (Ok(t), Some(_)) => format!("timeout {} (--timeout)", format_duration(t)),
        (Ok(t), None) => format!("timeout {} ({}'s)", format_duration(t), setup.scheme.meta().provider),
        (Err(why), _) => format!("{why}: waiting up to {}", format_duration(check::UNKNOWN_TIMEOUT_WAIT)),
    }
}

fn mark(p: &Painter, m: Mark, strict: bool) -> String {
    let label = format!("{:<5}", m.label());
    match m {
        Mark::Pass => p.green(&label),
        Mark::Fail => p.red_bold(&label),
        Mark::Warn if strict => p.red_bold(&label),
        Mark::Warn => p.yellow(&label),
        Mark::NotApplicable => p.dim(&label),
    }
}

/// An answer: `200 · 3.1 ms`, or why there was none.
pub fn answer(g: &Got) -> String {
    match (g.status, &g.error) {
        (Some(s), _) => format!("{s} · {:.1} ms", g.ms),
        (None, Some(e)) => format!(
            "{} · {:.1} ms",
            sanitize_line(e.split(':').next().unwrap_or_default()),
            g.ms
        ),
        _ => "-".into(),
    }
}

/// The report as a table: case, verdict, answers, expected; then, under a case that
/// did not pass, why it matters and what to fix, and any note.
pub fn table(
    reports: &[CaseReport],
    summary: &Summary,
    strict: bool,
    out: &Output,
    io: &mut Io,
) -> std::io::Result<()> {
    let p = &out.out;
    io.line(&p.bold(&format!("{:<17} {:<5}  {:<24} {}", "case", "", "got", "expected")))?;
    for r in reports {
        let got = match r.got.as_slice() {
            [] => "-".to_string(),
            gots => gots.iter().map(answer).collect::<Vec<_>>().join(", "),
        };
        io.line(&format!(
            "{:<17} {}  {:<24} {}",
            r.case,
            mark(p, r.verdict, strict),
            got,
            p.dim(r.expected)
        ))?;
        let pad = " ".repeat(18);
        if let Some(n) = &r.note {
            io.line(&format!("{pad}{}", sanitize_line(n)))?;
        }
        if matches!(r.verdict, Mark::Fail | Mark::Warn) {
            io.line(&format!("{pad}{} {}", p.dim("why:"), r.why))?;
            if let Some(f) = &r.fix {
                io.line(&format!("{pad}{} {}", p.bold("fix:"), sanitize_line(f)))?;
            }
        }
    }
    let total = reports.len();
    io.line(&format!(
        "{total} case{}: {} pass, {} fail, {} warn{}, {} n/a",
        if total == 1 { "" } else { "s" },
        summary.pass,
        summary.fail,
        summary.warn,
        if strict && summary.warn > 0 {
            " (failing: --strict)"
        } else {
            ""
        },
        summary.not_applicable
    ))
}

/// When no delivery got an answer, the failure in one line with what to do about it
/// (`connection refused by 127.0.0.1:9: is anything listening on that port?`), as
/// `send` says it: the cases' verdicts then say nothing about the receiver.
pub fn never_answered(setup: &Setup, reports: &[CaseReport], out: &Output, io: &mut Io) {
    let mut gots = reports.iter().flat_map(|r| &r.got).peekable();
    if gots.peek().is_none() || gots.clone().any(|g| g.status.is_some()) {
        return;
    }
    if let Some(failure) = gots.find_map(|g| g.failure.as_ref()) {
        io.talk(format_args!(
            "{} no case got an answer: {}",
            out.err.red("✗"),
            crate::output::network_error(failure, &setup.url)
        ));
    }
}

/// `--json`: one document with every case and the summary.
pub fn json(
    setup: &Setup,
    reports: &[CaseReport],
    summary: &Summary,
    strict: bool,
    io: &mut Io,
) -> std::io::Result<()> {
    let ok = summary.fail == 0 && !(strict && summary.warn > 0);
    io.json_pretty(&serde_json::json!({
        "url": setup.url,
        "scheme": setup.scheme.meta().name,
        "event": setup.event.name,
        "timeout_ms": check::delivery_timeout(setup).ok().map(|t| t.as_millis() as u64),
        "timeout": timeout_text(setup),
        "strict": strict,
        "cases": reports,
        "summary": summary,
        "ok": ok,
    }))
}
