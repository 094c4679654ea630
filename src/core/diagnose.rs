//! The diagnosis: when a signature does not match, find out why by trying the usual
//! mistakes one at a time (a trailing newline, CRLF, a re-serialised JSON body, a
//! secret with whitespace or in the wrong format, another encoding or algorithm, the
//! wrong URL) and saying which one reproduces the presented signature. Each finding
//! is a code (for `--json` and scripts) and one or two plain sentences.

use std::borrow::Cow;

use super::body::Body;
use super::ids::{hex_decode, hex_lower};
use super::scheme::hmac::{Alg, Encoding, HmacView, Presented};
use super::scheme::{
    b64_decode_lenient, detect, human_secs, lookup, Failure, Finding, GenericParams, KeyKind, Scheme, SchemeError,
    SignParams, SignatureIn, Verdict, VerifyRequest,
};
use super::secret::Secret;

/// Shortens `s` to at most `n` characters for messages.
pub fn clip(s: &str, n: usize) -> Cow<'_, str> {
    if s.chars().count() <= n {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{}…", s.chars().take(n).collect::<String>()))
    }
}

fn finding(code: &'static str, message: impl Into<String>) -> Finding {
    Finding {
        code,
        message: message.into(),
    }
}

/// Explains a failed verdict; empty when the verdict is valid or says enough itself.
pub fn diagnose(scheme: &dyn Scheme, secret: &Secret, req: &VerifyRequest<'_>, verdict: &Verdict) -> Vec<Finding> {
    diagnose_at(scheme, secret, req, verdict, None)
}

/// [`diagnose`], for a request that arrived at `received_url` while it was verified
/// for `req.url` (a listener told the public URL): a sender that signed the URL it
/// actually called is found out.
pub fn diagnose_at(
    scheme: &dyn Scheme,
    secret: &Secret,
    req: &VerifyRequest<'_>,
    verdict: &Verdict,
    received_url: Option<&str>,
) -> Vec<Finding> {
    match verdict.failure {
        Some(Failure::Mismatch) => {}
        _ => return Vec::new(),
    }
    let relaxed = VerifyRequest {
        tolerance: Some(0),
        ..*req
    };
    let valid_with = |s: &Secret, r: &VerifyRequest<'_>| scheme.verify(s, r).map(|v| v.valid).unwrap_or(false);
    let mut out = Vec::new();

    secret_variants(scheme, secret, &relaxed, &valid_with, &mut out);
    if let Some(h) = scheme.as_hmac() {
        key_format(scheme, h, secret, &relaxed, &mut out);
    }
    if out.is_empty() {
        body_variants(secret, &relaxed, &valid_with, &mut out);
    }
    if out.is_empty() && scheme.meta().key == KeyKind::Ed25519 {
        out.extend(private_key_given(scheme, secret, &relaxed));
    }
    if out.is_empty() && scheme.meta().needs_url {
        if let (Some(local), Some(public)) = (received_url, req.url) {
            if local != public
                && valid_with(
                    secret,
                    &VerifyRequest {
                        url: Some(local),
                        ..relaxed
                    },
                )
            {
                out.push(finding(
                    "signed_for_local_url",
                    format!(
                        "The signature matches the URL the request arrived at, `{local}`, not the public URL `{public}` it was \
                         checked against: the sender signed the local URL (it called the listener directly, not through the \
                         public URL). Send to the public URL, or drop --public-url while testing locally."
                    ),
                ));
            }
        }
    }
    if out.is_empty() && scheme.meta().needs_url {
        url_variants(secret, &relaxed, &valid_with, &mut out);
    }
    if out.is_empty() {
        if let Some(h) = scheme.as_hmac() {
            encoding_and_algorithm(scheme, h, secret, &relaxed, &mut out);
        }
    }
    if out.is_empty() {
        let mut tried = "a trailing newline, line endings, re-serialised JSON, whitespace in the secret";
        if scheme.as_hmac().is_some() {
            tried = "a trailing newline, line endings, re-serialised JSON, whitespace or format of the secret, the encoding, the algorithm";
        }
        let url = if scheme.meta().needs_url { ", the URL" } else { "" };
        out.push(finding(
            "unknown",
            format!(
                "None of the usual causes ({tried}{url}) explains it: the secret or the body differs from what the sender used. \
                 Check that the secret is the one the provider shows for this endpoint (each webhook, app or environment has its own)."
            ),
        ));
    }
    if let (Some(ts), Some(tol)) = (verdict.timestamp, scheme.meta().tolerance) {
        let tol_secs = req.tolerance.unwrap_or(tol.secs);
        // An age that does not fit an i64 is no time at all: nothing to add.
        let age = req.now.checked_sub(ts).unwrap_or(0);
        if tol_secs > 0 && (age.unsigned_abs() > tol_secs) && (age > 0 || !tol.past_only) {
            let (how, dir) = if age > 0 {
                (human_secs(age), "old")
            } else {
                (human_secs(age), "in the future")
            };
            out.push(finding(
                "timestamp_outside_tolerance",
                format!("Also, the timestamp is {how} {dir}, beyond the tolerance of {}: even signed right it would be refused.", human_secs(i64::try_from(tol_secs).unwrap_or(i64::MAX))),
            ));
        }
    }
    out
}

fn secret_variants(
    scheme: &dyn Scheme,
    secret: &Secret,
    req: &VerifyRequest<'_>,
    valid_with: &dyn Fn(&Secret, &VerifyRequest<'_>) -> bool,
    out: &mut Vec<Finding>,
) {
    let b = secret.bytes();
    let trimmed = b.trim_ascii();
    if trimmed.len() != b.len() && !trimmed.is_empty() && valid_with(&secret.with_bytes(trimmed.to_vec()), req) {
        let what = if b.ends_with(b"\n") {
            "a trailing newline"
        } else {
            "surrounding whitespace"
        };
        out.push(finding(
            "secret_whitespace",
            format!(
                "Your secret has {what} that the sender's does not: with it removed the signature matches. \
                 (Read the secret without the newline, e.g. --secret-file strips one.)"
            ),
        ));
        return;
    }
    if scheme.meta().key != KeyKind::Ed25519 {
        let mut nl = b.to_vec();
        nl.push(b'\n');
        if valid_with(&secret.with_bytes(nl), req) {
            out.push(finding(
                "secret_newline_in_sender",
                "The sender signed with the secret plus a trailing newline (it was probably read from a file or `echo`ed into a variable): remove the newline on the sending side.",
            ));
        }
    }
}

fn key_format(scheme: &dyn Scheme, h: &dyn HmacView, secret: &Secret, req: &VerifyRequest<'_>, out: &mut Vec<Finding>) {
    let Some(p) = h.presented(req) else { return };
    let Some(s) = secret.as_str() else { return };
    let meta = scheme.meta();
    let mut candidates: Vec<(Vec<u8>, &'static str, String)> = Vec::new();
    match meta.key {
        KeyKind::WhsecBase64 => {
            candidates.push((
                s.as_bytes().to_vec(),
                "whsec_as_raw_string",
                format!(
                    "The sender used the whole `whsec_…` secret as a plain string key (as Stripe does), but {} base64-decodes the part after `whsec_` and uses those bytes as the key.",
                    meta.name
                ),
            ));
            if let Some(rest) = s.strip_prefix("whsec_") {
                candidates.push((
                    rest.as_bytes().to_vec(),
                    "whsec_as_raw_string",
                    format!(
                        "The sender used the base64 text after `whsec_` as a plain string key; {} decodes it from base64 and uses the bytes.",
                        meta.name
                    ),
                ));
            }
        }
        KeyKind::Utf8 if !s.starts_with("whsec_") => {
            candidates.push((
                format!("whsec_{s}").into_bytes(),
                "whsec_prefix_missing",
                format!(
                    "Your secret lacks the `whsec_` prefix the sender's has: {} uses the whole `whsec_…` string, prefix included, \
                     as the key. Copy the secret with its prefix.",
                    meta.name
                ),
            ));
        }
        KeyKind::Utf8 => {
            let rest = &s["whsec_".len()..];
            if let Some(k) = b64_decode_lenient(rest) {
                candidates.push((
                    k,
                    "whsec_base64_decoded",
                    format!(
                        "The sender base64-decoded the `whsec_` secret (the Standard Webhooks and Svix way), but {} uses the whole `whsec_…` string, prefix included, as the key.",
                        meta.name
                    ),
                ));
            }
            candidates.push((
                rest.as_bytes().to_vec(),
                "whsec_prefix_stripped",
                format!("The sender used the secret without its `whsec_` prefix; {} uses the whole string, prefix included, as the key.", meta.name),
            ));
        }
        _ => {}
    }
    for (key, code, msg) in candidates {
        if let Ok(mac) = h.raw_mac(&key, p.alg.unwrap_or(h.alg()), req, &p, false) {
            if presented_matches(&p, &mac) {
                out.push(finding(code, msg));
                return;
            }
        }
    }
}

/// Explains why a request could not be verified at all (`verify` gave `err`): a
/// request that carries another provider's signature header, or a private key given
/// where the public key belongs. Empty when neither explains it.
pub fn diagnose_error(
    scheme: &dyn Scheme,
    secret: &Secret,
    req: &VerifyRequest<'_>,
    err: &SchemeError,
) -> Vec<Finding> {
    match err {
        SchemeError::MissingHeader { .. } => another_scheme(scheme, req).into_iter().collect(),
        SchemeError::BadKey { .. } if scheme.meta().key == KeyKind::Ed25519 => {
            private_key_given(scheme, secret, req).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// The request carries the signature header of another scheme: which, as the schemes
/// say how they are told ([`detect`]) and where their signature travels.
fn another_scheme(scheme: &dyn Scheme, req: &VerifyRequest<'_>) -> Option<Finding> {
    let body = req.body.load().ok().flatten();
    let name = detect(req.headers, body.as_deref())?;
    if name == scheme.meta().name {
        return None;
    }
    let other = lookup(name, &GenericParams::default()).ok()?;
    let header = match other.signature_in() {
        SignatureIn::Headers(names) => names.iter().find_map(|n| {
            req.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(k, _)| k.to_string())
        }),
        SignatureIn::Body { .. } => None,
    };
    let carries = match header {
        Some(h) => format!("carries `{h}`, which the {name} scheme reads"),
        None => format!("is signed as the {name} scheme signs"),
    };
    Some(finding(
        "another_scheme",
        format!(
            "The request {carries}: it is another provider's request, not {}'s. Verify it with --scheme {name}.",
            scheme.meta().name
        ),
    ))
}

/// The secret given is the private key the sender signed with, where the verifier
/// needs its public key: signed with it, the request's signature comes out the same
/// (Ed25519 signatures are deterministic).
fn private_key_given(scheme: &dyn Scheme, secret: &Secret, req: &VerifyRequest<'_>) -> Option<Finding> {
    let sig_header = scheme.meta().signature_header;
    let presented = req.headers.get(sig_header)?.trim();
    let body = req.body.load().ok().flatten()?;
    let ts = scheme.signed_at(req.headers, &body);
    let params = SignParams {
        timestamp: ts.unwrap_or_default(),
        nanos: 0,
        id: String::new(),
        url: req.url.map(str::to_string),
    };
    let mut reader: &[u8] = &body;
    let signed = match ts {
        Some(t) => scheme.sign_timestamp_text(secret, &params, &t.to_string(), &mut reader),
        None => scheme.sign(secret, &params, &mut reader),
    }
    .ok()?;
    let same = signed
        .headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case(sig_header) && v.trim().eq_ignore_ascii_case(presented));
    same.then(|| {
        finding(
            "private_key_given",
            "The key given is the private key the request was signed with; verifying takes its public key \
             (the other half of the pair, e.g. the application's public key the provider shows).",
        )
    })
}

fn presented_matches(p: &Presented, mac: &[u8]) -> bool {
    p.sigs.iter().any(|s| decodings(s).iter().any(|d| d == mac))
}

fn decodings(s: &str) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    if let Some(h) = hex_decode(s) {
        v.push(h);
    }
    if let Some(b) = b64_decode_lenient(s) {
        v.push(b);
    }
    v
}

fn body_variants(
    secret: &Secret,
    req: &VerifyRequest<'_>,
    valid_with: &dyn Fn(&Secret, &VerifyRequest<'_>) -> bool,
    out: &mut Vec<Finding>,
) {
    let Ok(Some(body)) = req.body.load() else { return };
    let try_body = |b: Vec<u8>| {
        let body = Body::Mem(b);
        valid_with(secret, &VerifyRequest { body: &body, ..*req })
    };
    if body.ends_with(b"\n") {
        let mut b = body.to_vec();
        b.pop();
        if b.ends_with(b"\r") {
            b.pop();
        }
        if try_body(b) {
            out.push(finding(
                "trailing_newline_added",
                "The body ends with a newline that was not there when it was signed: without it the signature matches. \
                 Something added it after signing (`echo`, a here-doc, an editor saving the file, a proxy).",
            ));
            return;
        }
    }
    for nl in [&b"\n"[..], b"\r\n"] {
        let mut b = body.to_vec();
        b.extend_from_slice(nl);
        if try_body(b) {
            out.push(finding(
                "trailing_newline_removed",
                "The signature matches the body with a trailing newline, which this body lacks: something stripped it \
                 (`$(...)` in a shell, `.strip()` or `.trim()` on the body before verifying).",
            ));
            return;
        }
    }
    if body.windows(2).any(|w| w == b"\r\n") {
        let b = String::from_utf8_lossy(&body).replace("\r\n", "\n").into_bytes();
        if try_body(b) {
            out.push(finding(
                "crlf_line_endings",
                "The body has CRLF (\\r\\n) line endings but was signed with LF (\\n): something converted them \
                 (a text-mode read on Windows, git's autocrlf, a Windows editor).",
            ));
            return;
        }
    } else if body.contains(&b'\n') {
        let b = String::from_utf8_lossy(&body).replace('\n', "\r\n").into_bytes();
        if try_body(b) {
            out.push(finding(
                "lf_line_endings",
                "The body has LF (\\n) line endings but was signed with CRLF (\\r\\n): something converted them on the way.",
            ));
            return;
        }
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
        for (bytes, how) in json_variants(&v) {
            if bytes.as_slice() != &*body && try_body(bytes) {
                out.push(finding(
                    "json_reserialized",
                    format!(
                        "The signature matches this JSON serialised {how}: the body was parsed and re-serialised after signing \
                         (e.g. `JSON.stringify(req.body)` or `json.dumps(request.json)`). Verify the raw bytes as received."
                    ),
                ));
                return;
            }
        }
    }
}

/// The usual re-serialisations of a JSON value, each with a description.
pub fn json_variants(v: &serde_json::Value) -> Vec<(Vec<u8>, String)> {
    let sorted = sort_keys(v);
    let mut out = Vec::new();
    for (val, order) in [(v, ""), (&sorted, ", with keys sorted")] {
        for (style, sdesc) in [
            (Style::Compact, "compactly (no spaces)"),
            (
                Style::Spaced,
                "with a space after `,` and `:` (Python's json.dumps default)",
            ),
            (Style::Pretty(2), "pretty-printed with a 2-space indent"),
            (Style::Pretty(4), "pretty-printed with a 4-space indent"),
        ] {
            for (ascii, adesc) in [(false, ""), (true, ", non-ASCII escaped as \\uXXXX")] {
                let mut s = String::new();
                write_json(val, style, ascii, 0, &mut s);
                out.push((s.into_bytes(), format!("{sdesc}{order}{adesc}")));
            }
        }
    }
    out
}

fn sort_keys(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<_> = m.iter().collect();
            keys.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(keys.into_iter().map(|(k, v)| (k.clone(), sort_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[derive(Clone, Copy)]
enum Style {
    Compact,
    Spaced,
    Pretty(usize),
}

fn write_str(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(v: &serde_json::Value, style: Style, ascii: bool, depth: usize, out: &mut String) {
    use serde_json::Value;
    let (comma, colon) = match style {
        Style::Compact => (",", ":"),
        Style::Spaced => (", ", ": "),
        Style::Pretty(_) => (",", ": "),
    };
    let nl = |out: &mut String, d: usize| {
        if let Style::Pretty(n) = style {
            out.push('\n');
            out.push_str(&" ".repeat(n * d));
        }
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('{');
            for (i, (k, val)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                nl(out, depth + 1);
                write_str(k, ascii, out);
                out.push_str(colon);
                write_json(val, style, ascii, depth + 1, out);
            }
            nl(out, depth);
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('[');
            for (i, val) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                nl(out, depth + 1);
                write_json(val, style, ascii, depth + 1, out);
            }
            nl(out, depth);
            out.push(']');
        }
        Value::String(s) => write_str(s, ascii, out),
        other => out.push_str(&other.to_string()),
    }
}

fn url_variants(
    secret: &Secret,
    req: &VerifyRequest<'_>,
    valid_with: &dyn Fn(&Secret, &VerifyRequest<'_>) -> bool,
    out: &mut Vec<Finding>,
) {
    let Some(url) = req.url else { return };
    for (cand, what) in url_candidates(url) {
        if valid_with(
            secret,
            &VerifyRequest {
                url: Some(&cand),
                ..*req
            },
        ) {
            out.push(finding(
                "wrong_url",
                format!(
                    "The signature matches the URL `{cand}`, not `{url}`: the sender signed {what}. \
                     Give the exact URL the provider calls (behind a proxy or tunnel, the public one)."
                ),
            ));
            return;
        }
    }
}

/// Nearby URLs a sender may have signed instead: other scheme, port, query, slash.
pub fn url_candidates(url: &str) -> Vec<(String, &'static str)> {
    let mut v = Vec::new();
    let (scheme, rest) = match url.split_once("://") {
        Some(x) => x,
        None => return v,
    };
    let other_scheme = if scheme.eq_ignore_ascii_case("https") {
        "http"
    } else {
        "https"
    };
    v.push((
        format!("{other_scheme}://{rest}"),
        if other_scheme == "https" {
            "the https URL"
        } else {
            "the http URL"
        },
    ));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (auth, tail) = rest.split_at(end);
    if let Some((host, port)) = auth
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
    {
        v.push((format!("{scheme}://{host}{tail}"), "the URL without the port"));
        v.push((
            format!("{other_scheme}://{host}{tail}"),
            "the URL without the port and with the other scheme",
        ));
        let _ = port;
    } else {
        let port = if scheme.eq_ignore_ascii_case("https") { 443 } else { 80 };
        v.push((
            format!("{scheme}://{auth}:{port}{tail}"),
            "the URL with its default port",
        ));
    }
    if let Some((base, _)) = url.split_once('?') {
        v.push((base.to_string(), "the URL without its query string"));
    }
    let (path_part, query) = match url.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (url, String::new()),
    };
    if let Some(p) = path_part.strip_suffix('/') {
        v.push((format!("{p}{query}"), "the URL without the trailing slash"));
    } else {
        v.push((format!("{path_part}/{query}"), "the URL with a trailing slash"));
    }
    v
}

fn encoding_and_algorithm(
    scheme: &dyn Scheme,
    h: &dyn HmacView,
    secret: &Secret,
    req: &VerifyRequest<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(p) = h.presented(req) else { return };
    let Ok(key) = h.key(secret.bytes()) else { return };
    let alg = p.alg.unwrap_or(h.alg());
    let name = scheme.meta().name;
    if let Ok(mac) = h.raw_mac(&key, alg, req, &p, false) {
        for s in &p.sigs {
            match h.encoding() {
                Encoding::Hex => {
                    if s.as_str() == hex_lower(&mac).to_ascii_uppercase() {
                        out.push(finding(
                            "uppercase_hex",
                            format!("The signature is the right MAC in upper-case hex; {name}'s libraries compare lower-case hex as text, so it is refused. Send lower-case hex."),
                        ));
                        return;
                    }
                    if b64_decode_lenient(s).as_deref() == Some(&mac[..]) {
                        out.push(finding(
                            "base64_instead_of_hex",
                            format!("The signature is the right MAC encoded in base64, but {name} sends hex."),
                        ));
                        return;
                    }
                }
                Encoding::Base64 => {
                    if hex_decode(s).as_deref() == Some(&mac[..]) {
                        out.push(finding(
                            "hex_instead_of_base64",
                            format!("The signature is the right MAC encoded in hex, but {name} sends base64."),
                        ));
                        return;
                    }
                    if b64_decode_lenient(s).as_deref() == Some(&mac[..]) {
                        out.push(finding(
                            "base64_variant",
                            "The signature is the right MAC, but in URL-safe base64 or without padding: the providers send standard, padded base64.",
                        ));
                        return;
                    }
                }
            }
        }
    }
    for other in [Alg::Sha1, Alg::Sha256, Alg::Sha512] {
        if other == alg {
            continue;
        }
        if let Ok(mac) = h.raw_mac(&key, other, req, &p, false) {
            if presented_matches(&p, &mac) {
                out.push(finding(
                    "wrong_algorithm",
                    format!(
                        "The signature is an {} MAC, but {name} uses {}{}",
                        other.name(),
                        alg.name(),
                        match h.algorithm_hint(other) {
                            Some(hint) => format!(": {hint}"),
                            None => ".".into(),
                        }
                    ),
                ));
                return;
            }
        }
    }
    for a in [alg, Alg::Sha1, Alg::Sha256, Alg::Sha512] {
        if let Ok(mac) = h.raw_mac(&key, a, req, &p, true) {
            if presented_matches(&p, &mac) {
                out.push(finding(
                    "wrong_layout",
                    format!(
                        "The signature is an {} of the body alone (as GitHub, Shopify or a generic signer sign), but {name} signs more than the body ({}). The sender used another scheme.",
                        a.name(),
                        scheme.meta().title
                    ),
                ));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_variants_cover_the_usual_forms() {
        let v: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":["é",{}]}"#).unwrap();
        let forms: Vec<String> = json_variants(&v)
            .into_iter()
            .map(|(b, _)| String::from_utf8(b).unwrap())
            .collect();
        assert!(forms.contains(&r#"{"b":1,"a":["é",{}]}"#.to_string()));
        assert!(forms.contains(&r#"{"b": 1, "a": ["é", {}]}"#.to_string()));
        assert!(forms.contains(&r#"{"a":["\u00e9",{}],"b":1}"#.to_string()));
        assert!(forms.contains(&"{\n  \"b\": 1,\n  \"a\": [\n    \"é\",\n    {}\n  ]\n}".to_string()));
    }

    #[test]
    fn url_candidates_vary_one_thing() {
        let c: Vec<String> = url_candidates("http://a.com:8080/x?q=1")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert!(c.contains(&"https://a.com:8080/x?q=1".to_string()));
        assert!(c.contains(&"http://a.com/x?q=1".to_string()));
        assert!(c.contains(&"http://a.com:8080/x".to_string()));
        assert!(c.contains(&"http://a.com:8080/x/?q=1".to_string()));
    }

    #[test]
    fn clip_shortens() {
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }
}
