//! Which provider sent a request and which event it is, from its headers and body.

use crate::core::headers::Headers;
use crate::core::scheme::{all, Clues};

/// `(provider, event)` as far as they can be told: each scheme recognises its
/// provider's requests ([`Scheme::recognise`](crate::core::scheme::Scheme::recognise)),
/// asked in the registry's order; MediaWiki's recent changes, which no scheme signs,
/// are told by their body.
pub fn recognise(h: &Headers, body: &[u8]) -> (Option<String>, Option<String>) {
    let clues = Clues::new(h, body);
    for s in all() {
        if let Some(ev) = s.recognise(&clues) {
            return (Some(s.meta().provider.to_string()), ev);
        }
    }
    if recent_change(body) && clues.field(&["$schema"]).is_some_and(|x| x.contains("recentchange")) {
        // The changes the catalog has go by its names (`mediawiki.page_edit`).
        let ev = match (clues.field(&["type"]), clues.field(&["log_type"])) {
            (Some(t), Some(l)) if t == "log" => Some(match l.as_str() {
                "delete" => "page_delete".to_string(),
                "move" => "page_move".to_string(),
                "newusers" => "user_create".to_string(),
                _ => format!("log.{l}"),
            }),
            (Some(t), _) if t == "edit" => Some("page_edit".to_string()),
            (Some(t), _) if t == "new" => Some("page_create".to_string()),
            (t, _) => t,
        };
        return (Some("mediawiki".into()), ev);
    }
    (None, None)
}

/// Whether the body mentions `recentchange`: a cheap test before parsing it.
fn recent_change(body: &[u8]) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"recentchange"));
    FINDER.find(body).is_some()
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

    /// Requests and what they tell: each provider's clues, and the ties between two.
    #[test]
    fn providers_and_events_are_told() {
        let h = |pairs: &[(&str, &str)]| Headers(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        // Headers, body, provider, event.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [u8], Option<&'a str>, Option<&'a str>);
        let cases: &[Case] = &[
            (
                &[("X-GitHub-Event", "pull_request")],
                br#"{"action":"opened"}"#,
                Some("github"),
                Some("pull_request.opened"),
            ),
            (
                &[("X-GitHub-Event", "push"), ("X-Hub-Signature", "sha1=aa")],
                b"{}",
                Some("github"),
                Some("push"),
            ),
            (
                &[("Stripe-Signature", "t=1,v1=a")],
                br#"{"type":"invoice.paid"}"#,
                Some("stripe"),
                Some("invoice.paid"),
            ),
            (
                &[("X-Shopify-Topic", "orders/create")],
                b"{}",
                Some("shopify"),
                Some("orders/create"),
            ),
            (
                &[("User-Agent", "Slackbot 1.0")],
                b"command=%2Fx&text=hi",
                Some("slack"),
                Some("slash_command"),
            ),
            (
                &[("X-Slack-Signature", "v0=a")],
                br#"{"type":"event_callback","event":{"type":"app_mention"}}"#,
                Some("slack"),
                Some("app_mention"),
            ),
            (
                &[("X-Gitlab-Event", "Push Hook")],
                b"{}",
                Some("gitlab"),
                Some("Push Hook"),
            ),
            (
                &[
                    ("Twitch-Eventsub-Message-Type", "notification"),
                    ("Twitch-Eventsub-Subscription-Type", "channel.follow"),
                ],
                b"{}",
                Some("twitch"),
                Some("channel.follow"),
            ),
            (
                &[("Twitch-Eventsub-Message-Type", "revocation")],
                b"{}",
                Some("twitch"),
                Some("revocation"),
            ),
            (
                &[("Linear-Event", "Issue")],
                br#"{"action":"create"}"#,
                Some("linear"),
                Some("issue.create"),
            ),
            (&[("Linear-Event", "Issue")], b"{}", Some("linear"), Some("Issue")),
            (
                &[("User-Agent", "TwilioProxy/1.1")],
                b"CallStatus=ringing",
                Some("twilio"),
                Some("call.status"),
            ),
            (
                &[("X-Twilio-Signature", "a")],
                b"MessageSid=SM1",
                Some("twilio"),
                Some("sms.incoming"),
            ),
            (
                &[("Paddle-Signature", "ts=1;h1=a")],
                br#"{"event_type":"transaction.paid"}"#,
                Some("paddle"),
                Some("transaction.paid"),
            ),
            (
                &[("X-Square-Signature", "a")],
                br#"{"type":"payment.created"}"#,
                Some("square"),
                Some("payment.created"),
            ),
            (
                &[("x-zm-signature", "v0=a")],
                br#"{"event":"meeting.started"}"#,
                Some("zoom"),
                Some("meeting.started"),
            ),
            (
                &[("X-Signature-Ed25519", "a")],
                br#"{"type":1}"#,
                Some("discord"),
                Some("ping"),
            ),
            (
                &[("X-Signature-Ed25519", "a")],
                br#"{"type":7}"#,
                Some("discord"),
                Some("interaction.7"),
            ),
            (
                &[("svix-signature", "v1,a"), ("webhook-signature", "v1,a")],
                br#"{"type":"a.b"}"#,
                Some("svix"),
                Some("a.b"),
            ),
            (
                &[("webhook-signature", "v1a,a")],
                br#"{"type":"a.b"}"#,
                Some("standard-webhooks"),
                Some("a.b"),
            ),
            (
                &[("X-Hub-Signature", "sha1=a"), ("User-Agent", "Intercom-Webhooks")],
                br#"{"topic":"ping"}"#,
                Some("intercom"),
                Some("ping"),
            ),
            (&[("X-Hub-Signature", "sha1=a")], b"{}", None, None),
            (&[("X-Signature", "a")], b"{}", None, None),
            (
                &[],
                br#"{"signature":{"token":"t"},"event-data":{"event":"opened"}}"#,
                Some("mailgun"),
                Some("opened"),
            ),
            (
                &[],
                br#"{"$schema":"/mediawiki/recentchange/1.0.0","type":"log","log_type":"block"}"#,
                Some("mediawiki"),
                Some("log.block"),
            ),
            // The changes the catalog has are told by its names.
            (
                &[],
                br#"{"$schema":"/mediawiki/recentchange/1.0.0","type":"edit"}"#,
                Some("mediawiki"),
                Some("page_edit"),
            ),
            (
                &[],
                br#"{"$schema":"/mediawiki/recentchange/1.0.0","type":"log","log_type":"newusers"}"#,
                Some("mediawiki"),
                Some("user_create"),
            ),
            (&[], b"{}", None, None),
        ];
        for (headers, body, provider, event) in cases {
            let (p, e) = recognise(&h(headers), body);
            assert_eq!((p.as_deref(), e.as_deref()), (*provider, *event), "{headers:?}");
        }
    }
}
