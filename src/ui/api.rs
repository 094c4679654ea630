//! The inspector's JSON API (documented in the README, "The inspector's API"). Each
//! handler reads its arguments, asks the core, and answers JSON (or the exported
//! bytes); the log is read on the blocking pool.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{refuse, App};
use crate::core::capture::{BodyEncoding, CaptureRecord};
use crate::core::inspect::{self, Bounds, Found, Summary};
use crate::core::replay::{Hooks, Preparation, Warning};
use crate::core::select::parse_filter;

/// Captures per page at most.
const PAGE_MAX: usize = 500;
/// Bytes of log one page request reads at most: a filter that keeps little answers
/// with what it found so far and where to go on.
const SCAN_MAX: u64 = 32 << 20;
/// Bytes of a replay's answer kept.
const ANSWER_KEEP: usize = 256 * 1024;

type Answer = Result<Response, Response>;

fn bad(why: impl Into<String>) -> Response {
    refuse(StatusCode::BAD_REQUEST, why)
}

fn log_error(e: std::io::Error) -> Response {
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("reading the capture log: {e}"),
    )
}

/// Runs `f` on the capture log, on the blocking pool.
async fn with_log<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&mut std::fs::File) -> std::io::Result<T> + Send + 'static,
) -> Result<T, Response> {
    let path = app.log.clone();
    tokio::task::spawn_blocking(move || {
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(refuse(
                    StatusCode::NOT_FOUND,
                    format!("no capture log at {} yet", path.display()),
                ))
            }
            Err(e) => return Err(log_error(e)),
        };
        f(&mut file).map_err(log_error)
    })
    .await
    .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
}

async fn find(app: &App, id: String, at: Option<u64>) -> Result<CaptureRecord, Response> {
    let shown = id.clone();
    with_log(app, move |f| inspect::find(f, &id, at))
        .await?
        .map(|f: Found| f.record)
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no capture with id `{shown}`")))
}

/// `GET /api/info`
pub async fn info(State(app): State<Arc<App>>) -> Response {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "log": app.log.display().to_string(),
        "resign": app.resign.secret.is_some(),
        "scheme": app.resign.scheme,
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ListParams {
    before: Option<u64>,
    limit: Option<usize>,
    provider: Option<String>,
    event: Option<String>,
    method: Option<String>,
    path: Option<String>,
    status: Option<String>,
    valid: Option<String>,
    text: Option<String>,
}

#[derive(Serialize)]
struct ListAnswer<'a> {
    captures: Vec<Summary<'a>>,
    next: Option<u64>,
    skipped: u64,
}

/// `GET /api/captures`: a page, newest first.
pub async fn list(State(app): State<Arc<App>>, Query(p): Query<ListParams>) -> Answer {
    let mut q = inspect::Query::default();
    for (key, value) in [
        ("provider", &p.provider),
        ("event", &p.event),
        ("method", &p.method),
        ("path", &p.path),
        ("status", &p.status),
        ("valid", &p.valid),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            q.filters
                .push(parse_filter(&format!("{key}={v}")).map_err(|e| bad(e.to_string()))?);
        }
    }
    q.text = p.text.filter(|t| !t.is_empty());
    let bounds = Bounds {
        limit: p.limit.unwrap_or(100).clamp(1, PAGE_MAX),
        scan: SCAN_MAX,
    };
    let page = with_log(&app, move |f| inspect::page(f, p.before, &q, bounds)).await?;
    Ok(Json(ListAnswer {
        captures: page
            .captures
            .iter()
            .map(|f| Summary::of(&f.record, Some(f.at)))
            .collect(),
        next: page.next,
        skipped: page.skipped,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct At {
    at: Option<u64>,
}

#[derive(Serialize)]
struct HeaderShown<'a> {
    name: &'a str,
    value: &'a str,
    /// A credential ([`crate::output::SECRET_HEADERS`]): the page masks it until asked.
    credential: bool,
}

/// `GET /api/captures/{id}`: the whole capture.
pub async fn detail(State(app): State<Arc<App>>, Path(id): Path<String>, Query(at): Query<At>) -> Answer {
    let r = find(&app, id, at.at).await?;
    let headers: Vec<HeaderShown> = r
        .headers
        .iter()
        .map(|(name, value)| HeaderShown {
            name,
            value,
            credential: crate::output::is_secret_header(name),
        })
        .collect();
    let (text, base64) = match r.body_encoding {
        BodyEncoding::Utf8 => (Some(&r.body), None),
        BodyEncoding::Base64 => (None, Some(&r.body)),
    };
    Ok(Json(json!({
        "summary": Summary::of(&r, at.at),
        "remote_addr": r.remote_addr,
        "headers": headers,
        "content_type": r.headers.get("content-type"),
        "body_text": text,
        "body_base64": base64,
        "body_note": r.body_note,
        "verification": r.verification,
        "response": r.response,
        "redacted_headers": r.redacted.headers.iter().filter_map(|i| r.headers.0.get(*i as usize).map(|h| &h.0)).collect::<Vec<_>>(),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExportParams {
    at: Option<u64>,
    to: Option<String>,
    #[serde(default)]
    reveal: bool,
}

/// `GET /api/captures/{id}/export/{format}`: `curl` (text), `har` or `raw` (downloads).
/// Credential headers are hidden in curl and HAR unless `reveal=true`.
pub async fn export(
    State(app): State<Arc<App>>,
    Path((id, format)): Path<(String, String)>,
    Query(p): Query<ExportParams>,
) -> Answer {
    use crate::core::export;
    if !matches!(format.as_str(), "curl" | "har" | "raw") {
        return Err(bad("the export formats are curl, har and raw"));
    }
    let base = p.to.unwrap_or_else(|| "http://localhost:9000".into());
    crate::core::deliver::check_url(&base).map_err(|e| bad(e.to_string()))?;
    let mut r = find(&app, id, p.at).await?;
    if !p.reveal && format != "raw" {
        r.headers = crate::output::mask_headers(&r.headers, &[]).0;
    }
    let fail = |e: crate::core::capture::CaptureError| refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string());
    let attachment = |ext: &str| {
        HeaderValue::from_str(&format!("attachment; filename=\"capture-{}.{ext}\"", r.id))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
    };
    Ok(match format.as_str() {
        "curl" => {
            let url = crate::core::url::join_url(&base, &r.path);
            let cmd = export::curl_command(&r, &url).map_err(fail)?;
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                cmd,
            )
                .into_response()
        }
        "har" => {
            let har = export::har(std::slice::from_ref(&r), Some(&base)).map_err(fail)?;
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
                    (header::CONTENT_DISPOSITION, attachment("har")),
                ],
                serde_json::to_string_pretty(&har).unwrap_or_default(),
            )
                .into_response()
        }
        _ => {
            let raw = export::raw_request(&r).map_err(fail)?;
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/octet-stream"),
                    ),
                    (header::CONTENT_DISPOSITION, attachment("http")),
                ],
                raw,
            )
                .into_response()
        }
    })
}

#[derive(Debug, Deserialize)]
pub struct DiffParams {
    a: String,
    b: String,
    #[serde(default)]
    exact: bool,
}

/// `GET /api/diff?a=ID&b=ID`: how two captures differ.
pub async fn diff(State(app): State<Arc<App>>, Query(p): Query<DiffParams>) -> Answer {
    let a = find(&app, p.a, None).await?;
    let b = find(&app, p.b, None).await?;
    let d = crate::core::diff::diff_captures(&a, &b, p.exact)
        .map_err(|e| refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok(Json(d).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReplayRequest {
    /// Where to: the capture's path and query are appended to it.
    to: String,
    /// Re-sign with the listener's secret (a fresh timestamp and signature).
    #[serde(default)]
    resign: bool,
    /// The body to send instead of the captured one.
    body: Option<String>,
    /// Headers to set (an empty value removes the header), after the capture's.
    #[serde(default)]
    headers: Vec<(String, String)>,
    at: Option<u64>,
}

/// What the core's replay asks: the edited body, and the warnings it gives.
struct PageHooks {
    body: Option<Vec<u8>>,
    warnings: Vec<String>,
}

impl Hooks for PageHooks {
    fn edit(
        &mut self,
        _r: &CaptureRecord,
        _body: &[u8],
    ) -> Option<Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>> {
        self.body.take().map(Ok)
    }

    fn warn(&mut self, w: Warning<'_>) {
        self.warnings.push(match w {
            Warning::Incomplete { note, .. } => format!("the captured body is incomplete ({note})"),
            Warning::Modified { scheme, .. } => {
                format!("the body was changed, so its {scheme} signature no longer matches: re-sign it")
            }
            Warning::Stale { stale, .. } => format!(
                "its {} signature is {} old, over the {} tolerance: the receiver will refuse it as stale; re-sign it",
                stale.scheme,
                crate::core::scheme::human_secs(stale.age_secs),
                crate::core::scheme::human_secs(stale.tolerance_secs as i64)
            ),
        });
    }
}

/// `POST /api/captures/{id}/replay`: sends the capture (byte-exact, edited, or
/// re-signed) and answers what the target answered.
pub async fn replay(State(app): State<Arc<App>>, Path(id): Path<String>, Json(q): Json<ReplayRequest>) -> Answer {
    crate::core::deliver::check_url(&q.to).map_err(|e| bad(e.to_string()))?;
    if q.resign && app.resign.secret.is_none() {
        return Err(bad(
            "re-signing needs the secret: start the inspector with --secret-env VAR (or --secret-file, --secret)",
        ));
    }
    let mut r = find(&app, id, q.at).await?;
    // Prepared in one go, before anything is awaited (a Preparation stays on its thread).
    let (job, info, warnings, shown) = {
        let prep = Preparation::new(
            q.to.clone(),
            app.resign.scheme.clone(),
            app.resign.generic.clone(),
            if q.resign { app.resign.secret.clone() } else { None },
            app.resign.secret.clone(),
            Vec::new(),
            q.body.is_some(),
            jiff::Timestamp::now(),
            false,
        );
        let mut hooks = PageHooks {
            body: q.body.map(String::into_bytes),
            warnings: Vec::new(),
        };
        let (mut job, info) = prep
            .job(&mut r, String::new(), &mut Vec::new(), &mut hooks)
            .map_err(|e| refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
        for (name, value) in &q.headers {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            if value.is_empty() {
                job.req.headers.remove(name);
            } else {
                job.req.headers.set(name, value.clone());
            }
            job.req.exact_values.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        }
        (job, info, hooks.warnings, prep.shown())
    };
    let policy = crate::core::deliver::Policy {
        keep_body: ANSWER_KEEP,
        ..Default::default()
    };
    let delivery = crate::core::deliver::deliver(&app.client, &job.req, job.signer.as_deref(), &policy, |_| {})
        .await
        .map_err(|e| refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let Some(a) = delivery.attempts.last() else {
        return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "no attempt was made"));
    };
    let body = shown
        .redact_text(&String::from_utf8_lossy(&a.response_body))
        .into_owned();
    Ok(Json(json!({
        "url": shown.redact_text(&a.url),
        "resigned": info.resigned,
        "modified": info.modified,
        "warnings": warnings,
        "status": a.status,
        "duration_ms": crate::core::deliver::ms(&a.duration),
        // Worded as the command line words it, and with a secret put back into the URL
        // (which the error may quote) shown as its marker, as replay shows it.
        "error": a.error.as_ref().map(|e| shown.redact_text(&crate::output::network_error(e, &a.url)).into_owned()),
        "body": body,
        "truncated": a.response_truncated,
    }))
    .into_response())
}

/// Captures one event carries at most.
const EVENT_MAX: usize = 1024;
/// Events to one page are this far apart at least: captures that come faster travel
/// together (one wake-up and one write for many), one that comes alone goes at once.
const EVENT_GAP: std::time::Duration = std::time::Duration::from_millis(20);

/// `GET /api/events`: server-sent events: `captures`, a JSON array of summaries (as
/// the list gives them, oldest first), for the captures saved since the last event;
/// `lagged` when the page fell behind (reload the list).
pub async fn events(State(app): State<Arc<App>>) -> Response {
    let rx = app.live.subscribe();
    let last = tokio::time::Instant::now() - EVENT_GAP;
    let stream = futures_util::stream::unfold((rx, last), |(mut rx, last)| async move {
        use tokio::sync::broadcast::error::{RecvError, TryRecvError};
        let lagged = |n: u64| Event::default().event("lagged").data(n.to_string());
        let mut batch = String::from("[");
        match rx.recv().await {
            Ok(summary) => batch.push_str(&summary),
            Err(RecvError::Lagged(n)) => return Some((Ok::<_, Infallible>(lagged(n)), (rx, last))),
            Err(RecvError::Closed) => return None,
        }
        // Soon after the last event: wait for the rest of the gap, gathering.
        tokio::time::sleep_until(last + EVENT_GAP).await;
        for _ in 1..EVENT_MAX {
            match rx.try_recv() {
                Ok(summary) => {
                    batch.push(',');
                    batch.push_str(&summary);
                }
                Err(TryRecvError::Lagged(n)) => return Some((Ok(lagged(n)), (rx, last))),
                Err(_) => break,
            }
        }
        batch.push(']');
        let ev = Event::default().event("captures").data(batch);
        Some((Ok(ev), (rx, tokio::time::Instant::now())))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
