//! Nothing a sender wrote reaches a terminal or a shell raw, and credential headers are
//! masked unless asked for: hostile requests captured by the real `hookcat listen`,
//! then every command that shows them (listen, captures list/show/diff/export, replay,
//! send), with their output checked byte by byte; the curl export run through bash
//! against a recording server reproduces the bytes exactly.

mod common;

use std::path::{Path, PathBuf};

use common::{have, hookcat_in, log_lines, raw_send_bytes, spawn_listen, tempdir, Receiver};

/// The characters that drive a terminal or hide text: C0 (but newline), DEL, C1 and
/// the bidirectional controls.
fn hazard(c: char) -> Option<&'static str> {
    match c {
        '\n' => None,
        '\u{0}'..='\u{1f}' => Some("C0 control"),
        '\u{7f}' => Some("DEL"),
        '\u{80}'..='\u{9f}' => Some("C1 control"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' => {
            Some("bidirectional control")
        }
        _ => None,
    }
}

/// Fails when `bytes` (a command's output, colour off) holds any byte or character a
/// terminal would act on. Tabs are allowed only where `tabs` says so.
#[track_caller]
fn assert_safe(what: &str, bytes: &[u8], tabs: bool) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\t' && tabs {
                continue;
            }
            if let Some(kind) = hazard(c) {
                panic!(
                    "{what}: a raw {kind} U+{:04X} in:\n{}",
                    c as u32,
                    String::from_utf8_lossy(bytes).escape_debug()
                );
            }
        }
        // A byte that is not UTF-8 may be a C1 control to an 8-bit terminal.
        assert!(
            chunk.invalid().is_empty(),
            "{what}: bytes that are not UTF-8 ({:x?}) in:\n{}",
            chunk.invalid(),
            String::from_utf8_lossy(bytes).escape_debug()
        );
    }
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    /// Checks the exit status and that both streams are safe for a terminal.
    #[track_caller]
    fn safe(self, what: &str) -> Run {
        assert_eq!(self.code, Some(0), "{what}: {}", self.err());
        assert_safe(&format!("{what} (stdout)"), &self.stdout, true);
        assert_safe(&format!("{what} (stderr)"), &self.stderr, false);
        self
    }
}

/// `hookcat ARGS`: in-process for the commands that write to the streams they are
/// given, through the binary for `replay` and `send`'s load mode (`--count`), which
/// write to the process's own.
fn hookcat(data: &Path, args: &[&str]) -> Run {
    if args.first() == Some(&"replay") || args.contains(&"--count") {
        let o = hookcat_in(data).args(args).output().unwrap();
        return Run {
            code: o.status.code(),
            stdout: o.stdout,
            stderr: o.stderr,
        };
    }
    let r = common::run(args, b"");
    Run {
        code: Some(r.code.into()),
        stdout: r.stdout,
        stderr: r.stderr,
    }
}

/// What a webhook could put in a body to take over a terminal: set the title, clear
/// the screen, return the cursor to overwrite the line, ring, reverse the text.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rhidden\u{7f} \u{9b}31m \u{202e}txt.exe\u{2066}\u{200f}\u{61c}";

/// Two hostile requests captured by a real listener (its terminal output checked),
/// returning the log's path and the two ids.
fn hostile_captures(data: &Path) -> (PathBuf, Vec<String>) {
    let log = data.join("hostile.jsonl");
    let l = spawn_listen(data, &["--verbose", "--expect", "2", "--save", log.to_str().unwrap()]);
    let json_body = format!("{{\"title\":{}}}", serde_json::to_string(HOSTILE).unwrap());
    raw_send_bytes(
        &l.url,
        "POST",
        "/hook/\u{202e}gpj.exe?\u{9b}=1".as_bytes(),
        &[
            ("Content-Type", b"text/plain"),
            ("X-Evil", "\u{202e}kcatta \u{9b}2J".as_bytes()),
            ("X-Tab", b"a\tb"),
        ],
        HOSTILE.as_bytes(),
    );
    raw_send_bytes(
        &l.url,
        "POST",
        b"/hook/json",
        &[
            ("Content-Type", b"application/json"),
            ("X-Evil", "\u{2067}x".as_bytes()),
        ],
        json_body.as_bytes(),
    );
    let (code, stdout, stderr) = l.finish();
    assert_eq!(code, Some(0), "listen: {stderr}");
    assert_safe("listen (stdout)", stdout.as_bytes(), true);
    assert_safe("listen (stderr)", stderr.as_bytes(), false);
    assert!(stdout.contains("\\e]0;pwned"), "the body is shown, escaped: {stdout}");
    let ids = log_lines(&log)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    (log, ids)
}

#[test]
fn hostile_requests_are_shown_escaped_by_every_command() {
    let dir = tempdir();
    let data = dir.path();
    let (log, ids) = hostile_captures(data);
    let log_s = log.to_str().unwrap();
    // The log keeps the bytes exactly.
    let lines = log_lines(&log);
    assert_eq!(lines[0]["body"], HOSTILE);

    hookcat(data, &["captures", "list", log_s]).safe("captures list");
    let show = hookcat(data, &["captures", "show", &ids[0], "-f", log_s]).safe("captures show");
    assert!(show.text().contains("\\u{202e}"), "{}", show.text());
    hookcat(data, &["captures", "show", &ids[1], "-f", log_s]).safe("captures show (JSON body)");
    hookcat(data, &["captures", "diff", &ids[0], &ids[1], "-f", log_s]).safe_exit("captures diff", 1);
    hookcat(data, &["captures", "show", &ids[0], "-f", log_s, "--json"]).safe("captures show --json");
    hookcat(data, &["captures", "list", log_s, "--json"]).safe("captures list --json");
    hookcat(
        data,
        &["captures", "export", &ids[0], &ids[1], "-f", log_s, "--format", "har"],
    )
    .safe("export har");
    hookcat(
        data,
        &["captures", "export", &ids[0], &ids[1], "-f", log_s, "--format", "json"],
    )
    .safe("export json");
    let curl = hookcat(
        data,
        &["captures", "export", &ids[0], &ids[1], "-f", log_s, "--format", "curl"],
    );
    assert_curl_safe(&curl.safe("export curl").stdout);

    let recv = Receiver::start(vec![]);
    hookcat(data, &["replay", log_s, "--all", "--to", &recv.url]).safe("replay");
    hookcat(data, &["replay", log_s, "--all", "--to", &recv.url, "--json"]).safe("replay --json");
    assert_eq!(recv.got()[0].body, HOSTILE.as_bytes());
}

impl Run {
    #[track_caller]
    fn safe_exit(self, what: &str, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "{what}: {}", self.err());
        assert_safe(&format!("{what} (stdout)"), &self.stdout, true);
        assert_safe(&format!("{what} (stderr)"), &self.stderr, false);
        self
    }
}

/// The free-text fields of a record (event, notes, the verdict's words) from a log
/// someone else wrote are escaped too.
#[test]
fn hostile_text_fields_of_a_log_are_escaped() {
    let dir = tempdir();
    let data = dir.path();
    let (log, ids) = hostile_captures(data);
    let mut lines = log_lines(&log);
    for v in &mut lines {
        v["event"] = HOSTILE.into();
        v["body_note"] = HOSTILE.into();
        v["verification"] = serde_json::json!({
            "valid": false,
            "scheme": "github",
            "reason": HOSTILE,
            "failure": "mismatch",
            "diagnosis": [{"code": "mismatch", "message": HOSTILE}],
        });
        v["response"]["note"] = HOSTILE.into();
    }
    let crafted = data.join("crafted.jsonl");
    let text: String = lines.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(&crafted, text).unwrap();
    let c = crafted.to_str().unwrap();
    hookcat(data, &["captures", "list", c]).safe("captures list");
    let show = hookcat(data, &["captures", "show", &ids[0], "-f", c]).safe("captures show");
    assert!(show.text().contains("\\e]0;pwned"), "{}", show.text());
    hookcat(data, &["captures", "diff", &ids[0], &ids[1], "-f", c]).safe_exit("captures diff", 1);
    let curl = hookcat(data, &["captures", "export", &ids[0], "-f", c, "--format", "curl"]).safe("export curl");
    assert_curl_safe(&curl.stdout);
}

/// A curl export: no control byte but the newlines between lines, no tab.
#[track_caller]
fn assert_curl_safe(out: &[u8]) {
    assert_safe("curl export", out, false);
}

/// The bytes a body may hold that a shell or terminal could take for something else.
fn every_text_char() -> String {
    let mut s: String = (1u8..=0x7f).map(char::from).collect();
    s.extend('\u{80}'..='\u{9f}');
    s.push_str("\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}");
    s.push_str(" é 日本 ' '\\'' \\x1b \\033 %s %% $HOME `id` $(id) !! \n\n");
    s
}

#[test]
fn curl_export_encodes_every_byte_and_bash_reproduces_it() {
    if !have("curl") || !have("base64") || !have("bash") {
        eprintln!("skipped: curl, base64 or bash is not installed");
        return;
    }
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("bytes.jsonl");
    let all: Vec<u8> = (0..=255u8).collect();
    let text = every_text_char();
    let header_value = "\u{202e}x\t'y' \"$HOME\" `id` \\ %s \u{9b}é";
    let l = spawn_listen(data, &["--quiet", "--expect", "2", "--save", log.to_str().unwrap()]);
    for body in [all.as_slice(), text.as_bytes()] {
        raw_send_bytes(
            &l.url,
            "PUT",
            b"/p/it's/$(id)/%E2%80%AE?q='x'&r=[1]",
            &[
                ("X-Value", header_value.as_bytes()),
                ("Content-Type", b"application/x-any"),
            ],
            body,
        );
    }
    let (code, _, err) = l.finish();
    assert_eq!(code, Some(0), "{err}");
    let ids: Vec<String> = log_lines(&log)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();

    let recv = Receiver::start(vec![]);
    let log_s = log.to_str().unwrap();
    let r = hookcat(
        data,
        &[
            "captures", "export", &ids[0], &ids[1], "-f", log_s, "--format", "curl", "--to", &recv.url,
        ],
    )
    .safe("export curl");
    assert_curl_safe(&r.stdout);
    let script = r.text();
    // bash and POSIX sh always; zsh where it is installed.
    let shells: Vec<&str> = ["bash", "sh", "zsh"]
        .into_iter()
        .filter(|s| *s != "zsh" || have("zsh"))
        .collect();
    for shell in &shells {
        let o = std::process::Command::new(shell)
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{shell}: {script}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let got = recv.got();
    assert_eq!(got.len(), 2 * shells.len(), "{script}");
    for (i, g) in got.iter().enumerate() {
        let want: &[u8] = if i % 2 == 0 { &all } else { text.as_bytes() };
        assert_eq!(g.body, want, "request {i} of {script}");
        assert_eq!(g.method, "PUT");
        assert_eq!(g.path, "/p/it's/$(id)/%E2%80%AE?q='x'&r=[1]");
        assert_eq!(g.header("x-value"), Some(header_value), "{script}");
        assert_eq!(g.header("content-type"), Some("application/x-any"));
    }

    // `send --print curl` is the same function.
    let file = data.join("text.body");
    std::fs::write(&file, &text).unwrap();
    let r = hookcat(
        data,
        &[
            "send",
            &format!("{}/s", recv.url),
            "-d",
            file.to_str().unwrap(),
            "-H",
            &format!("X-Value: {header_value}"),
            "--print",
            "curl",
        ],
    )
    .safe("send --print curl");
    assert_curl_safe(&r.stdout);
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(r.text())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = recv.got();
    let last = got.last().unwrap();
    assert_eq!(last.body, text.as_bytes(), "{}", r.text());
    assert_eq!(last.header("x-value"), Some(header_value));
}

#[test]
fn raw_export_is_exact_to_a_pipe_and_escaped_on_a_terminal() {
    let dir = tempdir();
    let data = dir.path();
    let (log, ids) = hostile_captures(data);
    let log_s = log.to_str().unwrap();
    let r = hookcat(data, &["captures", "export", &ids[0], "-f", log_s, "--format", "raw"]);
    assert_eq!(r.code, Some(0), "{}", r.err());
    assert!(
        r.stdout.ends_with(HOSTILE.as_bytes()),
        "byte-exact to a pipe: {}",
        r.text()
    );

    if !have("script") {
        eprintln!("skipped the terminal half: `script` is not installed");
        return;
    }
    // `script` runs the command on a pseudo-terminal and copies what it writes.
    // Newlines come back as LF (see `on_terminal`); then nothing may act.
    let shown = on_terminal(data, &format!("captures export {} -f {} --format raw", ids[0], log_s));
    assert_safe("raw export on a terminal", shown.as_bytes(), false);
    assert!(shown.contains("\\e]0;pwned"), "{shown}");
    assert!(shown.contains("POST /hook/"), "{shown}");
}

/// `hookcat send URL -d FILE` (FILE holding `{}`) with each of `headers` and a signature
/// header: a function that runs it with more arguments, which must succeed, and returns
/// what it printed (stdout, then stderr).
fn send_with<'a>(data: &'a Path, url: &str, headers: &[(&str, &str)]) -> impl Fn(&[&str]) -> String + 'a {
    let file = data.join("empty.json");
    std::fs::write(&file, "{}").unwrap();
    let mut args = vec![
        "send".to_string(),
        url.to_string(),
        "-d".into(),
        file.to_str().unwrap().into(),
    ];
    for (k, v) in headers {
        args.extend(["-H".into(), format!("{k}: {v}")]);
    }
    args.extend(["-H".into(), "X-Hub-Signature-256: sha256=deadbeef".into()]);
    move |extra: &[&str]| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend_from_slice(extra);
        let r = hookcat(data, &a);
        assert_eq!(r.code, Some(0), "{a:?}: {}", r.err());
        format!("{}{}", r.text(), r.err())
    }
}

/// `script`'s copy of what `hookcat ARGS` writes on a pseudo-terminal, newlines as LF
/// (the terminal turns each into CR LF). `hookcat ARGS` must succeed.
fn on_terminal(data: &Path, args: &str) -> String {
    let cmd = format!("{} {args}", common::bin().display());
    let o = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &cmd, "/dev/null"])
        .env("HOOKCAT_DATA_DIR", data)
        .env("HOOKCAT_CONFIG_DIR", data.join("config"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

/// Credential headers of every kind, and a signature header (not a secret).
const CREDENTIALS: &[(&str, &str)] = &[
    ("Authorization", "Bearer tok-authorization-1"),
    ("Proxy-Authorization", "Basic tok-proxy-2"),
    ("Cookie", "session=tok-cookie-3"),
    ("Set-Cookie", "id=tok-set-cookie-4"),
    ("X-Api-Key", "tok-api-key-5"),
    ("X-Auth-Token", "tok-auth-token-6"),
];

#[track_caller]
fn assert_hidden(what: &str, out: &str) {
    for (_, v) in CREDENTIALS {
        assert!(!out.contains(v), "{what} shows a credential ({v}):\n{out}");
    }
    assert!(out.contains("sha256=deadbeef"), "{what} hides the signature:\n{out}");
}

#[track_caller]
fn assert_shown(what: &str, out: &str) {
    for (k, v) in CREDENTIALS {
        // A curl command sends what replay sends: end-to-end headers only.
        if what.contains("curl") && *k == "Proxy-Authorization" {
            continue;
        }
        assert!(out.contains(v), "{what} with --reveal hides {v}:\n{out}");
    }
}

#[test]
fn credential_headers_are_masked_unless_revealed() {
    let dir = tempdir();
    let data = dir.path();
    let log = data.join("creds.jsonl");
    let l = spawn_listen(data, &["--verbose", "--expect", "2", "--save", log.to_str().unwrap()]);
    let mut headers: Vec<(&str, &[u8])> = CREDENTIALS.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
    headers.push(("X-Hub-Signature-256", b"sha256=deadbeef"));
    raw_send_bytes(&l.url, "POST", b"/c", &headers, b"{}");
    raw_send_bytes(
        &l.url,
        "POST",
        b"/c",
        &[("X-Hub-Signature-256", b"sha256=deadbeef2")],
        b"{}",
    );
    let (code, stdout, stderr) = l.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_hidden("listen -v", &stdout);
    // The log keeps them: replay needs them.
    let saved = std::fs::read_to_string(&log).unwrap();
    assert_shown("the capture log", &saved);
    let ids: Vec<String> = log_lines(&log)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let log_s = log.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut full = args.to_vec();
        full.extend(["-f", log_s]);
        let r = hookcat(data, &full);
        assert!(matches!(r.code, Some(0 | 1)), "{args:?}: {}", r.err());
        format!("{}{}", r.text(), r.err())
    };
    let id = ids[0].as_str();
    assert_hidden("captures show", &run(&["captures", "show", id]));
    assert_shown("captures show", &run(&["captures", "show", id, "--reveal"]));
    assert_hidden("captures diff", &run(&["captures", "diff", id, &ids[1]]));
    assert_shown("captures diff", &run(&["captures", "diff", id, &ids[1], "--reveal"]));
    for format in ["curl", "har"] {
        let what = format!("export --format {format}");
        assert_hidden(&what, &run(&["captures", "export", id, "--format", format]));
        assert_shown(&what, &run(&["captures", "export", id, "--format", format, "--reveal"]));
    }
    // Raw bytes: exact to a pipe, masked on a terminal.
    let raw = run(&["captures", "export", id, "--format", "raw"]);
    assert_shown("export --format raw to a pipe", &raw);
    if have("script") {
        let args = format!("captures export {id} -f {log_s} --format raw");
        assert_hidden("export --format raw on a terminal", &on_terminal(data, &args));
        assert_shown(
            "export --format raw on a terminal",
            &on_terminal(data, &format!("{args} --reveal")),
        );
    }
    // The log format itself is for replay: it keeps them.
    assert_shown(
        "export --format json",
        &run(&["captures", "export", id, "--format", "json"]),
    );

    // send: the curl it prints, and the headers of an answer.
    let recv = Receiver::start_with(vec![], vec![("Set-Cookie".into(), "id=tok-set-cookie-4".into())]);
    let sent: Vec<(&str, &str)> = CREDENTIALS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "Set-Cookie")
        .collect();
    let with = send_with(data, &format!("{}/s", recv.url), &sent);
    let printed = with(&["--print", "curl"]);
    for (k, v) in CREDENTIALS.iter().filter(|(k, _)| *k != "Set-Cookie") {
        assert!(!printed.contains(v), "send --print curl shows {k}:\n{printed}");
    }
    let revealed = with(&["--print", "curl", "--reveal"]);
    for (k, v) in CREDENTIALS.iter().filter(|(k, _)| *k != "Set-Cookie") {
        assert!(
            revealed.contains(v),
            "send --print curl --reveal hides {k}:\n{revealed}"
        );
    }
    let verbose = with(&["-v"]);
    assert!(verbose.to_ascii_lowercase().contains("set-cookie"), "{verbose}");
    assert!(
        !verbose.contains("tok-set-cookie-4"),
        "send -v shows the answer's Set-Cookie:\n{verbose}"
    );
}

/// `verify` quotes header values in its reasons: they are escaped too.
#[test]
fn verify_reasons_quoting_a_hostile_header_are_escaped() {
    let dir = tempdir();
    let data = dir.path();
    let body = data.join("body");
    std::fs::write(&body, HOSTILE).unwrap();
    for (scheme, header) in [
        ("stripe", "Stripe-Signature: t=1\u{202e}\u{9b}2J,v1=ab"),
        ("github", "X-Hub-Signature-256: sha256=\u{202e}ab\u{2066}"),
    ] {
        let o = hookcat_in(data)
            .env("SECRET", "s")
            .args([
                "verify",
                "--scheme",
                scheme,
                "--secret-env",
                "SECRET",
                "-v",
                "-H",
                header,
            ])
            .arg(&body)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        assert_safe(&format!("verify {scheme} (stderr)"), &o.stderr, false);
        assert_safe(&format!("verify {scheme} (stdout)"), &o.stdout, false);
    }
}

/// `send --dry-run` prints the request it would send: credential headers are masked
/// there as in `send -v` and `--print curl`, and shown with `--reveal`.
#[test]
fn send_dry_run_masks_credential_headers_unless_revealed() {
    let dir = tempdir();
    let data = dir.path();
    let with = send_with(data, "http://127.0.0.1:9/s", CREDENTIALS);
    let shown = with(&["--dry-run"]);
    assert_hidden("send --dry-run", &shown);
    for (k, _) in CREDENTIALS {
        assert!(shown.contains(&format!("{k}: ")), "send --dry-run drops {k}:\n{shown}");
    }
    assert_shown("send --dry-run --reveal", &with(&["--dry-run", "--reveal"]));
}
