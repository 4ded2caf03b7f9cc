//! Posting updates and keeping the status page current, off the event
//! loop: a thread of its own, with its own connection to the log, so an
//! endpoint that hangs for its whole timeout never holds up a key. It
//! posts what the outbox holds when woken (an update was just recorded)
//! and every few seconds, when a retry may have come due; it rewrites the
//! status page when the log changed, and often enough that "due in"
//! stays true.

use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;

use super::action::Background;
use crate::app::{Context, Options};
use crate::config::Config;
use crate::deliver::{self, Which};
use crate::domain::ids::IncidentId;
use crate::domain::text::single_line;
use crate::output_file::write_file;
use crate::report::status_page;

/// How often the worker looks for retries come due and a changed log.
pub const LOOK_EVERY: Duration = Duration::from_secs(2);
/// The longest a status page goes unwritten: its "due in" and "open for"
/// are as of when it was written.
const PAGE_AT_MOST_EVERY: Duration = Duration::from_secs(30);

/// An update still waiting for a channel, as the header tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub channel: String,
    /// Why the last try failed; `None` before the first.
    pub why: Option<String>,
}

/// What the worker last found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxState {
    /// Updates not yet delivered, the next due first.
    pub waiting: Vec<Waiting>,
    /// What became of the posts just tried, to tell the person.
    pub said: Vec<String>,
    /// Why the worker cannot post or write the page, if it cannot.
    pub trouble: Option<String>,
}

impl OutboxState {
    /// One phrase for the header while an update is not delivered:
    /// "update not delivered to inc: HTTP 503, retrying".
    pub fn alarm(&self) -> Option<String> {
        if let Some(why) = &self.trouble {
            return Some(single_line(why));
        }
        let failing = self.waiting.iter().find(|w| w.why.is_some())?;
        let others = self.waiting.len() - 1;
        let more = match others {
            0 => String::new(),
            n => format!(" (+{n} waiting)"),
        };
        Some(single_line(&format!(
            "update not delivered to {}: {}, retrying{more}",
            failing.channel,
            failing.why.as_deref().unwrap_or_default()
        )))
    }
}

/// What the console tells the worker.
enum Wake {
    /// Post now: an update was just recorded.
    Post,
    /// The console now shows this incident: the status page is its.
    Show(Option<IncidentId>),
}

/// The handle the console keeps: dropping it ends the worker.
pub struct OutboxWorker {
    wake: std_mpsc::Sender<Wake>,
}

impl OutboxWorker {
    /// Starts the worker on the database at `db`, recording as `author`,
    /// with the channels and status page of `config`.
    pub fn spawn(
        db: PathBuf,
        author: String,
        config: Config,
        report: mpsc::UnboundedSender<Background>,
    ) -> OutboxWorker {
        let (wake, requests) = std_mpsc::channel();
        std::thread::spawn(move || {
            let options = Options {
                db: Some(db),
                user: Some(author),
                incident: None,
            };
            match Context::open(&options) {
                Ok(mut ctx) => {
                    ctx.set_config(config);
                    work(ctx, &requests, &report);
                }
                Err(e) => {
                    let state = OutboxState {
                        trouble: Some(format!("updates cannot be posted: {e}")),
                        ..OutboxState::default()
                    };
                    let _ = report.send(Background::Outbox(state));
                }
            }
        });
        OutboxWorker { wake }
    }

    /// Posts what is waiting as soon as the worker is free.
    pub fn post_now(&self) {
        let _ = self.wake.send(Wake::Post);
    }

    /// The console shows `incident` now.
    pub fn show(&self, incident: Option<IncidentId>) {
        let _ = self.wake.send(Wake::Show(incident));
    }
}

fn work(
    mut ctx: Context,
    requests: &std_mpsc::Receiver<Wake>,
    report: &mpsc::UnboundedSender<Background>,
) {
    let mut shown = None;
    let mut last_sent = None;
    let mut page = Page::default();
    loop {
        let mut state = OutboxState::default();
        match deliver::deliver(&mut ctx, Which::Due) {
            Ok(tried) => state.said = tried.iter().map(|t| t.said()).collect(),
            Err(e) => state.trouble = Some(format!("updates cannot be posted: {e}")),
        }
        match ctx.store.outbox() {
            Ok(waiting) => {
                state.waiting = waiting
                    .into_iter()
                    .map(|p| Waiting {
                        channel: p.channel,
                        why: p.last_error,
                    })
                    .collect();
            }
            Err(e) => state.trouble = Some(format!("the outbox cannot be read: {e}")),
        }
        if let Err(why) = page.keep_current(&ctx, shown) {
            state.trouble.get_or_insert(why);
        }
        // Only news is sent: each message draws the screen again.
        if last_sent.as_ref() != Some(&state) || !state.said.is_empty() {
            if report.send(Background::Outbox(state.clone())).is_err() {
                return;
            }
            last_sent = Some(state);
        }
        match requests.recv_timeout(LOOK_EVERY) {
            Ok(Wake::Post) => {}
            Ok(Wake::Show(incident)) => {
                if shown != incident {
                    page.written = None;
                }
                shown = incident;
            }
            Err(std_mpsc::RecvTimeoutError::Timeout) => {}
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// The status page, if the config names one: when it was last written,
/// and the log's version then.
#[derive(Default)]
struct Page {
    written: Option<(Instant, i64)>,
}

impl Page {
    /// Writes the page for `incident` if the log changed since it was last
    /// written, or it is getting old; why it could not, if it could not.
    fn keep_current(&mut self, ctx: &Context, incident: Option<IncidentId>) -> Result<(), String> {
        let (Some(path), Some(id)) = (&ctx.config().status_page, incident) else {
            return Ok(());
        };
        let version = ctx.store.data_version().map_err(|e| e.to_string())?;
        let fresh = self
            .written
            .is_some_and(|(at, v)| v == version && at.elapsed() < PAGE_AT_MOST_EVERY);
        if fresh {
            return Ok(());
        }
        let not_written = |e: &dyn std::fmt::Display| format!("status page not written: {e}");
        let inc = ctx
            .store
            .incident_without_notes(id, None)
            .map_err(|e| not_written(&e))?
            .ok_or_else(|| not_written(&"the incident has no declaration"))?;
        let page = status_page::render(&inc, ctx.playbook_or_default(&inc), Utc::now(), ctx.zone());
        write_file(path, &mut |out| out.write_all(page.as_bytes())).map_err(|e| not_written(&e))?;
        self.written = Some((Instant::now(), version));
        Ok(())
    }
}
