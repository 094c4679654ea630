//! `hookcat events list|show`: the built-in catalog.

use crate::cli::EventsCommand;
use crate::core::event::{catalog, find, CatalogEntry};
use crate::exit::{hinted, Outcome};
use crate::output::{Io, Output};

pub fn run(c: EventsCommand, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    match c {
        EventsCommand::List { provider, json } => {
            let items: Vec<_> = catalog()
                .iter()
                .filter(|e| provider.as_deref().is_none_or(|p| e.provider == p))
                .collect();
            if items.is_empty() {
                let mut known: Vec<&str> = catalog().iter().map(|e| e.provider.as_str()).collect();
                known.dedup();
                return Err(hinted(
                    format!("no events for provider `{}`", provider.unwrap_or_default()),
                    format!("providers: {}", known.join(", ")),
                ));
            }
            if json {
                io.json(&items)?;
                return Ok(Outcome::Success);
            }
            let w = items.iter().map(|e| e.name.chars().count()).max().unwrap_or(0);
            let sw = items.iter().map(|e| signed_by(e).len()).max().unwrap_or(0);
            let mut last = "";
            for e in items {
                if e.provider != last && out.stdout_tty {
                    let scheme = e
                        .scheme
                        .as_deref()
                        .map(|s| format!(" (signed: {s})"))
                        .unwrap_or_else(|| " (unsigned)".into());
                    io.line(&out.out.bold(&format!("{}{}", e.provider, out.out.dim(&scheme))))?;
                }
                last = &e.provider;
                let ct = e.content_type.split(';').next().unwrap_or(&e.content_type);
                let ct = ct.trim_start_matches("application/");
                let scheme = format!("{:<sw$}", signed_by(e));
                let scheme = if e.scheme.is_some() {
                    scheme
                } else {
                    out.out.yellow(&scheme)
                };
                io.line(&format!(
                    "  {:<w$}  {}  {:<22} {}",
                    e.name,
                    scheme,
                    out.out.dim(ct),
                    e.description
                ))?;
            }
            Ok(Outcome::Success)
        }
        EventsCommand::Show { name, json, raw } => {
            let entry = find(&name).map_err(|e| hinted(e.to_string(), "`hookcat events list` shows every event"))?;
            let ev = entry.render(&[])?;
            if json {
                io.json_pretty(&serde_json::json!({
                    "name": entry.name,
                    "provider": entry.provider,
                    "scheme": entry.scheme,
                    "method": ev.method,
                    "content_type": ev.content_type,
                    "headers": ev.headers,
                    "body": String::from_utf8_lossy(&ev.body),
                }))?;
                return Ok(Outcome::Success);
            }
            let mut head = format!("{} /\r\n", ev.method);
            for (k, v) in ev.headers.iter() {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str(&format!("Content-Type: {}\r\n", ev.content_type));
            if let Some(s) = &entry.scheme {
                if out.stderr_tty {
                    io.talk(format_args!(
                        "{}",
                        out.err.dim(&format!(
                            "(unsigned here; `hookcat send` adds the {s} signature headers)"
                        ))
                    ));
                }
            }
            head.push_str("\r\n");
            io.bytes(head.as_bytes())?;
            let body = if raw {
                None
            } else {
                pretty_json(&ev.content_type, &ev.body)
            };
            match body {
                Some(pretty) => io.bytes(pretty.as_bytes())?,
                None => {
                    io.bytes(&ev.body)?;
                    if !ev.body.ends_with(b"\n") && out.stdout_tty {
                        io.bytes(b"\n")?;
                    }
                }
            }
            Ok(Outcome::Success)
        }
    }
}

/// The scheme an event is signed with, as `events list` shows it.
fn signed_by(e: &CatalogEntry) -> &str {
    e.scheme.as_deref().unwrap_or("unsigned")
}

/// A JSON body indented for reading (keys in their order), with a final newline;
/// `None` when the body is not JSON.
fn pretty_json(content_type: &str, body: &[u8]) -> Option<String> {
    if !content_type.to_ascii_lowercase().contains("json") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut s = serde_json::to_string_pretty(&v).ok()?;
    s.push('\n');
    Some(s)
}
