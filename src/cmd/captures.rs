//! `hookcat captures`: list, show, export and compare captured requests. The log is
//! read as a stream (listing a 1 GiB log takes bounded memory); selection, exports and
//! the comparison are the core's ([`crate::core::select`], [`crate::core::export`],
//! [`crate::core::diff`]); this file renders them.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::json;

use super::common::{capture_error, explain, log_and_ids, open_log, selection};
use crate::cli::{CapturesCommand, ExportFormat};
use crate::core::capture::{BodyEncoding, CaptureRecord, LogItem, LogReader};
use crate::core::diff::{self, BodyMode, Change};
use crate::core::export;
use crate::core::log::PruneError;
use crate::core::replay::{self, ReplayError};
use crate::core::secret::Redactor;
use crate::core::select::{self, Selection};
use crate::core::units::format_size;
use crate::core::url::join_url;
use crate::exit::{hinted, Outcome};
use crate::output::captures::{body_diff_lines, SkippedLines};
use crate::output::{
    capture_lines, capture_summary, is_secret_header, json_safe, mask_headers, raw_for_terminal, sanitize_line,
    CaptureView, Io, Output, HIDDEN,
};

pub fn run(c: CapturesCommand, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    match c {
        CapturesCommand::List { log, select, json } => {
            let (path, ids) = log_and_ids(&log.items, log.file.as_deref())?;
            let sel = selection(ids, &select, &path)?;
            list(&path, &sel, json, out, io)
        }
        CapturesCommand::Show { log, json, reveal } => {
            let (path, ids) = log_and_ids(&log.items, log.file.as_deref())?;
            let [id] = named::<1>(ids, "show", "one capture")?;
            show(&path, &id, json, reveal, out, io)
        }
        CapturesCommand::Export {
            log,
            select,
            format,
            to,
            reveal,
        } => {
            let (path, ids) = log_and_ids(&log.items, log.file.as_deref())?;
            let sel = selection(ids, &select, &path)?;
            if sel.is_unset() {
                return Err(explain(ReplayError::NothingSelected, &path));
            }
            export(&path, &sel, format, to.as_deref(), reveal, out, io)
        }
        CapturesCommand::Diff {
            log,
            exact,
            json,
            reveal,
        } => {
            let (path, ids) = log_and_ids(&log.items, log.file.as_deref())?;
            let [a, b] = named::<2>(ids, "diff", "two captures")?;
            diff(&path, &a, &b, exact, json, reveal, out, io)
        }
        CapturesCommand::Prune { log, older_than, keep } => {
            let (path, ids) = log_and_ids(&log.items, log.file.as_deref())?;
            if !ids.is_empty() {
                return Err(hinted(
                    format!(
                        "captures prune takes no capture ids (given: {})",
                        sanitize_line(&ids.join(" "))
                    ),
                    "name the log, and what to remove with --older-than AGE and/or --keep N",
                ));
            }
            prune(&path, older_than.as_deref(), keep, out, io)
        }
    }
}

/// The captures a subcommand needs exactly N of.
fn named<const N: usize>(ids: Vec<String>, cmd: &str, what: &str) -> anyhow::Result<[String; N]> {
    let n = ids.len();
    ids.try_into().map_err(|_| {
        hinted(
            format!("captures {cmd} needs {what}, {n} given"),
            "name a capture by its id, its short id (`hookcat captures list` shows them), `last` or `last~N`",
        )
    })
}

/// The captures selected: those named in the order given, else in log order.
fn pick(log: &Path, sel: &Selection, out: &Output, io: &mut Io) -> anyhow::Result<Vec<CaptureRecord>> {
    let reader = open_log(log)?;
    let mut skips = SkippedLines::new(out, log, &mut io.stderr);
    let found = select::select(reader, sel, &mut |l, r| skips.warn(l, r));
    skips.finish();
    found.map_err(|e| explain(e, log))
}

/// [`pick`], for showing and exporting: every value a scheme sends its secret in as it
/// is (GitLab's `X-Gitlab-Token`) is its redaction marker, as the listener writes it
/// today; a log written before that holds the token itself. The log is not changed
/// (`replay` reads it as it is), and `--reveal` does not bring the token back.
fn pick_shown(log: &Path, sel: &Selection, out: &Output, io: &mut Io) -> anyhow::Result<Vec<CaptureRecord>> {
    let mut records = pick(log, sel, out, io)?;
    let redactor = Redactor::new();
    for r in &mut records {
        redactor.redact_record(r);
    }
    Ok(records)
}

/// [`pick_shown`] of the captures with these names, in the order given.
fn find_shown(log: &Path, ids: &[String], out: &Output, io: &mut Io) -> anyhow::Result<Vec<CaptureRecord>> {
    let sel = Selection {
        ids: ids.to_vec(),
        ..Selection::default()
    };
    pick_shown(log, &sel, out, io)
}

/// Lists the captures selected (every one when none is), streaming the log: only
/// `--last N` and captures named are held, the rest written as they are read.
fn list(log: &Path, sel: &Selection, json: bool, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let held = if !sel.ids.is_empty() || sel.last.is_some() {
        let reader = open_log(log)?;
        let mut skips = SkippedLines::new(out, log, &mut io.stderr);
        let found = select::select(reader, sel, &mut |l, r| skips.warn(l, r));
        skips.finish();
        match found {
            Ok(v) => Some(v),
            Err(ReplayError::Empty) => Some(Vec::new()),
            Err(e) => return Err(explain(e, log)),
        }
    } else {
        None
    };
    let mut skips = SkippedLines::new(out, log, &mut io.stderr);
    let mut w = BufWriter::with_capacity(64 * 1024, &mut io.stdout);
    let p = &out.out;
    let mut n = 0u64;
    if json {
        w.write_all(b"[")?;
    }
    let mut row = |w: &mut dyn Write, record: &CaptureRecord| -> anyhow::Result<()> {
        n += 1;
        if json {
            w.write_all(if n == 1 { b"\n  " } else { b",\n  " })?;
            let text = serde_json::to_string(&list_object(record))?;
            w.write_all(json_safe(&text).as_bytes())?;
        } else {
            let date = record.received_at.get(..10).unwrap_or_default();
            writeln!(
                w,
                "{}  {} {}",
                p.yellow(&sanitize_line(select::short_id(&record.id))),
                p.dim(&sanitize_line(date)),
                capture_summary(record, p)
            )?;
        }
        Ok(())
    };
    match held {
        Some(records) => {
            for r in &records {
                row(&mut w, r)?;
            }
        }
        None => {
            for item in LogReader::new(open_log(log)?) {
                // One record at a time: nothing of a row is kept once it is written.
                let record = match item.map_err(|e| capture_error(e, log))? {
                    LogItem::Skipped { line, reason } => {
                        skips.warn(line, &reason);
                        continue;
                    }
                    LogItem::Record { record, .. } => record,
                };
                if sel.keeps(&record) {
                    row(&mut w, &record)?;
                }
            }
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
        "short_id": select::short_id(&r.id),
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
    sel: &Selection,
    format: ExportFormat,
    to: Option<&str>,
    reveal: bool,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    if let Some(u) = to {
        crate::core::deliver::check_url(u)?;
    }
    let mut records = pick_shown(log, sel, out, io)?;
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
            for (i, r) in records.iter().enumerate() {
                // Where the command sends: --to, else the captured Host.
                let (base, said) = match to {
                    Some(b) => (b.to_string(), None),
                    None => match export::captured_base(r) {
                        Some(b) => {
                            let said = format!(
                                "# to {} (the captured Host; --to URL sends elsewhere)\n",
                                sanitize_line(&b)
                            );
                            (b, Some(said))
                        }
                        None => (
                            export::FALLBACK_BASE.to_string(),
                            Some(format!(
                                "# to {} (the capture has no usable Host; --to URL sends elsewhere)\n",
                                export::FALLBACK_BASE
                            )),
                        ),
                    },
                };
                let cmd = export::curl_command(r, &join_url(&base, &r.path)).map_err(|e| capture_error(e, log))?;
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
                text.push_str(said.as_deref().unwrap_or_default());
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

/// Removes old captures from the log (see [`crate::core::log::prune`]).
fn prune(
    log: &Path,
    older_than: Option<&str>,
    keep: Option<usize>,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    if older_than.is_none() && keep.is_none() {
        return Err(hinted(
            "captures prune needs what to remove",
            "give --older-than AGE (e.g. 7d), --keep N (the newest N stay), or both",
        ));
    }
    let before = older_than
        .map(|s| select::parse_since(s, jiff::Timestamp::now()))
        .transpose()
        .map_err(|e| hinted(e.to_string().replace("--since", "--older-than"), "e.g. --older-than 7d"))?;
    let shown = sanitize_line(&log.display().to_string()).into_owned();
    let done = crate::core::log::prune(log, before, keep).map_err(|e| match e {
        PruneError::InUse => hinted(
            format!("a listener is writing to `{shown}`: it was not pruned"),
            "stop the listener (Ctrl-C), then prune; or give the listener another log with --save FILE",
        ),
        PruneError::Capture(e) => capture_error(e, log),
        PruneError::Io(e) => anyhow::Error::new(e).context(format!("pruning `{shown}`")),
    })?;
    io.talk(format_args!(
        "{} removed {} capture{}, kept {} ({} → {}) in {shown}",
        out.err.green_bold("✓"),
        done.removed,
        if done.removed == 1 { "" } else { "s" },
        done.kept,
        format_size(done.bytes_before),
        format_size(done.bytes_after),
    ));
    Ok(Outcome::Success)
}
