//! Small conversions shared by the commands: secret flags to a [`Secret`], generic
//! flags to [`GenericParams`], a body argument to a [`Body`], the tokio runtime, and
//! the capture log and ids that `captures` and `replay` are given (which log, opening
//! it, its errors as messages with a hint).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{GenericArgs, HashAlg, SecretArgs, SelectArgs, SigEncoding, TargetArgs};
use crate::core::body::Body;
use crate::core::capture::{default_log_path, CaptureError};
use crate::core::config::{Config, Target};
use crate::core::replay::ReplayError;
use crate::core::scheme::hmac::{Alg, Encoding};
use crate::core::scheme::GenericParams;
use crate::core::secret::Secret;
use crate::core::select::{self, Selection, FILTER_KEYS};
use crate::exit::hinted;
use crate::output::sanitize_line;

/// `--add` and `--set` as overrides: the additions first, so that a field added can be set.
pub fn overrides(adds: &[String], sets: &[String]) -> anyhow::Result<Vec<crate::core::event::Override>> {
    let adds = adds.iter().map(|s| crate::core::event::parse_addition(s));
    let sets = sets.iter().map(|s| crate::core::event::parse_override(s));
    Ok(adds.chain(sets).collect::<Result<Vec<_>, _>>()?)
}

/// The config file's target that `--target NAME` names (its URL completed as a typed one
/// is); an empty one without `--target`. The config file (`--config`, or the default one)
/// is read either way.
pub fn target(a: &TargetArgs) -> anyhow::Result<Target> {
    let config = Config::load(a.config.as_deref(), &std::env::current_dir().unwrap_or_default())?;
    let Some(name) = &a.name else {
        return Ok(Target::default());
    };
    let mut target = config.target(name)?;
    // Its URL is completed as one typed on the command line is.
    if let Some(u) = &target.url {
        target.url = Some(
            crate::core::url::normalize(u).with_context(|| format!("the url of target `{name}` in the config file"))?,
        );
    }
    Ok(target)
}

/// The secret from whichever flag was given, if any.
pub fn secret(a: &SecretArgs) -> anyhow::Result<Option<Secret>> {
    Ok(if let Some(v) = &a.secret_env {
        Some(Secret::from_env(v)?)
    } else if let Some(p) = &a.secret_file {
        Some(Secret::from_file(p)?)
    } else if let Some(s) = &a.secret {
        Some(Secret::from_arg(s)?)
    } else {
        None
    })
}

/// The secret, which this command cannot do without.
pub fn require_secret(a: &SecretArgs, what: &str) -> anyhow::Result<Secret> {
    secret(a)?.ok_or_else(|| {
        hinted(
            format!("{what} needs a secret"),
            "give one of --secret-env VAR, --secret-file PATH or --secret VALUE",
        )
    })
}

pub fn generic(a: &GenericArgs) -> GenericParams {
    GenericParams {
        alg: match a.algorithm {
            HashAlg::Sha1 => Alg::Sha1,
            HashAlg::Sha256 => Alg::Sha256,
            HashAlg::Sha512 => Alg::Sha512,
        },
        encoding: match a.encoding {
            SigEncoding::Hex => Encoding::Hex,
            SigEncoding::Base64 => Encoding::Base64,
        },
        header: a.header_name.clone(),
        prefix: a.prefix.clone(),
    }
}

/// The capture log and the captures named, from a command's `[LOG|ID]...` items and
/// `--file`: an item that names a log ([`select::names_a_log`]) is the log, checked to
/// be a file; the others are captures. No log named is the listener's default log.
pub fn log_and_ids(items: &[String], file: Option<&Path>) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let mut log = file.map(Path::to_path_buf);
    if let Some(f) = &log {
        check_log_path(f)?;
    }
    let mut ids = Vec::new();
    for item in items {
        if select::names_a_log(item) {
            let p = Path::new(item);
            check_log_path(p)?;
            if let Some(prev) = &log {
                return Err(hinted(
                    format!(
                        "two capture logs given: `{}` and `{}`",
                        sanitize_line(&prev.display().to_string()),
                        sanitize_line(item)
                    ),
                    "name one log: the other items are capture ids",
                ));
            }
            log = Some(p.to_path_buf());
        } else {
            ids.push(item.clone());
        }
    }
    Ok((log.unwrap_or_else(default_log_path), ids))
}

/// What to do when there is no capture log.
const NO_LOG_HINT: &str =
    "capture some requests with `hookcat listen`, or name a capture log file (`hookcat listen --save FILE` writes one)";

/// Refuses a log path that is missing or not a regular file, naming it and what it is.
pub fn check_log_path(p: &Path) -> anyhow::Result<()> {
    let path = p.display().to_string();
    let shown = sanitize_line(&path);
    let hint = NO_LOG_HINT;
    let m = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(hinted(
                format!("no capture log at `{shown}`: the file does not exist"),
                hint,
            ))
        }
        Err(e) => return Err(hinted(format!("cannot read the capture log `{shown}`: {e}"), hint)),
    };
    if m.is_file() {
        return Ok(());
    }
    if m.is_dir() {
        return Err(hinted(format!("`{shown}` is a directory, not a capture log"), hint));
    }
    let kind = file_kind(&m);
    Err(hinted(
        format!("`{shown}` is not a regular file ({kind}): a capture log is read from a file"),
        "save the stream to a file first, then read that file",
    ))
}

/// What a path that is neither a file nor a directory is.
fn file_kind(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a file"
}

/// A body argument: a file path, or `-`/nothing for standard input (read whole).
pub fn body_arg(file: Option<&Path>, stdin_tty: bool, stdin: &mut dyn Read) -> anyhow::Result<Body> {
    match file {
        Some(p) if p != Path::new("-") => {
            Body::file(p.to_path_buf()).with_context(|| format!("reading body file `{}`", p.display()))
        }
        _ => {
            if stdin_tty {
                return Err(hinted(
                    "no body given",
                    "pass a FILE, or pipe the body in: `hookcat … < body.json` (use /dev/null for an empty body)",
                ));
            }
            let mut v = Vec::new();
            stdin
                .read_to_end(&mut v)
                .context("reading the body from standard input")?;
            Ok(Body::Mem(v))
        }
    }
}

/// A multi-threaded tokio runtime for the network commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Ctrl-C (SIGINT) or SIGTERM (a service manager, `timeout`, CI stopping a job): both
/// stop a command the same way, after it flushes and prints its summary. Listened for
/// from the moment this is made (so a signal that arrives before the first `recv` is
/// not lost, and never kills the process half-way).
pub struct Interrupt {
    #[cfg(unix)]
    sig: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Interrupt {
    /// Must be called inside the runtime.
    pub fn new() -> anyhow::Result<Interrupt> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let sig = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
            let term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
            Ok(Interrupt { sig, term })
        }
        #[cfg(not(unix))]
        Ok(Interrupt {})
    }

    /// Resolves at the next Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.sig.recv() => {}
                _ = self.term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The log named, or the listener's default log.
pub fn log_path(p: Option<&Path>) -> PathBuf {
    p.map(Path::to_path_buf).unwrap_or_else(default_log_path)
}

/// Opens a capture log for streaming.
pub fn open_log(path: &Path) -> anyhow::Result<std::io::BufReader<std::fs::File>> {
    match crate::core::capture::open_log(path) {
        Ok(r) => Ok(r),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(hinted(
            format!(
                "no capture log at `{}`: the file does not exist",
                sanitize_line(&path.display().to_string())
            ),
            NO_LOG_HINT,
        )),
        Err(e) => Err(anyhow::Error::new(e).context(format!("opening the capture log `{}`", path.display()))),
    }
}

/// A capture log error as a message, with a hint where there is one.
pub fn capture_error(e: CaptureError, log: &Path) -> anyhow::Error {
    match e {
        CaptureError::NewerVersion { .. } => hinted(
            format!("{}: {e}", log.display()),
            "upgrade hookcat to read this log (`hookcat --version` shows this one)",
        ),
        e => anyhow::Error::new(e).context(format!("reading `{}`", log.display())),
    }
}

/// A selection error as a message, with a hint where there is one.
pub fn explain(e: ReplayError, log: &Path) -> anyhow::Error {
    let list = format!(
        "`hookcat captures list {}` shows the short ids (enough to name a capture), or name one `last` or `last~N`",
        log.display()
    );
    match e {
        ReplayError::Capture(c) => capture_error(c, log),
        ReplayError::UnknownIds(_) => hinted(format!("{e} in `{}`", log.display()), list),
        ReplayError::Ambiguous { .. } => hinted(e.to_string(), "give more characters of the id"),
        ReplayError::NothingSelected => hinted(
            "nothing selected",
            "give capture ids, --last N, --all or --filter KEY=VALUE (`hookcat captures list` shows the ids)",
        ),
        ReplayError::Empty => hinted(
            format!("the selection is empty: no capture in `{}` matches", log.display()),
            format!("`hookcat captures list {}` shows what the log holds", log.display()),
        ),
        ReplayError::BadFilter { .. } => hinted(
            e.to_string(),
            format!("keys: {FILTER_KEYS}; e.g. --filter provider=github --filter status=5xx"),
        ),
        e => e.into(),
    }
}

/// The selection from the ids named and `--last`, `--all`, `--filter`, `--since`.
pub fn selection(ids: Vec<String>, a: &SelectArgs, log: &Path) -> anyhow::Result<Selection> {
    let filters = a
        .filters
        .iter()
        .map(|f| select::parse_filter(f).map_err(|e| explain(e, log)))
        .collect::<anyhow::Result<_>>()?;
    let since = a
        .since
        .as_deref()
        .map(|s| select::parse_since(s, jiff::Timestamp::now()))
        .transpose()?;
    Ok(Selection {
        ids,
        last: a.last,
        all: a.all,
        filters,
        since,
    })
}
