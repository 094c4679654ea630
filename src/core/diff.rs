//! Comparing two captures, or two bodies: method, path, headers (names without regard
//! to case, those that differ per delivery marked) and bodies (as JSON values, lines of
//! text or bytes). Nothing here prints.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::capture::{CaptureError, CaptureRecord};
use super::headers::Headers;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub a: String,
    pub b: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderDiff {
    /// Lower-case.
    pub name: String,
    pub change: Change,
    /// All values of the header, joined with `, `.
    pub a: Option<String>,
    pub b: Option<String>,
    /// A header that differs on every delivery (signatures, timestamps, ids, dates).
    pub varies: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonChange {
    /// Dotted, as `--set` takes it: `data.object.amount`, `items.0.price`.
    pub path: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Same,
    Removed,
    Added,
    /// Unchanged lines left out; the text says how many.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub kind: LineKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyMode {
    /// Compared as JSON values: key order and whitespace do not count.
    Json,
    /// Compared line by line.
    Text,
    /// Compared byte by byte.
    Binary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyDiff {
    pub mode: BodyMode,
    pub same: bool,
    pub a_size: usize,
    pub b_size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<JsonChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureDiff {
    pub a: String,
    pub b: String,
    pub identical: bool,
    pub method: Option<FieldDiff>,
    pub path: Option<FieldDiff>,
    pub headers: Vec<HeaderDiff>,
    /// Headers present in both with the same values.
    pub same_headers: usize,
    pub body: BodyDiff,
}

/// Headers expected to differ between two deliveries of the same event.
pub fn varies_per_delivery(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "date",
        "content-length",
        "traceparent",
        "tracestate",
        "x-forwarded-for",
        "idempotency-key",
    ];
    const PARTS: &[&str] = &[
        "signature",
        "timestamp",
        "delivery",
        "request-id",
        "-id",
        "uuid",
        "hmac",
        "nonce",
        "trace",
        "triggered-at",
        "token",
    ];
    EXACT.contains(&n.as_str()) || PARTS.iter().any(|p| n.contains(p))
}

fn grouped(h: &Headers) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in h.iter() {
        let k = k.to_ascii_lowercase();
        match out.iter_mut().find(|(n, _)| *n == k) {
            Some((_, all)) => {
                all.push_str(", ");
                all.push_str(v);
            }
            None => out.push((k, v.to_string())),
        }
    }
    out
}

/// Compares two captures: method, path, headers (names without regard to case) and
/// bodies (as JSON unless `exact`).
pub fn diff_captures(a: &CaptureRecord, b: &CaptureRecord, exact: bool) -> Result<CaptureDiff, CaptureError> {
    let field = |x: &str, y: &str| {
        (x != y).then(|| FieldDiff {
            a: x.to_string(),
            b: y.to_string(),
        })
    };
    let (ha, hb) = (grouped(&a.headers), grouped(&b.headers));
    let mut headers = Vec::new();
    let mut same_headers = 0;
    for (k, va) in &ha {
        match hb.iter().find(|(n, _)| n == k) {
            Some((_, vb)) if vb == va => same_headers += 1,
            Some((_, vb)) => headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Changed,
                a: Some(va.clone()),
                b: Some(vb.clone()),
                varies: varies_per_delivery(k),
            }),
            None => headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Removed,
                a: Some(va.clone()),
                b: None,
                varies: varies_per_delivery(k),
            }),
        }
    }
    for (k, vb) in &hb {
        if !ha.iter().any(|(n, _)| n == k) {
            headers.push(HeaderDiff {
                name: k.clone(),
                change: Change::Added,
                a: None,
                b: Some(vb.clone()),
                varies: varies_per_delivery(k),
            });
        }
    }
    let body = diff_bodies(&a.body_bytes()?, &b.body_bytes()?, exact);
    let method = field(&a.method, &b.method);
    let path = field(&a.path, &b.path);
    Ok(CaptureDiff {
        a: a.id.clone(),
        b: b.id.clone(),
        identical: method.is_none() && path.is_none() && headers.is_empty() && body.same,
        method,
        path,
        headers,
        same_headers,
        body,
    })
}

/// Compares two bodies: as JSON values when both parse and not `exact`; else as lines
/// of text; else as bytes.
pub fn diff_bodies(a: &[u8], b: &[u8], exact: bool) -> BodyDiff {
    let mut d = BodyDiff {
        mode: BodyMode::Binary,
        same: a == b,
        a_size: a.len(),
        b_size: b.len(),
        note: None,
        changes: Vec::new(),
        lines: Vec::new(),
    };
    if !exact && !a.is_empty() && !b.is_empty() {
        if let (Ok(va), Ok(vb)) = (serde_json::from_slice::<Value>(a), serde_json::from_slice::<Value>(b)) {
            d.mode = BodyMode::Json;
            d.changes = json_diff(&va, &vb);
            d.same = d.changes.is_empty();
            if d.same && a != b {
                d.note = Some("the same JSON; only key order or whitespace differ (--exact compares bytes)".into());
            }
            return d;
        }
    }
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(ta), Ok(tb)) => {
            d.mode = BodyMode::Text;
            if !d.same {
                d.lines = line_diff(ta, tb, 3);
            }
        }
        _ if !d.same => {
            let at = a
                .iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            d.note = Some(format!(
                "the bodies differ from byte {at} on ({} and {} bytes)",
                a.len(),
                b.len()
            ));
        }
        _ => {}
    }
    d
}

/// Compares a recorded answer's body with a new one ([`diff_bodies`]), leaving out
/// the JSON fields named in `ignore` (dotted paths as the changes are named, `data.id`
/// or `items.0.at`, or JSON pointers, `/data/id`; a field ignores what it holds) and the
/// fields a hookcat listener's own answer (`{"ok":true,"id":ID}`) holds that change on
/// every delivery (the capture id). The note names what was left out.
pub fn diff_answers(recorded: &[u8], now: &[u8], ignore: &[String]) -> BodyDiff {
    let mut d = diff_bodies(recorded, now, false);
    if d.mode != BodyMode::Json || d.same {
        return d;
    }
    let mut paths: Vec<String> = ignore.iter().map(|p| field_path(p)).collect();
    if hookcat_answer(recorded) && hookcat_answer(now) {
        paths.push("id".into());
    }
    let mut left_out: Vec<String> = Vec::new();
    d.changes.retain(|c| match paths.iter().find(|p| covers(p, &c.path)) {
        Some(p) => {
            if !left_out.contains(p) {
                left_out.push(p.clone());
            }
            false
        }
        None => true,
    });
    if !left_out.is_empty() {
        d.same = d.changes.is_empty();
        d.note = Some(format!("ignored: {}", left_out.join(", ")));
    }
    d
}

/// A field as the changes name it, from a dotted path or a JSON pointer.
fn field_path(p: &str) -> String {
    match p.strip_prefix('/') {
        Some(pointer) => render_path(
            &pointer
                .split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect::<Vec<_>>(),
        ),
        None => p.trim().to_string(),
    }
}

/// Whether the field `field` is, or holds, `path`.
fn covers(field: &str, path: &str) -> bool {
    path.strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// A hookcat listener's default answer: `{"ok":true,"id":ID}` with a capture id.
fn hookcat_answer(body: &[u8]) -> bool {
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    m.len() == 2
        && m.get("ok") == Some(&Value::Bool(true))
        && m.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| super::select::random_part(id).is_some())
}

fn simple_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$' || c == '@')
}

fn render_path(segments: &[String]) -> String {
    if segments.is_empty() {
        return "(body)".into();
    }
    let mut s = String::new();
    for seg in segments {
        if simple_key(seg) {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        } else {
            s.push('[');
            s.push_str(&serde_json::to_string(seg).unwrap_or_default());
            s.push(']');
        }
    }
    s
}

/// The differences between two JSON values: each changed, added or removed path.
/// Object keys are matched by name (their order does not count), array elements by index.
pub fn json_diff(a: &Value, b: &Value) -> Vec<JsonChange> {
    fn walk(path: &mut Vec<String>, a: &Value, b: &Value, out: &mut Vec<JsonChange>) {
        let at = |path: &[String], change, a: Option<&Value>, b: Option<&Value>| JsonChange {
            path: render_path(path),
            change,
            a: a.cloned(),
            b: b.cloned(),
        };
        match (a, b) {
            (Value::Object(ma), Value::Object(mb)) => {
                for (k, va) in ma {
                    path.push(k.clone());
                    match mb.get(k) {
                        Some(vb) => walk(path, va, vb, out),
                        None => out.push(at(path, Change::Removed, Some(va), None)),
                    }
                    path.pop();
                }
                for (k, vb) in mb {
                    if !ma.contains_key(k) {
                        path.push(k.clone());
                        out.push(at(path, Change::Added, None, Some(vb)));
                        path.pop();
                    }
                }
            }
            (Value::Array(xa), Value::Array(xb)) => {
                for i in 0..xa.len().max(xb.len()) {
                    path.push(i.to_string());
                    match (xa.get(i), xb.get(i)) {
                        (Some(va), Some(vb)) => walk(path, va, vb, out),
                        (Some(va), None) => out.push(at(path, Change::Removed, Some(va), None)),
                        (None, Some(vb)) => out.push(at(path, Change::Added, None, Some(vb))),
                        (None, None) => {}
                    }
                    path.pop();
                }
            }
            _ if a == b => {}
            _ => out.push(at(path, Change::Changed, Some(a), Some(b))),
        }
    }
    let mut out = Vec::new();
    walk(&mut Vec::new(), a, b, &mut out);
    out
}

/// A line diff of two texts with `context` unchanged lines around each change (the rest
/// are counted in `Skipped` lines). Lines are split on `\n` only, so a missing final
/// newline or a `\r` shows.
pub fn line_diff(a: &str, b: &str, context: usize) -> Vec<DiffLine> {
    use similar::{capture_diff_slices_deadline, Algorithm, ChangeTag};
    let la: Vec<&str> = a.split('\n').collect();
    let lb: Vec<&str> = b.split('\n').collect();
    // Myers' diff; past the deadline (very long, very different texts) it settles for
    // a correct but longer diff.
    let deadline = Instant::now() + Duration::from_secs(1);
    let ops: Vec<(LineKind, &str)> = capture_diff_slices_deadline(Algorithm::Myers, &la, &lb, Some(deadline))
        .iter()
        .flat_map(|op| op.iter_changes(&la, &lb))
        .map(|c| {
            let kind = match c.tag() {
                ChangeTag::Equal => LineKind::Same,
                ChangeTag::Delete => LineKind::Removed,
                ChangeTag::Insert => LineKind::Added,
            };
            (kind, c.value())
        })
        .collect();
    // Keep unchanged lines only near a change.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| *k != LineKind::Same)
        .map(|(i, _)| i)
        .collect();
    // (`changed` is sorted: the first change at or after `i - context` decides.)
    let near = |i: usize| {
        let k = changed.partition_point(|&c| c.saturating_add(context) < i);
        changed.get(k).is_some_and(|&c| c <= i.saturating_add(context))
    };
    let mut out = Vec::new();
    let mut skipped = 0usize;
    for (i, (kind, text)) in ops.iter().enumerate() {
        if *kind == LineKind::Same && !near(i) {
            skipped += 1;
            continue;
        }
        if skipped > 0 {
            out.push(DiffLine {
                kind: LineKind::Skipped,
                text: format!("{skipped} unchanged lines"),
            });
            skipped = 0;
        }
        out.push(DiffLine {
            kind: *kind,
            text: text.to_string(),
        });
    }
    if skipped > 0 {
        out.push(DiffLine {
            kind: LineKind::Skipped,
            text: format!("{skipped} unchanged lines"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::replay::tests::rec;
    use serde_json::json;

    /// With every line kept, the unchanged and removed lines are the first text, the
    /// unchanged and added ones the second; long texts with changes all through them
    /// too, and context is kept around each change only.
    #[test]
    fn line_diffs_rebuild_both_texts() {
        let long_a: String = (0..3000).map(|i| format!("line {i}\n")).collect();
        let long_b: String = (0..3000)
            .filter(|i| i % 97 != 0)
            .map(|i| {
                if i % 89 == 0 {
                    format!("changed {i}\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect();
        for (a, b) in [
            ("", "x"),
            ("a\nb\nc", "a\nc"),
            ("a\nb", "b\na"),
            ("x\r\ny", "x\ny"),
            (long_a.as_str(), long_b.as_str()),
        ] {
            let d = line_diff(a, b, usize::MAX);
            let text = |skip: LineKind| {
                d.iter()
                    .filter(|l| l.kind != skip)
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(
                (text(LineKind::Added), text(LineKind::Removed)),
                (a.to_string(), b.to_string())
            );
            assert!(d.iter().all(|l| l.kind != LineKind::Skipped));
            let changes = d.iter().filter(|l| l.kind != LineKind::Same).count();
            let shown = line_diff(a, b, 1);
            assert!(shown.iter().filter(|l| l.kind == LineKind::Same).count() <= 2 * changes);
        }
        // The long texts differ by their 31 dropped and 33 changed lines only.
        let d = line_diff(&long_a, &long_b, 0);
        assert_eq!(d.iter().filter(|l| l.kind == LineKind::Removed).count(), 31 + 33);
        assert_eq!(d.iter().filter(|l| l.kind == LineKind::Added).count(), 33);
    }

    #[test]
    fn json_aware_diff() {
        let a = br#"{"data": {"object": {"amount": 100, "cur": "eur"}}, "list": [1, 2]}"#;
        let b = br#"{"list":[1,2,3],"data":{"object":{"amount":200,"new":true}}}"#;
        let d = diff_bodies(a, b, false);
        assert_eq!(d.mode, BodyMode::Json);
        let paths: Vec<(&str, Change)> = d.changes.iter().map(|c| (c.path.as_str(), c.change)).collect();
        assert_eq!(
            paths,
            [
                ("data.object.amount", Change::Changed),
                ("data.object.cur", Change::Removed),
                ("data.object.new", Change::Added),
                ("list.2", Change::Added)
            ]
        );
        let same = diff_bodies(br#"{"a":1,"b":2}"#, b"{ \"b\": 2,\n \"a\": 1 }", false);
        assert!(same.same && same.note.is_some());
        assert!(!diff_bodies(br#"{"a":1,"b":2}"#, br#"{"b":2,"a":1}"#, true).same);
        assert_eq!(json_diff(&json!({"a.b": 1}), &json!({"a.b": 2}))[0].path, "[\"a.b\"]");
    }

    #[test]
    fn line_diffs_keep_context() {
        let a = (1..=20).map(|i| i.to_string()).collect::<Vec<_>>().join("\n");
        let b = a.replace("\n10\n", "\nten\n");
        let d = line_diff(&a, &b, 1);
        let kinds: Vec<LineKind> = d.iter().map(|l| l.kind).collect();
        use LineKind::*;
        assert_eq!(kinds, [Skipped, Same, Removed, Added, Same, Skipped]);
        assert_eq!(d[0].text, "8 unchanged lines");
        assert_eq!((d[2].text.as_str(), d[3].text.as_str()), ("10", "ten"));
        let nl = line_diff("x\n", "x", 3);
        assert_eq!(nl.iter().filter(|l| l.kind == Removed).count(), 1);
    }

    #[test]
    fn capture_diff_headers_ignore_case() {
        let a = rec(
            "a",
            "POST",
            "/p",
            &[("X-A", "1"), ("Date", "d1"), ("x-gone", "g")],
            b"{}",
        );
        let b = rec(
            "b",
            "POST",
            "/p",
            &[("x-a", "1"), ("date", "d2"), ("x-new", "n")],
            b"{}",
        );
        let d = diff_captures(&a, &b, false).unwrap();
        assert_eq!(d.same_headers, 1);
        let h: Vec<(&str, Change, bool)> = d
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.change, h.varies))
            .collect();
        assert_eq!(
            h,
            [
                ("date", Change::Changed, true),
                ("x-gone", Change::Removed, false),
                ("x-new", Change::Added, false)
            ]
        );
        assert!(!d.identical);
        assert!(diff_captures(&a, &a, false).unwrap().identical);
    }

    #[test]
    fn answers_are_compared_without_the_fields_ignored() {
        let a = br#"{"ok":true,"id":"20261207132232k3x9a2bq0z"}"#;
        let b = br#"{"ok":true,"id":"20261207140000zzzzzzzzzz"}"#;
        assert!(!diff_bodies(a, b, false).same);
        let d = diff_answers(a, b, &[]);
        assert!(d.same, "{d:?}");
        assert_eq!(d.note.as_deref(), Some("ignored: id"));
        // Not a hookcat answer: its id counts.
        let d = diff_answers(br#"{"id":"a"}"#, br#"{"id":"b"}"#, &[]);
        assert!(!d.same);
        let (x, y) = (
            br#"{"n":0,"at":{"t":1},"k":"a","items":[{"t":1}],"atx":1}"#,
            br#"{"n":0,"at":{"t":2},"k":"b","items":[{"t":2}],"atx":2}"#,
        );
        let paths = |d: &BodyDiff| d.changes.iter().map(|c| c.path.clone()).collect::<Vec<_>>();
        let d = diff_answers(x, y, &["at".into(), "/items/0/t".into()]);
        assert_eq!(paths(&d), ["k", "atx"]);
        assert!(!d.same);
        let d = diff_answers(x, y, &["at.t".into(), "k".into(), "items".into(), "atx".into()]);
        assert!(d.same, "{d:?}");
        // Text answers are compared whole.
        assert!(!diff_answers(b"a", b"b", &["a".into()]).same);
    }
}
