//! Prompts (dialoguer) for `send` on a terminal: provider, event, URL and where the
//! secret comes from. Only called when stdin and stderr are terminals and `--no-input`
//! was not given; every prompted value also has a flag, and [`equivalent_command`]
//! gives the command line that does the same without the prompts.
//!
//! Lists filter as the user types (dialoguer's `FuzzySelect`); a variable or file that
//! gives no secret is asked for again, with the reason, rather than ending the wizard.

use anyhow::Context;
use dialoguer::{FuzzySelect, Input, Password, Select};

use crate::core::event::{catalog, CatalogEntry};
use crate::core::export::shell_quote;
use crate::core::scheme::names;
use crate::core::secret::{Secret, SecretSource};

pub struct Answers {
    pub url: Option<String>,
    pub event: Option<String>,
    /// The scheme chosen for an event its provider does not sign, when a secret was
    /// given to sign it with anyway.
    pub scheme: Option<String>,
    pub secret: Option<Secret>,
}

/// What the command line left out, and what it said.
pub struct Asked<'a> {
    pub url: bool,
    pub event: bool,
    /// No secret was given (by a flag or the config target): the wizard offers one.
    pub secret: bool,
    /// The event given on the command line, when `event` is false.
    pub given_event: Option<&'a str>,
    /// The scheme given with `--scheme`.
    pub given_scheme: Option<&'a str>,
}

fn fuzzy<T: std::fmt::Display>(prompt: &str, items: &[T]) -> anyhow::Result<usize> {
    FuzzySelect::with_theme(&dialoguer::theme::SimpleTheme)
        .with_prompt(format!("{prompt} (type to filter)"))
        .items(items)
        .default(0)
        .interact()
        .context("prompt")
}

pub fn send_prompts(asked: &Asked<'_>) -> anyhow::Result<Answers> {
    let theme = dialoguer::theme::SimpleTheme;
    let mut a = Answers {
        url: None,
        event: None,
        scheme: None,
        secret: None,
    };
    let mut entry: Option<&CatalogEntry> = asked.given_event.and_then(|n| catalog().iter().find(|e| e.name == n));
    if asked.event {
        let mut providers: Vec<&str> = catalog().iter().map(|e| e.provider.as_str()).collect();
        providers.dedup();
        let p = fuzzy("Provider", &providers)?;
        let events: Vec<&CatalogEntry> = catalog().iter().filter(|e| e.provider == providers[p]).collect();
        let labels: Vec<String> = events
            .iter()
            .map(|e| format!("{:<40} {}", e.name, e.description))
            .collect();
        let i = fuzzy("Event", &labels)?;
        a.event = Some(events[i].name.clone());
        entry = Some(events[i]);
    }
    if asked.secret && asked.given_scheme != Some("none") {
        let scheme = asked
            .given_scheme
            .map(str::to_string)
            .or_else(|| entry.and_then(|e| e.scheme.clone()));
        let unsigned = match (&scheme, entry) {
            (None, Some(e)) => format!("no secret (send unsigned: {} does not sign its events)", e.provider),
            _ => "no secret (send unsigned)".to_string(),
        };
        let choices = [
            unsigned.as_str(),
            "from an environment variable",
            "from a file",
            "type it (hidden)",
        ];
        let prompt = match &scheme {
            Some(s) => format!("Secret to sign with ({s})"),
            None => "Secret to sign with".to_string(),
        };
        let c = Select::with_theme(&theme)
            .with_prompt(prompt)
            .items(choices)
            .default(0)
            .interact()
            .context("prompt")?;
        a.secret = match c {
            1 => {
                let v: String = Input::with_theme(&theme)
                    .with_prompt("Variable")
                    .validate_with(|v: &String| env_problem(v).map_or(Ok(()), Err))
                    .interact_text()
                    .context("prompt")?;
                Some(Secret::from_env(variable_name(&v))?)
            }
            2 => {
                let p: String = Input::with_theme(&theme)
                    .with_prompt("File")
                    .validate_with(|p: &String| {
                        Secret::from_file(std::path::Path::new(p))
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                    .interact_text()
                    .context("prompt")?;
                Some(Secret::from_file(std::path::Path::new(&p))?)
            }
            3 => {
                let s = Password::with_theme(&theme)
                    .with_prompt("Secret")
                    .interact()
                    .context("prompt")?;
                Some(Secret::new(s.into_bytes(), SecretSource::Arg))
            }
            _ => None,
        };
        if a.secret.is_some() && scheme.is_none() {
            let all = names();
            a.scheme = Some(all[fuzzy("Scheme to sign with", all)?].to_string());
        }
    }
    if asked.url {
        let u: String = Input::with_theme(&theme)
            .with_prompt("URL")
            .default("http://127.0.0.1:9000/webhooks".into())
            .validate_with(|u: &String| crate::core::url::normalize(u).map(drop).map_err(|e| e.reason()))
            .interact_text()
            .context("prompt")?;
        a.url = Some(u);
    }
    Ok(a)
}

/// The variable name as typed, without the `$` a shell user may put before it.
fn variable_name(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('$').unwrap_or(v)
}

/// Why the variable `typed` gives no secret (asked again with this message), or `None`.
fn env_problem(typed: &str) -> Option<String> {
    let name = variable_name(typed);
    if name.is_empty() {
        return Some("type the name of an environment variable that holds the secret".into());
    }
    Secret::from_env(name).err().map(|e| {
        let export = format!("export {name}=… in the shell that runs hookcat, or pick another source");
        format!("{e}: {export}")
    })
}

/// The environment variable the equivalent command names for a secret that was typed
/// (its value is never printed): `GITHUB_WEBHOOK_SECRET` for `github`.
pub fn variable_for(scheme: Option<&str>) -> String {
    match scheme {
        Some(s) => format!("{}_WEBHOOK_SECRET", s.to_ascii_uppercase().replace('-', "_")),
        None => "WEBHOOK_SECRET".to_string(),
    }
}

/// The command line that does what the wizard's answers do: `hookcat send URL --event
/// NAME`, with `--scheme` when one was chosen and the secret as `--secret-env VAR` or
/// `--secret-file PATH`. A secret that was typed is never part of it: it is named
/// `--secret-env` [`variable_for`] the scheme, to be exported first. Every value is
/// quoted for a POSIX shell.
pub fn equivalent_command(
    url: &str,
    event: &str,
    scheme: Option<&str>,
    signing_scheme: Option<&str>,
    secret: Option<&SecretSource>,
) -> String {
    let mut cmd = format!("hookcat send {} --event {}", shell_quote(url), shell_quote(event));
    if let Some(s) = scheme {
        cmd.push_str(&format!(" --scheme {}", shell_quote(s)));
    }
    match secret {
        Some(SecretSource::Env(v)) => cmd.push_str(&format!(" --secret-env {}", shell_quote(v))),
        Some(SecretSource::File(p)) => cmd.push_str(&format!(" --secret-file {}", shell_quote(&p.to_string_lossy()))),
        Some(SecretSource::Arg | SecretSource::Generated) => {
            cmd.push_str(&format!(" --secret-env {}", variable_for(signing_scheme.or(scheme))))
        }
        None => {}
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_equivalent_command_names_every_answer_and_never_a_typed_secret() {
        let typed = SecretSource::Arg;
        let c = equivalent_command(
            "http://127.0.0.1:9000/webhooks",
            "github.push",
            None,
            Some("github"),
            Some(&typed),
        );
        assert_eq!(
            c,
            "hookcat send 'http://127.0.0.1:9000/webhooks' --event 'github.push' --secret-env GITHUB_WEBHOOK_SECRET"
        );
        let env = SecretSource::Env("GH_SECRET".into());
        let c = equivalent_command("http://h/x?a=1&b='2'", "github.push", None, Some("github"), Some(&env));
        assert_eq!(
            c,
            r"hookcat send 'http://h/x?a=1&b='\''2'\''' --event 'github.push' --secret-env 'GH_SECRET'"
        );
        let file = SecretSource::File("/run/secrets/wh key".into());
        let c = equivalent_command(
            "http://h/",
            "mediawiki.page_edit",
            Some("standard-webhooks"),
            None,
            Some(&file),
        );
        assert_eq!(
            c,
            "hookcat send 'http://h/' --event 'mediawiki.page_edit' --scheme 'standard-webhooks' --secret-file '/run/secrets/wh key'"
        );
        let c = equivalent_command("http://h/", "mediawiki.page_edit", Some("slack"), None, Some(&typed));
        assert!(c.ends_with("--scheme 'slack' --secret-env SLACK_WEBHOOK_SECRET"), "{c}");
        assert_eq!(
            equivalent_command("http://h/", "stripe.invoice.paid", None, Some("stripe"), None),
            "hookcat send 'http://h/' --event 'stripe.invoice.paid'"
        );
    }

    #[test]
    fn a_variable_that_gives_no_secret_is_explained_and_asked_again() {
        let name = "HOOKCAT_PROMPT_TEST_SURELY_UNSET";
        let p = env_problem(name).expect("an unset variable is a problem");
        assert!(p.contains(name) && p.contains("export"), "{p}");
        // `$NAME` as a shell user types it is the variable NAME.
        assert_eq!(variable_name(" $GH_SECRET "), "GH_SECRET");
        assert!(env_problem("$").is_some());
        assert!(env_problem("").is_some());
        assert_eq!(env_problem("PATH"), None);
    }
}
