//! The outbox: each stakeholder update recorded here, once per channel it
//! goes to, until it is posted. A row is written in the transaction that
//! records the update, so an update is never recorded without being
//! queued, whatever kills the process next. Rows are local, never synced:
//! the replica that recorded an update posts it.
//!
//! A sender claims a row for a while before posting, so that the console
//! and `fireground outbox --retry` running at once post it once. A process
//! killed between the post and its row's removal posts it again when the
//! claim runs out: a webhook cannot say whether it saw a request before.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Row, params};

use super::{Store, StoreError};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{EventId, IncidentId};

/// An update still to be posted to one channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub update: EventId,
    pub incident: IncidentId,
    pub channel: String,
    pub queued_at: DateTime<Utc>,
    /// Posts tried so far.
    pub attempts: u32,
    /// When to try next.
    pub next_at: DateTime<Utc>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// Whether the first failure is in the log already.
    pub failure_recorded: bool,
}

const COLUMNS: &str =
    "update_id, incident, channel, queued_ms, attempts, next_ms, last_error, failure_recorded";

/// The id in column `i`.
fn id<T: std::str::FromStr>(r: &Row, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    text.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("not an id: {text}").into(),
        )
    })
}

fn pending(r: &Row) -> rusqlite::Result<Pending> {
    let time = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
    Ok(Pending {
        update: id(r, 0)?,
        incident: id(r, 1)?,
        channel: r.get(2)?,
        queued_at: time(r.get(3)?),
        attempts: r.get(4)?,
        next_at: time(r.get(5)?),
        last_error: r.get(6)?,
        failure_recorded: r.get(7)?,
    })
}

impl Store {
    /// Records a stakeholder update (see [`Store::append`]) and queues it
    /// for each of `channels` in the same transaction.
    pub fn append_update(
        &mut self,
        incident: IncidentId,
        at: Option<DateTime<Utc>>,
        author: &str,
        kind: EventKind,
        channels: &[String],
    ) -> Result<Event, StoreError> {
        let now = self.now().timestamp_millis();
        self.append_then(incident, at, author, kind, |tx, event| {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO outbox (update_id, incident, channel, queued_ms, next_ms)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )?;
            for channel in channels {
                insert.execute(params![
                    event.id.to_string(),
                    incident.to_string(),
                    channel,
                    now
                ])?;
            }
            Ok(())
        })
    }

    /// Everything still to be posted, the next due first. A database this
    /// build opened for reading only, from before the outbox, has none.
    pub fn outbox(&self) -> Result<Vec<Pending>, StoreError> {
        if self.read_only().is_some() && !self.has_table("outbox")? {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox ORDER BY next_ms, queued_ms, channel"
        ))?;
        let rows = stmt.query_map([], pending)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes `p` to post it, for `hold` (longer than a post can take):
    /// `false` if another process holds it, has tried it since `p` was
    /// read (its try counts, its next try and whether its first failure is
    /// logged are then out of date), or it is gone.
    pub fn claim_delivery(&self, p: &Pending, hold: Duration) -> Result<bool, StoreError> {
        let now = self.now().timestamp_millis();
        let claimed = self.conn.execute(
            "UPDATE outbox SET claimed_ms = ?3
             WHERE update_id = ?1 AND channel = ?2 AND (claimed_ms IS NULL OR claimed_ms <= ?4)
                AND attempts = ?5",
            params![
                p.update.to_string(),
                p.channel,
                now + hold.num_milliseconds(),
                now,
                p.attempts
            ],
        )?;
        Ok(claimed == 1)
    }

    /// `p` was posted, or given up: it leaves the outbox. `false` if it had
    /// left already.
    pub fn finish_delivery(&self, p: &Pending) -> Result<bool, StoreError> {
        let gone = self.conn.execute(
            "DELETE FROM outbox WHERE update_id = ?1 AND channel = ?2",
            params![p.update.to_string(), p.channel],
        )?;
        Ok(gone == 1)
    }

    /// A try at `p` failed for `why`; the next is at `next_at`. The claim
    /// is let go.
    pub fn delivery_failed(
        &self,
        p: &Pending,
        why: &str,
        next_at: DateTime<Utc>,
        failure_recorded: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?3, next_ms = ?4,
                failure_recorded = ?5, claimed_ms = NULL
             WHERE update_id = ?1 AND channel = ?2",
            params![
                p.update.to_string(),
                p.channel,
                why,
                next_at.timestamp_millis(),
                failure_recorded
            ],
        )?;
        Ok(())
    }

    fn has_table(&self, name: &str) -> Result<bool, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::declared;

    fn queued(channels: &[&str]) -> (Store, Vec<Pending>) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("fg.db")).unwrap();
        let id = IncidentId::generate();
        store.append(id, None, "ana", declared("P1")).unwrap();
        let update = EventKind::UpdateSent {
            status: "s".into(),
            impact: String::new(),
            action: String::new(),
            next_update: None,
        };
        let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
        store
            .append_update(id, None, "ana", update, &channels)
            .unwrap();
        let pending = store.outbox().unwrap();
        (store, pending)
    }

    #[test]
    fn an_update_is_queued_once_for_each_of_its_channels() {
        let (_store, pending) = queued(&["inc", "leaders"]);
        let channels: Vec<&str> = pending.iter().map(|p| p.channel.as_str()).collect();
        assert_eq!(channels, ["inc", "leaders"]);
        assert!(
            pending
                .iter()
                .all(|p| p.attempts == 0 && p.last_error.is_none())
        );
    }

    #[test]
    fn a_claimed_update_is_not_taken_by_a_second_sender_until_let_go() {
        let (store, pending) = queued(&["inc"]);
        let p = &pending[0];
        assert!(store.claim_delivery(p, Duration::seconds(60)).unwrap());
        assert!(!store.claim_delivery(p, Duration::seconds(60)).unwrap());
        let later = store.now() + Duration::seconds(15);
        store.delivery_failed(p, "HTTP 503", later, true).unwrap();
        let again = &store.outbox().unwrap()[0];
        assert_eq!(again.attempts, 1);
        assert_eq!(again.last_error.as_deref(), Some("HTTP 503"));
        assert!(again.failure_recorded);
        assert!(store.claim_delivery(again, Duration::seconds(60)).unwrap());
        assert!(store.finish_delivery(again).unwrap());
        assert!(!store.finish_delivery(again).unwrap(), "gone once");
        assert!(store.outbox().unwrap().is_empty());
    }

    #[test]
    fn a_claim_held_by_a_killed_sender_runs_out() {
        let (store, pending) = queued(&["inc"]);
        assert!(store.claim_delivery(&pending[0], Duration::zero()).unwrap());
        assert!(
            store
                .claim_delivery(&pending[0], Duration::seconds(60))
                .unwrap()
        );
    }

    #[test]
    fn a_row_tried_by_another_sender_since_it_was_read_is_not_claimed_again() {
        let (store, pending) = queued(&["inc"]);
        let read_by_both = &pending[0];
        // The other sender claims it, posts, fails, and records the failure.
        assert!(
            store
                .claim_delivery(read_by_both, Duration::seconds(40))
                .unwrap()
        );
        let later = store.now() + Duration::seconds(15);
        store
            .delivery_failed(read_by_both, "HTTP 503", later, true)
            .unwrap();
        // This one, holding the row as it was, would post it again and log
        // a second first failure: it leaves it to its next turn.
        assert!(
            !store
                .claim_delivery(read_by_both, Duration::seconds(40))
                .unwrap()
        );
        let fresh = store.outbox().unwrap().remove(0);
        assert_eq!((fresh.attempts, fresh.failure_recorded), (1, true));
        assert!(store.claim_delivery(&fresh, Duration::seconds(40)).unwrap());
    }
}
