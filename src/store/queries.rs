//! Reading: events, incidents as the projection keeps them, and which
//! incident a reference names.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::projection::{self, Entries, Kept, SUMMARY_COLUMNS};
use super::{Held, Store, StoreError, Unreadable, event_row, held};
use crate::domain::event::Event;
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::incident::{Incident, Summary};
use crate::domain::shift::{Authored, Compactor};
use crate::domain::text::single_line;

impl Store {
    /// Events from other replicas dated too far ahead of this clock, held
    /// back from the log until it reaches them.
    pub fn held(&self) -> Result<Option<Held>, StoreError> {
        held::summary(&self.conn)
    }

    /// One event, by its id, as stored (scrubbed, if redacted).
    pub fn event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        event_row::find(&self.conn, &id.to_string())?
            .map(|stored| stored.event())
            .transpose()
    }

    /// Every event of one incident, in the agreed order. A row that cannot
    /// be read is skipped and counted (see [`Store::unreadable`]).
    pub fn events(&self, incident: IncidentId) -> Result<Vec<Event>, StoreError> {
        let (mut events, unreadable) = projection::fold_log(
            &self.conn,
            incident,
            |_| {},
            |_, events| events.collect::<Vec<_>>(),
        )?;
        self.saw_unreadable(incident, unreadable);
        // The SQL order matches the domain's except for sub-millisecond `at`,
        // which the wire format does not carry; sorting again is cheap.
        events.sort_by_key(|e| e.order_key());
        Ok(events)
    }

    /// One incident's state, if it has been declared: every entry of its
    /// timeline. Read from the projection, without folding.
    pub fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        let read = self.reading(|conn| self.read_incident(conn, id, Entries::All))?;
        Ok(read.map(|(incident, _)| incident))
    }

    /// One incident's state without its notes, save an entry `naming` (a
    /// reference as typed) matches: what the rules and `status` read (see
    /// [`Incident::without_notes`]). On a long incident, a small part of
    /// the rows [`Store::incident`] reads.
    pub fn incident_without_notes(
        &self,
        id: IncidentId,
        naming: Option<&str>,
    ) -> Result<Option<Incident>, StoreError> {
        let which = Entries::WithoutNotes(naming);
        let read = self.reading(|conn| self.read_incident(conn, id, which))?;
        Ok(read.map(|(incident, _)| incident))
    }

    /// As a screen first shows an incident: without the notes older than
    /// its `newest` newest entries; and how many entries that left out (0
    /// when the timeline is whole).
    pub fn incident_newest(
        &self,
        id: IncidentId,
        newest: usize,
    ) -> Result<Option<(Incident, usize)>, StoreError> {
        self.reading(|conn| self.read_incident(conn, id, Entries::Newest(newest)))
    }

    /// The incident with the entries `which` selects, and how many it left
    /// out: from the projection, or folded from the log where it cannot be
    /// trusted.
    fn read_incident(
        &self,
        conn: &Connection,
        id: IncidentId,
        which: Entries,
    ) -> Result<Option<(Incident, usize)>, StoreError> {
        Ok(self.read_state(conn, id, which)?.map(|read| match read {
            Read::Kept {
                incident, left_out, ..
            } => (incident, left_out),
            Read::Folded(i) => match which {
                Entries::WithoutNotes(naming) => (i.without_notes(naming), 0),
                Entries::All | Entries::Newest(_) => (i, 0),
            },
        }))
    }

    /// The incident as the projection keeps it, with the entries `which`
    /// selects, or else folded whole from the log.
    pub(super) fn read_state(
        &self,
        conn: &Connection,
        id: IncidentId,
        which: Entries,
    ) -> Result<Option<Read>, StoreError> {
        if self.projected {
            match projection::kept(conn, id)? {
                Kept::Head(head) => {
                    self.saw_unreadable(id, head.unreadable.clone());
                    let key = head.key;
                    let (incident, left_out) = head.with_entries(conn, which)?;
                    return Ok(Some(Read::Kept {
                        incident,
                        left_out,
                        key,
                    }));
                }
                Kept::Missing => return Ok(None),
                Kept::Untrusted => {}
            }
        }
        Ok(self.fold(conn, id)?.map(Read::Folded))
    }

    /// Folds an incident from the log, as the projection would hold it:
    /// for an incident changed by hand, or a database opened for reading
    /// only and too old to have the projection this build reads.
    fn fold(&self, conn: &Connection, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        let (incident, unreadable) = projection::fold_log(
            conn,
            id,
            |_| {},
            |id, events| Incident::fold_ordered(id, events),
        )?;
        self.saw_unreadable(id, unreadable);
        Ok(incident)
    }

    /// Reads in one transaction, so that rows read one after another are
    /// of the same moment: another process may write in between.
    pub(super) fn reading<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !self.conn.is_autocommit() {
            return read(&self.conn);
        }
        let tx = self.conn.unchecked_transaction()?;
        let out = read(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Notes what reading an incident found unreadable (replacing what an
    /// earlier read of it found).
    pub(super) fn saw_unreadable(&self, incident: IncidentId, unreadable: Option<Unreadable>) {
        let mut seen = self.unreadable.borrow_mut();
        match unreadable {
            Some(u) => seen.insert(incident, u),
            None => seen.remove(&incident),
        };
    }

    /// Rows skipped so far because they could not be read.
    pub fn unreadable(&self) -> Option<Unreadable> {
        let seen = self.unreadable.borrow();
        let first = seen.values().next()?.first.clone();
        Some(Unreadable {
            count: seen.values().map(|u| u.count).sum(),
            first,
        })
    }

    /// Every declared incident, most recently active first.
    pub fn incidents(&self) -> Result<Vec<Summary>, StoreError> {
        self.reading(|conn| self.summaries(conn, false, None, None))
    }

    /// The declared incidents last active at or after `since`, most
    /// recently active first: those a day's work touched, however long
    /// the history before it.
    pub fn incidents_active_since(&self, since: DateTime<Utc>) -> Result<Vec<Summary>, StoreError> {
        self.reading(|conn| self.summaries(conn, false, None, Some(since)))
    }

    /// Declared incidents (open ones only, if `open_only`; active at or
    /// after `active_since`, if given), most recently active first, `limit`
    /// of them at most.
    fn summaries(
        &self,
        conn: &Connection,
        open_only: bool,
        limit: Option<usize>,
        active_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<Summary>, StoreError> {
        let mut all = Vec::new();
        // Those the projection cannot give are folded.
        let folded = if self.projected {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM incidents
                 WHERE (resolved_ms IS NULL OR NOT ?1)
                   AND incident NOT IN (SELECT incident FROM stale)
                   AND active_ms >= ?3
                 ORDER BY active_ms DESC, recorded_ms DESC, recorded_c DESC, incident DESC
                 LIMIT ?2"
            ))?;
            let limit = limit.map_or(-1, |n| n as i64);
            let since = active_since.map_or(i64::MIN, |t| t.timestamp_millis());
            let rows = stmt.query_map(rusqlite::params![open_only, limit, since], |r| {
                Ok(projection::summary(r))
            })?;
            for row in rows {
                all.push(row??);
            }
            projection::stale(conn)?
        } else {
            self.declared(conn)?
        };
        for id in folded {
            if let Some(inc) = self.fold(conn, id)?
                && !(open_only && inc.is_resolved())
                && active_since.is_none_or(|t| inc.last_activity >= t)
            {
                all.push(inc.summary());
            }
        }
        all.sort_by_key(Summary::recency);
        all.truncate(limit.unwrap_or(usize::MAX));
        Ok(all)
    }

    /// Who recorded each event of an incident dated at or after `since`,
    /// and when, in time order: who was at work on it.
    pub fn authored_since(
        &self,
        incident: IncidentId,
        since: DateTime<Utc>,
    ) -> Result<Vec<Authored>, StoreError> {
        // Through `event_log`, which a database too old to migrate here
        // also shows (see `read_only`).
        let mut stmt = self.conn.prepare_cached(
            "SELECT author, at_ms FROM event_log
             WHERE incident = ?1 AND at_ms >= ?2
             ORDER BY at_ms",
        )?;
        let mut rows = stmt.query(rusqlite::params![
            incident.to_string(),
            since.timestamp_millis()
        ])?;
        // Kept as they are read: a long day costs its stretches of time,
        // not a row each.
        let mut kept = Compactor::default();
        while let Some(row) = rows.next()? {
            // A time out of range is a row mangled by hand: it says nothing
            // about who was at work.
            let at = DateTime::from_timestamp_millis(row.get::<_, i64>(1)?);
            if let (Some(at), Ok(person)) = (at, row.get_ref(0)?.as_str()) {
                // Named as the fold names authors, so a person's events
                // and roles meet under one name, clean of controls.
                kept.push(&single_line(person), at);
            }
        }
        Ok(kept.finish())
    }

    /// Ids of every incident that has a declaration.
    pub fn incident_ids(&self) -> Result<Vec<IncidentId>, StoreError> {
        self.reading(|conn| {
            if !self.projected {
                return self.declared(conn);
            }
            let mut stmt = conn.prepare_cached(
                "SELECT incident FROM incidents
                 UNION SELECT id FROM incident_ids
                 WHERE id IN (SELECT incident FROM stale)
                   AND EXISTS(SELECT 1 FROM events WHERE events.incident = incident_ids.key
                       AND kind = 'declared')",
            )?;
            let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
            parse_ids(ids)
        })
    }

    /// Ids of the incidents the log has a declaration of.
    fn declared(&self, conn: &Connection) -> Result<Vec<IncidentId>, StoreError> {
        let mut stmt =
            conn.prepare_cached("SELECT DISTINCT incident FROM event_log WHERE kind = 'declared'")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
        parse_ids(ids)
    }

    /// The incident a user's reference names: a full id or a unique prefix
    /// of its short reference.
    pub fn resolve(&self, reference: &str) -> Result<IncidentId, StoreError> {
        let reference = reference.trim();
        let matches: Vec<IncidentId> = self
            .incident_ids()?
            .into_iter()
            .filter(|id| id.matches_ref(reference))
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(StoreError::UnknownIncident(reference.to_string())),
            many => Err(StoreError::AmbiguousIncident {
                given: reference.to_string(),
                matches: many
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The incident to act on when none was named: the most recently active
    /// unresolved one.
    pub fn current(&self) -> Result<IncidentId, StoreError> {
        self.latest(true)?.ok_or(StoreError::NoOpenIncident)
    }

    /// The incident to show when none was named: the current one, else the
    /// most recently active resolved one (after `resolve`, the timeline is
    /// exactly what people want to see).
    pub fn current_or_latest(&self) -> Result<IncidentId, StoreError> {
        match self.latest(true)? {
            Some(id) => Ok(id),
            None => self.latest(false)?.ok_or(StoreError::NoOpenIncident),
        }
    }

    /// The most recently active incident (open, if `open_only`): one row of
    /// the projection, however long the history.
    fn latest(&self, open_only: bool) -> Result<Option<IncidentId>, StoreError> {
        let found = self.reading(|conn| self.summaries(conn, open_only, Some(1), None))?;
        Ok(found.first().map(|s| s.id))
    }

    /// Changes whenever another connection commits: the console polls it to
    /// notice writes by the CLI or a sync.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// How many events the log holds in all.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// An incident's state as read.
pub(super) enum Read {
    /// From the projection, with the entries asked for; `key` is its row.
    Kept {
        incident: Incident,
        left_out: usize,
        key: i64,
    },
    /// Folded from the log, every entry in its timeline.
    Folded(Incident),
}

fn parse_ids(
    ids: impl Iterator<Item = rusqlite::Result<String>>,
) -> Result<Vec<IncidentId>, StoreError> {
    let mut out = Vec::new();
    for id in ids {
        let id = id?;
        out.push(
            id.parse()
                .map_err(|e: ulid::DecodeError| StoreError::Corrupt {
                    id: id.clone(),
                    reason: e.to_string(),
                })?,
        );
    }
    Ok(out)
}
