//! Captures and requests in other forms: curl commands (safe to show and to paste),
//! HAR 1.2 and raw HTTP/1.1 bytes. Nothing here prints.

use base64::Engine;
use serde_json::{json, Value};

use super::capture::{CaptureError, CaptureRecord};
use super::headers::Headers;
use super::replay::replay_headers;
use super::url::join_url;

/// Quotes a string as one shell word that POSIX sh, bash and zsh all read back as the
/// same bytes, and that holds nothing a terminal would act on when the command is shown
/// ([`crate::core::acts_on_terminal`]: controls, tabs and newlines included, which a
/// paste would also break on). Printable text is single-quoted, each `'` written
/// `'\''`; anything else becomes `"$(printf 'FORMAT')"`, the characters to hide written
/// as octal escapes (see [`printf_format`]). A command substitution drops trailing
/// newlines, which no URL, method or header value can end with.
pub fn shell_quote(s: &str) -> String {
    if !s.chars().any(crate::core::acts_on_terminal) {
        return format!("'{}'", s.replace('\'', "'\\''"));
    }
    format!("\"$(printf {})\"", printf_format(s.as_bytes()))
}

/// A single-quoted `printf` format that prints exactly `bytes`: `%` and `\` doubled, `'`
/// written `'\''`, printable characters as they are, and every byte of a character
/// that could act on a terminal, and every byte that is not UTF-8, as a three-digit
/// octal escape (`\033`), which POSIX printf, bash, zsh and dash all read. A leading
/// `-` is written `\055` too, so that printf cannot take the format for an option.
pub fn printf_format(bytes: &[u8]) -> String {
    let mut o = String::with_capacity(bytes.len() + 16);
    o.push('\'');
    let octal = |o: &mut String, b: u8| o.push_str(&format!("\\{b:03o}"));
    let bytes = match bytes.split_first() {
        Some((b'-', rest)) => {
            octal(&mut o, b'-');
            rest
        }
        _ => bytes,
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => o.push_str("%%"),
                '\\' => o.push_str("\\\\"),
                '\'' => o.push_str("'\\''"),
                c if crate::core::acts_on_terminal(c) => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        octal(&mut o, b);
                    }
                }
                c => o.push(c),
            }
        }
        for &b in chunk.invalid() {
            octal(&mut o, b);
        }
    }
    o.push('\'');
    o
}

/// Where a capture is sent when its Host cannot be used.
pub const FALLBACK_BASE: &str = "http://localhost:9000";

/// `http://` and the captured Host, the address the sender used: `None` when there is
/// no Host, or it is not a plain host and port (a path, a user, a space, a control byte).
pub fn captured_base(r: &CaptureRecord) -> Option<String> {
    let host = r.headers.get("host")?.trim();
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    let base = format!("http://{host}");
    let u = url::Url::parse(&base).ok().filter(|_| ok)?;
    (u.host_str().is_some_and(|h| !h.is_empty()) && u.username().is_empty() && u.path() == "/").then_some(base)
}

/// A curl command that sends the capture to `url` byte-exact when run by `sh`, bash or
/// zsh (see [`curl_for`]), header values that are not UTF-8 included; curl's own
/// Content-Type, Accept, User-Agent and Expect are suppressed where the capture had none.
pub fn curl_command(r: &CaptureRecord, url: &str) -> Result<String, CaptureError> {
    let body = r.body_bytes()?;
    let headers = replay_headers(&r.headers);
    Ok(curl_for_exact(
        &r.method,
        url,
        &headers,
        &r.exact_header_values()?,
        &body,
    ))
}

/// [`shell_quote`] for bytes: text as it quotes it, anything that is not UTF-8 as
/// `"$(printf 'FORMAT')"` ([`printf_format`]).
pub fn shell_quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => shell_quote(s),
        Err(_) => format!("\"$(printf {})\"", printf_format(b)),
    }
}

/// A curl command for any request (`send --print curl` and the capture export), safe
/// to show and to paste: its only control characters are the newlines between its
/// lines, every word is quoted by [`shell_quote`]. The body is piped in: printable
/// UTF-8 text through `printf '%s' 'TEXT'`; text holding characters that could act on
/// a terminal through `printf 'FORMAT'` ([`printf_format`]); anything else (bytes that
/// are not UTF-8, a NUL) as base64 through `base64 -d`.
pub fn curl_for(method: &str, url: &str, headers: &Headers, body: &[u8]) -> String {
    curl_for_exact(method, url, headers, &[], body)
}

/// [`curl_for`] with header values to send as exact bytes (`(name, bytes)`, as
/// [`Prepared::exact_values`](super::deliver::Prepared::exact_values) holds them: each stands for the first header of that name
/// not yet matched whose value is the bytes' lossy text).
pub fn curl_for_exact(method: &str, url: &str, headers: &Headers, exact: &[(String, Vec<u8>)], body: &[u8]) -> String {
    let mut exact_used = vec![false; exact.len()];
    let mut parts: Vec<String> = Vec::new();
    let mut head = String::new();
    if !body.is_empty() {
        match std::str::from_utf8(body) {
            Ok(t) if !t.contains('\0') => {
                if t.chars().any(crate::core::acts_on_terminal) {
                    head.push_str(&format!("printf {} | ", printf_format(body)));
                } else {
                    head.push_str(&format!("printf '%s' {} | ", shell_quote(t)));
                }
            }
            _ => head.push_str(&format!(
                "printf '%s' {} | base64 -d | ",
                shell_quote(&base64::engine::general_purpose::STANDARD.encode(body))
            )),
        }
    }
    head.push_str("curl -sS --globoff --path-as-is");
    if method.eq_ignore_ascii_case("HEAD") {
        head.push_str(" --head");
    } else {
        head.push_str(&format!(" -X {}", shell_quote(method)));
    }
    head.push_str(&format!(" {}", shell_quote(url)));
    parts.push(head);
    for (k, v) in headers.iter() {
        // `-H 'Name:'` would remove the header; `Name;` sends it empty.
        let h = if v.is_empty() {
            format!("{k};")
        } else if let Some(bytes) = super::deliver::exact_value(exact, &mut exact_used, k, v) {
            let mut h = format!("{k}: ").into_bytes();
            h.extend_from_slice(bytes);
            parts.push(format!("-H {}", shell_quote_bytes(&h)));
            continue;
        } else {
            format!("{k}: {v}")
        };
        parts.push(format!("-H {}", shell_quote(&h)));
    }
    for (name, needed) in [
        ("Accept", true),
        ("User-Agent", true),
        ("Content-Type", !body.is_empty()),
    ] {
        if needed && !headers.contains(name) {
            parts.push(format!("-H '{name}:'"));
        }
    }
    if !body.is_empty() {
        parts.push("-H 'Expect:'".into());
        parts.push("--data-binary @-".into());
    }
    parts.join(" \\\n  ")
}

fn status_text(s: u16) -> &'static str {
    reqwest::StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("")
}

/// The captures as one HAR 1.2 document. URLs are `base` + the captured path, or
/// `http://` + the captured Host + path. Bodies that are not UTF-8 are base64 with
/// `"encoding": "base64"`; a header value that is not UTF-8 is its text (each invalid
/// sequence as U+FFFD, as HAR's JSON needs) with its exact bytes in base64 beside it
/// (`"_valueBase64"`, a custom field as HAR allows, named by the header's
/// `"comment"`); the response is the status recorded (0 when none).
pub fn har(records: &[CaptureRecord], base: Option<&str>) -> Result<Value, CaptureError> {
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        let body = r.body_bytes()?;
        let url = match base {
            Some(b) => join_url(b, &r.path),
            None => format!("http://{}{}", r.headers.get("host").unwrap_or("localhost"), r.path),
        };
        let query: Vec<Value> = url::Url::parse(&url)
            .map(|u| u.query_pairs().map(|(n, v)| json!({"name": n, "value": v})).collect())
            .unwrap_or_default();
        let headers: Vec<Value> = r
            .headers
            .iter()
            .enumerate()
            .map(|(i, (n, v))| match r.exact_value_at(i) {
                Some(bytes) => json!({
                    "name": n,
                    "value": v,
                    "comment": "not UTF-8: the exact bytes are in _valueBase64",
                    "_valueBase64": base64::engine::general_purpose::STANDARD.encode(bytes),
                }),
                None => json!({"name": n, "value": v}),
            })
            .collect();
        let mut request = json!({
            "method": r.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers,
            "queryString": query,
            "headersSize": -1,
            "bodySize": body.len(),
        });
        if !body.is_empty() {
            let mime = r.headers.get("content-type").unwrap_or("application/octet-stream");
            let post = match std::str::from_utf8(&body) {
                Ok(t) => json!({"mimeType": mime, "text": t}),
                Err(_) => json!({
                    "mimeType": mime,
                    "text": base64::engine::general_purpose::STANDARD.encode(&body),
                    "encoding": "base64",
                }),
            };
            request["postData"] = post;
        }
        let resp = r.response.as_ref();
        let status = resp.and_then(|x| x.status).unwrap_or(0);
        let wait = resp.and_then(|x| x.duration_ms).unwrap_or(0.0);
        let rbody = resp.and_then(|x| x.body.clone());
        let mut content = json!({"size": rbody.as_ref().map_or(0, |b| b.len()), "mimeType": ""});
        if let Some(b) = rbody {
            content["text"] = b.into();
        }
        entries.push(json!({
            "startedDateTime": r.received_at,
            "time": wait,
            "request": request,
            "response": {
                "status": status,
                "statusText": status_text(status),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": [],
                "content": content,
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": wait, "receive": 0},
            "comment": format!("hookcat capture {}", r.id),
            "_id": r.id,
        }));
    }
    Ok(json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "hookcat", "version": env!("CARGO_PKG_VERSION")},
            "pages": [],
            "entries": entries,
        }
    }))
}

/// The capture as HTTP/1.1 request bytes: request line, the captured headers (the
/// framing ones replaced by a Content-Length that fits the body; values that are not
/// UTF-8 as their exact bytes), a blank line, the body.
pub fn raw_request(r: &CaptureRecord) -> Result<Vec<u8>, CaptureError> {
    let body = r.body_bytes()?;
    // (A redacted query value's marker has spaces, which a request-target cannot.)
    let mut out = format!("{} {} HTTP/1.1\r\n", r.method, r.path.replace(' ', "%20")).into_bytes();
    let framed = r.headers.contains("content-length") || r.headers.contains("transfer-encoding");
    for (i, (k, v)) in r.headers.iter().enumerate() {
        if k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding") {
            continue;
        }
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        match r.exact_value_at(i) {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => out.extend_from_slice(v.as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
    if framed || !body.is_empty() {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::replay::tests::rec;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        let r = rec(
            "a",
            "POST",
            "/p",
            &[("content-type", "application/json"), ("x-e", "")],
            b"{}",
        );
        let c = curl_command(&r, "http://h/p").unwrap();
        assert!(
            c.starts_with("printf '%s' '{}' | curl -sS --globoff --path-as-is -X 'POST' 'http://h/p'"),
            "{c}"
        );
        assert!(
            c.contains("-H 'x-e;'") && c.contains("-H 'Accept:'") && !c.contains("-H 'Content-Type:'"),
            "{c}"
        );
        let bin = rec("b", "POST", "/p", &[], &[0xff, 0]);
        assert!(curl_command(&bin, "http://h/p")
            .unwrap()
            .contains("'/wA=' | base64 -d |"));
    }

    #[test]
    fn words_with_controls_become_printf_formats() {
        assert_eq!(shell_quote("a\u{1b}]0;t\u{7}"), "\"$(printf 'a\\033]0;t\\007')\"");
        assert_eq!(shell_quote("x\ty'%\\"), "\"$(printf 'x\\011y'\\''%%\\\\')\"");
        assert_eq!(printf_format("\u{202e}1".as_bytes()), "'\\342\\200\\2561'");
        assert_eq!(printf_format(&[0xff, b'a']), "'\\377a'");
        assert_eq!(printf_format(b"-n\x01"), "'\\055n\\001'");
        let r = rec("a", "POST", "/p", &[("x-v", "\u{9b}2J")], b"line\nnext\r\n");
        let c = curl_command(&r, "http://h/p").unwrap();
        assert!(c.starts_with("printf 'line\\012next\\015\\012' | curl"), "{c}");
        assert!(c.contains("-H \"$(printf 'x-v: \\302\\2332J')\""), "{c}");
        assert!(
            !c.chars().any(|ch| ch != '\n' && crate::core::acts_on_terminal(ch)),
            "{c}"
        );
    }

    #[test]
    fn har_and_raw() {
        let r = rec(
            "a",
            "POST",
            "/p?q=1",
            &[("host", "example.test"), ("content-length", "2")],
            b"hi",
        );
        let h = har(&[r.clone(), rec("b", "POST", "/", &[], &[0xff])], None).unwrap();
        let e = &h["log"]["entries"];
        assert_eq!(h["log"]["version"], "1.2");
        assert_eq!(e[0]["request"]["url"], "http://example.test/p?q=1");
        assert_eq!(e[0]["request"]["queryString"][0], json!({"name": "q", "value": "1"}));
        assert_eq!(e[0]["request"]["postData"]["text"], "hi");
        assert_eq!(e[0]["response"]["status"], 200);
        assert_eq!(e[1]["request"]["postData"]["encoding"], "base64");
        let raw = raw_request(&r).unwrap();
        assert_eq!(
            raw,
            b"POST /p?q=1 HTTP/1.1\r\nhost: example.test\r\ncontent-length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn the_captured_host_is_a_base_when_it_is_a_plain_host() {
        let with_host = |h: Option<&str>| {
            let mut r = crate::core::replay::tests::rec("a", "POST", "/p", &[], b"");
            r.headers =
                crate::core::headers::Headers(h.map(|h| ("Host".to_string(), h.to_string())).into_iter().collect());
            captured_base(&r)
        };
        assert_eq!(
            with_host(Some("127.0.0.1:9000")).as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            with_host(Some("hooks.example.com")).as_deref(),
            Some("http://hooks.example.com")
        );
        assert_eq!(with_host(Some("[::1]:8080")).as_deref(), Some("http://[::1]:8080"));
        for bad in [
            None,
            Some(""),
            Some("a b"),
            Some("x/y"),
            Some("u@h"),
            Some("h\u{1b}[2J"),
            Some("h:notaport"),
        ] {
            assert_eq!(with_host(bad), None, "{bad:?}");
        }
    }
}
