//! Cheap guards: help, version, exit codes, colour settings, and that the committed
//! completions and man page are what the binary generates.

mod common;

use common::hookcat;
use predicates::prelude::*;

#[test]
fn help_lists_every_subcommand_and_the_exit_codes() {
    let out = hookcat().arg("--help").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for c in [
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
    ] {
        assert!(text.contains(&format!("\n  {c} ")), "--help does not list {c}:\n{text}");
    }
    assert!(text.contains("Exit codes:") && text.contains("130"), "{text}");
}

#[test]
fn every_subcommand_has_help() {
    for c in [
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
    ] {
        hookcat().args([c, "--help"]).assert().success();
    }
}

#[test]
fn version() {
    hookcat()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
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
    hookcat()
        .args(["verify", "--scheme", "stripe", "--secret", "whsec_x"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "hookcat: error: the request has no `Stripe-Signature` header",
        ))
        .stderr(predicate::str::contains("hint: pass it with -H"));
    hookcat()
        .args(["sign", "--scheme", "github", "--secret-env", "HOOKCAT_SURELY_UNSET"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`HOOKCAT_SURELY_UNSET` is not set"))
        .stderr(predicate::str::contains("hint: export HOOKCAT_SURELY_UNSET"));
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
        // The binary prints the same bytes.
        let printed = hookcat()
            .args(["completions", &shell.to_string()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(printed, generated);
        check_fresh(file, &generated);
    }
}

#[test]
fn committed_man_page_is_fresh() {
    let generated = hookcat::cmd::completions::man_page().unwrap();
    let printed = hookcat().arg("man").assert().success().get_output().stdout.clone();
    assert_eq!(printed, generated);
    check_fresh("man/hookcat.1", &generated);
}

#[test]
fn keygen_formats() {
    let out = hookcat()
        .args(["keygen", "--scheme", "standard-webhooks", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["secret"].as_str().unwrap().starts_with("whsec_"));
    let out = hookcat()
        .args(["keygen", "--scheme", "svix"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().starts_with("whsec_"));
    let out = hookcat()
        .args(["keygen", "--scheme", "standard-webhooks-v1a", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["private_key"].as_str().unwrap().starts_with("whsk_"));
    assert!(v["public_key"].as_str().unwrap().starts_with("whpk_"));
    let out = hookcat()
        .args(["keygen", "--scheme", "discord", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["private_key"].as_str().unwrap().len(), 64);
    assert_eq!(v["public_key"].as_str().unwrap().len(), 64);
}

#[test]
fn events_list_and_show() {
    let out = hookcat()
        .args(["events", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(v.len() >= 40);
    for e in &v {
        for k in ["name", "provider", "description", "content_type"] {
            assert!(e[k].is_string(), "{e}");
        }
    }
    let providers: std::collections::BTreeSet<_> = v.iter().map(|e| e["provider"].as_str().unwrap()).collect();
    assert!(providers.len() >= 10);
    assert!(v.iter().any(|e| e["content_type"].as_str().unwrap().contains("xml")));
    let out = hookcat()
        .args(["events", "list", "--provider", "github", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let gh: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(gh.iter().all(|e| e["provider"] == "github") && gh.len() >= 6);
    hookcat()
        .args(["events", "show", "github.push"])
        .assert()
        .success()
        .stdout(predicate::str::contains("X-GitHub-Event: push"))
        .stdout(predicate::str::contains("\"ref\""));
    hookcat()
        .args(["events", "show", "mediawiki.page_edt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mediawiki.page_edit"));
}

#[test]
fn demo_shows_the_whole_loop() {
    let dir = common::tempdir();
    let out = common::hookcat_in(dir.path())
        .arg("demo")
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("✓ github") && stdout.contains("✓ stripe") && stdout.contains("✓ slack"),
        "{stdout}"
    );
    assert!(stdout.contains("✗ shopify (trailing newline added)"), "{stdout}");
    assert!(stdout.contains("--fail-first 2: failure 2 of 2"), "{stdout}");
    assert!(stderr.contains("8 requests received: 7 valid, 1 invalid"), "{stderr}");
}
