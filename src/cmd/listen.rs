//! `hookcat listen`: a local capture listener. Turns the flags into a
//! [`ServerConfig`], starts the core's server, and renders each request as it comes:
//! a summary line and the body on stdout (or one JSON line with `--json`); the
//! banner, warnings and the closing summary on stderr.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use tokio::sync::mpsc;

use crate::cli::ListenArgs;
use crate::core::capture::default_log_path;
use crate::core::scheme::lookup;
use crate::core::server::{Behaviour, Captured, SchemeChoice, Server, ServerConfig, ServerEvent, VerifyConfig};
use crate::core::units::format_size;
use crate::exit::{hinted, Outcome};
use crate::output::{capture_lines, json_safe_bytes, sanitize_line, CaptureView, Io, Output};

/// The validated configuration plus what the command itself needs.
pub struct Plan {
    pub bind: String,
    pub server: ServerConfig,
    pub expect: Option<u64>,
    pub timeout: Option<Duration>,
    pub redact: Vec<String>,
    pub tls_info: Option<(std::path::PathBuf, String)>,
}

pub fn plan(a: &ListenArgs) -> anyhow::Result<Plan> {
    let mut cfg = ServerConfig::default();
    let secret = super::common::secret(&a.secret)?;
    cfg.verify = match (&a.scheme, secret) {
        // A secret without --scheme detects the scheme per request, as `auto` does.
        (name, Some(secret)) => Some(VerifyConfig {
            scheme: match name.as_deref() {
                None | Some("auto") => SchemeChoice::Auto(super::common::generic(&a.generic)),
                Some(n) => SchemeChoice::Fixed(lookup(n, &super::common::generic(&a.generic))?),
            },
            secret,
            public_url: a.public_url.clone(),
            reject_invalid: a.reject_invalid,
            tolerance: None,
        }),
        (Some(name), None) => {
            return Err(hinted(
                format!("verifying with --scheme {name} needs a secret"),
                "add --secret-env VAR, --secret-file PATH or --secret VALUE",
            ))
        }
        (None, None) if a.reject_invalid => {
            return Err(hinted(
                "--reject-invalid needs --scheme and a secret",
                "add --scheme NAME --secret-env VAR",
            ))
        }
        (None, None) => None,
    };
    if a.hang && a.drop {
        anyhow::bail!("--hang and --drop cannot both be used: one never answers, the other closes at once");
    }
    let body = match &a.body {
        Some(b) if b.starts_with('@') => {
            let p = &b[1..];
            Some(Bytes::from(
                std::fs::read(p).with_context(|| format!("reading --body file `{p}`"))?,
            ))
        }
        Some(b) => Some(Bytes::from(b.clone())),
        None => None,
    };
    cfg.behaviour = Behaviour {
        status: a.status,
        body,
        headers: a.response_headers.clone(),
        delay: a.delay,
        fail_first: a.fail_first.unwrap_or(0),
        fail_rate: a.fail_rate,
        seed: a.seed,
        status_sequence: a.status_sequence.clone(),
        retry_after: a.retry_after,
        hang: a.hang,
        drop: a.drop,
    };
    cfg.forward_to = a.forward_to.clone();
    cfg.forward_timeout = a.forward_timeout;
    cfg.rewrite_host = a.rewrite_host;
    cfg.handshake = !a.no_handshake;
    cfg.header_timeout = a.header_timeout;
    cfg.body_timeout = a.body_timeout;
    cfg.max_body = a.max_body.0;
    cfg.max_inflight = a.max_inflight.0;
    if cfg.max_inflight == 0 {
        anyhow::bail!("invalid --max-inflight 0: no body could ever be received");
    }
    cfg.inflight_wait = a.inflight_wait;
    cfg.allow = a.allow_ip.clone();
    cfg.rate_limit = a.rate_limit.map(|r| r.per_second());
    let mut redact = Vec::new();
    for (n, v) in &a.require_header {
        redact.push(n.clone());
        cfg.require_headers.push((n.clone(), v.clone()));
    }
    cfg.save = if a.no_save {
        None
    } else {
        Some(a.save.clone().unwrap_or_else(default_log_path))
    };
    cfg.fsync = a.fsync;
    if a.ui && cfg.save.is_none() {
        return Err(hinted(
            "--ui shows the capture log, and --no-save keeps none",
            "drop --no-save (or save to a file of your own with --save PATH)",
        ));
    }
    let mut tls_info = None;
    if a.tls || a.cert.is_some() {
        let setup = match (&a.cert, &a.key) {
            (Some(c), Some(k)) => crate::core::tls::from_files(c, k)?,
            _ => crate::core::tls::self_signed(&crate::core::capture::data_dir())?,
        };
        tls_info = Some((setup.cert_path.clone(), setup.fingerprint.clone()));
        cfg.tls = Some(setup.acceptor);
    }
    let host = if a.host.contains(':') && !a.host.starts_with('[') {
        format!("[{}]", a.host)
    } else {
        a.host.clone()
    };
    let expect = if a.once { Some(1) } else { a.expect };
    let timeout = a.timeout;
    if timeout.is_some() && expect.is_none() {
        anyhow::bail!("--timeout goes with --expect N or --once");
    }
    Ok(Plan {
        bind: format!("{host}:{}", a.port),
        server: cfg,
        expect,
        timeout,
        redact,
        tls_info,
    })
}

/// Bodies over this size are shown as the start of their text, not parsed and
/// indented (unless `-v` asks for every line): parsing a large JSON body to show 60
/// lines of it would take seconds and many times the body's size in memory.
const PREVIEW_OVER: usize = 1 << 20;
/// How much of such a body is shown.
const PREVIEW_BYTES: usize = 16 * 1024;

/// The first `n` bytes of a record's body (about `n` for a binary one), decoded.
fn body_head(r: &crate::core::capture::CaptureRecord, n: usize) -> Vec<u8> {
    use base64::Engine;
    match r.body_encoding {
        crate::core::capture::BodyEncoding::Utf8 => {
            let mut end = n.min(r.body.len());
            while !r.body.is_char_boundary(end) {
                end -= 1;
            }
            r.body.as_bytes()[..end].to_vec()
        }
        crate::core::capture::BodyEncoding::Base64 => {
            let end = (n / 3 * 4).min(r.body.len() / 4 * 4);
            base64::engine::general_purpose::STANDARD
                .decode(&r.body.as_bytes()[..end])
                .unwrap_or_default()
        }
    }
}

/// Counts for the closing summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub requests: u64,
    pub valid: u64,
    pub invalid: u64,
    pub save_errors: u64,
    /// Requests not saved since the last one saved.
    pub unsaved_in_a_row: u64,
    /// Requests refused by --allow-ip (not saved, not counted in `requests`).
    pub refused: u64,
}

/// Renders server events as they come: requests on `stdout` (buffered: the caller
/// flushes after each batch), warnings on `stderr`; counts them in `tally`.
pub struct Renderer<'a> {
    pub out: &'a Output,
    pub json: bool,
    pub view: CaptureView,
    pub redact: Vec<String>,
    pub tally: Tally,
    pub stdout: std::io::BufWriter<&'a mut (dyn Write + Send)>,
    pub stderr: &'a mut (dyn Write + Send),
    /// How to reproduce the listener's verdict with `hookcat verify`, shown when an
    /// app refuses a request whose signature was valid.
    pub reproduce: Option<Reproduce>,
}

/// What the `hookcat verify` command that reproduces a listener's verdict needs.
#[derive(Debug, Clone)]
pub struct Reproduce {
    /// The secret flag, as the listener was given it (never the secret itself).
    pub secret_flag: String,
    /// The capture log, when not the default one; `None` in `saved` means the default.
    pub log: Option<std::path::PathBuf>,
    /// Whether requests are saved at all.
    pub saved: bool,
}

impl Reproduce {
    pub fn new(a: &ListenArgs, save: Option<&std::path::Path>) -> Reproduce {
        let secret_flag = match (&a.secret.secret_env, &a.secret.secret_file) {
            (Some(v), _) => format!("--secret-env {}", crate::core::export::shell_quote(v)),
            (None, Some(f)) => format!(
                "--secret-file {}",
                crate::core::export::shell_quote(&f.display().to_string())
            ),
            // A secret given as a value is not repeated.
            _ => "--secret-env VAR".into(),
        };
        Reproduce {
            secret_flag,
            log: save
                .filter(|p| *p != default_log_path())
                .map(std::path::Path::to_path_buf),
            saved: save.is_some(),
        }
    }
}

impl<'a> Renderer<'a> {
    /// A renderer writing to the streams of `io`, with nothing counted yet.
    pub fn new(out: &'a Output, io: &'a mut Io, json: bool, view: CaptureView, redact: Vec<String>) -> Self {
        Renderer {
            out,
            json,
            view,
            redact,
            tally: Tally::default(),
            stdout: std::io::BufWriter::with_capacity(64 * 1024, &mut *io.stdout),
            stderr: &mut *io.stderr,
            reproduce: None,
        }
    }

    pub fn event(&mut self, ev: ServerEvent) -> std::io::Result<()> {
        match ev {
            ServerEvent::Request(c) => self.request(*c),
            ServerEvent::Forwarding {
                received_at,
                method,
                path,
                body_len,
                url,
            } => {
                // The request now; the app's answer with its record, when it comes.
                if self.json {
                    return Ok(());
                }
                let p = &self.out.out;
                writeln!(
                    self.stdout,
                    "{} {} {} {} {} {}",
                    p.dim(received_at.get(11..19).unwrap_or(&received_at)),
                    p.bold(&sanitize_line(&method)),
                    sanitize_line(&path),
                    p.dim(&format_size(body_len as u64)),
                    p.magenta("⇢ forwarding to"),
                    sanitize_line(&url),
                )
            }
            ServerEvent::ConnectionError { remote, message } => {
                // Talk, not data: on stderr even with --json, whose stdout has only requests.
                let _ = writeln!(
                    self.stderr,
                    "{} {remote}: {}",
                    self.out.err.yellow("connection:"),
                    sanitize_line(&message)
                );
                Ok(())
            }
            ServerEvent::TornLog { path, len } => {
                let _ = writeln!(
                    self.stderr,
                    "{} the capture log {} ended with a torn record (no newline after its last {len} bytes, \
                     e.g. after a crash): new records start on the next line",
                    self.out.err.yellow("warning:"),
                    sanitize_line(&path.display().to_string())
                );
                Ok(())
            }
            ServerEvent::Refused {
                remote,
                received_at,
                method,
                path,
                status,
                reason,
            } => {
                self.tally.refused += 1;
                if self.json {
                    let v = serde_json::json!({
                        "type": "refused",
                        "received_at": received_at,
                        "remote_addr": remote.to_string(),
                        "method": method,
                        "path": path,
                        "status": status,
                        "reason": reason,
                    });
                    let text = v.to_string();
                    self.stdout.write_all(crate::output::json_safe(&text).as_bytes())?;
                    return self.stdout.write_all(b"\n");
                }
                let p = &self.out.out;
                writeln!(
                    self.stdout,
                    "{} {} {} {} from {remote}: {reason}, not saved",
                    p.dim(received_at.get(11..19).unwrap_or(&received_at)),
                    p.red(&status.to_string()),
                    sanitize_line(&method),
                    sanitize_line(&path),
                )
            }
        }
    }

    fn request(&mut self, c: Captured) -> std::io::Result<()> {
        let large = c.body_in_line;
        let r = self.show(c);
        if large {
            // Its memory, freed here, goes back to the system now; the listener thread
            // that took it gives its part back once quiet.
            crate::alloc::note_large();
            crate::alloc::give_back();
        }
        r
    }

    fn show(&mut self, mut c: Captured) -> std::io::Result<()> {
        self.tally.requests += 1;
        match &c.verdict {
            Some(v) if v.valid => self.tally.valid += 1,
            Some(_) => self.tally.invalid += 1,
            None => {}
        }
        if let Some(e) = &c.save_error {
            self.tally.save_errors += 1;
            self.tally.unsaved_in_a_row += 1;
            let _ = writeln!(
                self.stderr,
                "{} could not save request {}: {} (answered 503)",
                self.out.err.red_bold("error:"),
                sanitize_line(&c.record.id),
                sanitize_line(e)
            );
        } else if self.tally.unsaved_in_a_row > 0 {
            let n = std::mem::take(&mut self.tally.unsaved_in_a_row);
            let _ = writeln!(
                self.stderr,
                "{} saving works again with request {} ({n} request{} before it could not be saved and got 503)",
                self.out.err.green("log:"),
                sanitize_line(&c.record.id),
                if n == 1 { "" } else { "s" }
            );
        }
        if self.json {
            // The capture record, with the stream's message type first.
            self.stdout.write_all(b"{\"type\":\"request\",")?;
            self.stdout.write_all(&json_safe_bytes(&c.line[1..]))?;
            return self.stdout.write_all(b"\n");
        }
        // The line is not needed any more: the body takes its place (what the listener
        // freed meanwhile given back first, so that the body does not come on top).
        if c.body_in_line {
            crate::alloc::give_back();
        }
        c.body_from_line();
        c.line = Vec::new();
        let p = &self.out.out;
        let big = self.view.body && self.view.max_body_lines > 0 && c.record.body.len() > PREVIEW_OVER;
        let view = CaptureView {
            body: self.view.body && !big,
            ..self.view
        };
        for l in capture_lines(&c.record, view, &self.redact, p) {
            writeln!(self.stdout, "{l}")?;
        }
        if big {
            let head = body_head(&c.record, PREVIEW_BYTES);
            writeln!(
                self.stdout,
                "  {}",
                p.dim(&format!(
                    "(a body of {}: its first {} shown as text, not parsed; -v shows all)",
                    format_size(c.record.body_len() as u64),
                    format_size(head.len() as u64)
                ))
            )?;
            let bv = crate::output::BodyView {
                max_lines: self.view.max_body_lines,
            };
            for l in crate::output::render_body(&head, Some("text/plain"), None, bv, p) {
                writeln!(self.stdout, "  {l}")?;
            }
        }
        if let Some(f) = &c.forward {
            match (f.status, &f.error) {
                (Some(s), _) => {
                    let st = if s < 300 {
                        p.green(&s.to_string())
                    } else if s < 500 {
                        p.yellow(&s.to_string())
                    } else {
                        p.red(&s.to_string())
                    };
                    writeln!(
                        self.stdout,
                        "  {} {} answered {st} in {:.1}ms",
                        p.magenta("app:"),
                        sanitize_line(&f.url),
                        f.duration_ms
                    )?;
                    if self.view.body && !f.body.is_empty() {
                        let bv = crate::output::BodyView {
                            max_lines: self.view.max_body_lines.min(20),
                        };
                        for l in crate::output::render_body(&f.body, f.content_type.as_deref(), None, bv, p) {
                            writeln!(self.stdout, "    {l}")?;
                        }
                    }
                    if (s == 401 || s == 403) && c.verdict.as_ref().is_some_and(|v| v.valid) {
                        self.suspect_the_app(&c)?;
                    }
                }
                (None, _) if f.timed_out.is_some() => writeln!(
                    self.stdout,
                    "  {} {} did not answer within {:?} (--forward-timeout; answered 504)",
                    p.red("app:"),
                    sanitize_line(&f.url),
                    f.timed_out.unwrap_or_default(),
                )?,
                (None, Some(e)) => writeln!(
                    self.stdout,
                    "  {} {} unreachable: {} (answered 502)",
                    p.red("app:"),
                    sanitize_line(&f.url),
                    sanitize_line(e)
                )?,
                _ => {}
            }
        }
        if !self.view.body && !self.view.headers {
            return Ok(());
        }
        writeln!(self.stdout)
    }

    /// The signature was valid when it arrived and the app refused the request: the
    /// app's own check is what to look at, and how to reproduce the listener's verdict.
    fn suspect_the_app(&mut self, c: &Captured) -> std::io::Result<()> {
        let p = &self.out.out;
        let scheme = c.verdict.as_ref().map_or("", |v| v.scheme);
        writeln!(
            self.stdout,
            "  {} the signature was valid when it arrived: the app's own check is the suspect \
             (a body parsed and re-serialised before verifying, another secret, a URL rebuilt differently)",
            p.yellow("why:")
        )?;
        let Some(r) = &self.reproduce else { return Ok(()) };
        if !r.saved {
            return writeln!(
                self.stdout,
                "  {} listen without --no-save to keep the request for `hookcat verify`",
                p.dim("to reproduce:")
            );
        }
        let log = r
            .log
            .as_ref()
            .map(|l| format!(" -f {}", crate::core::export::shell_quote(&l.display().to_string())))
            .unwrap_or_default();
        writeln!(
            self.stdout,
            "  {} hookcat captures show {}{log} --json > request.json && hookcat verify --scheme {scheme} --headers-file request.json {}",
            p.dim("to reproduce:"),
            sanitize_line(&c.record.id),
            r.secret_flag
        )
    }
}

pub fn run(a: ListenArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let plan = plan(&a)?;
    let rt = super::common::runtime()?;
    let out = *out;
    // On a worker thread rather than the main one: the server wakes this loop for
    // every request, and a wake-up within the worker pool is the cheap kind. The task
    // owns the streams while it runs and hands them back.
    let mut streams = io.take();
    let (result, streams) = rt.block_on(async move {
        tokio::spawn(async move {
            let result = serve(a, plan, &out, &mut streams).await;
            (result, streams)
        })
        .await
    })?;
    *io = streams;
    result
}

async fn serve(a: ListenArgs, plan: Plan, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let e = &out.err;
    let scheme = crate::core::server::scheme_label(&plan.server);
    let save = plan.server.save.clone();
    let forward = plan.server.forward_to.clone();
    let tls = plan.server.tls.is_some();
    let resign = inspector_resign(&a, &plan);
    // Listen for Ctrl-C before announcing the address: a signal sent right after the
    // announcement must stop the listener cleanly, not kill it.
    let mut interrupt = super::common::Interrupt::new()?;
    let (tx, mut rx) = mpsc::channel(65_536);
    let server = Server::start(&plan.bind, plan.server, tx).await.map_err(|e| match e {
        crate::core::server::ServerError::Log { .. } => hinted(
            e.to_string(),
            "choose a file that can be written with --save PATH, or keep nothing with --no-save",
        ),
        e => e.into(),
    })?;
    let proto = if tls { "https" } else { "http" };
    // The first line on stderr: tests and scripts read the real address from it.
    io.talk(format_args!("Listening on {proto}://{}", server.addr));
    let (ui, live) = match (a.ui, &save) {
        (true, Some(log)) => {
            let live = crate::ui::Live::default();
            let settings = crate::ui::Settings {
                log: log.clone(),
                resign,
                live: live.clone(),
            };
            let ui = crate::ui::start(a.ui_port, settings).await?;
            io.talk(format_args!("Inspector on {}", ui.url()));
            (Some(ui), Some(live))
        }
        _ => (None, None),
    };
    if !server.addr.ip().is_loopback() {
        io.talk(format_args!(
            "{} listening on {}: reachable from the network, not just this machine",
            e.yellow("warning:"),
            server.addr.ip()
        ));
    }
    if let Some((path, fp)) = &plan.tls_info {
        io.talk(format_args!(
            "{} certificate {} (SHA-256 {fp})",
            e.dim("tls:"),
            path.display()
        ));
    }
    match &save {
        Some(p) => io.talk(format_args!("{} {}", e.dim("saving to"), p.display())),
        None => io.talk(format_args!("{}", e.dim("not saving (--no-save)"))),
    }
    if let Some(s) = &scheme {
        io.talk(format_args!(
            "{} {s}{}",
            e.dim("verifying with"),
            if a.reject_invalid {
                " (invalid signatures get 401)"
            } else {
                ""
            }
        ));
    }
    if let Some(f) = &forward {
        io.talk(format_args!("{} {f}", e.dim("forwarding to")));
    }
    if let Some(n) = plan.expect {
        io.talk(format_args!(
            "{} {n} request{}{}",
            e.dim("expecting"),
            if n == 1 { "" } else { "s" },
            plan.timeout.map(|t| format!(" within {t:?}")).unwrap_or_default()
        ));
    } else if out.stderr_tty {
        io.talk(format_args!("{}", e.dim("Ctrl-C to stop")));
    }
    let view = CaptureView {
        headers: a.verbose,
        body: !a.quiet,
        max_body_lines: if a.verbose { 0 } else { 60 },
        reveal: a.reveal,
    };
    let mut r = Renderer::new(out, io, a.json, view, plan.redact.clone());
    r.reproduce = Some(Reproduce::new(&a, save.as_deref()));
    let deadline = plan.timeout.map(|t| tokio::time::Instant::now() + t);
    let sleep = tokio::time::sleep_until(
        deadline.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(86400 * 365)),
    );
    tokio::pin!(sleep);
    let outcome = loop {
        tokio::select! {
            ev = rx.recv() => {
                let Some(ev) = ev else { break Outcome::Success };
                publish(live.as_ref(), &ev);
                r.event(ev)?;
                let mut batch = 1;
                while let Ok(more) = rx.try_recv() {
                    publish(live.as_ref(), &more);
                    r.event(more)?;
                    batch += 1;
                }
                r.stdout.flush()?;
                if plan.expect.is_some_and(|n| r.tally.requests >= n) {
                    break Outcome::Success;
                }
                if batch >= 8 {
                    // Under load, let requests gather for a moment instead of waking
                    // this loop for each one (invisible to a person; saves a
                    // context switch per request).
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            _ = interrupt.recv() => break Outcome::Interrupted,
            _ = &mut sleep, if deadline.is_some() => break Outcome::Negative,
        }
    };
    server.shutdown().await;
    while let Ok(ev) = rx.try_recv() {
        publish(live.as_ref(), &ev);
        r.event(ev)?;
    }
    if let Some(ui) = ui {
        ui.shutdown().await;
    }
    r.stdout.flush()?;
    let t = r.tally;
    drop(r);
    let mut summary = format!("{} request{}", t.requests, if t.requests == 1 { "" } else { "s" });
    if scheme.is_some() {
        summary.push_str(&format!(": {} valid, {} invalid", t.valid, t.invalid));
    }
    if t.refused > 0 {
        summary.push_str(&format!("; {} refused (--allow-ip, not saved)", t.refused));
    }
    if let Some(p) = &save {
        let size = std::fs::metadata(p).map(|m| format_size(m.len())).unwrap_or_default();
        summary.push_str(&format!("; log {} ({size})", p.display()));
        if t.save_errors > 0 {
            summary.push_str(&format!("; {} not saved (answered 503)", t.save_errors));
        }
    }
    match outcome {
        Outcome::Negative => {
            io.talk(format_args!(
                "{} expected {} request(s), got {} before the timeout ({summary})",
                e.red_bold("✗"),
                plan.expect.unwrap_or(0),
                t.requests
            ));
            Ok(Outcome::Negative)
        }
        Outcome::Interrupted => {
            io.talk(format_args!("\n{} {summary}", e.dim("stopped:")));
            // Ctrl-C is how a listener is meant to stop: exit 0.
            Ok(Outcome::Success)
        }
        Outcome::Success => {
            if plan.expect.is_some() {
                io.talk(format_args!("{} {summary}", e.green_bold("✓")));
            }
            Ok(Outcome::Success)
        }
    }
}

/// How the inspector re-signs: with the secret and scheme the listener verifies with.
fn inspector_resign(a: &ListenArgs, plan: &Plan) -> crate::ui::Resign {
    match &plan.server.verify {
        Some(v) => crate::ui::Resign {
            secret: Some(v.secret.clone()),
            scheme: match &v.scheme {
                SchemeChoice::Fixed(s) => Some(s.meta().name.to_string()),
                SchemeChoice::Auto(_) => None,
            },
            generic: super::common::generic(&a.generic),
        },
        None => crate::ui::Resign::default(),
    }
}

/// Hands a saved capture to the inspector's open pages.
fn publish(live: Option<&crate::ui::Live>, ev: &ServerEvent) {
    if let (Some(live), ServerEvent::Request(c)) = (live, ev) {
        if c.save_error.is_none() {
            // A large body is in the line only (see `Captured::body_in_line`).
            if c.body_in_line {
                live.publish_line(&c.line);
            } else {
                live.publish(&c.record);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Buffer;

    fn render(json: bool, events: Vec<ServerEvent>) -> (String, String, Tally) {
        let (stdout, stderr) = (Buffer::default(), Buffer::default());
        let mut io = Io::new(std::io::empty(), stdout.clone(), stderr.clone());
        let out = Output::plain();
        let view = CaptureView {
            headers: false,
            body: true,
            max_body_lines: 60,
            reveal: false,
        };
        let mut r = Renderer::new(&out, &mut io, json, view, Vec::new());
        for ev in events {
            r.event(ev).unwrap();
        }
        r.stdout.flush().unwrap();
        let tally = r.tally;
        let text = |b: Buffer| String::from_utf8(b.contents()).unwrap();
        (text(stdout), text(stderr), tally)
    }

    fn events() -> Vec<ServerEvent> {
        let remote = "127.0.0.1:5000".parse().unwrap();
        vec![
            ServerEvent::TornLog {
                path: "log.jsonl".into(),
                len: 12,
            },
            ServerEvent::ConnectionError {
                remote,
                message: "bad\u{1b}[2J request".into(),
            },
            ServerEvent::Refused {
                remote,
                received_at: "2026-01-01T10:11:12.000Z".into(),
                method: "POST".into(),
                path: "/x\u{1b}".into(),
                status: 403,
                reason: "not in --allow-ip",
            },
        ]
    }

    #[test]
    fn requests_go_to_stdout_and_talk_to_stderr_neutralised() {
        let (out, err, tally) = render(false, events());
        assert_eq!(
            out,
            "10:11:12 403 POST /x\\e from 127.0.0.1:5000: not in --allow-ip, not saved\n"
        );
        assert!(
            err.contains("warning: the capture log log.jsonl ended with a torn record"),
            "{err}"
        );
        assert!(err.contains("connection: 127.0.0.1:5000: bad\\e[2J request\n"), "{err}");
        assert_eq!((tally.refused, tally.requests), (1, 0));
    }

    #[test]
    fn json_mode_has_only_messages_on_stdout() {
        let (out, err, _) = render(true, events());
        let v: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!((v["type"].as_str(), v["status"].as_u64()), (Some("refused"), Some(403)));
        assert_eq!(out.lines().count(), 1);
        assert!(err.contains("connection:"), "{err}");
    }
}
