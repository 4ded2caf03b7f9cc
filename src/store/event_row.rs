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
use crate::domain::seal::Seal;

/// The columns of `event_log` a [`Stored`] is read from, in its order.
pub const COLUMNS: &str = "rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, author, v, body, prev, sig, scrubbed, key";

/// The seal's fields as the line spells them, in its order, each the
/// column of `event_log` (hex) and of `event_seals` (bytes) of its name.
const SEAL_FIELDS: [&str; 4] = ["prev", "sig", "scrubbed", "key"];

/// A row of the log as stored, before its body is read.
pub struct Stored {
    pub rowid: i64,
    pub id: String,
    /// The event with an empty body, or why the columns are not one.
    envelope: Result<Event, String>,
    body: String,
    /// The seal's fields as they end the line (each `,"name":"hex"`), or
    /// empty.
    seal: String,
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
                seal: Seal::default(),
            })
        })();
        Ok(Stored {
            rowid: r.get(0)?,
            id,
            envelope,
            body: r.get(10)?,
            seal: {
                let mut tail = String::new();
                for (i, name) in SEAL_FIELDS.iter().enumerate() {
                    if let Some(hex) = r.get_ref(11 + i)?.as_str_or_null()? {
                        tail.push_str(&format!(",\"{name}\":\"{hex}\""));
                    }
                }
                tail
            },
        })
    }

    /// The event, or why it cannot be read. Read from its line, as the
    /// wire reads it, so it is the event the line is.
    pub fn event(self) -> Result<Event, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            id: self.id.clone(),
            reason,
        };
        if let Err(why) = &self.envelope {
            return Err(corrupt(why.clone()));
        }
        Event::from_json(&self.line()).map_err(|e| corrupt(e.to_string()))
    }

    /// The JSON line the event was recorded or received as. A row whose
    /// columns are no envelope (changed by hand) gives its body as it is:
    /// the receiving side skips a line it cannot read.
    pub fn line(&self) -> String {
        match &self.envelope {
            Ok(envelope) => {
                let mut line = envelope_head(envelope);
                let fields = self
                    .body
                    .strip_prefix('{')
                    .and_then(|b| b.strip_suffix('}'));
                if let Some(fields) = fields.filter(|f| !f.is_empty()) {
                    line.push(',');
                    line.push_str(fields);
                }
                line.push_str(&self.seal);
                line.push('}');
                line
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
        seal: Seal::default(),
        ..*e
    };
    let fields = line
        .strip_prefix(envelope_head(&empty).as_str())?
        .strip_prefix(',')?;
    Some(format!("{{{fields}"))
}

/// The body of `e` as stored, and the seal stored apart: the fields that
/// follow the envelope on its line.
fn body_json(e: &Event) -> (String, Seal) {
    // A body is a map of JSON values and always serialises.
    let body = serde_json::to_string(&e.body).unwrap_or_default();
    (body, e.seal.clone())
}

/// The seal's fields as the line spells them after the body's (each
/// `,"name":"hex"`), or empty without any.
fn seal_tail(seal: &Seal) -> String {
    // A seal is a map of hex strings and always serialises.
    let json = serde_json::to_string(seal).unwrap_or_default();
    match json.strip_prefix('{').and_then(|j| j.strip_suffix('}')) {
        Some(fields) if !fields.is_empty() => format!(",{fields}"),
        _ => String::new(),
    }
}

/// A body read from a line (its fields after the envelope's, as
/// [`body_of_line`] gives them) split into the body and the seal stored
/// apart: the seal's fields come off its end when they are spelled there
/// as this build spells them, else they stay in the body, so the line is
/// rebuilt as it came.
fn split_seal(seal: &Seal, body: String) -> (String, Seal) {
    let tail = seal_tail(seal);
    if tail.is_empty() {
        return (body, Seal::default());
    }
    match body
        .strip_suffix('}')
        .and_then(|b| b.strip_suffix(tail.as_str()))
    {
        Some(fields) => (format!("{fields}}}"), seal.clone()),
        None => (body, Seal::default()),
    }
}

/// The `text` an event's body carries (`body ->> '$.text'` in SQL): what
/// a timeline entry shows unless the event is corrected.
pub fn body_text(e: &Event) -> Option<&str> {
    match e.known()? {
        EventKind::Note { text, .. }
        | EventKind::StepAnnounced { text, .. }
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
    /// The seal's fields stored apart (see [`split_seal`]).
    pub seal: Seal,
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
            body: String::new(),
            seal: Seal::default(),
        }
        .with_body(e)
    }

    fn with_body(mut self, e: &Event) -> NewRow {
        (self.body, self.seal) = body_json(e);
        self
    }

    /// A row as held events (and the log before schema 9) keep it, its
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
            seal: Seal::default(),
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
                    (row.body, row.seal) = split_seal(&e.seal, body);
                }
                (row, Some(e))
            }
            Err(_) => (self, None),
        }
    }
}

/// The columns of an event kept whole: its envelope, and its JSON line as
/// `json`. Held events are kept so (they are few and none is read until it
/// is let in), and so was the log before schema 9.
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
    let added = stmt.execute(params![
        row.rowid, row.id, incident, replica, row.seq, row.hlc_ms, row.hlc_c, row.at_ms,
        row.author, row.kind, row.v, row.body,
    ])?;
    if added > 0 {
        write_seal(conn, conn.last_insert_rowid(), &row.seal)?;
    }
    Ok(added)
}

/// Stores the seal of the event in row `rowid`, in place of any it had.
fn write_seal(conn: &Connection, rowid: i64, seal: &Seal) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM event_seals WHERE event = ?1")?
        .execute([rowid])?;
    if *seal == Seal::default() {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO event_seals (event, prev, sig, scrubbed, key) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        rowid,
        seal.prev.map(|d| d.0.to_vec()),
        seal.sig.map(|s| s.0.to_vec()),
        seal.scrubbed.map(|d| d.0.to_vec()),
        seal.key.map(|k| k.0.to_vec()),
    ])?;
    Ok(())
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

/// The stored event of id `id`, if the log has it.
pub fn find(conn: &Connection, id: &str) -> Result<Option<Stored>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM event_log WHERE id = ?1"))?
        .query_row([id], Stored::read)
        .optional()?)
}

/// Each stored event that `filter` (what follows `WHERE`, over
/// `event_log`'s columns) picks, in the order it says.
pub fn each_where(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
    mut each: impl FnMut(Stored) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM event_log WHERE {filter}"))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        each(Stored::read(r)?)?;
    }
    Ok(())
}

/// Puts `e` in place of the stored event of its id (its envelope
/// unchanged): only the body and the seal are written. Returns 1 if a row
/// changed.
pub fn replace_body(conn: &Connection, e: &Event) -> Result<usize, StoreError> {
    let rowid: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM events WHERE id = ?1")?
        .query_row([e.id.to_string()], |r| r.get(0))
        .optional()?;
    let Some(rowid) = rowid else {
        return Ok(0);
    };
    let (body, seal) = body_json(e);
    conn.prepare_cached("UPDATE events SET body = ?2 WHERE rowid = ?1")?
        .execute(params![rowid, body])?;
    write_seal(conn, rowid, &seal)?;
    Ok(1)
}

/// Whether the log has an event of this id.
pub fn contains(conn: &Connection, id: EventId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM events WHERE id = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))?)
}

/// Moves the events of a database older than schema 9 into the new
/// layout, each under its old row id; one that cannot be read is kept
/// whole as its body, and is read (and left out) as it was before.
pub fn move_from_before_9(conn: &Connection) -> Result<(), StoreError> {
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT {WHOLE_COLUMNS}, rowid FROM events_before_9 ORDER BY rowid"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (mut row, _) = NewRow::whole(r)?.read();
            row.rowid = Some(r.get(9)?);
            insert_row(conn, &row)?;
        }
    }
    conn.execute_batch("DROP TABLE events_before_9")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{FORMAT_VERSION, NoteKind};
    use crate::domain::ids::{IncidentId, ReplicaId};
    use crate::domain::redaction::scrub;
    use crate::domain::seal::{Keys, event_digest};

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
            seal: Seal::default(),
        };
        let line = r#"{"v":2,"id":"01JD0000000000000000000001","incident":"01JD0000000000000000000002","replica":"01JD0000000000000000000003","seq":1,"hlc":{"ms":5,"c":0},"at":"1970-01-01T00:00:00.005Z","author":"bo","kind":"future","z":[1.5,{"b":null}],"a":"x"}"#;
        let future = Event::from_json(line).unwrap();
        // Signed (with the key, as a replica's first signed event carries
        // it), signed and linked to the one before, and scrubbed: the
        // seal's fields, last on the line, come back in place.
        let keys = Keys::from_secret(&[7; 32]);
        let mut first = Event {
            id: EventId::generate(),
            seq: 1,
            ..known.clone()
        };
        first.seal.key = Some(keys.public());
        keys.seal(&mut first, None);
        let mut second = Event {
            id: EventId::generate(),
            seq: 2,
            ..known.clone()
        };
        keys.seal(&mut second, Some(event_digest(&first)));
        let scrubbed = scrub(&second);
        assert!(scrubbed.seal.sig.is_some() && scrubbed.seal.scrubbed.is_some());
        let mut sealed_future = future.clone();
        sealed_future.id = EventId::generate();
        keys.seal(&mut sealed_future, None);
        for e in [known, future, first, second, sealed_future] {
            let row = stored(conn, &e);
            assert_eq!(row.line(), e.to_json());
            assert_eq!(row.event().unwrap(), e);
        }
        // The seals are stored apart from the bodies, as bytes.
        let (in_bodies, apart): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM events WHERE body LIKE '%\"sig\"%'),
                        (SELECT COUNT(*) FROM event_seals WHERE length(sig) = 64)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((in_bodies, apart), (0, 3));
        // Scrubbed in place, as a redaction does to its target.
        replace_body(conn, &scrubbed).unwrap();
        let row = find(conn, &scrubbed.id.to_string()).unwrap().unwrap();
        assert_eq!(row.line(), scrubbed.to_json());
        assert_eq!(row.event().unwrap(), scrubbed);
    }
}
