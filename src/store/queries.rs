//! Reading the log back: events, folded incidents, and which incident a reference names.

use rusqlite::OptionalExtension;

use super::{Held, Store, StoreError, Unreadable, held};
use crate::domain::event::Event;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;

/// One incident's events in the order every replica agrees on.
const EVENTS_IN_ORDER: &str = "SELECT id, json FROM events WHERE incident = ?1
     ORDER BY at_ms, hlc_ms, hlc_c, replica, id";

impl Store {
    /// Events from other replicas dated too far ahead of this clock, held
    /// back from the log until it reaches them.
    pub fn held(&self) -> Result<Option<Held>, StoreError> {
        held::summary(&self.conn)
    }

    /// Every event of one incident, in the agreed order. A row that cannot
    /// be read is skipped and counted (see [`Store::unreadable`]).
    pub fn events(&self, incident: IncidentId) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self.conn.prepare_cached(EVENTS_IN_ORDER)?;
        let rows = stmt.query_map([incident.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut events = Vec::new();
        for row in rows {
            let (id, json) = row?;
            events.extend(self.parse_or_skip(&id, &json));
        }
        // The SQL order matches the domain's except for sub-millisecond `at`,
        // which the wire format does not carry; sorting again is cheap.
        events.sort_by_key(|e| e.order_key());
        Ok(events)
    }

    /// One incident's state, if it has been declared.
    pub fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        // Folded straight from the rows, in the agreed order (the columns
        // sort as the domain does: `at` has millisecond precision on the
        // wire, and ULID text sorts as the ids do), so a large incident is
        // never held twice in memory.
        let mut stmt = self.conn.prepare_cached(EVENTS_IN_ORDER)?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut failed = None;
        let events = rows
            .map_while(|row| match row {
                Ok((id, json)) => Some(self.parse_or_skip(&id, &json)),
                Err(e) => {
                    failed = Some(StoreError::from(e));
                    None
                }
            })
            .flatten();
        let incident = Incident::fold_ordered(id, events);
        match failed {
            Some(e) => Err(e),
            None => Ok(incident),
        }
    }

    /// A stored row as an event; one that cannot be read (edited by hand, a
    /// damaged file) is skipped and counted rather than failing every
    /// command that reads its incident.
    fn parse_or_skip(&self, id: &str, json: &str) -> Option<Event> {
        match parse_stored(id, json) {
            Ok(e) => Some(e),
            Err(e) => {
                let mut seen = self.unreadable.borrow_mut();
                let entry = seen.get_or_insert_with(|| Unreadable {
                    count: 0,
                    first: e.to_string(),
                });
                entry.count += 1;
                None
            }
        }
    }

    /// Rows skipped so far because they could not be read.
    pub fn unreadable(&self) -> Option<Unreadable> {
        self.unreadable.borrow().clone()
    }

    /// Every declared incident, most recently active first.
    pub fn incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let mut all = Vec::new();
        for id in self.incident_ids()? {
            if let Some(inc) = self.incident(id)? {
                all.push(inc);
            }
        }
        all.sort_by_key(|i| std::cmp::Reverse((i.last_activity, i.last_recorded)));
        Ok(all)
    }

    /// Ids of every incident that has a declaration.
    pub fn incident_ids(&self) -> Result<Vec<IncidentId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT incident FROM events WHERE kind = 'declared'")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
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
    pub fn current(&self) -> Result<Incident, StoreError> {
        let id = self.latest_id(true)?.ok_or(StoreError::NoOpenIncident)?;
        self.incident(id)?.ok_or(StoreError::NoOpenIncident)
    }

    /// The incident to show when none was named: the current one, else the
    /// most recently active resolved one (after `resolve`, the timeline is
    /// exactly what people want to see).
    pub fn current_or_latest(&self) -> Result<Incident, StoreError> {
        let id = match self.latest_id(true)? {
            Some(id) => Some(id),
            None => self.latest_id(false)?,
        };
        let id = id.ok_or(StoreError::NoOpenIncident)?;
        self.incident(id)?.ok_or(StoreError::NoOpenIncident)
    }

    /// The id `current` folds, found in SQL so that a large incident is not
    /// folded just to learn whether it is open. Open means the last
    /// `resolved`/`reopened` event, in the agreed order, is not `resolved`.
    fn latest_id(&self, open_only: bool) -> Result<Option<IncidentId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.incident FROM events e
             WHERE e.incident IN (SELECT incident FROM events WHERE kind = 'declared')
             GROUP BY e.incident
             HAVING COALESCE((
                 SELECT s.kind FROM events s
                 WHERE s.incident = e.incident AND s.kind IN ('resolved', 'reopened')
                 ORDER BY s.at_ms DESC, s.hlc_ms DESC, s.hlc_c DESC, s.replica DESC, s.id DESC
                 LIMIT 1), '') <> 'resolved' OR NOT ?1
             ORDER BY MAX(e.at_ms) DESC, MAX(e.hlc_ms * 1048576 + MIN(e.hlc_c, 1048575)) DESC
             LIMIT 1",
        )?;
        let id: Option<String> = stmt.query_row([open_only], |r| r.get(0)).optional()?;
        id.map(|id| {
            id.parse()
                .map_err(|e: ulid::DecodeError| StoreError::Corrupt {
                    id: id.clone(),
                    reason: e.to_string(),
                })
        })
        .transpose()
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

fn parse_stored(id: &str, json: &str) -> Result<Event, StoreError> {
    Event::from_json(json).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        reason: e.to_string(),
    })
}
