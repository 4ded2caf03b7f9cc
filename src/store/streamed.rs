//! An incident read for a reader that streams it (`print`): its state
//! without the notes, then its timeline and its log handed over a row at a
//! time, so that what is held does not grow with the log. All of it is read
//! in one transaction: one moment of the log, whatever another process
//! writes meanwhile.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::event_row::{self, Stored};
use super::projection::{self, ENTRY_COLUMNS, EVENT_BODY, Entries, parse_counting};
use super::queries::Read;
use super::{Store, StoreError};
use crate::domain::event::Event;
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::incident::{Entry, Incident};
use crate::domain::redaction::{amends_hidden, redaction_target};
use crate::domain::shift::{Authored, Compactor};

/// Where a row of [`Streamed::each_event`] has its entry's columns: after
/// the event's ([`event_row::COLUMNS`]).
const ENTRY_AT: usize = 15;

/// An incident being read a row at a time.
pub struct Streamed<'s> {
    store: &'s Store,
    conn: &'s Connection,
    /// The state, with the entries that are not notes (all a review reads);
    /// folded from the log (an incident changed by hand), with every entry.
    pub incident: Incident,
    /// Where the projection keeps its rows, or `None` when it was folded.
    key: Option<i64>,
}

impl Store {
    /// Reads incident `id` for `read`, which may go through its timeline
    /// ([`Streamed::each_entry`]) and its log ([`Streamed::each_event`]) as
    /// often as it likes. `None` if it has no declaration.
    pub fn streamed<T>(
        &self,
        id: IncidentId,
        read: impl FnOnce(&Streamed) -> T,
    ) -> Result<Option<T>, StoreError> {
        self.reading(|conn| {
            let Some(state) = self.read_state(conn, id, Entries::WithoutNotes(None))? else {
                return Ok(None);
            };
            let (incident, key) = match state {
                Read::Kept { incident, key, .. } => (incident, Some(key)),
                Read::Folded(incident) => (incident, None),
            };
            Ok(Some(read(&Streamed {
                store: self,
                conn,
                incident,
                key,
            })))
        })
    }
}

impl Streamed<'_> {
    /// Each entry of the timeline, in order, corrections applied. An error
    /// from `f` stops the reading and is returned.
    pub fn each_entry<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(key) = self.key else {
            return self.incident.timeline.iter().try_for_each(f);
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM timeline {EVENT_BODY} WHERE incident = ?1
                 ORDER BY at_ms, hlc_ms, hlc_c, replica, id"
            ))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([key]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            f(&projection::entry_from(row, 0)?)?;
        }
        Ok(())
    }

    /// Who wrote the entries of the timeline, and when: the notes' authors
    /// too, which the state read leaves out, without their text. Kept as
    /// [`crate::domain::shift::compact`] keeps them, as the rows are read, so a long log costs
    /// the stretches of time, not a row each.
    pub fn entry_authors(&self) -> Result<Vec<Authored>, StoreError> {
        let mut kept = Compactor::default();
        let Some(key) = self.key else {
            let mut entries: Vec<_> = self.incident.timeline.iter().collect();
            entries.sort_by_key(|e| e.at);
            for e in entries {
                kept.push(&e.author, e.at);
            }
            return Ok(kept.finish());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT author, at_ms FROM timeline WHERE incident = ?1 ORDER BY at_ms",
        )?;
        let mut rows = stmt.query([key])?;
        while let Some(row) = rows.next()? {
            // Out of range only in a row mangled by hand: it says nothing
            // about who was there.
            let at = chrono::DateTime::from_timestamp_millis(row.get::<_, i64>(1)?);
            if let (Some(at), Ok(person)) = (at, row.get_ref(0)?.as_str()) {
                kept.push(person, at);
            }
        }
        Ok(kept.finish())
    }

    /// Each event of the log, in the agreed order (corrections and kinds
    /// this build does not know included), with the entry it made, if any.
    /// A row that cannot be read is left out and counted, as
    /// [`Store::events`] does.
    pub fn each_event<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&Event, Option<&Entry>) -> Result<(), E>,
    ) -> Result<(), E> {
        let id = self.incident.id;
        let Some(key) = self.key else {
            let entries: HashMap<EventId, &Entry> =
                self.incident.timeline.iter().map(|e| (e.id, e)).collect();
            return self
                .store
                .events(id)?
                .iter()
                .try_for_each(|e| f(e, entries.get(&e.id).copied()));
        };
        // An entry's row is keyed by its event's place in the order: found
        // by the primary key, a step per event. The event's body follows
        // the entry's columns, for an entry whose text is its event's.
        let event_columns = event_row::COLUMNS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {event_columns}, t.at_ms, t.hlc_ms, t.hlc_c, t.replica, t.id, t.author,
                     t.kind, t.text, t.marks, t.named, e.body
                 FROM event_log e
                 LEFT JOIN timeline t ON t.incident = ?2 AND t.at_ms = e.at_ms
                     AND t.hlc_ms = e.hlc_ms AND t.hlc_c = e.hlc_c
                     AND t.replica = e.replica AND t.id = e.id
                 WHERE e.incident = ?1
                 ORDER BY e.at_ms, e.hlc_ms, e.hlc_c, e.replica, e.id"
            ))
            .map_err(StoreError::from)?;
        let mut rows = stmt
            .query(rusqlite::params![id.to_string(), key])
            .map_err(StoreError::from)?;
        let mut unreadable = None;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let stored = Stored::read(row).map_err(StoreError::from)?;
            let Some(event) = parse_counting(stored, &mut unreadable) else {
                continue;
            };
            let made: Option<String> = row.get(ENTRY_AT + 4).map_err(StoreError::from)?;
            let entry = made
                .map(|_| projection::entry_from(row, ENTRY_AT))
                .transpose()?;
            f(&event, entry.as_ref())?;
        }
        self.store.saw_unreadable(id, unreadable);
        Ok(())
    }

    /// Every event whose words a printout hides (see
    /// [`crate::domain::redaction::redacted_ids`]): found among the
    /// redactions and amendments alone, so the rest of the log is not read.
    pub fn redacted_ids(&self) -> Result<HashSet<EventId>, StoreError> {
        let mut hidden = HashSet::new();
        self.each_of_kind("redacted", |e| hidden.extend(redaction_target(e)))?;
        if !hidden.is_empty() {
            let mut amendments = Vec::new();
            self.each_of_kind("amended", |e| {
                if amends_hidden(e, &hidden) {
                    amendments.push(e.id);
                }
            })?;
            hidden.extend(amendments);
        }
        Ok(hidden)
    }

    /// Each readable event of one kind, a redaction or an amendment: their
    /// index (`events_corrections`) spares reading every event.
    fn each_of_kind(&self, kind: &str, mut f: impl FnMut(&Event)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM event_log
             WHERE kind IN ('redacted', 'amended') AND incident = ?1 AND kind = ?2",
            event_row::COLUMNS
        ))?;
        let mut rows = stmt.query([self.incident.id.to_string(), kind.to_string()])?;
        while let Some(row) = rows.next()? {
            if let Ok(e) = Stored::read(row)?.event() {
                f(&e);
            }
        }
        Ok(())
    }
}
