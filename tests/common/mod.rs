//! Test helpers: hookcat run in-process on buffers ([`run`]), the hookcat binary with
//! a clean environment for what needs a real process, a recording receiver on
//! 127.0.0.1:0, `spawn_listen`, which reads the listener's announced address from
//! its first stderr line, [`listen`], a listener whose output is drained as it comes
//! ([`Running`]), and raw HTTP over TCP ([`request`], [`post`], [`connect`]).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The variables hookcat reads, removed so the machine's settings cannot leak in.
const ENV: &[&str] = &[
    "NO_COLOR",
    "TERM",
    "HOOKCAT_DATA_DIR",
    "HOOKCAT_CONFIG_DIR",
    "HOOKCAT_URL",
    "HOOKCAT_SCHEME",
    "HOOKCAT_TIMEOUT",
    "HOOKCAT_RETRIES",
    "EDITOR",
    "VISUAL",
];

/// A command run in-process: its exit code and what it wrote.
#[derive(Debug)]
pub struct Ran {
    pub code: u8,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Ran {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Stdout as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\nstderr: {}", self.out(), self.err()))
    }

    /// Asserts the exit code, showing both streams when it is another.
    #[track_caller]
    pub fn code(&self, code: u8) -> &Ran {
        assert_eq!(
            self.code,
            code,
            "exit {} (wanted {code})\nstdout: {}\nstderr: {}",
            self.code,
            self.out(),
            self.err()
        );
        self
    }
}

/// `hookcat ARGS` run in-process ([`hookcat::run`]) with `stdin` as its input and
/// buffers as its stdout and stderr, which are not terminals. The process's environment
/// is not cleared: pass secrets with `--secret=VALUE` or `--secret-file`, not
/// `--secret-env`, and use [`hookcat_in`] for what reads `HOOKCAT_*`.
pub fn run(args: &[&str], stdin: &[u8]) -> Ran {
    // The command line reads these through clap: set in the test process, they would
    // change what the in-process runs do.
    for v in ["HOOKCAT_URL", "HOOKCAT_SCHEME", "HOOKCAT_TIMEOUT", "HOOKCAT_RETRIES"] {
        assert!(
            std::env::var_os(v).is_none(),
            "unset {v}: the in-process tests share the test process's environment"
        );
    }
    let (out, err) = (hookcat::output::Buffer::default(), hookcat::output::Buffer::default());
    let io = hookcat::output::Io::new(std::io::Cursor::new(stdin.to_vec()), out.clone(), err.clone());
    let code = hookcat::run(std::iter::once("hookcat").chain(args.iter().copied()), io);
    Ran {
        code,
        stdout: out.contents(),
        stderr: err.contents(),
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hookcat"))
}

/// `hookcat` with a clean environment and its data directory in `data`.
pub fn hookcat_in(data: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(bin());
    for v in ENV {
        c.env_remove(v);
    }
    c.env("HOOKCAT_DATA_DIR", data);
    // A developer's own ~/.config/hookcat must not leak into the tests.
    c.env("HOOKCAT_CONFIG_DIR", data.join("config"));
    c
}

/// `hookcat` with a clean environment and a throwaway data directory.
pub fn hookcat() -> assert_cmd::Command {
    let dir = std::env::temp_dir().join(format!("hookcat-test-{}", std::process::id()));
    hookcat_in(&dir)
}

/// A std `Command` for long-running processes (listen).
pub fn hookcat_std(data: &Path) -> Command {
    let mut c = Command::new(bin());
    for v in ENV {
        c.env_remove(v);
    }
    c.env("HOOKCAT_DATA_DIR", data);
    c.env("HOOKCAT_CONFIG_DIR", data.join("config"));
    c
}

/// The first value of header `name` (any case) in `headers`.
pub fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }
}

/// A real axum server on 127.0.0.1:0 that records every request and answers the
/// statuses given in turn (the last one forever; 200 when none).
pub struct Receiver {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    _rt: tokio::runtime::Runtime,
}

impl Receiver {
    pub fn start(statuses: Vec<u16>) -> Receiver {
        Self::start_with(statuses, Vec::new())
    }

    /// `headers` are added to every answer (e.g. Retry-After).
    pub fn start_with(statuses: Vec<u16>, headers: Vec<(String, String)>) -> Receiver {
        let server = serve(None, move |n, _| {
            let status = statuses.get(n).or(statuses.last()).copied().unwrap_or(200);
            let mut h = vec![("content-type".to_string(), "application/json".to_string())];
            h.extend(headers.iter().cloned());
            (status, h, format!("{{\"n\":{n}}}").into_bytes())
        });
        Receiver {
            url: server.url,
            requests: server.requests,
            _rt: server.rt,
        }
    }

    pub fn got(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// A server's answer: status, headers (each set, replacing one of the same name) and body.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// A real axum server on 127.0.0.1:0 (see [`serve`]).
pub struct Server {
    pub url: String,
    /// Every request, in the order they arrived.
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    pub rt: tokio::runtime::Runtime,
}

/// Starts a server on 127.0.0.1:0 that records each request as it arrives and answers
/// what `reply` decides from it and its index (0 for the first); with a `gate`, each
/// answer waits for one of its permits (or forever).
pub fn serve(
    gate: Option<Arc<tokio::sync::Semaphore>>,
    reply: impl Fn(usize, &Recorded) -> Answer + Send + Sync + 'static,
) -> Server {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, HeaderName, Method, StatusCode, Uri};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let (reqs, reply) = (requests.clone(), Arc::new(reply));
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, hm: HeaderMap, body: Bytes| {
        let (reqs, gate, reply) = (reqs.clone(), gate.clone(), reply.clone());
        async move {
            let r = Recorded {
                method: method.to_string(),
                path: uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
                headers: hm
                    .iter()
                    .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect(),
                body: body.to_vec(),
            };
            let n = {
                let mut all = reqs.lock().unwrap();
                all.push(r.clone());
                all.len() - 1
            };
            if let Some(g) = gate {
                g.acquire().await.unwrap().forget();
            }
            let (status, headers, body) = reply(n, &r);
            let mut resp = axum::response::Response::new(axum::body::Body::from(body));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap();
            for (k, v) in headers {
                resp.headers_mut()
                    .insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
            }
            resp
        }
    });
    rt.spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server {
        url: format!("http://{addr}"),
        requests,
        rt,
    }
}

/// Whether the shell finds `cmd` (a tool a test needs, such as `curl` or `script`).
pub fn have(cmd: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A running `hookcat listen`.
pub struct Listen {
    pub child: Child,
    pub url: String,
    pub stderr: BufReader<ChildStderr>,
    /// The first stderr line and everything read from stderr since.
    pub banner: Vec<String>,
}

impl Listen {
    /// Stops it with SIGINT (as Ctrl-C), waits, and returns (exit code, stdout, rest of stderr).
    pub fn stop(self) -> (Option<i32>, String, String) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        self.finish()
    }

    /// Waits for it to exit by itself.
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        let mut out = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            o.read_to_string(&mut out).unwrap();
        }
        let mut err = self.banner.join("\n");
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        err.push('\n');
        err.push_str(&rest);
        let status = self.child.wait().unwrap();
        (status.code(), out, err)
    }
}

/// Starts `hookcat listen --port 0 ARGS`, reads the address it announces on its first
/// stderr line (no sleeping, no guessing a free port).
pub fn spawn_listen(data: &Path, args: &[&str]) -> Listen {
    spawn_listen_env(data, &[], args)
}

/// [`spawn_listen`] with environment variables (for `--secret-env`).
pub fn spawn_listen_env(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Listen {
    let mut child = hookcat_std(data)
        .arg("listen")
        .args(["--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hookcat listen");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = match first.trim().strip_prefix("Listening on ") {
        Some(u) => u.to_string(),
        None => {
            let _ = child.kill();
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            panic!("unexpected first stderr line: {first:?}{rest}");
        }
    };
    Listen {
        child,
        url,
        stderr,
        banner: vec![first.trim().to_string()],
    }
}

/// A temporary directory kept for the test's life.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Polls `f` until true or the deadline (for things that complete asynchronously).
pub fn wait_for(mut f: impl FnMut() -> bool, within: Duration) -> bool {
    let end = std::time::Instant::now() + within;
    while std::time::Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}

/// Writes one HTTP/1.1 request (`Connection: close`) over a plain socket to `base`
/// (`http://host:port`) and returns the answer's status.
pub fn raw_send(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let headers: Vec<(&str, &[u8])> = headers.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
    raw_send_bytes(base, method, path.as_bytes(), &headers, body)
}

/// [`raw_send`] with the path and header values as bytes, sent as given (not UTF-8,
/// control bytes: what a hostile client writes).
pub fn raw_send_bytes(base: &str, method: &str, path: &[u8], headers: &[(&str, &[u8])], body: &[u8]) -> u16 {
    use std::io::Write;
    let addr = base.strip_prefix("http://").unwrap_or(base);
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut head = Vec::new();
    head.extend_from_slice(method.as_bytes());
    head.push(b' ');
    head.extend_from_slice(path);
    head.extend_from_slice(
        format!(
            " HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        )
        .as_bytes(),
    );
    for (k, v) in headers {
        head.extend_from_slice(k.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(v);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    s.write_all(&head).unwrap();
    s.write_all(body).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"))
}

/// A request for [`capture`]: method, path, headers, body.
pub type Request<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Vec<u8>);

/// Runs `hookcat listen --quiet --expect N ARGS`, sends the N requests one after the
/// other, and waits for it to exit by itself once every one is in its log.
pub fn capture(data: &Path, args: &[&str], reqs: &[Request]) {
    let n = reqs.len().to_string();
    let mut full = vec!["--quiet", "--expect", n.as_str()];
    full.extend_from_slice(args);
    let l = spawn_listen(data, &full);
    for (method, path, headers, body) in reqs {
        raw_send(&l.url, method, path, headers, body);
    }
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "listen: {err}");
}

/// The JSON lines of a file (a capture log), none when it does not exist.
pub fn log_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `hookcat send --json` output: the attempt lines and the summary.
pub fn attempts_and_summary(stdout: &[u8]) -> (Vec<serde_json::Value>, serde_json::Value) {
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a non-JSON line on stdout ({e}): {l}")))
        .collect();
    let summary = lines
        .iter()
        .find(|v| v["type"] == "summary")
        .cloned()
        .expect("a summary line");
    (lines.into_iter().filter(|v| v["type"] == "attempt").collect(), summary)
}

/// Writes `bytes` to `dir/name` and returns the path as text.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// How long a test waits for something that should take milliseconds.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running `hookcat listen` whose stdout and stderr are drained as they come (so
/// that a test can wait for a line, and thousands of requests never fill a pipe),
/// killed if the test fails before stopping it.
pub struct Running {
    child: Option<Child>,
    /// `http://host:port`, as announced.
    pub url: String,
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// Starts `hookcat listen --port 0 ARGS` ([`spawn_listen`]) and drains its output.
pub fn listen(data: &Path, args: &[&str]) -> Running {
    listen_env(data, &[], args)
}

/// [`listen`] with environment variables (for `--secret-env`).
pub fn listen_env(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Running {
    let mut l = spawn_listen_env(data, env, args);
    let out = Arc::new(Mutex::new(Vec::new()));
    let err = Arc::new(Mutex::new((l.banner.join("\n") + "\n").into_bytes()));
    let readers = vec![
        drain(l.child.stdout.take().expect("stdout is piped"), out.clone()),
        drain(l.stderr, err.clone()),
    ];
    Running {
        child: Some(l.child),
        url: l.url,
        out,
        err,
        readers,
    }
}

fn drain(mut r: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    })
}

impl Running {
    /// `host:port`.
    pub fn addr(&self) -> String {
        host_port(&self.url)
    }

    /// Everything printed to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// Everything printed to stderr so far, the announcing line first.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.err.lock().unwrap()).into_owned()
    }

    /// The stdout lines printed so far.
    pub fn lines(&self) -> Vec<String> {
        self.stdout().lines().map(str::to_string).collect()
    }

    /// The `--json` lines of this `type` printed so far.
    pub fn of_type(&self, kind: &str) -> Vec<serde_json::Value> {
        self.lines()
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["type"] == kind)
            .collect()
    }

    /// Waits until `n` `--json` lines of this `type` were printed.
    pub fn wait_type(&self, kind: &str, n: usize) -> Vec<serde_json::Value> {
        assert!(
            wait_for(|| self.of_type(kind).len() >= n, PATIENCE),
            "expected {n} `{kind}` lines, got these lines: {:#?}\nstderr: {}",
            self.lines(),
            self.stderr()
        );
        self.of_type(kind)
    }

    /// The `"type": "request"` lines printed so far (with `--json`).
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.of_type("request")
    }

    /// Waits until `n` records were printed (with `--json`).
    pub fn wait_records(&self, n: usize) -> Vec<serde_json::Value> {
        self.wait_type("request", n)
    }

    /// Sends a signal (`-INT`, `-TERM`, ...) and waits (bounded) for the exit;
    /// returns (exit code, stdout, stderr).
    pub fn signal(mut self, sig: &str) -> (Option<i32>, String, String) {
        let child = self.child.as_ref().unwrap();
        let _ = Command::new("kill").args([sig, &child.id().to_string()]).status();
        self.wait(&format!("after {sig}"))
    }

    /// Ctrl-C (SIGINT); returns (exit code, stdout, stderr).
    pub fn stop(self) -> (Option<i32>, String, String) {
        self.signal("-INT")
    }

    /// Waits (bounded) for it to exit by itself; returns (exit code, stdout, stderr).
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        self.wait("by itself")
    }

    fn wait(&mut self, how: &str) -> (Option<i32>, String, String) {
        let mut child = self.child.take().unwrap();
        let exited = wait_for(|| child.try_wait().unwrap().is_some(), Duration::from_secs(30));
        if !exited {
            let _ = child.kill();
        }
        let status = child.wait().unwrap();
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        assert!(exited, "the listener did not exit {how}: {}", self.stderr());
        (status.code(), self.stdout(), self.stderr())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `host:port` of `http://host:port/` (or of `host:port` itself).
pub fn host_port(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).trim_end_matches('/').to_string()
}

/// A connection to the listener at `url` (or `host:port`), with read and write
/// timeouts of [`PATIENCE`]; fails the test when it cannot connect.
pub fn connect(url: &str) -> TcpStream {
    try_connect(url).expect("connect to the listener")
}

/// [`connect`], for a client that may find the listener gone.
pub fn try_connect(url: &str) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect(host_port(url))?;
    s.set_read_timeout(Some(PATIENCE))?;
    s.set_write_timeout(Some(PATIENCE))?;
    Ok(s)
}

/// Reads until the peer closes. A reset counts as closed; a read timeout fails the test.
pub fn read_to_close(s: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                panic!(
                    "the listener neither answered nor closed the connection (got {} bytes)",
                    got.len()
                )
            }
            Err(_) => return got,
        }
    }
}

/// Writes `request` over a fresh connection and reads until the listener closes it.
pub fn raw(url: &str, request: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut s = connect(url);
    s.write_all(request).unwrap();
    read_to_close(&mut s)
}

/// An HTTP answer read off a socket.
pub struct RawResponse {
    pub status: u16,
    /// Names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }
}

/// A whole answer: its head, and everything after it as the body.
pub fn parse_response(bytes: &[u8]) -> RawResponse {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete HTTP response in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// A simple request over raw TCP, `Connection: close`.
pub fn request(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> RawResponse {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", host_port(url));
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    parse_response(&raw(url, &bytes))
}

/// A JSON `body` POSTed to `path` over a fresh connection (`Connection: close`).
pub fn post_to(url: &str, path: &str, body: &[u8]) -> RawResponse {
    request(url, "POST", path, &[("Content-Type", "application/json")], body)
}

/// [`post_to`] `/hook`.
pub fn post(url: &str, body: &[u8]) -> RawResponse {
    post_to(url, "/hook", body)
}
