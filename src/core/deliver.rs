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
use super::scheme::{Scheme, SignParams, Signed};
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

/// Why an attempt got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Refused,
    Dns,
    Tls,
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
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Other => "request failed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptError {
    pub kind: ErrorKind,
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
}

/// Checks a URL before anything is sent.
pub fn check_url(url: &str) -> Result<url::Url, DeliverError> {
    let u = url::Url::parse(url).map_err(|e| DeliverError::BadUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(DeliverError::BadUrl {
            url: url.to_string(),
            reason: "only http and https URLs can be sent to".into(),
        });
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(DeliverError::BadUrl {
            url: url.to_string(),
            reason: "no host".into(),
        });
    }
    Ok(u)
}

/// The HTTP client. Built once per process; TLS roots are loaded only for https.
pub fn client(o: &ClientOptions) -> Result<reqwest::Client, DeliverError> {
    let mut b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if !o.relay {
        b = b.user_agent(concat!("hookcat/", env!("CARGO_PKG_VERSION")));
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

fn classify(e: &reqwest::Error) -> AttemptError {
    let mut chain = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(e);
    let mut refused = false;
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
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
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if refused || lower.contains("connection refused") {
        ErrorKind::Refused
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
    {
        ErrorKind::Dns
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
    let message = if kind == ErrorKind::Other {
        chain
    } else {
        format!("{} ({})", inner, e.url().map(|u| u.as_str()).unwrap_or(""))
    };
    AttemptError { kind, message }
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
                a.error = Some(classify(&e));
            }
        }
        Err(_) => {
            if a.status.is_some() {
                a.response_truncated = true;
            } else {
                a.error = Some(AttemptError {
                    kind: ErrorKind::Timeout,
                    message: format!("no answer within {:?}", policy.timeout),
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
    pub sent: u64,
    pub ok_2xx: u64,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<String, u64>,
    pub latency_ms: Latency,
    pub elapsed_s: f64,
    pub requests_per_sec: f64,
    pub interrupted: bool,
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

/// Progress shared with the caller while a load runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub stop: AtomicBool,
}

/// Runs `tasks` delivering tasks, `task(client)` each, spread over one thread per client
/// with a single-threaded runtime of its own: a task and its connections stay on one
/// thread, nothing is stolen between threads, and no thread wakes another for I/O.
/// (On a shared two-core machine under load, a work-stealing runtime measured up to 40%
/// more CPU time for the same requests: BENCHMARKS.md.) Returns when every task is
/// done, or, once `stop` turns true, when every thread has dropped its tasks (Ctrl-C):
/// nothing of theirs runs after. Dropping the returned future stops them too, without
/// waiting. A runtime that cannot be made leaves its share to the others (to the
/// caller's runtime, with the first client, when none can be). Without a client,
/// nothing runs.
pub async fn spread<F, Fut>(
    clients: Vec<reqwest::Client>,
    tasks: usize,
    task: F,
    stop: tokio::sync::watch::Receiver<bool>,
) where
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
    // Until `stop` turns true (never, once its sender is gone).
    let stopped = |mut stop: tokio::sync::watch::Receiver<bool>| async move {
        if stop.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    if runtimes.is_empty() {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..tasks {
            set.spawn(task(first.clone()));
        }
        tokio::select! {
            _ = async { while set.join_next().await.is_some() {} } => {}
            _ = stopped(stop) => {}
        }
        return;
    }
    let (cancel, cancelled) = tokio::sync::watch::channel(false);
    // Each thread holds a sender: `recv` gives `None` once all have finished.
    let (finished, mut all_finished) = tokio::sync::mpsc::channel::<()>(1);
    let threads = runtimes.len();
    for (t, (rt, client)) in runtimes.into_iter().enumerate() {
        let share = tasks / threads + usize::from(t < tasks % threads);
        let (task, mut cancelled, stop, finished) = (task.clone(), cancelled.clone(), stop.clone(), finished.clone());
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

/// Sends `make(i)` for i in 0..count with `concurrency` requests in flight, each
/// delivered (and re-signed) by [`deliver`], the tasks [`spread`] over a thread per
/// client. Stops early when `progress.stop` is set.
pub async fn load<F>(
    clients: Vec<reqwest::Client>,
    make: F,
    signer: Option<Arc<Signer>>,
    policy: Policy,
    load: Load,
    progress: Arc<Progress>,
) -> LoadSummary
where
    F: Fn(u64) -> Prepared + Send + Sync + 'static,
{
    type Counts = (Vec<u64>, BTreeMap<u16, u64>, BTreeMap<String, u64>, u64);
    let make = Arc::new(make);
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let interval = load.rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
    let policy = Arc::new(policy);
    let count = load.count;
    // Each task's counts, merged once all are done.
    let counted: Arc<std::sync::Mutex<Vec<Counts>>> = Arc::default();
    // (Ctrl-C stops the tasks between requests, through `progress.stop`.)
    let (_never, stop) = tokio::sync::watch::channel(false);
    spread(
        clients,
        load.concurrency.max(1),
        {
            let (counted, progress) = (counted.clone(), progress.clone());
            move |client| {
                let (make, next, signer, policy, progress, counted) = (
                    make.clone(),
                    next.clone(),
                    signer.clone(),
                    policy.clone(),
                    progress.clone(),
                    counted.clone(),
                );
                async move {
                    let mut lat = Vec::new();
                    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
                    let mut sent = 0u64;
                    loop {
                        if progress.stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        if let Some(iv) = interval {
                            let due = start + iv.mul_f64(i as f64);
                            tokio::time::sleep_until(due.into()).await;
                        }
                        let req = make(i);
                        let t = Instant::now();
                        let d = match deliver(&client, &req, signer.as_deref(), &policy, |_| {}).await {
                            Ok(d) => d,
                            Err(e) => {
                                *errors.entry(e.to_string()).or_default() += 1;
                                progress.done.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                        };
                        lat.push(t.elapsed().as_micros() as u64);
                        sent += 1;
                        let last = d.attempts.last().expect("at least one attempt");
                        match (last.status, &last.error) {
                            (Some(s), _) => *statuses.entry(s).or_default() += 1,
                            (None, Some(e)) => *errors.entry(e.kind.label().to_string()).or_default() += 1,
                            _ => {}
                        }
                        progress.done.fetch_add(1, Ordering::Relaxed);
                    }
                    counted
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((lat, statuses, errors, sent));
                }
            }
        },
        stop,
    )
    .await;
    let mut lat = Vec::new();
    let mut statuses = BTreeMap::new();
    let mut errors = BTreeMap::new();
    let mut sent = 0;
    for (l, s, e, n) in std::mem::take(&mut *counted.lock().unwrap_or_else(|e| e.into_inner())) {
        lat.extend(l);
        sent += n;
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
        for (k, v) in e {
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
        ok_2xx,
        statuses,
        errors,
        latency_ms: Latency::from_micros(lat),
        elapsed_s: elapsed,
        requests_per_sec: if elapsed > 0.0 { sent as f64 / elapsed } else { 0.0 },
        interrupted: progress.stop.load(Ordering::Relaxed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_runs_every_task_on_its_threads_and_stops_them_when_told_or_dropped() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = reqwest::Client::new();
        rt.block_on(async {
            // Five tasks over two threads, neither of them the caller's.
            let (_keep, running) = tokio::sync::watch::channel(false);
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
                running.clone(),
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
                running.clone(),
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
                running.clone(),
            );
            assert!(tokio::time::timeout(Duration::from_millis(50), forever).await.is_err());
            let deadline = Instant::now() + Duration::from_secs(10);
            while dropped.load(Ordering::Relaxed) < 4 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            assert_eq!(dropped.load(Ordering::Relaxed), 4);
            // Told to stop: it returns once every task is dropped, not before.
            let (stop, told) = tokio::sync::watch::channel(false);
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
                told,
            );
            tokio::pin!(stopping);
            assert!(tokio::time::timeout(Duration::from_millis(50), &mut stopping)
                .await
                .is_err());
            stop.send_replace(true);
            stopping.await;
            assert_eq!(gone.load(Ordering::Relaxed), 4);
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
        assert!(check_url("ftp://x").unwrap_err().to_string().contains("only http"));
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

/// Puts signature fields that live in the body (Mailgun's `signature` object, or
/// top-level form fields) into it.
pub fn apply_body_fields(body: &[u8], fields: &[(String, String)]) -> Vec<u8> {
    if fields.is_empty() {
        return body.to_vec();
    }
    if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(obj) = v.as_object_mut() {
            let sig = obj.entry("signature").or_insert_with(|| serde_json::json!({}));
            if let Some(s) = sig.as_object_mut() {
                for (k, val) in fields {
                    s.insert(k.clone(), serde_json::Value::String(val.clone()));
                }
            }
            return serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec());
        }
    }
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for (k, val) in fields {
        match pairs.iter_mut().find(|(pk, _)| pk == k) {
            Some(p) => p.1 = val.clone(),
            None => pairs.push((k.clone(), val.clone())),
        }
    }
    let mut enc = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        enc.append_pair(k, v);
    }
    enc.finish().into_bytes()
}

/// The request as it goes on the wire (for `--dry-run`): request line, headers
/// (Host, Content-Length and the default User-Agent included), a blank line, the body.
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
    let mut out = format!("{} {path} HTTP/1.1\r\nHost: {host}\r\n", req.method);
    for (k, v) in req.headers.iter() {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !req.headers.contains("user-agent") {
        out.push_str(concat!("User-Agent: hookcat/", env!("CARGO_PKG_VERSION"), "\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len()));
    let mut b = out.into_bytes();
    b.extend_from_slice(&req.body);
    b
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn mailgun_fields_go_into_the_body() {
        let b = apply_body_fields(
            br#"{"signature":{"timestamp":"1","token":"t","signature":""},"x":1}"#,
            &[("signature".into(), "abc".into())],
        );
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["signature"]["signature"], "abc");
        assert_eq!(v["x"], 1);
        let f = apply_body_fields(
            b"a=1&signature=",
            &[("signature".into(), "s".into()), ("token".into(), "t".into())],
        );
        assert_eq!(f, b"a=1&signature=s&token=t");
    }

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
            w.starts_with("POST /h?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nX-A: 1\r\n"),
            "{w}"
        );
        assert!(w.ends_with("Content-Length: 2\r\n\r\nhi"));
    }
}
