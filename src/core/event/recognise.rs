//! Which provider sent a request and which event it is, from its headers and body.

use crate::core::headers::Headers;

/// `(provider, event)` as far as they can be told.
pub fn recognise(h: &Headers, body: &[u8]) -> (Option<String>, Option<String>) {
    // Parsed only when a provider's event name lives in the body.
    let json_cell: std::cell::OnceCell<Option<serde_json::Value>> = std::cell::OnceCell::new();
    let json = || {
        json_cell
            .get_or_init(|| {
                if body.trim_ascii_start().starts_with(b"{") {
                    serde_json::from_slice(body).ok()
                } else {
                    None
                }
            })
            .as_ref()
    };
    let field = |path: &[&str]| -> Option<String> {
        let mut v = json()?;
        for p in path {
            v = v.get(p)?;
        }
        v.as_str().map(str::to_string)
    };
    let s = |x: &str| Some(x.to_string());
    if let Some(ev) = h.get("x-github-event") {
        let ev = match field(&["action"]) {
            Some(a) => format!("{ev}.{a}"),
            None => ev.to_string(),
        };
        return (s("github"), Some(ev));
    }
    if h.contains("stripe-signature") {
        return (s("stripe"), field(&["type"]));
    }
    if let Some(t) = h.get("x-shopify-topic").or_else(|| h.get("shopify-topic")) {
        return (s("shopify"), s(t));
    }
    if h.contains("x-slack-signature") || h.get("user-agent").is_some_and(|u| u.starts_with("Slackbot")) {
        let ev = match (field(&["type"]), field(&["event", "type"])) {
            (Some(t), Some(e)) if t == "event_callback" => Some(e),
            (Some(t), _) => Some(t),
            _ if form_field(body, "command").is_some() => s("slash_command"),
            _ => None,
        };
        return (s("slack"), ev);
    }
    if let Some(ev) = h.get("x-gitlab-event") {
        return (s("gitlab"), s(ev));
    }
    if let Some(t) = h.get("twitch-eventsub-message-type") {
        let ev = if t == "notification" {
            h.get("twitch-eventsub-subscription-type").map(str::to_string)
        } else {
            s(t)
        };
        return (s("twitch"), ev);
    }
    if let Some(ev) = h.get("linear-event") {
        return (
            s("linear"),
            field(&["action"])
                .map(|a| format!("{}.{a}", ev.to_ascii_lowercase()))
                .or(s(ev)),
        );
    }
    if h.contains("x-twilio-signature") || h.get("user-agent").is_some_and(|u| u.starts_with("TwilioProxy")) {
        let ev = if form_field(body, "SmsSid").is_some() || form_field(body, "MessageSid").is_some() {
            s("sms.incoming")
        } else if form_field(body, "CallStatus").is_some() {
            s("call.status")
        } else {
            None
        };
        return (s("twilio"), ev);
    }
    if h.contains("paddle-signature") {
        return (s("paddle"), field(&["event_type"]));
    }
    if h.contains("x-square-hmacsha256-signature") || h.contains("x-square-signature") {
        return (s("square"), field(&["type"]));
    }
    if h.contains("x-zm-signature") {
        return (s("zoom"), field(&["event"]));
    }
    if h.contains("x-signature-ed25519") {
        let ev = json().and_then(|j| j.get("type")?.as_i64()).map(|t| match t {
            1 => "ping".to_string(),
            2 => "application_command".to_string(),
            n => format!("interaction.{n}"),
        });
        return (s("discord"), ev);
    }
    if contains(body, Needle::RecentChange) && field(&["$schema"]).is_some_and(|x| x.contains("recentchange")) {
        let ev = match (field(&["type"]), field(&["log_type"])) {
            (Some(t), Some(l)) if t == "log" => Some(format!("log.{l}")),
            (t, _) => t,
        };
        return (s("mediawiki"), ev);
    }
    if h.contains("svix-signature") {
        return (s("svix"), field(&["type"]));
    }
    if h.contains("webhook-signature") {
        return (s("standard-webhooks"), field(&["type"]));
    }
    if h.contains("x-hub-signature")
        && h.get("user-agent")
            .is_some_and(|u| u.to_ascii_lowercase().contains("intercom"))
    {
        return (s("intercom"), field(&["topic"]));
    }
    if contains(body, Needle::Token)
        && json().is_some_and(|j| j.get("signature").and_then(|s| s.get("token")).is_some())
    {
        return (s("mailgun"), field(&["event-data", "event"]));
    }
    (None, None)
}

/// Byte strings looked for in bodies on the listener's hot path, before deciding to
/// parse a body as JSON. Their searchers are built once.
#[derive(Clone, Copy)]
pub enum Needle {
    RecentChange,
    Token,
}

/// Does `hay` contain `needle`? A cheap test before parsing a body as JSON.
pub fn contains(hay: &[u8], needle: Needle) -> bool {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    static FINDERS: LazyLock<[Finder<'static>; 2]> =
        LazyLock::new(|| [Finder::new(b"recentchange"), Finder::new(b"\"token\"")]);
    FINDERS[needle as usize].find(hay).is_some()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_event_is_recognised_as_its_provider() {
        use crate::core::scheme::{lookup, GenericParams, SignParams};
        for e in crate::core::event::catalog() {
            let ev = e.render(&[]).unwrap();
            let mut h = ev.headers.clone();
            if let Some(s) = &ev.scheme {
                let scheme = lookup(s, &GenericParams::default()).unwrap();
                let key = match scheme.keygen() {
                    crate::core::scheme::KeyPair::Secret { secret } => secret,
                    crate::core::scheme::KeyPair::Pair { private_key, .. } => private_key,
                };
                let secret = crate::core::secret::Secret::from_arg(&key).unwrap();
                let mut p = SignParams::now();
                p.url = Some("https://example.com/hook".into());
                let signed = scheme.sign(&secret, &p, &mut &ev.body[..]).unwrap();
                h.extend(signed.headers);
            }
            let (provider, _) = recognise(&h, &ev.body);
            if e.provider != "generic" {
                assert_eq!(provider.as_deref(), Some(e.provider.as_str()), "{}", e.name);
            }
        }
    }
}
