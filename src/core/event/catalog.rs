//! The built-in event catalog: one JSON file per provider under `catalog/`, embedded
//! at build time, rendered with fresh ids and timestamps on every use.
//!
//! Placeholders inside strings: `{{uuid}}`, `{{id:PREFIX}}`, `{{hex:N}}`,
//! `{{digits:N}}`, `{{int:N}}`, `{{now}}`, `{{now_ms}}`, `{{now_iso}}`,
//! `{{now_iso_ms}}`, `{{now_iso_ms_offset}}` (`…T10:31:07.409+0000`); a `#tag`
//! suffix shares one value within a render. A JSON string that is exactly one
//! `{{int:N}}`, `{{now}}` or `{{now_ms}}` becomes a number.
//!
//! A file's `notes` say where its shapes come from (the provider's documentation or
//! schema); they are for readers and are not loaded.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{apply_overrides, Event, EventError, Override};
use crate::core::headers::Headers;
use crate::core::ids;

const FILES: &[(&str, &str)] = &[
    ("mediawiki", include_str!("catalog/mediawiki.json")),
    ("github", include_str!("catalog/github.json")),
    ("stripe", include_str!("catalog/stripe.json")),
    ("slack", include_str!("catalog/slack.json")),
    ("shopify", include_str!("catalog/shopify.json")),
    ("twilio", include_str!("catalog/twilio.json")),
    ("gitlab", include_str!("catalog/gitlab.json")),
    ("discord", include_str!("catalog/discord.json")),
    ("standard-webhooks", include_str!("catalog/standard-webhooks.json")),
    ("svix", include_str!("catalog/svix.json")),
    ("square", include_str!("catalog/square.json")),
    ("paddle", include_str!("catalog/paddle.json")),
    ("linear", include_str!("catalog/linear.json")),
    ("twitch", include_str!("catalog/twitch.json")),
    ("zoom", include_str!("catalog/zoom.json")),
    ("intercom", include_str!("catalog/intercom.json")),
    ("mailgun", include_str!("catalog/mailgun.json")),
    ("jira", include_str!("catalog/jira.json")),
    ("generic", include_str!("catalog/generic.json")),
];

#[derive(Deserialize)]
struct ProviderFile {
    provider: String,
    scheme: Option<String>,
    /// The provider sends its JSON bodies pretty-printed (Stripe).
    #[serde(default)]
    pretty: bool,
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    name: String,
    description: String,
    content_type: String,
    #[serde(default)]
    method: Option<String>,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
}

/// One catalog event, before rendering.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CatalogEntry {
    /// `provider.event`.
    pub name: String,
    pub provider: String,
    pub description: String,
    pub content_type: String,
    pub scheme: Option<String>,
    #[serde(skip)]
    pub method: String,
    #[serde(skip)]
    headers: Vec<(String, String)>,
    #[serde(skip)]
    body: serde_json::Value,
    /// JSON bodies are sent pretty-printed, as the provider does.
    #[serde(skip)]
    pretty: bool,
}

/// Every catalog event, parsed once.
pub fn catalog() -> &'static [CatalogEntry] {
    static CATALOG: OnceLock<Vec<CatalogEntry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut v = Vec::new();
        for (name, text) in FILES {
            // The files are part of the build and checked by the tests.
            let f: ProviderFile = serde_json::from_str(text).unwrap_or_else(|e| panic!("catalog/{name}.json: {e}"));
            for e in f.events {
                v.push(CatalogEntry {
                    name: format!("{}.{}", f.provider, e.name),
                    provider: f.provider.clone(),
                    description: e.description,
                    content_type: e.content_type,
                    scheme: f.scheme.clone(),
                    method: e.method.unwrap_or_else(|| "POST".into()),
                    headers: e.headers,
                    body: e.body,
                    pretty: f.pretty,
                });
            }
        }
        v
    })
}

/// The event called `name`, or an error suggesting the closest names.
pub fn find(name: &str) -> Result<&'static CatalogEntry, EventError> {
    if let Some(e) = catalog().iter().find(|e| e.name == name) {
        return Ok(e);
    }
    let names = catalog().iter().map(|e| e.name.as_str());
    let mut suggestions: Vec<String> = crate::core::suggest::closest(name, names, 3)
        .into_iter()
        .map(str::to_string)
        .collect();
    if suggestions.is_empty() {
        // `push` alone, or a provider name: offer the events that contain it.
        suggestions = catalog()
            .iter()
            .filter(|e| e.name.contains(name))
            .take(3)
            .map(|e| e.name.clone())
            .collect();
    }
    Err(EventError::Unknown {
        name: name.to_string(),
        suggestions,
    })
}

/// Fills placeholders; one instance per render so tags and `now` are shared.
struct Placeholders {
    now: jiff::Timestamp,
    tags: HashMap<String, String>,
}

impl Placeholders {
    fn value(&mut self, kind: &str) -> Option<String> {
        let (kind, tag) = match kind.split_once('#') {
            Some((k, t)) => (k, Some(t)),
            None => (kind, None),
        };
        if let Some(t) = tag {
            let key = format!("{kind}#{t}");
            if let Some(v) = self.tags.get(&key) {
                return Some(v.clone());
            }
            let v = self.fresh(kind)?;
            self.tags.insert(key, v.clone());
            return Some(v);
        }
        self.fresh(kind)
    }

    fn fresh(&self, kind: &str) -> Option<String> {
        let n = |s: &str| s.parse::<usize>().ok();
        Some(match kind.split_once(':') {
            Some(("id", prefix)) => format!("{prefix}{}", ids::alnum(24)),
            Some(("hex", k)) => ids::hex_chars(n(k)?),
            Some(("digits", k)) | Some(("int", k)) => ids::digits(n(k)?),
            None => match kind {
                "uuid" => ids::uuid_v4(),
                "now" => self.now.as_second().to_string(),
                "now_ms" => self.now.as_millisecond().to_string(),
                "now_iso" => self.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "now_iso_ms" => self.now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                // Jira's form: milliseconds and a numeric offset without a colon.
                "now_iso_ms_offset" => self.now.strftime("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string(),
                _ => return None,
            },
            _ => return None,
        })
    }

    fn text(&mut self, s: &str) -> String {
        if !s.contains("{{") {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len() + 16);
        let mut rest = s;
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find("}}") {
                Some(j) => match self.value(&after[..j]) {
                    Some(v) => {
                        out.push_str(&v);
                        rest = &after[j + 2..];
                    }
                    None => {
                        out.push_str("{{");
                        rest = after;
                    }
                },
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn json(&mut self, v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => {
                let whole = s
                    .strip_prefix("{{")
                    .and_then(|x| x.strip_suffix("}}"))
                    .filter(|x| !x.contains("{{"));
                if let Some(kind) = whole {
                    let base = kind.split('#').next().unwrap_or(kind);
                    if base == "now" || base == "now_ms" || base.starts_with("int:") {
                        if let Some(t) = self.value(kind) {
                            if let Ok(n) = t.parse::<i64>() {
                                return Value::from(n);
                            }
                        }
                    }
                }
                Value::String(self.text(s))
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.json(x)).collect()),
            Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), self.json(x))).collect()),
            other => other.clone(),
        }
    }
}

impl CatalogEntry {
    /// A fresh rendering, with `overrides` applied to the body.
    pub fn render(&self, overrides: &[Override]) -> Result<Event, EventError> {
        let mut r = Placeholders {
            now: jiff::Timestamp::now(),
            tags: HashMap::new(),
        };
        let headers: Headers = self.headers.iter().map(|(k, v)| (k.clone(), r.text(v))).collect();
        let ct = self.content_type.to_ascii_lowercase();
        let body = if ct.contains("json") {
            let mut v = r.json(&self.body);
            apply_overrides(&mut v, overrides)?;
            if self.pretty {
                serde_json::to_vec_pretty(&v)
            } else {
                serde_json::to_vec(&v)
            }
            .map_err(|e| EventError::Catalog {
                provider: self.provider.clone(),
                reason: e.to_string(),
            })?
        } else if ct.contains("x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> =
                serde_json::from_value(self.body.clone()).map_err(|e| EventError::Catalog {
                    provider: self.provider.clone(),
                    reason: e.to_string(),
                })?;
            let mut pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k, r.text(&v))).collect();
            super::overrides::apply_form_overrides(&mut pairs, overrides)?;
            let mut enc = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                enc.append_pair(k, v);
            }
            enc.finish().into_bytes()
        } else {
            if let Some(o) = overrides.first() {
                return Err(EventError::BadOverride {
                    spec: o.spec.clone(),
                    reason: format!(
                        "--set works on JSON and form bodies; this event's body is {}",
                        self.content_type
                    ),
                });
            }
            let s = self.body.as_str().ok_or_else(|| EventError::Catalog {
                provider: self.provider.clone(),
                reason: format!("the body of {} should be a string", self.name),
            })?;
            r.text(s).into_bytes()
        };
        Ok(Event {
            provider: Some(self.provider.clone()),
            name: Some(self.name.clone()),
            content_type: self.content_type.clone(),
            method: self.method.clone(),
            headers,
            body,
            scheme: self.scheme.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_big_enough_and_every_event_renders() {
        let c = catalog();
        assert!(c.len() >= 40, "{} events", c.len());
        let providers: std::collections::BTreeSet<_> = c.iter().map(|e| e.provider.as_str()).collect();
        assert!(providers.len() >= 10, "{providers:?}");
        for p in [
            "mediawiki",
            "github",
            "stripe",
            "slack",
            "shopify",
            "twilio",
            "gitlab",
            "discord",
            "standard-webhooks",
            "square",
            "paddle",
            "linear",
            "twitch",
            "zoom",
        ] {
            assert!(providers.contains(p), "no {p} events");
        }
        assert!(c.iter().any(|e| e.content_type.contains("xml")));
        for e in c {
            let ev = e.render(&[]).unwrap_or_else(|err| panic!("{}: {err}", e.name));
            let text = String::from_utf8(ev.body.clone()).unwrap();
            assert!(!text.contains("{{"), "{} has an unfilled placeholder", e.name);
            if e.content_type.contains("json") {
                serde_json::from_slice::<serde_json::Value>(&ev.body).unwrap_or_else(|err| panic!("{}: {err}", e.name));
            }
            for (k, v) in ev.headers.iter() {
                assert!(!v.contains("{{"), "{}: header {k}", e.name);
            }
        }
    }

    #[test]
    fn required_events_exist() {
        for n in [
            "mediawiki.page_create",
            "mediawiki.page_edit",
            "mediawiki.page_delete",
            "mediawiki.page_move",
            "mediawiki.user_create",
            "github.ping",
            "github.push",
            "github.pull_request.opened",
            "github.issues.opened",
            "github.release.published",
            "github.workflow_run.completed",
            "stripe.payment_intent.succeeded",
            "stripe.payment_intent.payment_failed",
            "stripe.checkout.session.completed",
            "stripe.customer.subscription.created",
            "stripe.customer.subscription.deleted",
            "stripe.invoice.paid",
            "stripe.invoice.payment_failed",
            "stripe.charge.refunded",
            "slack.url_verification",
            "slack.slash_command",
            "shopify.orders/create",
            "twilio.sms.incoming",
            "twilio.call.status",
        ] {
            find(n).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn fresh_values_every_render_and_tags_shared() {
        let e = find("github.push").unwrap();
        let a = e.render(&[]).unwrap();
        let b = e.render(&[]).unwrap();
        assert_ne!(a.headers.get("X-GitHub-Delivery"), b.headers.get("X-GitHub-Delivery"));
        let r = &mut Placeholders {
            now: jiff::Timestamp::now(),
            tags: HashMap::new(),
        };
        assert_eq!(
            r.text("{{hex:8#x}}-{{hex:8#x}}")
                .split('-')
                .collect::<std::collections::HashSet<_>>()
                .len(),
            1
        );
        let v = r.json(&serde_json::json!({"n": "{{now}}", "i": "{{int:5}}", "s": "at {{now}}"}));
        assert!(v["n"].is_i64() && v["i"].is_i64() && v["s"].is_string());
    }

    /// A provider that sends pretty-printed JSON (Stripe) is rendered so; the others compact.
    /// Every object of `v` (depth first), with the key it is under.
    fn objects<'a>(
        v: &'a serde_json::Value,
        key: &'a str,
        parent: &'a str,
        out: &mut Vec<(&'a str, &'a str, &'a serde_json::Map<String, serde_json::Value>)>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                out.push((parent, key, m));
                for (k, x) in m {
                    objects(x, k, key, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| objects(x, key, parent, out)),
            _ => {}
        }
    }

    /// The GitHub events have GitHub's current payload shapes, as the receivers built on
    /// GitHub's webhook schema parse them (tests/interop/catalog.py runs githubkit
    /// itself). Sources: githubkit-schemas 26.10.21 (API version 2026-03-10), models
    /// `Label` (`archived_at`, `archived_by`: null until archived) and
    /// `PullRequestPropLabelsItems` (`archived_by` required); @octokit/webhooks-schemas
    /// 7.6.1, definitions `label` (required keys), `repository` (`custom_properties`
    /// required) and `workflow-run` (`repository`, `head_repository`: `repository-lite`,
    /// the short form of 46 keys, no others).
    #[test]
    fn github_events_have_the_current_webhook_shapes() {
        const LABEL: &[&str] = &[
            "id",
            "node_id",
            "url",
            "name",
            "color",
            "default",
            "description",
            "archived_at",
            "archived_by",
        ];
        const REPOSITORY_LITE: &[&str] = &[
            "id",
            "node_id",
            "name",
            "full_name",
            "private",
            "owner",
            "html_url",
            "description",
            "fork",
            "url",
            "forks_url",
            "keys_url",
            "collaborators_url",
            "teams_url",
            "hooks_url",
            "issue_events_url",
            "events_url",
            "assignees_url",
            "branches_url",
            "tags_url",
            "blobs_url",
            "git_tags_url",
            "git_refs_url",
            "trees_url",
            "statuses_url",
            "languages_url",
            "stargazers_url",
            "contributors_url",
            "subscribers_url",
            "subscription_url",
            "commits_url",
            "git_commits_url",
            "comments_url",
            "issue_comment_url",
            "contents_url",
            "compare_url",
            "merges_url",
            "archive_url",
            "downloads_url",
            "issues_url",
            "pulls_url",
            "milestones_url",
            "notifications_url",
            "labels_url",
            "releases_url",
            "deployments_url",
        ];
        let (mut labels, mut repos, mut lite) = (0, 0, 0);
        for e in catalog().iter().filter(|e| e.provider == "github") {
            let ev = e.render(&[]).unwrap();
            let body: serde_json::Value = serde_json::from_slice(&ev.body).unwrap();
            let mut all = Vec::new();
            objects(&body, "", "", &mut all);
            for (parent, key, m) in all {
                let is_label = key == "labels";
                let is_repo = m.contains_key("full_name") && m.contains_key("owner");
                if is_label {
                    labels += 1;
                    for k in LABEL {
                        assert!(m.contains_key(*k), "{}: a label without `{k}`: {m:?}", e.name);
                    }
                    assert!(m["archived_by"].is_null() || m["archived_by"].is_object(), "{}", e.name);
                } else if is_repo && parent == "workflow_run" {
                    lite += 1;
                    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    assert_eq!(
                        keys, REPOSITORY_LITE,
                        "{}: workflow_run.{key} is not the short form",
                        e.name
                    );
                } else if is_repo {
                    repos += 1;
                    assert!(
                        m.get("custom_properties").is_some_and(|c| c.is_object()),
                        "{}: repository object `{key}` without custom_properties",
                        e.name
                    );
                }
            }
        }
        assert!(
            labels >= 2 && repos >= 6 && lite == 2,
            "{labels} labels, {repos} repositories, {lite} short"
        );
    }

    /// Jira's events as Atlassian documents them ("Webhooks" for the Jira Cloud platform;
    /// SIGNATURES.md section 17): `timestamp` in epoch milliseconds, `webhookEvent`,
    /// `issue_event_type_name` on issue events, `user`, `issue` with `fields`,
    /// `changelog` on updates, `comment` on comment events; the delivery id header.
    #[test]
    fn jira_events_have_the_documented_shapes() {
        for (name, event, keys) in [
            (
                "jira.issue_created",
                "jira:issue_created",
                &["timestamp", "webhookEvent", "issue_event_type_name", "user", "issue"][..],
            ),
            (
                "jira.issue_updated",
                "jira:issue_updated",
                &[
                    "timestamp",
                    "webhookEvent",
                    "issue_event_type_name",
                    "user",
                    "issue",
                    "changelog",
                ][..],
            ),
            (
                "jira.comment_created",
                "comment_created",
                &["timestamp", "webhookEvent", "comment", "issue"][..],
            ),
        ] {
            let e = find(name).unwrap();
            assert_eq!(e.scheme.as_deref(), Some("jira"));
            let ev = e.render(&[]).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&ev.body).unwrap();
            assert_eq!(v["webhookEvent"], event, "{name}");
            for k in keys {
                assert!(v.get(*k).is_some(), "{name}: no `{k}`");
            }
            let ms = v["timestamp"].as_i64().unwrap();
            assert!(ms > 1_600_000_000_000, "{name}: timestamp {ms} is not in milliseconds");
            assert!(
                v["issue"]["key"].is_string() && v["issue"]["fields"].is_object(),
                "{name}"
            );
            assert!(ev.headers.get("x-atlassian-webhook-identifier").is_some(), "{name}");
            let created = v["issue"]["fields"]["created"]
                .as_str()
                .or(v["comment"]["created"].as_str());
            assert!(created.is_some_and(|c| c.ends_with("+0000")), "{name}: {created:?}");
        }
        let up = find("jira.issue_updated").unwrap().render(&[]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&up.body).unwrap();
        for item in v["changelog"]["items"].as_array().unwrap() {
            for k in ["field", "fieldtype", "from", "fromString", "to", "toString"] {
                assert!(item.get(k).is_some(), "changelog item without `{k}`");
            }
        }
    }

    #[test]
    fn bodies_are_printed_as_their_provider_prints_them() {
        let stripe = find("stripe.payment_intent.succeeded").unwrap().render(&[]).unwrap();
        assert!(
            stripe.body.starts_with(b"{\n  \""),
            "{}",
            String::from_utf8_lossy(&stripe.body)
        );
        let github = find("github.push").unwrap().render(&[]).unwrap();
        assert!(!github.body.contains(&b'\n'));
    }

    #[test]
    fn unknown_events_suggest_close_names() {
        let e = find("github.psh").unwrap_err().to_string();
        assert!(e.contains("github.push"), "{e}");
        let e = find("stripe.invoice.payed").unwrap_err().to_string();
        assert!(e.contains("stripe.invoice.paid"), "{e}");
    }
}
