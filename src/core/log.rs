//! The capture log writer: group commit. A request appends its line to a shared
//! buffer; whichever request finds no write in progress starts a writer, which takes
//! everything queued, writes it with one syscall, flushes (and fsyncs with `--fsync`),
//! then tells every request of that batch that its record is on disk. Under load the
//! batches grow by themselves; alone, a request writes its own line at once. With
//! `--fsync` (or over 1 MiB) the batch is written on a blocking thread, one hand-over per batch, so
//! that the listener thread goes on reading and answering while the disk syncs.
//! Nothing is answered before it is written.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

struct State {
    buf: Vec<u8>,
    /// Records appended so far.
    appended: u64,
    writing: bool,
    /// The first write error, after which every append fails.
    failed: Option<String>,
}

/// A batch over this size is written on a blocking thread, as with `--fsync`: writing
/// megabytes takes milliseconds that the listener thread's other requests would wait.
const BIG_BATCH: usize = 1 << 20;

pub struct CaptureLog {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    file: Mutex<File>,
    state: Mutex<State>,
    /// Records known to be written.
    written: watch::Sender<u64>,
    fsync: bool,
}

impl CaptureLog {
    pub fn open(path: &Path, fsync: bool) -> std::io::Result<CaptureLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        Ok(CaptureLog {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                file: Mutex::new(file),
                state: Mutex::new(State {
                    buf: Vec::with_capacity(64 * 1024),
                    appended: 0,
                    writing: false,
                    failed: None,
                }),
                written: watch::channel(0).0,
                fsync,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Appends one record (a JSON line without its newline) and returns once it is
    /// written, or with the write error.
    pub async fn append(&self, line: &[u8]) -> Result<(), String> {
        let inner = &self.inner;
        let (seq, lead, big) = {
            let mut st = inner.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = &st.failed {
                return Err(e.clone());
            }
            // Room for the line and its newline at once: a large line must not make
            // the buffer double.
            st.buf.reserve(line.len() + 1);
            st.buf.extend_from_slice(line);
            st.buf.push(b'\n');
            st.appended += 1;
            let lead = !st.writing;
            st.writing = true;
            (st.appended, lead, st.buf.len() > BIG_BATCH)
        };
        let mut rx = inner.written.subscribe();
        if lead {
            // Let the other requests that are ready on this thread append theirs
            // first: one write for all of them.
            tokio::task::yield_now().await;
            if inner.fsync || big {
                // An fsync (or a large write) takes milliseconds: on a blocking thread, so that the
                // listener thread goes on reading and answering meanwhile.
                let writer = inner.clone();
                if tokio::task::spawn_blocking(move || writer.write_batches())
                    .await
                    .is_err()
                {
                    // The blocking pool is gone (the runtime is shutting down): write here.
                    inner.write_batches();
                }
            } else {
                // A write to the page cache costs less than a hand-over to another thread.
                inner.write_batches();
            }
        }
        let _ = rx.wait_for(|w| *w >= seq).await;
        match &inner.state.lock().unwrap_or_else(|e| e.into_inner()).failed {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

impl Inner {
    /// Writes what is queued, again and again until nothing is left.
    fn write_batches(&self) {
        let mut batch = Vec::with_capacity(64 * 1024);
        loop {
            let upto = {
                let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                if st.buf.is_empty() {
                    st.writing = false;
                    return;
                }
                std::mem::swap(&mut st.buf, &mut batch);
                st.appended
            };
            let res = {
                let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
                let r = f.write_all(&batch).and_then(|_| f.flush());
                if self.fsync {
                    r.and_then(|_| f.sync_data())
                } else {
                    r
                }
            };
            batch.clear();
            if let Err(e) = res {
                let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                st.failed
                    .get_or_insert_with(|| format!("writing {}: {e}", self.path.display()));
            }
            self.written.send_replace(upto);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
