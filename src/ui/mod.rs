//! The inspector: a local web page over a capture log (`listen --ui`, `hookcat ui`).
//! This module is its HTTP front end only: axum routes that call the core for
//! everything they show or do (reading the log: [`core::inspect`]; replaying:
//! [`core::replay::Preparation`] and [`core::deliver::deliver`]; exports:
//! [`core::export`]; diffs: [`core::diff`]), a live feed of the captures a listener
//! saves ([`Live`]), and the page (one HTML, one JS and one CSS file, inside the
//! binary). It never prints: the command announces its address.
//!
//! Safety: the inspector can send requests anywhere, so only its user may drive it. It
//! binds loopback only; every API call carries the random token of the URL it printed
//! (the `X-Hookcat-Token` header; a GET may put it in the query instead, for the event
//! stream and downloads); what changes anything is a POST with the token in the header;
//! a `Host` that is not a loopback name is refused (DNS rebinding), as is a foreign
//! `Origin` or a cross-site fetch; no CORS header is ever sent; every answer carries a
//! strict Content-Security-Policy. The page renders everything from the network as text.

mod api;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::broadcast;

use crate::core::capture::{read_line, CaptureRecord, LogItem};
use crate::core::inspect::Summary;
use crate::core::scheme::registry::GenericParams;
use crate::core::secret::Secret;

/// The header that carries the token.
pub const TOKEN_HEADER: &str = "x-hookcat-token";

/// The Content-Security-Policy of every answer: nothing but the inspector's own
/// files, no inline script or style, no frames, no plugins.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// How many saved captures the live feed holds for a page that is slow to take them;
/// a page that falls further behind is told to reload its list.
const LIVE_BACKLOG: usize = 8192;

/// The live feed: each capture as the listener saves it, to every open page, as its
/// summary's JSON (made once, whatever the number of pages).
#[derive(Clone)]
pub struct Live(broadcast::Sender<Arc<str>>);

impl Default for Live {
    fn default() -> Self {
        Live(broadcast::channel(LIVE_BACKLOG).0)
    }
}

impl Live {
    /// Hands a saved capture to the open pages; costs nothing when none is open.
    pub fn publish(&self, r: &CaptureRecord) {
        if self.0.receiver_count() > 0 {
            if let Ok(json) = serde_json::to_string(&Summary::of(r, None)) {
                let _ = self.0.send(Arc::from(json));
            }
        }
    }

    /// [`Live::publish`] for a capture as its log line (read as the log's reader
    /// reads it; a line that is not a capture is not sent).
    pub fn publish_line(&self, line: &[u8]) {
        if self.0.receiver_count() > 0 {
            if let Ok(LogItem::Record { record, .. }) = read_line(line, 0) {
                self.publish(&record);
            }
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.0.subscribe()
    }
}

/// How often a followed log is looked at for new captures.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Follows a capture log that another process appends to (`hookcat ui` beside a
/// running `hookcat listen`): each capture added after now goes to the open pages.
/// It runs until aborted.
pub fn follow(log: PathBuf, live: Live) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut at = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
        let mut tick = tokio::time::interval(FOLLOW_EVERY);
        loop {
            tick.tick().await;
            let (path, pages) = (log.clone(), live.0.receiver_count() > 0);
            let read = tokio::task::spawn_blocking(move || -> std::io::Result<(Vec<Vec<u8>>, u64)> {
                let mut f = std::fs::File::open(&path)?;
                if pages {
                    crate::core::inspect::read_from(&mut f, at, 8 << 20)
                } else {
                    // Nobody to tell: only remember where the log ends.
                    Ok((Vec::new(), f.metadata()?.len()))
                }
            })
            .await;
            if let Ok(Ok((lines, next))) = read {
                for l in &lines {
                    live.publish_line(l);
                }
                at = next;
            }
        }
    })
}

/// How the inspector re-signs a replay: the listener's secret and scheme.
#[derive(Clone, Default)]
pub struct Resign {
    pub secret: Option<Secret>,
    /// The scheme; `None` tells it from each capture.
    pub scheme: Option<String>,
    pub generic: GenericParams,
}

/// What the inspector serves.
pub struct Settings {
    /// The capture log it reads.
    pub log: PathBuf,
    pub resign: Resign,
    /// Captures as they are saved.
    pub live: Live,
}

pub(crate) struct App {
    token: String,
    port: u16,
    log: PathBuf,
    resign: Resign,
    live: Live,
    client: reqwest::Client,
}

/// A running inspector.
pub struct Inspector {
    pub addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Inspector {
    /// The URL to open: the address and the token.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Stops serving; open event streams end.
    pub async fn shutdown(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.task.abort();
        let _ = self.task.await;
    }
}

/// A fresh random token (32 bytes, hex).
fn new_token() -> std::io::Result<String> {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Starts the inspector on 127.0.0.1:`port` (0: a free port).
pub async fn start(port: u16, s: Settings) -> anyhow::Result<Inspector> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| anyhow::anyhow!("the inspector cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr()?;
    let token = new_token()?;
    let app = Arc::new(App {
        token: token.clone(),
        port: addr.port(),
        log: s.log,
        resign: s.resign,
        live: s.live,
        client: crate::core::deliver::client(&crate::core::deliver::ClientOptions {
            https: true,
            ..Default::default()
        })?,
    });
    let router = router(app);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Inspector {
        addr,
        token,
        stop: Some(stop),
        task,
    })
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }))
        .route(
            "/app.js",
            get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route("/app.css", get(|| async { page(APP_CSS, "text/css; charset=utf-8") }))
        .route("/api/info", get(api::info))
        .route("/api/captures", get(api::list))
        .route("/api/captures/{id}", get(api::detail))
        .route("/api/captures/{id}/export/{format}", get(api::export))
        .route("/api/captures/{id}/replay", post(api::replay))
        .route("/api/diff", get(api::diff))
        .route("/api/events", get(api::events))
        .fallback(|| async { refuse(StatusCode::NOT_FOUND, "no such page") })
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

fn page(text: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}

/// A refusal: JSON `{"error": ...}` with `status`.
pub(crate) fn refuse(status: StatusCode, why: impl Into<String>) -> Response {
    (status, axum::Json(serde_json::json!({ "error": why.into() }))).into_response()
}

/// Whether `host` (a `Host` header or an origin's host and port) names this machine's
/// loopback: `127.0.0.1`, `localhost` or `[::1]`, with any port.
fn loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((n, port)) if !n.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Whether `origin` is the inspector's own (a loopback name and its port).
fn own_origin(origin: &str, port: u16) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    loopback_host(rest) && rest.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok()) == Some(port)
}

/// Whether the request carries the token: in the header, or for a GET in the query.
fn has_token(app: &App, method: &Method, headers: &HeaderMap, query: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    let eq = |t: &[u8]| bool::from(t.ct_eq(app.token.as_bytes()));
    if let Some(t) = headers.get(TOKEN_HEADER) {
        return eq(t.as_bytes());
    }
    *method == Method::GET
        && query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "token" && eq(v.as_bytes())))
}

/// Checks every request (see the module's doc) and adds the security headers to
/// every answer.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut resp = match check(&app, &req) {
        Ok(()) => next.run(req).await,
        Err((status, why)) => refuse(status, why),
    };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The token is in the page's URL: no other site may see it.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn check(app: &App, req: &Request) -> Result<(), (StatusCode, &'static str)> {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !loopback_host(host) {
        return Err((
            StatusCode::FORBIDDEN,
            "the Host header is not a loopback name (127.0.0.1, localhost, [::1])",
        ));
    }
    if let Some(o) = headers.get(header::ORIGIN) {
        if !o.to_str().is_ok_and(|o| own_origin(o, app.port)) {
            return Err((StatusCode::FORBIDDEN, "a request from another origin"));
        }
    }
    if !req.uri().path().starts_with("/api/") {
        return match *req.method() {
            Method::GET | Method::HEAD => Ok(()),
            _ => Err((StatusCode::METHOD_NOT_ALLOWED, "only GET here")),
        };
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return Err((StatusCode::FORBIDDEN, "a cross-site request"));
    }
    if !has_token(app, req.method(), headers, req.uri().query()) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "no valid token: open the URL the command printed (with its ?token=)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_never_makes_markup_of_data_and_loads_nothing_from_elsewhere() {
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setAttribute(\"on",
        ] {
            assert!(!APP_JS.contains(sink), "app.js uses {sink}");
        }
        for page in [INDEX_HTML, APP_CSS, APP_JS] {
            for far in [
                "src=\"http",
                "href=\"http",
                "src=\"//",
                "href=\"//",
                "url(http",
                "url(//",
                "@import",
                "fetch(\"http",
            ] {
                assert!(!page.contains(far), "{far}");
            }
        }
        // No inline script or style: the CSP would refuse it.
        assert!(
            !INDEX_HTML.contains("<script>")
                && !INDEX_HTML.contains("style=")
                && !INDEX_HTML.contains(" onclick")
                && !INDEX_HTML.contains(" onload")
        );
    }

    #[test]
    fn loopback_names_only() {
        for ok in [
            "127.0.0.1:80",
            "localhost:1",
            "LOCALHOST",
            "[::1]:9",
            "[::1]",
            "127.0.0.1",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.com:80",
            "127.0.0.1.evil.com",
            "localhost.evil",
            "",
            "10.0.0.1:80",
            "0.0.0.0:1",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
        assert!(own_origin("http://127.0.0.1:4040", 4040));
        assert!(own_origin("http://localhost:4040", 4040));
        assert!(!own_origin("http://127.0.0.1:4041", 4040));
        assert!(!own_origin("http://evil.com:4040", 4040));
        assert!(!own_origin("null", 4040));
        assert!(!own_origin("https://127.0.0.1:4040", 4040));
    }
}
