//! The one place that maps outcomes and errors to exit codes and error messages.
//!
//! `0` success · `1` a negative answer · `2` usage, configuration or input error ·
//! `130` interrupted. Errors print as `hookcat: error: …` then `hint: …`.

use std::io::Write;

use crate::core::scheme::SchemeError;
use crate::core::secret::SecretError;
use crate::output::Painter;

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: invalid signature, not delivered, expectation not met.
    Negative,
    /// Exit 130: stopped by Ctrl-C after cleaning up.
    Interrupted,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Negative => 1,
            Outcome::Interrupted => 130,
        }
    }

    pub fn from_bool(ok: bool) -> Outcome {
        if ok {
            Outcome::Success
        } else {
            Outcome::Negative
        }
    }
}

/// An input error with a suggestion of what to do.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Hinted {
    pub message: String,
    pub hint: String,
}

/// Makes an error with a hint.
pub fn hinted(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    Hinted {
        message: message.into(),
        hint: hint.into(),
    }
    .into()
}

/// The suggestion for an error, from an explicit [`Hinted`] or from the core error kind.
pub fn hint_for(err: &anyhow::Error) -> Option<String> {
    for cause in err.chain() {
        if let Some(h) = cause.downcast_ref::<Hinted>() {
            return Some(h.hint.clone());
        }
        if let Some(e) = cause.downcast_ref::<SchemeError>() {
            return match e {
                SchemeError::MissingHeader { header, .. } => Some(format!(
                    "pass it with -H '{header}: …', or read a header block with --headers-file"
                )),
                SchemeError::NeedsUrl(_) => {
                    Some("give the exact URL the provider calls, e.g. --url https://example.com/webhooks?x=1".into())
                }
                SchemeError::Undetected => {
                    Some("name the scheme with --scheme (see `hookcat sign --help` for the list)".into())
                }
                SchemeError::BadKey { .. } => Some("`hookcat keygen --scheme NAME` shows the key format".into()),
                _ => None,
            };
        }
        if let Some(crate::core::server::ServerError::Bind { source, .. }) = cause.downcast_ref() {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                return Some(
                    "another program uses that port: pick another with --port, or --port 0 for a free one".into(),
                );
            }
        }
        if let Some(e) = cause.downcast_ref::<SecretError>() {
            return match e {
                // `--secret-env '$GH'`: the name was given with the shell's `$`.
                SecretError::EnvMissing(v) => Some(match v.strip_prefix('$') {
                    Some(name) => format!("drop the `$`: --secret-env {name} (hookcat reads the variable by its name)"),
                    None => format!("export {v}=… first, or use --secret-file PATH"),
                }),
                _ => None,
            };
        }
    }
    None
}

/// Is this error a closed stdout (`hookcat … | head`)? Then exit 0 quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit code of a command's result; an error is printed on `stderr` first.
pub fn code(result: anyhow::Result<Outcome>, p: &Painter, stderr: &mut dyn Write) -> u8 {
    match result {
        Ok(outcome) => outcome.code(),
        Err(err) => report(&err, p, stderr),
    }
}

/// Prints an error and returns its exit code (2, or 0 for a broken pipe).
pub fn report(err: &anyhow::Error, p: &Painter, stderr: &mut dyn Write) -> u8 {
    if is_broken_pipe(err) {
        return 0;
    }
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    let _ = writeln!(
        stderr,
        "{} {}",
        p.red_bold("hookcat: error:"),
        crate::output::sanitize(&msg)
    );
    if let Some(h) = hint_for(err) {
        let _ = writeln!(
            stderr,
            "{} {}",
            p.cyan("hint:"),
            crate::output::sanitize(&h.to_string())
        );
    }
    let _ = stderr.flush();
    2
}

/// Prints what clap has to say (help and version on stdout, a usage error on stderr)
/// and returns clap's exit code (0, or 2 for a usage error). A usage error starts
/// `hookcat: error:`, as hookcat's own errors do.
pub fn usage(e: &clap::Error, io: &mut crate::output::Io) -> u8 {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    if !e.use_stderr() {
        if io.is_process() {
            // clap decides the colours for the process's own streams.
            let _ = e.print();
        } else {
            let _ = io.stdout.write_all(e.render().to_string().as_bytes());
            let _ = io.stdout.flush();
        }
        return code;
    }
    let styled = e.render();
    let colour = io.is_process()
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb");
    let plain = styled.to_string();
    let text = if colour {
        styled.ansi().to_string()
    } else {
        plain.clone()
    };
    // (The help shown for a missing subcommand is no error message: left as it is.)
    let text = if plain.starts_with("error:") {
        house_style(&text)
    } else {
        text
    };
    let _ = io.stderr.write_all(text.as_bytes());
    let _ = io.stderr.flush();
    code
}

/// clap's message with its first `error:` written `hookcat: error:`.
fn house_style(text: &str) -> String {
    text.replacen("error:", "hookcat: error:", 1)
}
