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
use crate::core::server::{Behaviour, SchemeChoice, Server, ServerConfig, ServerEvent, VerifyConfig};
use crate::core::units::format_size;
use crate::exit::{hinted, Outcome};
use crate::output::listen::{ListenRenderer, Reproduce};
use crate::output::sanitize_line;
use crate::output::{CaptureView, Io, Output};

/// The validated listener configuration plus what the command itself needs.
pub struct ListenPlan {
    pub bind: String,
    pub server: ServerConfig,
    pub expect: Option<u64>,
    pub timeout: Option<Duration>,
    pub redact: Vec<String>,
    pub tls_info: Option<(std::path::PathBuf, String)>,
}

pub fn plan(a: &ListenArgs) -> anyhow::Result<ListenPlan> {
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
    Ok(ListenPlan {
        bind: format!("{host}:{}", a.port),
        server: cfg,
        expect,
        timeout,
        redact,
        tls_info,
    })
}

/// What the `hookcat verify` command reproducing the listener's verdict is made of: the
/// secret flag as the listener was given it (never the secret) and the log.
fn reproduce(a: &ListenArgs, save: Option<&std::path::Path>) -> Reproduce {
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

async fn serve(a: ListenArgs, plan: ListenPlan, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
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
        Some(p) => {
            io.talk(format_args!("{} {}", e.dim("saving to"), p.display()));
            if let Some(size) = crate::core::log::large(p) {
                io.talk(format_args!(
                    "{} the capture log is {}: `hookcat captures prune {} --older-than 7d` (or --keep N) trims it",
                    e.dim("note:"),
                    crate::core::units::format_size(size),
                    crate::core::export::shell_quote(&sanitize_line(&p.display().to_string()))
                ));
            }
        }
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
            plan.timeout
                .map(|t| format!(" within {}", crate::core::units::format_duration_setting(t)))
                .unwrap_or_default()
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
    let mut r = ListenRenderer::new(out, io, a.json, view, plan.redact.clone());
    r.reproduce = Some(reproduce(&a, save.as_deref()));
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
    let count = format!("{} request{}", t.requests, if t.requests == 1 { "" } else { "s" });
    // What is said after the count: validity, refusals, the log.
    let mut details = Vec::new();
    if scheme.is_some() {
        details.push(format!("{} valid, {} invalid", t.valid, t.invalid));
    }
    if t.refused > 0 {
        details.push(format!("{} refused (--allow-ip, not saved)", t.refused));
    }
    if let Some(p) = &save {
        let size = std::fs::metadata(p).map(|m| format_size(m.len())).unwrap_or_default();
        details.push(format!("log {} ({size})", p.display()));
        if t.save_errors > 0 {
            details.push(format!("{} not saved (answered 503)", t.save_errors));
        }
    }
    let summary = match (scheme.is_some(), details.is_empty()) {
        (_, true) => count,
        (true, false) => format!("{count}: {}", details.join("; ")),
        (false, false) => format!("{count}; {}", details.join("; ")),
    };
    match outcome {
        Outcome::Negative => {
            io.talk(format_args!(
                "{} expected {} request{}, got {} before the timeout{}",
                e.red_bold("✗"),
                plan.expect.unwrap_or(0),
                if plan.expect == Some(1) { "" } else { "s" },
                t.requests,
                if details.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", details.join("; "))
                }
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
fn inspector_resign(a: &ListenArgs, plan: &ListenPlan) -> crate::ui::Resign {
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
