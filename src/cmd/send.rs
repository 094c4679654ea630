//! `hookcat send`: a catalog event (or any body), signed as its provider signs,
//! delivered by the core's engine with retries; `--dry-run`, `--print curl`, a load
//! mode, config targets and prompts on a terminal.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::{PrintFormat, SendArgs};
use crate::core::deliver::{
    self, Attempt, ClientOptions, Load, LoadProgress, LoadRequests, Policy, Prepared, Signer, Stop,
};
use crate::core::event::{self, Event, EventSource, Override};
use crate::core::headers::Headers;
use crate::core::scheme::lookup;
use crate::core::secret::{Redactor, Secret};
use crate::core::units::parse_duration;
use crate::exit::{hinted, Outcome};
use crate::output::send::{self as shown_send, LoadBar, SendView};
use crate::output::{mask_headers, sanitize_line, Io, Output};

/// Everything `send` needs, resolved from flags, environment, config and prompts.
struct SendPlan {
    url: String,
    /// Builds the event afresh (new ids and timestamps) for each request.
    source: EventSource,
    extra: Headers,
    method: Option<String>,
    scheme: Option<String>,
    secret: Option<Secret>,
    policy: Policy,
}

/// Sends, and tells how it went on the streams of `io`.
pub fn run(a: SendArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let target = super::common::target(&a.target)?;
    let interactive = !a.no_input && out.stdin_tty && out.stderr_tty && a.data.is_none();
    let mut url = a.url.clone().or(target.url.clone());
    let mut event_name = a.event.clone().or(target.event.clone());
    let mut prompted_secret = None;
    let mut prompted_scheme = None;
    let mut wizard = false;
    if (url.is_none() || (event_name.is_none() && a.data.is_none())) && interactive {
        let s = &a.secret;
        let have_secret = s.secret_env.is_some()
            || s.secret_file.is_some()
            || s.secret.is_some()
            || target.secret_env.is_some()
            || target.secret_file.is_some();
        let p = super::prompt::send_prompts(&super::prompt::Asked {
            url: url.is_none(),
            event: event_name.is_none(),
            secret: !have_secret,
            given_event: event_name.as_deref(),
            given_scheme: a.scheme.as_deref().or(target.scheme.as_deref()),
        })?;
        url = url.or(p.url);
        event_name = event_name.or(p.event);
        prompted_secret = p.secret;
        prompted_scheme = p.scheme;
        wizard = true;
    }
    let url = url.ok_or_else(|| {
        hinted(
            "no URL to send to",
            "give it as the first argument (hookcat send http://localhost:3000/webhooks --event github.push), or --target NAME from hookcat.toml",
        )
    })?;
    let url = crate::core::url::normalize(&url)?;
    let parsed = deliver::check_url(&url)?;
    let overrides = super::common::overrides(&a.adds, &a.sets)?;
    let source = match (&a.data, &event_name) {
        (Some(d), _) => EventSource::Data(data_event(d, a.content_type.as_deref(), &overrides, out, io)?),
        (None, Some(n)) => {
            let e = event::find(n).map_err(|e| {
                let h = "`hookcat events list` shows every event";
                hinted(e.to_string(), h)
            })?;
            e.render(&overrides)?; // check the overrides once, before sending anything
            EventSource::Catalog(e, overrides)
        }
        (None, None) => {
            return Err(hinted(
                "nothing to send: give --event NAME or --data FILE",
                "`hookcat events list` shows the catalog; --data - reads a body from stdin",
            ))
        }
    };
    let mut extra = Headers::new();
    for (k, v) in &target.headers {
        extra.push(k.clone(), v.clone());
    }
    for (k, v) in &a.headers {
        extra.set(k, v.clone());
    }
    let first = source.event()?;
    let chosen_scheme = a.scheme.clone().or(target.scheme.clone()).or(prompted_scheme);
    let scheme = match chosen_scheme.clone() {
        Some(s) if s == "none" => None,
        Some(s) => Some(s),
        None => first.scheme.clone(),
    };
    let secret = match super::common::secret(&a.secret)? {
        Some(s) => Some(s),
        None => match (&target.secret_env, &target.secret_file, prompted_secret) {
            (_, _, Some(s)) => Some(s),
            (Some(v), _, _) => Some(Secret::from_env(v)?),
            (None, Some(p), _) => Some(Secret::from_file(p)?),
            _ => None,
        },
    };
    // The flag or its HOOKCAT_ variable (clap reads both), then the config target.
    let timeout = match (a.delivery.timeout, &target.timeout) {
        (Some(t), _) => t,
        (None, Some(t)) => parse_duration(t).map_err(|e| anyhow::anyhow!("--timeout: {e}"))?,
        (None, None) => Duration::from_secs(10),
    };
    let retries = a.delivery.retries.or(target.retries).unwrap_or(0);
    let policy = Policy {
        timeout,
        retries,
        ..Policy::default()
    };
    if wizard {
        if let Some(event) = &event_name {
            let source = secret.as_ref().map(|s| s.source());
            let cmd =
                super::prompt::equivalent_command(&url, event, chosen_scheme.as_deref(), scheme.as_deref(), source);
            io.talk(format_args!("{} {cmd}", out.err.dim("the same without the prompts:")));
            if matches!(source, Some(crate::core::secret::SecretSource::Arg)) {
                io.talk(format_args!(
                    "{} export {}=… first: the secret you typed is not shown",
                    out.err.dim("note:"),
                    super::prompt::variable_for(scheme.as_deref())
                ));
            }
        }
    }
    let plan = SendPlan {
        url,
        source,
        extra,
        method: a.method.clone(),
        scheme,
        secret,
        policy,
    };
    match &plan.scheme {
        Some(s) => {
            lookup(s, &super::common::generic(&a.generic))?;
            if plan.secret.is_none() && !a.json {
                io.talk(format_args!(
                    "{} no secret given: sending unsigned (add --secret-env VAR to sign with {s})",
                    out.err.yellow("note:")
                ));
            }
        }
        None if !a.json => {
            let why = match (&first.provider, a.scheme.as_deref()) {
                (_, Some("none")) => "--scheme none".to_string(),
                (Some(p), _) if first.name.is_some() => format!("{p} does not sign its events"),
                _ => "no --scheme given".to_string(),
            };
            let ignored = if plan.secret.is_some() {
                "; the secret is not used (add --scheme NAME to sign)"
            } else {
                ""
            };
            io.talk(format_args!(
                "{} sending unsigned: {why}{ignored}",
                out.err.yellow("note:")
            ));
        }
        None => {}
    }
    let signer = match (&plan.scheme, &plan.secret) {
        (Some(s), Some(secret)) => Some(Signer {
            scheme: lookup(s, &super::common::generic(&a.generic))?,
            secret: secret.clone(),
            id: crate::core::ids::message_id(),
            fixed_timestamp: None,
        }),
        _ => None,
    };
    let opts = ClientOptions {
        insecure: a.delivery.insecure,
        cacert_pem: match &a.cacert {
            Some(p) => Some(std::fs::read(p).with_context(|| format!("reading --cacert `{}`", p.display()))?),
            None => None,
        },
        https: parsed.scheme() == "https",
        pool_size: a.concurrency.unwrap_or(1),
        relay: false,
    };

    if a.dry_run || a.print.is_some() {
        let mut req = one_request(&plan, first, signer.as_ref())?;
        deliver::add_client_headers(&mut req);
        let redactor = shown(&plan);
        let redacted = redactor.redact_headers(&mut req.headers) + redactor.redact_query(&mut req.url);
        if redacted > 0 && a.print.is_some() {
            io.talk(format_args!(
                "{} the secret is shown as `[redacted: N bytes]`: put it back before running the command",
                out.err.yellow("note:")
            ));
        }
        // Credential headers are masked unless asked for, in the command and in the
        // request shown alike.
        let hidden = if a.reveal {
            Vec::new()
        } else {
            let (masked, hidden) = mask_headers(&req.headers, &[]);
            req.headers = masked;
            hidden
        };
        match a.print {
            Some(PrintFormat::Curl) => {
                // (A comment names the masked headers.)
                if !hidden.is_empty() {
                    let names: Vec<_> = hidden.iter().map(|n| sanitize_line(n)).collect();
                    io.line(&format!("# hidden: {} (--reveal puts them in)", names.join(", ")))?;
                }
                io.line(&crate::core::export::curl_for(
                    &req.method,
                    &req.url,
                    &req.headers,
                    &req.body,
                ))?
            }
            None => io.bytes(&deliver::wire_format(&req))?,
        }
        return Ok(Outcome::Success);
    }
    let rt = super::common::runtime()?;
    match a.count {
        Some(n) => {
            let clients = deliver::clients(&opts, a.concurrency.unwrap_or(10))?;
            rt.block_on(load(plan, signer, clients, n, &a, out, io))
        }
        None => {
            let req_signer = if signs_body(&signer) { None } else { signer.as_ref() };
            let name = first.name.clone();
            let req = if signs_body(&signer) {
                one_request(&plan, first, signer.as_ref())?
            } else {
                unsigned(&plan, &first)
            };
            let client = deliver::client(&opts)?;
            rt.block_on(single(&client, req, req_signer, &plan, name.as_deref(), &a, out, io))
        }
    }
}

/// What is shown holds no secret: the signing secret, wherever it stands whole (a header
/// value, a query value, quoted in a message or echoed by the receiver), and the headers
/// a scheme sends its secret in.
fn shown(plan: &SendPlan) -> Redactor {
    let mut redactor = Redactor::new();
    if let Some(s) = &plan.secret {
        redactor.add_secret(s);
    }
    redactor
}

/// A URL as it is shown ([`shown`]).
fn shown_url(r: &Redactor, url: &str) -> String {
    let mut u = url.to_string();
    r.redact_query(&mut u);
    r.redact_text(&u).into_owned()
}

/// An attempt as it is shown ([`shown`]): its URL, error, answer headers and body.
fn shown_attempt(r: &Redactor, at: &Attempt) -> Attempt {
    let mut at = at.clone();
    at.url = shown_url(r, &at.url);
    r.redact_headers(&mut at.response_headers);
    if let Some(e) = &mut at.error {
        e.message = r.redact_text(&e.message).into_owned();
    }
    r.redact_bytes(&mut at.response_body);
    at
}

/// A signature that goes into the body is made once, up front, not per attempt.
fn signs_body(s: &Option<Signer>) -> bool {
    s.as_ref().is_some_and(Signer::signs_body)
}

fn unsigned(plan: &SendPlan, ev: &Event) -> Prepared {
    deliver::prepare(ev, &plan.url, &plan.extra, plan.method.as_deref())
}

/// The request as it will be sent, signed now.
fn one_request(plan: &SendPlan, ev: Event, signer: Option<&Signer>) -> anyhow::Result<Prepared> {
    let mut req = unsigned(plan, &ev);
    if let Some(s) = signer {
        s.sign_request(&mut req)?;
    }
    Ok(req)
}

fn data_event(d: &str, ct: Option<&str>, overrides: &[Override], out: &Output, io: &mut Io) -> anyhow::Result<Event> {
    let mut body = Vec::new();
    if d == "-" {
        if out.stdin_tty {
            return Err(hinted(
                "--data - reads the body from standard input, which is a terminal",
                "pipe a body in: `hookcat send URL --data - < body.json`",
            ));
        }
        io.stdin
            .read_to_end(&mut body)
            .context("reading the body from standard input")?;
    } else {
        body = std::fs::read(d).with_context(|| format!("reading --data file `{d}`"))?;
    }
    let content_type = ct
        .map(str::to_string)
        .unwrap_or_else(|| event::content_type_of_file(d, &body).to_string());
    if !overrides.is_empty() {
        if content_type.contains("json") {
            let mut v: serde_json::Value = serde_json::from_slice(&body)
                .with_context(|| format!("--set needs a JSON body, and `{d}` is not valid JSON"))?;
            event::apply_overrides(&mut v, overrides)?;
            body = serde_json::to_vec(&v)?;
        } else if content_type.contains("x-www-form-urlencoded") {
            let mut pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            event::overrides::apply_form_overrides(&mut pairs, overrides)?;
            let mut enc = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                enc.append_pair(k, v);
            }
            body = enc.finish().into_bytes();
        } else {
            anyhow::bail!("--set works on JSON and form bodies; `{d}` is {content_type}");
        }
    }
    Ok(Event {
        provider: None,
        name: None,
        content_type,
        method: "POST".into(),
        headers: Headers::new(),
        body,
        scheme: None,
    })
}

#[allow(clippy::too_many_arguments)]
async fn single(
    client: &reqwest::Client,
    req: Prepared,
    signer: Option<&Signer>,
    plan: &SendPlan,
    name: Option<&str>,
    a: &SendArgs,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    let shown = &shown(plan);
    let url = shown_url(shown, &req.url);
    if !a.json {
        let scheme = signer.map(|s| s.scheme.meta().name);
        shown_send::request_line(io, out, &req.method, &url, name, scheme);
    }
    let view = SendView {
        json: a.json,
        verbose: a.verbose,
        reveal: a.reveal,
        retries: plan.policy.retries,
    };
    let delivery = deliver::deliver(client, &req, signer, &plan.policy, |at: &Attempt| {
        shown_send::attempt(io, out, view, &shown_attempt(shown, at))
    })
    .await?;
    let attempts: Vec<Attempt> = delivery.attempts.iter().map(|at| shown_attempt(shown, at)).collect();
    shown_send::delivered(io, out, view, &delivery, &attempts, &url, name)?;
    Ok(Outcome::from_bool(delivery.delivered()))
}

async fn load(
    plan: SendPlan,
    signer: Option<Signer>,
    clients: Vec<reqwest::Client>,
    count: u64,
    a: &SendArgs,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    let rate = a.rate.map(|r| r.per_second());
    let concurrency = a.concurrency.unwrap_or(10).max(1);
    // Load mode keeps little of each response: it only counts statuses.
    let policy = Policy {
        keep_body: 0,
        ..plan.policy.clone()
    };
    // (Shown, not sent: each request is made from the plan.)
    let url = shown_url(&shown(&plan), &plan.url);
    let method = plan
        .method
        .clone()
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_else(|| "POST".into());
    let progress = Arc::new(LoadProgress::default());
    let requests = LoadRequests {
        url: plan.url,
        source: plan.source,
        extra: plan.extra,
        method: plan.method,
    };
    if !a.json {
        shown_send::load_banner(io, out, count, &method, &url, concurrency, rate);
    }
    let bar = LoadBar::start(out, a.json, count, progress.clone());
    let stop = Stop::new();
    let stopper = {
        let stop = stop.clone();
        let mut interrupt = super::common::Interrupt::new()?;
        tokio::spawn(async move {
            interrupt.recv().await;
            stop.stop();
        })
    };
    let summary = deliver::load(
        clients,
        requests,
        signer,
        policy,
        Load {
            count,
            concurrency,
            rate,
        },
        progress.clone(),
        stop,
    )
    .await;
    stopper.abort();
    bar.finish();
    shown_send::load_summary(io, out, a.json, &summary)?;
    if summary.interrupted {
        return Ok(Outcome::Interrupted);
    }
    Ok(Outcome::from_bool(summary.ok_2xx == summary.requested))
}
