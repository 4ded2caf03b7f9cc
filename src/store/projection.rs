//! The projection: each declared incident's state as the fold leaves it,
//! kept beside the log and written in the transaction that writes each
//! event, so that a command reads a row instead of folding every event.
//!
//! The fold stays the one definition of state: this runs its steps
//! ([`Projection::next`]) on the state it kept. An event that sorts after
//! everything folded (every event recorded here, nearly every one synced)
//! or a note, wherever it sorts, is folded in one step; any other event
//! that sorts earlier (a backfilled change, a teammate's change synced
//! late) folds that incident again from its first event. Property tests
//! check the result against the fold of the whole log.
//!
//! Rows: `incidents` holds the state without its timeline (as JSON), the
//! fields a list shows and orders by, and the order key of the latest
//! event folded; `timeline` holds the entries, one row each, keyed by their
//! event's order key so that a late note is one more row in its place. An
//! entry points at its event's row (`event`) and has no text of its own
//! (NULL) while its text is the event's, as a note's is until corrected:
//! the log holds that text once. Entries are read by the columns
//! [`ENTRY_COLUMNS`] lists: all of them in order, one at a time, by
//! [`each_entry`]; some of them by [`Head::with_entries`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::event_row::{self, Stored};
use super::{StoreError, Unreadable};
use crate::domain::clock::Hlc;
use crate::domain::event::Event;
use crate::domain::ids::{EventId, IncidentId, ReplicaId};
use crate::domain::incident::{Entry, EntryKind, Incident, Projection, Summary};

/// Where an event sorts: the agreed order, as the columns hold it.
pub type OrderKey = (DateTime<Utc>, Hlc, ReplicaId, EventId);

/// The columns of a timeline row, in the order [`entry`] reads them: an
/// entry without text of its own has its event's body, which
/// [`EVENT_BODY`] joins.
pub(super) const ENTRY_COLUMNS: &str =
    "at_ms, hlc_ms, hlc_c, replica, id, author, kind, text, marks, named, event_body";

/// What follows `FROM timeline` wherever [`ENTRY_COLUMNS`] are read: the
/// body of the event of an entry without text of its own. A join rather
/// than a subquery a row, which SQLite runs at about twice the cost; the
/// events' columns are renamed so that the timeline's keep their names.
pub(super) const EVENT_BODY: &str =
    "LEFT JOIN (SELECT rowid AS event_row, body AS event_body FROM events)
     ON event_row = timeline.event AND timeline.text IS NULL";

/// Timeline rows in the agreed order.
const TIMELINE_ORDER: &str = "ORDER BY at_ms, hlc_ms, hlc_c, replica, id";

/// The columns a [`Summary`] is read from, in the order [`summary`] reads them.
pub const SUMMARY_COLUMNS: &str = "incident, title, severity, stage, commander, declared_ms, \
     resolved_ms, active_ms, recorded_ms, recorded_c";

const AMENDED: i64 = 1;
const REDACTED: i64 = 2;
const PINNED: i64 = 4;

/// An incident's kept state: its row key, the state without the timeline,
/// where the fold stands, and the rows that could not be read when it was
/// last folded from the log.
pub struct Head {
    pub(super) key: i64,
    pub projection: Projection,
    last: OrderKey,
    /// How many entries the timeline has.
    entries: i64,
    pub unreadable: Option<Unreadable>,
}

/// Folds events just written to the log (in any order, of any incidents)
/// into the projection.
pub fn project(conn: &Connection, events: &[Event]) -> Result<(), StoreError> {
    let mut by_incident: BTreeMap<IncidentId, Vec<Event>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.known().is_some()) {
        by_incident
            .entry(e.incident)
            .or_default()
            .push(as_stored(e));
    }
    for (id, mut events) in by_incident {
        events.sort_by_key(Event::order_key);
        match kept(conn, id)? {
            Kept::Head(head) if folds_in_steps(&head, &events) => step(conn, *head, &events)?,
            _ => rebuild(conn, id)?,
        }
    }
    Ok(())
}

/// An event as the log gives it back: the wire format keeps milliseconds.
fn as_stored(e: &Event) -> Event {
    let mut e = e.clone();
    if let Some(at) = DateTime::from_timestamp_millis(e.at.timestamp_millis()) {
        e.at = at;
    }
    e
}

/// Whether every event either sorts after those folded or may be folded
/// out of order (`events` are in order).
fn folds_in_steps(head: &Head, events: &[Event]) -> bool {
    events
        .iter()
        .all(|e| e.order_key() > head.last || Projection::folds_out_of_order(e))
}

/// Folds events one step each into the state kept.
fn step(conn: &Connection, mut head: Head, events: &[Event]) -> Result<(), StoreError> {
    for e in events {
        let mut keys: HashMap<EventId, OrderKey> = HashMap::new();
        if let Some(target) = Projection::touches(e)
            && let Some((key, entry)) = entry_by_id(conn, head.key, target)?
        {
            keys.insert(target, key);
            head.projection.incident.timeline.push(entry);
        }
        let loaded = keys.len();
        head.projection.next(e);
        keys.insert(e.id, e.order_key());
        let touched = std::mem::take(&mut head.projection.incident.timeline);
        head.entries += (touched.len() - loaded) as i64;
        for entry in touched {
            if let Some(key) = keys.get(&entry.id) {
                let own = (entry.id == e.id).then(|| event_row::body_text(e));
                write_entry(conn, head.key, key, &entry, own)?;
            }
        }
        head.last = head.last.max(e.order_key());
    }
    write_head(conn, &head)?;
    Ok(())
}

/// Folds one incident again from its first event, as [`Incident::fold`]
/// does, and keeps the result; forgets it if it has no declaration.
pub fn rebuild(conn: &Connection, id: IncidentId) -> Result<(), StoreError> {
    // Where each entry goes: its event's order key, noted as the events
    // stream by, so a large incident is never held twice in memory.
    let mut keys: HashMap<EventId, OrderKey> = HashMap::new();
    let (folded, unreadable) = fold_log(
        conn,
        id,
        |e| {
            keys.insert(e.id, e.order_key());
        },
        |id, events| Projection::fold_ordered(id, events),
    )?;
    let key: Option<i64> = conn
        .prepare_cached("SELECT key FROM incidents WHERE incident = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(key) = key {
        conn.prepare_cached("DELETE FROM timeline WHERE incident = ?1")?
            .execute([key])?;
    }
    conn.prepare_cached("DELETE FROM stale WHERE incident = ?1")?
        .execute([id.to_string()])?;
    let (Some(mut projection), Some(last)) = (folded, keys.values().max().copied()) else {
        conn.prepare_cached("DELETE FROM incidents WHERE incident = ?1")?
            .execute([id.to_string()])?;
        return Ok(());
    };
    let timeline = std::mem::take(&mut projection.incident.timeline);
    let mut head = Head {
        key: key.unwrap_or_default(),
        projection,
        last,
        entries: timeline.len() as i64,
        unreadable,
    };
    head.key = write_head(conn, &head)?;
    for entry in &timeline {
        if let Some(key) = keys.get(&entry.id) {
            write_entry(conn, head.key, key, entry, None)?;
        }
    }
    Ok(())
}

/// Folds an incident's log as `fold` does, streaming its rows in the
/// agreed order (`seen` sees each event on its way) so a large incident
/// is never held twice in memory; and the rows that could not be read.
/// The columns sort as the domain does: `at` has millisecond precision on
/// the wire, and ULID text sorts as the ids do.
pub fn fold_log<T>(
    conn: &Connection,
    id: IncidentId,
    mut seen: impl FnMut(&Event),
    fold: impl FnOnce(IncidentId, &mut dyn Iterator<Item = Event>) -> T,
) -> Result<(T, Option<Unreadable>), StoreError> {
    let mut unreadable: Option<Unreadable> = None;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM event_log WHERE incident = ?1
         ORDER BY at_ms, hlc_ms, hlc_c, replica, id",
        event_row::COLUMNS
    ))?;
    let rows = stmt.query_map([id.to_string()], Stored::read)?;
    let mut failed = None;
    let mut events = rows
        .map_while(|row| match row {
            Ok(row) => Some(parse_counting(row, &mut unreadable)),
            Err(e) => {
                failed = Some(e);
                None
            }
        })
        .flatten()
        .inspect(|e| seen(e));
    let folded = fold(id, &mut events);
    drop(events);
    match failed {
        Some(e) => Err(e.into()),
        None => Ok((folded, unreadable)),
    }
}

/// Folds every incident of the log again: building the projection of a
/// database that had none.
pub fn rebuild_all(conn: &Connection) -> Result<(), StoreError> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM incident_ids")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        // A row naming no incident at all was never one's: skipped, as the
        // fold skips it.
        if let Ok(id) = id.parse() {
            rebuild(conn, id)?;
        }
    }
    conn.execute("DELETE FROM stale", [])?;
    Ok(())
}

/// What the projection holds of an incident.
pub enum Kept {
    /// Its state, in step with the log.
    Head(Box<Head>),
    /// Nothing to go by: an event was changed or deleted by hand since it
    /// was folded, or the row cannot be read. Fold the log instead.
    Untrusted,
    /// Nothing: the log has no declaration of it.
    Missing,
}

/// What the projection holds of an incident.
pub fn kept(conn: &Connection, id: IncidentId) -> Result<Kept, StoreError> {
    if is_stale(conn, id)? {
        return Ok(Kept::Untrusted);
    }
    let row = conn
        .prepare_cached(
            "SELECT key, state, at_ms, hlc_ms, hlc_c, replica, id, entries, unreadable,
                 unreadable_first
             FROM incidents WHERE incident = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                order_key(r, 2),
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })
        .optional()?;
    let Some((key, state, last, entries, count, first)) = row else {
        return Ok(Kept::Missing);
    };
    let (Ok(projection), Ok(last)) = (serde_json::from_str::<Projection>(&state), last) else {
        return Ok(Kept::Untrusted);
    };
    Ok(Kept::Head(Box::new(Head {
        key,
        projection,
        last,
        entries,
        unreadable: (count > 0).then(|| Unreadable {
            count: count as u64,
            first: first.unwrap_or_default(),
        }),
    })))
}

/// Whether an event of the incident was changed or deleted by hand since
/// it was last folded.
pub fn is_stale(conn: &Connection, id: IncidentId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM stale WHERE incident = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// Incidents that must be folded from the log for now.
pub fn stale(conn: &Connection) -> Result<Vec<IncidentId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT incident FROM stale")?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for id in ids {
        if let Ok(id) = id?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}

/// Which entries of the timeline a read takes.
#[derive(Clone, Copy, Debug)]
pub enum Entries<'a> {
    All,
    /// Those that are not notes, and any note a reference (as typed)
    /// matches: see [`Incident::without_notes`].
    WithoutNotes(Option<&'a str>),
    /// Those that are not notes, and the newest this many of any kind.
    Newest(usize),
}

impl Head {
    /// The state with the entries `which` selects, in order, and how many
    /// it left out.
    pub fn with_entries(
        mut self,
        conn: &Connection,
        which: Entries,
    ) -> Result<(Incident, usize), StoreError> {
        let all = format!("SELECT {ENTRY_COLUMNS} FROM timeline {EVENT_BODY} WHERE incident = ?1");
        let in_order = TIMELINE_ORDER;
        // The entries that are not notes are scattered among the notes; the
        // index has them together (and the planner, not knowing how few they
        // are, would rather walk every row).
        let without_notes = format!(
            "SELECT {ENTRY_COLUMNS} FROM timeline INDEXED BY timeline_without_notes {EVENT_BODY}
             WHERE incident = ?1 AND note = 0 {in_order}"
        );
        let key = self.key;
        let some = |mut found: Vec<(OrderKey, Entry)>, more: Vec<(OrderKey, Entry)>| {
            found.extend(more);
            found.sort_by_key(|(key, _)| *key);
            found.dedup_by_key(|(key, _)| *key);
            found.into_iter().map(|(_, e)| e).collect::<Vec<_>>()
        };
        let timeline = match which {
            Entries::Newest(n) if n as i64 >= self.entries => Entries::All,
            other => other,
        };
        let entries = match timeline {
            Entries::All => {
                let mut whole = Vec::with_capacity(usize::try_from(self.entries).unwrap_or(0));
                each_entry(conn, key, |e| whole.push(e))?;
                whole
            }
            Entries::WithoutNotes(naming) => {
                let found = rows(conn, &without_notes, params![key], keyed_entry)?;
                let named = match naming.map(crate::domain::incident::entry_ref) {
                    // Matched as the domain matches a reference; the SQL only
                    // narrows.
                    Some(r) => rows(
                        conn,
                        &format!("{all} AND note = 1 AND (id LIKE ?2 OR id = upper(?3))"),
                        params![
                            key,
                            format!("__________{}%", r.replace(['%', '_', '\\'], "")),
                            r
                        ],
                        keyed_entry,
                    )?
                    .into_iter()
                    .filter(|(_, e)| e.id.matches_ref(r))
                    .collect(),
                    None => Vec::new(),
                };
                some(found, named)
            }
            Entries::Newest(n) => {
                let found = rows(conn, &without_notes, params![key], keyed_entry)?;
                let newest = format!(
                    "{all} ORDER BY at_ms DESC, hlc_ms DESC, hlc_c DESC, replica DESC, id DESC
                     LIMIT ?2"
                );
                some(
                    found,
                    rows(conn, &newest, params![key, n as i64], keyed_entry)?,
                )
            }
        };
        self.projection.incident.set_timeline(entries);
        let shown = self.projection.incident.timeline.len() as i64;
        let left_out = (self.entries - shown).max(0) as usize;
        Ok((self.projection.incident, left_out))
    }
}

/// Every entry of the incident kept under `key`, in the agreed order, one
/// at a time, so a reader need not hold the timeline whole.
pub fn each_entry(
    conn: &Connection,
    key: i64,
    mut each: impl FnMut(Entry),
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM timeline {EVENT_BODY} WHERE incident = ?1 {TIMELINE_ORDER}"
    ))?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        each(entry(r)?);
    }
    Ok(())
}

/// Timeline rows, each as `read` makes it.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    read: fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok(read(r)))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// The entry made by event `id` in the incident kept under `key`, if any.
fn entry_by_id(
    conn: &Connection,
    key: i64,
    id: EventId,
) -> Result<Option<(OrderKey, Entry)>, StoreError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM timeline {EVENT_BODY}
         WHERE (incident, at_ms, hlc_ms, hlc_c, replica, id) =
               (SELECT ?1, at_ms, hlc_ms, hlc_c, replica, id FROM event_log WHERE id = ?2)"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row(params![key, id.to_string()], |r| Ok(keyed_entry(r)))
        .optional()?;
    found.transpose()
}

/// A timeline row (its columns as [`ENTRY_COLUMNS`] lists them) as an
/// entry: all a whole timeline needs, the row's order being the order.
fn entry(r: &Row) -> Result<Entry, StoreError> {
    entry_from(r, 0)
}

/// As [`entry`], the columns starting at the `first`.
pub(super) fn entry_from(r: &Row, first: usize) -> Result<Entry, StoreError> {
    let col = |i: usize| first + i;
    let id: String = r.get(col(4))?;
    let at = DateTime::from_timestamp_millis(r.get(col(0))?)
        .ok_or_else(|| corrupt(&id, "a time out of range"))?;
    let kind = r.get_ref(col(6))?.as_str().map_err(|e| corrupt(&id, e))?;
    let kind = EntryKind::from_label(kind).ok_or_else(|| corrupt(&id, "unknown kind"))?;
    let marks: i64 = r.get(col(8))?;
    let parsed = id.parse().map_err(|e| corrupt(&id, e))?;
    let text = match r.get::<_, Option<String>>(col(7))? {
        Some(text) => text,
        None => {
            let body = r
                .get_ref(col(10))?
                .as_str_or_null()
                .map_err(|e| corrupt(&id, e))?;
            event_row::text_of_body(body.unwrap_or_default())
                .ok_or_else(|| corrupt(&id, "its event has no text"))?
        }
    };
    let mut entry = Entry::new(parsed, at, r.get(col(5))?, kind, text);
    entry.amended = marks & AMENDED != 0;
    entry.redacted = marks & REDACTED != 0;
    entry.pinned = marks & PINNED != 0;
    match r
        .get_ref(col(9))?
        .as_str_or_null()
        .map_err(|e| corrupt(&id, e))?
    {
        None => Ok(entry),
        named => entry.with_named_json(named).map_err(|e| corrupt(&id, e)),
    }
}

/// As [`entry`], with the row's order key, to merge rows read apart.
fn keyed_entry(r: &Row) -> Result<(OrderKey, Entry), StoreError> {
    Ok((order_key(r, 0)?, entry(r)?))
}

/// Five columns from `at`: `at_ms, hlc_ms, hlc_c, replica, id`.
fn order_key(r: &Row, at: usize) -> Result<OrderKey, StoreError> {
    let ms: i64 = r.get(at)?;
    let replica: String = r.get(at + 3)?;
    let id: String = r.get(at + 4)?;
    Ok((
        DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(&id, "a time out of range"))?,
        Hlc {
            ms: r.get(at + 1)?,
            c: r.get(at + 2)?,
        },
        replica.parse().map_err(|e| corrupt(&id, e))?,
        id.parse().map_err(|e| corrupt(&id, e))?,
    ))
}

/// Writes an entry of the incident kept under `key`. `own` is its event's
/// text (see [`event_row::body_text`]) where the caller has the event at
/// hand; otherwise it is read from the event's row.
fn write_entry(
    conn: &Connection,
    key: i64,
    at: &OrderKey,
    e: &Entry,
    own: Option<Option<&str>>,
) -> Result<(), StoreError> {
    let marks = [
        (e.amended, AMENDED),
        (e.redacted, REDACTED),
        (e.pinned, PINNED),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, bit)| bit)
    .sum::<i64>();
    // The entry points at its event's row, and has no text of its own
    // while its text is the event's.
    conn.prepare_cached(
        "INSERT OR REPLACE INTO timeline
         (incident, at_ms, hlc_ms, hlc_c, replica, id, event, author, kind, note, text, marks,
             named)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, rowid, ?7, ?8, ?9,
             CASE WHEN ?10 IS (CASE WHEN ?13 THEN ?14 ELSE body ->> '$.text' END) THEN NULL
                 ELSE ?10 END,
             ?11, ?12
         FROM events WHERE id = ?6",
    )?
    .execute(params![
        key,
        at.0.timestamp_millis(),
        at.1.ms,
        at.1.c,
        at.2.to_string(),
        at.3.to_string(),
        e.author,
        e.kind.label(),
        e.kind.is_note(),
        e.text,
        marks,
        e.named_json(),
        own.is_some(),
        own.flatten(),
    ])?;
    Ok(())
}

/// Writes the state kept (its timeline, empty, aside); returns its key.
fn write_head(conn: &Connection, head: &Head) -> Result<i64, StoreError> {
    let inc = &head.projection.incident;
    debug_assert!(inc.timeline.is_empty(), "entries are kept as rows");
    let s = inc.summary();
    let state = serde_json::to_string(&head.projection).expect("a state always serialises");
    let (at, hlc, replica, id) = &head.last;
    let key = conn
        .prepare_cached(
            "INSERT INTO incidents (incident, title, severity, stage, commander, declared_ms,
                 resolved_ms, active_ms, recorded_ms, recorded_c, at_ms, hlc_ms, hlc_c, replica,
                 id, state, unreadable, unreadable_first, entries)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19)
             ON CONFLICT (incident) DO UPDATE SET title = ?2, severity = ?3, stage = ?4,
                 commander = ?5, declared_ms = ?6, resolved_ms = ?7, active_ms = ?8,
                 recorded_ms = ?9, recorded_c = ?10, at_ms = ?11, hlc_ms = ?12, hlc_c = ?13,
                 replica = ?14, id = ?15, state = ?16, unreadable = ?17, unreadable_first = ?18,
                 entries = ?19
             RETURNING key",
        )?
        .query_row(
            params![
                s.id.to_string(),
                s.title,
                s.severity,
                s.stage,
                s.commander,
                s.declared_at.timestamp_millis(),
                s.resolved_at.map(|t| t.timestamp_millis()),
                s.last_activity.timestamp_millis(),
                s.last_recorded.ms,
                s.last_recorded.c,
                at.timestamp_millis(),
                hlc.ms,
                hlc.c,
                replica.to_string(),
                id.to_string(),
                state,
                head.unreadable.as_ref().map_or(0, |u| u.count as i64),
                head.unreadable.as_ref().map(|u| u.first.clone()),
                head.entries,
            ],
            |r| r.get(0),
        )?;
    Ok(key)
}

/// A row of `incidents` as a list shows it (its columns as
/// [`SUMMARY_COLUMNS`] lists them).
pub fn summary(r: &Row) -> Result<Summary, StoreError> {
    let id: String = r.get(0)?;
    let time = |ms: i64| {
        DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(&id, "a time out of range"))
    };
    Ok(Summary {
        id: id.parse().map_err(|e| corrupt(&id, e))?,
        title: r.get(1)?,
        severity: r.get(2)?,
        stage: r.get(3)?,
        commander: r.get(4)?,
        declared_at: time(r.get(5)?)?,
        resolved_at: r.get::<_, Option<i64>>(6)?.map(time).transpose()?,
        last_activity: time(r.get(7)?)?,
        last_recorded: Hlc {
            ms: r.get(8)?,
            c: r.get(9)?,
        },
    })
}

/// A stored event, counting a row that cannot be read rather than
/// failing: an event edited by hand or damaged is left out, as the fold
/// leaves it out.
pub(super) fn parse_counting(row: Stored, unreadable: &mut Option<Unreadable>) -> Option<Event> {
    match row.event() {
        Ok(e) => Some(e),
        Err(e) => {
            let seen = unreadable.get_or_insert_with(|| Unreadable {
                count: 0,
                first: e.to_string(),
            });
            seen.count += 1;
            None
        }
    }
}

fn corrupt(id: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        id: id.to_string(),
        reason: reason.to_string(),
    }
}
