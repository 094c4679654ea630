//! The listener: receive any request, check it (allowed IP, rate, required header,
//! size), verify its signature, answer handshakes, play a misbehaving receiver or
//! forward to the app, and write the capture record **before** answering (through the
//! group-commit [`super::log::CaptureLog`]), so an answered request is always in the
//! log. Nothing here prints: the command receives a [`ServerEvent`] per request.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::sync::{mpsc, watch};

use super::body::Body;
use super::capture::{encode_body_owned, CaptureRecord, ResponseRecord, VerificationRecord};
use super::diagnose::diagnose;
use super::event::recognise;
use super::headers::Headers;
use super::ids::SplitMix64;
use super::scheme::{detect, lookup, GenericParams, Scheme, Verdict, VerifyRequest};
use super::secret::{Redactor, Secret};

/// Which scheme verifies requests.
pub enum SchemeChoice {
    Fixed(Box<dyn Scheme>),
    /// Detect per request from its headers.
    Auto(GenericParams),
}

pub struct VerifyConfig {
    pub scheme: SchemeChoice,
    pub secret: Secret,
    /// The URL the sender calls (Twilio and Square sign it); default: rebuilt from Host.
    pub public_url: Option<String>,
    pub reject_invalid: bool,
    pub tolerance: Option<u64>,
}

/// How the listener answers when it is not forwarding.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    pub status: Option<u16>,
    pub body: Option<Bytes>,
    pub headers: Vec<(String, String)>,
    pub delay: Option<Duration>,
    pub fail_first: u64,
    pub fail_rate: Option<f64>,
    pub seed: Option<u64>,
    pub status_sequence: Vec<u16>,
    pub retry_after: Option<u64>,
    pub hang: bool,
    pub drop: bool,
}

/// An IPv4 or IPv6 network, `10.0.0.0/8`; a bare address is a network of one.
/// A client's IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, from a dual-stack socket)
/// is matched as the IPv4 address it maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr(pub ipnet::IpNet);

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Cidr, String> {
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("invalid CIDR `{s}`: `{a}` is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse()
                .map_err(|_| format!("invalid CIDR `{s}`: bad prefix length"))?
        };
        ipnet::IpNet::new(addr, prefix)
            .map(Cidr)
            .map_err(|_| format!("invalid CIDR `{s}`: prefix over {max}"))
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.0.contains(&ip)
    }
}

/// Everything the listener needs, validated by the command.
pub struct ServerConfig {
    pub verify: Option<VerifyConfig>,
    pub behaviour: Behaviour,
    pub forward_to: Option<String>,
    pub handshake: bool,
    pub max_body: u64,
    pub allow: Vec<Cidr>,
    /// Requests per second per client IP.
    pub rate_limit: Option<f64>,
    pub require_headers: Vec<(String, String)>,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_headers: usize,
    /// Append records here; `None` keeps nothing.
    pub save: Option<PathBuf>,
    pub fsync: bool,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            verify: None,
            behaviour: Behaviour::default(),
            forward_to: None,
            handshake: true,
            max_body: 10 << 20,
            allow: Vec::new(),
            rate_limit: None,
            require_headers: Vec::new(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_headers: 200,
            save: None,
            fsync: false,
            tls: None,
        }
    }
}

/// What the app answered when forwarding.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ForwardResult {
    pub url: String,
    pub status: Option<u16>,
    pub duration_ms: f64,
    #[serde(skip)]
    pub body: Vec<u8>,
    #[serde(skip)]
    pub content_type: Option<String>,
    pub error: Option<String>,
}

/// One request, as the command sees it.
pub struct Captured {
    pub record: CaptureRecord,
    pub verdict: Option<Verdict>,
    pub forward: Option<ForwardResult>,
    /// The record as saved (one JSON line, no newline), reused by `--json`.
    pub line: Vec<u8>,
    /// The record could not be saved (the request was answered 503).
    pub save_error: Option<String>,
}

pub enum ServerEvent {
    Request(Box<Captured>),
    /// A connection failed before a request could be read (malformed HTTP, TLS, a
    /// slow client cut off by the header timeout).
    ConnectionError {
        remote: SocketAddr,
        message: String,
    },
    /// The capture log's last line had no newline when it was opened (a record torn
    /// by a crash): it was closed with one, so that new records start on a new line.
    /// Sent once, before any request.
    TornLog {
        path: PathBuf,
        len: u64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("cannot write the capture log `{path}`: {source}")]
    Log { path: PathBuf, source: std::io::Error },
    #[error("invalid --forward-to URL: {0}")]
    Forward(String),
}

struct Shared {
    cfg: ServerConfig,
    count: AtomicU64,
    rng: Mutex<SplitMix64>,
    rates: Mutex<HashMap<IpAddr, (Instant, f64)>>,
    log: Option<super::log::CaptureLog>,
    /// What no record may hold: the configured secrets and the schemes' token headers.
    redactor: Redactor,
    events: mpsc::Sender<ServerEvent>,
    forward: Option<reqwest::Client>,
    shutdown: watch::Receiver<bool>,
}

/// A response, and whether to drop the connection instead of sending it.
struct Drop;

/// A running listener.
pub struct Server {
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds and starts serving; requests arrive on `events`.
    pub async fn start(
        bind: &str,
        cfg: ServerConfig,
        events: mpsc::Sender<ServerEvent>,
    ) -> Result<Server, ServerError> {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|source| ServerError::Bind {
                addr: bind.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: bind.to_string(),
            source,
        })?;
        let log = match &cfg.save {
            Some(p) => Some(
                super::log::CaptureLog::open(p, cfg.fsync).map_err(|source| ServerError::Log {
                    path: p.clone(),
                    source,
                })?,
            ),
            None => None,
        };
        if let Some(len) = log.as_ref().and_then(|l| l.torn_at_open()) {
            let path = cfg.save.clone().unwrap_or_default();
            let _ = events.try_send(ServerEvent::TornLog { path, len });
        }
        let forward = match &cfg.forward_to {
            Some(u) => {
                let parsed = super::deliver::check_url(u).map_err(|e| ServerError::Forward(e.to_string()))?;
                let opts = super::deliver::ClientOptions {
                    https: parsed.scheme() == "https",
                    pool_size: 32,
                    relay: true,
                    ..Default::default()
                };
                Some(super::deliver::client(&opts).map_err(|e| ServerError::Forward(e.to_string()))?)
            }
            None => None,
        };
        let (stx, srx) = watch::channel(false);
        let seed = cfg.behaviour.seed.unwrap_or_else(super::ids::random_u64);
        let tls = cfg.tls.clone();
        let mut redactor = Redactor::new();
        if let Some(v) = &cfg.verify {
            redactor.add_secret(&v.secret);
        }
        for (_, value) in &cfg.require_headers {
            redactor.add(value.as_bytes());
        }
        let shared = Arc::new(Shared {
            cfg,
            count: AtomicU64::new(0),
            rng: Mutex::new(SplitMix64::new(seed)),
            rates: Mutex::new(HashMap::new()),
            log,
            redactor,
            events,
            forward,
            shutdown: srx.clone(),
        });
        let task = tokio::spawn(accept_loop(listener, shared, srx, tls));
        Ok(Server {
            addr,
            shutdown: stx,
            task,
        })
    }

    /// Stops accepting, lets requests in flight finish (hung ones are let go), and
    /// waits until every record is written.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// A listener thread: a single-threaded runtime that serves the connections handed to
/// it, start to end. A connection never moves between threads, so a request costs no
/// work stealing and no cross-thread wake-ups (the way nginx's workers serve theirs).
struct Worker {
    conns: mpsc::UnboundedSender<(std::net::TcpStream, SocketAddr)>,
    done: tokio::sync::oneshot::Receiver<()>,
}

impl Worker {
    fn start(i: usize, shared: Arc<Shared>, tls: Option<tokio_rustls::TlsAcceptor>) -> std::io::Result<Worker> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (conns, mut rx) = mpsc::unbounded_channel::<(std::net::TcpStream, SocketAddr)>();
        let (done_tx, done) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name(format!("hookcat-listener-{i}"))
            .spawn(move || {
                rt.block_on(async move {
                    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
                    while let Some((std_stream, remote)) = rx.recv().await {
                        if let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) {
                            serve_connection(&shared, &graceful, &tls, stream, remote);
                        }
                    }
                    // Let in-flight requests finish; hung ones are released by the shutdown signal.
                    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
                });
                // Gone before saying so: a capture-log writer still on this runtime
                // finishes its work as the runtime drops it.
                drop(rt);
                let _ = done_tx.send(());
            })?;
        Ok(Worker { conns, done })
    }
}

/// How many listener threads: half the cores (the sender is usually on the same
/// machine, and one thread serves tens of thousands of requests a second), 1 to 4.
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get() / 2)
        .clamp(1, 4)
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    // Connections are served on the listener threads; should none start, on this runtime.
    let workers: Vec<Worker> = (0..worker_count())
        .map_while(|i| Worker::start(i, shared.clone(), tls.clone()).ok())
        .collect();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut next = 0usize;
    loop {
        let (stream, remote) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => { tokio::time::sleep(Duration::from_millis(20)).await; continue; }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        if !workers.is_empty() {
            next = (next + 1) % workers.len();
            // Handed over as a plain socket: it joins the worker's own event loop.
            if let Ok(std_stream) = stream.into_std() {
                let _ = workers[next].conns.send((std_stream, remote));
            }
            continue;
        }
        serve_connection(&shared, &graceful, &tls, stream, remote);
    }
    drop(listener);
    for w in workers {
        drop(w.conns);
        let _ = w.done.await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

/// Serves one connection (HTTP/1.1, through TLS when set up) on the current runtime.
fn serve_connection(
    shared: &Arc<Shared>,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    tls: &Option<tokio_rustls::TlsAcceptor>,
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
) {
    let sh = shared.clone();
    // Written once per connection, not per request.
    let remote_text: Arc<str> = remote.to_string().into();
    // Every method and path goes to the one handler: no routing to do.
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (sh, remote_text) = (sh.clone(), remote_text.clone());
        async move {
            let resp = handle(sh, req, remote, &remote_text).await;
            if resp.extensions().get::<DropMarker>().is_some() {
                return Err(Drop);
            }
            Ok::<_, Drop>(resp)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(shared.cfg.header_timeout)
        .max_headers(shared.cfg.max_headers)
        .max_buf_size(256 * 1024)
        .writev(false)
        // A client that sent a whole request and then shut down its side (it has
        // nothing more to send) is still answered.
        .half_close(true);
    let events = shared.events.clone();
    let watcher = graceful.watcher();
    match tls {
        None => {
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            let fut = watcher.watch(conn);
            tokio::spawn(async move {
                if let Err(e) = fut.await {
                    report_conn_error(&events, remote, &e).await;
                }
            });
        }
        Some(acc) => {
            let acc = acc.clone();
            let header_timeout = shared.cfg.header_timeout;
            tokio::spawn(async move {
                let tls_stream = match tokio::time::timeout(header_timeout, acc.accept(stream)).await {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        let _ = events
                            .send(ServerEvent::ConnectionError {
                                remote,
                                message: format!("TLS handshake failed: {e}"),
                            })
                            .await;
                        return;
                    }
                    Err(_) => return,
                };
                let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(tls_stream), svc);
                if let Err(e) = watcher.watch(conn).await {
                    report_conn_error(&events, remote, &e).await;
                }
            });
        }
    }
}

async fn report_conn_error(events: &mpsc::Sender<ServerEvent>, remote: SocketAddr, e: &hyper::Error) {
    // A dropped connection (--drop) is on purpose; a client closing an idle
    // keep-alive connection is normal.
    if e.is_incomplete_message() || e.is_canceled() || e.is_closed() {
        return;
    }
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        if s.to_string().contains("Drop") {
            return;
        }
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    if e.is_timeout() {
        msg = "the client did not send its headers in time (slow or idle client cut off)".into();
    }
    if msg.contains("Drop") {
        return;
    }
    let _ = events.send(ServerEvent::ConnectionError { remote, message: msg }).await;
}

impl std::fmt::Debug for Drop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drop")
    }
}
impl std::fmt::Display for Drop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drop: connection closed on purpose (--drop)")
    }
}
impl std::error::Error for Drop {}

#[derive(Clone, Copy)]
struct DropMarker;

/// What the handler decided to answer.
struct Answer {
    status: Option<u16>,
    /// Names and values written by the listener itself are borrowed: no allocation
    /// per request for the usual `content-type`.
    headers: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    body: Bytes,
    kind: &'static str,
    note: Option<String>,
    drop: bool,
    hang: bool,
    delay: Option<Duration>,
}

impl Answer {
    fn new(status: u16, kind: &'static str, body: impl Into<Bytes>) -> Answer {
        Answer {
            status: Some(status),
            headers: Vec::new(),
            body: body.into(),
            kind,
            note: None,
            drop: false,
            hang: false,
            delay: None,
        }
    }
    fn json(status: u16, kind: &'static str, v: serde_json::Value) -> Answer {
        let mut a = Answer::new(status, kind, serde_json::to_vec(&v).unwrap_or_default());
        a.headers.push(("content-type".into(), "application/json".into()));
        a
    }
}

async fn handle(
    sh: Arc<Shared>,
    req: Request<Incoming>,
    remote: SocketAddr,
    remote_text: &str,
) -> Response<Full<Bytes>> {
    let received = Instant::now();
    let (parts, body) = req.into_parts();
    // A value that is not UTF-8 (bytes 0x80-0xff are allowed in HTTP) keeps its exact
    // bytes beside it: the capture stays byte-exact.
    let mut header_bytes = Vec::new();
    let headers: Headers = parts
        .headers
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            (
                k.as_str().to_string(),
                super::capture::header_value_text(i, v.as_bytes(), &mut header_bytes),
            )
        })
        .collect();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let (received_at, id) = CaptureRecord::stamp_and_id();
    let mut record = CaptureRecord {
        v: super::capture::VERSION,
        id,
        received_at,
        method: parts.method.as_str().to_string(),
        path,
        headers,
        body: String::new(),
        body_encoding: super::capture::BodyEncoding::Utf8,
        remote_addr: remote_text.to_string(),
        verification: None,
        response: None,
        provider: None,
        event: None,
        body_note: None,
        header_bytes,
        redacted: Default::default(),
    };
    let cfg = &sh.cfg;

    // Checks that need no body.
    let mut answer = None;
    if !cfg.allow.is_empty() && !cfg.allow.iter().any(|c| c.contains(remote.ip())) {
        answer = Some(Answer::json(
            403,
            "rejected",
            serde_json::json!({"error": "client address not allowed (--allow-ip)"}),
        ));
    } else if let Some(limit) = cfg.rate_limit {
        if !rate_ok(&sh, remote.ip(), limit) {
            let mut a = Answer::json(
                429,
                "rejected",
                serde_json::json!({"error": "rate limit exceeded (--rate-limit)"}),
            );
            a.headers.push(("retry-after".into(), "1".into()));
            answer = Some(a);
        }
    }
    // The body, within the size limit and the body timeout.
    let mut bytes = Vec::new();
    let announced = record.headers.get("content-length").and_then(|v| v.parse::<u64>().ok());
    if answer.is_none() {
        if announced.is_some_and(|n| n > cfg.max_body) {
            record.body_note = Some(format!(
                "body of {} bytes refused: over --max-body {}",
                announced.unwrap_or(0),
                cfg.max_body
            ));
            answer = Some(Answer::json(
                413,
                "rejected",
                serde_json::json!({"error": "body too large (--max-body)"}),
            ));
        } else {
            match read_body(body, cfg.max_body, cfg.body_timeout).await {
                BodyRead::Ok(b) => bytes = b,
                BodyRead::TooLarge(n) => {
                    record.body_note = Some(format!(
                        "body refused after {n} bytes: over --max-body {}",
                        cfg.max_body
                    ));
                    answer = Some(Answer::json(
                        413,
                        "rejected",
                        serde_json::json!({"error": "body too large (--max-body)"}),
                    ));
                }
                BodyRead::Broken(b, why) => {
                    record.body_note = Some(format!("incomplete body ({} bytes received): {why}", b.len()));
                    bytes = b;
                    let mut a = Answer::json(400, "client_gone", serde_json::json!({"error": "incomplete body"}));
                    a.note = Some(why);
                    answer = Some(a);
                }
                BodyRead::Timeout(b) => {
                    record.body_note = Some(format!(
                        "body not finished within {:?} ({} bytes received)",
                        cfg.body_timeout,
                        b.len()
                    ));
                    bytes = b;
                    answer = Some(Answer::json(
                        408,
                        "rejected",
                        serde_json::json!({"error": "request body timeout"}),
                    ));
                }
            }
        }
    }
    let (p, e) = recognise(&record.headers, &bytes);
    record.provider = p;
    record.event = e;
    if answer.is_none() {
        for (name, value) in &cfg.require_headers {
            if !record
                .headers
                .get_all(name)
                .any(|v| super::scheme::ct_eq(v.as_bytes(), value.as_bytes()))
            {
                answer = Some(Answer::json(
                    401,
                    "rejected",
                    serde_json::json!({"error": format!("missing or wrong {name} header (--require-header)")}),
                ));
                break;
            }
        }
    }

    // Verification.
    let mut verdict = None;
    if let (Some(v), None) = (&cfg.verify, &answer) {
        let vd = verify(v, &record, &bytes);
        if !vd.valid && v.reject_invalid {
            answer = Some(Answer::json(
                401,
                "rejected",
                serde_json::json!({"error": "invalid signature", "reason": vd.reason}),
            ));
        }
        record.verification = Some(VerificationRecord::from(&vd));
        verdict = Some(vd);
    }

    // Handshakes, forwarding, or the configured behaviour.
    let mut forward = None;
    if answer.is_none() && cfg.handshake {
        answer = handshake(&record, &bytes, cfg.verify.as_ref().map(|v| &v.secret));
    }
    if answer.is_none() {
        if let (Some(client), Some(base)) = (&sh.forward, &cfg.forward_to) {
            let (a, f) = forward_request(client, base, &record, &bytes, cfg.body_timeout).await;
            answer = Some(a);
            forward = Some(f);
        }
    }
    let mut answer = answer.unwrap_or_else(|| behave(&sh, &record));
    let (b, enc) = encode_body_owned(bytes);
    record.body = b;
    record.body_encoding = enc;
    // The answer's body is kept (when it is short text) so `replay --compare` can
    // show how a receiver's answer changed.
    let answered_body = (!answer.drop && !answer.hang && !answer.body.is_empty() && answer.body.len() <= 64 * 1024)
        .then(|| std::str::from_utf8(&answer.body).ok().map(str::to_string))
        .flatten();
    record.response = Some(ResponseRecord {
        status: if answer.drop || answer.hang {
            None
        } else {
            answer.status
        },
        kind: answer.kind.to_string(),
        body: answered_body,
        duration_ms: Some(
            (received.elapsed().as_secs_f64() * 1e6).round() / 1e3
                + answer.delay.map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0),
        ),
        note: answer.note.clone(),
    });

    // Nothing written about the request holds a secret: the record (saved, and shown
    // by the command) and what is shown of the forward. Verifying and forwarding, above, saw the
    // real values.
    sh.redactor.redact_captured(&mut record, forward.as_mut());

    // Durable before answering.
    // Room for the body escaped (up to twice its size, a 4 KiB piece at a time) and the rest.
    let mut line = Vec::with_capacity(record.body.len() + record.body.len().min(4096) + 1024);
    record.write_line(&mut line);
    let mut save_error = None;
    if let Some(log) = &sh.log {
        if let Err(e) = log.append(&line).await {
            answer = Answer::json(
                503,
                "save_failed",
                serde_json::json!({"error": "the listener could not save this request", "detail": e}),
            );
            // What the terminal and `--json` show is what was sent: the 503.
            if let Some(r) = record.response.as_mut() {
                r.status = Some(503);
                r.kind = answer.kind.to_string();
                r.body = std::str::from_utf8(&answer.body).ok().map(str::to_string);
                r.note = Some(format!("the record could not be saved: {e}"));
            }
            line.clear();
            record.write_line(&mut line);
            save_error = Some(e);
        }
    }
    let _ = sh
        .events
        .send(ServerEvent::Request(Box::new(Captured {
            record,
            verdict,
            forward,
            line,
            save_error,
        })))
        .await;

    if let Some(d) = answer.delay {
        let mut stop = sh.shutdown.clone();
        tokio::select! { _ = tokio::time::sleep(d) => {}, _ = stop.wait_for(|s| *s) => {} }
    }
    if answer.hang {
        let mut stop = sh.shutdown.clone();
        let _ = stop.wait_for(|s| *s).await;
        let mut r = Response::new(Full::new(Bytes::new()));
        r.extensions_mut().insert(DropMarker);
        return r;
    }
    if answer.drop {
        let mut r = Response::new(Full::new(Bytes::new()));
        r.extensions_mut().insert(DropMarker);
        return r;
    }
    let mut resp = Response::new(Full::new(answer.body));
    *resp.status_mut() = StatusCode::from_u16(answer.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
    for (k, v) in answer.headers {
        let value = match v {
            Cow::Borrowed(v) => Ok(HeaderValue::from_static(v)),
            Cow::Owned(v) => HeaderValue::try_from(v),
        };
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), value) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

fn rate_ok(sh: &Shared, ip: IpAddr, limit: f64) -> bool {
    // A token bucket per client: `limit` tokens a second, bursts up to `limit`, and
    // never under one token: a new client's first request always passes, also under a
    // rate below one a second (`0.5/s` is one request every two seconds).
    let burst = limit.max(1.0);
    let mut m = sh.rates.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let (last, tokens) = m.entry(ip).or_insert((now, burst));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * limit).min(burst);
    *last = now;
    if *tokens >= 1.0 {
        *tokens -= 1.0;
        true
    } else {
        false
    }
}

enum BodyRead {
    Ok(Vec<u8>),
    TooLarge(u64),
    Broken(Vec<u8>, String),
    Timeout(Vec<u8>),
}

async fn read_body(mut body: Incoming, max: u64, timeout: Duration) -> BodyRead {
    // Sized from Content-Length up front (never more than 64 KiB before the bytes come,
    // whatever a client claims).
    let hint = hyper::body::Body::size_hint(&body).lower().min(max).min(64 * 1024);
    let mut buf = Vec::with_capacity(hint as usize);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return BodyRead::Timeout(buf),
            Ok(None) => return BodyRead::Ok(buf),
            Ok(Some(Err(e))) => {
                let mut why = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    let t = s.to_string();
                    if !why.contains(&t) {
                        why = format!("{why}: {t}");
                    }
                    src = s.source();
                }
                return BodyRead::Broken(buf, why);
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if buf.len() as u64 + data.len() as u64 > max {
                        return BodyRead::TooLarge(buf.len() as u64 + data.len() as u64);
                    }
                    buf.extend_from_slice(&data);
                }
            }
        }
    }
}

fn verify(v: &VerifyConfig, record: &CaptureRecord, body: &[u8]) -> Verdict {
    let owned;
    let scheme: &dyn Scheme = match &v.scheme {
        SchemeChoice::Fixed(s) => s.as_ref(),
        SchemeChoice::Auto(g) => match detect(&record.headers, Some(body)).and_then(|n| lookup(n, g).ok()) {
            Some(s) => {
                owned = s;
                owned.as_ref()
            }
            None => {
                return Verdict::invalid(
                    "auto",
                    super::scheme::Failure::Malformed {
                        detail: "no signature".into(),
                    },
                    "no known signature header",
                    None,
                )
            }
        },
    };
    let url = v
        .public_url
        .clone()
        .map(|base| join_url(&base, &record.path))
        .unwrap_or_else(|| {
            let host = record.headers.get("host").unwrap_or("localhost");
            let proto = record.headers.get("x-forwarded-proto").unwrap_or("http");
            format!("{proto}://{host}{}", record.path)
        });
    let body = Body::Mem(body.to_vec());
    let req = VerifyRequest {
        headers: &record.headers,
        body: &body,
        url: Some(&url),
        now: jiff::Timestamp::now().as_second(),
        tolerance: v.tolerance,
    };
    match scheme.verify(&v.secret, &req) {
        Ok(mut vd) => {
            if !vd.valid {
                vd.diagnosis = diagnose(scheme, &v.secret, &req, &vd);
            }
            vd
        }
        Err(e) => Verdict::malformed(scheme.meta().name, e.to_string()),
    }
}

/// `base` (a URL, maybe with a path) followed by the request's path and query.
pub fn join_url(base: &str, path_and_query: &str) -> String {
    // A query on the base goes after the joined path, merged with the request's.
    let (base, base_query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    let base = base.trim_end_matches('/');
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut url = if path == "/" && base.matches('/').count() > 2 {
        base.to_string()
    } else {
        format!("{base}{path}")
    };
    match (base_query, query) {
        (Some(a), Some(b)) => url.push_str(&format!("?{a}&{b}")),
        (Some(q), None) | (None, Some(q)) => url.push_str(&format!("?{q}")),
        (None, None) => {}
    }
    url
}

fn handshake(record: &CaptureRecord, body: &[u8], secret: Option<&Secret>) -> Option<Answer> {
    let h = &record.headers;
    if h.get("twitch-eventsub-message-type") == Some("webhook_callback_verification") {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let challenge = v.get("challenge")?.as_str()?.to_string();
        let mut a = Answer::new(200, "handshake", challenge);
        a.headers.push(("content-type".into(), "text/plain".into()));
        a.note = Some("answered Twitch's webhook_callback_verification with its challenge".into());
        return Some(a);
    }
    // Parse only bodies that can be a handshake: most are not.
    use super::event::recognise::{contains, Needle};
    if !body.trim_ascii_start().starts_with(b"{")
        || !(contains(body, Needle::UrlVerification) || contains(body, Needle::UrlValidation))
    {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    if v.get("type").and_then(|t| t.as_str()) == Some("url_verification") {
        let challenge = v.get("challenge")?.as_str()?;
        let mut a = Answer::json(200, "handshake", serde_json::json!({ "challenge": challenge }));
        a.note = Some("answered Slack's url_verification with its challenge".into());
        return Some(a);
    }
    if v.get("event").and_then(|t| t.as_str()) == Some("endpoint.url_validation") {
        let plain = v.get("payload")?.get("plainToken")?.as_str()?;
        let Some(secret) = secret else {
            let mut a = Answer::json(200, "normal", serde_json::json!({"ok": true}));
            a.note = Some("Zoom's endpoint.url_validation needs the secret token (--secret…) to be answered".into());
            return Some(a);
        };
        let enc = super::scheme::zoom::url_validation_token(secret.bytes(), plain);
        let mut a = Answer::json(
            200,
            "handshake",
            serde_json::json!({"plainToken": plain, "encryptedToken": enc}),
        );
        a.note = Some("answered Zoom's endpoint.url_validation".into());
        return Some(a);
    }
    None
}

async fn forward_request(
    client: &reqwest::Client,
    base: &str,
    record: &CaptureRecord,
    body: &[u8],
    timeout: Duration,
) -> (Answer, ForwardResult) {
    let url = join_url(base, &record.path);
    let start = Instant::now();
    let method = reqwest::Method::from_bytes(record.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut rb = client.request(method, &url).timeout(timeout);
    let mut relayed = record.headers.clone();
    relayed.retain_end_to_end();
    // A value that is not UTF-8 goes as the bytes received, not as its text.
    let exact = record.exact_header_values().unwrap_or_default();
    let mut exact_used = vec![false; exact.len()];
    for (k, v) in relayed.iter() {
        let bytes = super::deliver::exact_value(&exact, &mut exact_used, k, v)
            .and_then(|b| reqwest::header::HeaderValue::from_bytes(b).ok());
        rb = match bytes {
            Some(b) => rb.header(k, b),
            None => rb.header(k, v),
        };
    }
    let res = async {
        let resp = rb.body(body.to_vec()).send().await?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter(|(k, _)| !super::headers::is_hop_by_hop(k.as_str()))
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = resp.bytes().await?;
        Ok::<_, reqwest::Error>((status, headers, bytes))
    }
    .await;
    let ms = (start.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    match res {
        Ok((status, headers, bytes)) => {
            let ct = headers
                .iter()
                .find(|(k, _)| k == "content-type")
                .map(|(_, v)| v.clone());
            let mut a = Answer::new(status, "forwarded", bytes.clone());
            a.headers = headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
            (
                a,
                ForwardResult {
                    url,
                    status: Some(status),
                    duration_ms: ms,
                    body: bytes.to_vec(),
                    content_type: ct,
                    error: None,
                },
            )
        }
        Err(e) => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            let mut a = Answer::json(
                502,
                "forwarded",
                serde_json::json!({"error": "the app did not answer", "detail": msg}),
            );
            a.note = Some(format!("forward to {url} failed: {msg}"));
            (
                a,
                ForwardResult {
                    url,
                    status: None,
                    duration_ms: ms,
                    body: Vec::new(),
                    content_type: None,
                    error: Some(msg),
                },
            )
        }
    }
}

fn behave(sh: &Shared, record: &CaptureRecord) -> Answer {
    let b = &sh.cfg.behaviour;
    let n = sh.count.fetch_add(1, Ordering::Relaxed);
    let mut note = None;
    let mut kind = "normal";
    let status = if !b.status_sequence.is_empty() {
        kind = "simulated";
        let s = b.status_sequence[(n as usize).min(b.status_sequence.len() - 1)];
        note = Some(format!(
            "--status-sequence: answer {} of {}",
            (n as usize + 1).min(b.status_sequence.len()),
            b.status_sequence.len()
        ));
        s
    } else if n < b.fail_first {
        kind = "simulated";
        note = Some(format!(
            "--fail-first {}: failure {} of {}",
            b.fail_first,
            n + 1,
            b.fail_first
        ));
        500
    } else if let Some(p) = b.fail_rate.filter(|p| {
        let r = sh.rng.lock().map(|mut g| g.next_f64()).unwrap_or(1.0);
        r < *p
    }) {
        kind = "simulated";
        note = Some(format!("--fail-rate {p}"));
        500
    } else {
        b.status.unwrap_or(200)
    };
    let mut a = match &b.body {
        Some(body) => Answer::new(status, kind, body.clone()),
        None if (200..300).contains(&status) => {
            // The record id is [0-9a-z]: no escaping needed.
            let mut a = Answer::new(status, kind, format!("{{\"ok\":true,\"id\":\"{}\"}}", record.id));
            a.headers.push(("content-type".into(), "application/json".into()));
            a
        }
        None => Answer::json(
            status,
            kind,
            serde_json::json!({"ok": false, "error": note.clone().unwrap_or_else(|| format!("status {status} (--status)"))}),
        ),
    };
    if b.status.is_some() && kind == "normal" && b.status != Some(200) {
        a.kind = "simulated";
    }
    if let (Some(ra), true) = (b.retry_after, status == 429 || status == 503) {
        a.headers.push(("retry-after".into(), ra.to_string().into()));
    }
    for (k, v) in &b.headers {
        a.headers.push((k.clone().into(), v.clone().into()));
    }
    a.note = note;
    a.delay = b.delay;
    if b.hang {
        a.hang = true;
        a.kind = "hung";
    } else if b.drop {
        a.drop = true;
        a.kind = "dropped";
    }
    a
}

/// The scheme name the listener verifies with (`auto` when detecting).
pub fn scheme_label(cfg: &ServerConfig) -> Option<String> {
    cfg.verify.as_ref().map(|v| match &v.scheme {
        SchemeChoice::Fixed(s) => s.meta().name.to_string(),
        SchemeChoice::Auto(_) => "auto".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(one.contains("::ffff:127.0.0.1".parse().unwrap()));
        let v6: Cidr = "::1/128".parse().unwrap();
        assert!(v6.contains("::1".parse().unwrap()));
        assert!(!v6.contains("::2".parse().unwrap()) && !v6.contains("127.0.0.1".parse().unwrap()));
        let host_bits: Cidr = "10.1.2.3/8".parse().unwrap();
        assert!(host_bits.contains("10.200.0.1".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.9".parse().unwrap()) && !all.contains("2001:db8::1".parse().unwrap()));
        assert!(all.contains("::ffff:203.0.113.9".parse().unwrap()));
        let all6: Cidr = "::/0".parse().unwrap();
        assert!(all6.contains("2001:db8::1".parse().unwrap()) && !all6.contains("10.0.0.1".parse().unwrap()));
        let bad = |s: &str| s.parse::<Cidr>().unwrap_err();
        assert_eq!(bad("10.0.0.0/33"), "invalid CIDR `10.0.0.0/33`: prefix over 32");
        assert_eq!(bad("::/129"), "invalid CIDR `::/129`: prefix over 128");
        assert_eq!(bad("nope/8"), "invalid CIDR `nope/8`: `nope` is not an IP address");
        assert_eq!(bad("10.0.0.0/x"), "invalid CIDR `10.0.0.0/x`: bad prefix length");
    }

    #[test]
    fn urls_join() {
        assert_eq!(join_url("http://app:3000", "/hook?x=1"), "http://app:3000/hook?x=1");
        assert_eq!(join_url("http://app:3000/", "/hook"), "http://app:3000/hook");
        assert_eq!(join_url("http://app:3000/base", "/hook"), "http://app:3000/base/hook");
        assert_eq!(join_url("http://x/h?t=1", "/a?b=2"), "http://x/h/a?t=1&b=2");
        assert_eq!(join_url("http://x/h?t=1", "/"), "http://x/h?t=1");
        assert_eq!(join_url("http://x:1", "/?q"), "http://x:1/?q");
    }
}
