//! The one delivery engine, shared by `send`, `replay` and `demo`: per-attempt
//! timeouts, retries with exponential backoff and full jitter that honour
//! `Retry-After`, re-signing on every attempt with a fresh timestamp and the same
//! delivery id, bounded reading of responses, and a load mode with concurrency, a
//! rate limit and a latency summary. Nothing here prints: callers get each attempt
//! through a callback.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::headers::Headers;
use super::ids::SplitMix64;
use super::scheme::{Scheme, SignParams, SignatureIn, Signed};
use super::secret::Secret;

/// A request ready to go, before signing.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: String,
    pub url: String,
    pub headers: Headers,
    pub body: bytes::Bytes,
    /// Header values to send as these exact bytes rather than as their text (values
    /// captured that were not UTF-8): `(name, bytes)`, each standing in for the first
    /// header not yet matched of that name whose value is the bytes' lossy text (a
    /// value the signer replaced no longer matches). Empty for almost every request.
    pub exact_values: Vec<(String, Vec<u8>)>,
}

/// Signs each attempt.
pub struct Signer {
    pub scheme: Box<dyn Scheme>,
    pub secret: Secret,
    /// The delivery id: the same on every attempt, as providers do.
    pub id: String,
    /// A fixed timestamp (unix seconds) instead of the clock at each attempt.
    pub fixed_timestamp: Option<i64>,
}

impl Signer {
    /// The signature for one attempt at `url`, now.
    pub fn sign(&self, url: &str, body: &[u8]) -> Result<Signed, super::scheme::SchemeError> {
        let mut p = SignParams::now();
        if let Some(t) = self.fixed_timestamp {
            p.timestamp = t;
            p.nanos = 0;
        }
        p.id = self.id.clone();
        p.url = Some(url.to_string());
        self.scheme.sign(&self.secret, &p, &mut &body[..])
    }

    /// Whether the signature goes into the body ([`SignatureIn::Body`]): the request
    /// is then signed once, by [`sign_request`](Self::sign_request), before its first
    /// attempt, rather than at each.
    pub fn signs_body(&self) -> bool {
        matches!(self.scheme.signature_in(), SignatureIn::Body { .. })
    }

    /// Signs `req` now: its signature headers, its signed URL, and the body for a
    /// scheme that signs into it.
    pub fn sign_request(&self, req: &mut Prepared) -> Result<(), super::scheme::SchemeError> {
        let signed = self.sign(&req.url, &req.body)?;
        if let SignatureIn::Body { write } = self.scheme.signature_in() {
            req.body = write(&req.body, &signed.fields).into();
        }
        apply_signature(req, &signed);
        Ok(())
    }
}

/// Applies a signature to a request: its headers replace same-named ones; a signed
/// URL (Twilio's `bodySHA256`) replaces the URL.
pub fn apply_signature(req: &mut Prepared, signed: &Signed) {
    for (k, v) in &signed.headers {
        req.headers.set(k, v.clone());
    }
    if let Some(u) = &signed.signed_url {
        req.url = u.clone();
    }
}

/// How to deliver.
#[derive(Debug, Clone)]
pub struct Policy {
    pub timeout: Duration,
    pub retries: u32,
    /// First backoff ceiling; doubles per retry up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured.
    pub retry_after_max: Duration,
    /// Response bytes kept for display; the rest is not read.
    pub keep_body: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: Duration::from_secs(10),
            retries: 0,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_max: Duration::from_secs(300),
            keep_body: 1 << 20,
        }
    }
}

/// Why an attempt got no answer. The wording and the advice for each are the
/// output's (`output::network_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Nothing listens on the port.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// A TLS failure other than those below.
    Tls,
    /// The server's certificate is not trusted (a self-signed listener).
    Untrusted,
    /// An https URL, and the server answered in plain HTTP.
    NotTls,
    /// An http URL, and the server answered with TLS.
    NotHttp,
    /// No answer within the timeout.
    Timeout,
    Connect,
    Other,
}

impl ErrorKind {
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Refused => "connection refused",
            ErrorKind::Dns => "DNS lookup failed",
            ErrorKind::Tls => "TLS error",
            ErrorKind::Untrusted => "certificate not trusted",
            ErrorKind::NotTls => "not an https port",
            ErrorKind::NotHttp => "not an http port",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Other => "request failed",
        }
    }

    /// Whether the request never reached an HTTP server: nothing listening, a name
    /// that does not resolve, a TLS mismatch or failure. (A timeout or a connection
    /// closed mid-request did reach one.)
    pub fn unreached(self) -> bool {
        matches!(
            self,
            ErrorKind::Refused
                | ErrorKind::Dns
                | ErrorKind::Tls
                | ErrorKind::Untrusted
                | ErrorKind::NotTls
                | ErrorKind::NotHttp
                | ErrorKind::Connect
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptError {
    pub kind: ErrorKind,
    /// What the network layer said (for a timeout: the timeout in force).
    pub message: String,
}

/// One attempt and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// 1-based.
    pub attempt: u32,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<AttemptError>,
    #[serde(serialize_with = "ser_ms", rename = "duration_ms")]
    pub duration: Duration,
    #[serde(skip)]
    pub response_headers: Headers,
    #[serde(skip)]
    pub response_body: Vec<u8>,
    /// The response body was longer than what was kept (or was cut off by the timeout).
    pub response_truncated: bool,
    /// The wait before the next attempt, when there is one.
    #[serde(serialize_with = "ser_opt_ms", rename = "retry_in_ms")]
    pub retry_in: Option<Duration>,
}

/// Milliseconds, rounded to the microsecond: how durations are written.
pub fn ms(d: &Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(ms(d))
}

fn ser_opt_ms<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_ms(d, s),
        None => s.serialize_none(),
    }
}

impl Attempt {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Worth another try: connect errors, timeouts, 429 and 5xx.
    pub fn retryable(&self) -> bool {
        match (self.status, &self.error) {
            (Some(s), _) => s == 429 || s >= 500,
            (None, Some(e)) => !matches!(e.kind, ErrorKind::Tls | ErrorKind::Dns),
            _ => false,
        }
    }
}

/// Client options.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    pub insecure: bool,
    pub cacert_pem: Option<Vec<u8>>,
    /// Load TLS roots: only when some URL is https.
    pub https: bool,
    pub pool_size: usize,
    /// Relaying someone else's request (`listen --forward-to`): add no User-Agent.
    pub relay: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error("invalid CA certificate: {0}")]
    BadCert(String),
    #[error("could not build the HTTP client: {0}")]
    Client(String),
    #[error("invalid URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("signing: {0}")]
    Sign(#[from] super::scheme::SchemeError),
    #[error(transparent)]
    Url(#[from] super::url::UrlError),
}

/// Checks a URL before anything is sent, completing the forms people type
/// ([`super::url::http_url`]: `localhost:3000/hook`, `:3000`, `/hook`, …).
pub fn check_url(url: &str) -> Result<url::Url, DeliverError> {
    Ok(super::url::http_url(url)?)
}

/// The HTTP client. Built once per process; TLS roots are loaded only for https.
pub fn client(o: &ClientOptions) -> Result<reqwest::Client, DeliverError> {
    client_with(o, false)
}

/// [`client`], writing header names in Title-Case (`Stripe-Signature`) on HTTP/1.1
/// when `title_case` is set, rather than in the lower case HTTP/2 uses everywhere.
pub fn client_with(o: &ClientOptions, title_case: bool) -> Result<reqwest::Client, DeliverError> {
    let mut b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if title_case {
        b = b.http1_title_case_headers();
    }
    if !o.relay {
        b = b.user_agent(CLIENT_HEADERS[1].1);
    }
    let mut b = b
        .pool_max_idle_per_host(o.pool_size.max(8))
        .tcp_nodelay(true)
        .tls_built_in_root_certs(o.https)
        .danger_accept_invalid_certs(o.insecure);
    if let Some(pem) = &o.cacert_pem {
        let cert = reqwest::Certificate::from_pem(pem).map_err(|e| DeliverError::BadCert(e.to_string()))?;
        b = b.add_root_certificate(cert);
    }
    b.build().map_err(|e| DeliverError::Client(e.to_string()))
}

/// `host:port` of a URL, the port its scheme's when none is written.
pub fn address(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let host = u.host_str().unwrap_or_default().to_string();
            match u.port_or_known_default() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            }
        }
        Err(_) => String::new(),
    }
}

fn classify(e: &reqwest::Error, url: &str, timeout: Duration) -> AttemptError {
    let mut chain = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(e);
    let (mut refused, mut untrusted, mut not_tls, mut parse) = (false, false, false, false);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        match s.downcast_ref::<rustls::Error>() {
            Some(rustls::Error::InvalidCertificate(_)) => untrusted = true,
            Some(rustls::Error::InvalidMessage(_)) => not_tls = true,
            _ => {}
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            parse |= h.is_parse();
        }
        let t = s.to_string();
        if !chain.contains(&t) {
            if !chain.is_empty() {
                chain.push_str(": ");
            }
            chain.push_str(&t);
        }
        src = s.source();
    }
    let lower = chain.to_ascii_lowercase();
    let https = url.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://"));
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if refused || lower.contains("connection refused") {
        ErrorKind::Refused
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
    {
        ErrorKind::Dns
    } else if https && (untrusted || lower.contains("invalid peer certificate")) {
        ErrorKind::Untrusted
    } else if https && (not_tls || lower.contains("corrupt message")) {
        ErrorKind::NotTls
    } else if !https && (parse || lower.contains("invalid http version")) {
        ErrorKind::NotHttp
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        ErrorKind::Tls
    } else if e.is_connect() {
        ErrorKind::Connect
    } else {
        ErrorKind::Other
    };
    // The innermost cause says it best ("Connection refused (os error 111)").
    let mut inner: &dyn std::error::Error = e;
    while let Some(s) = inner.source() {
        inner = s;
    }
    let message = match kind {
        ErrorKind::Other => chain,
        ErrorKind::Timeout => timed_out(timeout),
        _ => inner.to_string(),
    };
    AttemptError { kind, message }
}

/// The message of a timeout: the timeout in force.
fn timed_out(timeout: Duration) -> String {
    format!("no answer within {}", super::units::format_duration_setting(timeout))
}

/// `Retry-After` as seconds or an HTTP date (any of the three forms RFC 9110 has
/// recipients accept); a date in the past is no wait.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

/// `url` parsed, or `None` when it does not parse. The last URL parsed on each thread is
/// kept and cloned while the requests go to the same one (a load run, replayed captures
/// of one path): parsing costs about 6,000 instructions, a clone a few hundred.
fn parsed_url(url: &str) -> Option<url::Url> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, url::Url)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((text, parsed)) if text == url => Some(parsed.clone()),
            _ => {
                let parsed = url::Url::parse(url).ok()?;
                *last = Some((url.to_string(), parsed.clone()));
                Some(parsed)
            }
        }
    })
}

/// Sends one attempt: never fails, errors are part of the attempt.
pub async fn attempt_once(client: &reqwest::Client, req: &Prepared, n: u32, policy: &Policy) -> Attempt {
    let start = Instant::now();
    let mut a = Attempt {
        attempt: n,
        method: req.method.clone(),
        url: req.url.clone(),
        status: None,
        error: None,
        duration: Duration::ZERO,
        response_headers: Headers::new(),
        response_body: Vec::new(),
        response_truncated: false,
        retry_in: None,
    };
    // A method that is not an HTTP token is not sent as another: the attempt fails.
    let Ok(method) = reqwest::Method::from_bytes(req.method.as_bytes()) else {
        a.error = Some(AttemptError {
            kind: ErrorKind::Other,
            message: "the method is not an HTTP method (a token): nothing was sent".into(),
        });
        return a;
    };
    let mut rb = match parsed_url(&req.url) {
        Some(u) => client.request(method, u),
        // reqwest says what is wrong with it.
        None => client.request(method, &req.url),
    }
    .timeout(policy.timeout);
    let mut exact_used = vec![false; req.exact_values.len()];
    for (k, v) in req.headers.iter() {
        // Bytes HTTP does not allow in a value go as the text (which reqwest judges).
        let exact = exact_value(&req.exact_values, &mut exact_used, k, v)
            .and_then(|b| reqwest::header::HeaderValue::from_bytes(b).ok());
        if let Some(hv) = exact {
            rb = rb.header(k, hv);
            continue;
        }
        rb = rb.header(k, v);
    }
    let result = tokio::time::timeout(policy.timeout, async {
        let mut resp = rb.body(req.body.clone()).send().await?;
        a.status = Some(resp.status().as_u16());
        a.response_headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        while let Some(chunk) = resp.chunk().await? {
            let room = policy.keep_body.saturating_sub(a.response_body.len());
            if chunk.len() > room {
                a.response_body.extend_from_slice(&chunk[..room]);
                a.response_truncated = true;
                break; // stop reading: the rest of a huge body is not needed
            }
            a.response_body.extend_from_slice(&chunk);
        }
        Ok::<(), reqwest::Error>(())
    })
    .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            if a.status.is_some() {
                a.response_truncated = true; // the answer came, its body broke off
            } else {
                a.error = Some(classify(&e, &req.url, policy.timeout));
            }
        }
        Err(_) => {
            if a.status.is_some() {
                a.response_truncated = true;
            } else {
                a.error = Some(AttemptError {
                    kind: ErrorKind::Timeout,
                    message: timed_out(policy.timeout),
                });
            }
        }
    }
    a.duration = start.elapsed();
    a
}

/// The exact bytes that stand for header `name: text`, if any not yet used do.
pub fn exact_value<'a>(exact: &'a [(String, Vec<u8>)], used: &mut [bool], name: &str, text: &str) -> Option<&'a [u8]> {
    if exact.is_empty() || !text.contains('\u{fffd}') {
        return None;
    }
    let i = exact
        .iter()
        .zip(used.iter())
        .position(|((n, b), u)| !*u && n.eq_ignore_ascii_case(name) && String::from_utf8_lossy(b) == text)?;
    used[i] = true;
    Some(&exact[i].1)
}

/// The wait before retry number `retry` (1-based): full jitter over an exponential
/// ceiling, or the server's `Retry-After` when it asked for one.
pub fn backoff(policy: &Policy, retry: u32, retry_after: Option<Duration>, rng: &mut SplitMix64) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(policy.retry_after_max);
    }
    let ceiling = policy
        .backoff_base
        .saturating_mul(1u32 << (retry - 1).min(20))
        .min(policy.backoff_max);
    ceiling.mul_f64(rng.next_f64())
}

/// The result of a delivery with retries.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub attempts: Vec<Attempt>,
}

impl Delivery {
    pub fn delivered(&self) -> bool {
        self.attempts.last().is_some_and(Attempt::ok)
    }
}

/// Delivers `req` with retries, signing each attempt afresh. `on_attempt` sees every
/// attempt as it completes (with `retry_in` set when another follows).
pub async fn deliver(
    client: &reqwest::Client,
    req: &Prepared,
    signer: Option<&Signer>,
    policy: &Policy,
    mut on_attempt: impl FnMut(&Attempt),
) -> Result<Delivery, DeliverError> {
    // Seeded from the OS only when a retry needs a jitter (not once per request).
    let mut rng: Option<SplitMix64> = None;
    let mut attempts = Vec::new();
    for n in 1..=policy.retries + 1 {
        // A copy only to sign: unsigned, the request goes as it is.
        let signed_req;
        let r = match signer {
            Some(s) => {
                let signed = s.sign(&req.url, &req.body)?;
                let mut r = req.clone();
                apply_signature(&mut r, &signed);
                signed_req = r;
                &signed_req
            }
            None => req,
        };
        let mut a = attempt_once(client, r, n, policy).await;
        if a.retryable() && n <= policy.retries {
            let ra = a.response_headers.get("retry-after").and_then(parse_retry_after);
            let rng = rng.get_or_insert_with(SplitMix64::from_entropy);
            a.retry_in = Some(backoff(policy, n, ra, rng));
        }
        on_attempt(&a);
        let wait = a.retry_in;
        attempts.push(a);
        match wait {
            Some(w) => tokio::time::sleep(w).await,
            None => break,
        }
    }
    Ok(Delivery { attempts })
}

/// Settings of a load run.
#[derive(Debug, Clone)]
pub struct Load {
    pub count: u64,
    pub concurrency: usize,
    /// Requests per second, at most.
    pub rate: Option<f64>,
}

/// What a load run measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadSummary {
    pub requested: u64,
    /// Requests tried (each once or more), answered or not.
    pub sent: u64,
    /// Requests whose last attempt got an answer (any status).
    pub answered: u64,
    /// Requests with no answer after every attempt (refused, timed out, …).
    pub failed: u64,
    pub ok_2xx: u64,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<String, u64>,
    /// Attempts made, retries included.
    pub attempts: u64,
    /// Attempts after a request's first.
    pub retries: u64,
    /// Of each attempt that got an answer, from sending to the answer: the waits
    /// between retries are not in it.
    pub latency_ms: Latency,
    pub elapsed_s: f64,
    pub requests_per_sec: f64,
    pub interrupted: bool,
    /// One request's failure and the URL it went to, for saying what to do when none
    /// was answered.
    #[serde(skip)]
    pub a_failure: Option<(AttemptError, String)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Latency {
    pub fn from_micros(mut v: Vec<u64>) -> Latency {
        if v.is_empty() {
            return Latency::default();
        }
        v.sort_unstable();
        let q = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0;
        Latency {
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
            max: *v.last().expect("not empty") as f64 / 1000.0,
            mean: v.iter().sum::<u64>() as f64 / v.len() as f64 / 1000.0,
        }
    }
}

/// How far a load run is, shared with the caller while it runs.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub done: AtomicU64,
}

/// How a run is told to stop (Ctrl-C): told once, from anywhere; the delivering tasks
/// read it between requests (a flag, no lock), and whatever waits for it awaits
/// [`Stop::stopped`]. Clones share it.
#[derive(Debug, Clone)]
pub struct Stop(Arc<StopState>);

#[derive(Debug)]
struct StopState {
    told: AtomicBool,
    wake: tokio::sync::watch::Sender<bool>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop(Arc::new(StopState {
            told: AtomicBool::new(false),
            wake: tokio::sync::watch::Sender::new(false),
        }))
    }
}

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Tells the run to stop.
    pub fn stop(&self) {
        self.0.told.store(true, Ordering::Relaxed);
        self.0.wake.send_replace(true);
    }

    /// Whether the run was told to stop.
    pub fn is_stopped(&self) -> bool {
        self.0.told.load(Ordering::Relaxed)
    }

    /// Resolves once the run is told to stop.
    pub async fn stopped(&self) {
        let mut told = self.0.wake.subscribe();
        // (The sender lives as long as `self`: waiting cannot fail.)
        let _ = told.wait_for(|t| *t).await;
    }
}

/// Runs `tasks` delivering tasks, `task(client)` each, spread over one thread per client
/// with a single-threaded runtime of its own: a task and its connections stay on one
/// thread, nothing is stolen between threads, and no thread wakes another for I/O.
/// (On a shared two-core machine under load, a work-stealing runtime measured up to 40%
/// more CPU time for the same requests: BENCHMARKS.md.) Returns when every task is
/// done, or, once `drop_on` is told to stop, when every thread has dropped its tasks
/// (without it, the tasks stop themselves): nothing of theirs runs after. Dropping the returned future stops them too, without
/// waiting. A runtime that cannot be made leaves its share to the others (to the
/// caller's runtime, with the first client, when none can be). Without a client,
/// nothing runs.
pub async fn spread<F, Fut>(clients: Vec<reqwest::Client>, tasks: usize, task: F, drop_on: Option<Stop>)
where
    F: Fn(reqwest::Client) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let task = Arc::new(task);
    let Some(first) = clients.first().cloned() else {
        return;
    };
    let runtimes: Vec<_> = clients
        .into_iter()
        .take(tasks.max(1))
        .filter_map(|c| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            Some((rt, c))
        })
        .collect();
    // Until the tasks are to be dropped (never, without `drop_on`).
    let stopped = |stop: Option<Stop>| async move {
        match stop {
            Some(s) => s.stopped().await,
            None => std::future::pending::<()>().await,
        }
    };
    if runtimes.is_empty() {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..tasks {
            set.spawn(task(first.clone()));
        }
        tokio::select! {
            _ = async { while set.join_next().await.is_some() {} } => {}
            _ = stopped(drop_on) => {}
        }
        return;
    }
    let (cancel, cancelled) = tokio::sync::watch::channel(false);
    // Each thread holds a sender: `recv` gives `None` once all have finished.
    let (finished, mut all_finished) = tokio::sync::mpsc::channel::<()>(1);
    let threads = runtimes.len();
    for (t, (rt, client)) in runtimes.into_iter().enumerate() {
        let share = tasks / threads + usize::from(t < tasks % threads);
        let (task, mut cancelled, stop, finished) =
            (task.clone(), cancelled.clone(), drop_on.clone(), finished.clone());
        std::thread::spawn(move || {
            rt.block_on(async move {
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..share {
                    set.spawn(task(client.clone()));
                }
                tokio::select! {
                    _ = async { while set.join_next().await.is_some() {} } => {}
                    _ = cancelled.wait_for(|c| *c) => {}
                    _ = stopped(stop) => {}
                }
            });
            // The tasks left are dropped here, before the caller hears of the end.
            drop(rt);
            drop(finished);
        });
    }
    drop(finished);
    /// Tells the threads to stop when the caller stops waiting.
    struct Cancel(tokio::sync::watch::Sender<bool>);
    impl Drop for Cancel {
        fn drop(&mut self) {
            self.0.send_replace(true);
        }
    }
    let _cancel = Cancel(cancel);
    all_finished.recv().await;
}

/// One client per delivering thread, the machine's cores' worth (at most `tasks`).
pub fn clients(o: &ClientOptions, tasks: usize) -> Result<Vec<reqwest::Client>, DeliverError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tasks.max(1));
    (0..threads).map(|_| client(o)).collect()
}

/// One request of a batch: the request and, when it is signed as it is sent with a
/// signer of its own (a re-signed replay: a fresh id each), that signer.
pub struct Job {
    pub req: Prepared,
    pub signer: Option<Arc<Signer>>,
}

/// How a batch is delivered.
#[derive(Clone, Default)]
pub struct Batch {
    /// Requests in flight at most (at least one).
    pub concurrency: usize,
    /// Requests started per second, at most.
    pub rate: Option<f64>,
    pub policy: Policy,
    /// Signs, as it is sent, every job without a signer of its own (`send --count`).
    pub signer: Option<Arc<Signer>>,
    /// Once the run's [`Stop`] is told: drop the deliveries in flight (`true`; no result
    /// comes after), or let them finish (`false`). Either way no job starts after.
    pub drop_in_flight: bool,
}

/// The one batch runner (`send --count`, `replay`): delivers the jobs that `next` gives
/// through [`deliver`], `batch.concurrency` at a time, starting at most `batch.rate` per
/// second, the tasks [`spread`] over a thread per client. Each task takes its next job
/// itself: a job is made on the thread that sends it, just before, with no hand-over
/// between threads and nothing waiting in a queue (a reading thread that fed a queue
/// measured slower: it kept both runtime threads busy and woke them across threads).
/// `next` gets back the task's previous job once `on_done` has seen it (its buffers can
/// be used again), and returns `None` when there are no more. `on_done(counts, meta,
/// request, result, took)` hears of each finished request, `took` from just before it
/// was sent (signing and retries included), with the task's own `counts` (no lock
/// shared between tasks); every task's counts come back at the end. When `on_done`
/// returns `false`, no further job is taken; once `stop` is told, none is (see
/// [`Batch::drop_in_flight`]). Dropping the future drops the deliveries, unawaited.
pub async fn run<T, S, N, G, F>(clients: Vec<reqwest::Client>, batch: Batch, next: N, on_done: F, stop: Stop) -> Vec<S>
where
    T: Send + 'static,
    S: Default + Send + 'static,
    N: Fn(Option<(Job, T)>) -> G + Send + Sync + 'static,
    G: std::future::Future<Output = Option<(Job, T)>> + Send,
    F: Fn(&mut S, &T, &Prepared, Result<Delivery, DeliverError>, Duration) -> bool + Send + Sync + 'static,
{
    let policy = Arc::new(batch.policy);
    let signer = batch.signer;
    let next = Arc::new(next);
    let on_done = Arc::new(on_done);
    let started = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let interval = batch
        .rate
        .filter(|r| *r > 0.0)
        .map(|r| Duration::from_secs_f64(1.0 / r));
    // Each task's counts, gathered once all are done.
    let counted: Arc<std::sync::Mutex<Vec<S>>> = Arc::default();
    spread(
        clients,
        batch.concurrency.max(1),
        {
            let (counted, stop) = (counted.clone(), stop.clone());
            move |client| {
                let (next, policy, signer, on_done, started, refused, counted, stop) = (
                    next.clone(),
                    policy.clone(),
                    signer.clone(),
                    on_done.clone(),
                    started.clone(),
                    refused.clone(),
                    counted.clone(),
                    stop.clone(),
                );
                async move {
                    let mut counts = S::default();
                    let mut done = None;
                    while !refused.load(Ordering::Relaxed) && !stop.is_stopped() {
                        let Some((job, meta)) = next(done.take()).await else {
                            break;
                        };
                        // (Counted under `--rate` only: a counter both threads write costs each.)
                        if let Some(iv) = interval {
                            let i = started.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep_until((start + iv.mul_f64(i as f64)).into()).await;
                        }
                        let t = Instant::now();
                        let signer = job.signer.as_deref().or(signer.as_deref());
                        let res = deliver(&client, &job.req, signer, &policy, |_| {}).await;
                        if !on_done(&mut counts, &meta, &job.req, res, t.elapsed()) {
                            refused.store(true, Ordering::Relaxed);
                        }
                        done = Some((job, meta));
                    }
                    counted.lock().unwrap_or_else(|e| e.into_inner()).push(counts);
                }
            }
        },
        batch.drop_in_flight.then_some(stop),
    )
    .await;
    let all = std::mem::take(&mut *counted.lock().unwrap_or_else(|e| e.into_inner()));
    all
}

/// What every request of a load run is made from.
pub struct LoadRequests {
    pub url: String,
    pub source: super::event::EventSource,
    pub extra: Headers,
    pub method: Option<String>,
}

/// Makes request number `i` of a load run.
type MakeRequest = Box<dyn Fn(u64) -> Prepared + Send + Sync>;

impl LoadRequests {
    fn unsigned(&self, ev: &super::event::Event) -> Prepared {
        prepare(ev, &self.url, &self.extra, self.method.as_deref())
    }

    /// The request maker, and the signer the runner signs each request with as it is
    /// sent: a catalog event is made afresh for each request (new ids), a fixed body
    /// once; a signature that goes into the body is made with the request instead,
    /// once, up front. The event source was rendered and the signer tried once
    /// already: neither fails here.
    fn maker(self, signer: Option<Signer>) -> (Option<Arc<Signer>>, MakeRequest) {
        let fixed = match &self.source {
            super::event::EventSource::Data(ev) => Some(self.unsigned(ev)),
            super::event::EventSource::Catalog(..) => None,
        };
        let this = Arc::new(self);
        match signer {
            Some(s) if s.signs_body() => (
                None,
                Box::new(move |_| {
                    let ev = this.source.event().expect("rendered once already");
                    let mut req = this.unsigned(&ev);
                    s.sign_request(&mut req).expect("signed once already");
                    req
                }),
            ),
            signer => (
                signer.map(Arc::new),
                Box::new(move |_| match &fixed {
                    Some(r) => r.clone(),
                    None => this.unsigned(&this.source.event().expect("rendered once already")),
                }),
            ),
        }
    }
}

/// One task's counts in a load run.
#[derive(Default)]
struct LoadCounts {
    latency_us: Vec<u64>,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
    sent: u64,
    answered: u64,
    failed: u64,
    attempts: u64,
    a_failure: Option<(AttemptError, String)>,
}

/// Sends `load.count` requests made from `requests` through [`run`], signed by
/// `signer` ([`LoadRequests`] says when). Once `stop` is told, no request starts;
/// those in flight finish.
pub async fn load(
    clients: Vec<reqwest::Client>,
    requests: LoadRequests,
    signer: Option<Signer>,
    policy: Policy,
    load: Load,
    progress: Arc<LoadProgress>,
    stop: Stop,
) -> LoadSummary {
    let (signer, make) = requests.maker(signer);
    let taken = AtomicU64::new(0);
    let count = load.count;
    let start = Instant::now();
    let next = move |_: Option<(Job, ())>| {
        let i = taken.fetch_add(1, Ordering::Relaxed);
        let job = (i < count).then(|| {
            (
                Job {
                    req: make(i),
                    signer: None,
                },
                (),
            )
        });
        std::future::ready(job)
    };
    let on_done =
        move |c: &mut LoadCounts, _: &(), _: &Prepared, res: Result<Delivery, DeliverError>, _took: Duration| {
            progress.done.fetch_add(1, Ordering::Relaxed);
            let d = match res {
                Ok(d) => d,
                Err(e) => {
                    c.failed += 1;
                    *c.errors.entry(e.to_string()).or_default() += 1;
                    return true;
                }
            };
            c.sent += 1;
            c.attempts += d.attempts.len() as u64;
            // Each answer's own time: the backoff between attempts is not latency.
            for a in d.attempts.iter().filter(|a| a.status.is_some()) {
                c.latency_us.push(a.duration.as_micros() as u64);
            }
            let last = d.attempts.last().expect("at least one attempt");
            match (last.status, &last.error) {
                (Some(s), _) => {
                    c.answered += 1;
                    *c.statuses.entry(s).or_default() += 1
                }
                (None, Some(e)) => {
                    c.failed += 1;
                    *c.errors.entry(e.kind.label().to_string()).or_default() += 1;
                    if c.a_failure.is_none() {
                        c.a_failure = Some((e.clone(), last.url.clone()));
                    }
                }
                _ => c.failed += 1,
            }
            true
        };
    let batch = Batch {
        concurrency: load.concurrency,
        rate: load.rate,
        policy,
        signer,
        drop_in_flight: false,
    };
    let counted = run(clients, batch, next, on_done, stop.clone()).await;
    let mut lat = Vec::new();
    let mut statuses = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let (mut sent, mut answered, mut failed, mut attempts) = (0, 0, 0, 0);
    let mut a_failure = None;
    for c in counted {
        a_failure = a_failure.or(c.a_failure);
        lat.extend(c.latency_us);
        sent += c.sent;
        answered += c.answered;
        failed += c.failed;
        attempts += c.attempts;
        for (k, v) in c.statuses {
            *statuses.entry(k).or_default() += v;
        }
        for (k, v) in c.errors {
            *errors.entry(k).or_default() += v;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let ok_2xx = statuses
        .iter()
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, n)| n)
        .sum();
    LoadSummary {
        requested: load.count,
        sent,
        answered,
        failed,
        ok_2xx,
        statuses,
        errors,
        attempts,
        retries: attempts.saturating_sub(sent),
        latency_ms: Latency::from_micros(lat),
        elapsed_s: elapsed,
        requests_per_sec: if elapsed > 0.0 { sent as f64 / elapsed } else { 0.0 },
        interrupted: stop.is_stopped(),
        a_failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn spread_runs_every_task_on_its_threads_and_stops_them_when_told_or_dropped() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = reqwest::Client::new();
        rt.block_on(async {
            // Five tasks over two threads, neither of them the caller's.
            let ran = Arc::new(std::sync::Mutex::new(Vec::new()));
            spread(
                vec![client.clone(), client.clone()],
                5,
                {
                    let ran = ran.clone();
                    move |_| {
                        let ran = ran.clone();
                        async move { ran.lock().unwrap().push(std::thread::current().id()) }
                    }
                },
                None,
            )
            .await;
            let ran = ran.lock().unwrap().clone();
            assert_eq!(ran.len(), 5);
            let mut threads = ran.clone();
            threads.sort_by_key(|t| format!("{t:?}"));
            threads.dedup();
            assert_eq!(threads.len(), 2, "{ran:?}");
            assert!(!threads.contains(&std::thread::current().id()));
            // More threads than tasks: one task each, the spare client unused.
            let count = Arc::new(AtomicU64::new(0));
            spread(
                vec![client.clone(); 3],
                1,
                {
                    let count = count.clone();
                    move |_| {
                        let count = count.clone();
                        async move {
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                },
                None,
            )
            .await;
            assert_eq!(count.load(Ordering::Relaxed), 1);
            // Dropped while its tasks wait forever: each is dropped on its thread.
            struct Dropped(Arc<AtomicU64>);
            impl Drop for Dropped {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::Relaxed);
                }
            }
            let dropped = Arc::new(AtomicU64::new(0));
            let forever = spread(
                vec![client.clone(), client.clone()],
                4,
                {
                    let dropped = dropped.clone();
                    move |_| {
                        let guard = Dropped(dropped.clone());
                        async move {
                            let _guard = guard;
                            std::future::pending::<()>().await
                        }
                    }
                },
                None,
            );
            assert!(tokio::time::timeout(Duration::from_millis(50), forever).await.is_err());
            let deadline = Instant::now() + Duration::from_secs(10);
            while dropped.load(Ordering::Relaxed) < 4 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            assert_eq!(dropped.load(Ordering::Relaxed), 4);
            // Told to stop: it returns once every task is dropped, not before.
            let stop = Stop::new();
            let gone = Arc::new(AtomicU64::new(0));
            let stopping = spread(
                vec![client.clone(), client],
                4,
                {
                    let gone = gone.clone();
                    move |_| {
                        let guard = Dropped(gone.clone());
                        async move {
                            let _guard = guard;
                            std::future::pending::<()>().await
                        }
                    }
                },
                Some(stop.clone()),
            );
            tokio::pin!(stopping);
            assert!(tokio::time::timeout(Duration::from_millis(50), &mut stopping)
                .await
                .is_err());
            stop.stop();
            assert!(stop.is_stopped());
            stopping.await;
            assert_eq!(gone.load(Ordering::Relaxed), 4);
        });
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
    fn run_takes_every_job_once_and_stops_when_on_done_refuses() {
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
                move |n: &mut usize, &i: &u32, _: &Prepared, res: Result<Delivery, DeliverError>, _: Duration| {
                    *n += 1;
                    match res {
                        Ok(d) => assert!(
                            d.delivered(),
                            "job {i}: {:?}",
                            d.attempts.last().map(|a| (a.status, &a.error))
                        ),
                        Err(e) => panic!("job {i}: {e}"),
                    }
                    let mut d = done.lock().unwrap();
                    d.push(i);
                    stop_after.is_none_or(|n| d.len() < n)
                }
            };
            // A client per thread, as `clients` makes them: a pooled connection lives on
            // the runtime that opened it, and one thread's runtime ends before the other's.
            let client = || reqwest::Client::builder().build().unwrap();
            // Never told to stop.
            let stop = Stop::new();
            (
                run::<_, usize, _, _, _>(
                    vec![client(), client()],
                    Batch {
                        concurrency: 3,
                        drop_in_flight: true,
                        ..Batch::default()
                    },
                    next,
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
            // Each task counted its own: the counts add up.
            let counts = all.await;
            assert_eq!(counts.iter().sum::<usize>(), 100);
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
    fn backoff_is_bounded_and_honours_retry_after() {
        let p = Policy::default();
        let mut rng = SplitMix64::new(1);
        for r in 1..10 {
            let b = backoff(&p, r, None, &mut rng);
            assert!(b <= p.backoff_max);
            assert!(b <= p.backoff_base * (1 << (r - 1)));
        }
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(3)), &mut rng),
            Duration::from_secs(3)
        );
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(9999)), &mut rng),
            p.retry_after_max
        );
    }

    #[test]
    fn attempts_in_json() {
        let mut a = Attempt {
            attempt: 2,
            method: "POST".into(),
            url: "http://127.0.0.1:1/a?\"b\"".into(),
            status: Some(503),
            error: None,
            duration: Duration::from_micros(1_234_567),
            response_headers: Headers::default(),
            response_body: b"x".to_vec(),
            response_truncated: true,
            retry_in: Some(Duration::from_millis(250)),
        };
        let check = |a: &Attempt, want: &str| assert_eq!(serde_json::to_string(a).unwrap(), want);
        check(
            &a,
            r#"{"attempt":2,"method":"POST","url":"http://127.0.0.1:1/a?\"b\"","status":503,"error":null,"duration_ms":1234.567,"response_truncated":true,"retry_in_ms":250.0}"#,
        );
        a.status = None;
        a.error = Some(AttemptError {
            kind: ErrorKind::Timeout,
            message: "timed out after 1s\n".into(),
        });
        a.retry_in = None;
        a.response_truncated = false;
        a.duration = Duration::from_nanos(1);
        check(
            &a,
            r#"{"attempt":2,"method":"POST","url":"http://127.0.0.1:1/a?\"b\"","status":null,"error":{"kind":"timeout","message":"timed out after 1s\n"},"duration_ms":0.0,"response_truncated":false,"retry_in_ms":null}"#,
        );
    }

    #[test]
    fn urls_read_alike_through_the_per_thread_cache() {
        let a = "http://127.0.0.1:9/hooks?x=1";
        let b = "http://127.0.0.1:9/other";
        for u in [a, a, b, a, b, b] {
            assert_eq!(parsed_url(u), Some(url::Url::parse(u).unwrap()), "{u}");
        }
        assert_eq!(parsed_url("not a url"), None);
        // A URL that does not parse leaves the last one that did in place.
        assert_eq!(parsed_url(b).map(String::from), Some(b.to_string()));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        // The obsolete forms a recipient must accept too (RFC 9110 §5.6.7).
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("Wed Oct 21 07:28:00 2015"), Some(Duration::ZERO));
        let later = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT").unwrap();
        assert!(later > Duration::from_secs(3600 * 24 * 365 * 7000));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn latency_percentiles() {
        let l = Latency::from_micros((1..=100).map(|x| x * 1000).collect());
        assert_eq!(l.p50, 51.0);
        assert_eq!(l.p99, 99.0);
        assert_eq!(l.max, 100.0);
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("http://127.0.0.1:9/x").is_ok());
        assert!(check_url("ftp://x").unwrap_err().to_string().contains("http and https"));
        assert!(check_url("not a url").is_err());
    }
}

/// A prepared request for `event` to `url`: the event's headers, then `extra`
/// (replacing same-named ones), and its Content-Type.
pub fn prepare(event: &super::event::Event, url: &str, extra: &Headers, method: Option<&str>) -> Prepared {
    let mut headers = event.headers.clone();
    if !event.body.is_empty() || event.method != "GET" {
        headers.set("Content-Type", event.content_type.clone());
    }
    for (k, v) in extra.iter() {
        headers.set(k, v.to_string());
    }
    Prepared {
        method: method
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| event.method.clone()),
        url: url.to_string(),
        headers,
        body: bytes::Bytes::from(event.body.clone()),
        exact_values: Vec::new(),
    }
}

/// The headers [`client`] adds to a request that has none of its own (reqwest adds
/// `Accept`; the client's default `User-Agent`), not when relaying, in the order they
/// are sent.
pub const CLIENT_HEADERS: [(&str, &str); 2] = [
    ("Accept", "*/*"),
    ("User-Agent", concat!("hookcat/", env!("CARGO_PKG_VERSION"))),
];

/// `req` with the headers the client would add ([`CLIENT_HEADERS`]) written in, so
/// that what `--dry-run` and `--print curl` show is what is sent.
pub fn add_client_headers(req: &mut Prepared) {
    for (k, v) in CLIENT_HEADERS {
        if !req.headers.contains(k) {
            req.headers.push(k.to_string(), v.to_string());
        }
    }
}

/// The request as it goes on the wire (for `--dry-run`): request line, headers in the
/// order they are sent (the request's, then Host unless it has one, then
/// Content-Length), a blank line, the body.
pub fn wire_format(req: &Prepared) -> Vec<u8> {
    let (host, path) = match url::Url::parse(&req.url) {
        Ok(u) => {
            let host = match u.port() {
                Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
                None => u.host_str().unwrap_or_default().to_string(),
            };
            let mut path = u.path().to_string();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            (host, path)
        }
        Err(_) => (String::new(), req.url.clone()),
    };
    let mut out = format!("{} {path} HTTP/1.1\r\n", req.method);
    for (k, v) in req.headers.iter() {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !req.headers.contains("user-agent") {
        out.push_str(concat!("User-Agent: hookcat/", env!("CARGO_PKG_VERSION"), "\r\n"));
    }
    if !req.headers.contains("host") {
        out.push_str(&format!("Host: {host}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len()));
    let mut b = out.into_bytes();
    b.extend_from_slice(&req.body);
    b
}

#[cfg(test)]
mod more_tests {
    use super::*;

    /// A method that is not an HTTP token fails the attempt; nothing is sent (it used
    /// to go as POST while reported as the method asked for).
    #[test]
    fn a_method_that_is_not_a_token_is_not_sent_as_another() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let req = Prepared {
            method: "PO ST\n".into(),
            url: format!("http://{}/x", l.local_addr().unwrap()),
            headers: Headers::new(),
            body: bytes::Bytes::new(),
            exact_values: Vec::new(),
        };
        let policy = Policy {
            timeout: Duration::from_secs(1),
            ..Policy::default()
        };
        let a = rt.block_on(attempt_once(&reqwest::Client::new(), &req, 1, &policy));
        assert_eq!(a.status, None);
        let e = a.error.expect("an error");
        assert!(e.message.contains("not an HTTP method"), "{}", e.message);
        assert!(l.accept().is_err(), "a connection was made");
    }

    /// Exact bytes stand for the first unused header of their name and text.
    #[test]
    fn exact_values_stand_for_their_text() {
        let exact = vec![("x-a".to_string(), vec![0xff]), ("x-a".to_string(), vec![0xfe, b'b'])];
        let mut used = vec![false; 2];
        assert_eq!(
            exact_value(&exact, &mut used, "X-A", "\u{fffd}b"),
            Some(&[0xfe, b'b'][..])
        );
        assert_eq!(exact_value(&exact, &mut used, "x-a", "plain"), None);
        assert_eq!(exact_value(&exact, &mut used, "x-b", "\u{fffd}"), None);
        assert_eq!(exact_value(&exact, &mut used, "x-a", "\u{fffd}"), Some(&[0xff][..]));
        assert_eq!(exact_value(&exact, &mut used, "x-a", "\u{fffd}"), None);
    }

    #[test]
    fn wire_format_is_http() {
        let req = Prepared {
            method: "POST".into(),
            url: "http://127.0.0.1:9000/h?x=1".into(),
            headers: Headers(vec![("X-A".into(), "1".into())]),
            body: bytes::Bytes::from_static(b"hi"),
            exact_values: Vec::new(),
        };
        let w = String::from_utf8(wire_format(&req)).unwrap();
        assert!(
            w.starts_with(concat!(
                "POST /h?x=1 HTTP/1.1\r\nX-A: 1\r\nUser-Agent: hookcat/",
                env!("CARGO_PKG_VERSION"),
                "\r\nHost: 127.0.0.1:9000\r\n"
            )),
            "{w}"
        );
        assert!(w.ends_with("Content-Length: 2\r\n\r\nhi"));
    }
}
