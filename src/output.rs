//! The only code that writes to the terminal: the streams a command writes to ([`Io`]:
//! the process's own, or buffers in a test), colour decided once per stream, human
//! renderings of verdicts, requests and bodies (JSON indented and coloured, forms as
//! fields, XML indented, gzip decoded, binary as a hex preview), and text from the
//! network neutralised before it reaches a terminal. Each command's own renderings are
//! in a submodule ([`listen`], [`replay`], [`send`], [`captures`]).

pub mod check;

use std::borrow::Cow;
use std::io::{IsTerminal, Read, Write};

use colored::Colorize;

pub mod captures;
pub mod listen;
pub mod replay;
pub mod send;

use crate::cli::ColorChoice;
use crate::core::acts_on_terminal;
use crate::core::scheme::Verdict;

/// Colours one stream, or passes text through when colour is off for it.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub on: bool,
}

macro_rules! paint {
    ($($name:ident => $f:expr),* $(,)?) => {
        impl Painter {
            /// Appends `s` to `out`, styled when colour is on.
            pub fn push(&self, out: &mut String, style: fn(&Painter, &str) -> String, s: &str) {
                if self.on {
                    out.push_str(&style(self, s));
                } else {
                    out.push_str(s);
                }
            }
            $(pub fn $name(&self, s: &str) -> String {
                if self.on { let f: fn(&str) -> colored::ColoredString = $f; f(s).to_string() } else { s.to_string() }
            })*
        }
    };
}

paint! {
    red => |s| s.red(),
    red_bold => |s| s.red().bold(),
    green => |s| s.green(),
    green_bold => |s| s.green().bold(),
    yellow => |s| s.yellow(),
    cyan => |s| s.cyan(),
    blue => |s| s.blue(),
    magenta => |s| s.magenta(),
    dim => |s| s.dimmed(),
    bold => |s| s.bold(),
}

/// Output settings, decided once at start.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub out: Painter,
    pub err: Painter,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub stdin_tty: bool,
}

impl Output {
    /// Decides colour per stream from `--color`, `NO_COLOR`, `TERM` and whether the
    /// streams of `io` are terminals.
    pub fn init(choice: ColorChoice, io: &Io) -> Output {
        let env_ok = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true);
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && env_ok,
        };
        // Painter decides per stream; tell colored never to second-guess it.
        colored::control::set_override(true);
        Output {
            out: Painter {
                on: decide(io.stdout_tty),
            },
            err: Painter {
                on: decide(io.stderr_tty),
            },
            stdout_tty: io.stdout_tty,
            stderr_tty: io.stderr_tty,
            stdin_tty: io.stdin_tty,
        }
    }

    /// Plain output for tests and pipes.
    pub fn plain() -> Output {
        Output {
            out: Painter { on: false },
            err: Painter { on: false },
            stdout_tty: false,
            stderr_tty: false,
            stdin_tty: false,
        }
    }
}

/// A command's streams: stdin for input, stdout for data, stderr for talk. The binary
/// hands over the process's own ([`Io::stdio`]); a test hands over buffers
/// ([`Io::new`], [`Buffer`]) and runs the command in-process ([`crate::run`]).
pub struct Io {
    pub stdin: Box<dyn Read + Send>,
    pub stdout: Box<dyn Write + Send>,
    pub stderr: Box<dyn Write + Send>,
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// The process's own streams: clap prints its messages itself.
    process: bool,
}

impl Io {
    /// The process's stdin, stdout and stderr.
    pub fn stdio() -> Io {
        Io {
            stdin: Box::new(std::io::stdin()),
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            process: true,
        }
    }

    /// Streams that are not terminals (buffers in tests).
    pub fn new(
        stdin: impl Read + Send + 'static,
        stdout: impl Write + Send + 'static,
        stderr: impl Write + Send + 'static,
    ) -> Io {
        Io {
            stdin: Box::new(stdin),
            stdout: Box::new(stdout),
            stderr: Box::new(stderr),
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            process: false,
        }
    }

    /// Whether these are the process's own streams.
    pub fn is_process(&self) -> bool {
        self.process
    }

    /// Moves the streams out (into a task that must own them), leaving empty ones.
    pub fn take(&mut self) -> Io {
        let empty = Io {
            process: self.process,
            ..Io::new(std::io::empty(), std::io::sink(), std::io::sink())
        };
        std::mem::replace(self, empty)
    }

    /// Writes a line to stdout; a closed pipe becomes an error the exit mapping treats
    /// as success.
    pub fn line(&mut self, s: &str) -> std::io::Result<()> {
        self.stdout.write_all(s.as_bytes())?;
        self.stdout.write_all(b"\n")?;
        self.stdout.flush()
    }

    /// Writes bytes to stdout as they are.
    pub fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.stdout.write_all(b)?;
        self.stdout.flush()
    }

    /// A JSON value as one line on stdout ([`json_safe`]).
    pub fn json(&mut self, v: &impl serde::Serialize) -> std::io::Result<()> {
        self.line(&json_safe(&serde_json::to_string(v).map_err(std::io::Error::other)?))
    }

    /// A JSON value indented on stdout ([`json_safe`]).
    pub fn json_pretty(&mut self, v: &impl serde::Serialize) -> std::io::Result<()> {
        self.line(&json_safe(
            &serde_json::to_string_pretty(v).map_err(std::io::Error::other)?,
        ))
    }

    /// A line of talk on stderr. A stderr that cannot be written is not worth failing
    /// a command for.
    pub fn talk(&mut self, line: std::fmt::Arguments) {
        let _ = self.stderr.write_fmt(line);
        let _ = self.stderr.write_all(b"\n");
        let _ = self.stderr.flush();
    }
}

/// An in-memory stream for in-process runs: the clones share one buffer.
#[derive(Debug, Clone, Default)]
pub struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Buffer {
    /// What was written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A stream that the threads of a run share (their talk on stderr): each line is
/// written whole, one at a time. [`Shared::take`] gives the stream back.
#[derive(Clone)]
pub struct Shared(std::sync::Arc<std::sync::Mutex<Box<dyn Write + Send>>>);

impl Shared {
    pub fn new(w: Box<dyn Write + Send>) -> Shared {
        Shared(std::sync::Arc::new(std::sync::Mutex::new(w)))
    }

    /// Writes `line` and a newline in one piece. Talk that cannot be written is not
    /// worth failing a command for.
    pub fn line(&self, line: std::fmt::Arguments) {
        let mut text = line.to_string();
        text.push('\n');
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = w.write_all(text.as_bytes());
        let _ = w.flush();
    }

    /// The stream, taken back (the clones left write nowhere).
    pub fn take(&self) -> Box<dyn Write + Send> {
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *w, Box::new(std::io::sink()))
    }
}

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).write(b)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

/// The progress bar of a run on a terminal (`rate`: with requests per second).
pub fn progress_bar(len: u64, rate: bool) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new(len);
    b.set_style(if rate {
        load_progress_style()
    } else {
        indicatif::ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    });
    b
}

/// Neutralises what could drive or deceive a terminal in text from the network or a
/// log: control characters (escape sequences above all), DEL, C1 and the bidirectional
/// controls ([`crate::core::acts_on_terminal`]) are shown escaped (`\e`, `\r`,
/// `\u{202e}`); newlines and tabs are kept. Every such text reaches the terminal
/// through this function or [`sanitize_line`].
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let hazard = |c: char| acts_on_terminal(c) && c != '\n' && c != '\t';
    if !s.chars().any(hazard) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{1b}' => o.push_str("\\e"),
            '\r' => o.push_str("\\r"),
            c if hazard(c) => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    Cow::Owned(o)
}

/// Single-line form: also newlines escaped. Printable ASCII (most paths, header values
/// and ids) comes back as it is, without a copy.
pub fn sanitize_line(s: &str) -> Cow<'_, str> {
    if printable_ascii(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(sanitize(s).replace('\n', "\\n").replace('\t', "\\t"))
}

/// Whether every byte is printable ASCII (0x20 to 0x7e).
fn printable_ascii(b: &[u8]) -> bool {
    b.iter().all(|c| (0x20..0x7f).contains(c))
}

/// JSON text with the characters that could act on a terminal but that JSON lets
/// through (DEL, C1, the bidirectional controls; serde_json and the capture writer
/// escape C0 already) written as `\uXXXX` escapes: the same JSON value, safe to show.
/// Such characters can only be inside strings, where an escape means the same.
pub fn json_safe(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Every such character starts with one of these bytes (U+007F, U+0080 to U+009F,
    // U+061C, U+200E to U+2069): most JSON has none and is passed on as it is.
    if memchr::memchr3(0x7f, 0xc2, 0xe2, b).is_none() && memchr::memchr(0xd8, b).is_none() {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut o = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) {
            o.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            o.push(c);
        }
    }
    Cow::Owned(o)
}

/// [`json_safe`] for bytes that are JSON text (a capture line).
pub fn json_safe_bytes(line: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr3(0x7f, 0xc2, 0xe2, line).is_none() && memchr::memchr(0xd8, line).is_none() {
        return Cow::Borrowed(line);
    }
    match std::str::from_utf8(line) {
        Ok(t) => match json_safe(t) {
            Cow::Borrowed(_) => Cow::Borrowed(line),
            Cow::Owned(o) => Cow::Owned(o.into_bytes()),
        },
        // Not JSON text from a writer of ours: shown as a terminal would safely show it.
        Err(_) => Cow::Owned(sanitize(&String::from_utf8_lossy(line)).into_owned().into_bytes()),
    }
}

/// Raw request bytes as a terminal may show them: each CR LF (and LF) ends a line,
/// everything [`sanitize_line`] escapes is escaped, and bytes that are not UTF-8 are
/// written `\xHH`. `captures export --format raw` uses it when stdout is a terminal.
pub fn raw_for_terminal(bytes: &[u8]) -> String {
    let mut o = String::with_capacity(bytes.len() + 64);
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for chunk in line.utf8_chunks() {
            o.push_str(&sanitize_line(chunk.valid()));
            for b in chunk.invalid() {
                o.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    if !o.ends_with('\n') {
        o.push('\n');
    }
    o
}

/// The verdict in words, for stderr: `✓ valid stripe signature` or `✗ …` and the diagnosis.
pub fn verdict_lines(v: &Verdict, p: &Painter) -> Vec<String> {
    let mut lines = Vec::new();
    if v.valid {
        let mut l = format!("{} valid {} signature", p.green_bold("✓"), v.scheme);
        if let Some(ts) = v.timestamp {
            let age = jiff::Timestamp::now().as_second() - ts;
            if age.abs() < 10 * 365 * 86400 {
                l.push_str(&p.dim(&format!(" (timestamp {})", age_words(age))));
            }
        }
        lines.push(l);
    } else {
        lines.push(format!(
            "{} invalid {} signature: {}",
            p.red_bold("✗"),
            v.scheme,
            sanitize_line(&v.reason)
        ));
        for f in &v.diagnosis {
            lines.push(format!("  {} {}", p.yellow("why:"), sanitize_line(&f.message)));
        }
    }
    for n in &v.notes {
        lines.push(format!("  {} {}", p.dim("note:"), sanitize_line(n)));
    }
    lines
}

/// `12 s ago`, `3 min 2 s in the future`.
pub fn age_words(age: i64) -> String {
    let h = crate::core::scheme::human_secs(age);
    if age >= 0 {
        format!("{h} ago")
    } else {
        format!("{h} in the future")
    }
}

/// How a body is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyView {
    /// At most this many lines (0: all).
    pub max_lines: usize,
}

/// Renders a body for people according to its content type. Returns lines.
pub fn render_body(
    body: &[u8],
    content_type: Option<&str>,
    content_encoding: Option<&str>,
    view: BodyView,
    p: &Painter,
) -> Vec<String> {
    let mut notes = Vec::new();
    let decoded;
    let mut body = body;
    if content_encoding.is_some_and(|e| e.eq_ignore_ascii_case("gzip")) || body.starts_with(&[0x1f, 0x8b]) {
        let mut d = std::io::Read::take(flate2::read::GzDecoder::new(body), 16 << 20);
        let mut v = Vec::new();
        if std::io::Read::read_to_end(&mut d, &mut v).is_ok() {
            notes.push(p.dim(&format!("(gzip, {} bytes decoded)", v.len())));
            decoded = v;
            body = &decoded;
        }
    }
    if body.is_empty() {
        return vec![p.dim("(empty body)")];
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let mut lines = match std::str::from_utf8(body) {
        Err(_) => hex_preview(body, p),
        Ok(text) => {
            if ct.contains("json") || (ct.is_empty() && text.trim_start().starts_with(['{', '['])) {
                match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(v) => {
                        let mut s = String::new();
                        json_colored(&v, 0, p, &mut s);
                        s.lines().map(str::to_string).collect()
                    }
                    Err(e) => {
                        notes.push(p.yellow(&format!("(not valid JSON: {e}; shown raw)")));
                        raw_lines(text)
                    }
                }
            } else if ct.contains("x-www-form-urlencoded") {
                form_lines(text, p)
            } else if ct.contains("xml") || (ct.is_empty() && text.trim_start().starts_with("<?xml")) {
                xml_indent(text).lines().map(|l| sanitize(l).into_owned()).collect()
            } else {
                raw_lines(text)
            }
        }
    };
    if view.max_lines > 0 && lines.len() > view.max_lines {
        let more = lines.len() - view.max_lines;
        lines.truncate(view.max_lines);
        lines.push(p.dim(&format!(
            "… {more} more line{} (-v shows all)",
            if more == 1 { "" } else { "s" }
        )));
    }
    notes.extend(lines);
    notes
}

fn raw_lines(text: &str) -> Vec<String> {
    sanitize(text).lines().map(str::to_string).collect()
}

fn form_lines(text: &str, p: &Painter) -> Vec<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let w = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0).min(32);
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{} = {}",
                p.cyan(&format!("{:<w$}", sanitize_line(k))),
                sanitize_line(v)
            )
        })
        .collect()
}

/// A hex + ASCII preview of the first 256 bytes.
pub fn hex_preview(body: &[u8], p: &Painter) -> Vec<String> {
    let mut v = vec![p.dim(&format!("(binary, {} bytes)", body.len()))];
    for (i, chunk) in body.chunks(16).take(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' })
            .collect();
        v.push(format!("{:08x}  {:<47}  {}", i * 16, hex.join(" "), ascii));
    }
    if body.len() > 256 {
        v.push(p.dim("…"));
    }
    v
}

/// JSON indented by two spaces, keys and values coloured, strings neutralised.
pub fn json_colored(v: &serde_json::Value, depth: usize, p: &Painter, out: &mut String) {
    use serde_json::Value;
    let pad = "  ".repeat(depth + 1);
    let end = "  ".repeat(depth);
    let s = |x: &str| sanitize(&serde_json::to_string(x).unwrap_or_default()).into_owned();
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            for (i, (k, val)) in m.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&p.blue(&s(k)));
                out.push_str(": ");
                json_colored(val, depth + 1, p, out);
                if i + 1 < m.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&end);
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, val) in a.iter().enumerate() {
                out.push_str(&pad);
                json_colored(val, depth + 1, p, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&end);
            out.push(']');
        }
        Value::String(x) => out.push_str(&p.green(&s(x))),
        Value::Number(n) => out.push_str(&p.yellow(&n.to_string())),
        Value::Bool(b) => out.push_str(&p.magenta(&b.to_string())),
        Value::Null => out.push_str(&p.dim("null")),
        other => out.push_str(&other.to_string()),
    }
}

/// Indents XML by element depth; text that is not well-formed still comes out whole.
pub fn xml_indent(text: &str) -> String {
    let mut out = String::new();
    let mut depth: usize = 0;
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = if stripped.starts_with("!--") {
                rest.find("-->").map(|i| i + 3)
            } else if stripped.starts_with("![CDATA[") {
                rest.find("]]>").map(|i| i + 3)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            let end = end.unwrap_or(rest.len());
            let tag = &rest[..end];
            let closing = tag.starts_with("</");
            let selfclosing = tag.ends_with("/>") || tag.starts_with("<?") || tag.starts_with("<!");
            if closing {
                depth = depth.saturating_sub(1);
            }
            out.push_str(&"  ".repeat(depth));
            out.push_str(tag);
            rest = &rest[end..];
            // Keep `<a>text</a>` on one line.
            if !closing && !selfclosing {
                let text_end = rest.find('<').unwrap_or(rest.len());
                let inner = &rest[..text_end];
                if rest[text_end..].starts_with("</") && !inner.contains('\n') {
                    let close_end = rest[text_end..]
                        .find('>')
                        .map(|i| text_end + i + 1)
                        .unwrap_or(rest.len());
                    out.push_str(inner.trim());
                    out.push_str(&rest[text_end..close_end]);
                    rest = &rest[close_end..];
                } else {
                    depth += 1;
                }
            }
            out.push('\n');
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let t = rest[..end].trim();
            if !t.is_empty() {
                out.push_str(&"  ".repeat(depth));
                out.push_str(t);
                out.push('\n');
            }
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    out
}

/// The summary of a load run (`send --count`), for stdout: how many requests were
/// answered of those asked for, the statuses, the failures, the retries and the
/// latency of each answer.
pub fn load_summary_lines(s: &crate::core::deliver::LoadSummary, p: &Painter) -> Vec<String> {
    let mut first = format!("{} {} of {}", p.bold("answered"), s.answered, s.requested);
    if s.sent < s.requested {
        first.push_str(&format!(" ({} tried)", s.sent));
    }
    first.push_str(&format!(" in {:.2}s ({:.0} req/s)", s.elapsed_s, s.requests_per_sec));
    if s.failed > 0 {
        first.push_str(&format!("; {}", p.red(&format!("{} without an answer", s.failed))));
    }
    if s.interrupted {
        first.push_str(&p.yellow(" (interrupted)"));
    }
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|(code, n)| {
            let t = format!("{code}×{n}");
            match code {
                ..300 => p.green(&t),
                300..500 => p.yellow(&t),
                _ => p.red(&t),
            }
        })
        .collect();
    let mut lines = vec![
        first,
        format!(
            "{} {}",
            p.bold("status"),
            if statuses.is_empty() {
                "-".to_string()
            } else {
                statuses.join("  ")
            }
        ),
    ];
    if !s.errors.is_empty() {
        let errs: Vec<String> = s
            .errors
            .iter()
            .map(|(k, n)| format!("{}×{n}", sanitize_line(k)))
            .collect();
        lines.push(format!("{} {}", p.red("errors"), errs.join("  ")));
    }
    if s.retries > 0 {
        lines.push(format!(
            "{} {} ({} attempts in all)",
            p.bold("retries"),
            s.retries,
            s.attempts
        ));
    }
    let l = &s.latency_ms;
    lines.push(if s.answered == 0 {
        format!("{} - (no answer)", p.bold("latency"))
    } else {
        format!(
            "{} p50 {:.2}ms  p90 {:.2}ms  p99 {:.2}ms  max {:.2}ms {}",
            p.bold("latency"),
            l.p50,
            l.p90,
            l.p99,
            l.max,
            p.dim("(each answer; waits between retries not included)")
        )
    });
    lines
}

/// The load mode's progress bar: the rate in whole requests per second (`812/s`).
pub fn load_progress_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} {rate} eta {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}", rate_words(s.per_sec()));
        })
}

/// A rate of requests as the progress shows it: whole numbers, one decimal below 10.
pub fn rate_words(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        "0/s".into()
    } else if per_sec < 10.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.0}/s")
    }
}

/// A failed attempt in one line, with what to do about it: `connection refused by
/// 127.0.0.1:9: is anything listening on that port?`. `url` is where it went. Sanitised.
pub fn network_error(e: &crate::core::deliver::AttemptError, url: &str) -> String {
    use crate::core::deliver::{address, ErrorKind};
    let at = sanitize_line(&address(url)).into_owned();
    let said = sanitize_line(&e.message).into_owned();
    match e.kind {
        ErrorKind::Refused => format!("connection refused by {at}: is anything listening on that port?"),
        ErrorKind::Dns => format!("cannot resolve the host of {at}: check its spelling ({said})"),
        ErrorKind::Untrusted => format!(
            "the certificate of {at} is not trusted ({said}): for a self-signed listener pass --cacert with the \
             certificate `hookcat listen --tls` printed (by default {}), or --insecure",
            sanitize_line(
                &crate::core::capture::data_dir()
                    .join("hookcat-cert.pem")
                    .display()
                    .to_string()
            )
        ),
        ErrorKind::NotTls => format!("{at} answered in plain HTTP, not TLS: use http:// for this port"),
        ErrorKind::NotHttp => format!("{at} answered with TLS: use https:// for this port"),
        ErrorKind::Timeout => format!("timed out: {said} (--timeout)"),
        ErrorKind::Tls => format!("TLS error with {at}: {said}"),
        ErrorKind::Connect => format!("could not connect to {at}: {said}"),
        ErrorKind::Other => format!("request failed: {said}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_lines_are_borrowed() {
        for c in 0..=255u8 {
            let b = [b'a', c, b'z'];
            assert_eq!(printable_ascii(&b), (0x20..=0x7e).contains(&c), "{c:#x}");
        }
        let plain = "POST /hooks/a?x=1 ~";
        assert!(matches!(sanitize_line(plain), Cow::Borrowed(_)));
        assert_eq!(sanitize_line("a\tb\nc\u{1b}[2J\u{7f}"), "a\\tb\\nc\\e[2J\\u{7f}");
    }

    const P: Painter = Painter { on: false };

    /// Each kind of failure says what happened and, where there is one, what to do.
    #[test]
    fn network_errors_say_what_to_do() {
        use crate::core::deliver::{AttemptError, ErrorKind};
        let url = "https://hooks.example:8443/x";
        let cases = [
            (ErrorKind::Refused, "is anything listening on that port?"),
            (ErrorKind::Dns, "cannot resolve the host of hooks.example:8443"),
            (ErrorKind::Untrusted, "--cacert"),
            (ErrorKind::NotTls, "use http://"),
            (ErrorKind::NotHttp, "use https://"),
            (ErrorKind::Timeout, "no answer within 5s (--timeout)"),
            (ErrorKind::Tls, "TLS error with hooks.example:8443"),
            (ErrorKind::Connect, "could not connect to hooks.example:8443"),
            (ErrorKind::Other, "request failed"),
        ];
        for (kind, says) in cases {
            let message = if kind == ErrorKind::Timeout {
                "no answer within 5s"
            } else {
                "detail\u{1b}[2J"
            };
            let line = network_error(
                &AttemptError {
                    kind,
                    message: message.into(),
                },
                url,
            );
            assert!(line.contains(says), "{kind:?}: {line}");
            assert!(!line.contains('\u{1b}') && !line.contains('\n'), "{kind:?}: {line}");
        }
    }

    #[test]
    fn rates_are_shown_without_a_tail_of_decimals() {
        assert_eq!(rate_words(100.7555), "101/s");
        assert_eq!(rate_words(2.345), "2.3/s");
        assert_eq!(rate_words(f64::INFINITY), "0/s");
    }

    /// The summary line says each thing once, in words.
    #[test]
    fn a_capture_summary_says_each_thing_once() {
        let line = |json: &str| {
            let r: crate::core::capture::CaptureRecord = serde_json::from_str(json).unwrap();
            capture_summary(&r, &P)
        };
        let base = r#""v":1,"id":"x","received_at":"2026-12-07T10:00:00Z","method":"POST","path":"/h","headers":[],"body":"","body_encoding":"utf8","remote_addr":"127.0.0.1:1""#;
        for kind in ["hung", "dropped"] {
            let l = line(&format!(
                r#"{{{base},"verification":null,"response":{{"status":null,"kind":"{kind}"}}}}"#
            ));
            assert!(l.ends_with(&format!("→ {kind}")), "{l}");
        }
        let l = line(&format!(
            r#"{{{base},"verification":null,"response":{{"status":500,"kind":"simulated"}}}}"#
        ));
        assert!(l.ends_with("→ 500 (simulated)"), "{l}");
        // An unsigned request under --scheme auto.
        let l = line(&format!(
            r#"{{{base},"verification":{{"valid":false,"scheme":"auto","reason":"no known signature header","failure":"malformed"}}}}"#
        ));
        assert!(l.ends_with("✗ unsigned (no known signature header)"), "{l}");
    }

    #[test]
    fn escapes_are_neutralised() {
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\e[31mred");
        assert_eq!(sanitize("line\nnext"), "line\nnext");
        assert_eq!(sanitize_line("a\nb"), "a\\nb");
    }

    #[test]
    fn bidirectional_and_c1_controls_are_neutralised() {
        assert_eq!(
            sanitize("a\u{202e}b\u{2066}\u{200f}\u{61c}"),
            "a\\u{202e}b\\u{2066}\\u{200f}\\u{61c}"
        );
        assert_eq!(sanitize_line("\u{9b}2J\u{7f}\tx"), "\\u{9b}2J\\u{7f}\\tx");
        assert_eq!(sanitize("é 日本"), "é 日本");
    }

    #[test]
    fn json_keeps_its_value_with_the_hazards_escaped() {
        let v = serde_json::json!({"a": "x\u{202e}\u{7f}\u{85}é\u{2028}", "\u{61c}": 1});
        let text = serde_json::to_string(&v).unwrap();
        let safe = json_safe(&text);
        assert!(!safe.chars().any(acts_on_terminal), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
        assert!(matches!(json_safe("{\"a\":\"é…\"}"), Cow::Borrowed(_)));
    }

    #[test]
    fn raw_bytes_for_a_terminal() {
        let shown = raw_for_terminal(b"GET /\x1b HTTP/1.1\r\nx: \xff\t1\r\n\r\nbody\x07");
        assert_eq!(shown, "GET /\\e HTTP/1.1\nx: \\xff\\t1\n\nbody\\u{7}\n");
    }

    #[test]
    fn credentials_are_masked_and_signatures_are_not() {
        let h = crate::core::headers::Headers(vec![
            ("Authorization".into(), "Bearer t".into()),
            ("x-hub-signature-256".into(), "sha256=ab".into()),
            ("Set-Cookie".into(), "a=b".into()),
            ("X-Custom".into(), "c".into()),
            ("X-Gitlab-Token".into(), "[redacted: 9 bytes]".into()),
        ]);
        let (m, hidden) = mask_headers(&h, &["x-custom".to_string()]);
        assert_eq!(hidden, ["Authorization", "Set-Cookie", "X-Custom"]);
        assert_eq!(m.get("x-hub-signature-256"), Some("sha256=ab"));
        assert_eq!(m.get("authorization"), Some(HIDDEN_IN_EXPORTS));
        assert_eq!(m.get("x-gitlab-token"), Some("[redacted: 9 bytes]"));
    }

    #[test]
    fn json_is_indented() {
        let lines = render_body(
            br#"{"a":[1,"x"],"b":{}}"#,
            Some("application/json"),
            None,
            BodyView { max_lines: 0 },
            &P,
        );
        assert_eq!(
            lines.join("\n"),
            "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {}\n}"
        );
    }

    #[test]
    fn invalid_json_is_shown_raw_with_a_note() {
        let lines = render_body(b"{oops", Some("application/json"), None, BodyView { max_lines: 0 }, &P);
        assert!(lines[0].contains("not valid JSON"));
        assert_eq!(lines[1], "{oops");
    }

    #[test]
    fn forms_are_decoded() {
        let lines = render_body(
            b"Body=hi+there&From=%2B1555",
            Some("application/x-www-form-urlencoded"),
            None,
            BodyView { max_lines: 0 },
            &P,
        );
        assert_eq!(lines, vec!["Body = hi there", "From = +1555"]);
    }

    #[test]
    fn xml_is_indented() {
        let x = xml_indent("<?xml version=\"1.0\"?><a><b>t</b><c/></a>");
        assert_eq!(x, "<?xml version=\"1.0\"?>\n<a>\n  <b>t</b>\n  <c/>\n</a>\n");
    }

    #[test]
    fn binary_and_gzip() {
        let lines = render_body(&[0xff, 0xfe, 0, 1], None, None, BodyView { max_lines: 0 }, &P);
        assert!(lines[0].contains("binary, 4 bytes"));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"z\":1}").unwrap();
        let lines = render_body(
            &gz.finish().unwrap(),
            Some("application/json"),
            Some("gzip"),
            BodyView { max_lines: 0 },
            &P,
        );
        assert!(lines[0].contains("gzip"));
        assert_eq!(lines[2], "  \"z\": 1");
    }

    #[test]
    fn long_bodies_are_truncated() {
        let body = (0..50).map(|i| i.to_string()).collect::<Vec<_>>().join("\n");
        let lines = render_body(
            body.as_bytes(),
            Some("text/plain"),
            None,
            BodyView { max_lines: 10 },
            &P,
        );
        assert_eq!(lines.len(), 11);
        assert!(lines[10].contains("40 more lines"));
    }
}

/// The headers whose values are credentials: masked on the terminal and in curl and HAR
/// exports unless the user asks (`--reveal`), and kept in the capture log, which replay
/// needs. Signature headers are not in it: a signature proves a body, it grants nothing,
/// and it is what one looks at when verification fails.
pub const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
    "x-gitlab-token",
    "x-hook-secret",
];

/// Whether `name` is one of [`SECRET_HEADERS`] (in any case).
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// What a masked value is shown as on the terminal.
pub const HIDDEN: &str = "•••••• (hidden)";

/// What a masked value becomes in a curl or HAR export.
pub const HIDDEN_IN_EXPORTS: &str = "[hidden by hookcat: --reveal puts it in]";

/// The headers with each credential's value (and each header named in `also`) replaced
/// by [`HIDDEN_IN_EXPORTS`], and the names replaced, in order. A value that is already a
/// redaction marker (`[redacted: N bytes]`, [`crate::core::secret::marker`]) holds no
/// secret and stays: it says what `replay` needs to put back.
pub fn mask_headers(
    h: &crate::core::headers::Headers,
    also: &[String],
) -> (crate::core::headers::Headers, Vec<String>) {
    let mut hidden = Vec::new();
    let masked = h
        .iter()
        .map(|(k, v)| {
            let credential = is_secret_header(k) || also.iter().any(|x| x.eq_ignore_ascii_case(k));
            if credential && crate::core::secret::parse_marker(v).is_none() {
                hidden.push(k.to_string());
                (k.to_string(), HIDDEN_IN_EXPORTS.to_string())
            } else {
                (k.to_string(), v.to_string())
            }
        })
        .collect();
    (crate::core::headers::Headers(masked), hidden)
}

/// How much of a captured request to show.
#[derive(Debug, Clone, Copy)]
pub struct CaptureView {
    pub headers: bool,
    pub body: bool,
    pub max_body_lines: usize,
    /// Show credential headers ([`SECRET_HEADERS`]) as they are (`--reveal`).
    pub reveal: bool,
}

/// The one-line summary of a captured request:
/// `16:05:49 POST /hook 1.2 KiB application/json github push ✓ github → 200 3.1ms`.
pub fn capture_summary(r: &crate::core::capture::CaptureRecord, p: &Painter) -> String {
    // Built in one buffer: the listener prints one of these per request.
    let time = r.received_at.get(11..19).unwrap_or(&r.received_at);
    let ct = r
        .headers
        .get("content-type")
        .map(|c| c.split(';').next().unwrap_or(c).trim())
        .unwrap_or("-");
    let mut s = String::with_capacity(96);
    p.push(&mut s, Painter::dim, &sanitize_line(time));
    s.push(' ');
    p.push(&mut s, Painter::bold, &sanitize_line(&r.method));
    s.push(' ');
    s.push_str(&sanitize_line(&r.path));
    s.push(' ');
    p.push(
        &mut s,
        Painter::dim,
        &crate::core::units::format_size(r.body_len() as u64),
    );
    s.push(' ');
    p.push(&mut s, Painter::dim, &sanitize_line(ct));
    match (&r.provider, &r.event) {
        (Some(pr), Some(ev)) => {
            s.push(' ');
            p.push(
                &mut s,
                Painter::cyan,
                &format!("{} {}", sanitize_line(pr), sanitize_line(ev)),
            );
        }
        (Some(pr), None) => {
            s.push(' ');
            p.push(&mut s, Painter::cyan, &sanitize_line(pr));
        }
        _ => {}
    }
    if let Some(v) = &r.verification {
        s.push(' ');
        if v.valid {
            p.push(&mut s, Painter::green, &format!("✓ {}", sanitize_line(&v.scheme)));
        } else if v.scheme == "auto" {
            // `--scheme auto` found no signature of any scheme.
            p.push(
                &mut s,
                Painter::red,
                &format!("✗ unsigned ({})", sanitize_line(&v.reason)),
            );
        } else {
            let why = v
                .diagnosis
                .first()
                .map(|d| d.code.as_str())
                .unwrap_or(v.failure.as_deref().unwrap_or("invalid"));
            p.push(
                &mut s,
                Painter::red,
                &format!(
                    "✗ {} ({})",
                    sanitize_line(&v.scheme),
                    sanitize_line(&why.replace('_', " "))
                ),
            );
        }
    }
    if let Some(resp) = &r.response {
        s.push_str(" → ");
        match resp.status {
            Some(code) => {
                let style = match code {
                    ..300 => Painter::green,
                    300..500 => Painter::yellow,
                    _ => Painter::red,
                };
                p.push(&mut s, style, &code.to_string());
            }
            None => p.push(&mut s, Painter::red, &sanitize_line(&resp.kind)),
        }
        // (Without a status the kind was the answer: `→ hung`.)
        if resp.kind != "normal" && resp.status.is_some() {
            p.push(&mut s, Painter::dim, &format!(" ({})", sanitize_line(&resp.kind)));
        }
    }
    s
}

/// The full rendering of a captured request: summary, then headers, verdict, notes and body.
pub fn capture_lines(
    r: &crate::core::capture::CaptureRecord,
    view: CaptureView,
    redact: &[String],
    p: &Painter,
) -> Vec<String> {
    let mut lines = vec![capture_summary(r, p)];
    if view.headers {
        for (k, v) in r.headers.iter() {
            let secret = !view.reveal && is_secret_header(k);
            let shown = if secret || redact.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                HIDDEN.into()
            } else {
                sanitize_line(v)
            };
            lines.push(format!("  {}: {}", p.blue(&sanitize_line(k)), shown));
        }
    }
    if let Some(v) = &r.verification {
        if !v.valid {
            lines.push(format!("  {} {}", p.red("signature:"), sanitize_line(&v.reason)));
            for d in &v.diagnosis {
                lines.push(format!("  {} {}", p.yellow("why:"), sanitize_line(&d.message)));
            }
        }
    }
    if let Some(n) = &r.body_note {
        lines.push(format!("  {} {}", p.yellow("note:"), sanitize_line(n)));
    }
    if let Some(resp) = &r.response {
        if let Some(n) = &resp.note {
            lines.push(format!("  {} {}", p.dim("answer:"), sanitize_line(n)));
        }
    }
    if view.body {
        match r.body_bytes() {
            Ok(b) => {
                let bv = BodyView {
                    max_lines: view.max_body_lines,
                };
                for l in render_body(
                    &b,
                    r.headers.get("content-type"),
                    r.headers.get("content-encoding"),
                    bv,
                    p,
                ) {
                    lines.push(format!("  {l}"));
                }
            }
            Err(e) => lines.push(format!("  {} {}", p.red("body:"), sanitize_line(&e.to_string()))),
        }
    }
    lines
}
