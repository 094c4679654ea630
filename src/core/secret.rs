//! Secrets: where they come from (`--secret-env`, `--secret-file`, `--secret`) and a
//! type that never shows its bytes in `Debug` or `Display`, so a secret cannot end up
//! in a log line, an error message or a capture record by accident.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a secret was read from. Safe to print: it names the source, not the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
    Arg,
    Generated,
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(v) => write!(f, "environment variable {v}"),
            SecretSource::File(p) => write!(f, "file {}", p.display()),
            SecretSource::Arg => write!(f, "--secret"),
            SecretSource::Generated => write!(f, "a generated key"),
        }
    }
}

/// A secret's bytes. `Debug` prints only its source and length.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    bytes: Vec<u8>,
    source: SecretSource,
    /// A trailing newline was stripped when the secret was read from a file.
    pub stripped_newline: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable `{0}` is not set")]
    EnvMissing(String),
    #[error("environment variable `{0}` is empty")]
    EnvEmpty(String),
    #[error("reading secret file `{path}`: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the secret from {0} is empty")]
    Empty(SecretSource),
}

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>, source: SecretSource) -> Self {
        Secret {
            bytes: bytes.into(),
            source,
            stripped_newline: false,
        }
    }

    /// Reads the secret from an environment variable, as it is.
    pub fn from_env(var: &str) -> Result<Secret, SecretError> {
        let v = std::env::var_os(var).ok_or_else(|| SecretError::EnvMissing(var.to_string()))?;
        if v.is_empty() {
            return Err(SecretError::EnvEmpty(var.to_string()));
        }
        Ok(Secret::new(os_bytes(v), SecretSource::Env(var.to_string())))
    }

    /// Reads the secret from a file, with one trailing newline (`\n` or `\r\n`) removed:
    /// `echo secret > file` is the common way to make one.
    pub fn from_file(path: &Path) -> Result<Secret, SecretError> {
        let mut bytes = std::fs::read(path).map_err(|source| SecretError::File {
            path: path.to_path_buf(),
            source,
        })?;
        let mut stripped = false;
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
            stripped = true;
        }
        if bytes.is_empty() {
            return Err(SecretError::Empty(SecretSource::File(path.to_path_buf())));
        }
        Ok(Secret {
            bytes,
            source: SecretSource::File(path.to_path_buf()),
            stripped_newline: stripped,
        })
    }

    /// A secret given on the command line (visible in shell history and `ps`).
    pub fn from_arg(value: &str) -> Result<Secret, SecretError> {
        if value.is_empty() {
            return Err(SecretError::Empty(SecretSource::Arg));
        }
        Ok(Secret::new(value.as_bytes().to_vec(), SecretSource::Arg))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret as text, when it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// The same source with other bytes: used by the diagnosis to try variants.
    pub fn with_bytes(&self, bytes: Vec<u8>) -> Secret {
        Secret {
            bytes,
            source: self.source.clone(),
            stripped_newline: false,
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes from {}>)", self.bytes.len(), self.source)
    }
}

#[cfg(unix)]
fn os_bytes(v: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    v.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(v: std::ffi::OsString) -> Vec<u8> {
    v.to_string_lossy().into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::from_arg("hunter2").unwrap();
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("7 bytes"));
    }

    #[test]
    fn file_strips_one_newline() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s");
        std::fs::write(&p, "abc\n\n").unwrap();
        let s = Secret::from_file(&p).unwrap();
        assert_eq!(s.bytes(), b"abc\n");
        assert!(s.stripped_newline);
        std::fs::write(&p, "abc\r\n").unwrap();
        assert_eq!(Secret::from_file(&p).unwrap().bytes(), b"abc");
        std::fs::write(&p, "abc").unwrap();
        assert!(!Secret::from_file(&p).unwrap().stripped_newline);
        std::fs::write(&p, "\n").unwrap();
        assert!(matches!(Secret::from_file(&p), Err(SecretError::Empty(_))));
    }

    #[test]
    fn env_missing_names_the_variable() {
        let e = Secret::from_env("HOOKCAT_TEST_SURELY_UNSET_VAR").unwrap_err();
        assert!(e.to_string().contains("HOOKCAT_TEST_SURELY_UNSET_VAR"));
    }
}
