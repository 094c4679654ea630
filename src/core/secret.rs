//! Secrets: where they come from (`--secret-env`, `--secret-file`, `--secret`), a
//! type that never shows its bytes in `Debug` or `Display`, so a secret cannot end up
//! in a log line or an error message by accident, and the [`Redactor`] that keeps
//! secrets out of everything hookcat writes about a request (capture records, `--json`,
//! the terminal, exports, `send --dry-run`).
//!
//! A redacted value is written as [`marker`]: `[redacted: 24 bytes]`, the length of
//! the value it stands for, and the record says where the markers are
//! ([`Redacted`](super::capture::Redacted)). `replay` puts the value back from the
//! secret flags there and only there ([`restore_headers`], [`restore_query`]): a value
//! that only looks like a marker is what the sender sent, and a marker is never sent as
//! if it were the value.

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

/// How a redacted value is written: `[redacted: N bytes]`, N its length in bytes.
pub fn marker(len: usize) -> String {
    format!("{MARKER_START}{len} bytes]")
}

const MARKER_START: &str = "[redacted: ";

/// The length a [`marker`] stands for; `None` when `s` is not one.
pub fn parse_marker(s: &str) -> Option<usize> {
    let n = s.strip_prefix(MARKER_START)?.strip_suffix(" bytes]")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || (n.len() > 1 && n.starts_with('0')) {
        return None;
    }
    n.parse().ok()
}

/// The values that must never be written about a request: the configured secrets
/// (`--secret*`, `--require-header` values), wherever they appear as a whole header
/// value or query value, and the value of every header a scheme sends its secret in
/// as it is ([`SchemeMeta::secret_header`](super::scheme::SchemeMeta::secret_header),
/// GitLab's `X-Gitlab-Token`), whichever secret it holds.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<Vec<u8>>,
    headers: Vec<&'static str>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor(<{} values>, {:?})", self.values.len(), self.headers)
    }
}

impl Redactor {
    /// Redacts the headers that the known schemes send their secret in; add the
    /// configured secrets with [`Redactor::add`].
    pub fn new() -> Redactor {
        Redactor {
            values: Vec::new(),
            headers: super::scheme::registry::secret_headers().to_vec(),
        }
    }

    /// A value to redact wherever it appears whole (empty values are ignored).
    pub fn add(&mut self, value: &[u8]) {
        if !value.is_empty() && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_vec());
        }
    }

    pub fn add_secret(&mut self, s: &Secret) {
        self.add(s.bytes());
    }

    /// Whether `v` is one of the configured secrets. Each comparison of a value of the
    /// same length runs in constant time (the length is not secret).
    pub fn is_secret(&self, v: &[u8]) -> bool {
        let mut hit = false;
        for s in &self.values {
            hit |= s.len() == v.len() && super::scheme::ct_eq(s, v);
        }
        hit
    }

    fn hides_header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// Replaces each header value that is a secret (or that a scheme's secret header
    /// carries) by its [`marker`]; returns how many were replaced.
    pub fn redact_headers(&self, h: &mut super::headers::Headers) -> usize {
        let mut places = Vec::new();
        self.redact_header_values(h, &mut Vec::new(), &mut places);
        places.len()
    }

    /// [`Redactor::redact_headers`] for headers kept as a record keeps them: `exact`
    /// holds the exact bytes of the values that are not UTF-8 (`[index, base64]`, see
    /// [`CaptureRecord::header_bytes`](super::capture::CaptureRecord::header_bytes)).
    /// A value is compared, and its length counted, as those bytes, and a value
    /// redacted loses them. The place of each value redacted is added to `places`.
    fn redact_header_values(
        &self,
        h: &mut super::headers::Headers,
        exact: &mut Vec<(u32, String)>,
        places: &mut Vec<u32>,
    ) {
        use base64::Engine;
        for (i, (k, v)) in h.0.iter_mut().enumerate() {
            let Ok(at) = u32::try_from(i) else {
                break;
            };
            let bytes = match exact.iter().find(|(p, _)| *p == at) {
                Some((_, b64)) => base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map(std::borrow::Cow::Owned)
                    .unwrap_or(std::borrow::Cow::Borrowed(v.as_bytes())),
                None => std::borrow::Cow::Borrowed(v.as_bytes()),
            };
            if (self.hides_header(k) || self.is_secret(&bytes)) && parse_marker(v).is_none() {
                *v = marker(bytes.len());
                exact.retain(|(p, _)| *p != at);
                places.push(at);
            }
        }
    }

    /// Replaces each query value of `url` (a path or a whole URL) that is a secret, as
    /// written or percent-decoded, by its [`marker`]; returns how many were replaced.
    pub fn redact_query(&self, url: &mut String) -> usize {
        let mut places = Vec::new();
        self.redact_query_at(url, &mut places);
        places.len()
    }

    /// [`Redactor::redact_query`], adding the place of each pair redacted (among the
    /// query's pairs split at `&`, 0 the first) to `places`.
    fn redact_query_at(&self, url: &mut String, places: &mut Vec<u32>) {
        if self.values.is_empty() {
            return;
        }
        let Some(q) = url.find('?') else {
            return;
        };
        let end = url[q..].find('#').map_or(url.len(), |f| q + f);
        // Nothing is allocated unless a value is a secret.
        let is_secret = |value: &str| {
            if value.bytes().any(|b| b == b'%' || b == b'+') {
                let decoded: Vec<u8> = form_urlencoded::parse(format!("x={value}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned().into_bytes())
                    .unwrap_or_default();
                self.is_secret(&decoded).then_some(decoded.len())
            } else {
                self.is_secret(value.as_bytes()).then_some(value.len())
            }
        };
        let query = &url[q + 1..end];
        if !query
            .split('&')
            .any(|p| p.split_once('=').is_some_and(|(_, v)| is_secret(v).is_some()))
        {
            return;
        }
        let mut rebuilt = String::with_capacity(url.len());
        rebuilt.push_str(&url[..=q]);
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                rebuilt.push('&');
            }
            match pair
                .split_once('=')
                .and_then(|(k, v)| Some((k, is_secret(v)?, u32::try_from(i).ok()?)))
            {
                Some((name, len, at)) => {
                    rebuilt.push_str(name);
                    rebuilt.push('=');
                    rebuilt.push_str(&marker(len));
                    places.push(at);
                }
                None => rebuilt.push_str(pair),
            }
        }
        rebuilt.push_str(&url[end..]);
        *url = rebuilt;
    }

    /// Whether a configured secret was given (else only the scheme headers are hidden,
    /// and text and URLs are left as they are).
    pub fn has_secrets(&self) -> bool {
        !self.values.is_empty()
    }

    /// Free text (an error message, a note, an answer) with every occurrence of a
    /// configured secret replaced by its [`marker`]: as it is, and as a URL carries it
    /// (form-encoded, or percent-encoded with `%20` for a space), since messages quote
    /// the URLs they failed on. Borrowed when nothing is replaced.
    pub fn redact_text<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let mut out = std::borrow::Cow::Borrowed(text);
        for v in &self.values {
            let encoded: String = form_urlencoded::byte_serialize(v).collect();
            let forms = [
                std::str::from_utf8(v).ok().map(str::to_string),
                Some(encoded.replace('+', "%20")),
                Some(encoded),
            ];
            for form in forms.into_iter().flatten() {
                if !form.is_empty() && out.contains(form.as_str()) {
                    out = std::borrow::Cow::Owned(out.replace(form.as_str(), &marker(v.len())));
                }
            }
        }
        out
    }

    /// This redactor with the values of `h`'s secret headers added (GitLab's token as
    /// this request carries it): what an answer to that request may echo. `None` when
    /// `h` has none (or only markers), so the common case copies nothing.
    pub fn for_request(&self, h: &super::headers::Headers) -> Option<Redactor> {
        let mut own: Option<Redactor> = None;
        for (k, v) in h.iter() {
            if self.hides_header(k) && parse_marker(v).is_none() && !v.is_empty() {
                own.get_or_insert_with(|| self.clone()).add(v.as_bytes());
            }
        }
        own
    }

    /// Everything written about a request: the record ([`Redactor::redact_record`]),
    /// and what `also` is given to redact with the same redactor (the listener's
    /// account of a forward), with the request's own secret headers as secrets too
    /// ([`Redactor::for_request`]).
    pub fn redact_captured(&self, r: &mut super::capture::CaptureRecord, also: impl FnOnce(&Redactor)) {
        let own = self.for_request(&r.headers);
        let this = own.as_ref().unwrap_or(self);
        also(this);
        this.redact_record(r);
    }

    /// [`Redactor::redact_text`] for bytes that may be text (an answer's body); bytes
    /// that are not UTF-8 are left as they are.
    pub fn redact_bytes(&self, b: &mut Vec<u8>) -> bool {
        if !self.has_secrets() {
            return false;
        }
        let Ok(t) = std::str::from_utf8(b) else {
            return false;
        };
        match self.redact_text(t) {
            std::borrow::Cow::Owned(o) => {
                *b = o.into_bytes();
                true
            }
            std::borrow::Cow::Borrowed(_) => false,
        }
    }

    /// Everything about a captured request that is written: its headers (with the
    /// exact bytes of a value redacted), its path, and the words about its answer (a
    /// failed forward quotes the URL it tried). The record's
    /// [`redacted`](super::capture::CaptureRecord::redacted) says where the markers in
    /// its headers and query are, for replay to put back only those. Returns how many
    /// values were redacted.
    pub fn redact_record(&self, r: &mut super::capture::CaptureRecord) -> usize {
        let places = &mut r.redacted;
        let before = places.headers.len() + places.query.len();
        self.redact_header_values(&mut r.headers, &mut r.header_bytes, &mut places.headers);
        self.redact_query_at(&mut r.path, &mut places.query);
        let mut n = places.headers.len() + places.query.len() - before;
        if n > 0 && before > 0 {
            for p in [&mut places.headers, &mut places.query] {
                p.sort_unstable();
                p.dedup();
            }
        }
        if let Some(resp) = r.response.as_mut().filter(|_| self.has_secrets()) {
            for text in [resp.note.as_mut(), resp.body.as_mut()].into_iter().flatten() {
                if let std::borrow::Cow::Owned(o) = self.redact_text(text) {
                    *text = o;
                    n += 1;
                }
            }
        }
        n
    }
}

/// The query of `url` (a path or a whole URL): after its `?`, up to a `#`.
pub fn query_of(url: &str) -> Option<&str> {
    let (_, q) = url.split_once('?')?;
    Some(q.split_once('#').map_or(q, |(q, _)| q))
}

/// A redacted value that cannot be put back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    #[error("its {what} was redacted when it was captured (a secret of {len} bytes), and no secret was given to put it back")]
    NoSecret { what: String, len: usize },
    #[error("its {what} was redacted when it was captured (a secret of {len} bytes), and the secret from {from} has {given} bytes: it is not that one")]
    WrongLength {
        what: String,
        len: usize,
        given: usize,
        from: SecretSource,
    },
    #[error("its {1} was redacted when it was captured, and the secret from {0} is not text, which a header needs")]
    NotText(SecretSource, String),
}

/// The secret's text for a [`marker`] of `len` bytes found in `what`.
fn fill(secret: Option<&Secret>, what: impl Fn() -> String, len: usize) -> Result<&str, RestoreError> {
    let s = secret.ok_or_else(|| RestoreError::NoSecret { what: what(), len })?;
    if s.bytes().len() != len {
        return Err(RestoreError::WrongLength {
            what: what(),
            len,
            given: s.bytes().len(),
            from: s.source().clone(),
        });
    }
    s.as_str()
        .ok_or_else(|| RestoreError::NotText(s.source().clone(), what()))
}

/// Puts `secret` back in the header values that were redacted: those at `places`,
/// each a header's name (lower-case) and its rank among the headers of that name (0
/// the first), which the headers dropped by name before a request is sent leave as
/// they were. Returns how many. A value elsewhere that looks like a [`marker`] is what
/// the sender sent, and stays. A marker that `secret` cannot fill (none given, another
/// length) is an error: a marker is never sent as if it were the value.
pub fn restore_headers(
    headers: &mut super::headers::Headers,
    secret: Option<&Secret>,
    places: &[(String, usize)],
) -> Result<usize, RestoreError> {
    if places.is_empty() {
        return Ok(0);
    }
    let mut n = 0;
    for i in 0..headers.0.len() {
        let (before, rest) = headers.0.split_at_mut(i);
        let (k, v) = &mut rest[0];
        let rank = before.iter().filter(|(n, _)| n.eq_ignore_ascii_case(k)).count();
        if !places.iter().any(|(n, r)| *r == rank && n.eq_ignore_ascii_case(k)) {
            continue;
        }
        if let Some(len) = parse_marker(v) {
            let value = fill(secret, || format!("{} header", k.to_ascii_lowercase()), len)?;
            v.clear();
            v.push_str(value);
            n += 1;
        }
    }
    Ok(n)
}

/// The places of the header values at `places` in `headers` (a record's
/// [`Redacted::headers`](super::capture::Redacted::headers)), as
/// [`restore_headers`] takes them.
pub fn header_places(headers: &super::headers::Headers, places: &[u32]) -> Vec<(String, usize)> {
    places
        .iter()
        .filter_map(|p| {
            let i = *p as usize;
            let (name, _) = headers.0.get(i)?;
            let rank = headers.0[..i]
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .count();
            Some((name.to_ascii_lowercase(), rank))
        })
        .collect()
}

/// [`restore_headers`] for the query values of `url` (a path or a whole URL): the
/// pairs at `places` (split at `&`, 0 the first). The secret goes back as it is when it
/// needs no escaping in a query, else percent-encoded.
pub fn restore_query(url: &mut String, secret: Option<&Secret>, places: &[u32]) -> Result<usize, RestoreError> {
    if places.is_empty() {
        return Ok(0);
    }
    let Some(q) = url.find('?') else {
        return Ok(0);
    };
    let end = url[q..].find('#').map_or(url.len(), |f| q + f);
    let mut rebuilt = String::with_capacity(url.len());
    rebuilt.push_str(&url[..=q]);
    let mut n = 0;
    for (i, pair) in url[q + 1..end].split('&').enumerate() {
        if i > 0 {
            rebuilt.push('&');
        }
        let redacted = u32::try_from(i).is_ok_and(|i| places.contains(&i));
        match pair
            .split_once('=')
            .filter(|_| redacted)
            .and_then(|(k, v)| Some((k, parse_marker(v)?)))
        {
            Some((name, len)) => {
                let v = fill(secret, || format!("query parameter `{name}`"), len)?;
                rebuilt.push_str(name);
                rebuilt.push('=');
                if v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
                    rebuilt.push_str(v);
                } else {
                    rebuilt.extend(form_urlencoded::byte_serialize(v.as_bytes()));
                }
                n += 1;
            }
            None => rebuilt.push_str(pair),
        }
    }
    if n > 0 {
        rebuilt.push_str(&url[end..]);
        *url = rebuilt;
    }
    Ok(n)
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
    fn markers_keep_the_length_and_read_back() {
        assert_eq!(marker(24), "[redacted: 24 bytes]");
        assert_eq!(parse_marker("[redacted: 24 bytes]"), Some(24));
        for not in [
            "[redacted: bytes]",
            "[redacted: 024 bytes]",
            "[redacted: -1 bytes]",
            "x",
            "[redacted: 2 bytes] ",
        ] {
            assert_eq!(parse_marker(not), None, "{not}");
        }
    }

    #[test]
    fn header_and_query_values_equal_to_a_secret_are_redacted_and_restored() {
        use crate::core::headers::Headers;
        let secret = Secret::from_arg("s3cr/et+1").unwrap();
        let mut r = Redactor::new();
        r.add_secret(&secret);
        r.add(b"tok");
        let mut h: Headers = [
            ("X-Token", "tok"),
            ("X-Other", "tok2"),
            ("X-Gitlab-Token", "some-other-token"),
            ("X-Key", "s3cr/et+1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(r.redact_headers(&mut h), 3);
        assert_eq!(h.get("x-token"), Some("[redacted: 3 bytes]"));
        assert_eq!(h.get("x-other"), Some("tok2"));
        assert_eq!(h.get("x-gitlab-token"), Some("[redacted: 16 bytes]"));
        assert_eq!(h.get("x-key"), Some("[redacted: 9 bytes]"));
        let mut path = "/h?a=s3cr%2Fet%2B1&b=1&c=tok#f".to_string();
        assert_eq!(r.redact_query(&mut path), 2);
        assert_eq!(path, "/h?a=[redacted: 9 bytes]&b=1&c=[redacted: 3 bytes]#f");
        let mut plain = "/h?a=1".to_string();
        assert_eq!(r.redact_query(&mut plain), 0);
        assert_eq!(plain, "/h?a=1");

        // Put back: each marker needs a secret of its length.
        let mut p = "/h?a=[redacted: 9 bytes]&b=1#[redacted: 9 bytes]".to_string();
        let mut only_key: Headers = [("X-Key".to_string(), "[redacted: 9 bytes]".to_string())]
            .into_iter()
            .collect();
        let key = [("x-key".to_string(), 0)];
        assert_eq!(restore_headers(&mut only_key, Some(&secret), &key), Ok(1));
        assert_eq!(restore_query(&mut p, Some(&secret), &[0]), Ok(1));
        assert_eq!(only_key.get("x-key"), Some("s3cr/et+1"));
        assert_eq!(p, "/h?a=s3cr%2Fet%2B1&b=1#[redacted: 9 bytes]");
        let all = header_places(&h, &[0, 2, 3]);
        assert_eq!(
            all,
            [("x-token".into(), 0), ("x-gitlab-token".into(), 0), ("x-key".into(), 0)]
        );
        assert!(matches!(
            restore_headers(&mut h, Some(&secret), &all),
            Err(RestoreError::WrongLength { len: 3, given: 9, .. })
        ));
        let mut again: Headers = [("X-Key".to_string(), "[redacted: 9 bytes]".to_string())]
            .into_iter()
            .collect();
        let e = restore_headers(&mut again, None, &key).unwrap_err();
        assert_eq!(
            e,
            RestoreError::NoSecret {
                what: "x-key header".into(),
                len: 9
            }
        );
        assert_eq!(again.get("x-key"), Some("[redacted: 9 bytes]"));
    }

    /// Only the values the record says were redacted are put back: a marker the sender
    /// wrote stays as it is, wherever it is.
    #[test]
    fn only_the_places_redacted_are_restored() {
        use crate::core::headers::Headers;
        let secret = Secret::from_arg("s3cret").unwrap();
        let m = marker(6);
        let mut h: Headers = [("X-A", &m), ("X-B", &m), ("x-a", &m)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // The second x-a, after the x-b before it was dropped by name.
        let places = header_places(&h, &[2]);
        assert_eq!(places, [("x-a".to_string(), 1)]);
        h.remove("x-b");
        assert_eq!(restore_headers(&mut h, Some(&secret), &places), Ok(1));
        assert_eq!(
            h.0,
            [
                ("X-A".to_string(), m.clone()),
                ("x-a".to_string(), "s3cret".to_string())
            ]
        );
        // Nothing redacted: no secret needed, nothing changed.
        let mut h2 = Headers(vec![("x-a".into(), m.clone())]);
        assert_eq!(restore_headers(&mut h2, None, &[]), Ok(0));
        assert_eq!(h2.get("x-a"), Some(m.as_str()));
        let mut url = format!("/h?a={m}&b={m}");
        assert_eq!(restore_query(&mut url, Some(&secret), &[1]), Ok(1));
        assert_eq!(url, format!("/h?a={m}&b=s3cret"));
        let mut url = format!("/h?a={m}");
        assert_eq!(restore_query(&mut url, None, &[]), Ok(0));
    }

    /// A header value that is not UTF-8 is compared and measured as its exact bytes,
    /// and a value redacted keeps no bytes of itself in the record.
    #[test]
    fn a_record_redacted_keeps_no_exact_bytes_of_the_value_and_says_where() {
        use crate::core::capture::{header_value_text, CaptureRecord};
        let raw_secret = b"to\xffken".to_vec();
        let mut r = CaptureRecord::empty();
        r.id = "abc".into();
        r.received_at = "2026-11-28T10:00:00Z".into();
        r.method = "POST".into();
        r.remote_addr = "127.0.0.1:1".into();
        r.path = "/h?t=tok&u=1&v=tok".into();
        let values: Vec<(&str, Vec<u8>)> = vec![
            ("x-a", b"caf\xe9".to_vec()),
            ("x-gitlab-token", b"gl\xfe-token".to_vec()),
            ("x-c", raw_secret.clone()),
            ("x-d", b"tok".to_vec()),
        ];
        r.headers = values
            .iter()
            .enumerate()
            .map(|(i, (k, v))| (k.to_string(), header_value_text(i, v, &mut r.header_bytes)))
            .collect();
        assert_eq!(r.header_bytes.len(), 3);
        let mut red = Redactor::new();
        red.add(&raw_secret);
        red.add(b"tok");
        assert_eq!(red.redact_record(&mut r), 5);
        assert_eq!(r.headers.get("x-gitlab-token"), Some("[redacted: 9 bytes]"));
        assert_eq!(r.headers.get("x-c"), Some("[redacted: 6 bytes]"));
        assert_eq!(r.headers.get("x-d"), Some("[redacted: 3 bytes]"));
        assert_eq!(r.header_bytes.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0]);
        assert_eq!(r.redacted.headers, [1, 2, 3]);
        assert_eq!(r.redacted.query, [0, 2]);
        assert_eq!(r.problem(), None);
        // Redacting again changes nothing.
        assert_eq!(red.redact_record(&mut r), 0);
        assert_eq!(r.redacted.headers, [1, 2, 3]);
    }

    #[test]
    fn secrets_in_free_text_are_redacted_as_written_and_url_encoded() {
        let mut r = Redactor::new();
        r.add(b"s3cr/et +1");
        let m = marker(10);
        assert_eq!(r.redact_text("a s3cr/et +1 b"), format!("a {m} b"));
        assert_eq!(
            r.redact_text("url (http://h/p?t=s3cr%2Fet+%2B1)"),
            format!("url (http://h/p?t={m})")
        );
        assert_eq!(
            r.redact_text("http://h/p?t=s3cr%2Fet%20%2B1&x"),
            format!("http://h/p?t={m}&x")
        );
        assert!(matches!(r.redact_text("nothing here"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(
            Redactor::new().redact_text("s3cr/et +1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn env_missing_names_the_variable() {
        let e = Secret::from_env("HOOKCAT_TEST_SURELY_UNSET_VAR").unwrap_err();
        assert!(e.to_string().contains("HOOKCAT_TEST_SURELY_UNSET_VAR"));
    }
}
