//! `listen`'s rendering: each server event as it comes (a request's summary line and
//! body on stdout, or one JSON line with `--json`; connection errors and log warnings
//! on stderr), counted for the closing summary.

use std::io::Write;

use crate::core::server::{Captured, ServerEvent};
use crate::core::units::format_size;
use crate::output::{capture_lines, json_safe_bytes, sanitize_line, CaptureView, Io, Output};

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
pub struct ListenTally {
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
pub struct ListenRenderer<'a> {
    pub out: &'a Output,
    pub json: bool,
    pub view: CaptureView,
    pub redact: Vec<String>,
    pub tally: ListenTally,
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
    /// The capture log, when not the default one.
    pub log: Option<std::path::PathBuf>,
    /// Whether requests are saved at all.
    pub saved: bool,
}

impl<'a> ListenRenderer<'a> {
    /// A renderer writing to the streams of `io`, with nothing counted yet.
    pub fn new(out: &'a Output, io: &'a mut Io, json: bool, view: CaptureView, redact: Vec<String>) -> Self {
        ListenRenderer {
            out,
            json,
            view,
            redact,
            tally: ListenTally::default(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Buffer;
    use std::io::Write;

    fn render(json: bool, events: Vec<ServerEvent>) -> (String, String, ListenTally) {
        let (stdout, stderr) = (Buffer::default(), Buffer::default());
        let mut io = Io::new(std::io::empty(), stdout.clone(), stderr.clone());
        let out = Output::plain();
        let view = CaptureView {
            headers: false,
            body: true,
            max_body_lines: 60,
            reveal: false,
        };
        let mut r = ListenRenderer::new(&out, &mut io, json, view, Vec::new());
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
