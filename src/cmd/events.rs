//! `hookcat events list|show`: the built-in catalog.

use crate::cli::EventsCommand;
use crate::core::event::{catalog, find};
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
                io.line(&format!("  {:<w$}  {:<22} {}", e.name, out.out.dim(ct), e.description))?;
            }
            Ok(Outcome::Success)
        }
        EventsCommand::Show { name, json } => {
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
            io.bytes(&ev.body)?;
            if !ev.body.ends_with(b"\n") && out.stdout_tty {
                io.bytes(b"\n")?;
            }
            Ok(Outcome::Success)
        }
    }
}
