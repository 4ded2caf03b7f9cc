//! How an event is laid out in a row of `events`: the envelope in columns
//! (incident and replica by their number in `incident_ids` and `replicas`)
//! and the body as JSON, and how the event and its JSON line come back.
//!
//! The line an event is synced as is its envelope's fields, then its
//! body's: written as the envelope alone with the body's fields after it,
//! it is the line the event was received or recorded as, byte for byte.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use crate::domain::clock::Hlc;
use crate::domain::event::{Body, Event, EventKind};
use crate::domain::ids::EventId;

/// The columns of `event_log` a [`Stored`] is read from, in its order.
pub const COLUMNS: &str =
    "rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, author, v, body";

/// A row of the log as stored, before its body is read.
pub struct Stored {
    pub rowid: i64,
    pub id: String,
    /// The event with an empty body, or why the columns are not one.
    envelope: Result<Event, String>,
    body: String,
}

impl Stored {
    /// A row of `event_log`, its columns as [`COLUMNS`] lists them.
    pub fn read(r: &Row) -> rusqlite::Result<Stored> {
        let id: String = r.get(1)?;
        let incident: String = r.get(2)?;
        let replica: String = r.get(3)?;
        let at_ms: i64 = r.get(7)?;
        let v: i64 = r.get(9)?;
        let envelope = (|| {
            Ok::<_, String>(Event {
                v: u32::try_from(v).map_err(|e| e.to_string())?,
                id: id.parse().map_err(|e: ulid::DecodeError| e.to_string())?,
                incident: incident
                    .parse()
                    .map_err(|e: ulid::DecodeError| e.to_string())?,
                replica: replica
                    .parse()
                    .map_err(|e: ulid::DecodeError| e.to_string())?,
                seq: r.get::<_, i64>(4).map_err(|e| e.to_string())? as u64,
                hlc: Hlc {
                    ms: r.get(5).map_err(|e| e.to_string())?,
                    c: r.get(6).map_err(|e| e.to_string())?,
                },
                at: chrono::DateTime::from_timestamp_millis(at_ms).ok_or("a time out of range")?,
                author: r.get(8).map_err(|e| e.to_string())?,
                body: Body::Unknown(serde_json::Map::new()),
            })
        })();
        Ok(Stored {
            rowid: r.get(0)?,
            id,
            envelope,
            body: r.get(10)?,
        })
    }

    /// The event, or why it cannot be read.
    pub fn event(self) -> Result<Event, StoreError> {
        let Stored {
            id, envelope, body, ..
        } = self;
        let corrupt = |reason: String| StoreError::Corrupt {
            id: id.clone(),
            reason,
        };
        let mut event = envelope.map_err(corrupt)?;
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&body).map_err(|e| corrupt(e.to_string()))?;
        event.body = Body::from_fields(event.v, fields)
            .ok_or_else(|| corrupt("missing field `kind`".to_string()))?;
        Ok(event)
    }

    /// The JSON line the event was recorded or received as. A row whose
    /// columns are no envelope (changed by hand) gives its body as it is:
    /// the receiving side skips a line it cannot read.
    pub fn line(&self) -> String {
        match &self.envelope {
            Ok(envelope) => {
                let head = envelope_head(envelope);
                match self.body.strip_prefix('{') {
                    Some(fields) if fields != "}" => format!("{head},{fields}"),
                    _ => format!("{head}}}"),
                }
            }
            Err(_) => self.body.clone(),
        }
    }
}

/// The line of an event with an empty body, its closing brace left off:
/// what comes before the body's fields.
fn envelope_head(e: &Event) -> String {
    let mut head = e.to_json();
    head.pop();
    head
}

/// The body of the event `e` read from `line`, as `line` spells it, if the
/// line is its envelope's fields and then the body's: so the line comes
/// back as it was, even if it was written by a build that spelled some
/// body differently.
fn body_of_line(e: &Event, line: &str) -> Option<String> {
    let empty = Event {
        body: Body::Unknown(serde_json::Map::new()),
        author: e.author.clone(),
        ..*e
    };
    let fields = line
        .strip_prefix(envelope_head(&empty).as_str())?
        .strip_prefix(',')?;
    Some(format!("{{{fields}"))
}

/// The body of `e` as stored: the fields that follow the envelope.
fn body_json(e: &Event) -> String {
    // A body is a map of JSON values and always serialises.
    serde_json::to_string(&e.body).unwrap_or_default()
}

/// The `text` an event's body carries (`body ->> '$.text'` in SQL): what
/// a timeline entry shows unless the event is corrected.
pub fn body_text(e: &Event) -> Option<&str> {
    match e.known()? {
        EventKind::Note { text, .. }
        | EventKind::ActionItemAdded { text, .. }
        | EventKind::Amended { text, .. } => Some(text),
        _ => None,
    }
}

/// The `text` of a stored body, as [`body_text`] gives it for the event.
pub fn text_of_body(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Text<'a> {
        #[serde(borrow)]
        text: std::borrow::Cow<'a, str>,
    }
    serde_json::from_str::<Text>(body)
        .ok()
        .map(|t| t.text.into_owned())
}

/// A row to write: an event's, or one moved as it was (an event that
/// could not be read, kept all the same).
pub struct NewRow {
    pub rowid: Option<i64>,
    pub id: String,
    pub incident: String,
    pub replica: String,
    pub seq: i64,
    pub hlc_ms: i64,
    pub hlc_c: i64,
    pub at_ms: i64,
    pub author: String,
    pub kind: String,
    pub v: i64,
    pub body: String,
}

impl NewRow {
    pub fn of(e: &Event) -> NewRow {
        NewRow {
            rowid: None,
            id: e.id.to_string(),
            incident: e.incident.to_string(),
            replica: e.replica.to_string(),
            seq: e.seq as i64,
            hlc_ms: e.hlc.ms,
            hlc_c: e.hlc.c.into(),
            at_ms: e.at.timestamp_millis(),
            author: e.author.clone(),
            kind: e.body.kind_name().to_string(),
            v: e.v.into(),
            body: body_json(e),
        }
    }

    /// A row as held events (and the log before schema 7) keep it, its
    /// columns as [`WHOLE_COLUMNS`] lists them: the whole line as its body.
    pub fn whole(r: &Row) -> rusqlite::Result<NewRow> {
        Ok(NewRow {
            rowid: None,
            id: r.get(0)?,
            incident: r.get(1)?,
            replica: r.get(2)?,
            seq: r.get(3)?,
            hlc_ms: r.get(4)?,
            hlc_c: r.get(5)?,
            at_ms: r.get(6)?,
            author: String::new(),
            kind: r.get(7)?,
            v: 0,
            body: r.get(8)?,
        })
    }

    /// The row of the event a [`NewRow::whole`] holds, and the event; or
    /// the row as it is if its line cannot be read: kept, and read (and
    /// left out) as before.
    pub fn read(self) -> (NewRow, Option<Event>) {
        match Event::from_json(&self.body) {
            Ok(e) => {
                let mut row = NewRow::of(&e);
                if let Some(body) = body_of_line(&e, &self.body) {
                    row.body = body;
                }
                (row, Some(e))
            }
            Err(_) => (self, None),
        }
    }
}

/// The columns of an event kept whole: its envelope, and its JSON line as
/// `json`. Held events are kept so (they are few and none is read until it
/// is let in), and so was the log before schema 7.
pub const WHOLE_COLUMNS: &str = "id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json";

/// Writes `e` whole into `table` (see [`WHOLE_COLUMNS`]) unless its id is
/// there; returns 1 if it was new.
pub fn insert_whole(conn: &Connection, table: &str, e: &Event) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO {table} ({WHOLE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?;
    Ok(stmt.execute(params![
        e.id.to_string(),
        e.incident.to_string(),
        e.replica.to_string(),
        e.seq as i64,
        e.hlc.ms,
        e.hlc.c,
        e.at.timestamp_millis(),
        e.body.kind_name(),
        e.to_json(),
    ])?)
}

/// Writes `e` to the log unless its id is there; returns 1 if it was new.
pub fn insert(conn: &Connection, e: &Event) -> Result<usize, StoreError> {
    insert_row(conn, &NewRow::of(e))
}

/// Writes a row to the log unless its id is there; returns 1 if it was new.
pub fn insert_row(conn: &Connection, row: &NewRow) -> Result<usize, StoreError> {
    let incident = number(conn, Numbers::Incidents, &row.incident)?;
    let replica = number(conn, Numbers::Replicas, &row.replica)?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO events
             (rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, author, kind, v, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    Ok(stmt.execute(params![
        row.rowid, row.id, incident, replica, row.seq, row.hlc_ms, row.hlc_c, row.at_ms,
        row.author, row.kind, row.v, row.body,
    ])?)
}

/// Where incidents and replicas are numbered.
#[derive(Clone, Copy)]
enum Numbers {
    Incidents,
    Replicas,
}

/// The number of an incident or replica id, given one if new.
fn number(conn: &Connection, numbers: Numbers, id: &str) -> Result<i64, StoreError> {
    let (find, add) = match numbers {
        Numbers::Incidents => (
            "SELECT key FROM incident_ids WHERE id = ?1",
            "INSERT INTO incident_ids (id) VALUES (?1)",
        ),
        Numbers::Replicas => (
            "SELECT key FROM replicas WHERE id = ?1",
            "INSERT INTO replicas (id) VALUES (?1)",
        ),
    };
    let found = conn
        .prepare_cached(find)?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(key) = found {
        return Ok(key);
    }
    conn.prepare_cached(add)?.execute([id])?;
    Ok(conn.last_insert_rowid())
}

/// Whether the log has an event of this id.
pub fn contains(conn: &Connection, id: EventId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM events WHERE id = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// Moves the events of a database older than schema 7 into the new
/// layout, each under its old row id; one that cannot be read is kept
/// whole as its body, and is read (and left out) as it was before.
pub fn move_from_before_7(conn: &Connection) -> Result<(), StoreError> {
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT {WHOLE_COLUMNS}, rowid FROM events_before_7 ORDER BY rowid"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (mut row, _) = NewRow::whole(r)?.read();
            row.rowid = Some(r.get(9)?);
            insert_row(conn, &row)?;
        }
    }
    conn.execute_batch("DROP TABLE events_before_7")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{FORMAT_VERSION, NoteKind};
    use crate::domain::ids::{IncidentId, ReplicaId};

    fn stored(conn: &Connection, e: &Event) -> Stored {
        insert(conn, e).unwrap();
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM event_log WHERE id = ?1"),
            [e.id.to_string()],
            Stored::read,
        )
        .unwrap()
    }

    #[test]
    fn a_stored_event_syncs_as_the_line_it_came_as() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.connection();
        let known = Event {
            v: FORMAT_VERSION,
            id: EventId::generate(),
            incident: IncidentId::generate(),
            replica: ReplicaId::generate(),
            seq: u64::MAX,
            hlc: Hlc {
                ms: 1_700_000_000_123,
                c: 7,
            },
            at: chrono::DateTime::from_timestamp_millis(1_700_000_000_001).unwrap(),
            author: "ana \"the\" \u{1b}[31m lead".into(),
            body: Body::Known(EventKind::Note {
                note: NoteKind::Decision,
                text: "roll back\nnow: ünïcode \\ 🚒".into(),
            }),
        };
        let line = r#"{"v":2,"id":"01JD0000000000000000000001","incident":"01JD0000000000000000000002","replica":"01JD0000000000000000000003","seq":1,"hlc":{"ms":5,"c":0},"at":"1970-01-01T00:00:00.005Z","author":"bo","kind":"future","z":[1.5,{"b":null}],"a":"x"}"#;
        let future = Event::from_json(line).unwrap();
        for e in [known, future] {
            let row = stored(conn, &e);
            assert_eq!(row.line(), e.to_json());
            assert_eq!(row.event().unwrap(), e);
        }
    }
}
