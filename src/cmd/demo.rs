//! `hookcat demo`: the whole loop in one command. A listener on a free port verifies
//! what arrives; a sender delivers a handful of catalog events through the core's
//! engine: valid ones from several providers, one tampered on the way (and
//! diagnosed), one to a flaky receiver that fails twice before answering (retried).

use base64::Engine;
use tokio::sync::mpsc;

use crate::cli::DemoArgs;
use crate::core::deliver::{self, Attempt, ClientOptions, Policy, Signer};
use crate::core::event::find;
use crate::core::headers::Headers;
use crate::core::scheme::{lookup, GenericParams};
use crate::core::secret::{Secret, SecretSource};
use crate::core::server::{Behaviour, SchemeChoice, Server, ServerConfig, ServerEvent, VerifyConfig};
use crate::core::units::format_duration;
use crate::exit::Outcome;
use crate::output::listen::ListenRenderer;
use crate::output::{CaptureView, Io, Output};

struct Step {
    title: &'static str,
    event: &'static str,
    scheme: &'static str,
    tamper: bool,
    flaky: bool,
}

const STEPS: &[Step] = &[
    Step {
        title: "a GitHub push, signed with X-Hub-Signature-256",
        event: "github.push",
        scheme: "github",
        tamper: false,
        flaky: false,
    },
    Step {
        title: "a Stripe payment, signed with Stripe-Signature (t=…,v1=…)",
        event: "stripe.payment_intent.succeeded",
        scheme: "stripe",
        tamper: false,
        flaky: false,
    },
    Step {
        title: "a Slack slash command: a form body, signed v0=…",
        event: "slack.slash_command",
        scheme: "slack",
        tamper: false,
        flaky: false,
    },
    Step {
        title: "a MediaWiki page edit, signed with Standard Webhooks",
        event: "mediawiki.page_edit",
        scheme: "standard-webhooks",
        tamper: false,
        flaky: false,
    },
    Step {
        title: "a Shopify order whose body gains a newline after signing",
        event: "shopify.orders/create",
        scheme: "shopify",
        tamper: true,
        flaky: false,
    },
    Step {
        title: "a GitHub ping to a receiver that fails twice (--fail-first 2)",
        event: "github.ping",
        scheme: "github",
        tamper: false,
        flaky: true,
    },
];

pub fn run(a: DemoArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    super::common::runtime()?.block_on(demo(a, out, io))
}

async fn demo(a: DemoArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let e = &out.err;
    // A key that works as a plain string (GitHub, Stripe, Slack, Shopify) and as a
    // Standard Webhooks `whsec_` key.
    let mut raw = [0u8; 24];
    crate::core::ids::fill_random(&mut raw);
    let secret = Secret::new(
        format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(raw)).into_bytes(),
        SecretSource::Generated,
    );
    let tmp = tempfile_path();
    let save = a.save.clone().unwrap_or_else(|| tmp.clone());
    let (tx, mut rx) = mpsc::channel(1024);
    // Both listeners verify every request, detecting the scheme from its headers.
    let verify = || VerifyConfig {
        scheme: SchemeChoice::Auto(GenericParams::default()),
        secret: secret.clone(),
        public_url: None,
        reject_invalid: false,
        tolerance: None,
    };
    let cfg = ServerConfig {
        verify: Some(verify()),
        save: Some(save.clone()),
        ..ServerConfig::default()
    };
    let server = Server::start("127.0.0.1:0", cfg, tx.clone()).await?;
    let flaky_cfg = ServerConfig {
        verify: Some(verify()),
        behaviour: Behaviour {
            fail_first: 2,
            ..Behaviour::default()
        },
        save: Some(save.clone()),
        ..ServerConfig::default()
    };
    let flaky = Server::start("127.0.0.1:0", flaky_cfg, tx).await?;
    io.talk(format_args!(
        "{} listener on http://{} (verifying every request, saving to {})",
        e.bold("hookcat demo:"),
        server.addr,
        save.display()
    ));
    io.talk(format_args!(
        "{} a second listener on http://{} answers 500 to its first two requests",
        e.dim("             "),
        flaky.addr
    ));
    io.talk(format_args!(
        "{}",
        e.dim("              each step: the sender's line on stderr, then what the listener saw")
    ));
    let client = deliver::client(&ClientOptions::default())?;
    let view = CaptureView {
        headers: false,
        body: true,
        max_body_lines: 8,
        reveal: false,
    };
    // The steps' talk goes to the renderer's stderr, between what it renders.
    let mut r = ListenRenderer::new(out, io, false, view, Vec::new());
    for (i, step) in STEPS.iter().enumerate() {
        say(
            &mut *r.stderr,
            format_args!("\n{} {}", e.cyan(&format!("── {}.", i + 1)), e.bold(step.title)),
        );
        let ev = find(step.event)?.render(&[])?;
        let base = if step.flaky { flaky.addr } else { server.addr };
        let url = format!("http://{base}/webhooks/{}", ev.provider.as_deref().unwrap_or("hook"));
        let signer = Signer {
            scheme: lookup(step.scheme, &GenericParams::default())?,
            secret: secret.clone(),
            id: crate::core::ids::message_id(),
            fixed_timestamp: None,
        };
        let mut req = deliver::prepare(&ev, &url, &Headers::new(), None);
        let policy = Policy {
            retries: if step.flaky { 3 } else { 0 },
            backoff_base: std::time::Duration::from_millis(200),
            ..Policy::default()
        };
        let show = |at: &Attempt| {
            let st = match (at.status, &at.error) {
                (Some(s), _) if s < 300 => e.green(&s.to_string()),
                (Some(s), _) => e.red(&s.to_string()),
                (None, Some(err)) => e.red(err.kind.label()),
                _ => String::new(),
            };
            let retry = at
                .retry_in
                .map(|w| {
                    e.dim(&format!(
                        " (retrying in {}, re-signed, same delivery id)",
                        format_duration(w)
                    ))
                })
                .unwrap_or_default();
            say(
                &mut *r.stderr,
                format_args!(
                    "{} sender: {} {} → {st} in {}{retry}",
                    e.dim("→"),
                    at.method,
                    at.url,
                    format_duration(at.duration)
                ),
            );
        };
        let d = if step.tamper {
            // Sign, then change the body the way an editor or a proxy might.
            let signed = signer.sign(&req.url, &req.body)?;
            deliver::apply_signature(&mut req, &signed);
            let mut body = req.body.to_vec();
            body.push(b'\n');
            req.body = body.into();
            deliver::deliver(&client, &req, None, &policy, show).await?
        } else {
            deliver::deliver(&client, &req, Some(&signer), &policy, show).await?
        };
        // The listener reports each request before answering it: it is queued by now.
        for k in 0..d.attempts.len() {
            // Show the body once per step; retries of the same delivery get a line each.
            r.view.body = k == 0;
            if let Some(ev) = rx.recv().await {
                r.event(ev)?;
            }
        }
        r.view.body = true;
        while let Ok(ev) = rx.try_recv() {
            r.event(ev)?;
        }
        std::io::Write::flush(&mut r.stdout)?;
    }
    server.shutdown().await;
    flaky.shutdown().await;
    while let Ok(ServerEvent::Request(c)) = rx.try_recv() {
        r.event(ServerEvent::Request(c))?;
    }
    std::io::Write::flush(&mut r.stdout)?;
    let t = r.tally;
    drop(r);
    io.talk(format_args!(
        "\n{} {} requests received: {} valid, {} invalid (the tampered one, diagnosed), 2 simulated failures retried",
        e.green_bold("✓ done:"),
        t.requests,
        t.valid,
        t.invalid
    ));
    if a.save.is_some() {
        io.talk(format_args!(
            "{} {} — try `hookcat captures list {}`",
            e.dim("captures saved to"),
            save.display(),
            save.display()
        ));
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
    io.talk(format_args!("{}", e.dim("next: `hookcat listen`, then `hookcat send http://127.0.0.1:9000 --event github.push --secret-env SECRET` in another terminal")));
    Ok(Outcome::Success)
}

/// A line of talk on `stderr` (one that cannot be written is no reason to stop).
fn say(stderr: &mut dyn std::io::Write, line: std::fmt::Arguments) {
    let _ = stderr.write_fmt(line);
    let _ = stderr.write_all(b"\n");
}

fn tempfile_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "hookcat-demo-{}-{}.jsonl",
        std::process::id(),
        crate::core::ids::alnum(6)
    ))
}
