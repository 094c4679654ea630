//! `hookcat sign`: the headers a provider would send for a body, streamed from a file
//! or stdin in constant memory.

use std::io::Read;

use anyhow::Context;

use crate::cli::SignArgs;
use crate::core::scheme::{lookup, SignParams};
use crate::exit::Outcome;
use crate::output::{Io, Output};

pub fn run(a: SignArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let secret = super::common::require_secret(&a.signature.secret, "signing")?;
    if a.verbose && secret.stripped_newline {
        io.talk(format_args!(
            "{}",
            out.err
                .dim("note: one trailing newline was stripped from the secret file")
        ));
    }
    let scheme = lookup(&a.scheme, &super::common::generic(&a.signature.generic))?;
    let mut params = SignParams::now();
    if let Some(t) = a.timestamp {
        // A timestamp no clock gives would be signed as something else (Twitch's RFC
        // 3339 has no year past 9999) or refused by every verifier.
        if !(0..=crate::core::scheme::MAX_UNIX).contains(&t) {
            anyhow::bail!(
                "--timestamp {t}: not a unix time (whole seconds from 1970 to the year 9999, at most {})",
                crate::core::scheme::MAX_UNIX
            );
        }
        params.timestamp = t;
        params.nanos = 0;
    }
    if let Some(id) = a.id {
        params.id = id;
    }
    params.url = a.signature.url;
    let mut reader: Box<dyn Read + '_> = match &a.signature.file {
        Some(p) if p.as_os_str() != "-" => {
            Box::new(std::fs::File::open(p).with_context(|| format!("reading body file `{}`", p.display()))?)
        }
        _ => {
            if out.stdin_tty {
                return Err(crate::exit::hinted(
                    "no body given",
                    "pass a FILE, or pipe the body in: `hookcat sign … < body.json` (use /dev/null for an empty body)",
                ));
            }
            Box::new(&mut io.stdin)
        }
    };
    let signed = scheme.sign(&secret, &params, &mut reader)?;
    drop(reader);
    if a.json {
        let mut obj = serde_json::Map::new();
        obj.insert("scheme".into(), scheme.meta().name.into());
        let headers: serde_json::Map<String, serde_json::Value> = signed
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        obj.insert("headers".into(), headers.into());
        if let Some(u) = &signed.signed_url {
            obj.insert("signed_url".into(), u.clone().into());
        }
        if !signed.fields.is_empty() {
            let f: serde_json::Map<String, serde_json::Value> = signed
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            obj.insert("fields".into(), f.into());
        }
        io.json(&obj)?;
    } else {
        for (k, v) in &signed.headers {
            io.line(&format!("{k}: {v}"))?;
        }
        for (k, v) in &signed.fields {
            io.line(&format!("signature.{k}: {v}"))?;
        }
        if let Some(u) = &signed.signed_url {
            io.talk(format_args!(
                "{} the body is not a form, so it is signed as JSON: send it to {u}",
                out.err.cyan("note:")
            ));
        }
        if !signed.fields.is_empty() {
            io.talk(format_args!(
                "{} {} puts these fields in the body's `signature` object",
                out.err.cyan("note:"),
                scheme.meta().name
            ));
        }
    }
    Ok(Outcome::Success)
}
