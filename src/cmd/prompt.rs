//! Prompts (dialoguer) for `send` on a terminal: provider, event, URL and where the
//! secret comes from. Only called when stdin and stderr are terminals and `--no-input`
//! was not given; every prompted value also has a flag.

use anyhow::Context;
use dialoguer::{Input, Password, Select};

use crate::core::event::catalog;
use crate::core::secret::{Secret, SecretSource};

pub struct Answers {
    pub url: Option<String>,
    pub event: Option<String>,
    pub secret: Option<Secret>,
}

pub fn send_prompts(need_url: bool, need_event: bool) -> anyhow::Result<Answers> {
    let theme = dialoguer::theme::SimpleTheme;
    let mut a = Answers {
        url: None,
        event: None,
        secret: None,
    };
    if need_event {
        let mut providers: Vec<&str> = catalog().iter().map(|e| e.provider.as_str()).collect();
        providers.dedup();
        let p = Select::with_theme(&theme)
            .with_prompt("Provider")
            .items(&providers)
            .default(0)
            .interact()
            .context("prompt")?;
        let events: Vec<&crate::core::event::CatalogEntry> =
            catalog().iter().filter(|e| e.provider == providers[p]).collect();
        let labels: Vec<String> = events
            .iter()
            .map(|e| format!("{:<40} {}", e.name, e.description))
            .collect();
        let i = Select::with_theme(&theme)
            .with_prompt("Event")
            .items(&labels)
            .default(0)
            .interact()
            .context("prompt")?;
        a.event = Some(events[i].name.clone());
        let scheme = events[i].scheme.clone();
        if let Some(scheme) = scheme {
            let choices = [
                "no secret (send unsigned)",
                "from an environment variable",
                "from a file",
                "type it (hidden)",
            ];
            let c = Select::with_theme(&theme)
                .with_prompt(format!("Secret to sign with ({scheme})"))
                .items(choices)
                .default(0)
                .interact()
                .context("prompt")?;
            a.secret = match c {
                1 => {
                    let v: String = Input::with_theme(&theme)
                        .with_prompt("Variable")
                        .interact_text()
                        .context("prompt")?;
                    Some(Secret::from_env(&v)?)
                }
                2 => {
                    let p: String = Input::with_theme(&theme)
                        .with_prompt("File")
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
        }
    }
    if need_url {
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
