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
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

use super::body::Body;
use super::capture::{encode_body_owned, CaptureRecord, ResponseRecord, VerificationRecord};
use super::diagnose::{diagnose_at, diagnose_error};
use super::event::recognise;
use super::headers::Headers;
use super::ids::SplitMix64;
use super::scheme::{detect, lookup, GenericParams, Scheme, Verdict, VerifyRequest};
use super::secret::{Redactor, Secret};
use super::units::format_size;
use super::url::join_url;

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
    /// How long the app has to answer a forwarded request (its answer included).
    pub forward_timeout: Duration,
    /// Send the app its own address as `Host`, not the one the request came with.
    pub rewrite_host: bool,
    pub handshake: bool,
    pub max_body: u64,
    pub allow: Vec<Cidr>,
    /// Requests per second per client IP.
    pub rate_limit: Option<f64>,
    pub require_headers: Vec<(String, String)>,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    /// The bytes that request bodies in flight may hold in total (see [`Budget`]);
    /// never less than `max_body`, so that a body the limit allows fits when alone.
    pub max_inflight: u64,
    /// How long a request waits for room in that budget before it gets 503.
    pub inflight_wait: Duration,
    pub max_headers: usize,
    /// Append records here; `None` keeps nothing.
    pub save: Option<PathBuf>,
    pub fsync: bool,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// The default in-flight budget (`--max-inflight`): six bodies of the default
/// `--max-body` at once. A body in flight costs about twice its size (the body and its
/// capture line), so the listener's bodies stay within about 130 MiB.
pub const DEFAULT_MAX_INFLIGHT: u64 = 64 << 20;

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            verify: None,
            behaviour: Behaviour::default(),
            forward_to: None,
            forward_timeout: Duration::from_secs(30),
            rewrite_host: false,
            handshake: true,
            max_body: 10 << 20,
            allow: Vec::new(),
            rate_limit: None,
            require_headers: Vec::new(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_inflight: DEFAULT_MAX_INFLIGHT,
            inflight_wait: Duration::from_secs(10),
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
    /// The app did not answer within this time (`--forward-timeout`).
    #[serde(skip)]
    pub timed_out: Option<Duration>,
}

impl ForwardResult {
    /// What is shown of a forward, redacted: the URL it went to, its error (which
    /// quotes the URL) and the app's answer (which may echo the request).
    pub fn redact(&mut self, redactor: &Redactor) {
        redactor.redact_query(&mut self.url);
        if !redactor.has_secrets() {
            return;
        }
        self.error = self.error.take().map(|e| redactor.redact_text(&e).into_owned());
        redactor.redact_bytes(&mut self.body);
    }
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
    /// The body's share of the in-flight budget, held until this event is dropped
    /// (rendered): the body and its line count until nothing holds them any more.
    pub inflight: Reservation,
    /// A body over [`BODY_IN_LINE_OVER`] is taken out of `record` once its line is
    /// written, so that the body, its line and the log's copy of the line are never
    /// all held at once: it is in `line`, and [`Captured::body_from_line`] puts it back.
    pub body_in_line: bool,
}

/// See [`Captured::body_in_line`].
pub const BODY_IN_LINE_OVER: usize = 1 << 20;

/// A body over this size has its freed memory purged on the listener thread as soon as
/// its line is built (see `handle`).
const PURGE_AT_ONCE_OVER: usize = 32 << 20;

impl Captured {
    /// Puts a body left in the line back into `record` (see [`Captured::body_in_line`]).
    pub fn body_from_line(&mut self) {
        if std::mem::take(&mut self.body_in_line) {
            let body = super::capture::body_of_line(&self.line)
                .or_else(|| serde_json::from_slice::<CaptureRecord>(&self.line).ok().map(|r| r.body));
            if let Some(b) = body {
                self.record.body = b;
            }
        }
    }
}

pub enum ServerEvent {
    Request(Box<Captured>),
    /// A request that arrived and is being forwarded: sent before the app answers
    /// (its [`ServerEvent::Request`] follows with the answer). The path and the URL
    /// are redacted as the record is.
    Forwarding {
        received_at: String,
        method: String,
        path: String,
        body_len: usize,
        url: String,
    },
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
    /// A request refused before its body was read (`--allow-ip`): it is not saved,
    /// neither its headers nor its body, and its connection is closed. The path is cut
    /// to [`REFUSED_PATH_MAX`] bytes.
    Refused {
        remote: SocketAddr,
        received_at: String,
        method: String,
        path: String,
        status: u16,
        reason: &'static str,
    },
}

/// How much of a refused request's path is reported.
pub const REFUSED_PATH_MAX: usize = 256;

/// The in-flight budget: the bytes that request bodies being received, saved and
/// reported may hold in total, as the permits of a semaphore, one per KiB. A request's
/// share is a [`Reservation`], an owned permit: it is given back when dropped, on
/// whichever path the request ends, including a request future dropped at an
/// `.await` because its client left. Nothing is counted by hand, so nothing can be
/// left raised. A request that finds no room waits (the semaphore is first come,
/// first served) for a bounded time, then is answered 503.
#[derive(Clone)]
pub struct Budget {
    sem: Arc<Semaphore>,
    kib: u32,
}

impl Budget {
    pub fn new(bytes: u64) -> Budget {
        let most = u64::from(u32::MAX).min(Semaphore::MAX_PERMITS as u64);
        let kib = bytes.div_ceil(1024).clamp(1, most) as u32;
        Budget {
            sem: Arc::new(Semaphore::new(kib as usize)),
            kib,
        }
    }

    /// The whole budget, in bytes.
    pub fn total(&self) -> u64 {
        u64::from(self.kib) * 1024
    }

    /// The bytes not reserved now.
    pub fn available(&self) -> u64 {
        self.sem.available_permits() as u64 * 1024
    }

    /// Grows `held` to cover `bytes`, waiting for room until `deadline`; false when
    /// there was none by then (`held` is left as it was). A request never needs more
    /// than the whole budget, which is at least `--max-body`.
    async fn cover(&self, held: &mut Reservation, bytes: u64, deadline: tokio::time::Instant) -> bool {
        let need = bytes.div_ceil(1024).min(u64::from(self.kib)) as u32;
        let have = held.kib();
        if need <= have {
            return true;
        }
        let more = self.sem.clone().acquire_many_owned(need - have);
        match tokio::time::timeout_at(deadline, more).await {
            Ok(Ok(p)) => {
                match &mut held.0 {
                    Some(h) => h.merge(p),
                    None => held.0 = Some(p),
                }
                true
            }
            // Timed out (or the semaphore closed, which this code never does).
            _ => false,
        }
    }
}

/// A share of the [`Budget`], given back when dropped.
#[derive(Debug, Default)]
pub struct Reservation(Option<OwnedSemaphorePermit>);

impl Reservation {
    fn kib(&self) -> u32 {
        self.0.as_ref().map_or(0, |p| p.num_permits() as u32)
    }

    /// The bytes held.
    pub fn bytes(&self) -> u64 {
        u64::from(self.kib()) * 1024
    }
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
    budget: Budget,
}

/// The error a connection's service returns to close the connection instead of
/// answering (`--drop`): hyper then drops it, and [`report_conn_error`] says nothing.
struct DroppedOnPurpose;

/// How [`DroppedOnPurpose`] reads in hyper's error chain.
const DROPPED_ON_PURPOSE: &str = "connection closed on purpose (--drop)";

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
        let budget = Budget::new(cfg.max_inflight.max(cfg.max_body));
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
            budget,
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
                    tokio::spawn(crate::alloc::give_back_when_quiet());
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
                return Err(DroppedOnPurpose);
            }
            Ok::<_, DroppedOnPurpose>(resp)
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
        if s.to_string().contains(DROPPED_ON_PURPOSE) {
            return;
        }
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    if e.is_timeout() {
        msg = "the client did not send its headers in time (slow or idle client cut off)".into();
    }
    if msg.contains(DROPPED_ON_PURPOSE) {
        return;
    }
    let _ = events.send(ServerEvent::ConnectionError { remote, message: msg }).await;
}

impl std::fmt::Debug for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(DROPPED_ON_PURPOSE)
    }
}
impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(DROPPED_ON_PURPOSE)
    }
}
impl std::error::Error for DroppedOnPurpose {}

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
        // Neither its body (never read) nor its headers are kept: a refused client
        // cannot fill the disk. It is reported, and its connection closed.
        drop(body);
        return refuse(&sh, record, remote).await;
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
    // The body, within the size limit, the body timeout and the in-flight budget.
    let mut bytes = Vec::new();
    let mut inflight = Reservation::default();
    let announced = record.headers.get("content-length").and_then(|v| v.parse::<u64>().ok());
    if answer.is_none() {
        if announced.is_some_and(|n| n > cfg.max_body) {
            record.body_note = Some(format!(
                "body of {} bytes refused: over --max-body {}",
                announced.unwrap_or(0),
                super::units::format_limit(cfg.max_body)
            ));
            answer = Some(Answer::json(
                413,
                "rejected",
                serde_json::json!({"error": "body too large (--max-body)"}),
            ));
        } else {
            match read_body(
                body,
                cfg.max_body,
                cfg.body_timeout,
                (&sh.budget, &mut inflight),
                cfg.inflight_wait,
            )
            .await
            {
                BodyRead::Ok(b) => bytes = b,
                BodyRead::NoRoom(n) => {
                    record.body_note = Some(format!(
                        "no room for this body ({n} bytes received, not kept): the bodies in flight held the whole --max-inflight budget ({}) for {:?}",
                        format_size(sh.budget.total()),
                        cfg.inflight_wait
                    ));
                    let mut a = Answer::json(
                        503,
                        "rejected",
                        serde_json::json!({"error": "too many request bodies in flight (--max-inflight): try again"}),
                    );
                    a.headers.push(("retry-after".into(), "1".into()));
                    // The rest of the body is not read: the connection cannot carry another request.
                    a.headers.push(("connection".into(), "close".into()));
                    answer = Some(a);
                }
                BodyRead::TooLarge(n) => {
                    record.body_note = Some(format!(
                        "body refused after {n} bytes: over --max-body {}",
                        super::units::format_limit(cfg.max_body)
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
    // A provider's event name inside a JSON body is looked for in bodies up to 1 MiB:
    // parsing larger ones into a document would cost many times their size and tens of
    // milliseconds of the listener thread (the headers still name the provider).
    let (p, e) = recognise(&record.headers, if bytes.len() <= RECOGNISE_MAX { &bytes } else { &[] });
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
        let (vd, b) = verify_request(&sh, &record, bytes).await;
        bytes = b;
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

    // Handshakes, forwarding, or the configured behaviour. When forwarding, the app
    // answers a provider's handshake (the provider will talk to the app, not to this
    // listener), and its answer is checked against what the provider expects.
    let mut forward = None;
    let shake = match (&answer, cfg.handshake) {
        (None, true) => find_handshake(&record, &bytes, cfg.verify.as_ref().map(|v| &v.secret)),
        _ => None,
    };
    let forwarding = sh.forward.as_ref().zip(cfg.forward_to.as_ref());
    if answer.is_none() && forwarding.is_none() {
        answer = shake.as_ref().map(handshake_answer);
    }
    if answer.is_none() {
        if let Some((client, base)) = forwarding {
            let url = join_url(base, &record.path);
            let (mut path, mut shown) = (record.path.clone(), url.clone());
            sh.redactor.redact_query(&mut path);
            sh.redactor.redact_query(&mut shown);
            let _ = sh
                .events
                .send(ServerEvent::Forwarding {
                    received_at: record.received_at.clone(),
                    method: record.method.clone(),
                    path,
                    body_len: bytes.len(),
                    url: shown,
                })
                .await;
            let (mut a, f) = forward_request(client, cfg, url, &record, &bytes, remote).await;
            if let (Some(h), Some(status)) = (&shake, f.status) {
                a.note = Some(h.expect().check(status, &f.body).message);
            }
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
    sh.redactor.redact_captured(&mut record, |r| {
        if let Some(f) = forward.as_mut() {
            f.redact(r);
        }
    });

    // Durable before answering.
    let body_in_line = record.body.len() > BODY_IN_LINE_OVER;
    let mut line;
    (record, line) = if body_in_line {
        // Escaping megabytes takes tens of milliseconds: on a blocking thread, so that
        // the listener thread goes on serving other requests meanwhile.
        match tokio::task::spawn_blocking(move || {
            let line = record_line(&record);
            (record, line)
        })
        .await
        {
            Ok(x) => x,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: only when this thread's runtime shuts down, which drops this
            // request too.
            Err(_) => return Response::new(Full::new(Bytes::new())),
        }
    } else {
        let line = record_line(&record);
        (record, line)
    };
    if body_in_line {
        let held = record.body.len();
        record.body = String::new();
        // Freed memory counts as resident until mimalloc purges it. For a very large
        // body, purge now, so that the log's copy of the line does not come on top; a
        // purge takes milliseconds on this thread, so smaller ones are left to the
        // purge once the listener is quiet (`give_back_when_quiet`).
        if held > PURGE_AT_ONCE_OVER {
            crate::alloc::give_back();
        }
        crate::alloc::note_large();
    }
    let mut save_error = None;
    if let Some(log) = &sh.log {
        if let Err(e) = log.append(&line).await {
            // The sender is told what happened, not where the log is.
            answer = Answer::json(
                503,
                "save_failed",
                serde_json::json!({"error": "the listener could not save this request"}),
            );
            // What the terminal and `--json` show is what was sent: the 503.
            if let Some(r) = record.response.as_mut() {
                r.status = Some(503);
                r.kind = answer.kind.to_string();
                r.body = std::str::from_utf8(&answer.body).ok().map(str::to_string);
                r.note = Some(format!("the record could not be saved: {e}"));
            }
            if body_in_line {
                // The body lives only in the line now: take it back before the line is
                // written again with the answer that was sent.
                if let Ok(r) = serde_json::from_slice::<CaptureRecord>(&line) {
                    record.body = r.body;
                }
            }
            line.clear();
            record.write_line(&mut line);
            if body_in_line {
                record.body = String::new();
            }
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
            inflight,
            body_in_line,
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
    /// No room in the in-flight budget within the wait (the bytes received so far).
    NoRoom(u64),
}

/// Reads a body within `max` bytes and `timeout`, its share of the in-flight budget
/// reserved in `held` before the bytes are kept: the announced length (Content-Length)
/// at once, so that the buffer is allocated once and exactly; otherwise as the buffer
/// grows, by a quarter at a time (a chunked body's buffer is at most a quarter over its
/// length, never doubled). Each wait for room lasts at most `wait`.
async fn read_body<B>(
    mut body: B,
    max: u64,
    timeout: Duration,
    (budget, held): (&Budget, &mut Reservation),
    wait: Duration,
) -> BodyRead
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: std::error::Error,
{
    let mut buf = Vec::new();
    if let Some(n) = body.size_hint().exact().filter(|n| (1..=max).contains(n)) {
        if !budget.cover(held, n, tokio::time::Instant::now() + wait).await {
            return BodyRead::NoRoom(0);
        }
        buf = Vec::with_capacity(n as usize);
    }
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
                    let len = buf.len() as u64 + data.len() as u64;
                    if len > max {
                        return BodyRead::TooLarge(len);
                    }
                    if len > buf.capacity() as u64 {
                        let cap = len.max(buf.capacity() as u64 * 5 / 4).max(4096).min(max);
                        let until = (tokio::time::Instant::now() + wait).min(deadline);
                        if !budget.cover(held, cap, until).await {
                            return BodyRead::NoRoom(len - data.len() as u64);
                        }
                        buf.reserve_exact(cap as usize - buf.len());
                    }
                    buf.extend_from_slice(&data);
                }
            }
        }
    }
}

/// See where [`recognise`] is called.
const RECOGNISE_MAX: usize = 1 << 20;

/// Bodies up to this size are verified on the listener thread (microseconds); larger
/// ones on a blocking thread, so that hashing megabytes never holds up the other
/// requests that the listener thread serves.
const VERIFY_INLINE_MAX: usize = 64 * 1024;

/// Bodies over this size are not diagnosed when their signature does not match. The
/// diagnosis re-computes the signature for each usual mistake, some of them after
/// re-serialising the JSON: dozens of passes over the body, about a second of CPU for
/// 10 MB. Up to 1 MiB that is a tenth of a second at most, on a blocking thread (see
/// [`VERIFY_INLINE_MAX`]); above, a finding says that it was skipped and how to get it.
pub const DIAGNOSE_MAX: usize = 1 << 20;

/// Verifies the request's signature, off the listener thread for a large body (see
/// [`VERIFY_INLINE_MAX`]), and gives the body back.
async fn verify_request(sh: &Arc<Shared>, record: &CaptureRecord, bytes: Vec<u8>) -> (Verdict, Vec<u8>) {
    let into_vec = |b: Body| match b {
        Body::Mem(v) => v,
        Body::File { .. } => Vec::new(),
    };
    let Some(v) = &sh.cfg.verify else {
        return (
            Verdict::malformed("none", "no verification configured".to_string()),
            bytes,
        );
    };
    if bytes.len() <= VERIFY_INLINE_MAX {
        let body = Body::Mem(bytes);
        let vd = verify(v, &record.headers, &record.path, &body);
        return (vd, into_vec(body));
    }
    let body = Arc::new(Body::Mem(bytes));
    let (sh2, body2, headers, path) = (sh.clone(), body.clone(), record.headers.clone(), record.path.clone());
    // The closure drops its handle on the body before its result is handed back.
    let off = tokio::task::spawn_blocking(move || sh2.cfg.verify.as_ref().map(|v| verify(v, &headers, &path, &body2)));
    let vd = match off.await {
        Ok(Some(vd)) => vd,
        // No blocking thread (the runtime is shutting down): here, then.
        _ => verify(v, &record.headers, &record.path, &body),
    };
    let bytes = match Arc::try_unwrap(body) {
        Ok(b) => into_vec(b),
        Err(shared) => match &*shared {
            Body::Mem(b) => b.clone(),
            Body::File { .. } => Vec::new(),
        },
    };
    (vd, bytes)
}

/// The record's line, allocated once (see [`line_capacity`]).
fn record_line(record: &CaptureRecord) -> Vec<u8> {
    let mut line = Vec::with_capacity(line_capacity(record));
    record.write_line(&mut line);
    line
}

/// The room a record's line needs, so that the line is allocated once. A body up to
/// 64 KiB takes up to twice its size escaped (a guess: a line that needs more grows);
/// a larger one is measured exactly, and everything else in the record is counted at
/// six times its length (the most a byte takes escaped), so that a large body's line
/// never doubles.
fn line_capacity(record: &CaptureRecord) -> usize {
    let n = record.body.len();
    if n <= 64 * 1024 {
        return n + n.min(4096) + 1024;
    }
    let text = |s: &str| 6 * s.len();
    let opt = |s: &Option<String>| s.as_deref().map_or(0, text);
    let headers: usize = record.headers.iter().map(|(k, v)| text(k) + text(v) + 8).sum();
    let verification = record.verification.as_ref().map_or(0, |v| {
        text(&v.reason)
            + v.diagnosis
                .iter()
                .map(|d| text(&d.code) + text(&d.message) + 32)
                .sum::<usize>()
    });
    let response = record
        .response
        .as_ref()
        .map_or(0, |r| text(&r.kind) + opt(&r.body) + opt(&r.note));
    super::capture::escaped_len(&record.body)
        + 128
        + headers
        + verification
        + response
        + text(&record.path)
        + text(&record.method)
        + opt(&record.body_note)
        + opt(&record.provider)
        + opt(&record.event)
        + 1024
}

/// Answers a client refused by `--allow-ip` (403, connection closed) and reports it.
async fn refuse(sh: &Shared, record: CaptureRecord, remote: SocketAddr) -> Response<Full<Bytes>> {
    let mut path = record.path;
    // A secret in the query is not shown, whoever sent it.
    sh.redactor.redact_query(&mut path);
    if path.len() > REFUSED_PATH_MAX {
        let mut cut = REFUSED_PATH_MAX;
        while !path.is_char_boundary(cut) {
            cut -= 1;
        }
        path.truncate(cut);
    }
    let reason = "client address not allowed (--allow-ip)";
    let _ = sh
        .events
        .send(ServerEvent::Refused {
            remote,
            received_at: record.received_at,
            method: record.method,
            path,
            status: 403,
            reason,
        })
        .await;
    let body = serde_json::to_vec(&serde_json::json!({ "error": reason })).unwrap_or_default();
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = StatusCode::FORBIDDEN;
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // The body is not read: the connection cannot carry another request.
    h.insert(axum::http::header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn verify(v: &VerifyConfig, headers: &Headers, path: &str, body: &Body) -> Verdict {
    let owned;
    let loaded = match body {
        Body::Mem(b) => Some(b.as_slice()),
        Body::File { .. } => None,
    };
    let scheme: &dyn Scheme = match &v.scheme {
        SchemeChoice::Fixed(s) => s.as_ref(),
        SchemeChoice::Auto(g) => match detect(headers, loaded).and_then(|n| lookup(n, g).ok()) {
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
    let received_url = {
        let host = headers.get("host").unwrap_or("localhost");
        let proto = headers.get("x-forwarded-proto").unwrap_or("http");
        format!("{proto}://{host}{path}")
    };
    let url = match &v.public_url {
        Some(base) => join_url(base, path),
        None => received_url.clone(),
    };
    let req = VerifyRequest {
        headers,
        body,
        url: Some(&url),
        now: jiff::Timestamp::now().as_second(),
        tolerance: v.tolerance,
    };
    match scheme.verify(&v.secret, &req) {
        Ok(mut vd) => {
            if !vd.valid {
                vd.diagnosis = if body.len() > DIAGNOSE_MAX as u64
                    && matches!(vd.failure, Some(super::scheme::Failure::Mismatch))
                {
                    vec![super::scheme::Finding {
                        code: "diagnosis_skipped",
                        message: format!(
                            "The body is {}: the usual causes were not tried (the listener diagnoses bodies up to {}, \
                             so that none holds up other requests). `hookcat verify` diagnoses it from the saved capture.",
                            format_size(body.len()),
                            format_size(DIAGNOSE_MAX as u64)
                        ),
                    }]
                } else {
                    diagnose_at(scheme, &v.secret, &req, &vd, Some(&received_url))
                };
            }
            vd
        }
        Err(e) => {
            let mut vd = Verdict::malformed(scheme.meta().name, e.to_string());
            vd.diagnosis = diagnose_error(scheme, &v.secret, &req, &e);
            vd
        }
    }
}

/// The provider's handshake the request is, whichever provider's it is: each scheme
/// tells its own ([`Scheme::handshake`](super::scheme::Scheme::handshake)).
fn find_handshake(record: &CaptureRecord, body: &[u8], secret: Option<&Secret>) -> Option<super::scheme::Handshake> {
    super::scheme::all()
        .iter()
        .find_map(|s| s.handshake(&record.headers, body, secret))
}

/// The listener's own answer to a handshake.
fn handshake_answer(found: &super::scheme::Handshake) -> Answer {
    use super::scheme::Handshake;
    match found {
        Handshake::Answer {
            content_type,
            body,
            note,
            ..
        } => {
            let mut a = Answer::new(200, "handshake", body.clone());
            a.headers.push(("content-type".into(), (*content_type).into()));
            a.note = Some((*note).into());
            a
        }
        // Any 200 would tell the provider nothing it accepts: say what is missing.
        Handshake::NeedsSecret { note, .. } => {
            let mut a = Answer::json(500, "handshake", serde_json::json!({"error": note}));
            a.note = Some((*note).into());
            a
        }
    }
}

/// The headers the app is sent: the request's own end-to-end headers in their order,
/// its `Host` (or, with `--rewrite-host`, none: the client names the app), and where
/// the request came from: `X-Forwarded-For` (the client appended to any the request
/// had), `X-Forwarded-Proto` and `X-Forwarded-Host` (kept when a proxy in front set
/// them; else from `--public-url` when given, else as this listener received it).
fn forward_headers(cfg: &ServerConfig, record: &CaptureRecord, remote: SocketAddr) -> Headers {
    let mut out = Headers(Vec::with_capacity(record.headers.len() + 3));
    let host = record.headers.get("host").map(str::to_string);
    let mut relayed = record.headers.clone();
    let mut dropped = Vec::new();
    relayed.split_end_to_end(&mut dropped);
    // Host is put back where it came, unless the app is to get its own.
    let mut kept = relayed.0.into_iter();
    for (k, v) in &record.headers.0 {
        if k.eq_ignore_ascii_case("host") {
            if !cfg.rewrite_host {
                out.push(k.clone(), v.clone());
            }
        } else if !super::headers::is_hop_by_hop(k) && !dropped.iter().any(|(d, _)| d.eq_ignore_ascii_case(k)) {
            if let Some(h) = kept.next() {
                out.0.push(h);
            }
        }
    }
    let client = remote.ip().to_canonical().to_string();
    match out
        .0
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-forwarded-for"))
    {
        Some((_, v)) => *v = format!("{v}, {client}"),
        None => out.push("x-forwarded-for", client),
    }
    let public = cfg
        .verify
        .as_ref()
        .and_then(|v| v.public_url.as_deref())
        .and_then(|u| url::Url::parse(u).ok());
    if !out.contains("x-forwarded-proto") {
        let proto = match &public {
            Some(u) => u.scheme().to_string(),
            None if cfg.tls.is_some() => "https".into(),
            None => "http".into(),
        };
        out.push("x-forwarded-proto", proto);
    }
    if !out.contains("x-forwarded-host") {
        let from_public = public.as_ref().and_then(|u| {
            let h = u.host_str()?;
            Some(match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        });
        if let Some(h) = from_public.or(host) {
            out.push("x-forwarded-host", h);
        }
    }
    out
}

async fn forward_request(
    client: &reqwest::Client,
    cfg: &ServerConfig,
    url: String,
    record: &CaptureRecord,
    body: &[u8],
    remote: SocketAddr,
) -> (Answer, ForwardResult) {
    let timeout = cfg.forward_timeout;
    let start = Instant::now();
    let method = reqwest::Method::from_bytes(record.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut rb = client.request(method, &url).timeout(timeout);
    let relayed = forward_headers(cfg, record, remote);
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
                    timed_out: None,
                },
            )
        }
        Err(e) if e.is_timeout() => {
            let msg = format!("the app did not answer within {timeout:?} (--forward-timeout)");
            let mut a = Answer::json(504, "forwarded", serde_json::json!({"error": msg}));
            a.note = Some(format!("forward to {url}: {msg}"));
            (
                a,
                ForwardResult {
                    url,
                    status: None,
                    duration_ms: ms,
                    body: Vec::new(),
                    content_type: None,
                    error: Some(msg),
                    timed_out: Some(timeout),
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
                    timed_out: None,
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

    /// A body given as frames, then the end (or nothing more, ever).
    struct Frames {
        frames: std::collections::VecDeque<Bytes>,
        exact: Option<u64>,
        then_pending: bool,
    }

    impl Frames {
        fn new(sizes: &[usize], announced: bool, then_pending: bool) -> Frames {
            Frames {
                frames: sizes.iter().map(|&n| Bytes::from(vec![b'x'; n])).collect(),
                exact: announced.then(|| sizes.iter().sum::<usize>() as u64),
                then_pending,
            }
        }
    }

    impl hyper::body::Body for Frames {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
            use std::task::Poll;
            match self.frames.pop_front() {
                Some(b) => Poll::Ready(Some(Ok(hyper::body::Frame::data(b)))),
                None if self.then_pending => Poll::Pending,
                None => Poll::Ready(None),
            }
        }
        fn size_hint(&self) -> hyper::body::SizeHint {
            self.exact.map(hyper::body::SizeHint::with_exact).unwrap_or_default()
        }
    }

    const SECS: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn an_announced_body_is_reserved_and_allocated_once_exactly() {
        let budget = Budget::new(1 << 20);
        let mut held = Reservation::default();
        let sizes = [15_000, 15_000, 15_000, 15_000, 15_000, 15_000, 12_400];
        let body = Frames::new(&sizes, true, false);
        let BodyRead::Ok(b) = read_body(body, 1 << 20, SECS, (&budget, &mut held), SECS).await else {
            panic!("read")
        };
        assert_eq!(b.len(), 102_400);
        assert_eq!(b.capacity(), 102_400, "no room beyond the announced length");
        assert_eq!(held.bytes(), 102_400);
        assert_eq!(budget.available(), (1 << 20) - 102_400);
        drop(held);
        assert_eq!(budget.available(), 1 << 20);
    }

    #[tokio::test]
    async fn a_chunked_body_grows_by_a_quarter_not_double() {
        let budget = Budget::new(4 << 20);
        let mut held = Reservation::default();
        let body = Frames::new(&[10_000; 200], false, false);
        let BodyRead::Ok(b) = read_body(body, 4 << 20, SECS, (&budget, &mut held), SECS).await else {
            panic!("read")
        };
        assert_eq!(b.len(), 2_000_000);
        assert!(b.capacity() <= 2_500_000, "capacity {}", b.capacity());
        assert!(
            held.bytes() >= b.capacity() as u64,
            "the buffer is covered by the reservation"
        );
    }

    #[tokio::test]
    async fn no_room_within_the_wait_is_refused_and_holds_nothing() {
        let budget = Budget::new(64 * 1024);
        let mut holder = Reservation::default();
        assert!(
            budget
                .cover(&mut holder, 60 * 1024, tokio::time::Instant::now() + SECS)
                .await
        );
        let mut held = Reservation::default();
        let body = Frames::new(&[8 * 1024], true, false);
        let wait = Duration::from_millis(20);
        assert!(matches!(
            read_body(body, 1 << 20, SECS, (&budget, &mut held), wait).await,
            BodyRead::NoRoom(0)
        ));
        assert_eq!(held.bytes(), 0);
        // A chunked body that outgrows the room it found.
        let body = Frames::new(&[2048, 8192], false, false);
        assert!(matches!(
            read_body(body, 1 << 20, SECS, (&budget, &mut held), wait).await,
            BodyRead::NoRoom(2048)
        ));
        drop(held);
        drop(holder);
        assert_eq!(budget.available(), 64 * 1024);
    }

    /// Runs `read_body` in a task until it has reached the state `ready` tells, then
    /// drops it (as hyper drops a request whose client left) and checks that the whole
    /// budget is free again.
    async fn dropped_when(budget: Budget, body: Frames, ready: impl Fn(&Budget) -> bool) {
        let b = budget.clone();
        let task = tokio::spawn(async move {
            let mut held = Reservation::default();
            read_body(body, 1 << 20, SECS, (&b, &mut held), SECS).await;
            held
        });
        for _ in 0..1000 {
            if ready(&budget) {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(ready(&budget), "the reading never got there");
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(budget.available(), budget.total(), "a dropped request keeps nothing");
    }

    #[tokio::test]
    async fn a_request_dropped_at_any_await_gives_its_share_back() {
        // Waiting for the next frame, with an announced length reserved.
        let budget = Budget::new(64 * 1024);
        let total = budget.total();
        dropped_when(budget, Frames::new(&[1024], true, true), move |b| b.available() < total).await;
        // Waiting for the next frame of a chunked body, after growing.
        let budget = Budget::new(64 * 1024);
        dropped_when(budget, Frames::new(&[20_000, 20_000], false, true), move |b| {
            b.available() <= total - 40_000
        })
        .await;
        // Waiting for room.
        let budget = Budget::new(64 * 1024);
        let mut holder = Reservation::default();
        assert!(
            budget
                .cover(&mut holder, 60 * 1024, tokio::time::Instant::now() + SECS)
                .await
        );
        let b = budget.clone();
        let task = tokio::spawn(async move {
            let mut held = Reservation::default();
            read_body(Frames::new(&[8192], true, false), 1 << 20, SECS, (&b, &mut held), SECS).await;
        });
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        drop(holder);
        assert_eq!(budget.available(), budget.total());
    }

    fn github_verify() -> VerifyConfig {
        VerifyConfig {
            scheme: SchemeChoice::Fixed(lookup("github", &GenericParams::default()).unwrap()),
            secret: Secret::new(b"s3cret".to_vec(), super::super::secret::SecretSource::Arg),
            public_url: None,
            reject_invalid: false,
            tolerance: None,
        }
    }

    #[test]
    fn a_large_body_with_a_wrong_signature_is_not_diagnosed_and_says_so() {
        let v = github_verify();
        let mut h = Headers::new();
        h.push("x-hub-signature-256", format!("sha256={}", "0".repeat(64)));
        h.push("x-github-event", "push");
        let big = Body::Mem(format!("{{\"pad\":\"{}\"}}", "x".repeat(DIAGNOSE_MAX)).into_bytes());
        let vd = verify(&v, &h, "/", &big);
        assert!(!vd.valid);
        assert_eq!(vd.diagnosis.len(), 1, "{:?}", vd.diagnosis);
        assert_eq!(vd.diagnosis[0].code, "diagnosis_skipped");
        assert!(
            vd.diagnosis[0].message.contains("1.0 MiB"),
            "{}",
            vd.diagnosis[0].message
        );
        let small = Body::Mem(b"{\"a\":1}".to_vec());
        let vd = verify(&v, &h, "/", &small);
        assert!(!vd.diagnosis.is_empty() && vd.diagnosis.iter().all(|f| f.code != "diagnosis_skipped"));
    }

    #[test]
    fn a_record_line_is_allocated_once() {
        let (received_at, id) = CaptureRecord::stamp_and_id();
        // Quotes and control bytes: escaped, the line is longer than the body.
        let body: String = "{\"k\":\"v\u{1}\"}\n".repeat(20_000);
        let mut headers = Headers::new();
        headers.push("content-type", "application/json");
        let mut record = CaptureRecord {
            v: super::super::capture::VERSION,
            id,
            received_at,
            method: "POST".into(),
            path: "/hook".into(),
            headers,
            body,
            remote_addr: "127.0.0.1:1".into(),
            ..CaptureRecord::empty()
        };
        record.response = Some(ResponseRecord {
            status: Some(200),
            kind: "normal".into(),
            body: Some("{\"ok\":true}".into()),
            duration_ms: Some(1.5),
            note: None,
        });
        let cap = line_capacity(&record);
        let line = record_line(&record);
        assert_eq!(line.capacity(), cap, "the line did not grow");
        assert!(cap - line.len() < 32 * 1024, "{} of {cap} used", line.len());
        let escaped = serde_json::to_string(&record.body).unwrap();
        assert_eq!(super::super::capture::escaped_len(&record.body), escaped.len() - 2);
    }
}
