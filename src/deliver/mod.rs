//! Stakeholder updates leave fireground: each update recorded here is
//! queued for its incident's channels (in the transaction that records
//! it, see `store::outbox`), then posted from the outbox by whoever runs
//! next (`fireground update`, the console, `fireground outbox`). A post
//! that fails stays queued and is tried again later, each wait longer; what
//! became of it is recorded in the log, once delivered and at its first
//! failure, so the review shows when stakeholders were really told.

mod http;
mod payload;

use chrono::{DateTime, Duration, Utc};

pub use http::{Failure, post_json};
pub use payload::{Message, body};

use crate::app::{AppError, Command, Context, Secrets};
use crate::config::resolve_url;
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::redaction::REDACTED;
use crate::store::Pending;
use crate::zone::Zone;

/// How long to wait before try `attempts + 1`: 15 s, doubling, at most
/// 10 minutes, so a channel down for an hour is not hammered and one back
/// up is used again within minutes.
pub fn retry_delay(attempts: u32) -> Duration {
    let seconds = 15i64.saturating_mul(1 << attempts.saturating_sub(1).min(10));
    Duration::seconds(seconds.min(600))
}

/// One try at posting an update to a channel.
#[derive(Clone, Debug)]
pub struct Tried {
    pub incident: IncidentId,
    pub update: EventId,
    pub channel: String,
    /// The endpoint's status, or why it failed.
    pub outcome: Result<u16, String>,
    /// When it will be tried again, if it failed.
    pub retry_at: Option<DateTime<Utc>>,
    /// Why the log could not take what became of it, if it could not.
    pub unrecorded: Option<String>,
}

impl Tried {
    /// What to tell the person: "Update delivered to inc (HTTP 200)".
    pub fn said(&self) -> String {
        match (&self.outcome, self.retry_at) {
            (Ok(status), _) => format!("Update delivered to {} (HTTP {status})", self.channel),
            (Err(why), Some(_)) => {
                format!("update not delivered to {}: {why}, retrying", self.channel)
            }
            (Err(why), None) => format!("update not delivered to {}: {why}", self.channel),
        }
    }
}

/// Whether [`deliver`] posts only what is due or everything queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Due,
    All,
}

/// Posts the queued updates `which` picks, one at a time, and records what
/// became of each. A row another process is posting is left to it.
pub fn deliver(ctx: &mut Context, which: Which) -> Result<Vec<Tried>, AppError> {
    let now = ctx.store.now();
    let queued = ctx.store.outbox()?;
    let mut tried = Vec::new();
    for p in queued
        .into_iter()
        .filter(|p| which == Which::All || p.next_at <= now)
    {
        if let Some(t) = deliver_one(ctx, &p)? {
            tried.push(t);
        }
    }
    Ok(tried)
}

/// Posts one queued update, if no other process is posting it.
fn deliver_one(ctx: &mut Context, p: &Pending) -> Result<Option<Tried>, AppError> {
    let posted = match prepare(ctx, p) {
        Ok(post) => post,
        Err(Skip::Gone) => {
            ctx.store.finish_delivery(p)?;
            return Ok(None);
        }
        Err(Skip::Redacted) => {
            // The review must not read it as told, nor as forgotten.
            if ctx.store.finish_delivery(p)? {
                record(ctx, p, false, "redacted before it was posted");
            }
            return Ok(None);
        }
        Err(Skip::Fails(why)) => {
            if !ctx.store.claim_delivery(p, Duration::seconds(30))? {
                return Ok(None);
            }
            return failed(ctx, p, why).map(Some);
        }
    };
    let hold = Duration::from_std(posted.timeout).unwrap_or_default() + Duration::seconds(30);
    if !ctx.store.claim_delivery(p, hold)? {
        return Ok(None);
    }
    match post_json(&posted.url, &posted.body, posted.timeout) {
        Ok(status) => {
            // Out of the queue before the log says so: were the process
            // killed between the two, the update would not go out twice.
            ctx.store.finish_delivery(p)?;
            let unrecorded = record(ctx, p, true, &format!("HTTP {status}"));
            Ok(Some(Tried {
                incident: p.incident,
                update: p.update,
                channel: p.channel.clone(),
                outcome: Ok(status),
                retry_at: None,
                unrecorded,
            }))
        }
        Err(Failure(why)) => failed(ctx, p, why).map(Some),
    }
}

/// A post ready to go.
struct Post {
    url: String,
    body: Vec<u8>,
    timeout: std::time::Duration,
}

/// Why a queued update is not posted now.
enum Skip {
    /// Its update is not in the log (any more).
    Gone,
    /// Its update was redacted: its words must not go out.
    Redacted,
    /// It cannot be posted, for this reason; it is tried again later.
    Fails(String),
}

/// The post a queued update makes, from the incident as it stands now, so
/// that an update redacted before it went out never goes out.
fn prepare(ctx: &Context, p: &Pending) -> Result<Post, Skip> {
    let fails = |e: &dyn std::fmt::Display| Skip::Fails(e.to_string());
    let incident = ctx
        .store
        .incident_without_notes(p.incident, None)
        .map_err(|e| fails(&e))?
        .ok_or(Skip::Gone)?;
    let update = incident
        .updates
        .iter()
        .find(|u| u.id == p.update)
        .ok_or(Skip::Gone)?;
    if update.status == REDACTED {
        return Err(Skip::Redacted);
    }
    let event = ctx
        .store
        .event(p.update)
        .map_err(|e| fails(&e))?
        .ok_or(Skip::Gone)?;
    let playbook = ctx.playbook_or_default(&incident);
    let spec = ctx
        .config()
        .channels_for(playbook)
        .into_iter()
        .find(|c| c.name == p.channel)
        .ok_or_else(|| Skip::Fails("the channel is no longer configured".into()))?;
    let url = resolve_url(&spec).map_err(|e| fails(&e))?;
    let message = Message {
        incident: &incident,
        update,
        event: &event,
        now: Zone::Local.at(ctx.store.now()),
    };
    Ok(Post {
        url,
        body: body(spec.kind, &message).to_string().into_bytes(),
        timeout: spec.timeout,
    })
}

/// A try failed: it is queued for later, and the log says so the first
/// time.
fn failed(ctx: &mut Context, p: &Pending, why: String) -> Result<Tried, AppError> {
    let retry_at = ctx.store.now() + retry_delay(p.attempts + 1);
    let unrecorded = match p.failure_recorded {
        true => None,
        false => record(ctx, p, false, &why),
    };
    ctx.store
        .delivery_failed(p, &why, retry_at, unrecorded.is_none())?;
    Ok(Tried {
        incident: p.incident,
        update: p.update,
        channel: p.channel.clone(),
        outcome: Err(why),
        retry_at: Some(retry_at),
        unrecorded,
    })
}

/// Records what became of a post; why not, if the log could not take it.
/// That (a disk gone read-only) does not undo the post, nor stop the
/// others: the outbox still says where each update stands.
fn record(ctx: &mut Context, p: &Pending, delivered: bool, detail: &str) -> Option<String> {
    let command = Command::RecordDelivery {
        update: p.update,
        channel: p.channel.clone(),
        delivered,
        detail: detail.to_string(),
    };
    ctx.execute(Some(p.incident), command, None, Secrets::Keep)
        .err()
        .map(|e| format!("could not record the delivery to {}: {e}", p.channel))
}

/// Takes `p` out of the outbox without posting it, and records that it was
/// not delivered. `None` if it had left already; else why the log could
/// not say so, if it could not.
pub fn give_up(ctx: &mut Context, p: &Pending) -> Result<Option<Option<String>>, AppError> {
    let author = ctx.author()?;
    if !ctx.store.finish_delivery(p)? {
        return Ok(None);
    }
    Ok(Some(record(
        ctx,
        p,
        false,
        &format!("given up by {author}"),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_ten_minutes() {
        let waits: Vec<i64> = (1..=9).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 480, 600, 600, 600]);
        assert_eq!(retry_delay(u32::MAX).num_seconds(), 600);
    }
}
