//! The capture log writer: group commit, owned by a writer task that no request owns.
//!
//! A request appends its line to the shared queue and waits for the outcome of the
//! batch its line joined. The first request that finds no writer running spawns one
//! (one task per burst of work, not per request); the writer takes everything queued,
//! writes it with one write (and fsyncs it with `--fsync`; a batch that is fsynced or
//! over 1 MiB is written on a blocking thread, so that the listener thread goes on
//! reading and answering meanwhile), tells every waiter of that
//! batch its outcome at once, yields so the requests ready meanwhile can queue theirs,
//! and ends when the queue is empty. Nothing is answered before it is written.
//!
//! Why no dropped future can leave it stuck (a request future is dropped whenever its
//! client goes away):
//! - A request's only await is the wait for its batch's outcome. Queueing the line,
//!   marking the writer as running and spawning it happen together, with no await in
//!   between. Dropping the wait cancels that wait and nothing else: the line is
//!   written anyway, the batch is settled for the others.
//! - The writer is a spawned task, owned by the runtime, not by any request. The mark
//!   "a writer is running" is cleared only by the writer, under the queue's lock, when
//!   it finds the queue empty. Should the task itself be dropped (its runtime shutting
//!   down) its `Drop` writes what is queued and clears the mark, and a batch taken but
//!   not yet written (on its way to the blocking thread) is written by its own `Drop`:
//!   every batch is written and settled exactly once.
//!
//! Failures are per batch: a batch that cannot be written fails its requests (they get
//! 503) and the next batch tries again, so the log works again as soon as a write
//! succeeds. Before each batch the writer checks that the path still names the file it
//! has open, and opens it again (creating it) when it was removed or replaced. After a
//! failed write, and when a log is opened, a last line without its newline (a torn
//! record: a crash or a full disk mid-write) is closed with one, so that the next record
//! starts on a line of its own.
//!
//! Logs are created 0600 and the directories created for them 0700: a capture holds
//! request headers and bodies.
//!
//! Pruning ([`prune`]) and listeners: a listener holds a shared lock (`flock`) on each
//! log file it opens, for as long as it has it open. `prune` takes the exclusive lock
//! without waiting, so it refuses a log that a listener writes to ([`PruneError::InUse`])
//! and never races one: it writes the kept lines, byte for byte, to a new file beside
//! the log and renames it over the log while it holds the lock. A listener that opens
//! the log meanwhile waits for the lock, then finds that the path names another file
//! and opens that one (as it does when a log is rotated): no line goes to the file
//! replaced. Writers that take no lock (an older hookcat, a shell's `>>`) are not seen.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tokio::sync::Notify;

/// A batch buffer larger than this is not kept for the next batch (memory goes back).
const KEEP_BUFFER: usize = 1 << 20;

/// A batch over this size is written on a blocking thread, as with `--fsync`: writing
/// megabytes takes milliseconds that the listener thread's other requests would wait.
const BIG_BATCH: usize = 1 << 20;

pub struct CaptureLog {
    inner: Arc<Inner>,
    torn: Option<u64>,
}

struct Inner {
    path: PathBuf,
    fsync: bool,
    queue: Mutex<Queue>,
    /// Held by whoever writes a batch.
    target: Mutex<LogFile>,
}

struct Queue {
    /// Lines waiting for the writer, each with its newline.
    buf: Vec<u8>,
    /// The batch the lines in `buf` belong to.
    batch: Arc<WriteOutcome>,
    /// A writer task is running and will look at `buf` again before it ends.
    writer: bool,
    /// An emptied buffer for the next batch.
    spare: Vec<u8>,
}

/// The outcome of one write, for every request whose line was in it.
#[derive(Default)]
struct WriteOutcome {
    outcome: OnceLock<Result<(), Arc<str>>>,
    settled: Notify,
}

impl WriteOutcome {
    fn settle(&self, r: Result<(), Arc<str>>) {
        let _ = self.outcome.set(r);
        self.settled.notify_waiters();
    }

    async fn wait(&self) -> Result<(), String> {
        loop {
            let settled = self.settled.notified();
            tokio::pin!(settled);
            // Registered before looking, so a settle in between is not missed.
            settled.as_mut().enable();
            if let Some(r) = self.outcome.get() {
                return r.as_ref().map_err(|e| e.to_string()).copied();
            }
            settled.await;
        }
    }
}

/// The open log file and how it is known.
struct LogFile {
    file: Option<File>,
    /// (device, inode) of `file`: the path still names it when `stat` says the same.
    id: (u64, u64),
    /// Look at the file's last byte before the next write (after opening it and after
    /// a failed write, which may have left a part of a line).
    check_end: bool,
}

impl CaptureLog {
    /// Opens (creating it and its directories) the log for appending, and closes a
    /// torn last line. An error here means the log cannot be written.
    pub fn open(path: &Path, fsync: bool) -> std::io::Result<CaptureLog> {
        let mut target = LogFile {
            file: None,
            id: (0, 0),
            check_end: true,
        };
        target.reopen(path)?;
        let torn = target.close_torn_line(path)?;
        Ok(CaptureLog {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                fsync,
                queue: Mutex::new(Queue {
                    buf: Vec::with_capacity(64 * 1024),
                    batch: Arc::default(),
                    writer: false,
                    spare: Vec::new(),
                }),
                target: Mutex::new(target),
            }),
            torn,
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The length of the log when it was opened, if its last line had no newline then
    /// (a torn record, closed with a newline before anything else was written).
    pub fn torn_at_open(&self) -> Option<u64> {
        self.torn
    }

    /// Appends one record (a JSON line without its newline) and returns once it is
    /// written, or with the write error. Dropping the future before it is ready
    /// cancels only the wait: the record is written all the same.
    pub async fn append(&self, line: &[u8]) -> Result<(), String> {
        let (batch, spawn) = {
            let mut q = self.inner.queue();
            // Room for the line and its newline at once: a large line must not make
            // the buffer double.
            q.buf.reserve(line.len() + 1);
            q.buf.extend_from_slice(line);
            q.buf.push(b'\n');
            let spawn = !q.writer;
            q.writer = true;
            (q.batch.clone(), spawn)
        };
        if spawn {
            let writer = Writer {
                inner: self.inner.clone(),
                done: false,
            };
            // Captured, not created inside: dropped unpolled, its `Drop` still writes.
            tokio::spawn(async move { writer.run().await });
        }
        batch.wait().await
    }
}

impl Inner {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything queued, as one batch; `None` (and the writer marked as gone) when
    /// the queue is empty.
    fn take(self: &Arc<Self>) -> Option<Pending> {
        let mut q = self.queue();
        if q.buf.is_empty() {
            q.writer = false;
            return None;
        }
        let spare = std::mem::take(&mut q.spare);
        let buf = std::mem::replace(&mut q.buf, spare);
        let batch = std::mem::take(&mut q.batch);
        Some(Pending {
            inner: self.clone(),
            buf,
            batch: Some(batch),
        })
    }

    fn write_out(&self, buf: &[u8]) -> Result<(), Arc<str>> {
        let mut t = self.target.lock().unwrap_or_else(|e| e.into_inner());
        t.write(&self.path, buf, self.fsync)
            .map_err(|e| format!("writing {}: {e}", self.path.display()).into())
    }
}

/// The writer task's state. Its `Drop` writes whatever is still queued, so that a
/// writer dropped before it ran out of work (its runtime shut down) strands nothing.
struct Writer {
    inner: Arc<Inner>,
    done: bool,
}

impl Writer {
    async fn run(mut self) {
        while let Some(mut batch) = self.inner.take() {
            if self.inner.fsync || batch.buf.len() > BIG_BATCH {
                // An fsync (or writing megabytes) takes milliseconds: on a blocking
                // thread, so that the listener thread goes on reading and answering
                // meanwhile. Should the pool be gone, the batch is written by its
                // `Drop`, here or there.
                let _ = tokio::task::spawn_blocking(move || batch.finish()).await;
            } else {
                // A write to the page cache costs less than a hand-over to a thread.
                batch.finish();
            }
            // Let the requests that are ready now (those just answered, and new ones)
            // run and queue their lines: the next write takes them all.
            tokio::task::yield_now().await;
        }
        self.done = true;
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.done {
            while let Some(mut batch) = self.inner.take() {
                batch.finish();
            }
        }
    }
}

/// A batch taken from the queue, written and settled exactly once: by `finish`, or by
/// its `Drop` should it be dropped before.
struct Pending {
    inner: Arc<Inner>,
    buf: Vec<u8>,
    batch: Option<Arc<WriteOutcome>>,
}

impl Pending {
    fn finish(&mut self) {
        let Some(batch) = self.batch.take() else { return };
        let r = self.inner.write_out(&self.buf);
        batch.settle(r);
        let mut buf = std::mem::take(&mut self.buf);
        if buf.capacity() <= KEEP_BUFFER {
            buf.clear();
            let mut q = self.inner.queue();
            if q.spare.capacity() < buf.capacity() {
                q.spare = buf;
            }
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.finish();
    }
}

impl LogFile {
    fn write(&mut self, path: &Path, buf: &[u8], fsync: bool) -> std::io::Result<()> {
        self.follow(path)?;
        let r = self.write_now(path, buf, fsync);
        if r.is_err() {
            self.check_end = true;
        }
        r
    }

    fn write_now(&mut self, path: &Path, buf: &[u8], fsync: bool) -> std::io::Result<()> {
        if self.check_end {
            self.close_torn_line(path)?;
        }
        let Some(f) = self.file.as_mut() else {
            return Err(std::io::Error::other("the log is not open"));
        };
        f.write_all(buf)?;
        if fsync {
            f.sync_data()?;
        }
        Ok(())
    }

    /// Opens the path again when it no longer names the open file (removed, renamed,
    /// replaced) or when no file is open.
    fn follow(&mut self, path: &Path) -> std::io::Result<()> {
        let same = match std::fs::metadata(path) {
            Ok(m) => (m.dev(), m.ino()) == self.id,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            // Cannot tell (a directory made unreadable): keep writing where we write.
            Err(_) => true,
        };
        if same && self.file.is_some() {
            return Ok(());
        }
        self.reopen(path)
    }

    fn reopen(&mut self, path: &Path) -> std::io::Result<()> {
        self.file = None;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dirs(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| {
                if path.is_dir() {
                    std::io::Error::new(e.kind(), "it is a directory")
                } else {
                    e
                }
            })?;
        // Shared with other listeners; waits while a prune holds the log (the path
        // then names the pruned file, which the next write follows). On a file system
        // without locks the log is still written (and prune cannot see this listener).
        let _ = flock(&file, libc::LOCK_SH);
        let m = file.metadata()?;
        self.id = (m.dev(), m.ino());
        self.file = Some(file);
        self.check_end = true;
        Ok(())
    }

    /// When the log's last byte is not a newline, writes one; returns the length the
    /// log had then.
    fn close_torn_line(&mut self, path: &Path) -> std::io::Result<Option<u64>> {
        self.check_end = false;
        let Some(len) = torn_end(path) else {
            return Ok(None);
        };
        let Some(f) = self.file.as_mut() else {
            return Ok(None);
        };
        if let Err(e) = f.write_all(b"\n") {
            self.check_end = true;
            return Err(e);
        }
        Ok(Some(len))
    }
}

/// The length of a regular file whose last byte is not a newline.
fn torn_end(path: &Path) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    let m = f.metadata().ok()?;
    if !m.is_file() || m.len() == 0 {
        return None;
    }
    f.seek(SeekFrom::Start(m.len() - 1)).ok()?;
    let mut last = [0u8];
    f.read_exact(&mut last).ok()?;
    (last[0] != b'\n').then_some(m.len())
}

/// Creates `dir` and its missing parents, each 0700 (hookcat's data directory, a
/// directory for a capture log: they hold request headers and bodies). Directories
/// that exist are left as they are.
pub fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            // A file where a directory should be: say which, not "File exists".
            if let Some(file) = dir.ancestors().find(|a| a.exists() && !a.is_dir()) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotADirectory,
                    format!("{} is not a directory", file.display()),
                ));
            }
            Err(e)
        }
    }
}

/// `flock(2)` on `file` (`LOCK_SH`, `LOCK_EX`, with `LOCK_NB` not to wait: then
/// `WouldBlock` when another holds it). The lock goes with the open file.
fn flock(file: &File, op: libc::c_int) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: flock only takes a descriptor, which `file` keeps open for the call.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// A log larger than this is pointed out when a listener starts (100 MiB: some ten
/// thousand requests with bodies of a few kilobytes).
pub const LARGE_LOG: u64 = 100 << 20;

/// The log's size when it is over [`LARGE_LOG`].
pub fn large(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len()).filter(|n| *n > LARGE_LOG)
}

#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    #[error("a listener is writing to the log")]
    InUse,
    #[error(transparent)]
    Capture(#[from] super::capture::CaptureError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What [`prune`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub kept: u64,
    pub removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Removes from the log at `path` the captures received before `before` and all but
/// the newest `keep`, keeping every other line (torn or unreadable ones too) byte for
/// byte, in order. The log is rewritten only when something is removed: into a new file
/// in its directory (with its permissions), synced, then renamed over it, all under the
/// log's exclusive lock (see the module doc for listeners). A record whose time cannot be
/// read is not removed by age.
pub fn prune(path: &Path, before: Option<jiff::Timestamp>, keep: Option<usize>) -> Result<Pruned, PruneError> {
    use std::io::{BufRead, BufReader};
    let mut file = File::open(path)?;
    match flock(&file, libc::LOCK_EX | libc::LOCK_NB) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Err(PruneError::InUse),
        Err(e) => return Err(e.into()),
    }
    let meta = file.metadata()?;
    // First pass: which lines are records, and which of them are old.
    let mut records: Vec<(u64, bool)> = Vec::new();
    for item in super::capture::LogReader::new(BufReader::with_capacity(256 * 1024, &file)) {
        if let super::capture::LogItem::Record { line, record } = item? {
            let old = before.is_some_and(|b| record.received().is_some_and(|t| t < b));
            records.push((line, old));
        }
    }
    let cut = records.len().saturating_sub(keep.unwrap_or(usize::MAX));
    let mut drop_line = Vec::new();
    for (i, (line, old)) in records.iter().enumerate() {
        if i < cut || *old {
            let at = *line as usize;
            if drop_line.len() <= at {
                drop_line.resize(at + 1, false);
            }
            drop_line[at] = true;
        }
    }
    let removed = drop_line.iter().filter(|d| **d).count() as u64;
    let kept = records.len() as u64 - removed;
    if removed == 0 {
        return Ok(Pruned {
            kept,
            removed,
            bytes_before: meta.len(),
            bytes_after: meta.len(),
        });
    }
    // Second pass: every line not removed, as it is, into a new file beside the log.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.prune-{}", std::process::id()));
    let write = |file: &mut File| -> std::io::Result<u64> {
        file.seek(SeekFrom::Start(0))?;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(meta.mode() & 0o7777)
            .open(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, &mut out);
        let mut r = BufReader::with_capacity(256 * 1024, &*file);
        let mut buf = Vec::new();
        let mut line = 0usize;
        let mut written = 0u64;
        loop {
            buf.clear();
            if r.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            line += 1;
            if !drop_line.get(line).copied().unwrap_or(false) {
                w.write_all(&buf)?;
                written += buf.len() as u64;
            }
        }
        w.flush()?;
        drop(w);
        out.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        Ok(written)
    };
    let written = write(&mut file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(Pruned {
        kept,
        removed,
        bytes_before: meta.len(),
        bytes_after: written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    /// Fails instead of hanging when something is stuck (not a timing assertion).
    const STUCK: Duration = Duration::from_secs(20);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_appends_all_land_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        let log = std::sync::Arc::new(CaptureLog::open(&p, false).unwrap());
        let mut tasks = Vec::new();
        for t in 0..8 {
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..250 {
                    log.append(format!("{{\"t\":{t},\"i\":{i}}}").as_bytes()).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 2000);
        for l in text.lines() {
            serde_json::from_str::<serde_json::Value>(l).unwrap();
        }
    }

    #[tokio::test]
    async fn a_record_is_on_disk_when_append_returns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        let log = CaptureLog::open(&p, true).unwrap();
        log.append(b"{\"a\":1}").await.unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"a\":1}\n");
    }

    /// Polls an append once (its line queued, its wait begun) and drops it, as hyper
    /// drops a request's future when the client goes away.
    fn poll_once_and_drop(f: impl Future<Output = Result<(), String>>) {
        let mut f = std::pin::pin!(f);
        let waker = std::task::Waker::noop();
        let _ = f.as_mut().poll(&mut std::task::Context::from_waker(waker));
    }

    async fn dropped_appends_leave_nothing_stuck(fsync: bool) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        let log = Arc::new(CaptureLog::open(&p, fsync).unwrap());
        for i in 0..200 {
            poll_once_and_drop(log.append(format!("{{\"dropped\":{i}}}").as_bytes()));
            if i % 7 == 0 {
                // Some dropped while a writer runs, some while none does.
                tokio::task::yield_now().await;
            }
        }
        let mut tasks = Vec::new();
        for t in 0..4 {
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..50 {
                    let line = format!("{{\"t\":{t},\"i\":{i}}}");
                    if i % 5 == 0 {
                        poll_once_and_drop(log.append(line.as_bytes()));
                    } else {
                        log.append(line.as_bytes()).await.unwrap();
                    }
                }
            }));
        }
        let all = async {
            for t in tasks {
                t.await.unwrap();
            }
            log.append(b"{\"last\":true}").await
        };
        tokio::time::timeout(STUCK, all)
            .await
            .expect("an append after dropped ones never returned")
            .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        // The dropped requests' lines are written too: only their waits were cancelled.
        assert_eq!(text.lines().count(), 200 + 200 + 1);
        assert!(text.ends_with("{\"last\":true}\n"));
    }

    #[tokio::test]
    async fn dropped_appends_leave_nothing_stuck_on_one_thread() {
        dropped_appends_leave_nothing_stuck(false).await;
        dropped_appends_leave_nothing_stuck(true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dropped_appends_leave_nothing_stuck_on_two_threads() {
        dropped_appends_leave_nothing_stuck(false).await;
        dropped_appends_leave_nothing_stuck(true).await;
    }

    #[test]
    fn a_runtime_shut_down_mid_batch_still_writes_what_was_queued() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        for fsync in [false, true] {
            let log = Arc::new(CaptureLog::open(&p, fsync).unwrap());
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let l = log.clone();
            rt.block_on(async move {
                for i in 0..10 {
                    poll_once_and_drop(l.append(format!("{{\"i\":{i}}}").as_bytes()));
                }
            });
            // The writer was spawned, never polled: dropped with the runtime.
            drop(rt);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                tokio::time::timeout(STUCK, log.append(b"{\"after\":1}"))
                    .await
                    .expect("the log is stuck after its runtime went away")
                    .unwrap();
            });
        }
        assert_eq!(std::fs::read_to_string(&p).unwrap().lines().count(), 22);
    }

    #[tokio::test]
    async fn a_failed_write_fails_its_batch_only_and_the_log_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("log.jsonl");
        std::os::unix::fs::symlink("/dev/full", &link).unwrap();
        let log = CaptureLog::open(&link, false).unwrap();
        let e = log.append(b"{\"a\":1}").await.unwrap_err();
        assert!(e.contains("log.jsonl"), "{e}");
        assert!(log.append(b"{\"a\":2}").await.is_err());
        // Room again: the link now names a real file.
        let real = dir.path().join("real.jsonl");
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        log.append(b"{\"a\":3}").await.unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "{\"a\":3}\n");
    }

    #[tokio::test]
    async fn a_removed_log_is_created_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("log.jsonl");
        let log = CaptureLog::open(&p, false).unwrap();
        log.append(b"{\"a\":1}").await.unwrap();
        std::fs::remove_dir_all(dir.path().join("sub")).unwrap();
        log.append(b"{\"a\":2}").await.unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"a\":2}\n");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[tokio::test]
    async fn a_torn_last_line_is_closed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        std::fs::write(&p, "{\"a\":1}\n{\"a\":").unwrap();
        let log = CaptureLog::open(&p, false).unwrap();
        assert_eq!(log.torn_at_open(), Some(13));
        log.append(b"{\"b\":2}").await.unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"a\":1}\n{\"a\":\n{\"b\":2}\n");
        // A whole log, and an empty one, are not torn.
        drop(log);
        assert_eq!(CaptureLog::open(&p, false).unwrap().torn_at_open(), None);
        let empty = dir.path().join("empty.jsonl");
        assert_eq!(CaptureLog::open(&empty, false).unwrap().torn_at_open(), None);
    }

    #[test]
    fn logs_are_0600_and_their_new_directories_0700() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a").join("b").join("log.jsonl");
        CaptureLog::open(&p, false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), 0o600);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a").join("b")), 0o700);
    }

    #[test]
    fn an_unwritable_path_is_refused_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let e = CaptureLog::open(dir.path(), false).err().unwrap();
        assert!(e.to_string().contains("directory"), "{e}");
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let e = CaptureLog::open(&file.join("log.jsonl"), false).err().unwrap();
        assert!(e.to_string().contains("is not a directory"), "{e}");
    }

    #[tokio::test]
    async fn prune_refuses_an_open_log_and_a_listener_opening_during_a_prune_writes_to_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        let line = |i: u32| {
            format!("{{\"v\":1,\"id\":\"r{i}\",\"received_at\":\"2026-01-0{i}T00:00:00Z\",\"method\":\"POST\",\"path\":\"/\",\"headers\":[],\"body\":\"\",\"body_encoding\":\"utf8\",\"remote_addr\":\"127.0.0.1:1\",\"verification\":null}}")
        };
        let log = CaptureLog::open(&p, false).unwrap();
        for i in 1..=3 {
            log.append(line(i).as_bytes()).await.unwrap();
        }
        assert!(matches!(prune(&p, None, Some(1)), Err(PruneError::InUse)));
        drop(log);
        // (Its writer task lets go of the file once it has run to its end.)
        let before: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let start = std::time::Instant::now();
        let done = loop {
            match prune(&p, Some(before), None) {
                Err(PruneError::InUse) if start.elapsed() < STUCK => tokio::task::yield_now().await,
                r => break r.unwrap(),
            }
        };
        assert_eq!((done.kept, done.removed), (2, 1));
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            format!("{}\n{}\n", line(2), line(3))
        );

        // A prune under way: the log's exclusive lock held, the new file not yet in place.
        let held = File::open(&p).unwrap();
        flock(&held, libc::LOCK_EX).unwrap();
        let opening = std::thread::spawn({
            let p = p.clone();
            move || CaptureLog::open(&p, false).unwrap()
        });
        std::thread::sleep(Duration::from_millis(50));
        // (Never finished while the lock is held: a slow machine cannot make this fail.)
        assert!(!opening.is_finished(), "the listener waits for the prune");
        let tmp = dir.path().join(".new");
        std::fs::write(&tmp, format!("{}\n", line(3))).unwrap();
        std::fs::rename(&tmp, &p).unwrap();
        drop(held);
        let log = tokio::task::spawn_blocking(move || opening.join().unwrap())
            .await
            .unwrap();
        log.append(line(4).as_bytes()).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            format!("{}\n{}\n", line(3), line(4))
        );
    }
}
