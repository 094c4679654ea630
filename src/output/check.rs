//! How `hookcat check` shows its cases and their reports: a table on stdout (the
//! data), a line of talk on stderr, or one JSON document.

use crate::core::check::{self, Case, CaseReport, Checked, Got, Mark, Setup, Summary, Unreachable};
use crate::core::units::format_duration_setting;
use crate::output::{sanitize_line, Io, Output, Painter};

/// `--list`: every case chosen, what it sends, what a correct receiver answers and why
/// it matters.
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
        io.line(&format!("{:<17} {} {}", "", p.dim("why:"), c.matters))?;
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
        (Ok(t), Some(_)) => format!("timeout {} (--timeout)", format_duration_setting(t)),
        (Ok(t), None) => format!(
            "timeout {} ({}'s)",
            format_duration_setting(t),
            setup.scheme.meta().provider
        ),
        (Err(why), _) => format!(
            "{why}: waiting up to {}",
            format_duration_setting(check::UNKNOWN_TIMEOUT_WAIT)
        ),
    }
}

fn mark(p: &Painter, m: Mark, strict: bool) -> String {
    let label = format!("{:<7}", m.label());
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

/// A run's report: the table of the cases run (none when the first could not reach
/// the receiver), then, when the run stopped early, one line on stderr saying why and
/// what to do.
pub fn report(checked: &Checked, strict: bool, out: &Output, io: &mut Io) -> std::io::Result<()> {
    if !checked.reports.is_empty() {
        table(&checked.reports, &checked.summary(), strict, out, io)?;
    }
    if let Some(u) = &checked.unreachable {
        let e = &out.err;
        let stopped = if checked.reports.is_empty() {
            String::new()
        } else {
            format!("stopped at case {}: ", u.case)
        };
        io.talk(format_args!("{} {stopped}{}", e.red_bold("✗"), unreachable_line(u)));
    }
    Ok(())
}

/// Why the receiver could not be reached, with what to do.
fn unreachable_line(u: &Unreachable) -> String {
    crate::output::network_error(&u.error, &u.url)
}

/// The report as a table: case, verdict, answers, expected; under each case its note,
/// why it matters (a case that ran) and what to fix (one that did not pass).
pub fn table(
    reports: &[CaseReport],
    summary: &Summary,
    strict: bool,
    out: &Output,
    io: &mut Io,
) -> std::io::Result<()> {
    let p = &out.out;
    let gots: Vec<String> = reports
        .iter()
        .map(|r| match r.got.as_slice() {
            [] => "-".to_string(),
            gots => gots.iter().map(answer).collect::<Vec<_>>().join(", "),
        })
        .collect();
    // As wide as the widest answer, within reason: a long one pushes its row only.
    let width = gots.iter().map(|g| g.chars().count()).max().unwrap_or(0).clamp(3, 32);
    io.line(&p.bold(&format!(
        "{:<17} {:<7}  {:<width$} {}",
        "case", "verdict", "got", "expected"
    )))?;
    for (r, got) in reports.iter().zip(&gots) {
        io.line(&format!(
            "{:<17} {}  {:<width$} {}",
            r.case,
            mark(p, r.verdict, strict),
            got,
            p.dim(r.expected)
        ))?;
        let pad = " ".repeat(18);
        if let Some(n) = &r.note {
            io.line(&format!("{pad}{}", sanitize_line(n)))?;
        }
        if r.verdict != Mark::NotApplicable {
            io.line(&format!("{pad}{} {}", p.dim("why:"), r.why))?;
        }
        if matches!(r.verdict, Mark::Fail | Mark::Warn) {
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

/// `--json`: one document with every case and the summary.
pub fn json(setup: &Setup, checked: &Checked, strict: bool, io: &mut Io) -> std::io::Result<()> {
    let unreachable = checked.unreachable.as_ref().map(|u| {
        serde_json::json!({
            "case": u.case,
            "url": u.url,
            "kind": u.error.kind,
            "message": unreachable_line(u),
        })
    });
    io.json_pretty(&serde_json::json!({
        "url": setup.url,
        "scheme": setup.scheme.meta().name,
        "event": setup.event.name,
        "timeout_ms": check::delivery_timeout(setup).ok().map(|t| t.as_millis() as u64),
        "timeout": timeout_text(setup),
        "strict": strict,
        "cases": checked.reports,
        "summary": checked.summary(),
        "unreachable": unreachable,
        "ok": checked.ok(strict),
    }))
}
