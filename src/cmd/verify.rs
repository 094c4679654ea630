//! `hookcat verify`: exit 0 when valid, 1 when not (with the diagnosis), 2 when the
//! question cannot be asked.

use anyhow::Context;
use serde_json::json;

use crate::cli::VerifyArgs;
use crate::core::body::Body;
use crate::core::capture::CaptureRecord;
use crate::core::diagnose::{diagnose, diagnose_error};
use crate::core::headers::{parse_header_block, split_raw_request, Headers};
use crate::core::scheme::{detect, lookup, SchemeError, VerifyRequest};
use crate::core::secret::parse_marker;
use crate::exit::{hinted, Outcome};
use crate::output::{verdict_lines, Io, Output};

pub fn run(a: VerifyArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let mut headers = Headers::new();
    let mut record_body = None;
    if let Some(p) = &a.headers_file {
        let raw = std::fs::read(p).with_context(|| format!("reading headers file `{}`", p.display()))?;
        // A raw request brings its body (used when no FILE is given).
        let (head, body) = match split_raw_request(&raw) {
            Some((head, body)) => (head, (!body.is_empty()).then(|| body.to_vec())),
            None => (&raw[..], None),
        };
        let text = std::str::from_utf8(head)
            .map_err(|_| anyhow::anyhow!("`{}` is not text: the headers must be UTF-8", p.display()))?;
        record_body = body;
        if text.trim_start().starts_with('{') {
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
            let rec: CaptureRecord = serde_json::from_str(first)
                .with_context(|| format!("`{}` looks like JSON but is not a capture record", p.display()))?;
            headers.extend(rec.headers.0.clone());
            record_body = Some(rec.body_bytes()?);
        } else {
            headers.extend(
                parse_header_block(text)
                    .map_err(|e| anyhow::anyhow!("in `{}`: {e}", p.display()))?
                    .0,
            );
        }
    }
    for (n, v) in &a.headers {
        headers.push(n.clone(), v.clone());
    }
    let body = match (&a.signature.file, record_body) {
        (None, Some(b)) => Body::Mem(b),
        (f, _) => {
            let body = super::common::body_arg(f.as_deref(), out.stdin_tty, &mut io.stdin)?;
            // Nothing on standard input is more often nothing piped in than an empty
            // body that was signed: it is not verified.
            if matches!(&body, Body::Mem(b) if b.is_empty()) {
                return Err(hinted(
                    "the body on standard input is empty: nothing to verify",
                    "pipe the body in, or pass its FILE; to verify an empty body, pass /dev/null as FILE",
                ));
            }
            body
        }
    };
    let secret = super::common::require_secret(&a.signature.secret, "verifying")?;
    if a.verbose {
        io.talk(format_args!(
            "{}",
            out.err.dim(&format!("secret from {}", secret.source()))
        ));
        if secret.stripped_newline {
            io.talk(format_args!(
                "{}",
                out.err
                    .dim("note: one trailing newline was stripped from the secret file")
            ));
        }
    }
    let name = if a.scheme == "auto" {
        let loaded = body.load()?;
        let found = detect(&headers, loaded.as_deref()).ok_or(SchemeError::Undetected)?;
        if !a.json {
            io.talk(format_args!("{} {found} (from the headers)", out.err.cyan("scheme:")));
        }
        found.to_string()
    } else {
        a.scheme.clone()
    };
    let scheme = lookup(&name, &super::common::generic(&a.signature.generic))?;
    let sig = scheme.meta().signature_header;
    if let Some(len) = headers.get(sig).and_then(parse_marker) {
        // A redacted token is not what was sent: comparing it says nothing.
        return Err(hinted(
            format!("the {sig} header was redacted when it was captured (a secret of {len} bytes): it cannot be verified from the log"),
            "the listener verified it when it arrived: `hookcat captures show ID` shows the verdict",
        ));
    }
    let now = a.now.unwrap_or_else(|| jiff::Timestamp::now().as_second());
    let req = VerifyRequest {
        headers: &headers,
        body: &body,
        url: a.signature.url.as_deref(),
        now,
        tolerance: a.tolerance,
    };
    let mut verdict = match scheme.verify(&secret, &req) {
        Ok(v) => v,
        Err(e) => {
            // The question cannot be asked; the diagnosis may still say why.
            let findings = diagnose_error(scheme.as_ref(), &secret, &req, &e);
            if findings.is_empty() {
                return Err(e.into());
            }
            let why: Vec<String> = findings.into_iter().map(|f| f.message).collect();
            return Err(hinted(e.to_string(), why.join(" ")));
        }
    };
    if !verdict.valid {
        verdict.diagnosis = diagnose(scheme.as_ref(), &secret, &req, &verdict);
    }
    if a.json {
        io.json(&json!({
            "valid": verdict.valid,
            "scheme": verdict.scheme,
            "detected": a.scheme == "auto",
            "reason": verdict.reason,
            "failure": verdict.failure,
            "matched": verdict.matched,
            "timestamp": verdict.timestamp,
            "notes": verdict.notes,
            "diagnosis": verdict.diagnosis,
        }))?;
    } else if !verdict.valid || a.verbose {
        for l in verdict_lines(&verdict, &out.err) {
            io.talk(format_args!("{l}"));
        }
    } else if !verdict.notes.is_empty() {
        for n in &verdict.notes {
            io.talk(format_args!(
                "{} {}",
                out.err.dim("note:"),
                crate::output::sanitize_line(n)
            ));
        }
    }
    Ok(Outcome::from_bool(verdict.valid))
}
