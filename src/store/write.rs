//! Writing: local events appended, remote ones imported, and the hybrid clock they advance.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::open::read_replica;
use super::scrub::Scrubber;
use super::{Store, StoreError, event_row, held, projection, seals};
use crate::domain::admission::{Quarantine, Verdict};
use crate::domain::clock::Hlc;
use crate::domain::event::{Body, Event, EventKind, FORMAT_VERSION};
use crate::domain::ids::{EventId, IncidentId, ReplicaId};
use crate::domain::limits;

impl Store {
    /// Lets in held-back events whose time has come. Only a database that
    /// has some due writes here, so opening one stays a read.
    pub(super) fn release_held(&self) -> Result<(), StoreError> {
        let horizon = held::horizon(self.now());
        if !held::any_due(&self.conn, horizon)? {
            return Ok(());
        }
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (hlc, released) = held::release_due(&tx, horizon, read_hlc(&tx)?)?;
        projection::project(&tx, &released)?;
        write_hlc(&tx, hlc)?;
        tx.commit()?;
        Ok(())
    }

    /// Records a local event. Sequence number and clock are assigned inside
    /// one immediate transaction, so concurrent writers never collide.
    pub fn append(
        &mut self,
        incident: IncidentId,
        at: Option<DateTime<Utc>>,
        author: &str,
        kind: EventKind,
    ) -> Result<Event, StoreError> {
        self.append_then(incident, at, author, kind, |_, _| Ok(()))
    }

    /// As [`Store::append`], doing `then` with the event in the same
    /// transaction: what must be written with the event or not at all.
    pub(super) fn append_then(
        &mut self,
        incident: IncidentId,
        at: Option<DateTime<Utc>>,
        author: &str,
        kind: EventKind,
        then: impl FnOnce(&rusqlite::Transaction, &Event) -> Result<(), StoreError>,
    ) -> Result<Event, StoreError> {
        if let Some(too_long) = limits::oversized(&kind) {
            return Err(StoreError::TooLarge(too_long));
        }
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read afresh: another connection (the console's background sync)
        // may have given this database a new replica id.
        let replica = read_replica(&tx)?;
        self.replica = replica;
        let last = read_hlc(&tx)?;
        let hlc = Hlc::tick(last, now.timestamp_millis());
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM events
             WHERE replica = (SELECT key FROM replicas WHERE id = ?1)",
            [replica.to_string()],
            |r| r.get(0),
        )?;
        let seq = seq as u64;
        let mut event = Event {
            v: FORMAT_VERSION,
            id: EventId::generate(),
            incident,
            replica,
            seq,
            hlc,
            // Unless backfilled, an event happens when it is recorded, on
            // the hybrid clock: never before anything this replica has
            // seen, even from a replica whose clock runs ahead.
            at: at.unwrap_or_else(|| DateTime::from_timestamp_millis(hlc.ms).unwrap_or(now)),
            author: author.to_string(),
            body: Body::Known(kind),
            seal: Default::default(),
        };
        seals::seal_own(&tx, &mut event)?;
        // A redaction scrubs its target in this transaction.
        let mut scrubber = Scrubber::load(&tx, &[&event])?;
        let event = scrubber.prepare(&event).into_owned();
        event_row::insert(&tx, &event)?;
        let scrubbed = scrubber.finish(&tx)?;
        projection::project(&tx, std::slice::from_ref(&event))?;
        scrubbed.refold(&tx)?;
        write_hlc(&tx, hlc)?;
        then(&tx, &event)?;
        tx.commit()?;
        if scrubbed.rewrote {
            self.forget_old_pages();
        }
        Ok(event)
    }

    /// Imports events from elsewhere; those already present are ignored, so
    /// a replay changes nothing. Advances the clock past every event seen.
    /// Returns how many were new.
    pub fn import<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<usize, StoreError> {
        Ok(self.import_new(events)?.len())
    }

    /// As [`Store::import`], returning the positions (in the order given)
    /// of the events that were new, so sync can say whose they were.
    pub fn import_new<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Vec<usize>, StoreError> {
        Ok(self.import_from(events, None)?.added)
    }

    /// Imports events read from a file `owner` alone writes (a replica's
    /// file in git), or from anywhere when `None`. Each is judged first
    /// (see `domain::admission`): what is refused is quarantined, not let
    /// in.
    pub fn import_from<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
        owner: Option<ReplicaId>,
    ) -> Result<Imported, StoreError> {
        // An event dated beyond this clock's reach is held back rather than
        // let in: sorting after everything, it would decide every value.
        let now = self.now();
        let horizon = held::horizon(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut hlc, mut new) = held::release_due(&tx, horizon, read_hlc(&tx)?)?;
        let events: Vec<&Event> = events.into_iter().collect();
        // Judged first, so nothing refused (a forged redaction, say) ever
        // acts on the log.
        let mut gate = seals::Gate::default();
        let (digests, vouched) = gate.survey(&tx, &events)?;
        let mut out = Imported::default();
        let mut admitted = Vec::new();
        for (i, &e) in events.iter().enumerate() {
            match gate.judge(&tx, e, owner, vouched[i])? {
                Verdict::Refuse(why) => {
                    if seals::quarantine(&tx, e, why, now.timestamp_millis())? {
                        out.quarantined.push((i, why));
                    }
                }
                // A copy already held still goes to the scrubber, which
                // notes one that arrives unscrubbed.
                Verdict::Held => admitted.push(i),
                verdict => {
                    gate.admitted(&tx, e, digests[i], verdict)?;
                    admitted.push(i);
                }
            }
        }
        let batch: Vec<&Event> = admitted.iter().map(|&i| events[i]).collect();
        // Redactions and their targets may come in any order, in one batch
        // or across many: whichever comes second scrubs the target.
        let mut scrubber = Scrubber::load(&tx, &batch)?;
        let mut twin = false;
        for i in admitted {
            let e = events[i];
            let stored = scrubber.prepare(e);
            if held::too_far_ahead(e, horizon) {
                scrubber.held(e);
                held::hold(&tx, &stored)?;
                continue;
            }
            if event_row::insert(&tx, &stored)? > 0 {
                out.added.push(i);
                new.push(stored.into_owned());
                twin |= e.replica == self.replica;
            }
            // Past both times: what is recorded here next sorts after it.
            hlc = Hlc::observe(hlc, e.hlc);
            hlc = Hlc::observe(
                hlc,
                Hlc {
                    ms: e.at.timestamp_millis(),
                    c: 0,
                },
            );
        }
        let scrubbed = scrubber.finish(&tx)?;
        projection::project(&tx, &new)?;
        scrubbed.refold(&tx)?;
        write_hlc(&tx, hlc)?;
        // An event we never wrote carries our replica id: another copy of
        // this database (a restored backup, a copied file) is writing too.
        // From now on this one writes under a new id, so the two never
        // reuse each other's sequence numbers again.
        let renamed = twin.then(ReplicaId::generate);
        if let Some(new) = renamed {
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'replica'",
                [new.to_string()],
            )?;
        }
        tx.commit()?;
        if let Some(new) = renamed {
            self.replica = new;
        }
        if scrubbed.rewrote {
            self.forget_old_pages();
        }
        Ok(out)
    }
}

/// What an import did with the events it was given, by their positions.
#[derive(Debug, Default)]
pub struct Imported {
    /// Those new to the log.
    pub added: Vec<usize>,
    /// Those refused, and why (each only the first time it is seen).
    pub quarantined: Vec<(usize, Quarantine)>,
}

fn read_hlc(conn: &Connection) -> Result<Hlc, StoreError> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| {
        let (ms, c) = v.split_once('.')?;
        Some(Hlc {
            ms: ms.parse().ok()?,
            c: c.parse().ok()?,
        })
    })
    .unwrap_or(Hlc::ZERO))
}

fn write_hlc(conn: &Connection, hlc: Hlc) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?1)",
        [format!("{}.{}", hlc.ms, hlc.c)],
    )?;
    Ok(())
}
