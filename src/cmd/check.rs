//! `hookcat check URL`: the conformance suite of [`crate::core::check`] against a
//! receiver. Reads the arguments (a target from `hookcat.toml` as `send` does), runs
//! the cases the core defines, and hands the reports to [`crate::output::check`].

use std::sync::Arc;

use anyhow::Context;

use crate::cli::CheckArgs;
use crate::core::check::{self, Case, Setup, CASES};
use crate::core::deliver::{self, ClientOptions};
use crate::core::event;
use crate::core::headers::Headers;
use crate::core::scheme::lookup;
use crate::core::secret::Secret;
use crate::core::units::parse_duration;
use crate::exit::{hinted, Outcome};
use crate::output::{self, Io, Output};

pub fn run(a: CheckArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let cases = chosen(&a);
    if cases.is_empty() {
        return Err(hinted(
            "--only and --skip leave no case to run",
            "`hookcat check --list` shows the cases",
        ));
    }
    if a.list {
        output::check::list(&cases, a.json, out, io)?;
        return Ok(Outcome::Success);
    }
    let target = super::common::target(&a.target)?;
    let url = a.url.clone().or(target.url.clone()).ok_or_else(|| {
        hinted(
            "no URL to check",
            "give it as the first argument (hookcat check http://localhost:3000/webhooks --scheme stripe --secret-env S), or --target NAME from hookcat.toml",
        )
    })?;
    // (The argument arrives completed by clap; a config target's URL is completed above.)
    let parsed = deliver::check_url(&url)?;
    let scheme_name = a.scheme.clone().or(target.scheme.clone());
    let event_name = a.event.clone().or(target.event.clone());
    let entry = match (&event_name, &scheme_name) {
        (Some(n), _) => event::find(n).map_err(|e| hinted(e.to_string(), "`hookcat events list` shows every event"))?,
        (None, Some(s)) => first_event(s).ok_or_else(|| {
            hinted(
                format!("the catalog has no event signed with {s}"),
                "give one with --event NAME (`hookcat events list` shows them)",
            )
        })?,
        (None, None) => {
            return Err(hinted(
                "nothing to check with: give --scheme NAME or --event NAME",
                "e.g. hookcat check URL --scheme github --secret-env GH_SECRET",
            ))
        }
    };
    let scheme_name = match scheme_name.or(entry.scheme.clone()) {
        Some(s) => s,
        None => {
            return Err(hinted(
                format!(
                    "{} is not signed by its provider: there is nothing to check",
                    entry.name
                ),
                "give a scheme with --scheme NAME",
            ))
        }
    };
    let scheme = lookup(&scheme_name, &super::common::generic(&a.generic))?;
    let secret = match super::common::secret(&a.secret)? {
        Some(s) => s,
        None => match (&target.secret_env, &target.secret_file) {
            (Some(v), _) => Secret::from_env(v)?,
            (None, Some(p)) => Secret::from_file(p)?,
            _ => {
                return Err(hinted(
                    "check needs the secret the provider signs with",
                    "give one of --secret-env VAR, --secret-file PATH or --secret VALUE",
                ))
            }
        },
    };
    let mut extra = Headers::new();
    for (k, v) in &target.headers {
        extra.push(k.clone(), v.clone());
    }
    for (k, v) in &a.headers {
        extra.set(k, v.clone());
    }
    let timeout = match (a.timeout, &target.timeout) {
        (Some(t), _) => Some(t),
        (None, Some(t)) => Some(parse_duration(t).map_err(|e| anyhow::anyhow!("timeout of the target: {e}"))?),
        (None, None) => None,
    };
    let setup = Arc::new(Setup {
        url,
        scheme,
        secret,
        event: entry,
        extra,
        public_url: a.public_url.clone(),
        timeout,
        requests: a.requests,
        concurrency: a.concurrency,
        client: ClientOptions {
            insecure: a.insecure,
            cacert_pem: match &a.cacert {
                Some(p) => Some(std::fs::read(p).with_context(|| format!("reading --cacert `{}`", p.display()))?),
                None => None,
            },
            https: parsed.scheme() == "https",
            pool_size: a.concurrency.max(1),
            relay: false,
        },
    });
    if !a.json {
        output::check::started(&setup, out, io);
    }
    let rt = super::common::runtime()?;
    let checked = rt.block_on(check::check(setup.clone(), &cases))?;
    if a.json {
        output::check::json(&setup, &checked, a.strict, io)?;
    } else {
        output::check::report(&checked, a.strict, out, io)?;
    }
    Ok(Outcome::from_bool(checked.ok(a.strict)))
}

/// The cases `--only` and `--skip` leave, in the suite's order.
fn chosen(a: &CheckArgs) -> Vec<&'static Case> {
    CASES
        .iter()
        .filter(|c| a.only.is_empty() || a.only.iter().any(|o| o == c.name))
        .filter(|c| !a.skip.iter().any(|s| s == c.name))
        .collect()
}

/// The scheme's first catalog event that is not its handshake, else its provider's
/// (GitHub's for github-sha1, Standard Webhooks' for its v1a).
fn first_event(scheme: &str) -> Option<&'static event::CatalogEntry> {
    let s = lookup(scheme, &Default::default()).ok()?;
    let handshake = s.delivery_facts().handshake_event.get().ok();
    let ordinary = |e: &&event::CatalogEntry| Some(e.name.as_str()) != handshake;
    let events = event::catalog().iter();
    events
        .clone()
        .filter(ordinary)
        .find(|e| e.scheme.as_deref() == Some(scheme))
        .or_else(|| events.filter(ordinary).find(|e| e.provider == s.meta().provider))
}
