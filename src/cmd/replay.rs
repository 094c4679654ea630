//! `hookcat replay`: sends captured requests again, byte-exact by default or re-signed
//! with a fresh timestamp and id (`--resign`), optionally edited (`--set`, `--edit`),
//! through the core's batch runner with retries, concurrency and a rate (the core's feed
//! reads the log, its preparation turns each capture into a request). Warns before
//! sending what a receiver will refuse (a stale or no longer matching signature); one
//! result line (or JSON object) per request, then a summary; `--compare` puts each new
//! answer beside the one recorded at capture time.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::common::{explain, open_log};
use crate::cli::ReplayArgs;
use crate::core::capture::CaptureRecord;
use crate::core::deliver::{self, Batch, ClientOptions, Job, Policy, Stop};
use crate::core::feed::{Feed, Prepare};
use crate::core::replay::{EditError, Hooks, Preparation, PrepareError, ReplayError, Replayed, Warning};
use crate::core::replay_run;
use crate::core::scheme::lookup;
use crate::core::secret::RestoreError;
use crate::core::select::Selection;
use crate::core::units::Rate;
use crate::exit::{hinted, Outcome};
use crate::output::captures::SkippedLines;
use crate::output::replay::{ReplayView, ReplayWarnings, ResultSink};
use crate::output::{self, Io, Output, Shared};

pub fn run(a: ReplayArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let (log, ids) = super::common::log_and_ids(&a.log.items, a.log.file.as_deref())?;
    let to = deliver::check_url(&a.to)?;
    if !a.resign && a.scheme.is_some() {
        return Err(hinted(
            "--scheme only matters with --resign",
            "add --resign to sign each request again with a fresh timestamp and id",
        ));
    }
    if a.select.all && !ids.is_empty() {
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
    // The secret re-signs (--resign) and, either way, puts back the values that were
    // redacted when the captures were made.
    let restore = if a.resign {
        Some(super::common::require_secret(&a.secret, "re-signing (--resign)")?)
    } else {
        super::common::secret(&a.secret)?
    };
    let secret = if a.resign { restore.clone() } else { None };
    let editor = if a.edit { Some(editor()?) } else { None };

    let sel = super::common::selection(ids, &a.select, &log)?;
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
    let now = jiff::Timestamp::now();
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
    let source = CaptureSource {
        log,
        sel,
        prep,
        editor,
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
    let clients = deliver::clients(&opts, a.concurrency)?;
    let batch = Batch {
        concurrency: a.concurrency,
        rate,
        policy: Policy {
            timeout,
            retries: a.delivery.retries.unwrap_or(0),
            ..Policy::default()
        },
        signer: None,
        // What is still in flight at Ctrl-C is dropped: no result line comes after the
        // summary.
        drop_in_flight: true,
    };
    let rt = super::common::runtime()?;
    let view = ReplayView {
        json: a.json,
        compare: a.compare,
    };
    // Compared without the JSON fields named (a hookcat listener's fresh `id` is left
    // out by the core itself).
    let compare = a.compare.then(|| Arc::<[String]>::from(a.ignore_fields));
    rt.block_on(send(clients, source, batch, view, compare, out, io))
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

/// The captures to replay: the log, which of its captures, how each becomes a request.
struct CaptureSource {
    log: PathBuf,
    sel: Selection,
    prep: Preparation,
    /// `--edit`'s editor.
    editor: Option<String>,
    banner: bool,
    /// `, re-signed with …` for the banner.
    label: String,
}

/// The command's side of the feed: its preparation, and where it tells of skipped
/// lines and warnings.
struct Preparer {
    prep: Preparation,
    log: PathBuf,
    skips: SkippedLines<Shared>,
    hooks: Asks,
}

/// What preparing a capture asks of the command: the editor, and where warnings go.
struct Asks {
    editor: Option<String>,
    warn: ReplayWarnings,
}

impl Hooks for Asks {
    fn edit(&mut self, r: &CaptureRecord, body: &[u8]) -> Option<Result<Vec<u8>, EditError>> {
        let ed = self.editor.as_deref()?;
        Some(edit(ed, r, body).map_err(Into::into))
    }

    fn warn(&mut self, w: Warning<'_>) {
        self.warn.warn(w);
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
fn open_feed(src: CaptureSource, out: &Output, talk: &Shared) -> anyhow::Result<Feed<Preparer>> {
    let CaptureSource {
        log,
        sel,
        prep,
        editor,
        banner,
        label,
    } = src;
    let reader = open_log(&log)?;
    let to = prep.to.clone();
    let preparer = Preparer {
        prep,
        skips: SkippedLines::new(out, &log, talk.clone()),
        hooks: Asks {
            editor,
            warn: ReplayWarnings::new(out, talk.clone()),
        },
        log: log.clone(),
    };
    let feed = Feed::open(reader, sel, preparer)?;
    if banner {
        let count = (!feed.streaming()).then(|| feed.known());
        output::replay::banner(talk, out, count, &log, &to, &label);
    }
    Ok(feed)
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

/// Delivers the feed's jobs through the core's run, the results written to the streams
/// of `io` (moved into the sink and the shared talk while the threads run, then given
/// back), and says how it went.
async fn send(
    clients: Vec<reqwest::Client>,
    source: CaptureSource,
    batch: Batch,
    view: ReplayView,
    compare: Option<Arc<[String]>>,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    let talk = Shared::new(std::mem::replace(&mut io.stderr, Box::new(std::io::sink())));
    let sink = Arc::new(ResultSink::new(
        std::mem::replace(&mut io.stdout, Box::new(std::io::sink())),
        out,
        view,
    ));
    let ran = deliver_all(clients, source, batch, compare, out, &talk, &sink).await;
    let (stdout, written) = sink.finish();
    io.stdout = stdout;
    io.stderr = talk.take();
    let (queued, interrupted, elapsed) = ran?;
    let tally = written?;
    let total = match queued {
        // Handed out, and prepared but not taken (after Ctrl-C).
        Ok(n) => n.max(tally.done),
        // Nothing sent: just the error. Some sent: their summary, then the error.
        Err(e) if tally.done == 0 => return Err(e),
        Err(e) => {
            output::replay::summary(io, &tally, tally.done, elapsed, false, view, out)?;
            return Err(e);
        }
    };
    output::replay::summary(io, &tally, total, elapsed, interrupted, view, out)?;
    Ok(if interrupted {
        Outcome::Interrupted
    } else {
        Outcome::from_bool(tally.all_ok())
    })
}

/// Opens the feed and runs it to the end or to Ctrl-C: how many were queued (or why
/// the feed stopped), whether it was interrupted, and how long it took.
async fn deliver_all(
    clients: Vec<reqwest::Client>,
    source: CaptureSource,
    batch: Batch,
    compare: Option<Arc<[String]>>,
    out: &Output,
    talk: &Shared,
    sink: &Arc<ResultSink>,
) -> anyhow::Result<(anyhow::Result<u64>, bool, Duration)> {
    // What is written about a request holds no secret that was put back in it.
    let redactor = source.prep.shown();
    // Read and prepared on this thread when they must all be ready before the first
    // is sent (the editor may run): nothing else runs yet.
    let feed = open_feed(source, out, talk)?;
    let start = Instant::now();
    let stop = Stop::new();
    let mut interrupt = super::common::Interrupt::new()?;
    let run = replay_run::run(clients, batch, feed, sink.clone(), redactor, compare, stop.clone());
    tokio::pin!(run);
    let (queued, interrupted) = tokio::select! {
        q = &mut run => (q, false),
        // What is still in flight is dropped; no result line comes after the summary.
        _ = interrupt.recv() => {
            stop.stop();
            (run.await, true)
        }
    };
    Ok((queued, interrupted, start.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
