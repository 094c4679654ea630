//! Configuration files: `hookcat.toml` in the working directory (or `--config FILE`),
//! then the user's config directory (`~/.config/hookcat/config.toml`). Named targets
//! say where and how to send:
//!
//! ```toml
//! [targets.local]
//! url = "http://localhost:3000/webhooks"
//! scheme = "github"
//! secret_env = "GITHUB_WEBHOOK_SECRET"
//! headers = { "X-Env" = "dev" }
//! ```
//!
//! A project file's target overrides the user file's target of the same name, key by
//! key; flags and environment variables override both (the command decides that).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub url: Option<String>,
    pub scheme: Option<String>,
    pub secret_env: Option<String>,
    pub secret_file: Option<PathBuf>,
    pub event: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub timeout: Option<String>,
    pub retries: Option<u32>,
}

impl Target {
    /// `self` with every key `over` sets replaced.
    fn merged(mut self, over: Target) -> Target {
        self.url = over.url.or(self.url);
        self.scheme = over.scheme.or(self.scheme);
        if over.secret_env.is_some() || over.secret_file.is_some() {
            self.secret_env = over.secret_env;
            self.secret_file = over.secret_file;
        }
        self.event = over.event.or(self.event);
        self.headers.extend(over.headers);
        self.timeout = over.timeout.or(self.timeout);
        self.retries = over.retries.or(self.retries);
        self
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub targets: BTreeMap<String, Target>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading config `{path}`: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("no target `{name}` in {searched}{}", if .known.is_empty() { String::new() } else { format!(" (known: {})", .known.join(", ")) })]
    NoTarget {
        name: String,
        searched: String,
        known: Vec<String>,
    },
}

/// The files that were read, in increasing precedence, and what they hold.
#[derive(Debug, Default)]
pub struct Config {
    pub files: Vec<(PathBuf, ConfigFile)>,
}

fn read(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The user's config file: `$HOOKCAT_CONFIG_DIR/config.toml` or the platform config dir.
pub fn user_config_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HOOKCAT_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("config.toml"));
    }
    dirs::config_dir().map(|d| d.join("hookcat").join("config.toml"))
}

impl Config {
    /// Loads the user file (if any), then `explicit` or `./hookcat.toml` (if any).
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, ConfigError> {
        let mut files = Vec::new();
        if let Some(u) = user_config_path().filter(|p| p.is_file()) {
            files.push((u.clone(), read(&u)?));
        }
        match explicit {
            Some(p) => files.push((p.to_path_buf(), read(p)?)),
            None => {
                let p = cwd.join("hookcat.toml");
                if p.is_file() {
                    files.push((p.clone(), read(&p)?));
                }
            }
        }
        Ok(Config { files })
    }

    /// The target `name`, merged across the files.
    pub fn target(&self, name: &str) -> Result<Target, ConfigError> {
        let mut found: Option<Target> = None;
        for (_, f) in &self.files {
            if let Some(t) = f.targets.get(name) {
                found = Some(match found {
                    Some(base) => base.merged(t.clone()),
                    None => t.clone(),
                });
            }
        }
        found.ok_or_else(|| {
            let mut known: Vec<String> = self.files.iter().flat_map(|(_, f)| f.targets.keys().cloned()).collect();
            known.sort();
            known.dedup();
            let searched = if self.files.is_empty() {
                "any config file (none found: ./hookcat.toml or the user config)".to_string()
            } else {
                self.files
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            ConfigError::NoTarget {
                name: name.to_string(),
                searched,
                known,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_overrides_user_key_by_key() {
        let user: ConfigFile = toml::from_str(
            "[targets.local]\nurl = \"http://a\"\nscheme = \"github\"\nsecret_env = \"U\"\nheaders = { X-A = \"1\" }\n",
        )
        .unwrap();
        let project: ConfigFile =
            toml::from_str("[targets.local]\nurl = \"http://b\"\nheaders = { X-B = \"2\" }\n").unwrap();
        let c = Config {
            files: vec![("u".into(), user), ("p".into(), project)],
        };
        let t = c.target("local").unwrap();
        assert_eq!(t.url.as_deref(), Some("http://b"));
        assert_eq!(t.scheme.as_deref(), Some("github"));
        assert_eq!(t.secret_env.as_deref(), Some("U"));
        assert_eq!(t.headers.len(), 2);
        let e = c.target("prod").unwrap_err().to_string();
        assert!(e.contains("known: local"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(toml::from_str::<ConfigFile>("[targets.x]\nurll = \"typo\"\n").is_err());
    }
}
