//! What reading a capture log tells: warnings for the lines skipped, and body diffs
//! (`captures diff`, `replay --compare`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::diff::{BodyDiff, Change, LineKind};
use crate::output::{sanitize_line, Output, Painter};

/// Warnings for torn or corrupt lines, on stderr (`W`): the first few one by one, then
/// a count.
pub struct SkippedLines<W: Write> {
    painter: Painter,
    log: PathBuf,
    count: u64,
    stderr: W,
}

impl<W: Write> SkippedLines<W> {
    const SHOWN: u64 = 20;

    pub fn new(out: &Output, log: &Path, stderr: W) -> Self {
        SkippedLines {
            painter: out.err,
            log: log.to_path_buf(),
            count: 0,
            stderr,
        }
    }

    pub fn warn(&mut self, line: u64, reason: &str) {
        self.count += 1;
        if self.count <= Self::SHOWN {
            // Talk on stderr: one that cannot be written is no reason to stop.
            let _ = writeln!(
                self.stderr,
                "{} skipped line {line} of {}: {}",
                self.painter.yellow("warning:"),
                self.log.display(),
                sanitize_line(reason)
            );
        }
    }

    pub fn finish(&mut self) {
        if self.count > Self::SHOWN {
            let _ = writeln!(
                self.stderr,
                "{} {} more lines skipped",
                self.painter.yellow("warning:"),
                self.count - Self::SHOWN
            );
        }
        let _ = self.stderr.flush();
    }
}

/// A body comparison for people: changed paths for JSON, a line diff for text.
pub fn body_diff_lines(d: &BodyDiff, p: &Painter, indent: &str) -> Vec<String> {
    let v = |x: &Option<serde_json::Value>| {
        sanitize_line(&x.as_ref().map(|v| v.to_string()).unwrap_or_default()).into_owned()
    };
    let mut lines = Vec::new();
    if d.same {
        lines.push(format!("{indent}{}", p.dim("the same")));
    }
    for c in &d.changes {
        let path = sanitize_line(&c.path);
        lines.push(match c.change {
            Change::Changed => format!("{indent}{} {path}: {} → {}", p.yellow("~"), v(&c.a), v(&c.b)),
            Change::Removed => p.red(&format!("{indent}- {path}: {}", v(&c.a))),
            Change::Added => p.green(&format!("{indent}+ {path}: {}", v(&c.b))),
        });
    }
    for l in &d.lines {
        let t = sanitize_line(&l.text);
        lines.push(match l.kind {
            LineKind::Same => p.dim(&format!("{indent}  {t}")),
            LineKind::Removed => p.red(&format!("{indent}- {t}")),
            LineKind::Added => p.green(&format!("{indent}+ {t}")),
            LineKind::Skipped => p.dim(&format!("{indent}  … {t}")),
        });
    }
    if let Some(n) = &d.note {
        lines.push(format!("{indent}{}", p.dim(&sanitize_line(n))));
    }
    lines
}
