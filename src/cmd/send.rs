//! `hookcat send`: a catalog event (or any body), signed as its provider signs,
//! delivered by the core's engine with retries; `--dry-run`, `--print curl`, a load
//! mode, config targets and prompts on a terminal.

use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::{PrintFormat, SendArgs};
use crate::core::config::{Config, Target};
use crate::core::deliver::{self, Attempt, ClientOptions, Load, Policy, Prepared, Progress, Signer, Stop};
use crate::core::event::{self, Event, Override};
use crate::core::headers::Headers;
use crate::core::scheme::lookup;
use crate::core::secret::{Redactor, Secret};
use crate::core::units::{format_duration, parse_duration};
use crate::exit::{hinted, Outcome};
use crate::output::{
    is_secret_header, mask_headers, network_error, out_json, out_line, render_body, sanitize_line, BodyView, Io,
    Output, HIDDEN,
};

/// Everything `send` needs, resolved from flags, environment, config and prompts.
struct Plan {
    url: String,
    /// Builds the event afresh (new ids and timestamps) for each request.
    source: Source,
    extra: Headers,
    method: Option<String>,
    scheme: Option<String>,
    secret: Option<Secret>,
    policy: Policy,
}

enum Source {
    Catalog(&'static event::CatalogEntry, Vec<Override>),
    Data(Event),
}

impl Source {
    fn event(&self) -> anyhow::Result<Event> {
        Ok(match self {
            Source::Catalog(e, o) => e.render(o)?,
            Source::Data(e) => e.clone(),
        })
    }
}

/// Builds request number `i` of a load run.
type MakeRequest = Box<dyn Fn(u64) -> Prepared + Send + Sync>;

/// Sends on the streams of `io`; the load mode (`--count`) writes to the process's.
pub fn run(a: SendArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let config = Config::load(a.config.as_deref(), &std::env::current_dir().unwrap_or_default())?;
    let target = match &a.target {
        Some(t) => config.target(t)?,
        None => Target::default(),
    };
    let interactive = !a.no_input && out.stdin_tty && out.stderr_tty && a.data.is_none();
    // (The argument arrives completed by clap; a config target's URL is completed here.)
    let target_url = match (&target.url, &a.target) {
        (Some(u), Some(t)) => Some(
            crate::core::url::normalize(u).with_context(|| format!("the url of target `{t}` in the config file"))?,
        ),
        _ => None,
    };
    let mut url = a.url.clone().or(target_url);
    let mut event_name = a.event.clone().or(target.event.clone());
    let mut prompted_secret = None;
    if (url.is_none() || (event_name.is_none() && a.data.is_none())) && interactive {
        let p = super::prompt::send_prompts(url.is_none(), event_name.is_none())?;
        url = url.or(p.url);
        event_name = event_name.or(p.event);
        prompted_secret = p.secret;
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
        (Some(d), _) => Source::Data(data_event(d, a.content_type.as_deref(), &overrides, out, io)?),
        (None, Some(n)) => {
            let e = event::find(n).map_err(|e| {
                let h = "`hookcat events list` shows every event";
                hinted(e.to_string(), h)
            })?;
            e.render(&overrides)?; // check the overrides once, before sending anything
            Source::Catalog(e, overrides)
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
    let scheme = match a.scheme.clone().or(target.scheme.clone()) {
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
    let plan = Plan {
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
            rt.block_on(load(plan, signer, clients, n, &a, out))
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
fn shown(plan: &Plan) -> Redactor {
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

fn unsigned(plan: &Plan, ev: &Event) -> Prepared {
    deliver::prepare(ev, &plan.url, &plan.extra, plan.method.as_deref())
}

/// The request as it will be sent, signed now.
fn one_request(plan: &Plan, ev: Event, signer: Option<&Signer>) -> anyhow::Result<Prepared> {
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

fn status_text(s: u16) -> &'static str {
    reqwest::StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}

#[allow(clippy::too_many_arguments)]
async fn single(
    client: &reqwest::Client,
    req: Prepared,
    signer: Option<&Signer>,
    plan: &Plan,
    name: Option<&str>,
    a: &SendArgs,
    out: &Output,
    io: &mut Io,
) -> anyhow::Result<Outcome> {
    let e = &out.err;
    let policy = &plan.policy;
    let shown = &shown(plan);
    let url = shown_url(shown, &req.url);
    if !a.json {
        let what = name.map(|n| format!(" {}", e.cyan(n))).unwrap_or_default();
        let signed = signer
            .map(|s| format!(" signed with {}", s.scheme.meta().name))
            .unwrap_or_default();
        io.talk(format_args!(
            "{} {} {}{what}{}",
            e.dim("→"),
            e.bold(&sanitize_line(&req.method)),
            sanitize_line(&url),
            e.dim(&signed)
        ));
    }
    let json = a.json;
    let verbose = a.verbose;
    let reveal = a.reveal;
    let delivery = deliver::deliver(client, &req, signer, policy, |at: &Attempt| {
        let at = &shown_attempt(shown, at);
        if json {
            let mut v = serde_json::to_value(at).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("type".into(), "attempt".into());
                o.insert(
                    "response_body".into(),
                    String::from_utf8_lossy(&at.response_body).into(),
                );
            }
            let _ = io.json(&v);
            return;
        }
        let line = match (at.status, &at.error) {
            (Some(s), _) => {
                let st = format!("{s} {}", status_text(s));
                let st = if s < 300 {
                    e.green_bold(&st)
                } else if s < 500 {
                    e.yellow(&st)
                } else {
                    e.red_bold(&st)
                };
                format!("{} {st} {}", e.dim("←"), e.dim(&format_duration(at.duration)))
            }
            (None, Some(err)) => format!("{} {}", e.red_bold("✗"), network_error(err, &at.url)),
            _ => String::new(),
        };
        let attempt = if policy.retries > 0 {
            e.dim(&format!("[attempt {}/{}] ", at.attempt, policy.retries + 1))
        } else {
            String::new()
        };
        io.talk(format_args!("{attempt}{line}"));
        if verbose {
            for (k, v) in at.response_headers.iter() {
                let v = if !reveal && is_secret_header(k) {
                    HIDDEN.into()
                } else {
                    sanitize_line(v)
                };
                io.talk(format_args!("  {}: {v}", e.blue(&sanitize_line(k))));
            }
        }
        if let Some(w) = at.retry_in {
            io.talk(format_args!(
                "{}",
                e.dim(&format!("  retrying in {}", format_duration(w)))
            ));
        }
    })
    .await?;
    let attempts: Vec<Attempt> = delivery.attempts.iter().map(|at| shown_attempt(shown, at)).collect();
    let last = attempts.last().expect("at least one attempt");
    let ok = delivery.delivered();
    if json {
        io.json(&serde_json::json!({
            "type": "summary",
            "delivered": ok,
            "attempts": delivery.attempts.len(),
            "status": last.status,
            "error": last.error,
            "url": url,
            "event": name,
        }))?;
    } else {
        if !last.response_body.is_empty() {
            let view = BodyView {
                max_lines: if verbose { 0 } else { 40 },
            };
            for l in render_body(
                &last.response_body,
                last.response_headers.get("content-type"),
                last.response_headers.get("content-encoding"),
                view,
                &out.out,
            ) {
                io.line(&l)?;
            }
            if last.response_truncated {
                io.talk(format_args!(
                    "{}",
                    e.dim(&format!("(response body cut at {} bytes)", last.response_body.len()))
                ));
            }
        }
        let tries = delivery.attempts.len();
        // A network failure has had its line; after retries, the count is worth one more.
        if !ok && (last.error.is_none() || tries > 1) {
            let why = match (last.status, &last.error) {
                (Some(s), _) => format!(": the receiver answered {s} {}", status_text(s)),
                _ => String::new(),
            };
            io.talk(format_args!(
                "{} not delivered after {tries} attempt{}{why}",
                e.red_bold("✗"),
                if tries == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(Outcome::from_bool(ok))
}

async fn load(
    plan: Plan,
    signer: Option<Signer>,
    clients: Vec<reqwest::Client>,
    count: u64,
    a: &SendArgs,
    out: &Output,
) -> anyhow::Result<Outcome> {
    let rate = a.rate.map(|r| r.per_second());
    let concurrency = a.concurrency.unwrap_or(10).max(1);
    // Load mode keeps little of each response: it only counts statuses.
    let policy = Policy {
        keep_body: 0,
        ..plan.policy.clone()
    };
    let once = signs_body(&signer);
    let signer = signer.map(Arc::new);
    // (Shown, not sent: each request is made from the plan.)
    let url = shown_url(&shown(&plan), &plan.url);
    let method = plan
        .method
        .clone()
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_else(|| "POST".into());
    let progress = Arc::new(Progress::default());
    // Build requests: fresh ids per request for catalog events; a fixed body once.
    let (signer_for_engine, make): (Option<Arc<Signer>>, MakeRequest) = {
        let plan = Arc::new(plan);
        let fixed = match &plan.source {
            Source::Data(ev) => Some(unsigned(&plan, ev)),
            Source::Catalog(..) => None,
        };
        if once {
            let s = signer.clone();
            let p = plan.clone();
            (
                None,
                Box::new(move |_| {
                    let ev = p.source.event().expect("rendered once already");
                    one_request(&p, ev, s.as_deref()).expect("signed once already")
                }),
            )
        } else {
            let p = plan.clone();
            (
                signer.clone(),
                Box::new(move |_| match &fixed {
                    Some(r) => r.clone(),
                    None => unsigned(&p, &p.source.event().expect("rendered once already")),
                }),
            )
        }
    };
    let bar = if out.stderr_tty && !a.json {
        let b = indicatif::ProgressBar::new(count);
        b.set_style(crate::output::load_progress_style());
        Some(b)
    } else {
        None
    };
    if !a.json {
        eprintln!(
            "{} {count} × {method} {} (concurrency {concurrency}{})",
            out.err.dim("→"),
            sanitize_line(&url),
            rate.map(|r| format!(", ≤{r:.0}/s")).unwrap_or_default()
        );
    }
    let ticker = {
        let progress = progress.clone();
        let bar = bar.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Some(b) = &bar {
                    b.set_position(progress.done.load(Ordering::Relaxed));
                }
            }
        })
    };
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
        make,
        signer_for_engine,
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
    ticker.abort();
    stopper.abort();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if a.json {
        let mut v = serde_json::to_value(&summary)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), "summary".into());
        }
        out_json(&v)?;
    } else {
        for l in crate::output::load_summary_lines(&summary, &out.out) {
            out_line(&l)?;
        }
    }
    if summary.interrupted {
        return Ok(Outcome::Interrupted);
    }
    Ok(Outcome::from_bool(summary.ok_2xx == summary.requested))
}
