//! Replay's run: the feed's jobs ([`super::feed`]) through the one batch runner
//! ([`deliver::run`]), each finished request settled (what is shown of it redacted,
//! counted, its answer compared with the recorded one) and handed to the caller's
//! [`Report`], which writes it and counts it. Nothing here prints.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::deliver::{self, Batch, DeliverError, Delivery, Job, Prepared, Stop};
use super::diff::{self, BodyDiff};
use super::feed::{Fed, Feed, Prepare};
use super::replay::Replayed;
use super::secret::Redactor;

/// Counts for replay's summary.
#[derive(Debug, Default)]
pub struct ReplayTally {
    pub done: u64,
    pub ok: u64,
    pub failed: u64,
    pub changed: u64,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<&'static str, u64>,
}

/// How one finished request counts: worked out before the writer's lock is taken,
/// added under it, and nothing allocated for it.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestCount {
    pub ok: bool,
    pub changed: bool,
    pub status: Option<u16>,
    pub error: Option<&'static str>,
}

impl ReplayTally {
    pub fn add(&mut self, c: RequestCount) {
        self.done += 1;
        if c.ok {
            self.ok += 1;
        } else {
            self.failed += 1;
        }
        self.changed += u64::from(c.changed);
        if let Some(s) = c.status {
            *self.statuses.entry(s).or_default() += 1;
        }
        if let Some(e) = c.error {
            *self.errors.entry(e).or_default() += 1;
        }
    }

    /// Whether every request was answered 2xx (and, with `--compare`, as recorded).
    pub fn all_ok(&self) -> bool {
        self.failed == 0 && self.changed == 0
    }
}

/// One finished request as it is shown: whatever the redactor knows is its marker (the
/// secret put back in the URL, as the log holds it, in the messages that quote the URL,
/// and in an answer that echoes it).
pub struct ReplayResult<'a> {
    pub capture: &'a str,
    pub method: &'a str,
    pub url: Cow<'a, str>,
    pub info: &'a Replayed,
    /// The delivery, or why the request could not be sent (signing it failed).
    pub answer: Result<Answered, String>,
    pub count: RequestCount,
}

/// A request that was sent.
pub struct Answered {
    pub delivery: Delivery,
    /// Every attempt's time together.
    pub took: Duration,
    /// With `--compare`: whether the answer is the recorded one, and the bodies'
    /// comparison (`None` when no body was recorded at capture time).
    pub compare: Option<(bool, Option<BodyDiff>)>,
}

/// Settles one finished request ([`ReplayResult`]); `compare` puts its answer beside the
/// recorded one, leaving out the JSON fields it names ([`diff::diff_answers`]).
pub fn settle<'a>(
    fed: &'a Fed<Replayed>,
    req: &'a Prepared,
    res: Result<Delivery, DeliverError>,
    redactor: &Redactor,
    compare: Option<&[String]>,
) -> ReplayResult<'a> {
    let info = &fed.info;
    // (A token the request carries as it is, from a log written before redaction, is
    // one too: a receiver may echo it.)
    let own = redactor.for_request(&req.headers);
    let redactor = own.as_ref().unwrap_or(redactor);
    let hide = redactor.has_secrets();
    let url: Cow<str> = if hide {
        let mut u = req.url.clone();
        redactor.redact_query(&mut u);
        Cow::Owned(redactor.redact_text(&u).into_owned())
    } else {
        Cow::Borrowed(&req.url)
    };
    let mut count = RequestCount::default();
    let answer = match res {
        Ok(mut d) => {
            if hide {
                for a in &mut d.attempts {
                    a.url = url.to_string();
                    if let Some(e) = &mut a.error {
                        if let Cow::Owned(m) = redactor.redact_text(&e.message) {
                            e.message = m;
                        }
                    }
                    if let Some(b) = shown_body(redactor, &a.response_body) {
                        a.response_body = b;
                    }
                }
            }
            let last = d.attempts.last().expect("at least one attempt");
            count.ok = d.delivered();
            match (last.status, &last.error) {
                (Some(s), _) => count.status = Some(s),
                (None, Some(e)) => count.error = Some(e.kind.label()),
                _ => {}
            }
            let compare = compare.map(|ignore| {
                let body = info
                    .recorded_body
                    .as_ref()
                    .map(|b| diff::diff_answers(b.as_bytes(), &last.response_body, ignore));
                let same = info.recorded_status == last.status && body.as_ref().is_none_or(|b| b.same);
                (same, body)
            });
            count.changed = matches!(&compare, Some((false, _)));
            let took = d.attempts.iter().map(|x| x.duration).sum();
            Ok(Answered {
                delivery: d,
                took,
                compare,
            })
        }
        Err(err) => {
            count.error = Some("signing");
            Err(redactor.redact_text(&err.to_string()).into_owned())
        }
    };
    ReplayResult {
        capture: fed.capture.as_str(),
        method: &req.method,
        url,
        info,
        answer,
        count,
    }
}

/// An answer's body with the secrets `redactor` knows as markers; `None` when it holds
/// none (or is not text).
fn shown_body(redactor: &Redactor, body: &[u8]) -> Option<Vec<u8>> {
    match redactor.redact_text(std::str::from_utf8(body).ok()?) {
        Cow::Owned(o) => Some(o.into_bytes()),
        Cow::Borrowed(_) => None,
    }
}

/// Where a replay run's results go, from every delivering thread.
pub trait Report: Send + Sync + 'static {
    /// A finished request, settled, to write and count; `false` when it cannot be
    /// written (a closed pipe): then no further request is started.
    fn finished(&self, r: ReplayResult<'_>) -> bool;

    /// `n` more requests are known to come (those prepared ahead, then each capture
    /// streamed as it is taken).
    fn more(&self, n: u64);
}

/// Delivers the jobs of `feed` through [`deliver::run`] and tells `report` of each,
/// shown through `redactor` (`compare`: beside its recorded answer, without the JSON
/// fields it names). Returns how many
/// requests were queued (handed out, and prepared but not taken after a stop), or why
/// the feed stopped early. Dropping the future drops the deliveries in flight when
/// `batch` says so.
#[allow(clippy::too_many_arguments)]
pub async fn run<P, R>(
    clients: Vec<reqwest::Client>,
    batch: Batch,
    feed: Feed<P>,
    report: Arc<R>,
    redactor: Redactor,
    compare: Option<Arc<[String]>>,
    stop: Stop,
) -> Result<u64, P::Error>
where
    P: Prepare<Info = Replayed> + Send + 'static,
    P::Error: Send + 'static,
    R: Report,
{
    report.more(feed.known());
    let feed = Arc::new(Mutex::new(feed));
    let next = {
        let (feed, report) = (feed.clone(), report.clone());
        move |done: Option<(Job, Fed<Replayed>)>| {
            let (feed, report) = (feed.clone(), report.clone());
            async move {
                let job = Feed::take(&feed, done).await;
                // A streamed job is one more; prepared ones were counted above.
                if job.as_ref().is_some_and(|(_, fed)| fed.streamed()) {
                    report.more(1);
                }
                job
            }
        }
    };
    let on_done = move |_: &mut (), fed: &Fed<Replayed>, req: &Prepared, res, _: Duration| {
        report.finished(settle(fed, req, res, &redactor, compare.as_deref()))
    };
    deliver::run::<_, (), _, _, _>(clients, batch, next, on_done, stop).await;
    let mut feed = feed.lock().unwrap_or_else(|e| e.into_inner());
    match feed.take_error() {
        Some(e) => Err(e),
        None => Ok(feed.taken() + feed.known()),
    }
}
