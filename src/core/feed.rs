//! Where replay's delivering tasks take their requests. Without ids or `--last`, and
//! when no capture can be refused, the log streams: each task reads, selects and
//! prepares the next capture itself, in its turn at the feed's lock, just before it
//! sends it (bounded memory, the first request leaves at once), into buffers it keeps
//! from job to job. Otherwise every capture is selected and prepared before the first
//! is sent, so that a bad one stops the run before anything leaves.
//!
//! Turning a capture into a request is the caller's [`Prepare`]; what a task hears and
//! what it says (skipped lines, warnings) go through it too. Nothing here prints.

use std::io::BufRead;
use std::sync::Mutex;

use super::capture::{CaptureRecord, LogItem, LogReader};
use super::deliver::Job;
use super::replay::ReplayError;
use super::select::{self, Selection};

/// Turns captures into jobs, and hears what the feed meets on the way.
pub trait Prepare {
    /// What travels with a job besides its request and capture id (shown with its result).
    type Info;
    type Error;

    /// The job for `r`, which stays behind with what the job does not take (its path,
    /// its recorded answer; its id is taken after this returns): `url` and `dropped`
    /// lend their room (see [`super::replay::prepare_taken`]).
    fn prepare(
        &mut self,
        r: &mut CaptureRecord,
        url: String,
        dropped: &mut Vec<(String, String)>,
    ) -> Result<(Job, Self::Info), Self::Error>;

    /// Whether a capture can be refused while it is prepared (then every capture is
    /// prepared before the first is sent).
    fn may_refuse(&self) -> bool;

    /// A line of the log that was skipped (torn or corrupt).
    fn skipped(&mut self, line: u64, reason: &str);

    /// No more lines will be skipped.
    fn skips_done(&mut self);

    /// Every capture was prepared.
    fn prepared_all(&mut self);

    /// A selection or log error as the caller's error.
    fn error(&self, e: ReplayError) -> Self::Error;
}

/// A job's companion: the capture it came from, what the caller's [`Prepare`] put with
/// it, and, for a streamed capture, the task's buffers.
pub struct Fed<I> {
    pub capture: String,
    pub info: I,
    shell: Option<Box<Shell>>,
}

impl<I> Fed<I> {
    /// A job's companion that carries no buffers.
    pub fn new(capture: String, info: I) -> Self {
        Fed {
            capture,
            info,
            shell: None,
        }
    }

    /// Whether the capture was streamed (read just before it was sent).
    pub fn streamed(&self) -> bool {
        self.shell.is_some()
    }
}

/// See the module documentation.
pub struct Feed<P: Prepare, R = std::io::BufReader<std::fs::File>> {
    stream: Option<Box<Stream<P, R>>>,
    ready: std::vec::IntoIter<(Job, Fed<P::Info>)>,
    /// How many jobs were handed out.
    taken: u64,
    /// Why the stream stopped early (a read error, a capture that cannot be prepared),
    /// or that it selected nothing.
    error: Option<P::Error>,
}

/// The log being streamed.
struct Stream<P, R> {
    items: LogReader<R>,
    sel: Selection,
    prep: P,
}

/// A task's buffers for streaming: the room of what a job takes from a capture (given
/// back when the job is done), so that a long log is read without allocating a URL per
/// capture.
#[derive(Default)]
struct Shell {
    url: String,
    dropped: Vec<(String, String)>,
}

impl Shell {
    /// Takes a finished job's URL back, for the next capture.
    fn recycle<I>((job, fed): (Job, Fed<I>)) -> Option<Box<Shell>> {
        let mut shell = fed.shell?;
        shell.url = job.req.url;
        shell.dropped.clear();
        Some(shell)
    }
}

impl<P: Prepare, R: BufRead> Feed<P, R> {
    /// A feed of the captures `sel` keeps from `log`: streamed when it can be (see the
    /// module documentation), else every one selected and prepared here.
    pub fn open(log: R, sel: Selection, mut prep: P) -> Result<Self, P::Error> {
        if sel.ids.is_empty() && sel.last.is_none() && !prep.may_refuse() {
            return Ok(Feed {
                stream: Some(Box::new(Stream {
                    items: LogReader::new(log),
                    sel,
                    prep,
                })),
                ready: Vec::new().into_iter(),
                taken: 0,
                error: None,
            });
        }
        let selected = select::select(log, &sel, &mut |l, r| prep.skipped(l, r));
        prep.skips_done();
        let records = selected.map_err(|e| prep.error(e))?;
        let mut jobs = Vec::with_capacity(records.len());
        for mut r in records {
            let (job, info) = prep.prepare(&mut r, String::new(), &mut Vec::new())?;
            jobs.push((job, Fed::new(std::mem::take(&mut r.id), info)));
        }
        prep.prepared_all();
        Ok(Feed {
            stream: None,
            ready: jobs.into_iter(),
            taken: 0,
            error: None,
        })
    }

    /// Whether the log is being streamed (the number of jobs is not known ahead).
    pub fn streaming(&self) -> bool {
        self.stream.is_some()
    }

    /// How many jobs are known to come: all of them when prepared up front.
    pub fn known(&self) -> u64 {
        self.ready.len() as u64
    }

    /// How many jobs were handed out.
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// Why the feed stopped early, or that it selected nothing (taken once).
    pub fn take_error(&mut self) -> Option<P::Error> {
        self.error.take()
    }

    /// The next job; `None` at the end of the log, or when it stopped with an error.
    /// A streamed capture is prepared with the task's `shell`, which goes with its job.
    fn next(&mut self, shell: &mut Option<Box<Shell>>) -> Option<(Job, Fed<P::Info>)> {
        if let Some(job) = self.ready.next() {
            self.taken += 1;
            return Some(job);
        }
        let s = self.stream.as_mut()?;
        let sh = shell.get_or_insert_with(Default::default);
        loop {
            let item = match s.items.next() {
                Some(Ok(item)) => item,
                Some(Err(e)) => {
                    self.error = Some(s.prep.error(e.into()));
                    self.stream = None;
                    return None;
                }
                None => break,
            };
            let mut record = match item {
                LogItem::Skipped { line, reason } => {
                    s.prep.skipped(line, &reason);
                    continue;
                }
                LogItem::Record { record, .. } => record,
            };
            if !s.sel.keeps(&record) {
                continue;
            }
            match s
                .prep
                .prepare(&mut record, std::mem::take(&mut sh.url), &mut sh.dropped)
            {
                Ok((job, info)) => {
                    self.taken += 1;
                    let capture = std::mem::take(&mut record.id);
                    return Some((
                        job,
                        Fed {
                            capture,
                            info,
                            shell: shell.take(),
                        },
                    ));
                }
                Err(e) => {
                    self.error = Some(e);
                    self.stream = None;
                    return None;
                }
            }
        }
        s.prep.skips_done();
        s.prep.prepared_all();
        if self.taken == 0 {
            self.error = Some(s.prep.error(ReplayError::Empty));
        }
        self.stream = None;
        None
    }

    /// The next job from the shared feed, for a delivering task that gives back its
    /// previous one (`done`, once its result was seen: its buffers are used
    /// again). The delivering threads take turns at the feed. A task that finds the
    /// other thread reading lets its own thread go on with its other tasks and tries
    /// again, instead of the thread sleeping on the lock (with a lock that puts threads
    /// to sleep, replay measured a futex call every ten requests against send's one in
    /// sixty) or queueing behind a task of the other thread that then has to be woken
    /// (an asynchronous lock hands over in order: each turn waited for a wake-up across
    /// threads).
    pub async fn take(feed: &Mutex<Self>, done: Option<(Job, Fed<P::Info>)>) -> Option<(Job, Fed<P::Info>)> {
        let mut shell = done.and_then(Shell::recycle);
        let mut f = take_lock(feed).await;
        f.next(&mut shell)
    }
}

/// The lock, unless another thread holds it.
fn try_take<T>(m: &Mutex<T>) -> Option<std::sync::MutexGuard<'_, T>> {
    match m.try_lock() {
        Ok(g) => Some(g),
        Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}

/// The lock: while another thread holds it, this task lets its thread run its other
/// tasks and tries again.
async fn take_lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    loop {
        if let Some(g) = try_take(m) {
            return g;
        }
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::replay::prepare_taken;
    use crate::core::replay::tests::{log, rec};

    /// Prepares every capture as it is, and notes what it hears.
    #[derive(Default)]
    struct Plain {
        refuse: bool,
        skipped: std::rc::Rc<std::cell::RefCell<Vec<u64>>>,
        done: u32,
    }

    impl Prepare for Plain {
        type Info = ();
        type Error = String;

        fn prepare(
            &mut self,
            r: &mut CaptureRecord,
            url: String,
            dropped: &mut Vec<(String, String)>,
        ) -> Result<(Job, ()), String> {
            let body = std::mem::take(&mut r.body).into_bytes();
            let mut url = url;
            url.clear();
            url.push_str(&r.path);
            let req = prepare_taken(r, url, body, dropped).map_err(|e| e.to_string())?;
            Ok((Job { req, signer: None }, ()))
        }

        fn may_refuse(&self) -> bool {
            self.refuse
        }

        fn skipped(&mut self, line: u64, _: &str) {
            self.skipped.borrow_mut().push(line);
        }

        fn skips_done(&mut self) {}

        fn prepared_all(&mut self) {
            self.done += 1;
        }

        fn error(&self, e: ReplayError) -> String {
            e.to_string()
        }
    }

    fn text() -> String {
        let records: Vec<_> = (0..5)
            .map(|i| {
                rec(
                    &format!("a{i}"),
                    "POST",
                    &format!("/p{i}"),
                    &[("x-n", &i.to_string()), ("connection", "close")],
                    format!("body {i}").as_bytes(),
                )
            })
            .collect();
        let mut t = log(&records[..2]);
        t.push_str("{torn\n");
        t.push_str(&log(&records[2..]));
        t
    }

    /// Each job's capture, URL, body and whether it was streamed.
    type Taken = Vec<(String, String, String, bool)>;

    fn drain(feed: Feed<Plain, &[u8]>) -> (Taken, Feed<Plain, &[u8]>) {
        let feed = Mutex::new(feed);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut got = Vec::new();
        let mut done = None;
        while let Some((job, fed)) = rt.block_on(Feed::take(&feed, done.take())) {
            let body = String::from_utf8(job.req.body.to_vec()).unwrap();
            got.push((fed.capture.clone(), job.req.url.clone(), body, fed.streamed()));
            done = Some((job, fed));
        }
        (got, feed.into_inner().unwrap())
    }

    #[test]
    fn a_stream_and_a_prepared_feed_give_the_same_jobs() {
        let t = text();
        let sel = Selection {
            all: true,
            ..Default::default()
        };
        let (streamed, mut f) = drain(Feed::open(t.as_bytes(), sel.clone(), Plain::default()).unwrap());
        assert_eq!(f.taken(), 5);
        assert!(f.take_error().is_none());
        assert!(!f.streaming(), "the stream is closed at its end");
        let want: Vec<_> = (0..5)
            .map(|i| (format!("a{i}"), format!("/p{i}"), format!("body {i}")))
            .collect();
        assert!(streamed.iter().all(|j| j.3));
        assert_eq!(
            streamed
                .iter()
                .map(|j| (j.0.clone(), j.1.clone(), j.2.clone()))
                .collect::<Vec<_>>(),
            want
        );
        // Prepared up front when a capture may be refused: the same jobs, no buffers.
        let refusing = Plain {
            refuse: true,
            ..Default::default()
        };
        let f = Feed::open(t.as_bytes(), sel, refusing).unwrap();
        assert!(!f.streaming());
        assert_eq!(f.known(), 5);
        let (prepared, f) = drain(f);
        assert!(prepared.iter().all(|j| !j.3));
        assert_eq!(
            prepared
                .iter()
                .map(|j| (j.0.clone(), j.1.clone(), j.2.clone()))
                .collect::<Vec<_>>(),
            want
        );
        assert_eq!(f.taken(), 5);
    }

    #[test]
    fn a_stream_tells_of_skipped_lines_and_of_an_empty_selection() {
        let t = text();
        let sel = Selection {
            filters: vec![crate::core::select::parse_filter("method=DELETE").unwrap()],
            ..Default::default()
        };
        let prep = Plain::default();
        let skipped = prep.skipped.clone();
        let feed = Mutex::new(Feed::open(t.as_bytes(), sel, prep).unwrap());
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert!(rt.block_on(Feed::take(&feed, None)).is_none());
        let mut f = feed.into_inner().unwrap();
        assert_eq!(f.take_error().unwrap(), ReplayError::Empty.to_string());
        assert_eq!(f.taken(), 0);
        assert_eq!(*skipped.borrow(), [3]);
    }
}
