//! Cheap guards: help, version, exit codes, colour settings, and that the committed
//! completions and man page are what the binary generates. In-process where a real
//! process adds nothing; exit codes, colour and a closed pipe through the binary.

mod common;

use common::{hookcat, run};
use predicates::prelude::*;

/// `hookcat sign --secret-env` naming a variable that is not set (which must exit 2):
/// its stderr.
fn unset_secret_env() -> String {
    run(
        &["sign", "--scheme", "github", "--secret-env", "HOOKCAT_SURELY_UNSET"],
        b"x",
    )
    .code(2)
    .err()
}

/// Every subcommand.
const COMMANDS: [&str; 11] = [
    "send",
    "listen",
    "sign",
    "verify",
    "replay",
    "events",
    "captures",
    "completions",
    "keygen",
    "demo",
    "check",
];

#[test]
fn help_lists_every_subcommand_and_the_exit_codes() {
    let text = run(&["--help"], b"").code(0).out();
    for c in COMMANDS {
        assert!(text.contains(&format!("\n  {c} ")), "--help does not list {c}:\n{text}");
    }
    assert!(text.contains("Exit codes:") && text.contains("130"), "{text}");
    // A command's summary names what its subcommands do.
    let captures = text.lines().find(|l| l.starts_with("  captures ")).unwrap_or_default();
    for verb in ["List", "show", "export", "compare", "prune"] {
        assert!(captures.contains(verb), "{captures}");
    }
}

#[test]
fn every_subcommand_has_help() {
    for c in COMMANDS {
        let r = run(&[c, "--help"], b"");
        assert!(r.code(0).out().contains("Usage: hookcat"), "{c}: {r:?}");
    }
}

#[test]
fn version() {
    assert!(run(&["--version"], b"")
        .code(0)
        .out()
        .contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn exit_code_0_1_2() {
    // 0: valid.
    hookcat()
        .args([
            "verify",
            "--scheme",
            "github",
            "--secret",
            "It's a Secret to Everybody",
            "-H",
        ])
        .arg("X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        .write_stdin("Hello, World!")
        .assert()
        .code(0);
    // 1: invalid.
    hookcat()
        .args(["verify", "--scheme", "github", "--secret", "wrong", "-H"])
        .arg("X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        .write_stdin("Hello, World!")
        .assert()
        .code(1);
    // 2: usage (clap) and input errors (ours).
    hookcat().args(["sign", "--scheme", "nope"]).assert().code(2);
    hookcat()
        .args(["sign", "--scheme", "github"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hookcat: error:"));
}

#[test]
fn errors_have_the_house_format_with_a_hint() {
    let err = run(&["verify", "--scheme", "stripe", "--secret", "whsec_x"], b"{}")
        .code(2)
        .err();
    assert!(
        err.contains("hookcat: error: the request has no `Stripe-Signature` header"),
        "{err}"
    );
    assert!(err.contains("hint: pass it with -H"), "{err}");
    let err = unset_secret_env();
    assert!(err.contains("`HOOKCAT_SURELY_UNSET` is not set"), "{err}");
    assert!(err.contains("hint: export HOOKCAT_SURELY_UNSET"), "{err}");
}

#[test]
fn colour_is_decided_once_and_respects_no_color() {
    let args = [
        "verify",
        "--scheme",
        "github",
        "--secret",
        "s",
        "-H",
        "X-Hub-Signature-256: sha256=00",
    ];
    let plain = hookcat()
        .args(args)
        .write_stdin("x")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!plain.contains(&0x1b), "no colour when stderr is not a terminal");
    let forced = hookcat()
        .args(["--color", "always"])
        .args(args)
        .write_stdin("x")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(forced.contains(&0x1b), "--color always colours");
    let never = hookcat()
        .args(["--color", "never"])
        .args(args)
        .env("NO_COLOR", "1")
        .write_stdin("x")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!never.contains(&0x1b));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::bin())
        .args(["events", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_stdout_in_process_is_not_an_error_either() {
    struct Closed;
    impl std::io::Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = hookcat::output::Buffer::default();
    let io = hookcat::output::Io::new(std::io::empty(), Closed, err.clone());
    assert_eq!(hookcat::run(["hookcat", "events", "list"], io), 0);
    assert_eq!(String::from_utf8(err.contents()).unwrap(), "");
}

fn check_fresh(path: &str, generated: &[u8]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("HOOKCAT_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate with `HOOKCAT_UPDATE_GENERATED=1 cargo test --test cli`",
        path.display()
    );
}

#[test]
fn committed_completions_are_fresh() {
    use clap_complete::Shell;
    for (shell, file) in [
        (Shell::Bash, "completions/hookcat.bash"),
        (Shell::Zsh, "completions/_hookcat"),
        (Shell::Fish, "completions/hookcat.fish"),
        (Shell::PowerShell, "completions/_hookcat.ps1"),
        (Shell::Elvish, "completions/hookcat.elv"),
    ] {
        let generated = hookcat::cmd::completions::completion_script(shell);
        // The command prints the same bytes.
        let printed = run(&["completions", &shell.to_string()], b"").code(0).stdout.clone();
        assert_eq!(printed, generated);
        check_fresh(file, &generated);
    }
}

#[test]
fn committed_man_page_is_fresh() {
    let generated = hookcat::cmd::completions::man_page().unwrap();
    let printed = run(&["man"], b"").code(0).stdout.clone();
    assert_eq!(printed, generated);
    check_fresh("man/hookcat.1", &generated);
}

/// One page per subcommand (nested ones too: `hookcat-captures-list.1`), committed and
/// fresh, no page left over for a subcommand that is gone, and the main page names
/// every page that is shipped (and no other).
#[test]
fn committed_man_pages_of_the_subcommands_are_fresh() {
    let pages = hookcat::cmd::completions::man_pages().unwrap();
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for n in [
        "hookcat.1",
        "hookcat-send.1",
        "hookcat-listen.1",
        "hookcat-captures-list.1",
        "hookcat-events-show.1",
    ] {
        assert!(names.contains(&n), "no {n} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    if std::env::var_os("HOOKCAT_UPDATE_GENERATED").is_some() {
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().file_name().into_string().unwrap();
            if f.ends_with(".1") && !names.contains(&f.as_str()) {
                std::fs::remove_file(dir.join(f)).unwrap();
            }
        }
    }
    for (name, roff) in &pages {
        check_fresh(&format!("man/{name}"), roff);
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".1"))
        .collect();
    committed.sort();
    let mut want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(committed, want, "man/ holds a page no subcommand generates: regenerate");
    // The main page refers to the subcommands' pages, each of which is shipped.
    let main = String::from_utf8(pages[0].1.clone()).unwrap();
    let referred: Vec<String> = main
        .lines()
        .filter_map(|l| l.strip_suffix("(1)"))
        .map(|l| format!("{}.1", l.replace("\\-", "-")))
        .collect();
    assert!(referred.len() >= 10, "{main}");
    for r in &referred {
        assert!(
            names.contains(&r.as_str()),
            "the main page refers to {r}, which is not shipped"
        );
    }
}

#[test]
fn keygen_formats() {
    let v = run(&["keygen", "--scheme", "standard-webhooks", "--json"], b"")
        .code(0)
        .json();
    assert!(v["secret"].as_str().unwrap().starts_with("whsec_"));
    let out = run(&["keygen", "--scheme", "svix"], b"").code(0).out();
    assert!(out.starts_with("whsec_"));
    let v = run(&["keygen", "--scheme", "standard-webhooks-v1a", "--json"], b"")
        .code(0)
        .json();
    assert!(v["private_key"].as_str().unwrap().starts_with("whsk_"));
    assert!(v["public_key"].as_str().unwrap().starts_with("whpk_"));
    let v = run(&["keygen", "--scheme", "discord", "--json"], b"").code(0).json();
    assert_eq!(v["private_key"].as_str().unwrap().len(), 64);
    assert_eq!(v["public_key"].as_str().unwrap().len(), 64);
}

#[test]
fn events_list_and_show() {
    let v = run(&["events", "list", "--json"], b"").code(0).json();
    let v = v.as_array().unwrap();
    assert!(v.len() >= 40);
    for e in v {
        for k in ["name", "provider", "description", "content_type"] {
            assert!(e[k].is_string(), "{e}");
        }
    }
    let providers: std::collections::BTreeSet<_> = v.iter().map(|e| e["provider"].as_str().unwrap()).collect();
    assert!(providers.len() >= 10);
    assert!(v.iter().any(|e| e["content_type"].as_str().unwrap().contains("xml")));
    let gh = run(&["events", "list", "--provider", "github", "--json"], b"")
        .code(0)
        .json();
    let gh = gh.as_array().unwrap();
    assert!(gh.iter().all(|e| e["provider"] == "github") && gh.len() >= 6);
    let out = run(&["events", "show", "github.push"], b"").code(0).out();
    assert!(out.contains("X-GitHub-Event: push") && out.contains("\"ref\""), "{out}");
    let err = run(&["events", "show", "mediawiki.page_edt"], b"").code(2).err();
    assert!(err.contains("mediawiki.page_edit"), "{err}");
}

/// `events list` says how each event is signed (MediaWiki's are not), on a terminal or
/// not; `events show` prints a JSON body pretty, and `--raw` the bytes `send` sends.
#[test]
fn events_list_shows_each_scheme_and_show_prints_pretty() {
    let out = run(&["events", "list"], b"").code(0).out();
    let line = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in\n{out}"))
            .to_string()
    };
    assert_eq!(line("mediawiki.page_edit").split_whitespace().nth(1), Some("unsigned"));
    assert_eq!(line("github.push").split_whitespace().nth(1), Some("github"));
    assert_eq!(line("jira.comment_created").split_whitespace().nth(1), Some("jira"));
    assert_eq!(
        line("intercom.conversation.user.created").split_whitespace().nth(1),
        Some("intercom")
    );

    let shown = run(&["events", "show", "github.push"], b"").code(0).out();
    let body = shown.split("\r\n\r\n").nth(1).unwrap();
    assert!(body.starts_with("{\n  \"ref\": "), "{body}");
    serde_json::from_str::<serde_json::Value>(body).unwrap();
    let raw = run(&["events", "show", "github.push", "--raw"], b"")
        .code(0)
        .stdout
        .clone();
    let raw = String::from_utf8(raw).unwrap();
    let body = raw.split("\r\n\r\n").nth(1).unwrap();
    assert!(body.starts_with("{\"ref\":") && !body.contains('\n'), "{body}");
    // A body that is not JSON is printed as it is.
    let xml = run(&["events", "show", "generic.xml.order"], b"").code(0).out();
    assert!(xml.contains("\r\n\r\n<?xml"), "{xml}");
}

#[test]
fn demo_shows_the_whole_loop() {
    let out = run(&["demo"], b"");
    let (stdout, stderr) = (out.code(0).out(), out.err());
    assert!(
        stdout.contains("✓ github") && stdout.contains("✓ stripe") && stdout.contains("✓ slack"),
        "{stdout}"
    );
    assert!(stdout.contains("✗ shopify (trailing newline added)"), "{stdout}");
    assert!(stdout.contains("--fail-first 2: failure 2 of 2"), "{stdout}");
    assert!(stderr.contains("8 requests received: 7 valid, 1 invalid"), "{stderr}");
    // The banner's lines after the first start where its text does.
    let banner: Vec<&str> = stderr.lines().take(3).collect();
    let indent = "hookcat demo: ".len();
    for l in &banner[1..] {
        assert!(
            l.len() > indent && l[..indent].trim().is_empty() && !l[indent..].starts_with(' '),
            "{banner:#?}"
        );
    }
}

/// Runs hookcat (stopped after 20 s, should it serve instead of refusing) and returns
/// the exit code and stderr.
fn refused(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = hookcat();
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c
        .args(args)
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// What the command line parser says about `args`, which it must refuse (parsed
/// in-process: nothing runs, so a case that parses cannot hang the test).
fn usage_error(args: &[&str]) -> (i32, String) {
    match hookcat::cli::parse_from(std::iter::once("hookcat").chain(args.iter().copied())) {
        Ok(_) => panic!("{args:?} parsed"),
        Err(e) => (e.exit_code(), e.render().to_string()),
    }
}

#[test]
fn a_bad_duration_size_rate_cidr_status_or_header_is_a_usage_error_naming_the_flag() {
    let url = "http://127.0.0.1:9/x";
    let listen = ["listen", "--port", "0", "--no-save"];
    let send = ["send", url, "--event", "github.ping"];
    let replay = ["replay", "--all", "--to", url];
    let verify = ["verify", "--scheme", "github", "--secret", "s"];
    #[rustfmt::skip]
    let cases: &[(&[&str], &[&str], &str, &str)] = &[
        (&listen, &["--max-body", "ten"], "--max-body <SIZE>", "10MiB"),
        (&listen, &["--max-body", "1XB"], "--max-body <SIZE>", "unknown unit"),
        (&listen, &["--header-timeout", "2weeks"], "--header-timeout <DURATION>", "unknown unit"),
        (&listen, &["--body-timeout", "x"], "--body-timeout <DURATION>", "500ms"),
        (&listen, &["--delay=-1s"], "--delay <DURATION>", "500ms"),
        (&listen, &["--expect", "1", "--timeout", "soon"], "--timeout <DURATION>", "500ms"),
        (&listen, &["--allow-ip", "nope/8"], "--allow-ip <CIDR>", "not an IP address"),
        (&listen, &["--allow-ip", "10.0.0.0/33"], "--allow-ip <CIDR>", "prefix over 32"),
        (&listen, &["--rate-limit", "fast"], "--rate-limit <N/s>", "100/s"),
        (&listen, &["--status", "600"], "--status <CODE>", "100 to 599"),
        (&listen, &["--status-sequence", "500,99"], "--status-sequence <LIST>", "100 to 599"),
        (&listen, &["--fail-rate", "1.5"], "--fail-rate <P>", "0.0 to 1.0"),
        (&listen, &["--response-header", "x"], "--response-header <HEADER>", "`Name: value`"),
        (&listen, &["--require-header", ": x"], "--require-header <HEADER>", "is not a header name"),
        (&send, &["--timeout", "2 weeks"], "--timeout <DURATION>", "unknown unit"),
        (&send, &["--rate", "0/s"], "--rate <R/s>", "above 0"),
        (&send, &["--retries=-1"], "--retries <N>", "whole number"),
        (&send, &["-H", "nocolon"], "--header <HEADER>", "`Name: value`"),
        (&replay, &["--rate", "x/s"], "--rate <R/s>", "100/s"),
        (&replay, &["--timeout", "x"], "--timeout <DURATION>", "500ms"),
        (&verify, &["-H", "a b: c"], "--header <HEADER>", "`a b` is not a header name"),
    ];
    for (command, args, flag, reason) in cases {
        let args = [*command, *args].concat();
        let (code, err) = usage_error(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        // clap's usage error: the value, the flag, why, and where to read more.
        assert!(err.contains(&format!("for '{flag}'")), "{args:?}: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
        assert!(err.contains("--help"), "{args:?}: {err}");
        assert!(!err.contains("hookcat: error"), "{args:?}: {err}");
    }
}

/// `hookcat COMMAND --help` through the binary (which must succeed): its stdout.
fn help_of(command: &str) -> String {
    let o = hookcat().args([command, "--help"]).assert().success();
    String::from_utf8(o.get_output().stdout.clone()).unwrap()
}

#[test]
fn environment_variables_are_shown_in_help_and_name_themselves_when_wrong() {
    let help = help_of("send");
    for v in ["HOOKCAT_URL", "HOOKCAT_SCHEME", "HOOKCAT_TIMEOUT", "HOOKCAT_RETRIES"] {
        assert!(
            help.contains(&format!("[env: {v}")),
            "send --help does not show {v}:\n{help}"
        );
    }
    // The URL may carry a token: its value is not shown.
    let (_, help) = refused(&["send", "--help"], &[("HOOKCAT_URL", "http://u:tok3n@127.0.0.1:9/")]);
    assert!(!help.contains("tok3n"), "{help}");
    let (_, help) = {
        let o = hookcat()
            .env("HOOKCAT_URL", "http://u:tok3n@127.0.0.1:9/")
            .args(["send", "--help"])
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    assert!(!help.contains("tok3n") && help.contains("[env: HOOKCAT_URL"), "{help}");

    let dry = ["send", "--event", "github.ping", "--dry-run"];
    // A value from the environment is used...
    let o = hookcat()
        .env("HOOKCAT_URL", "http://127.0.0.1:9/from-env")
        .args(dry)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("/from-env"));
    // ...an empty one counts as unset...
    let (code, err) = refused(
        &[&dry[..], &["http://127.0.0.1:9/x"]].concat(),
        &[("HOOKCAT_TIMEOUT", ""), ("HOOKCAT_RETRIES", ""), ("HOOKCAT_SCHEME", "")],
    );
    assert_eq!(code, Some(0), "{err}");
    // ...and a bad one is a usage error that names the variable, not only the flag.
    for (var, value) in [("HOOKCAT_TIMEOUT", "soon"), ("HOOKCAT_RETRIES", "many")] {
        let (code, err) = refused(&[&dry[..], &["http://127.0.0.1:9/x"]].concat(), &[(var, value)]);
        assert_eq!(code, Some(2), "{var}: {err}");
        assert!(err.contains(var) && err.contains(value), "{var}: {err}");
    }
    // The flag wins over the variable, bad or not.
    let (code, err) = refused(
        &[&dry[..], &["http://127.0.0.1:9/x", "--retries", "1"]].concat(),
        &[("HOOKCAT_RETRIES", "many")],
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn listen_help_reads_in_groups() {
    let help = help_of("listen");
    let mut at = 0;
    for heading in [
        "Verification:",
        "Behaviour:",
        "Forwarding:",
        "Limits:",
        "TLS:",
        "Saving:",
        "Output:",
        "Stopping:",
    ] {
        let i = help
            .find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no {heading}:\n{help}"));
        assert!(i > at, "{heading} out of order:\n{help}");
        at = i;
    }
    // A flag sits under its heading.
    let limits = &help[help.find("\nLimits:\n").unwrap()..];
    let limits = &limits[..limits[1..].find("\n\n").map_or(limits.len(), |i| i + 1)];
    for flag in [
        "--max-body",
        "--allow-ip",
        "--rate-limit",
        "--header-timeout",
        "--body-timeout",
    ] {
        assert!(limits.contains(flag), "{flag} not under Limits:\n{limits}");
    }
}

#[test]
fn a_port_in_use_suggests_port_0() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let err = run(&["listen", "--port", &port, "--no-save"], b"").code(2).err();
    assert!(err.contains("hint:") && err.contains("--port 0"), "{err}");
}

#[test]
fn a_secret_env_given_as_a_shell_expansion_says_to_drop_the_dollar() {
    let err = run(
        &["sign", "--scheme", "github", "--secret-env", "$HOOKCAT_SURELY_UNSET"],
        b"x",
    )
    .code(2)
    .err();
    assert!(
        err.contains("drop the `$`") && err.contains("--secret-env HOOKCAT_SURELY_UNSET"),
        "{err}"
    );
    assert!(!err.contains("export $"), "{err}");
}

#[test]
fn usage_errors_and_hookcats_own_errors_look_alike() {
    // clap's error, in-process and from the binary.
    let err = run(&["send", "--count", "many"], b"").code(2).err();
    assert!(err.starts_with("hookcat: error: "), "{err}");
    hookcat()
        .args(["send", "--nosuch"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("hookcat: error: "));
    // hookcat's own.
    let err = unset_secret_env();
    assert!(err.starts_with("hookcat: error: "), "{err}");
}

#[test]
fn every_argument_of_every_command_has_help() {
    use clap::CommandFactory;
    let mut missing = Vec::new();
    let mut stack = vec![(String::from("hookcat"), hookcat::cli::Cli::command())];
    while let Some((path, cmd)) = stack.pop() {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if a.get_help().is_none_or(|h| h.to_string().trim().is_empty()) {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {} (the command)", sub.get_name()));
            }
            stack.push((format!("{path} {}", sub.get_name()), sub.clone()));
        }
    }
    assert!(missing.is_empty(), "without help text: {missing:#?}");
}

#[test]
fn defaults_and_choices_are_shown_in_help() {
    let help = run(&["send", "--help"], b"").code(0).out();
    for want in ["[default: 10s]", "[default: 0]"] {
        assert!(help.contains(want), "send --help lacks {want}:\n{help}");
    }
    // --scheme lists the schemes, as listen's does.
    let scheme = help.split("--scheme").nth(1).unwrap_or_default();
    assert!(
        scheme.contains("possible values") && scheme.contains("stripe") && scheme.contains("none"),
        "{help}"
    );
}

#[test]
fn flags_that_cannot_mean_anything_are_refused() {
    let url = "http://127.0.0.1:9/x";
    let send = ["send", url, "--event", "github.ping"];
    let listen = ["listen", "--port", "0", "--no-save"];
    let replay = ["replay", "--all", "--to", url];
    #[rustfmt::skip]
    let cases: &[(&[&str], &[&str], &str)] = &[
        (&send, &["-X", "GE T"], "--method"),
        (&send, &["-X", ""], "--method"),
        (&send, &["--count", "0"], "--count"),
        (&send, &["--count", "5", "--concurrency", "0"], "--concurrency"),
        (&replay, &["--concurrency", "0"], "--concurrency"),
        (&listen, &["--expect", "0"], "--expect"),
        (&listen, &["--once", "--expect", "2"], "--once"),
        (&send, &["--concurrency", "4"], "--concurrency"),
        (&send, &["--rate", "10"], "--rate"),
        (&send, &["--print", "curl", "--count", "3"], "--print"),
        (&send, &["--dry-run", "--count", "3"], "--dry-run"),
        (&send, &["--dry-run", "--json"], "--dry-run"),
        (&send, &["--print", "curl", "--json"], "--print"),
        (&send, &["--content-type", "text/plain"], "--content-type"),
        (&send, &["--reveal"], "--reveal"),
        (&listen, &["--fail-first", "2", "--status-sequence", "500,200"], "--fail-first"),
        // The app answers a forwarded request: how the listener would answer does nothing.
        (&listen, &["--forward-to", url, "--status", "500"], "--status"),
        (&listen, &["--forward-to", url, "--body", "hi"], "--body"),
        (&listen, &["--forward-to", url, "--response-header", "X-A: 1"], "--response-header"),
        (&listen, &["--forward-to", url, "--delay", "1s"], "--delay"),
        (&listen, &["--forward-to", url, "--fail-first", "2"], "--fail-first"),
        (&listen, &["--forward-to", url, "--fail-rate", "0.5"], "--fail-rate"),
        (&listen, &["--forward-to", url, "--status-sequence", "500,200"], "--status-sequence"),
        (&listen, &["--forward-to", url, "--hang"], "--hang"),
        (&listen, &["--forward-to", url, "--drop"], "--drop"),
        (&listen, &["--forward-timeout", "5s"], "--forward-to"),
        (&listen, &["--rewrite-host"], "--forward-to"),
    ];
    for (command, args, flag) in cases {
        let args = [*command, *args].concat();
        let (code, err) = usage_error(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
    // What they still take.
    for ok in [
        &[&send[..], &["-X", "PURGE"]].concat()[..],
        &[&send[..], &["--count", "1", "--concurrency", "1", "--rate", "5"]].concat()[..],
        &[&listen[..], &["--once"]].concat()[..],
        &[&listen[..], &["--expect", "1"]].concat()[..],
        &[&send[..], &["--reveal", "--dry-run"]].concat()[..],
        &[&send[..], &["--reveal", "--print", "curl"]].concat()[..],
        &[&send[..], &["--reveal", "-v"]].concat()[..],
        &[
            &listen[..],
            &[
                "--forward-to",
                url,
                "--forward-timeout",
                "5s",
                "--rewrite-host",
                "--no-handshake",
            ],
        ]
        .concat()[..],
    ] {
        let parsed = hookcat::cli::parse_from(std::iter::once("hookcat").chain(ok.iter().copied()));
        assert!(
            parsed.is_ok(),
            "{ok:?}: {}",
            parsed.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }
}

/// Every URL taken as curl takes it says so in its help.
#[test]
fn every_url_argument_says_it_takes_the_short_forms() {
    for (cmd, flag) in [
        (&["send"][..], "[URL]"),
        (&["check"][..], "[URL]"),
        (&["replay"][..], "--to <URL>"),
        (&["captures", "export"][..], "--to <URL>"),
        (&["listen"][..], "--forward-to <URL>"),
    ] {
        let help = run(&[cmd, &["--help"]].concat(), b"").code(0).out();
        let at = help.rfind(flag).unwrap_or_else(|| panic!("{cmd:?}: {help}"));
        let text: String = help[at..].chars().take(400).collect();
        assert!(text.contains(":3000"), "{cmd:?} {flag}: {text}");
    }
}

/// A URL a provider signs (Twilio, Square) is compared as written: one without its
/// scheme can never match, and is refused with the whole form.
#[test]
fn a_signed_url_without_its_scheme_is_refused_with_the_whole_form() {
    for args in [
        &["listen", "--no-save", "--public-url", "example.com/hook"][..],
        &["verify", "--scheme", "twilio", "--url", "example.com/hook"][..],
        &["check", "http://127.0.0.1:9/", "--public-url", "example.com/hook"][..],
    ] {
        let (code, err) = usage_error(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("`https://example.com/hook`"), "{args:?}: {err}");
    }
    for ok in [
        &["listen", "--public-url", "https://abc.ngrok.app/twilio?x=1"][..],
        &["verify", "--scheme", "twilio", "--url", "HTTP://example.com:8080/sms"][..],
    ] {
        let parsed = hookcat::cli::parse_from(std::iter::once("hookcat").chain(ok.iter().copied()));
        assert!(parsed.is_ok(), "{ok:?}");
    }
}

/// A config target gives `send` its timeout and retries; `replay` has no target, and its
/// help does not offer one.
#[test]
fn only_send_offers_a_config_targets_timeout() {
    let replay = run(&["replay", "--help"], b"").code(0).out();
    assert!(!replay.contains("config target"), "{replay}");
    let send = run(&["send", "--help"], b"").code(0).out();
    assert!(send.contains("config target's `timeout`"), "{send}");
}

/// `captures prune` takes a log, not captures: its help says so.
#[test]
fn prune_help_names_a_log_not_captures() {
    let help = run(&["captures", "prune", "--help"], b"").code(0).out();
    assert!(help.contains("captures prune [OPTIONS] [LOG]"), "{help}");
    assert!(!help.contains("last~N"), "{help}");
}

/// A count of zero is refused in words, not with the largest number the type holds.
#[test]
fn a_zero_count_says_what_is_taken() {
    for args in [
        &["send", "http://127.0.0.1:9/x", "--event", "github.ping", "--count", "0"][..],
        &["replay", "--all", "--to", "http://127.0.0.1:9/x", "--concurrency", "0"][..],
        &["listen", "--expect", "0"][..],
    ] {
        let (code, err) = usage_error(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("expected a whole number, 1 or more"), "{args:?}: {err}");
        assert!(!err.contains("18446744073709551615"), "{args:?}: {err}");
    }
}

#[test]
fn help_for_a_missing_subcommand_is_left_as_clap_writes_it() {
    let err = run(&["events"], b"").code(2).err();
    assert!(!err.contains("hookcat: error:"), "{err}");
    assert!(err.contains("Usage:"), "{err}");
}
