//! Choosing captures from a log while streaming it: ids and the short parts of ids
//! that name one capture, `last` and `last~N`, `--filter KEY=VALUE`, `--since`,
//! `--last N` in a ring buffer; and telling a log path from a capture id on a command
//! line. Nothing here prints.
//!
//! How a capture is named (as git names a commit by a part of its hash): a capture id
//! is `YYYYMMDDhhmmss` (when it was received, UTC) and 10 random characters `[0-9a-z]`.
//! The random part is what tells captures apart, so a query names the captures whose
//! id it is, whose id it starts (`20261207`), or, from [`MIN_PART`] characters on,
//! whose random part it starts (`k3x9`). Lists show the first [`SHORT_LEN`] characters
//! of the random part ([`short_id`]). A query that fits several captures is refused
//! with them named; case does not count. `last` is the log's last capture, `last~N`
//! the one N before it.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::Path;

use super::capture::{CaptureRecord, LogItem, LogReader};
use super::replay::ReplayError;

/// What `--filter KEY=VALUE` can look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    Provider,
    Event,
    Method,
    Path,
    Status,
    Valid,
}

pub const FILTER_KEYS: &str = "provider, event, method, path, status, valid";

/// One `--filter KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub key: FilterKey,
    pub value: String,
}

/// Parses `KEY=VALUE`. `path` and `event` values may end in `*` (a prefix); `status`
/// takes a code, a class (`5xx`) or `none`; `valid` takes `true`, `false` or `none`.
pub fn parse_filter(spec: &str) -> Result<Filter, ReplayError> {
    let bad = |reason: String| ReplayError::BadFilter {
        spec: spec.to_string(),
        reason,
    };
    let (k, v) = spec
        .split_once('=')
        .ok_or_else(|| bad(format!("expected KEY=VALUE (keys: {FILTER_KEYS})")))?;
    let key = match k.trim().to_ascii_lowercase().as_str() {
        "provider" => FilterKey::Provider,
        "event" => FilterKey::Event,
        "method" => FilterKey::Method,
        "path" => FilterKey::Path,
        "status" => FilterKey::Status,
        "valid" => FilterKey::Valid,
        other => return Err(bad(format!("unknown key `{other}` (keys: {FILTER_KEYS})"))),
    };
    let mut value = v.trim().to_string();
    match key {
        FilterKey::Status => {
            value = value.to_ascii_lowercase();
            let class = value.len() == 3 && value.ends_with("xx") && matches!(value.as_bytes()[0], b'1'..=b'5');
            if value != "none" && !class && value.parse::<u16>().is_err() {
                return Err(bad(
                    "a status is a code (500), a class (5xx) or `none` (not answered)".into()
                ));
            }
        }
        FilterKey::Valid => {
            value = match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => "true".into(),
                "false" | "no" | "0" => "false".into(),
                "none" | "unverified" => "none".into(),
                _ => return Err(bad("valid is `true`, `false` or `none` (not verified)".into())),
            };
        }
        _ => {}
    }
    if value.is_empty() {
        return Err(bad("the value is empty".into()));
    }
    Ok(Filter { key, value })
}

fn glob(pattern: &str, s: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => s == pattern,
    }
}

impl Filter {
    pub fn matches(&self, r: &CaptureRecord) -> bool {
        let v = self.value.as_str();
        match self.key {
            FilterKey::Provider => {
                r.provider.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(v))
                    || r.verification
                        .as_ref()
                        .is_some_and(|x| x.scheme.eq_ignore_ascii_case(v))
            }
            FilterKey::Event => match (&r.provider, &r.event) {
                (p, Some(e)) => glob(v, e) || p.as_ref().is_some_and(|p| glob(v, &format!("{p}.{e}"))),
                (_, None) => v == "none",
            },
            FilterKey::Method => r.method.eq_ignore_ascii_case(v),
            FilterKey::Path => glob(v, &r.path) || glob(v, r.path.split('?').next().unwrap_or_default()),
            FilterKey::Status => match r.response.as_ref().and_then(|x| x.status) {
                None => v == "none",
                Some(s) => v == s.to_string() || (v.ends_with("xx") && v.as_bytes()[0] == b'0' + (s / 100) as u8),
            },
            FilterKey::Valid => match &r.verification {
                None => v == "none",
                Some(x) => v == if x.valid { "true" } else { "false" },
            },
        }
    }
}

/// `--since`: RFC 3339, a date or date-time taken as UTC, or a duration before `now`.
pub fn parse_since(s: &str, now: jiff::Timestamp) -> Result<jiff::Timestamp, ReplayError> {
    let t = s.trim();
    let bad = || ReplayError::BadSince(s.to_string());
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    if t.contains('-') {
        for candidate in [format!("{t}Z"), format!("{t}T00:00:00Z")] {
            if let Ok(ts) = candidate.parse::<jiff::Timestamp>() {
                return Ok(ts);
            }
        }
        return Err(bad());
    }
    let secs = match t.strip_suffix('d') {
        Some(days) => days
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| d * 86400.0),
        None => super::units::parse_duration(t).ok().map(|d| d.as_secs_f64()),
    }
    .ok_or_else(bad)?;
    let d = jiff::SignedDuration::try_from_secs_f64(secs).map_err(|_| bad())?;
    now.checked_sub(d).map_err(|_| bad())
}

/// Which captures to take from a log.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Captures named (ids, parts of ids, `last`, `last~N`), in the order wanted.
    pub ids: Vec<String>,
    /// Only the last N (of those the other conditions keep).
    pub last: Option<usize>,
    pub all: bool,
    pub filters: Vec<Filter>,
    pub since: Option<jiff::Timestamp>,
}

impl Selection {
    /// Nothing asked for: no ids, no `--all`, `--last`, `--filter` or `--since`.
    pub fn is_unset(&self) -> bool {
        self.ids.is_empty() && self.last.is_none() && !self.all && self.filters.is_empty() && self.since.is_none()
    }

    /// Whether the filters and `--since` keep this capture (ids and `--last` aside).
    pub fn keeps(&self, r: &CaptureRecord) -> bool {
        self.filters.iter().all(|f| f.matches(r)) && self.since.is_none_or(|t| r.received().is_some_and(|x| x >= t))
    }
}

/// Streams `log` and returns the selected captures, in log order (or in the order of
/// the ids given). Only the selected records are held; `--last N` keeps a ring of N.
/// `on_skip` hears of each torn or corrupt line.
pub fn select<R: BufRead>(
    log: R,
    sel: &Selection,
    on_skip: &mut dyn FnMut(u64, &str),
) -> Result<Vec<CaptureRecord>, ReplayError> {
    if sel.is_unset() {
        return Err(ReplayError::NothingSelected);
    }
    let picked: Vec<CaptureRecord> = if !sel.ids.is_empty() {
        let mut v: Vec<CaptureRecord> = find_ids(log, &sel.ids, on_skip)?
            .into_iter()
            .filter(|r| sel.keeps(r))
            .collect();
        if let Some(n) = sel.last {
            v.drain(..v.len().saturating_sub(n));
        }
        v
    } else {
        let mut ring = VecDeque::new();
        for item in LogReader::new(log) {
            match item? {
                LogItem::Skipped { line, reason } => on_skip(line, &reason),
                LogItem::Record { record, .. } => {
                    if !sel.keeps(&record) {
                        continue;
                    }
                    if let Some(n) = sel.last {
                        if n == 0 {
                            continue;
                        }
                        if ring.len() == n {
                            ring.pop_front();
                        }
                    }
                    ring.push_back(*record);
                }
            }
        }
        ring.into()
    };
    if picked.is_empty() {
        return Err(ReplayError::Empty);
    }
    Ok(picked)
}

/// How many characters of an id's random part lists show.
pub const SHORT_LEN: usize = 7;

/// The fewest characters of a random part that name a capture by it (fewer could
/// only be a prefix of the whole id).
pub const MIN_PART: usize = 4;

/// The random part of a hookcat capture id (the 10 characters after its 14-digit
/// timestamp), or `None` for an id of another shape (a log written by hand).
pub fn random_part(id: &str) -> Option<&str> {
    let b = id.as_bytes();
    (b.len() == 24
        && b[..14].iter().all(u8::is_ascii_digit)
        && b[14..].iter().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()))
    .then(|| &id[14..])
}

/// The short form of an id that lists show: the first [`SHORT_LEN`] characters of its
/// random part; an id of another shape is shown whole.
pub fn short_id(id: &str) -> &str {
    random_part(id).map_or(id, |r| &r[..SHORT_LEN])
}

/// `last` (0) or `last~N` (N), in any case; `None` for anything else.
pub fn last_offset(query: &str) -> Option<usize> {
    let q = query.trim();
    let rest = q.get(..4).filter(|p| p.eq_ignore_ascii_case("last")).map(|_| &q[4..])?;
    match rest {
        "" => Some(0),
        _ => rest
            .strip_prefix('~')
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok(),
    }
}

/// Whether `s` starts with `prefix`, case aside.
fn starts_with_any_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether a query names the capture with this id other than exactly.
fn part_of(query: &str, id: &str) -> bool {
    !query.is_empty()
        && (starts_with_any_case(id, query)
            || (query.len() >= MIN_PART && random_part(id).is_some_and(|r| starts_with_any_case(r, query))))
}

/// Whether a command-line item names a capture log rather than a capture: `last` and
/// `last~N` are captures; an existing path is a log; a missing one is a capture id when
/// it is spelled as one (letters, digits, `-`, `_`) or as a mistyped `last~N`, else a
/// log that is not there (so that `nope.jsonl` is a missing file, not an unknown capture).
pub fn names_a_log(item: &str) -> bool {
    if last_offset(item).is_some() {
        return false;
    }
    match std::fs::metadata(Path::new(item)) {
        Ok(_) => true,
        Err(_) => !super::capture::is_id(item) && !starts_with_any_case(item.trim(), "last~"),
    }
}

/// Finds each capture named (an id, a part of one, `last`, `last~N`) in `log`,
/// streaming it once, and returns them in the order asked. Every query that names
/// nothing is named in one error; one that fits several captures is refused with them.
/// `last~N` holds the last N+1 captures while reading, nothing more.
pub fn find_ids<R: BufRead>(
    log: R,
    ids: &[String],
    on_skip: &mut dyn FnMut(u64, &str),
) -> Result<Vec<CaptureRecord>, ReplayError> {
    struct Want {
        query: String,
        exact: Option<CaptureRecord>,
        first: Option<CaptureRecord>,
        candidates: Vec<String>,
        more: bool,
    }
    let mut wants: Vec<Want> = ids
        .iter()
        .map(|q| Want {
            query: q.trim().to_ascii_lowercase(),
            exact: None,
            first: None,
            candidates: Vec::new(),
            more: false,
        })
        .collect();
    let offsets: Vec<Option<usize>> = ids.iter().map(|q| last_offset(q)).collect();
    let ring_len = offsets.iter().flatten().max().map(|n| n.saturating_add(1));
    let mut ring: VecDeque<CaptureRecord> = VecDeque::new();
    let mut count = 0u64;
    for item in LogReader::new(log) {
        let record = match item? {
            LogItem::Skipped { line, reason } => {
                on_skip(line, &reason);
                continue;
            }
            LogItem::Record { record, .. } => record,
        };
        count += 1;
        for (w, offset) in wants.iter_mut().zip(&offsets) {
            if w.exact.is_some() || offset.is_some() {
                continue;
            }
            if record.id.eq_ignore_ascii_case(&w.query) {
                w.exact = Some((*record).clone());
            } else if part_of(&w.query, &record.id) {
                if w.first.is_none() {
                    w.first = Some((*record).clone());
                }
                if !w.candidates.contains(&record.id) {
                    if w.candidates.len() < 10 {
                        w.candidates.push(record.id.clone());
                    } else {
                        w.more = true;
                    }
                }
            }
        }
        if let Some(n) = ring_len {
            if ring.len() == n {
                ring.pop_front();
            }
            ring.push_back(*record);
        }
    }
    for (w, offset) in wants.iter_mut().zip(&offsets) {
        if let Some(n) = offset {
            let Some(r) = ring.len().checked_sub(n + 1).and_then(|i| ring.get(i)) else {
                return Err(ReplayError::NotSoMany {
                    query: w.query.clone(),
                    count,
                });
            };
            w.exact = Some(r.clone());
        }
    }
    let unknown: Vec<String> = wants
        .iter()
        .filter(|w| w.exact.is_none() && w.first.is_none())
        .map(|w| w.query.clone())
        .collect();
    if !unknown.is_empty() {
        return Err(ReplayError::UnknownIds(unknown));
    }
    let mut out = Vec::with_capacity(wants.len());
    for w in wants {
        match (w.exact, w.first) {
            (Some(r), _) => out.push(r),
            (None, Some(_)) if w.candidates.len() > 1 => {
                return Err(ReplayError::Ambiguous {
                    id: w.query,
                    candidates: w.candidates,
                    more: w.more,
                })
            }
            (None, Some(r)) => out.push(r),
            (None, None) => unreachable!("unknown ids were reported above"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::replay::tests::{log, rec};

    #[test]
    fn filters_parse_and_match() {
        let mut r = rec("a", "POST", "/hooks/stripe?x=1", &[], b"{}");
        r.provider = Some("stripe".into());
        r.event = Some("invoice.paid".into());
        let m = |spec: &str| parse_filter(spec).unwrap().matches(&r);
        assert!(m("provider=Stripe"));
        assert!(m("event=invoice.paid"));
        assert!(m("event=stripe.invoice.*"));
        assert!(m("method=post"));
        assert!(m("path=/hooks/stripe"));
        assert!(m("path=/hooks/*"));
        assert!(m("status=200") && m("status=2xx") && !m("status=5xx"));
        assert!(m("valid=none") && !m("valid=true"));
        assert!(parse_filter("colour=red")
            .unwrap_err()
            .to_string()
            .contains("keys: provider"));
        assert!(parse_filter("status=abc").is_err());
        assert!(parse_filter("novalue").is_err());
    }

    #[test]
    fn since_forms() {
        let now: jiff::Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        assert_eq!(parse_since("10m", now).unwrap().to_string(), "2026-11-28T11:50:00Z");
        assert_eq!(parse_since("1d", now).unwrap().to_string(), "2026-11-27T12:00:00Z");
        assert_eq!(
            parse_since("2026-11-28", now).unwrap().to_string(),
            "2026-11-28T00:00:00Z"
        );
        assert_eq!(
            parse_since("2026-11-28T10:30:00", now).unwrap().to_string(),
            "2026-11-28T10:30:00Z"
        );
        assert_eq!(
            parse_since("2026-11-28T10:30:00+01:00", now).unwrap().to_string(),
            "2026-11-28T09:30:00Z"
        );
        assert!(parse_since("yesterday", now).is_err());
    }

    #[test]
    fn last_n_is_a_ring_and_ids_take_prefixes() {
        let records: Vec<_> = (0..10)
            .map(|i| rec(&format!("2026a{i}x"), "POST", "/", &[], b""))
            .collect();
        let text = format!("{}garbage\n", log(&records));
        let mut skipped = Vec::new();
        let sel = Selection {
            last: Some(3),
            ..Default::default()
        };
        let got = select(text.as_bytes(), &sel, &mut |l, _| skipped.push(l)).unwrap();
        assert_eq!(
            got.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2026a7x", "2026a8x", "2026a9x"]
        );
        assert_eq!(skipped, [11]);

        let sel = Selection {
            ids: vec!["2026a5".into(), "2026a1x".into()],
            ..Default::default()
        };
        let got = select(text.as_bytes(), &sel, &mut |_, _| {}).unwrap();
        assert_eq!(
            got.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2026a5x", "2026a1x"]
        );

        let e = find_ids(text.as_bytes(), &["2026a".into()], &mut |_, _| {}).unwrap_err();
        assert!(
            matches!(&e, ReplayError::Ambiguous { candidates, .. } if candidates.len() == 10),
            "{e}"
        );
        let e = find_ids(
            text.as_bytes(),
            &["nope".into(), "2026a1x".into(), "zzz".into()],
            &mut |_, _| {},
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "no capture with id `nope`, `zzz`");

        assert!(matches!(
            select(text.as_bytes(), &Selection::default(), &mut |_, _| {}),
            Err(ReplayError::NothingSelected)
        ));
        let none = Selection {
            filters: vec![parse_filter("method=DELETE").unwrap()],
            ..Default::default()
        };
        assert!(matches!(
            select(text.as_bytes(), &none, &mut |_, _| {}),
            Err(ReplayError::Empty)
        ));
    }

    #[test]
    fn captures_are_named_by_a_part_of_their_random_part_and_by_last() {
        let ids = [
            "20261207132232k3x9a2bq0z",
            "20261207132232k3x9zzzzzz",
            "20261207132233abcdef0123",
        ];
        let records: Vec<_> = ids.iter().map(|i| rec(i, "POST", "/", &[], b"")).collect();
        let text = log(&records);
        let find = |q: &str| find_ids(text.as_bytes(), &[q.to_string()], &mut |_, _| {});
        let one = |q: &str| find(q).unwrap().remove(0).id;
        assert_eq!(short_id(ids[0]), "k3x9a2b");
        assert_eq!(short_id("hand-made"), "hand-made");
        assert_eq!(random_part("2026120713223Xk3x9a2bq0z"), None);
        assert_eq!(one("k3x9a2b"), ids[0]);
        assert_eq!(one("K3X9A"), ids[0]);
        assert_eq!(one("abcd"), ids[2]);
        assert_eq!(one("20261207132233"), ids[2]);
        assert_eq!(one(ids[1]), ids[1]);
        assert_eq!(one("last"), ids[2]);
        assert_eq!(one("LAST~2"), ids[0]);
        // Fewer than four characters of the random part name nothing.
        assert!(matches!(find("abc"), Err(ReplayError::UnknownIds(_))));
        let e = find("k3x9").unwrap_err();
        assert!(
            matches!(&e, ReplayError::Ambiguous { candidates, .. } if candidates == &[ids[0], ids[1]]),
            "{e}"
        );
        let e = find("last~3").unwrap_err();
        assert_eq!(e.to_string(), "no capture `last~3`: the log holds 3 captures");
        let got = find_ids(
            text.as_bytes(),
            &["last".into(), "last~1".into(), "abcdef".into()],
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            [ids[2], ids[1], ids[2]]
        );

        assert_eq!(last_offset("last~10"), Some(10));
        for q in ["last~", "last~x", "lastly", "last~-1", "blast"] {
            assert_eq!(last_offset(q), None, "{q}");
        }
        assert!(!names_a_log("last~1"));
        // A mistyped last~N is a capture that is not found, not a missing log.
        for q in ["last~abc", "LAST~-1", "last~"] {
            assert!(!names_a_log(q), "{q}");
        }
        assert!(!names_a_log("k3x9a2b"));
        assert!(names_a_log("nope.jsonl"));
        assert!(names_a_log("/"));
    }
}
