//! Replaying and inspecting captures. Chooses captures from a log (ids and unique id
//! prefixes, filters, `--since`, `--last N` in a ring buffer) while streaming it; turns a
//! capture back into a request (byte-exact, or without its old signature headers for
//! re-signing); finds the age of a captured signature; edits bodies; exports curl
//! commands, HAR 1.2 and raw HTTP; compares two captures (JSON-aware); and runs many
//! deliveries through the one engine with a concurrency bound and a rate.
//! Nothing here prints: results go back to the caller or through a channel.

use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};

use super::capture::{CaptureError, CaptureRecord, LogItem, LogReader};
use super::deliver::{deliver, DeliverError, Delivery, Policy, Prepared, Signer};
use super::event::overrides::apply_form_overrides;
use super::event::{apply_overrides, EventError, Override};
use super::headers::Headers;
use super::scheme::registry::{GenericParams, NAMES};
use super::scheme::{detect, lookup};
use super::secret::{header_places, restore_headers, restore_query, RestoreError, Secret};
use super::server::join_url;

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("invalid --filter `{spec}`: {reason}")]
    BadFilter { spec: String, reason: String },
    #[error(
        "invalid --since `{0}`: expected an RFC 3339 time (2026-11-28T10:00:00Z), a date (2026-11-28) \
         or a duration ago (90s, 10m, 2h, 3d)"
    )]
    BadSince(String),
    #[error("no capture with id {}", quoted(.0))]
    UnknownIds(Vec<String>),
    #[error("the id `{id}` is ambiguous: it starts {}{}", quoted(.candidates), if *.more { " and more" } else { "" })]
    Ambiguous {
        id: String,
        candidates: Vec<String>,
        more: bool,
    },
    #[error("nothing selected")]
    NothingSelected,
    #[error("the selection is empty: no capture matches")]
    Empty,
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error(transparent)]
    Override(#[from] EventError),
    #[error("--set works on JSON and form bodies; capture {id} has {what}")]
    NotEditable { id: String, what: String },
}

fn quoted(v: &[String]) -> String {
    v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------------
// Selection

/// What `--filter KEY=VALUE` can look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    Provider,
    Event,
    Method,
    Path,
    Status,
    Valid,
}

pub const FILTER_KEYS: &str = "provider, event, method, path, status, valid";

/// One `--filter KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub key: FilterKey,
    pub value: String,
}

/// Parses `KEY=VALUE`. `path` and `event` values may end in `*` (a prefix); `status`
/// takes a code, a class (`5xx`) or `none`; `valid` takes `true`, `false` or `none`.
pub fn parse_filter(spec: &str) -> Result<Filter, ReplayError> {
    let bad = |reason: String| ReplayError::BadFilter {
        spec: spec.to_string(),
        reason,
    };
    let (k, v) = spec
        .split_once('=')
        .ok_or_else(|| bad(format!("expected KEY=VALUE (keys: {FILTER_KEYS})")))?;
    let key = match k.trim().to_ascii_lowercase().as_str() {
        "provider" => FilterKey::Provider,
        "event" => FilterKey::Event,
        "method" => FilterKey::Method,
        "path" => FilterKey::Path,
        "status" => FilterKey::Status,
        "valid" => FilterKey::Valid,
        other => return Err(bad(format!("unknown key `{other}` (keys: {FILTER_KEYS})"))),
    };
    let mut value = v.trim().to_string();
    match key {
        FilterKey::Status => {
            value = value.to_ascii_lowercase();
            let class = value.len() == 3 && value.ends_with("xx") && matches!(value.as_bytes()[0], b'1'..=b'5');
            if value != "none" && !class && value.parse::<u16>().is_err() {
                return Err(bad(
                    "a status is a code (500), a class (5xx) or `none` (not answered)".into()
                ));
            }
        }
        FilterKey::Valid => {
            value = match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => "true".into(),
                "false" | "no" | "0" => "false".into(),
                "none" | "unverified" => "none".into(),
                _ => return Err(bad("valid is `true`, `false` or `none` (not verified)".into())),
            };
        }
        _ => {}
    }
    if value.is_empty() {
        return Err(bad("the value is empty".into()));
    }
    Ok(Filter { key, value })
}

fn glob(pattern: &str, s: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => s == pattern,
    }
}

impl Filter {
    pub fn matches(&self, r: &CaptureRecord) -> bool {
        let v = self.value.as_str();
        match self.key {
            FilterKey::Provider => {
                r.provider.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(v))
                    || r.verification
                        .as_ref()
                        .is_some_and(|x| x.scheme.eq_ignore_ascii_case(v))
            }
            FilterKey::Event => match (&r.provider, &r.event) {
                (p, Some(e)) => glob(v, e) || p.as_ref().is_some_and(|p| glob(v, &format!("{p}.{e}"))),
                (_, None) => v == "none",
            },
            FilterKey::Method => r.method.eq_ignore_ascii_case(v),
            FilterKey::Path => glob(v, &r.path) || glob(v, r.path.split('?').next().unwrap_or_default()),
            FilterKey::Status => match r.response.as_ref().and_then(|x| x.status) {
                None => v == "none",
                Some(s) => v == s.to_string() || (v.ends_with("xx") && v.as_bytes()[0] == b'0' + (s / 100) as u8),
            },
            FilterKey::Valid => match &r.verification {
                None => v == "none",
                Some(x) => v == if x.valid { "true" } else { "false" },
            },
        }
    }
}

/// `--since`: RFC 3339, a date or date-time taken as UTC, or a duration before `now`.
pub fn parse_since(s: &str, now: jiff::Timestamp) -> Result<jiff::Timestamp, ReplayError> {
    let t = s.trim();
    let bad = || ReplayError::BadSince(s.to_string());
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    if t.contains('-') {
        for candidate in [format!("{t}Z"), format!("{t}T00:00:00Z")] {
            if let Ok(ts) = candidate.parse::<jiff::Timestamp>() {
                return Ok(ts);
            }
        }
        return Err(bad());
    }
    let secs = match t.strip_suffix('d') {
        Some(days) => days
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| d * 86400.0),
        None => super::units::parse_duration(t).ok().map(|d| d.as_secs_f64()),
    }
    .ok_or_else(bad)?;
    let d = jiff::SignedDuration::try_from_secs_f64(secs).map_err(|_| bad())?;
    now.checked_sub(d).map_err(|_| bad())
}

/// Which captures to take from a log.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Ids or unique id prefixes, in the order wanted.
    pub ids: Vec<String>,
    /// Only the last N (of those the other conditions keep).
    pub last: Option<usize>,
    pub all: bool,
    pub filters: Vec<Filter>,
    pub since: Option<jiff::Timestamp>,
}

impl Selection {
    /// Nothing asked for: no ids, no `--all`, `--last`, `--filter` or `--since`.
    pub fn is_unset(&self) -> bool {
        self.ids.is_empty() && self.last.is_none() && !self.all && self.filters.is_empty() && self.since.is_none()
    }

    /// Whether the filters and `--since` keep this capture (ids and `--last` aside).
    pub fn keeps(&self, r: &CaptureRecord) -> bool {
        self.filters.iter().all(|f| f.matches(r)) && self.since.is_none_or(|t| r.received().is_some_and(|x| x >= t))
    }
}

/// Streams `log` and returns the selected captures, in log order (or in the order of
/// the ids given). Only the selected records are held; `--last N` keeps a ring of N.
/// `on_skip` hears of each torn or corrupt line.
pub fn select<R: BufRead>(
    log: R,
    sel: &Selection,
    on_skip: &mut dyn FnMut(u64, &str),
) -> Result<Vec<CaptureRecord>, ReplayError> {
    if sel.is_unset() {
        return Err(ReplayError::NothingSelected);
    }
    let picked: Vec<CaptureRecord> = if !sel.ids.is_empty() {
        let mut v: Vec<CaptureRecord> = find_ids(log, &sel.ids, on_skip)?
            .into_iter()
            .filter(|r| sel.keeps(r))
            .collect();
        if let Some(n) = sel.last {
            v.drain(..v.len().saturating_sub(n));
        }
        v
    } else {
        let mut ring = VecDeque::new();
        for item in LogReader::new(log) {
            match item? {
                LogItem::Skipped { line, reason } => on_skip(line, &reason),
                LogItem::Record { record, .. } => {
                    if !sel.keeps(&record) {
                        continue;
                    }
                    if let Some(n) = sel.last {
                        if n == 0 {
                            continue;
                        }
                        if ring.len() == n {
                            ring.pop_front();
                        }
                    }
                    ring.push_back(*record);
                }
            }
        }
        ring.into()
    };
    if picked.is_empty() {
        return Err(ReplayError::Empty);
    }
    Ok(picked)
}

/// Finds each id (or unique id prefix) in `log`, streaming it once. Every id that
/// matches nothing is named in one error; a prefix that starts several ids is refused
/// with the candidates.
pub fn find_ids<R: BufRead>(
    log: R,
    ids: &[String],
    on_skip: &mut dyn FnMut(u64, &str),
) -> Result<Vec<CaptureRecord>, ReplayError> {
    struct Want {
        query: String,
        exact: Option<CaptureRecord>,
        first: Option<CaptureRecord>,
        candidates: Vec<String>,
        more: bool,
    }
    let mut wants: Vec<Want> = ids
        .iter()
        .map(|q| Want {
            query: q.trim().to_ascii_lowercase(),
            exact: None,
            first: None,
            candidates: Vec::new(),
            more: false,
        })
        .collect();
    for item in LogReader::new(log) {
        let record = match item? {
            LogItem::Skipped { line, reason } => {
                on_skip(line, &reason);
                continue;
            }
            LogItem::Record { record, .. } => record,
        };
        for w in wants.iter_mut() {
            if w.exact.is_some() {
                continue;
            }
            if record.id == w.query {
                w.exact = Some((*record).clone());
            } else if !w.query.is_empty() && record.id.starts_with(&w.query) {
                if w.first.is_none() {
                    w.first = Some((*record).clone());
                }
                if !w.candidates.contains(&record.id) {
                    if w.candidates.len() < 10 {
                        w.candidates.push(record.id.clone());
                    } else {
                        w.more = true;
                    }
                }
            }
        }
    }
    let unknown: Vec<String> = wants
        .iter()
        .filter(|w| w.exact.is_none() && w.first.is_none())
        .map(|w| w.query.clone())
        .collect();
    if !unknown.is_empty() {
        return Err(ReplayError::UnknownIds(unknown));
    }
    let mut out = Vec::with_capacity(wants.len());
    for w in wants {
        match (w.exact, w.first) {
            (Some(r), _) => out.push(r),
            (None, Some(_)) if w.candidates.len() > 1 => {
                return Err(ReplayError::Ambiguous {
                    id: w.query,
                    candidates: w.candidates,
                    more: w.more,
                })
            }
            (None, Some(r)) => out.push(r),
            (None, None) => unreachable!("unknown ids were reported above"),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Requests

/// The captured headers to send again, in order, duplicates kept.
pub fn replay_headers(h: &Headers) -> Headers {
    let mut h = h.clone();
    h.retain_end_to_end();
    h
}

/// The capture as a request to `base` (its path and query appended to base's path),
/// its header values byte-exact.
pub fn prepare(r: &CaptureRecord, base: &str, body: Vec<u8>) -> Result<Prepared, CaptureError> {
    Ok(Prepared {
        method: r.method.clone(),
        url: join_url(base, &r.path),
        headers: replay_headers(&r.headers),
        body: body.into(),
        exact_values: r.exact_header_values()?,
    })
}

/// [`prepare`] to `url` (the capture's [`join_url`]), moving the capture's method and
/// headers into the request instead of copying them (the capture is not sent twice):
/// no allocation per header. The headers not replayed go to `dropped`, for reuse.
pub fn prepare_taken(
    r: &mut CaptureRecord,
    url: String,
    body: Vec<u8>,
    dropped: &mut Vec<(String, String)>,
) -> Result<Prepared, CaptureError> {
    let exact_values = r.exact_header_values()?;
    let mut headers = std::mem::take(&mut r.headers);
    headers.split_end_to_end(dropped);
    Ok(Prepared {
        method: std::mem::take(&mut r.method),
        url,
        headers,
        body: body.into(),
        exact_values,
    })
}

/// Where the header values of a capture that were redacted are, as [`restore_secrets`]
/// takes them once the capture is a request (see [`super::secret::header_places`]).
pub fn redacted_headers(r: &CaptureRecord) -> Vec<(String, usize)> {
    header_places(&r.headers, &r.redacted.headers)
}

/// Puts `secret` back in the query values of the capture's path that were redacted
/// (its [`redacted`](CaptureRecord::redacted) places), before the path is joined to
/// the target. Without a secret that fits, an error.
pub fn restore_path(r: &mut CaptureRecord, secret: Option<&Secret>) -> Result<usize, RestoreError> {
    restore_query(&mut r.path, secret, &r.redacted.query)
}

/// Puts `secret` back in the request's header values that were redacted when it was
/// captured (`places`, from [`redacted_headers`]; see [`super::secret::Redactor`]). A
/// value that only looks like a marker is sent as it is. Without a secret that fits,
/// an error: a marker is never sent as if it were the value.
pub fn restore_secrets(
    req: &mut Prepared,
    secret: Option<&Secret>,
    places: &[(String, usize)],
) -> Result<usize, RestoreError> {
    restore_headers(&mut req.headers, secret, places)
}

/// The scheme a capture was signed with: the one its verification named, else the one
/// its headers (or, for Mailgun, its body) show.
pub fn captured_scheme(r: &CaptureRecord, body: &[u8]) -> Option<&'static str> {
    r.verification
        .as_ref()
        .and_then(|v| NAMES.iter().copied().find(|n| *n == v.scheme))
        .or_else(|| detect(&r.headers, Some(body)))
}

/// Every header that carries a signature of `scheme`, its timestamp or its signed id,
/// including the other header families its verifier reads (`svix-*` beside `webhook-*`,
/// GitHub's SHA-1 header beside the SHA-256 one): removed before re-signing so that no
/// stale signature of the scheme survives next to the fresh one.
pub fn signature_headers(scheme: &str, generic_header: &str) -> Vec<String> {
    let v: &[&str] = match scheme {
        "stripe" => &["stripe-signature"],
        "slack" => &["x-slack-signature", "x-slack-request-timestamp"],
        "zoom" => &["x-zm-signature", "x-zm-request-timestamp"],
        "standard-webhooks" | "standard-webhooks-v1a" | "svix" => &[
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "svix-id",
            "svix-timestamp",
            "svix-signature",
        ],
        "github" | "github-sha1" | "intercom" => &["x-hub-signature-256", "x-hub-signature"],
        "shopify" => &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
        "twilio" => &["x-twilio-signature"],
        "gitlab" => &["x-gitlab-token"],
        "discord" => &["x-signature-ed25519", "x-signature-timestamp"],
        "square" => &["x-square-hmacsha256-signature", "x-square-signature"],
        "paddle" => &["paddle-signature"],
        "twitch" => &[
            "twitch-eventsub-message-signature",
            "twitch-eventsub-message-id",
            "twitch-eventsub-message-timestamp",
        ],
        "linear" => &["linear-signature"],
        "generic" => return vec![generic_header.to_ascii_lowercase()],
        _ => &[],
    };
    v.iter().map(|s| s.to_string()).collect()
}

/// When a captured signature was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedAt {
    pub scheme: &'static str,
    /// Unix seconds.
    pub timestamp: i64,
}

/// The scheme and timestamp of a captured signature, for the schemes that sign one
/// (SIGNATURES.md: Stripe `t=`, Slack and Zoom timestamp headers, Standard Webhooks and
/// Svix `*-timestamp`, Paddle `ts=`, Twitch RFC 3339, Linear's `webhookTimestamp`).
pub fn signature_timestamp(h: &Headers, body: &[u8]) -> Option<SignedAt> {
    // From the headers alone: the body only tells Mailgun, which has no timestamp check.
    let scheme = detect(h, None)?;
    let unix = crate::core::scheme::unix_secs;
    let timestamp = match scheme {
        "stripe" => h
            .get("stripe-signature")?
            .split(',')
            .find_map(|p| p.trim().strip_prefix("t="))
            .and_then(unix),
        "slack" => unix(h.get("x-slack-request-timestamp")?),
        "zoom" => unix(h.get("x-zm-request-timestamp")?),
        "standard-webhooks" | "standard-webhooks-v1a" | "svix" => {
            let fam = if h.contains("svix-signature") {
                "svix"
            } else {
                "webhook"
            };
            unix(h.get(&format!("{fam}-timestamp"))?)
        }
        "paddle" => h
            .get("paddle-signature")?
            .split(';')
            .find_map(|p| p.trim().strip_prefix("ts="))
            .and_then(unix),
        "twitch" => h
            .get("twitch-eventsub-message-timestamp")?
            .trim()
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_second()),
        "linear" => {
            let v: Value = serde_json::from_slice(body).ok()?;
            crate::core::scheme::linear::ms_to_secs(v.get("webhookTimestamp")?)
        }
        _ => None,
    }?;
    Some(SignedAt { scheme, timestamp })
}

/// A captured signature older than its provider's tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub scheme: &'static str,
    pub age_secs: i64,
    pub tolerance_secs: u64,
}

/// Whether the capture's signature would be refused as stale at `now` (unix seconds).
pub fn staleness(h: &Headers, body: &[u8], now: i64) -> Option<Stale> {
    let s = signature_timestamp(h, body)?;
    let tol = lookup(s.scheme, &GenericParams::default()).ok()?.meta().tolerance?;
    let age = now.checked_sub(s.timestamp)?;
    (age > i64::try_from(tol.secs).unwrap_or(i64::MAX)).then_some(Stale {
        scheme: s.scheme,
        age_secs: age,
        tolerance_secs: tol.secs,
    })
}

/// Applies `--set` overrides to a JSON or form body.
pub fn modify_body(
    id: &str,
    body: &[u8],
    content_type: Option<&str>,
    overrides: &[Override],
) -> Result<Vec<u8>, ReplayError> {
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    if ct.contains("x-www-form-urlencoded") {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        apply_form_overrides(&mut pairs, overrides)?;
        let mut enc = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            enc.append_pair(k, v);
        }
        return Ok(enc.finish().into_bytes());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            apply_overrides(&mut v, overrides)?;
            Ok(serde_json::to_vec(&v).expect("a JSON value always serialises"))
        }
        Err(_) => Err(ReplayError::NotEditable {
            id: id.to_string(),
            what: if ct.is_empty() {
                "a body that is neither JSON nor a form".into()
            } else {
                format!("a {ct} body")
            },
        }),
    }
}

/// For schemes that keep their timestamp in the body (Linear's `webhookTimestamp`, in
/// milliseconds): the body with it set to `now_ms`. `None` when there is none to refresh.
pub fn refresh_body_timestamp(scheme: &str, body: &[u8], now_ms: i64) -> Option<Vec<u8>> {
    if scheme != "linear" {
        return None;
    }
    let mut v: Value = serde_json::from_slice(body).ok()?;
    let slot = v.as_object_mut()?.get_mut("webhookTimestamp")?;
    *slot = json!(now_ms);
    serde_json::to_vec(&v).ok()
}

// ---------------------------------------------------------------------------------
// Delivery of many

/// One replay: the request and, when re-signing, its signer (a fresh id each).
pub struct Job {
    pub req: Prepared,
    pub signer: Option<Box<Signer>>,
}

/// Delivers the jobs that `next` gives through [`deliver`], `concurrency` at a time,
/// starting at most `rate` per second, and calls `on_done(meta, request, result)` as each
/// finishes. The tasks are [`spread`](super::deliver::spread) over a thread per client,
/// as `send`'s are. Each task takes its next job itself: a job is read and prepared on
/// the thread that sends it, just before, with no hand-over between threads and nothing
/// waiting in a queue (a reading thread that fed a queue measured slower: it kept both
/// runtime threads busy and woke them across threads). `next` gets back the task's
/// previous job once `on_done` has seen it (its buffers can be read into again), and
/// returns `None` when there are no more. When `on_done` returns `false`, no further job
/// is taken. Once `stop` turns true, the deliveries in flight are dropped and `run`
/// returns when none is left (Ctrl-C); dropping the future drops them too, unawaited.
pub async fn run<T, N, G, F>(
    clients: Vec<reqwest::Client>,
    next: N,
    policy: Policy,
    concurrency: usize,
    rate: Option<f64>,
    on_done: F,
    stop: tokio::sync::watch::Receiver<bool>,
) where
    T: Send + 'static,
    N: Fn(Option<(Job, T)>) -> G + Send + Sync + 'static,
    G: std::future::Future<Output = Option<(Job, T)>> + Send,
    F: Fn(&T, &Prepared, Result<Delivery, DeliverError>) -> bool + Send + Sync + 'static,
{
    let policy = Arc::new(policy);
    let next = Arc::new(next);
    let on_done = Arc::new(on_done);
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let interval = rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
    super::deliver::spread(
        clients,
        concurrency,
        move |client| {
            let (next, policy, on_done, started, stopped) = (
                next.clone(),
                policy.clone(),
                on_done.clone(),
                started.clone(),
                stopped.clone(),
            );
            async move {
                let mut done = None;
                while !stopped.load(Ordering::Relaxed) {
                    let Some((job, meta)) = next(done.take()).await else {
                        break;
                    };
                    // (Counted under `--rate` only: a counter both threads write costs each.)
                    if let Some(iv) = interval {
                        let i = started.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep_until((start + iv.mul_f64(i as f64)).into()).await;
                    }
                    let res = deliver(&client, &job.req, job.signer.as_deref(), &policy, |_| {}).await;
                    if !on_done(&meta, &job.req, res) {
                        stopped.store(true, Ordering::Relaxed);
                    }
                    done = Some((job, meta));
                }
            }
        },
        stop,
    )
    .await;
}

// ---------------------------------------------------------------------------------
// Exports

/// Quotes a string as one shell word that POSIX sh, bash and zsh all read back as the
/// same bytes, and that holds nothing a terminal would act on when the command is shown
/// ([`crate::core::acts_on_terminal`]: controls, tabs and newlines included, which a
/// paste would also break on). Printable text is single-quoted, each `'` written
/// `'\''`; anything else becomes `"$(printf 'FORMAT')"`, the characters to hide written
/// as octal escapes (see [`printf_format`]). A command substitution drops trailing
/// newlines, which no URL, method or header value can end with.
pub fn shell_quote(s: &str) -> String {
    if !s.chars().any(crate::core::acts_on_terminal) {
        return format!("'{}'", s.replace('\'', "'\\''"));
    }
    format!("\"$(printf {})\"", printf_format(s.as_bytes()))
}

/// A single-quoted `printf` format that prints exactly `bytes`: `%` and `\` doubled, `'`
/// written `'\''`, printable characters as they are, and every byte of a character
/// that could act on a terminal, and every byte that is not UTF-8, as a three-digit
/// octal escape (`\033`), which POSIX printf, bash, zsh and dash all read. A leading
/// `-` is written `\055` too, so that printf cannot take the format for an option.
pub fn printf_format(bytes: &[u8]) -> String {
    let mut o = String::with_capacity(bytes.len() + 16);
    o.push('\'');
    let octal = |o: &mut String, b: u8| o.push_str(&format!("\\{b:03o}"));
    let bytes = match bytes.split_first() {
        Some((b'-', rest)) => {
            octal(&mut o, b'-');
            rest
        }
        _ => bytes,
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => o.push_str("%%"),
                '\\' => o.push_str("\\\\"),
                '\'' => o.push_str("'\\''"),
                c if crate::core::acts_on_terminal(c) => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        octal(&mut o, b);
                    }
                }
                c => o.push(c),
            }
        }
        for &b in chunk.invalid() {
            octal(&mut o, b);
        }
    }
    o.push('\'');
    o
}

/// A curl command that sends the capture to `url` byte-exact when run by `sh`, bash or
/// zsh (see [`curl_for`]), header values that are not UTF-8 included; curl's own
/// Content-Type, Accept, User-Agent and Expect are suppressed where the capture had none.
pub fn curl_command(r: &CaptureRecord, url: &str) -> Result<String, CaptureError> {
    let body = r.body_bytes()?;
    let headers = replay_headers(&r.headers);
    Ok(curl_for_exact(
        &r.method,
        url,
        &headers,
        &r.exact_header_values()?,
        &body,
    ))
}

/// [`shell_quote`] for bytes: text as it quotes it, anything that is not UTF-8 as
/// `"$(printf 'FORMAT')"` ([`printf_format`]).
pub fn shell_quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => shell_quote(s),
        Err(_) => format!("\"$(printf {})\"", printf_format(b)),
    }
}

/// A curl command for any request (`send --print curl` and the capture export), safe
/// to show and to paste: its only control characters are the newlines between its
/// lines, every word is quoted by [`shell_quote`]. The body is piped in: printable
/// UTF-8 text through `printf '%s' 'TEXT'`; text holding characters that could act on
/// a terminal through `printf 'FORMAT'` ([`printf_format`]); anything else (bytes that
/// are not UTF-8, a NUL) as base64 through `base64 -d`.
pub fn curl_for(method: &str, url: &str, headers: &Headers, body: &[u8]) -> String {
    curl_for_exact(method, url, headers, &[], body)
}

/// [`curl_for`] with header values to send as exact bytes (`(name, bytes)`, as
/// [`Prepared::exact_values`] holds them: each stands for the first header of that name
/// not yet matched whose value is the bytes' lossy text).
pub fn curl_for_exact(method: &str, url: &str, headers: &Headers, exact: &[(String, Vec<u8>)], body: &[u8]) -> String {
    let mut exact_used = vec![false; exact.len()];
    let mut parts: Vec<String> = Vec::new();
    let mut head = String::new();
    if !body.is_empty() {
        match std::str::from_utf8(body) {
            Ok(t) if !t.contains('\0') => {
                if t.chars().any(crate::core::acts_on_terminal) {
                    head.push_str(&format!("printf {} | ", printf_format(body)));
                } else {
                    head.push_str(&format!("printf '%s' {} | ", shell_quote(t)));
                }
            }
            _ => head.push_str(&format!(
                "printf '%s' {} | base64 -d | ",
                shell_quote(&base64::engine::general_purpose::STANDARD.encode(body))
            )),
        }
    }
    head.push_str("curl -sS --globoff --path-as-is");
    if method.eq_ignore_ascii_case("HEAD") {
        head.push_str(" --head");
    } else {
        head.push_str(&format!(" -X {}", shell_quote(method)));
    }
    head.push_str(&format!(" {}", shell_quote(url)));
    parts.push(head);
    for (k, v) in headers.iter() {
        // `-H 'Name:'` would remove the header; `Name;` sends it empty.
        let h = if v.is_empty() {
            format!("{k};")
        } else if let Some(bytes) = super::deliver::exact_value(exact, &mut exact_used, k, v) {
            let mut h = format!("{k}: ").into_bytes();
            h.extend_from_slice(bytes);
            parts.push(format!("-H {}", shell_quote_bytes(&h)));
            continue;
        } else {
            format!("{k}: {v}")
        };
        parts.push(format!("-H {}", shell_quote(&h)));
    }
    for (name, needed) in [
        ("Accept", true),
        ("User-Agent", true),
        ("Content-Type", !body.is_empty()),
    ] {
        if needed && !headers.contains(name) {
            parts.push(format!("-H '{name}:'"));
        }
    }
    if !body.is_empty() {
        parts.push("-H 'Expect:'".into());
        parts.push("--data-binary @-".into());
    }
    parts.join(" \\\n  ")
}

fn status_text(s: u16) -> &'static str {
    reqwest::StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}

/// The captures as one HAR 1.2 document. URLs are `base` + the captured path, or
/// `http://` + the captured Host + path. Bodies that are not UTF-8 are base64 with
/// `"encoding": "base64"`; a header value that is not UTF-8 is its text (each invalid
/// sequence as U+FFFD, as HAR's JSON needs) with its exact bytes in base64 beside it
/// (`"_valueBase64"`, a custom field as HAR allows, named by the header's
/// `"comment"`); the response is the status recorded (0 when none).
pub fn har(records: &[CaptureRecord], base: Option<&str>) -> Result<Value, CaptureError> {
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        let body = r.body_bytes()?;
        let url = match base {
            Some(b) => join_url(b, &r.path),
            None => format!("http://{}{}", r.headers.get("host").unwrap_or("localhost"), r.path),
        };
        let query: Vec<Value> = url::Url::parse(&url)
            .map(|u| u.query_pairs().map(|(n, v)| json!({"name": n, "value": v})).collect())
            .unwrap_or_default();
        let headers: Vec<Value> = r
            .headers
            .iter()
            .enumerate()
            .map(|(i, (n, v))| match r.exact_value_at(i) {
                Some(bytes) => json!({
                    "name": n,
                    "value": v,
                    "comment": "not UTF-8: the exact bytes are in _valueBase64",
                    "_valueBase64": base64::engine::general_purpose::STANDARD.encode(bytes),
                }),
                None => json!({"name": n, "value": v}),
            })
            .collect();
        let mut request = json!({
            "method": r.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers,
            "queryString": query,
            "headersSize": -1,
            "bodySize": body.len(),
        });
        if !body.is_empty() {
            let mime = r.headers.get("content-type").unwrap_or("application/octet-stream");
            let post = match std::str::from_utf8(&body) {
                Ok(t) => json!({"mimeType": mime, "text": t}),
                Err(_) => json!({
                    "mimeType": mime,
                    "text": base64::engine::general_purpose::STANDARD.encode(&body),
                    "encoding": "base64",
                }),
            };
            request["postData"] = post;
        }
        let resp = r.response.as_ref();
        let status = resp.and_then(|x| x.status).unwrap_or(0);
        let wait = resp.and_then(|x| x.duration_ms).unwrap_or(0.0);
        let rbody = resp.and_then(|x| x.body.clone());
        let mut content = json!({"size": rbody.as_ref().map_or(0, |b| b.len()), "mimeType": ""});
        if let Some(b) = rbody {
            content["text"] = b.into();
        }
        entries.push(json!({
            "startedDateTime": r.received_at,
            "time": wait,
            "request": request,
            "response": {
                "status": status,
                "statusText": status_text(status),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": [],
                "content": content,
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": wait, "receive": 0},
            "comment": format!("hookcat capture {}", r.id),
            "_id": r.id,
        }));
    }
    Ok(json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "hookcat", "version": env!("CARGO_PKG_VERSION")},
            "pages": [],
            "entries": entries,
        }
    }))
}

/// The capture as HTTP/1.1 request bytes: request line, the captured headers (the
/// framing ones replaced by a Content-Length that fits the body; values that are not
/// UTF-8 as their exact bytes), a blank line, the body.
pub fn raw_request(r: &CaptureRecord) -> Result<Vec<u8>, CaptureError> {
    let body = r.body_bytes()?;
    // (A redacted query value's marker has spaces, which a request-target cannot.)
    let mut out = format!("{} {} HTTP/1.1\r\n", r.method, r.path.replace(' ', "%20")).into_bytes();
    let framed = r.headers.contains("content-length") || r.headers.contains("transfer-encoding");
    for (i, (k, v)) in r.headers.iter().enumerate() {
        if k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding") {
            continue;
        }
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        match r.exact_value_at(i) {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => out.extend_from_slice(v.as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
    if framed || !body.is_empty() {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Comparison

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub a: String,
    pub b: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderDiff {
    /// Lower-case.
    pub name: String,
    pub change: Change,
    /// All values of the header, joined with `, `.
    pub a: Option<String>,
    pub b: Option<String>,
    /// A header that differs on every delivery (signatures, timestamps, ids, dates).
    pub varies: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonChange {
    /// Dotted, as `--set` takes it: `data.object.amount`, `items.0.price`.
    pub path: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Same,
    Removed,
    Added,
    /// Unchanged lines left out; the text says how many.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub kind: LineKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyMode {
    /// Compared as JSON values: key order and whitespace do not count.
    Json,
    /// Compared line by line.
    Text,
    /// Compared byte by byte.
    Binary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyDiff {
    pub mode: BodyMode,
    pub same: bool,
    pub a_size: usize,
    pub b_size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<JsonChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureDiff {
    pub a: String,
    pub b: String,
    pub identical: bool,
    pub method: Option<FieldDiff>,
    pub path: Option<FieldDiff>,
    pub headers: Vec<HeaderDiff>,
    /// Headers present in both with the same values.
    pub same_headers: usize,
    pub body: BodyDiff,
}

/// Headers expected to differ between two deliveries of the same event.
pub fn varies_per_delivery(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "date",
        "content-length",
        "traceparent",
        "tracestate",
        "x-forwarded-for",
        "idempotency-key",
    ];
    const PARTS: &[&str] = &[
        "signature",
        "timestamp",
        "delivery",
        "request-id",
        "-id",
        "uuid",
        "hmac",
        "nonce",
        "trace",
        "triggered-at",
        "token",
    ];
    EXACT.contains(&n.as_str()) || PARTS.iter().any(|p| n.contains(p))
}

fn grouped(h: &Headers) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in h.iter() {
        let k = k.to_ascii_lowercase();
        match out.iter_mut().find(|(n, _)| *n == k) {
            Some((_, all)) => {
                all.push_str(", ");
                all.push_str(v);
            }
            None => out.push((k, v.to_string())),
        }
    }
    out
}

/// Compares two captures: method, path, headers (names without regard to case) and
/// bodies (as JSON unless `exact`).
pub fn diff_captures(a: &CaptureRecord, b: &CaptureRecord, exact: bool) -> Result<CaptureDiff, CaptureError> {
    let field = |x: &str, y: &str| {
        (x != y).then(|| FieldDiff {
            a: x.to_string(),
            b: y.to_string(),
        })
    };
    let (ha, hb) = (grouped(&a.headers), grouped(&b.headers));
    let mut headers = Vec::new();
    let mut same_headers = 0;
    for (k, va) in &ha {
        match hb.iter().find(|(n, _)| n == k) {
            Some((_, vb)) if vb == va => same_headers += 1,
            Some((_, vb)) => headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Changed,
                a: Some(va.clone()),
                b: Some(vb.clone()),
                varies: varies_per_delivery(k),
            }),
            None => headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Removed,
                a: Some(va.clone()),
                b: None,
                varies: varies_per_delivery(k),
            }),
        }
    }
    for (k, vb) in &hb {
        if !ha.iter().any(|(n, _)| n == k) {
            headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Added,
                a: None,
                b: Some(vb.clone()),
                varies: varies_per_delivery(k),
            });
        }
    }
    let body = diff_bodies(&a.body_bytes()?, &b.body_bytes()?, exact);
    let method = field(&a.method, &b.method);
    let path = field(&a.path, &b.path);
    Ok(CaptureDiff {
        a: a.id.clone(),
        b: b.id.clone(),
        identical: method.is_none() && path.is_none() && headers.is_empty() && body.same,
        method,
        path,
        headers,
        same_headers,
        body,
    })
}

/// Compares two bodies: as JSON values when both parse and not `exact`; else as lines
/// of text; else as bytes.
pub fn diff_bodies(a: &[u8], b: &[u8], exact: bool) -> BodyDiff {
    let mut d = BodyDiff {
        mode: BodyMode::Binary,
        same: a == b,
        a_size: a.len(),
        b_size: b.len(),
        note: None,
        changes: Vec::new(),
        lines: Vec::new(),
    };
    if !exact && !a.is_empty() && !b.is_empty() {
        if let (Ok(va), Ok(vb)) = (serde_json::from_slice::<Value>(a), serde_json::from_slice::<Value>(b)) {
            d.mode = BodyMode::Json;
            d.changes = json_diff(&va, &vb);
            d.same = d.changes.is_empty();
            if d.same && a != b {
                d.note = Some("the same JSON; only key order or whitespace differ (--exact compares bytes)".into());
            }
            return d;
        }
    }
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(ta), Ok(tb)) => {
            d.mode = BodyMode::Text;
            if !d.same {
                d.lines = line_diff(ta, tb, 3);
            }
        }
        _ if !d.same => {
            let at = a
                .iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            d.note = Some(format!(
                "the bodies differ from byte {at} on ({} and {} bytes)",
                a.len(),
                b.len()
            ));
        }
        _ => {}
    }
    d
}

fn simple_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$' || c == '@')
}

fn render_path(segments: &[String]) -> String {
    if segments.is_empty() {
        return "(body)".into();
    }
    let mut s = String::new();
    for seg in segments {
        if simple_key(seg) {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        } else {
            s.push('[');
            s.push_str(&serde_json::to_string(seg).unwrap_or_default());
            s.push(']');
        }
    }
    s
}

/// The differences between two JSON values: each changed, added or removed path.
/// Object keys are matched by name (their order does not count), array elements by index.
pub fn json_diff(a: &Value, b: &Value) -> Vec<JsonChange> {
    fn walk(path: &mut Vec<String>, a: &Value, b: &Value, out: &mut Vec<JsonChange>) {
        let at = |path: &[String], change, a: Option<&Value>, b: Option<&Value>| JsonChange {
            path: render_path(path),
            change,
            a: a.cloned(),
            b: b.cloned(),
        };
        match (a, b) {
            (Value::Object(ma), Value::Object(mb)) => {
                for (k, va) in ma {
                    path.push(k.clone());
                    match mb.get(k) {
                        Some(vb) => walk(path, va, vb, out),
                        None => out.push(at(path, Change::Removed, Some(va), None)),
                    }
                    path.pop();
                }
                for (k, vb) in mb {
                    if !ma.contains_key(k) {
                        path.push(k.clone());
                        out.push(at(path, Change::Added, None, Some(vb)));
                        path.pop();
                    }
                }
            }
            (Value::Array(xa), Value::Array(xb)) => {
                for i in 0..xa.len().max(xb.len()) {
                    path.push(i.to_string());
                    match (xa.get(i), xb.get(i)) {
                        (Some(va), Some(vb)) => walk(path, va, vb, out),
                        (Some(va), None) => out.push(at(path, Change::Removed, Some(va), None)),
                        (None, Some(vb)) => out.push(at(path, Change::Added, None, Some(vb))),
                        (None, None) => {}
                    }
                    path.pop();
                }
            }
            _ if a == b => {}
            _ => out.push(at(path, Change::Changed, Some(a), Some(b))),
        }
    }
    let mut out = Vec::new();
    walk(&mut Vec::new(), a, b, &mut out);
    out
}

/// A line diff of two texts with `context` unchanged lines around each change (the rest
/// are counted in `Skipped` lines). Lines are split on `\n` only, so a missing final
/// newline or a `\r` shows.
pub fn line_diff(a: &str, b: &str, context: usize) -> Vec<DiffLine> {
    use similar::{capture_diff_slices_deadline, Algorithm, ChangeTag};
    let la: Vec<&str> = a.split('\n').collect();
    let lb: Vec<&str> = b.split('\n').collect();
    // Myers' diff; past the deadline (very long, very different texts) it settles for
    // a correct but longer diff.
    let deadline = Instant::now() + Duration::from_secs(1);
    let ops: Vec<(LineKind, &str)> = capture_diff_slices_deadline(Algorithm::Myers, &la, &lb, Some(deadline))
        .iter()
        .flat_map(|op| op.iter_changes(&la, &lb))
        .map(|c| {
            let kind = match c.tag() {
                ChangeTag::Equal => LineKind::Same,
                ChangeTag::Delete => LineKind::Removed,
                ChangeTag::Insert => LineKind::Added,
            };
            (kind, c.value())
        })
        .collect();
    // Keep unchanged lines only near a change.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| *k != LineKind::Same)
        .map(|(i, _)| i)
        .collect();
    // (`changed` is sorted: the first change at or after `i - context` decides.)
    let near = |i: usize| {
        let k = changed.partition_point(|&c| c.saturating_add(context) < i);
        changed.get(k).is_some_and(|&c| c <= i.saturating_add(context))
    };
    let mut out = Vec::new();
    let mut skipped = 0usize;
    for (i, (kind, text)) in ops.iter().enumerate() {
        if *kind == LineKind::Same && !near(i) {
            skipped += 1;
            continue;
        }
        if skipped > 0 {
            out.push(DiffLine {
                kind: LineKind::Skipped,
                text: format!("{skipped} unchanged lines"),
            });
            skipped = 0;
        }
        out.push(DiffLine {
            kind: *kind,
            text: text.to_string(),
        });
    }
    if skipped > 0 {
        out.push(DiffLine {
            kind: LineKind::Skipped,
            text: format!("{skipped} unchanged lines"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::capture::{encode_body, ResponseRecord};

    fn rec(id: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> CaptureRecord {
        let (b, e) = encode_body(body);
        CaptureRecord {
            v: 1,
            id: id.into(),
            received_at: "2026-11-28T10:00:00.000Z".into(),
            method: method.into(),
            path: path.into(),
            headers: Headers(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            body: b,
            body_encoding: e,
            remote_addr: "127.0.0.1:1".into(),
            verification: None,
            response: Some(ResponseRecord {
                status: Some(200),
                kind: "normal".into(),
                body: None,
                duration_ms: Some(1.5),
                note: None,
            }),
            provider: None,
            event: None,
            body_note: None,
            header_bytes: Vec::new(),
            redacted: Default::default(),
        }
    }

    fn log(records: &[CaptureRecord]) -> String {
        records.iter().map(|r| r.to_line() + "\n").collect()
    }

    #[test]
    fn filters_parse_and_match() {
        let mut r = rec("a", "POST", "/hooks/stripe?x=1", &[], b"{}");
        r.provider = Some("stripe".into());
        r.event = Some("invoice.paid".into());
        let m = |spec: &str| parse_filter(spec).unwrap().matches(&r);
        assert!(m("provider=Stripe"));
        assert!(m("event=invoice.paid"));
        assert!(m("event=stripe.invoice.*"));
        assert!(m("method=post"));
        assert!(m("path=/hooks/stripe"));
        assert!(m("path=/hooks/*"));
        assert!(m("status=200") && m("status=2xx") && !m("status=5xx"));
        assert!(m("valid=none") && !m("valid=true"));
        assert!(parse_filter("colour=red")
            .unwrap_err()
            .to_string()
            .contains("keys: provider"));
        assert!(parse_filter("status=abc").is_err());
        assert!(parse_filter("novalue").is_err());
    }

    #[test]
    fn since_forms() {
        let now: jiff::Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        assert_eq!(parse_since("10m", now).unwrap().to_string(), "2026-11-28T11:50:00Z");
        assert_eq!(parse_since("1d", now).unwrap().to_string(), "2026-11-27T12:00:00Z");
        assert_eq!(
            parse_since("2026-11-28", now).unwrap().to_string(),
            "2026-11-28T00:00:00Z"
        );
        assert_eq!(
            parse_since("2026-11-28T10:30:00", now).unwrap().to_string(),
            "2026-11-28T10:30:00Z"
        );
        assert_eq!(
            parse_since("2026-11-28T10:30:00+01:00", now).unwrap().to_string(),
            "2026-11-28T09:30:00Z"
        );
        assert!(parse_since("yesterday", now).is_err());
    }

    #[test]
    fn last_n_is_a_ring_and_ids_take_prefixes() {
        let records: Vec<_> = (0..10)
            .map(|i| rec(&format!("2026a{i}x"), "POST", "/", &[], b""))
            .collect();
        let text = format!("{}garbage\n", log(&records));
        let mut skipped = Vec::new();
        let sel = Selection {
            last: Some(3),
            ..Default::default()
        };
        let got = select(text.as_bytes(), &sel, &mut |l, _| skipped.push(l)).unwrap();
        assert_eq!(
            got.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2026a7x", "2026a8x", "2026a9x"]
        );
        assert_eq!(skipped, [11]);

        let sel = Selection {
            ids: vec!["2026a5".into(), "2026a1x".into()],
            ..Default::default()
        };
        let got = select(text.as_bytes(), &sel, &mut |_, _| {}).unwrap();
        assert_eq!(
            got.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2026a5x", "2026a1x"]
        );

        let e = find_ids(text.as_bytes(), &["2026a".into()], &mut |_, _| {}).unwrap_err();
        assert!(
            matches!(&e, ReplayError::Ambiguous { candidates, .. } if candidates.len() == 10),
            "{e}"
        );
        let e = find_ids(
            text.as_bytes(),
            &["nope".into(), "2026a1x".into(), "zzz".into()],
            &mut |_, _| {},
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "no capture with id `nope`, `zzz`");

        assert!(matches!(
            select(text.as_bytes(), &Selection::default(), &mut |_, _| {}),
            Err(ReplayError::NothingSelected)
        ));
        let none = Selection {
            filters: vec![parse_filter("method=DELETE").unwrap()],
            ..Default::default()
        };
        assert!(matches!(
            select(text.as_bytes(), &none, &mut |_, _| {}),
            Err(ReplayError::Empty)
        ));
    }

    #[test]
    fn prepared_requests_drop_connection_headers() {
        let r = rec(
            "a",
            "PUT",
            "/x?y=1",
            &[
                ("host", "h"),
                ("content-length", "2"),
                ("x-a", "1"),
                ("x-a", "2"),
                ("Connection", "close"),
            ],
            b"hi",
        );
        let p = prepare(&r, "http://127.0.0.1:9/base/", b"hi".to_vec()).unwrap();
        assert_eq!(p.url, "http://127.0.0.1:9/base/x?y=1");
        assert_eq!(p.method, "PUT");
        assert_eq!(
            p.headers.0,
            vec![
                ("x-a".to_string(), "1".to_string()),
                ("x-a".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn timestamps_of_captured_signatures() {
        let h = |n: &str, v: &str| Headers(vec![(n.to_string(), v.to_string())]);
        let st = signature_timestamp(&h("Stripe-Signature", "t=1700000000,v1=ab"), b"").unwrap();
        assert_eq!((st.scheme, st.timestamp), ("stripe", 1_700_000_000));
        let sw = Headers(vec![
            ("webhook-id".into(), "m".into()),
            ("webhook-timestamp".into(), "42".into()),
            ("webhook-signature".into(), "v1,x".into()),
        ]);
        assert_eq!(signature_timestamp(&sw, b"").unwrap().timestamp, 42);
        let tw = Headers(vec![
            ("twitch-eventsub-message-signature".into(), "sha256=aa".into()),
            (
                "twitch-eventsub-message-timestamp".into(),
                "2023-11-14T22:13:20.123456789Z".into(),
            ),
        ]);
        assert_eq!(signature_timestamp(&tw, b"").unwrap().timestamp, 1_700_000_000);
        assert_eq!(
            signature_timestamp(&h("Paddle-Signature", "ts=7;h1=aa"), b"")
                .unwrap()
                .timestamp,
            7
        );
        assert!(signature_timestamp(&h("X-Hub-Signature-256", "sha256=aa"), b"").is_none());
        // A timestamp that is no time has no age (and none that wraps to fresh).
        for t in ["-9223372036854775808", "9223372036854775807", "1e300", "-1"] {
            let sh = h("Stripe-Signature", &format!("t={t},v1=ab"));
            assert!(signature_timestamp(&sh, b"").is_none(), "{t}");
            assert!(staleness(&sh, b"", 1_700_000_000).is_none(), "{t}");
        }
        let s = staleness(&h("Stripe-Signature", "t=1000,v1=ab"), b"", 1000 + 301).unwrap();
        assert_eq!((s.age_secs, s.tolerance_secs), (301, 300));
        assert!(staleness(&h("Stripe-Signature", "t=1000,v1=ab"), b"", 1200).is_none());
        let lin = Headers(vec![("linear-signature".into(), "aa".into())]);
        assert_eq!(
            signature_timestamp(&lin, br#"{"webhookTimestamp": 5500}"#)
                .unwrap()
                .timestamp,
            5
        );
        for ms in ["-1e300", "1e300", "-5", "18446744073709551615"] {
            let body = format!(r#"{{"webhookTimestamp": {ms}}}"#);
            assert!(signature_timestamp(&lin, body.as_bytes()).is_none(), "{ms}");
        }
        assert_eq!(
            refresh_body_timestamp("linear", br#"{"a":1,"webhookTimestamp":5500}"#, 9).unwrap(),
            br#"{"a":1,"webhookTimestamp":9}"#
        );
    }

    #[test]
    fn bodies_are_modified() {
        let o = [crate::core::event::parse_override("data.amount=200").unwrap()];
        assert_eq!(
            modify_body("a", br#"{"data":{"amount":1,"z":0}}"#, Some("application/json"), &o).unwrap(),
            br#"{"data":{"amount":200,"z":0}}"#
        );
        let f = [crate::core::event::parse_override("Body=STOP").unwrap()];
        assert_eq!(
            modify_body("a", b"Body=hi&From=x", Some("application/x-www-form-urlencoded"), &f).unwrap(),
            b"Body=STOP&From=x"
        );
        assert!(modify_body("a", b"plain", Some("text/plain"), &o)
            .unwrap_err()
            .to_string()
            .contains("text/plain"));
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        let r = rec(
            "a",
            "POST",
            "/p",
            &[("content-type", "application/json"), ("x-e", "")],
            b"{}",
        );
        let c = curl_command(&r, "http://h/p").unwrap();
        assert!(
            c.starts_with("printf '%s' '{}' | curl -sS --globoff --path-as-is -X 'POST' 'http://h/p'"),
            "{c}"
        );
        assert!(
            c.contains("-H 'x-e;'") && c.contains("-H 'Accept:'") && !c.contains("-H 'Content-Type:'"),
            "{c}"
        );
        let bin = rec("b", "POST", "/p", &[], &[0xff, 0]);
        assert!(curl_command(&bin, "http://h/p")
            .unwrap()
            .contains("'/wA=' | base64 -d |"));
    }

    #[test]
    fn words_with_controls_become_printf_formats() {
        assert_eq!(shell_quote("a\u{1b}]0;t\u{7}"), "\"$(printf 'a\\033]0;t\\007')\"");
        assert_eq!(shell_quote("x\ty'%\\"), "\"$(printf 'x\\011y'\\''%%\\\\')\"");
        assert_eq!(printf_format("\u{202e}1".as_bytes()), "'\\342\\200\\2561'");
        assert_eq!(printf_format(&[0xff, b'a']), "'\\377a'");
        assert_eq!(printf_format(b"-n\x01"), "'\\055n\\001'");
        let r = rec("a", "POST", "/p", &[("x-v", "\u{9b}2J")], b"line\nnext\r\n");
        let c = curl_command(&r, "http://h/p").unwrap();
        assert!(c.starts_with("printf 'line\\012next\\015\\012' | curl"), "{c}");
        assert!(c.contains("-H \"$(printf 'x-v: \\302\\2332J')\""), "{c}");
        assert!(
            !c.chars().any(|ch| ch != '\n' && crate::core::acts_on_terminal(ch)),
            "{c}"
        );
    }

    #[test]
    fn har_and_raw() {
        let r = rec(
            "a",
            "POST",
            "/p?q=1",
            &[("host", "example.test"), ("content-length", "2")],
            b"hi",
        );
        let h = har(&[r.clone(), rec("b", "POST", "/", &[], &[0xff])], None).unwrap();
        let e = &h["log"]["entries"];
        assert_eq!(h["log"]["version"], "1.2");
        assert_eq!(e[0]["request"]["url"], "http://example.test/p?q=1");
        assert_eq!(e[0]["request"]["queryString"][0], json!({"name": "q", "value": "1"}));
        assert_eq!(e[0]["request"]["postData"]["text"], "hi");
        assert_eq!(e[0]["response"]["status"], 200);
        assert_eq!(e[1]["request"]["postData"]["encoding"], "base64");
        let raw = raw_request(&r).unwrap();
        assert_eq!(
            raw,
            b"POST /p?q=1 HTTP/1.1\r\nhost: example.test\r\ncontent-length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn json_aware_diff() {
        let a = br#"{"data": {"object": {"amount": 100, "cur": "eur"}}, "list": [1, 2]}"#;
        let b = br#"{"list":[1,2,3],"data":{"object":{"amount":200,"new":true}}}"#;
        let d = diff_bodies(a, b, false);
        assert_eq!(d.mode, BodyMode::Json);
        let paths: Vec<(&str, Change)> = d.changes.iter().map(|c| (c.path.as_str(), c.change)).collect();
        assert_eq!(
            paths,
            [
                ("data.object.amount", Change::Changed),
                ("data.object.cur", Change::Removed),
                ("data.object.new", Change::Added),
                ("list.2", Change::Added)
            ]
        );
        let same = diff_bodies(br#"{"a":1,"b":2}"#, b"{ \"b\": 2,\n \"a\": 1 }", false);
        assert!(same.same && same.note.is_some());
        assert!(!diff_bodies(br#"{"a":1,"b":2}"#, br#"{"b":2,"a":1}"#, true).same);
        assert_eq!(json_diff(&json!({"a.b": 1}), &json!({"a.b": 2}))[0].path, "[\"a.b\"]");
    }

    #[test]
    fn line_diffs_keep_context() {
        let a = (1..=20).map(|i| i.to_string()).collect::<Vec<_>>().join("\n");
        let b = a.replace("\n10\n", "\nten\n");
        let d = line_diff(&a, &b, 1);
        let kinds: Vec<LineKind> = d.iter().map(|l| l.kind).collect();
        use LineKind::*;
        assert_eq!(kinds, [Skipped, Same, Removed, Added, Same, Skipped]);
        assert_eq!(d[0].text, "8 unchanged lines");
        assert_eq!((d[2].text.as_str(), d[3].text.as_str()), ("10", "ten"));
        let nl = line_diff("x\n", "x", 3);
        assert_eq!(nl.iter().filter(|l| l.kind == Removed).count(), 1);
    }

    /// With every line kept, the unchanged and removed lines are the first text, the
    /// unchanged and added ones the second; long texts with changes all through them
    /// too, and context is kept around each change only.
    #[test]
    fn line_diffs_rebuild_both_texts() {
        let long_a: String = (0..3000).map(|i| format!("line {i}\n")).collect();
        let long_b: String = (0..3000)
            .filter(|i| i % 97 != 0)
            .map(|i| {
                if i % 89 == 0 {
                    format!("changed {i}\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect();
        for (a, b) in [
            ("", "x"),
            ("a\nb\nc", "a\nc"),
            ("a\nb", "b\na"),
            ("x\r\ny", "x\ny"),
            (long_a.as_str(), long_b.as_str()),
        ] {
            let d = line_diff(a, b, usize::MAX);
            let text = |skip: LineKind| {
                d.iter()
                    .filter(|l| l.kind != skip)
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(
                (text(LineKind::Added), text(LineKind::Removed)),
                (a.to_string(), b.to_string())
            );
            assert!(d.iter().all(|l| l.kind != LineKind::Skipped));
            let changes = d.iter().filter(|l| l.kind != LineKind::Same).count();
            let shown = line_diff(a, b, 1);
            assert!(shown.iter().filter(|l| l.kind == LineKind::Same).count() <= 2 * changes);
        }
        // The long texts differ by their 31 dropped and 33 changed lines only.
        let d = line_diff(&long_a, &long_b, 0);
        assert_eq!(d.iter().filter(|l| l.kind == LineKind::Removed).count(), 31 + 33);
        assert_eq!(d.iter().filter(|l| l.kind == LineKind::Added).count(), 33);
    }

    /// Answers every request on 127.0.0.1 with an empty 200 (requests without a body).
    async fn answering_server() -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while let Ok(n) = sock.read(&mut chunk).await {
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            buf.drain(..end + 4);
                            let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                            if sock.write_all(ok).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        url
    }

    #[test]
    fn run_takes_every_job_once_and_stops_when_told() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let job = |url: &str| Job {
            req: Prepared {
                method: "GET".into(),
                url: url.to_string(),
                headers: Headers::new(),
                exact_values: Vec::new(),
                body: bytes::Bytes::new(),
            },
            signer: None,
        };
        let deliver_all = |url: String, stop_after: Option<usize>| {
            let jobs = std::sync::Mutex::new((0..100u32).map(|i| (job(&url), i)).collect::<Vec<_>>().into_iter());
            let taken = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(std::sync::Mutex::new(Vec::new()));
            let returned = Arc::new(std::sync::Mutex::new(Vec::new()));
            let next = {
                let (taken, done, returned) = (taken.clone(), done.clone(), returned.clone());
                move |prev: Option<(Job, u32)>| {
                    // A job comes back once its answer was seen, to the task that took it.
                    if let Some((_, i)) = prev {
                        assert!(
                            done.lock().unwrap().contains(&i),
                            "job {i} came back before it was done"
                        );
                        returned.lock().unwrap().push(i);
                    }
                    let j = jobs.lock().unwrap().next();
                    taken.fetch_add(usize::from(j.is_some()), Ordering::Relaxed);
                    std::future::ready(j)
                }
            };
            let on_done = {
                let done = done.clone();
                move |&i: &u32, _: &Prepared, res: Result<Delivery, DeliverError>| {
                    assert!(res.unwrap().delivered(), "job {i}");
                    let mut d = done.lock().unwrap();
                    d.push(i);
                    stop_after.is_none_or(|n| d.len() < n)
                }
            };
            let client = reqwest::Client::builder().build().unwrap();
            // Never told to stop (its sender is gone).
            let (_, stop) = tokio::sync::watch::channel(false);
            (
                run(
                    vec![client.clone(), client],
                    next,
                    Policy::default(),
                    3,
                    None,
                    on_done,
                    stop,
                ),
                taken,
                done,
                returned,
            )
        };
        rt.block_on(async {
            let url = answering_server().await;
            let (all, taken, done, returned) = deliver_all(url.clone(), None);
            all.await;
            let mut got = done.lock().unwrap().clone();
            got.sort();
            assert_eq!(got, (0..100).collect::<Vec<_>>());
            assert_eq!(taken.load(Ordering::Relaxed), 100);
            // Every job came back once, each task's last one when it asked for more.
            let mut back = returned.lock().unwrap().clone();
            back.sort();
            assert_eq!(back, got);
            // Told to stop at the first answer: the tasks in flight finish, none starts.
            let (stopped, taken, done, _) = deliver_all(url, Some(1));
            stopped.await;
            let taken = taken.load(Ordering::Relaxed);
            assert!((1..=3).contains(&taken), "{taken} jobs taken after a stop");
            assert_eq!(done.lock().unwrap().len(), taken);
        });
    }

    #[test]
    fn capture_diff_headers_ignore_case() {
        let a = rec(
            "a",
            "POST",
            "/p",
            &[("X-A", "1"), ("Date", "d1"), ("x-gone", "g")],
            b"{}",
        );
        let b = rec(
            "b",
            "POST",
            "/p",
            &[("x-a", "1"), ("date", "d2"), ("x-new", "n")],
            b"{}",
        );
        let d = diff_captures(&a, &b, false).unwrap();
        assert_eq!(d.same_headers, 1);
        let h: Vec<(&str, Change, bool)> = d
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.change, h.varies))
            .collect();
        assert_eq!(
            h,
            [
                ("date", Change::Changed, true),
                ("x-gone", Change::Removed, false),
                ("x-new", Change::Added, false)
            ]
        );
        assert!(!d.identical);
        assert!(diff_captures(&a, &a, false).unwrap().identical);
    }
}
