//! `hookcat replay`: sends captured requests again, byte-exact by default or re-signed
//! with a fresh timestamp and id (`--resign`), optionally edited (`--set`, `--edit`),
//! through the core's delivery engine with retries, concurrency and a rate. Warns before
//! sending what a receiver will refuse (a stale or no longer matching signature); one
//! result line (or JSON object) per request, then a summary; `--compare` puts each new
//! answer beside the one recorded at capture time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use super::captures::{body_diff_lines, explain, open_log, Skips};
use crate::cli::ReplayArgs;
use crate::core::capture::CaptureRecord;
use crate::core::deliver::{self, apply_signature, ClientOptions, DeliverError, Delivery, Policy, Signer};
use crate::core::event::parse_override;
use crate::core::replay::{self, Job, Selection};
use crate::core::scheme::{detect, human_secs, lookup};
use crate::core::units::{format_duration, parse_duration};
use crate::exit::{hinted, Outcome};
use crate::output::{out_json, out_line, sanitize_line, Output};

/// What the result of each request is shown with.
struct Info {
    capture: String,
    method: String,
    url: String,
    resigned: Option<&'static str>,
    modified: bool,
    recorded_status: Option<u16>,
    recorded_body: Option<String>,
}

pub fn run(a: ReplayArgs, out: &Output) -> anyhow::Result<Outcome> {
    let (log, ids) = log_and_ids(&a)?;
    let to = deliver::check_url(&a.to)?;
    let secret_given = a.secret.secret.is_some() || a.secret.secret_env.is_some() || a.secret.secret_file.is_some();
    if !a.resign && (a.scheme.is_some() || secret_given) {
        return Err(hinted(
            "--scheme and the secret flags only matter with --resign",
            "add --resign to sign each request again with a fresh timestamp and id",
        ));
    }
    if a.all && !ids.is_empty() {
        return Err(hinted("--all and capture ids cannot both be given", "drop the ids to replay every capture, or drop --all"));
    }
    if a.concurrency == 0 {
        anyhow::bail!("--concurrency must be at least 1");
    }
    let rate = a.rate.as_deref().map(super::listen::parse_rate).transpose().map_err(|e| anyhow::anyhow!("--rate: {e}"))?;
    let timeout = match &a.timeout {
        Some(t) => parse_duration(t).map_err(|e| anyhow::anyhow!("--timeout: {e}"))?,
        None => Duration::from_secs(10),
    };
    let overrides = a.sets.iter().map(|s| parse_override(s)).collect::<Result<Vec<_>, _>>()?;
    let filters = a.filters.iter().map(|f| replay::parse_filter(f).map_err(|e| explain(e, &log))).collect::<anyhow::Result<_>>()?;
    let now = jiff::Timestamp::now();
    let since = a.since.as_deref().map(|s| replay::parse_since(s, now)).transpose()?;
    let secret = if a.resign { Some(super::common::require_secret(&a.secret, "re-signing (--resign)")?) } else { None };
    let editor = if a.edit { Some(editor()?) } else { None };

    let sel = Selection { ids, last: a.last, all: a.all, filters, since };
    let reader = open_log(&log)?;
    let mut skips = Skips::new(out, &log);
    let selected = replay::select(reader, &sel, &mut |l, r| skips.warn(l, r));
    skips.finish();
    let records = selected.map_err(|e| explain(e, &log))?;

    let mut warn = Warnings::new(out);
    let mut jobs = Vec::with_capacity(records.len());
    let mut infos = Vec::with_capacity(records.len());
    for r in &records {
        let original = r.body_bytes()?;
        let mut body = original.clone();
        if let Some(n) = &r.body_note {
            warn.say("incomplete", format!("capture {}: {}; replaying the bytes that were received", r.id, sanitize_line(n)));
        }
        if !overrides.is_empty() {
            body = replay::modify_body(&r.id, &body, r.headers.get("content-type"), &overrides)?;
        }
        if let Some(ed) = &editor {
            body = edit(ed, r, &body)?;
        }
        let modified = body != original;
        let mut req = replay::prepare(r, &a.to, body);
        let mut signer = None;
        let mut resigned = None;
        if let Some(secret) = &secret {
            let captured = replay::captured_scheme(r, &original);
            let name: &'static str = match a.scheme.as_deref() {
                Some(s) if s != "auto" => lookup(s, &super::common::generic(&a.generic))?.meta().name,
                _ => captured.ok_or_else(|| {
                    hinted(
                        format!("capture {}: cannot tell which scheme signed it, so it cannot be re-signed", r.id),
                        "name the scheme: --resign --scheme NAME",
                    )
                })?,
            };
            // No stale signature may travel next to the fresh one.
            for s in [Some(name), captured].into_iter().flatten() {
                for h in replay::signature_headers(s, &a.generic.header_name) {
                    req.headers.remove(&h);
                }
            }
            if let Some(b) = replay::refresh_body_timestamp(name, &req.body, now.as_millisecond()) {
                req.body = b.into();
            }
            let s = Signer {
                scheme: lookup(name, &super::common::generic(&a.generic))?,
                secret: secret.clone(),
                id: crate::core::ids::message_id(),
                fixed_timestamp: None,
            };
            if name == "mailgun" {
                // Mailgun's signature lives in the body: sign once, up front.
                let signed = s.sign(&req.url, &req.body)?;
                req.body = deliver::apply_body_fields(&req.body, &signed.fields).into();
                apply_signature(&mut req, &signed);
            } else {
                signer = Some(s);
            }
            resigned = Some(name);
        } else if modified {
            if let Some(s) = detect(&r.headers, Some(&original)) {
                warn.say(
                    "modified",
                    format!(
                        "capture {}: the body was changed, so its {s} signature no longer matches; add --resign (with the secret) to sign it again",
                        r.id
                    ),
                );
            }
        } else if let Some(st) = replay::staleness(&r.headers, &original, now.as_second()) {
            warn.say(
                "stale",
                format!(
                    "capture {}: its {} signature is {} old, over {}'s tolerance of {}: the receiver will refuse it as stale; add --resign (with the secret)",
                    r.id,
                    st.scheme,
                    human_secs(st.age_secs),
                    st.scheme,
                    human_secs(st.tolerance_secs as i64)
                ),
            );
        }
        let resp = r.response.as_ref();
        infos.push(Info {
            capture: r.id.clone(),
            method: req.method.clone(),
            url: req.url.clone(),
            resigned,
            modified,
            recorded_status: resp.and_then(|x| x.status),
            recorded_body: resp.and_then(|x| x.body.clone()),
        });
        jobs.push(Job { req, signer });
    }
    warn.finish();
    drop(records);

    if !a.json {
        let n = jobs.len();
        let how = match (&a.scheme, secret.is_some()) {
            (_, false) => String::new(),
            (Some(s), true) if s != "auto" => format!(", re-signed with {s}"),
            _ => ", re-signed".to_string(),
        };
        eprintln!(
            "{} replaying {n} capture{} from {} to {}{how}",
            out.err.dim("→"),
            if n == 1 { "" } else { "s" },
            log.display(),
            sanitize_line(&a.to)
        );
    }
    let opts = ClientOptions { insecure: a.insecure, cacert_pem: None, https: to.scheme() == "https", pool_size: a.concurrency };
    let client = deliver::client(&opts)?;
    let policy = Policy { timeout, retries: a.retries, ..Policy::default() };
    let rt = super::common::runtime()?;
    rt.block_on(send(client, jobs, infos, policy, rate, &a, out))
}

/// The log (`--file`, or a positional item that is an existing file, or the default
/// log) and the positional items that are capture ids.
fn log_and_ids(a: &ReplayArgs) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let mut log = a.file.clone();
    let mut ids = Vec::new();
    for item in &a.items {
        let p = Path::new(item);
        if p.is_file() {
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

/// Warnings before sending: the first few of each kind, then a count.
struct Warnings<'a> {
    out: &'a Output,
    seen: BTreeMap<&'static str, u64>,
}

impl<'a> Warnings<'a> {
    const SHOWN: u64 = 5;

    fn new(out: &'a Output) -> Self {
        Warnings { out, seen: BTreeMap::new() }
    }

    fn say(&mut self, kind: &'static str, msg: String) {
        let n = self.seen.entry(kind).or_default();
        *n += 1;
        if *n <= Self::SHOWN {
            eprintln!("{} {msg}", self.out.err.yellow("warning:"));
        }
    }

    fn finish(&self) {
        for (kind, n) in &self.seen {
            if *n > Self::SHOWN {
                eprintln!("{} … and {} more captures {kind} in the same way", self.out.err.yellow("warning:"), n - Self::SHOWN);
            }
        }
    }
}

/// `$VISUAL`, else `$EDITOR`.
fn editor() -> anyhow::Result<String> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    var("VISUAL")
        .or_else(|| var("EDITOR"))
        .ok_or_else(|| hinted("--edit needs an editor, and neither $VISUAL nor $EDITOR is set", "set one, e.g. EDITOR=nano"))
}

/// Opens the body in the editor; returns what was saved.
fn edit(editor: &str, r: &CaptureRecord, body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let ext = if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() { "json" } else { "txt" };
    let path = std::env::temp_dir().join(format!("hookcat-{}-{}.{ext}", r.id, std::process::id()));
    std::fs::write(&path, body).with_context(|| format!("writing `{}` for the editor", path.display()))?;
    // Through the shell, so that an editor with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("sh").arg(&path).status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read(&path).with_context(|| format!("reading back `{}`", path.display())),
        Ok(s) => Err(anyhow::anyhow!("the editor `{editor}` exited with {s} while editing capture {}: nothing was sent", r.id)),
        Err(e) => Err(anyhow::Error::new(e).context(format!("starting the editor `{editor}`"))),
    };
    let _ = std::fs::remove_file(&path);
    result
}

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    done: u64,
    ok: u64,
    failed: u64,
    changed: u64,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
}

async fn send(
    client: reqwest::Client,
    jobs: Vec<Job>,
    infos: Vec<Info>,
    policy: Policy,
    rate: Option<f64>,
    a: &ReplayArgs,
    out: &Output,
) -> anyhow::Result<Outcome> {
    let total = jobs.len() as u64;
    let bar = if out.stderr_tty && !a.json && total > 1 {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Box::pin(replay::run(client, jobs, policy, a.concurrency, rate, tx));
    let mut runner_done = false;
    let mut interrupted = false;
    let mut tally = Tally::default();
    let start = Instant::now();
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some((i, res)) => {
                    bar.suspend(|| result(&infos[i], res, a, out, &mut tally))?;
                    bar.inc(1);
                }
                None => break,
            },
            _ = &mut runner, if !runner_done => runner_done = true,
            _ = tokio::signal::ctrl_c() => {
                interrupted = true;
                break;
            }
        }
    }
    // Dropping the runner stops whatever is still in flight.
    drop(runner);
    bar.finish_and_clear();
    let elapsed = start.elapsed();
    if a.json {
        out_json(&json!({
            "type": "summary",
            "requested": total,
            "sent": tally.done,
            "ok_2xx": tally.ok,
            "failed": tally.failed,
            "statuses": tally.statuses,
            "errors": tally.errors,
            "changed": if a.compare { Some(tally.changed) } else { None },
            "elapsed_s": elapsed.as_secs_f64(),
            "interrupted": interrupted,
        }))?;
    } else {
        let e = &out.err;
        let statuses: Vec<String> = tally.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        let errors: Vec<String> = tally.errors.iter().map(|(k, n)| format!("{k}×{n}")).collect();
        let mut s = format!("replayed {} of {total} in {}: {} answered 2xx", tally.done, format_duration(elapsed), tally.ok);
        if tally.failed > 0 {
            s.push_str(&format!(", {} not", tally.failed));
        }
        if !statuses.is_empty() {
            s.push_str(&format!(" (status {})", statuses.join(" ")));
        }
        if !errors.is_empty() {
            s.push_str(&format!(" (errors {})", errors.join(" ")));
        }
        if a.compare {
            s.push_str(&format!("; {} answer{} differ from the recorded ones", tally.changed, if tally.changed == 1 { "" } else { "s" }));
        }
        let mark = if interrupted {
            e.yellow("stopped:")
        } else if tally.failed == 0 && tally.changed == 0 {
            e.green_bold("✓")
        } else {
            e.red_bold("✗")
        };
        eprintln!("{mark} {s}");
    }
    Ok(if interrupted {
        Outcome::Interrupted
    } else {
        Outcome::from_bool(tally.failed == 0 && tally.changed == 0)
    })
}

/// Renders one finished request.
fn result(info: &Info, res: Result<Delivery, DeliverError>, a: &ReplayArgs, out: &Output, t: &mut Tally) -> std::io::Result<()> {
    t.done += 1;
    let d = match res {
        Ok(d) => d,
        Err(err) => {
            t.failed += 1;
            *t.errors.entry("signing".into()).or_default() += 1;
            if a.json {
                return out_json(&json!({
                    "type": "replay", "capture": info.capture, "method": info.method, "url": info.url,
                    "delivered": false, "status": null, "error": {"kind": "signing", "message": err.to_string()},
                }));
            }
            let p = &out.out;
            return out_line(&format!("{} {} {} {}", p.red_bold("✗"), info.method, sanitize_line(&info.url), p.red(&err.to_string())));
        }
    };
    let last = d.attempts.last().expect("at least one attempt");
    let ok = d.delivered();
    if ok {
        t.ok += 1;
    } else {
        t.failed += 1;
    }
    match (last.status, &last.error) {
        (Some(s), _) => *t.statuses.entry(s).or_default() += 1,
        (None, Some(e)) => *t.errors.entry(e.kind.label().to_string()).or_default() += 1,
        _ => {}
    }
    let compare = a.compare.then(|| {
        let same = info.recorded_status == last.status;
        let body = info.recorded_body.as_ref().map(|b| replay::diff_bodies(b.as_bytes(), &last.response_body, false));
        (same && body.as_ref().is_none_or(|b| b.same), body)
    });
    if let Some((false, _)) = &compare {
        t.changed += 1;
    }
    if a.json {
        let mut v = json!({
            "type": "replay",
            "capture": info.capture,
            "method": info.method,
            "url": info.url,
            "resigned": info.resigned,
            "modified": info.modified,
            "delivered": ok,
            "status": last.status,
            "error": last.error,
            "duration_ms": d.attempts.iter().map(|x| x.duration.as_secs_f64() * 1e3).sum::<f64>(),
            "attempts": d.attempts,
            "response_body": String::from_utf8_lossy(&last.response_body),
        });
        if let Some((same, body)) = compare {
            v["compare"] = json!({
                "same": same,
                "recorded_status": info.recorded_status,
                "status_same": info.recorded_status == last.status,
                "body": body,
            });
        }
        return out_json(&v);
    }
    let p = &out.out;
    let (mark, what) = match (last.status, &last.error) {
        (Some(s), _) if ok => (p.green_bold("✓"), p.green(&s.to_string())),
        (Some(s), _) => (p.red_bold("✗"), if s < 500 { p.yellow(&s.to_string()) } else { p.red(&s.to_string()) }),
        (None, Some(e)) => (p.red_bold("✗"), p.red(e.kind.label())),
        _ => (p.red_bold("✗"), p.red("no answer")),
    };
    let mut notes = vec![info.capture.clone(), format_duration(d.attempts.iter().map(|x| x.duration).sum())];
    if d.attempts.len() > 1 {
        notes.push(format!("{} attempts", d.attempts.len()));
    }
    if let Some(s) = info.resigned {
        notes.push(format!("re-signed {s}"));
    }
    if info.modified {
        notes.push("modified".into());
    }
    out_line(&format!("{mark} {what} {} {}  {}", info.method, sanitize_line(&info.url), p.dim(&format!("({})", notes.join(", ")))))?;
    if let (None, Some(e)) = (last.status, &last.error) {
        out_line(&format!("  {}", p.dim(&sanitize_line(&e.message))))?;
    }
    if let Some((same, body)) = compare {
        let rec = info.recorded_status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into());
        let now = last.status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into());
        let l = format!("  recorded {rec}, now {now}");
        out_line(&if same { p.dim(&format!("{l}: the same")) } else { p.yellow(&l) })?;
        match body {
            Some(b) if !b.same => {
                out_line(&format!("  {}", p.bold("body (recorded → now):")))?;
                for l in body_diff_lines(&b, p, "    ") {
                    out_line(&l)?;
                }
            }
            Some(_) => {}
            None => out_line(&format!("  {}", p.dim("(no response body was recorded at capture time)")))?,
        }
    }
    Ok(())
}
