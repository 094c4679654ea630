//! URLs: as people type them, and built from a base and a request's path.
//!
//! [`http_url`] takes what curl, xh and Stripe CLI take and makes it a whole http(s)
//! URL: `localhost:3000/hook`, `:3000/hook` and `3000` (localhost), `/hook`
//! (localhost, port 80), `127.0.0.1:3000/x`, `example.com/x`, each defaulting to
//! `http://`. What still cannot be sent to is a [`UrlError`] that names the problem
//! and, when there is one, shows the corrected form.

/// A URL that cannot be sent to: what was typed, what is wrong, and the form that
/// would work when one can be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid URL `{input}`: {problem}{}", .corrected.as_ref().map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default())]
pub struct UrlError {
    pub input: String,
    pub problem: String,
    pub corrected: Option<String>,
}

impl UrlError {
    /// What is wrong, with the corrected form: the message without the URL.
    pub fn reason(&self) -> String {
        match &self.corrected {
            Some(c) => format!("{}; did you mean `{c}`?", self.problem),
            None => self.problem.clone(),
        }
    }

    fn new(input: &str, problem: impl Into<String>, corrected: Option<String>) -> UrlError {
        UrlError {
            input: input.to_string(),
            problem: problem.into(),
            corrected,
        }
    }
}

/// `input` as an http or https URL, completed as curl does ([module docs](self)).
pub fn http_url(input: &str) -> Result<url::Url, UrlError> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(UrlError::new(input, "it is empty", None));
    }
    if typed.contains(char::is_whitespace) {
        let corrected = typed.replace(' ', "%20");
        // A space after the host can be written %20; one in the host cannot be at all.
        let in_host = match typed.split_once("://") {
            Some((_, rest)) => rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or(rest)
                .contains(char::is_whitespace),
            None => typed
                .split(['/', '?', '#'])
                .next()
                .unwrap_or(typed)
                .contains(char::is_whitespace),
        };
        let fixable = !in_host && !corrected.contains(char::is_whitespace);
        return Err(UrlError::new(
            input,
            "a URL cannot contain spaces",
            fixable.then(|| complete(&corrected).ok()).flatten(),
        ));
    }
    let whole = complete(typed).map_err(|(problem, corrected)| UrlError::new(input, problem, corrected))?;
    let u = url::Url::parse(&whole).map_err(|e| {
        let problem = match e {
            url::ParseError::InvalidPort => "the port is not a number from 0 to 65535".to_string(),
            url::ParseError::EmptyHost => "it has no host".to_string(),
            url::ParseError::InvalidIpv6Address => "the IPv6 address is not valid".to_string(),
            url::ParseError::InvalidIpv4Address => "the IPv4 address is not valid".to_string(),
            url::ParseError::InvalidDomainCharacter => "the host has a character a host name cannot have".to_string(),
            other => other.to_string(),
        };
        UrlError::new(input, problem, None)
    })?;
    if u.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::new(input, "it has no host", None));
    }
    Ok(u)
}

/// The text of the URL to use for `input`: what was typed (trimmed) when it was already
/// a whole http(s) URL, so that it is sent as written, or else its completed form.
pub fn normalize(input: &str) -> Result<String, UrlError> {
    let u = http_url(input)?;
    let typed = input.trim();
    let whole =
        strip_prefix_ignore_case(typed, "http://").is_some() || strip_prefix_ignore_case(typed, "https://").is_some();
    Ok(if whole { typed.to_string() } else { u.into() })
}

/// A URL a provider signs (Twilio, Square), which a signature is compared with as
/// written: a whole http(s) URL, kept as typed (trimmed). One without its scheme
/// (`example.com/hook`) can never match and is refused with the whole form, over https
/// as providers call public URLs.
pub fn signed_url(input: &str) -> Result<String, UrlError> {
    let u = http_url(input)?;
    let typed = input.trim();
    if strip_prefix_ignore_case(typed, "http://").is_some() || strip_prefix_ignore_case(typed, "https://").is_some() {
        return Ok(typed.to_string());
    }
    let rest = u.as_str().strip_prefix("http://").unwrap_or(u.as_str());
    Err(UrlError::new(
        input,
        "a signed URL is compared as written, scheme included",
        Some(format!("https://{rest}")),
    ))
}

/// `input` completed to an absolute http(s) URL's text, or the problem and a correction.
fn complete(input: &str) -> Result<String, (String, Option<String>)> {
    if let Some((scheme, rest)) = input.split_once("://") {
        let lower = scheme.to_ascii_lowercase();
        if lower == "http" || lower == "https" {
            return Ok(input.to_string());
        }
        let is_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme {
            // A typo of http or https gets the form meant; another scheme, the http one.
            let meant = if strsim::levenshtein(&lower, "https") < strsim::levenshtein(&lower, "http") {
                "https"
            } else {
                "http"
            };
            return Err((
                format!("hookcat sends http and https, not {scheme}"),
                Some(format!("{meant}://{rest}")),
            ));
        }
        return Err(("the part before `://` is not a scheme".into(), None));
    }
    // `http:/x`, `https:host`: a scheme without its two slashes.
    for scheme in ["https", "http"] {
        if let Some(rest) = strip_prefix_ignore_case(input, scheme).and_then(|r| r.strip_prefix(':')) {
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                let rest = rest.trim_start_matches('/');
                return Err((
                    format!("`{scheme}:` needs `//` before the host"),
                    Some(format!("{scheme}://{rest}")),
                ));
            }
        }
    }
    // `http//host`: a scheme without its colon.
    for scheme in ["https", "http"] {
        if let Some(rest) = strip_prefix_ignore_case(input, scheme).and_then(|r| r.strip_prefix("//")) {
            return Err((
                format!("`{scheme}` needs `:` before `//`"),
                Some(format!("{scheme}://{rest}")),
            ));
        }
    }
    // `3000`: a port on localhost.
    if input.chars().all(|c| c.is_ascii_digit()) {
        return Ok(format!("http://localhost:{input}/"));
    }
    // `:3000/hook`: localhost, this port.
    if let Some(rest) = input.strip_prefix(':') {
        return Ok(format!("http://localhost:{rest}"));
    }
    // `/hook`: localhost.
    if input.starts_with('/') {
        if input.starts_with("//") {
            return Ok(format!("http:{input}"));
        }
        return Ok(format!("http://localhost{input}"));
    }
    Ok(format!("http://{input}"))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

// ---- joining a base URL and a request's path ----

/// `base` (a URL, maybe with a path) followed by the request's path and query.
pub fn join_url(base: &str, path_and_query: &str) -> String {
    // A query on the base goes after the joined path, merged with the request's.
    let (base, base_query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    let base = base.trim_end_matches('/');
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut url = if path == "/" && base.matches('/').count() > 2 {
        base.to_string()
    } else {
        format!("{base}{path}")
    };
    match (base_query, query) {
        (Some(a), Some(b)) => url.push_str(&format!("?{a}&{b}")),
        (Some(q), None) | (None, Some(q)) => url.push_str(&format!("?{q}")),
        (None, None) => {}
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join() {
        assert_eq!(join_url("http://app:3000", "/hook?x=1"), "http://app:3000/hook?x=1");
        assert_eq!(join_url("http://app:3000/", "/hook"), "http://app:3000/hook");
        assert_eq!(join_url("http://app:3000/base", "/hook"), "http://app:3000/base/hook");
        assert_eq!(join_url("http://x/h?t=1", "/a?b=2"), "http://x/h/a?t=1&b=2");
        assert_eq!(join_url("http://x/h?t=1", "/"), "http://x/h?t=1");
        assert_eq!(join_url("http://x:1", "/?q"), "http://x:1/?q");
    }

    #[test]
    fn the_forms_curl_takes_become_http_urls() {
        let cases = [
            ("localhost:3000/hook", "http://localhost:3000/hook"),
            (":3000/hook", "http://localhost:3000/hook"),
            (":3000", "http://localhost:3000/"),
            ("3000", "http://localhost:3000/"),
            ("/hook", "http://localhost/hook"),
            ("/hook?x=1", "http://localhost/hook?x=1"),
            ("127.0.0.1:3000/x", "http://127.0.0.1:3000/x"),
            ("example.com/x", "http://example.com/x"),
            ("example.com", "http://example.com/"),
            ("[::1]:8080/h", "http://[::1]:8080/h"),
            ("  localhost:3000  ", "http://localhost:3000/"),
            ("http://localhost:3000/hook", "http://localhost:3000/hook"),
            ("https://example.com/a?b=c", "https://example.com/a?b=c"),
            ("HTTP://Example.com/", "http://example.com/"),
            ("//example.com/x", "http://example.com/x"),
            ("user:pw@localhost:3000/x", "http://user:pw@localhost:3000/x"),
        ];
        for (typed, want) in cases {
            match http_url(typed) {
                Ok(u) => assert_eq!(u.as_str(), want, "{typed}"),
                Err(e) => panic!("{typed}: {e}"),
            }
        }
    }

    #[test]
    fn a_whole_url_is_used_as_typed() {
        assert_eq!(normalize(" http://a/x?y=%7e ").unwrap(), "http://a/x?y=%7e");
        assert_eq!(normalize("HTTP://a").unwrap(), "HTTP://a");
        assert_eq!(normalize(":3000").unwrap(), "http://localhost:3000/");
        assert!(normalize("ftp://a").is_err());
    }

    #[test]
    fn a_url_that_cannot_be_used_names_the_problem_and_the_corrected_form() {
        // (typed, a word of the problem, the corrected form)
        let cases: [(&str, &str, Option<&str>); 12] = [
            ("http//missing-colon/x", "needs `:`", Some("http://missing-colon/x")),
            ("", "empty", None),
            ("ftp://example.com/x", "not ftp", Some("http://example.com/x")),
            ("htp://localhost:3000", "not htp", Some("http://localhost:3000")),
            ("htps://example.com", "not htps", Some("https://example.com")),
            ("http:/localhost:3000/x", "needs `//`", Some("http://localhost:3000/x")),
            ("https:example.com", "needs `//`", Some("https://example.com")),
            ("localhost:99999/x", "port", None),
            ("localhost:abc/x", "port", None),
            ("my host/x", "spaces", None),
            ("http://exa mple.com/x", "spaces", None),
            ("localhost:3000/a b", "spaces", Some("http://localhost:3000/a%20b")),
        ];
        for (typed, problem, corrected) in cases {
            let e = http_url(typed).expect_err(typed);
            assert!(e.problem.contains(problem), "{typed}: {e}");
            assert_eq!(e.corrected.as_deref(), corrected, "{typed}");
            assert!(e.to_string().contains(&format!("`{typed}`")), "{e}");
            if let Some(c) = corrected {
                assert!(e.to_string().contains(&format!("did you mean `{c}`")), "{e}");
                assert!(http_url(c).is_ok(), "the corrected form works: {c}");
            }
        }
    }
}
