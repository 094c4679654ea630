//! `hookcat replay`: sends captured requests again, byte-exact by default or re-signed
//! with a fresh timestamp and id (`--resign`), optionally edited (`--set`, `--edit`),
//! through the core's batch runner with retries, concurrency and a rate (the core's feed
//! reads the log, its preparation turns each capture into a request). Warns before
//! sending what a receiver will refuse (a stale or no longer matching signature); one
//! result line (or JSON object) per request, then a summary; `--compare` puts each new
//! answer beside the one recorded at capture time.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use super::captures::{body_diff_lines, explain, open_log, Skips};
use crate::cli::ReplayArgs;
use crate::core::capture::CaptureRecord;
use crate::core::deliver::{
    self, Attempt, AttemptError, Batch, ClientOptions, DeliverError, Delivery, Job, Policy, Prepared, Stop,
};
use crate::core::diff::{self, BodyDiff};
use crate::core::feed::{Fed, Feed, Prepare};
use crate::core::replay::{EditError, Hooks, Preparation, PrepareError, ReplayError, Replayed, Warning};
use crate::core::scheme::{human_secs, lookup};
use crate::core::secret::{Redactor, RestoreError};
use crate::core::select::{self, Selection};
use crate::core::units::{format_duration, Rate};
use crate::exit::{hinted, Outcome};
use crate::output::{json_safe_bytes, out_json, sanitize_line, Output, Painter};

pub fn run(a: ReplayArgs, out: &Output) -> anyhow::Result<Outcome> {
    let (log, ids) = log_and_ids(&a)?;
    let to = deliver::check_url(&a.to)?;
    if !a.resign && a.scheme.is_some() {
        return Err(hinted(
            "--scheme only matters with --resign",
            "add --resign to sign each request again with a fresh timestamp and id",
        ));
    }
    if a.all && !ids.is_empty() {
        return Err(hinted(
            "--all and capture ids cannot both be given",
            "drop the ids to replay every capture, or drop --all",
        ));
    }
    if a.concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    let rate = a.rate.map(Rate::per_second);
    let timeout = a.delivery.timeout.unwrap_or(Duration::from_secs(10));
    let overrides = super::common::overrides(&a.adds, &a.sets)?;
    let filters = a
        .filters
        .iter()
        .map(|f| select::parse_filter(f).map_err(|e| explain(e, &log)))
        .collect::<anyhow::Result<_>>()?;
    let now = jiff::Timestamp::now();
    let since = a.since.as_deref().map(|s| select::parse_since(s, now)).transpose()?;
    // The secret re-signs (--resign) and, either way, puts back the values that were
    // redacted when the captures were made.
    let restore = if a.resign {
        Some(super::common::require_secret(&a.secret, "re-signing (--resign)")?)
    } else {
        super::common::secret(&a.secret)?
    };
    let secret = if a.resign { restore.clone() } else { None };
    let editor = if a.edit { Some(editor()?) } else { None };

    let sel = Selection {
        ids,
        last: a.last,
        all: a.all,
        filters,
        since,
    };
    if sel.is_unset() {
        return Err(explain(ReplayError::NothingSelected, &log));
    }
    let generic = super::common::generic(&a.generic);
    if let Some(s) = a.scheme.as_deref().filter(|s| *s != "auto") {
        lookup(s, &generic)?;
    }
    let label = match (&a.scheme, secret.is_some()) {
        (_, false) => String::new(),
        (Some(s), true) if s != "auto" => format!(", re-signed with {s}"),
        _ => ", re-signed".to_string(),
    };
    let prep = Preparation::new(
        a.to.clone(),
        a.scheme.clone().filter(|s| s != "auto"),
        generic,
        secret,
        restore,
        overrides,
        editor.is_some(),
        now,
        a.compare,
    );
    let source = Source {
        log,
        sel,
        prep,
        editor,
        out: *out,
        banner: !a.json,
        label,
    };
    let opts = ClientOptions {
        insecure: a.delivery.insecure,
        cacert_pem: None,
        https: to.scheme() == "https",
        pool_size: a.concurrency,
        relay: false,
    };
    let client = deliver::clients(&opts, a.concurrency)?;
    let policy = Policy {
        timeout,
        retries: a.delivery.retries.unwrap_or(0),
        ..Policy::default()
    };
    let rt = super::common::runtime()?;
    let mode = Mode {
        json: a.json,
        compare: a.compare,
    };
    rt.block_on(send(client, source, policy, rate, a.concurrency, mode, *out))
}

/// A capture whose redacted value cannot be put back: what to give.
fn redacted_error(id: &str, e: RestoreError) -> anyhow::Error {
    let hint = match &e {
        RestoreError::NoSecret { .. } => {
            "give the secret with --secret-env VAR, --secret-file PATH or --secret VALUE to put it back \
             (with --resign, a header the scheme signs is made afresh)"
        }
        _ => "give the secret the capture was made with (--secret-env VAR, --secret-file PATH or --secret VALUE)",
    };
    hinted(format!("capture {id}: {e}"), hint)
}

/// What a capture whose preparation failed is told as, with a hint where there is one.
fn prepare_error(e: PrepareError) -> anyhow::Error {
    match e {
        PrepareError::Capture(e) => e.into(),
        PrepareError::Replay(e) => e.into(),
        PrepareError::Scheme(e) => e.into(),
        e @ PrepareError::UnknownScheme { .. } => hinted(e.to_string(), "name the scheme: --resign --scheme NAME"),
        PrepareError::Redacted { id, error } => redacted_error(&id, error),
        PrepareError::Edit(e) => anyhow::Error::from_boxed(e),
    }
}

/// Where the requests come from.
struct Source {
    log: PathBuf,
    sel: Selection,
    prep: Preparation,
    /// `--edit`'s editor.
    editor: Option<String>,
    out: Output,
    banner: bool,
    /// `, re-signed with …` for the banner.
    label: String,
}

/// The command's side of the feed: its preparation, and where it tells of skipped
/// lines and warnings.
struct Preparer {
    prep: Preparation,
    log: PathBuf,
    skips: Skips,
    hooks: Asks,
}

/// What preparing a capture asks of the command: the editor, and where warnings go.
struct Asks {
    editor: Option<String>,
    warn: Warnings,
}

impl Hooks for Asks {
    fn edit(&mut self, r: &CaptureRecord, body: &[u8]) -> Option<Result<Vec<u8>, EditError>> {
        let ed = self.editor.as_deref()?;
        Some(edit(ed, r, body).map_err(Into::into))
    }

    fn warn(&mut self, w: Warning<'_>) {
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
        self.warn.say(w.kind(), msg);
    }
}

impl Prepare for Preparer {
    type Info = Replayed;
    type Error = anyhow::Error;

    fn prepare(
        &mut self,
        r: &mut CaptureRecord,
        url: String,
        dropped: &mut Vec<(String, String)>,
    ) -> anyhow::Result<(Job, Replayed)> {
        self.prep.job(r, url, dropped, &mut self.hooks).map_err(prepare_error)
    }

    fn may_refuse(&self) -> bool {
        self.prep.may_refuse()
    }

    fn reads_answers(&self) -> bool {
        self.prep.compare
    }

    fn skipped(&mut self, line: u64, reason: &str) {
        self.skips.warn(line, reason);
    }

    fn skips_done(&mut self) {
        self.skips.finish();
    }

    fn prepared_all(&mut self) {
        self.hooks.warn.finish();
    }

    fn error(&self, e: ReplayError) -> anyhow::Error {
        explain(e, &self.log)
    }
}

/// Opens the log as the feed (every capture prepared here unless it streams), and
/// says what is being replayed.
fn open_feed(src: Source) -> anyhow::Result<Feed<Preparer>> {
    let Source {
        log,
        sel,
        prep,
        editor,
        out,
        banner,
        label,
    } = src;
    let reader = open_log(&log)?;
    let to = sanitize_line(&prep.to).into_owned();
    let preparer = Preparer {
        prep,
        skips: Skips::new(&out, &log),
        hooks: Asks {
            editor,
            warn: Warnings::new(out),
        },
        log: log.clone(),
    };
    let feed = Feed::open(reader, sel, preparer)?;
    if banner {
        let what = match feed.streaming() {
            false => {
                let n = feed.known();
                format!("{n} capture{}", if n == 1 { "" } else { "s" })
            }
            true => "captures".into(),
        };
        eprintln!(
            "{} replaying {what} from {} to {to}{label}",
            out.err.dim("→"),
            log.display()
        );
    }
    Ok(feed)
}

/// The log (`--file`, or a positional item that is an existing file, or the default
/// log) and the positional items that are capture ids.
fn log_and_ids(a: &ReplayArgs) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let mut log = a.file.clone();
    if let Some(f) = &log {
        check_log_path(f)?;
    }
    let mut ids = Vec::new();
    for item in &a.items {
        let p = Path::new(item);
        // An existing path is a log (or the wrong kind of file); a missing one is a
        // capture id when it is spelled as one, else a log that is not there.
        let is_log = match std::fs::metadata(p) {
            Ok(_) => true,
            Err(_) => !crate::core::capture::is_id(item),
        };
        if is_log {
            check_log_path(p)?;
            if let Some(prev) = &log {
                return Err(hinted(
                    format!("two capture logs given: `{}` and `{item}`", prev.display()),
                    "replay reads one log at a time",
                ));
            }
            log = Some(p.to_path_buf());
        } else {
            ids.push(item.clone());
        }
    }
    Ok((super::captures::log_path(log.as_deref()), ids))
}

/// Refuses a log path that is missing or not a regular file, naming it and what it is.
fn check_log_path(p: &Path) -> anyhow::Result<()> {
    let path = p.display().to_string();
    let shown = sanitize_line(&path);
    let hint = "name a capture log file (`hookcat listen --save FILE` writes one)";
    let m = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(hinted(format!("the capture log `{shown}` does not exist"), hint))
        }
        Err(e) => return Err(hinted(format!("cannot read the capture log `{shown}`: {e}"), hint)),
    };
    if m.is_file() {
        return Ok(());
    }
    if m.is_dir() {
        return Err(hinted(format!("`{shown}` is a directory, not a capture log"), hint));
    }
    let kind = file_kind(&m);
    Err(hinted(
        format!("`{shown}` is not a regular file ({kind}): replay reads a capture log from a file"),
        "save the stream to a file first, then replay that file",
    ))
}

/// What a path that is neither a file nor a directory is.
fn file_kind(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a file"
}

/// Warnings before sending: the first few of each kind, then a count.
struct Warnings {
    out: Output,
    seen: BTreeMap<&'static str, u64>,
}

impl Warnings {
    const SHOWN: u64 = 5;

    fn new(out: Output) -> Self {
        Warnings {
            out,
            seen: BTreeMap::new(),
        }
    }

    fn say(&mut self, kind: &'static str, msg: String) {
        let n = self.seen.entry(kind).or_default();
        *n += 1;
        if *n <= Self::SHOWN {
            eprintln!("{} {}", self.out.err.yellow("warning:"), sanitize_line(&msg));
        }
    }

    fn finish(&self) {
        for (kind, n) in &self.seen {
            if *n > Self::SHOWN {
                eprintln!(
                    "{} … and {} more captures {kind} in the same way",
                    self.out.err.yellow("warning:"),
                    n - Self::SHOWN
                );
            }
        }
    }
}

/// `$VISUAL`, else `$EDITOR`.
fn editor() -> anyhow::Result<String> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    var("VISUAL").or_else(|| var("EDITOR")).ok_or_else(|| {
        hinted(
            "--edit needs an editor, and neither $VISUAL nor $EDITOR is set",
            "set one, e.g. EDITOR=nano",
        )
    })
}

/// Opens the body in the editor; returns what was saved.
fn edit(editor: &str, r: &CaptureRecord, body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let ext = if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        "json"
    } else {
        "txt"
    };
    let path = std::env::temp_dir().join(format!("hookcat-{}-{}.{ext}", r.id, std::process::id()));
    // Private (it holds a captured body) and new (never a file or link already there).
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(body)
    };
    write().with_context(|| format!("writing `{}` for the editor", path.display()))?;
    // Through the shell, so that an editor with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read(&path).with_context(|| format!("reading back `{}`", path.display())),
        Ok(s) => Err(anyhow::anyhow!(
            "the editor `{editor}` exited with {s} while editing capture {}: nothing was sent",
            r.id
        )),
        Err(e) => Err(anyhow::Error::new(e).context(format!("starting the editor `{editor}`"))),
    };
    let _ = std::fs::remove_file(&path);
    result
}

/// How results are shown.
#[derive(Debug, Clone, Copy)]
struct Mode {
    json: bool,
    compare: bool,
}

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    done: u64,
    ok: u64,
    failed: u64,
    changed: u64,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<&'static str, u64>,
}

/// How one finished request counts: worked out before the sink's lock is taken, added
/// under it, and nothing allocated for it.
#[derive(Default)]
struct Counted {
    ok: bool,
    changed: bool,
    status: Option<u16>,
    error: Option<&'static str>,
}

impl Tally {
    fn add(&mut self, c: Counted) {
        self.done += 1;
        if c.ok {
            self.ok += 1;
        } else {
            self.failed += 1;
        }
        self.changed += u64::from(c.changed);
        if let Some(s) = c.status {
            *self.statuses.entry(s).or_default() += 1;
        }
        if let Some(e) = c.error {
            *self.errors.entry(e).or_default() += 1;
        }
    }
}

/// The progress bar on a terminal. Hidden (`--json`, not a terminal), the bar is not
/// touched per request: its state is behind a lock.
struct Progress {
    bar: indicatif::ProgressBar,
    shown: bool,
}

/// Where finished requests are written, shared by the delivering tasks.
struct Sink {
    w: std::io::BufWriter<std::io::Stdout>,
    tally: Tally,
    last_flush: Instant,
    /// The first write error (a closed pipe): no more is written or started.
    error: Option<std::io::Error>,
}

async fn send(
    client: Vec<reqwest::Client>,
    source: Source,
    policy: Policy,
    rate: Option<f64>,
    concurrency: usize,
    mode: Mode,
    out: Output,
) -> anyhow::Result<Outcome> {
    let bar = if out.stderr_tty && !mode.json {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Lines go out at once when someone watches; otherwise in blocks, so that a fast
    // run is not a write per request.
    let progress = Arc::new(Progress {
        shown: !bar.is_hidden(),
        bar,
    });
    let eager = out.stdout_tty || progress.shown;
    let sink = Arc::new(Mutex::new(Sink {
        w: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
        tally: Tally::default(),
        last_flush: Instant::now(),
        error: None,
    }));
    // What is written about a request holds no secret that was put back in it.
    let redactor = Arc::new(source.prep.shown());
    let on_done = {
        let (sink, progress, redactor) = (sink.clone(), progress.clone(), redactor.clone());
        move |_: &mut (),
              fed: &Fed<Replayed>,
              req: &Prepared,
              res: Result<Delivery, DeliverError>,
              _: Duration|
              -> bool {
            // Rendered and counted before taking the lock: the tasks only queue for the
            // append. Into this thread's buffer, kept from line to line.
            thread_local! {
                static LINE: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(512));
            }
            LINE.with_borrow_mut(|line| {
                line.clear();
                // (A long `--compare` diff does not stay held.)
                line.shrink_to(64 * 1024);
                let mut counted = Counted::default();
                if let Err(e) = result(line, fed, req, res, mode, &out, &redactor, &mut counted) {
                    sink.lock().unwrap_or_else(|e| e.into_inner()).error.get_or_insert(e);
                    return false;
                }
                let mut guard = sink.lock().unwrap_or_else(|e| e.into_inner());
                let s = &mut *guard;
                if s.error.is_some() {
                    return false;
                }
                s.tally.add(counted);
                let mut write = || -> std::io::Result<()> {
                    // Human lines are escaped as they are written; JSON gets the
                    // escapes JSON allows for what it would let through.
                    if mode.json {
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
                let written = if progress.shown {
                    let w = progress.bar.suspend(write);
                    // (The bar's state is locked inside `suspend`: count outside it.)
                    progress.bar.inc(1);
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
    };
    // Read and prepared on this thread when they must all be ready before the first
    // is sent (the editor may run): nothing else runs yet.
    let feed = open_feed(source)?;
    progress.bar.inc_length(feed.known());
    let feed = Arc::new(Mutex::new(feed));
    let next = {
        let (feed, progress) = (feed.clone(), progress.clone());
        move |done: Option<(Job, Fed<Replayed>)>| {
            let (feed, progress) = (feed.clone(), progress.clone());
            async move {
                let job = Feed::take(&feed, done).await;
                // A streamed job lengthens the bar; prepared ones were counted above.
                if progress.shown && job.as_ref().is_some_and(|(_, fed)| fed.streamed()) {
                    progress.bar.inc_length(1);
                }
                job
            }
        }
    };
    let start = Instant::now();
    let stop = Stop::new();
    let mut interrupt = super::common::Interrupt::new()?;
    let batch = Batch {
        concurrency,
        rate,
        policy,
        signer: None,
        // What is still in flight at Ctrl-C is dropped: no result line comes after the
        // summary.
        drop_in_flight: true,
    };
    let run = deliver::run::<_, (), _, _, _>(client, batch, next, on_done, stop.clone());
    tokio::pin!(run);
    let interrupted = tokio::select! {
        _ = &mut run => false,
        // What is still in flight is dropped; no result line comes after the summary.
        _ = interrupt.recv() => {
            stop.stop();
            run.await;
            true
        }
    };
    let elapsed = start.elapsed();
    progress.bar.finish_and_clear();
    let tally = {
        let mut guard = sink.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = guard.error.take() {
            return Err(e.into());
        }
        guard.w.flush()?;
        std::mem::take(&mut guard.tally)
    };
    let mut feed = feed.lock().unwrap_or_else(|e| e.into_inner());
    let queued = match feed.take_error() {
        Some(e) => Err(e),
        // Handed out, and prepared but not taken (after Ctrl-C).
        None => Ok((feed.taken() + feed.known()).max(tally.done)),
    };
    let total = match queued {
        Ok(n) => n,
        // Nothing sent: just the error. Some sent: their summary, then the error.
        Err(e) if tally.done == 0 => return Err(e),
        Err(e) => {
            summary(&tally, tally.done, elapsed, false, mode, &out)?;
            return Err(e);
        }
    };
    summary(&tally, total, elapsed, interrupted, mode, &out)?;
    Ok(if interrupted {
        Outcome::Interrupted
    } else {
        Outcome::from_bool(tally.failed == 0 && tally.changed == 0)
    })
}

/// The closing summary: a JSON object on stdout, or a line on stderr.
fn summary(
    tally: &Tally,
    total: u64,
    elapsed: Duration,
    interrupted: bool,
    mode: Mode,
    out: &Output,
) -> anyhow::Result<()> {
    if mode.json {
        let secs = elapsed.as_secs_f64();
        out_json(&json!({
            "type": "summary",
            "requested": total,
            "sent": tally.done,
            "ok_2xx": tally.ok,
            "failed": tally.failed,
            "statuses": tally.statuses,
            "errors": tally.errors,
            "changed": if mode.compare { Some(tally.changed) } else { None },
            "elapsed_s": secs,
            "requests_per_sec": if secs > 0.0 { tally.done as f64 / secs } else { 0.0 },
            "interrupted": interrupted,
        }))?;
        return Ok(());
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
    if mode.compare {
        let n = tally.changed;
        s.push_str(&format!(
            "; {n} answer{} differ from the recorded ones",
            if n == 1 { "" } else { "s" }
        ));
    }
    let mark = if interrupted {
        e.yellow("stopped:")
    } else if tally.failed == 0 && tally.changed == 0 {
        e.green_bold("✓")
    } else {
        e.red_bold("✗")
    };
    eprintln!("{mark} {s}");
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

/// An answer's body with the secrets `redactor` knows as markers; `None` when it holds
/// none (or is not text).
fn shown_body(redactor: &Redactor, body: &[u8]) -> Option<Vec<u8>> {
    match redactor.redact_text(std::str::from_utf8(body).ok()?) {
        Cow::Owned(o) => Some(o.into_bytes()),
        Cow::Borrowed(_) => None,
    }
}

/// Renders one finished request and counts it. Whatever `redactor` knows is written as
/// its marker: the secret put back in the URL (as the log holds it), in the messages
/// that quote the URL, and in an answer that echoes it.
#[allow(clippy::too_many_arguments)]
fn result(
    w: &mut Vec<u8>,
    fed: &Fed<Replayed>,
    req: &Prepared,
    res: Result<Delivery, DeliverError>,
    mode: Mode,
    out: &Output,
    redactor: &Redactor,
    t: &mut Counted,
) -> std::io::Result<()> {
    let (capture, info) = (fed.capture.as_str(), &fed.info);
    let p = &out.out;
    // (A token the request carries as it is, from a log written before redaction, is
    // one too: a receiver may echo it.)
    let own = redactor.for_request(&req.headers);
    let redactor = own.as_ref().unwrap_or(redactor);
    let hide = redactor.has_secrets();
    let url: Cow<str> = if hide {
        let mut u = req.url.clone();
        redactor.redact_query(&mut u);
        Cow::Owned(redactor.redact_text(&u).into_owned())
    } else {
        Cow::Borrowed(&req.url)
    };
    let d = match res {
        Ok(mut d) => {
            if hide {
                for a in &mut d.attempts {
                    a.url = url.to_string();
                    if let Some(e) = &mut a.error {
                        if let Cow::Owned(m) = redactor.redact_text(&e.message) {
                            e.message = m;
                        }
                    }
                    if let Some(b) = shown_body(redactor, &a.response_body) {
                        a.response_body = b;
                    }
                }
            }
            d
        }
        Err(err) => {
            t.error = Some("signing");
            if mode.json {
                let e = AttemptError {
                    kind: deliver::ErrorKind::Other,
                    message: redactor.redact_text(&err.to_string()).into_owned(),
                };
                let line = Line {
                    kind: "replay",
                    capture,
                    method: &req.method,
                    url: &url,
                    resigned: info.resigned,
                    modified: info.modified,
                    delivered: false,
                    status: None,
                    error: Some(Cow::Owned(e)),
                    duration_ms: 0.0,
                    attempts: &[],
                    response_body: Cow::Borrowed(""),
                    compare: None,
                };
                return json_line(w, &line);
            }
            let msg = p.red(&sanitize_line(&redactor.redact_text(&err.to_string())));
            return writeln!(
                w,
                "{} {} {} {msg}",
                p.red_bold("✗"),
                sanitize_line(&req.method),
                sanitize_line(&url)
            );
        }
    };
    let last = d.attempts.last().expect("at least one attempt");
    let ok = d.delivered();
    t.ok = ok;
    match (last.status, &last.error) {
        (Some(s), _) => t.status = Some(s),
        (None, Some(e)) => t.error = Some(e.kind.label()),
        _ => {}
    }
    let compare = mode.compare.then(|| {
        let body = info
            .recorded_body
            .as_ref()
            .map(|b| diff::diff_bodies(b.as_bytes(), &last.response_body, false));
        let same = info.recorded_status == last.status && body.as_ref().is_none_or(|b| b.same);
        (same, body)
    });
    t.changed = matches!(&compare, Some((false, _)));
    let took: Duration = d.attempts.iter().map(|x| x.duration).sum();
    if mode.json {
        let line = Line {
            kind: "replay",
            capture,
            method: &req.method,
            url: &url,
            resigned: info.resigned,
            modified: info.modified,
            delivered: ok,
            status: last.status,
            error: last.error.as_ref().map(Cow::Borrowed),
            duration_ms: deliver::ms(&took),
            attempts: &d.attempts,
            response_body: String::from_utf8_lossy(&last.response_body),
            compare: compare.as_ref().map(|(same, body)| Compared {
                same: *same,
                recorded_status: info.recorded_status,
                status_same: info.recorded_status == last.status,
                body,
            }),
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
        sanitize_line(&req.method),
        sanitize_line(&url),
        p.dim(&detail)
    )?;
    if let (None, Some(e)) = (last.status, &last.error) {
        writeln!(w, "  {}", p.dim(&crate::output::network_error(e, &last.url)))?;
    }
    if let Some((same, body)) = compare {
        let rec = info
            .recorded_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "no answer".into());
        let now = last.status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into());
        let l = format!("  recorded {rec}, now {now}");
        writeln!(
            w,
            "{}",
            if same {
                p.dim(&format!("{l}: the same"))
            } else {
                p.yellow(&l)
            }
        )?;
        match body {
            Some(b) if !b.same => {
                writeln!(w, "  {}", p.bold("body (recorded → now):"))?;
                for l in body_diff_lines(&b, p, "    ") {
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
    use crate::core::headers::Headers;

    #[test]
    fn preparation_errors_keep_their_message_and_hint() {
        let shown = |e: PrepareError| {
            let e = prepare_error(e);
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            (chain, crate::exit::hint_for(&e))
        };
        let (chain, hint) = shown(PrepareError::UnknownScheme { id: "a1".into() });
        assert_eq!(
            chain,
            ["capture a1: cannot tell which scheme signed it, so it cannot be re-signed"]
        );
        assert_eq!(hint.as_deref(), Some("name the scheme: --resign --scheme NAME"));
        let (chain, hint) = shown(PrepareError::Redacted {
            id: "a1".into(),
            error: RestoreError::NoSecret {
                what: "x".into(),
                len: 3,
            },
        });
        assert!(chain[0].starts_with("capture a1: "), "{chain:?}");
        assert!(hint.unwrap().contains("--secret-env VAR"));
        // An editor's error comes back whole: its message and its cause.
        let failed = anyhow::Error::new(std::io::Error::other("disk full")).context("writing `f` for the editor");
        let (chain, hint) = shown(PrepareError::Edit(failed.into()));
        assert_eq!(chain, ["writing `f` for the editor", "disk full"]);
        assert!(hint.is_none());
        let (_, hint) = shown(PrepareError::Scheme(crate::core::scheme::SchemeError::Undetected));
        assert!(hint.unwrap().contains("--scheme"));
    }

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
        let mut mode = Mode {
            json: false,
            compare: false,
        };
        let render = |mode: Mode, out: Output, info: Fed<Replayed>, attempts: Vec<Attempt>| {
            let (mut w, mut counted) = (Vec::new(), Counted::default());
            let r = Redactor::default();
            result(
                &mut w,
                &info,
                &req,
                Ok(Delivery { attempts }),
                mode,
                &out,
                &r,
                &mut counted,
            )
            .unwrap();
            (String::from_utf8(w).unwrap(), counted.ok)
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
