//! `hookcat captures`: list, show, export and compare captured requests. The log is
//! read as a stream (listing a 1 GiB log takes bounded memory); selection, exports and
//! the comparison are the core's ([`crate::core::select`], [`crate::core::export`],
//! [`crate::core::diff`]); this file renders them.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::json;

use super::common::{capture_error, explain, log_path, open_log};
use crate::cli::{CapturesCommand, ExportFormat};
use crate::core::capture::{BodyEncoding, CaptureRecord, LogItem, LogReader};
use crate::core::diff::{self, BodyMode, Change};
use crate::core::export;
use crate::core::replay;
use crate::core::secret::Redactor;
use crate::core::select;
use crate::core::url::join_url;
use crate::exit::Outcome;
use crate::output::captures::{body_diff_lines, SkippedLines};
use crate::output::{
    capture_lines, capture_summary, is_secret_header, json_safe, mask_headers, raw_for_terminal, sanitize_line,
    CaptureView, Io, Output, HIDDEN,
};

pub fn run(c: CapturesCommand, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    match c {
        CapturesCommand::List { log, json } => list(&log_path(log.as_deref()), json, out, io),
        CapturesCommand::Show { id, file, json, reveal } => {
            show(&log_path(file.as_deref()), &id, json, reveal, out, io)
        }
        CapturesCommand::Export {
            ids,
            file,
            format,
            to,
            reveal,
        } => export(&log_path(file.as_deref()), &ids, format, to.as_deref(), reveal, out, io),
        CapturesCommand::Diff {
            a,
            b,
            file,
            exact,
            json,
            reveal,
        } => diff(&log_path(file.as_deref()), &a, &b, exact, json, reveal, out, io),
    }
}

/// The captures with these ids (or unique prefixes), in the order given.
fn find(log: &Path, ids: &[String], out: &Output, io: &mut Io) -> anyhow::Result<Vec<CaptureRecord>> {
    let reader = open_log(log)?;
    let mut skips = SkippedLines::new(out, log, &mut io.stderr);
    let found = select::find_ids(reader, ids, &mut |l, r| skips.warn(l, r));
    skips.finish();
    found.map_err(|e| explain(e, log))
}

/// [`find`], for showing and exporting: every value a scheme sends its secret in as it
/// is (GitLab's `X-Gitlab-Token`) is its redaction marker, as the listener writes it
/// today; a log written before that holds the token itself. The log is not changed
/// (`replay` reads it as it is), and `--reveal` does not bring the token back.
fn find_shown(log: &Path, ids: &[String], out: &Output, io: &mut Io) -> anyhow::Result<Vec<CaptureRecord>> {
    let mut records = find(log, ids, out, io)?;
    let redactor = Redactor::new();
    for r in &mut records {
        redactor.redact_record(r);
    }
    Ok(records)
}

fn list(log: &Path, json: bool, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let reader = open_log(log)?;
    let mut skips = SkippedLines::new(out, log, &mut io.stderr);
    let mut w = BufWriter::with_capacity(64 * 1024, &mut io.stdout);
    let p = &out.out;
    let mut n = 0u64;
    if json {
        w.write_all(b"[")?;
    }
    for item in LogReader::new(reader) {
        // One record at a time: nothing of a row is kept once it is written.
        let record = match item.map_err(|e| capture_error(e, log))? {
            LogItem::Skipped { line, reason } => {
                skips.warn(line, &reason);
                continue;
            }
            LogItem::Record { record, .. } => record,
        };
        n += 1;
        if json {
            w.write_all(if n == 1 { b"\n  " } else { b",\n  " })?;
            let text = serde_json::to_string(&list_object(&record))?;
            w.write_all(json_safe(&text).as_bytes())?;
        } else {
            writeln!(
                w,
                "{}  {}",
                p.yellow(&sanitize_line(&record.id)),
                capture_summary(&record, p)
            )?;
        }
    }
    if json {
        w.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })?;
    }
    w.flush()?;
    drop(w);
    skips.finish();
    if !json {
        io.talk(format_args!(
            "{}",
            out.err.dim(&format!(
                "{n} capture{} in {}",
                if n == 1 { "" } else { "s" },
                log.display()
            ))
        ));
    }
    Ok(Outcome::Success)
}

fn list_object(r: &CaptureRecord) -> serde_json::Value {
    json!({
        "id": r.id,
        "received_at": r.received_at,
        "method": r.method,
        "path": r.path,
        "provider": r.provider,
        "event": r.event,
        "size": body_size(r),
        "content_type": r.headers.get("content-type"),
        "scheme": r.verification.as_ref().map(|v| &v.scheme),
        "valid": r.verification.as_ref().map(|v| v.valid),
        "status": r.response.as_ref().and_then(|x| x.status),
        "answer": r.response.as_ref().map(|x| &x.kind),
    })
}

/// The body's size in bytes, without decoding or copying it.
fn body_size(r: &CaptureRecord) -> usize {
    match r.body_encoding {
        BodyEncoding::Utf8 => r.body.len(),
        BodyEncoding::Base64 => {
            let t = r.body.trim_end();
            (t.len() / 4 * 3).saturating_sub(t.bytes().rev().take_while(|b| *b == b'=').count().min(2))
        }
    }
}

fn show(log: &Path, id: &str, json: bool, reveal: bool, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let r = find_shown(log, &[id.to_string()], out, io)?.remove(0);
    if json {
        io.line(&json_safe(&r.to_line()))?;
    } else {
        let view = CaptureView {
            headers: true,
            body: true,
            max_body_lines: 0,
            reveal,
        };
        for l in capture_lines(&r, view, &[], &out.out) {
            io.line(&l)?;
        }
    }
    Ok(Outcome::Success)
}

fn export(
    log: &Path,
    ids: &[String],
    format: ExportFormat,
    to: Option<&str>,
    reveal: bool,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    if let Some(u) = to {
        crate::core::deliver::check_url(u)?;
    }
    let mut records = find_shown(log, ids, out, io)?;
    // Credential headers are masked in the commands and documents made for people, and
    // on a terminal, unless asked for; raw bytes to a file or pipe and the JSON export
    // (a capture log, which replay needs whole) keep them.
    let mut hidden = Vec::with_capacity(records.len());
    let shown_raw = format == ExportFormat::Raw && out.stdout_tty;
    if !reveal && (matches!(format, ExportFormat::Curl | ExportFormat::Har) || shown_raw) {
        for r in &mut records {
            let (masked, names) = mask_headers(&r.headers, &[]);
            r.headers = masked;
            hidden.push(names);
        }
    }
    match format {
        ExportFormat::Curl => {
            let base = to.unwrap_or("http://localhost:9000");
            for (i, r) in records.iter().enumerate() {
                let cmd = export::curl_command(r, &join_url(base, &r.path)).map_err(|e| capture_error(e, log))?;
                let sep = if i == 0 { "" } else { "\n" };
                // Comment lines are shown by the terminal and read by the shell: every
                // field from the log in them is escaped to one printable line.
                let mut text = format!(
                    "{sep}# capture {}: {} {} at {}\n",
                    sanitize_line(&r.id),
                    sanitize_line(&r.method),
                    sanitize_line(&r.path),
                    sanitize_line(&r.received_at)
                );
                // (Of the headers the command sends: hop-by-hop ones are not replayed.)
                let sent = replay::replay_headers(&r.headers);
                let names: Vec<_> = hidden
                    .get(i)
                    .into_iter()
                    .flatten()
                    .filter(|n| sent.contains(n))
                    .map(|n| sanitize_line(n))
                    .collect();
                if !names.is_empty() {
                    text.push_str(&format!("# hidden: {} (--reveal puts them in)\n", names.join(", ")));
                }
                text.push_str(&cmd);
                io.line(&text)?;
            }
        }
        ExportFormat::Har => io.json_pretty(&export::har(&records, to).map_err(|e| capture_error(e, log))?)?,
        ExportFormat::Raw => {
            if out.stdout_tty && !records.is_empty() {
                io.talk(format_args!(
                    "{} stdout is a terminal: control bytes are shown escaped (\\e, \\r, \\xHH), each CR LF as a line end; redirect to a file (> FILE) for the exact bytes",
                    out.err.dim("note:")
                ));
            }
            for r in &records {
                let raw = export::raw_request(r).map_err(|e| capture_error(e, log))?;
                if out.stdout_tty {
                    io.bytes(raw_for_terminal(&raw).as_bytes())?;
                } else {
                    io.bytes(&raw)?;
                }
            }
        }
        ExportFormat::Json => {
            for r in &records {
                io.line(&json_safe(&r.to_line()))?;
            }
        }
    }
    Ok(Outcome::Success)
}

#[allow(clippy::too_many_arguments)]
fn diff(
    log: &Path,
    a: &str,
    b: &str,
    exact: bool,
    json: bool,
    reveal: bool,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    let found = find_shown(log, &[a.to_string(), b.to_string()], out, io)?;
    let (ra, rb) = (&found[0], &found[1]);
    let d = diff::diff_captures(ra, rb, exact).map_err(|e| capture_error(e, log))?;
    if json {
        io.json(&d)?;
        return Ok(Outcome::from_bool(d.identical));
    }
    let p = &out.out;
    io.line(&p.red(&format!(
        "--- {}  {} {}  {}",
        sanitize_line(&ra.id),
        sanitize_line(&ra.method),
        sanitize_line(&ra.path),
        sanitize_line(&ra.received_at)
    )))?;
    io.line(&p.green(&format!(
        "+++ {}  {} {}  {}",
        sanitize_line(&rb.id),
        sanitize_line(&rb.method),
        sanitize_line(&rb.path),
        sanitize_line(&rb.received_at)
    )))?;
    if d.identical {
        io.line("no differences")?;
        return Ok(Outcome::Success);
    }
    if let Some(m) = &d.method {
        io.line(&format!(
            "{} {} → {}",
            p.bold("method:"),
            sanitize_line(&m.a),
            sanitize_line(&m.b)
        ))?;
    }
    if let Some(x) = &d.path {
        io.line(&format!(
            "{} {} → {}",
            p.bold("path:"),
            sanitize_line(&x.a),
            sanitize_line(&x.b)
        ))?;
    }
    io.line(&p.bold("headers:"))?;
    for h in &d.headers {
        let hide = |v: &str| -> String {
            if !reveal && is_secret_header(&h.name) {
                HIDDEN.into()
            } else {
                sanitize_line(v).into_owned()
            }
        };
        let (a, b) = (h.a.as_deref().map(hide), h.b.as_deref().map(hide));
        let name = sanitize_line(&h.name);
        let mut l = match h.change {
            Change::Changed => format!(
                "  {} {}: {} → {}",
                p.yellow("~"),
                name,
                a.unwrap_or_default(),
                b.unwrap_or_default()
            ),
            Change::Removed => p.red(&format!("  - {name}: {}", a.unwrap_or_default())),
            Change::Added => p.green(&format!("  + {name}: {}", b.unwrap_or_default())),
        };
        if h.varies {
            l.push_str(&p.dim("  (varies per delivery)"));
        }
        io.line(&l)?;
    }
    let same = d.same_headers;
    io.line(&p.dim(&format!(
        "  ({same} header{} the same)",
        if same == 1 { "" } else { "s" }
    )))?;
    let how = match d.body.mode {
        BodyMode::Json => "as JSON: key order and whitespace ignored",
        BodyMode::Text => "as text",
        BodyMode::Binary => "as bytes",
    };
    io.line(&format!("{} {}", p.bold("body"), p.dim(&format!("({how}):"))))?;
    for l in body_diff_lines(&d.body, p, "  ") {
        io.line(&l)?;
    }
    Ok(Outcome::Negative)
}
