//! Reading a capture log newest first, a page at a time, for the inspector
//! (`listen --ui`, `hookcat ui`): the log is read backwards from a byte offset, 64 KiB
//! at a time, so that opening a log of any size costs what its last page costs,
//! in memory bounded by the longest line. Each line is read and checked as
//! [`LogReader`](super::capture::LogReader) reads it ([`read_line`]). Choosing which
//! captures a page keeps is [`super::select`]'s filters plus a free-text search.
//! Nothing here prints.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use serde::Serialize;

use super::capture::{read_line, BodyEncoding, CaptureRecord, LogItem};
use super::select::Filter;

/// The block read backwards at a time; a line longer than that is read in doubling
/// steps, so that it costs reading it about twice, not once per block.
const BLOCK: usize = 64 * 1024;

/// Which captures a page keeps.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// `--filter`'s conditions (`provider`, `event`, `status`, `path`, `valid`, `method`).
    pub filters: Vec<Filter>,
    /// Text that the path, a header's name or value, or the body contains (ASCII case
    /// ignored). A base64 body is searched as its text.
    pub text: Option<String>,
}

impl Query {
    pub fn keeps(&self, r: &CaptureRecord) -> bool {
        self.filters.iter().all(|f| f.matches(r)) && self.text.as_deref().is_none_or(|t| contains_text(r, t))
    }
}

/// Whether `hay` contains `needle` (already in ASCII lower case), ASCII case ignored.
fn contains_ci(hay: &str, needle: &str) -> bool {
    needle.is_empty() || memchr::memmem::find(hay.to_ascii_lowercase().as_bytes(), needle.as_bytes()).is_some()
}

fn contains_text(r: &CaptureRecord, t: &str) -> bool {
    let t = &t.to_ascii_lowercase();
    contains_ci(&r.path, t)
        || r.headers.iter().any(|(k, v)| contains_ci(k, t) || contains_ci(v, t))
        || match r.body_encoding {
            BodyEncoding::Utf8 => contains_ci(&r.body, t),
            BodyEncoding::Base64 => r
                .body_bytes()
                .is_ok_and(|b| contains_ci(&String::from_utf8_lossy(&b), t)),
        }
}

/// A capture read from the log, and where its line starts.
#[derive(Debug, Clone)]
pub struct Found {
    pub at: u64,
    pub record: CaptureRecord,
}

/// One page, newest first.
#[derive(Debug, Default)]
pub struct Page {
    pub captures: Vec<Found>,
    /// Where the next (older) page ends: `None` once the start of the log was reached.
    pub next: Option<u64>,
    /// Lines that were not capture records.
    pub skipped: u64,
}

/// How far a page reads at most: a page stops at `limit` captures, or once `scan`
/// bytes were read (a filter that keeps little stops early with a `next` to go on).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub limit: usize,
    pub scan: u64,
}

/// Reads lines backwards from a byte offset: the complete lines before it, newest
/// first, each with its start.
struct Backwards<'a> {
    file: &'a mut File,
    /// Bytes `[start, start + buf.len())` of the file.
    buf: Vec<u8>,
    start: u64,
}

impl Backwards<'_> {
    /// The line that ends at `start + buf.len()` and where it starts; `None` at the
    /// start of the file.
    fn prev(&mut self) -> std::io::Result<Option<(u64, Vec<u8>)>> {
        loop {
            if self.buf.is_empty() && self.start == 0 {
                return Ok(None);
            }
            // The newline before the last byte (the last byte is this line's own end).
            let body = &self.buf[..self.buf.len().saturating_sub(1)];
            if let Some(nl) = memchr::memrchr(b'\n', body) {
                let line = self.buf.split_off(nl + 1);
                return Ok(Some((self.start + nl as u64 + 1, line)));
            }
            if self.start == 0 {
                let line = std::mem::take(&mut self.buf);
                return Ok(Some((0, line)));
            }
            // A block, or as much as the part of a line already read: a long line is
            // read in doubling steps, every other one block by block.
            let n = BLOCK.max(self.buf.len()).min(self.start as usize);
            let from = self.start - n as u64;
            let mut block = vec![0u8; n];
            self.file.seek(SeekFrom::Start(from))?;
            self.file.read_exact(&mut block)?;
            block.extend_from_slice(&self.buf);
            self.buf = block;
            self.start = from;
        }
    }
}

/// The page of captures that `q` keeps among the complete lines before byte `before`
/// of the log (its end when `None`), newest first. A last line without its newline
/// (being written) is not read.
pub fn page(file: &mut File, before: Option<u64>, q: &Query, bounds: Bounds) -> std::io::Result<Page> {
    let len = file.seek(SeekFrom::End(0))?;
    let mut end = before.unwrap_or(len).min(len);
    // Back to the last newline: what follows it is not a complete line yet.
    let mut tail = vec![0u8; BLOCK.min(end as usize)];
    while end > 0 {
        let n = tail.len().min(end as usize);
        file.seek(SeekFrom::Start(end - n as u64))?;
        file.read_exact(&mut tail[..n])?;
        match memchr::memrchr(b'\n', &tail[..n]) {
            Some(nl) => {
                end = end - n as u64 + nl as u64 + 1;
                break;
            }
            None => end -= n as u64,
        }
    }
    let mut back = Backwards {
        file,
        buf: Vec::new(),
        start: end,
    };
    let mut out = Page::default();
    let mut read = 0u64;
    loop {
        if out.captures.len() >= bounds.limit || read >= bounds.scan {
            out.next = Some(back.start + back.buf.len() as u64).filter(|n| *n > 0);
            return Ok(out);
        }
        let Some((at, line)) = back.prev()? else {
            return Ok(out);
        };
        read += line.len() as u64;
        if line.trim_ascii().is_empty() {
            continue;
        }
        match read_line(&line, 0) {
            Ok(LogItem::Record { record, .. }) if q.keeps(&record) => out.captures.push(Found { at, record: *record }),
            Ok(LogItem::Record { .. }) => {}
            Ok(LogItem::Skipped { .. }) | Err(_) => out.skipped += 1,
        }
    }
}

/// The capture with this id: first at `hint` (a line start a page gave), else
/// searched newest first.
pub fn find(file: &mut File, id: &str, hint: Option<u64>) -> std::io::Result<Option<Found>> {
    if let Some(at) = hint {
        if let Some(found) = at_offset(file, at)?.filter(|f| f.record.id == id) {
            return Ok(Some(found));
        }
    }
    let q = Query::default();
    let mut before = None;
    loop {
        let p = page(
            file,
            before,
            &q,
            Bounds {
                limit: 256,
                scan: u64::MAX,
            },
        )?;
        if let Some(f) = p.captures.into_iter().find(|f| f.record.id == id) {
            return Ok(Some(f));
        }
        match p.next {
            Some(n) => before = Some(n),
            None => return Ok(None),
        }
    }
}

/// The capture whose line starts at `at`, if a complete record does.
fn at_offset(file: &mut File, at: u64) -> std::io::Result<Option<Found>> {
    let len = file.seek(SeekFrom::End(0))?;
    if at >= len {
        return Ok(None);
    }
    if at > 0 {
        // A line start follows a newline.
        let mut b = [0u8; 1];
        file.seek(SeekFrom::Start(at - 1))?;
        file.read_exact(&mut b)?;
        if b[0] != b'\n' {
            return Ok(None);
        }
    }
    file.seek(SeekFrom::Start(at))?;
    let mut line = Vec::new();
    std::io::BufRead::read_until(&mut std::io::BufReader::new(&mut *file), b'\n', &mut line)?;
    if !line.ends_with(b"\n") {
        return Ok(None);
    }
    Ok(match read_line(&line, 0) {
        Ok(LogItem::Record { record, .. }) => Some(Found { at, record: *record }),
        _ => None,
    })
}

/// The complete lines from byte `from` of the log (at most about `max` bytes of them)
/// and where the next read starts: what a reader following a growing log reads next.
/// A log shorter than `from` (replaced) is read from its start.
pub fn read_from(file: &mut File, from: u64, max: usize) -> std::io::Result<(Vec<Vec<u8>>, u64)> {
    let len = file.seek(SeekFrom::End(0))?;
    let from = if len < from { 0 } else { from };
    let n = (len - from).min(max as u64) as usize;
    let mut buf = vec![0u8; n];
    file.seek(SeekFrom::Start(from))?;
    file.read_exact(&mut buf)?;
    let Some(end) = memchr::memrchr(b'\n', &buf) else {
        return Ok((Vec::new(), from));
    };
    let lines = buf[..end]
        .split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    Ok((lines, from + end as u64 + 1))
}

/// What the list shows of a capture (borrowed from its record: the listener makes one
/// per capture while a page is open).
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'a> {
    pub id: &'a str,
    /// Where its line starts in the log (a hint for [`find`]); `None` for a capture
    /// reported live.
    pub at: Option<u64>,
    pub received_at: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub size: usize,
    pub provider: Option<&'a str>,
    pub event: Option<&'a str>,
    /// `None` when not verified.
    pub valid: Option<bool>,
    pub reason: Option<&'a str>,
    pub status: Option<u16>,
    pub answer: Option<&'a str>,
}

impl<'a> Summary<'a> {
    pub fn of(r: &'a CaptureRecord, at: Option<u64>) -> Summary<'a> {
        Summary {
            id: &r.id,
            at,
            received_at: &r.received_at,
            method: &r.method,
            path: &r.path,
            size: r.body_len(),
            provider: r.provider.as_deref(),
            event: r.event.as_deref(),
            valid: r.verification.as_ref().map(|v| v.valid),
            reason: r.verification.as_ref().map(|v| v.reason.as_str()),
            status: r.response.as_ref().and_then(|x| x.status),
            answer: r.response.as_ref().map(|x| x.kind.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::select::parse_filter;
    use std::io::Write;

    fn record(i: usize, provider: &str, body: &str) -> String {
        let mut r = CaptureRecord::empty();
        r.v = 1;
        r.id = format!("id{i:04}");
        r.received_at = "2026-12-07T10:00:00.000Z".into();
        r.method = "POST".into();
        r.path = format!("/hook/{i}");
        r.remote_addr = "127.0.0.1:1".into();
        r.provider = Some(provider.into());
        r.set_body(body.as_bytes());
        r.to_line()
    }

    fn log(lines: &[String], tail: &str) -> (tempfile::NamedTempFile, File) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        f.write_all(tail.as_bytes()).unwrap();
        let file = File::open(f.path()).unwrap();
        (f, file)
    }

    fn ids(p: &Page) -> Vec<String> {
        p.captures.iter().map(|f| f.record.id.clone()).collect()
    }

    const ALL: Bounds = Bounds {
        limit: usize::MAX,
        scan: u64::MAX,
    };

    #[test]
    fn pages_go_newest_first_and_chain_to_the_start() {
        let lines: Vec<String> = (0..10).map(|i| record(i, "github", "{}")).collect();
        let (_t, mut f) = log(&lines, "");
        let b = Bounds {
            limit: 4,
            scan: u64::MAX,
        };
        let p1 = page(&mut f, None, &Query::default(), b).unwrap();
        assert_eq!(ids(&p1), ["id0009", "id0008", "id0007", "id0006"]);
        let p2 = page(&mut f, p1.next, &Query::default(), b).unwrap();
        assert_eq!(ids(&p2), ["id0005", "id0004", "id0003", "id0002"]);
        let p3 = page(&mut f, p2.next, &Query::default(), b).unwrap();
        assert_eq!(ids(&p3), ["id0001", "id0000"]);
        assert_eq!(p3.next, None);
        // Each line start leads back to its record.
        let at = p2.captures[1].at;
        assert_eq!(find(&mut f, "id0004", Some(at)).unwrap().unwrap().at, at);
    }

    #[test]
    fn a_torn_last_line_and_corrupt_lines_are_not_captures() {
        let mut lines: Vec<String> = (0..3).map(|i| record(i, "github", "{}")).collect();
        lines.insert(1, "not json".into());
        let (_t, mut f) = log(&lines, "{\"v\":1,\"id\":\"torn");
        let p = page(&mut f, None, &Query::default(), ALL).unwrap();
        assert_eq!(ids(&p), ["id0002", "id0001", "id0000"]);
        assert_eq!(p.skipped, 1);
    }

    #[test]
    fn lines_longer_than_a_block_are_read_whole() {
        let big = "x".repeat(3 * BLOCK + 17);
        let lines = vec![record(0, "a", &big), record(1, "b", "{}"), record(2, "c", &big)];
        let (_t, mut f) = log(&lines, "");
        let p = page(&mut f, None, &Query::default(), ALL).unwrap();
        assert_eq!(ids(&p), ["id0002", "id0001", "id0000"]);
        assert_eq!(p.captures[2].record.body.len(), big.len());
        assert_eq!(find(&mut f, "id0000", None).unwrap().unwrap().at, 0);
        assert!(find(&mut f, "nope", None).unwrap().is_none());
    }

    #[test]
    fn a_follower_reads_complete_lines_as_they_are_added() {
        let lines: Vec<String> = (0..2).map(|i| record(i, "a", "{}")).collect();
        let (t, mut f) = log(&lines, "{\"v\":1,");
        let (got, at) = read_from(&mut f, 0, 1 << 20).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(read_from(&mut f, at, 1 << 20).unwrap(), (Vec::new(), at));
        let mut w = std::fs::OpenOptions::new().append(true).open(t.path()).unwrap();
        writeln!(w, "\"id\":\"x\"}}").unwrap();
        let (got, _) = read_from(&mut f, at, 1 << 20).unwrap();
        assert_eq!(got, vec![b"{\"v\":1,\"id\":\"x\"}".to_vec()]);
    }

    #[test]
    fn filters_and_text_choose_and_the_scan_bound_stops_early() {
        let lines: Vec<String> = (0..20)
            .map(|i| {
                record(
                    i,
                    if i % 2 == 0 { "stripe" } else { "github" },
                    &format!("{{\"n\":\"Needle{i}\"}}"),
                )
            })
            .collect();
        let (_t, mut f) = log(&lines, "");
        let q = Query {
            filters: vec![parse_filter("provider=stripe").unwrap()],
            text: Some("needle1".into()),
        };
        let p = page(&mut f, None, &q, ALL).unwrap();
        assert_eq!(ids(&p), ["id0018", "id0016", "id0014", "id0012", "id0010"]);
        let small = Bounds { limit: 100, scan: 1 };
        let p = page(&mut f, None, &q, small).unwrap();
        assert_eq!(ids(&p), Vec::<String>::new());
        assert!(p.next.is_some());
    }
}
