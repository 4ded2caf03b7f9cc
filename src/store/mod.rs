//! The local SQLite event log: opening and migrating the database, appending
//! local events, importing remote ones idempotently, and reading them back.

mod error;
mod held;
mod read_only;
mod schema;
mod sync_state;

use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::domain::clock::Hlc;
use crate::domain::event::{Body, Event, EventKind, FORMAT_VERSION};
use crate::domain::ids::{EventId, IncidentId, ReplicaId};
use crate::domain::incident::Incident;
use crate::domain::limits;

pub use error::StoreError;
pub use held::Held;
pub use sync_state::{FileCursor, OutgoingEvent, TargetState};

/// How long a writer waits for another process's transaction before giving
/// up. Incident writes are tiny, so this is only reached by a hung process.
const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// One incident's events in the order every replica agrees on.
const EVENTS_IN_ORDER: &str = "SELECT id, json FROM events WHERE incident = ?1
     ORDER BY at_ms, hlc_ms, hlc_c, replica, id";

type Clock = Box<dyn Fn() -> DateTime<Utc> + Send>;

/// One responder's log.
pub struct Store {
    conn: Connection,
    replica: ReplicaId,
    path: PathBuf,
    clock: Clock,
    /// Why this database is open for reading only, when it is.
    read_only: Option<String>,
    unreadable: std::cell::RefCell<Option<Unreadable>>,
}

/// Stored rows that could not be read, for one warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub count: u64,
    /// Why the first one could not be read.
    pub first: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows = match self.count {
            1 => "1 stored event was".to_string(),
            n => format!("{n} stored events were"),
        };
        write!(
            f,
            "{rows} unreadable and left out ({}); the rest is shown",
            self.first
        )
    }
}

impl Store {
    /// Opens (creating if needed, with mode 0600) and migrates a database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        create_private(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let opened = Connection::open(path)
            .map_err(StoreError::from)
            .and_then(|conn| Store::setup(conn, path.to_path_buf()));
        match opened {
            Err(e) if e.cannot_write() => match read_only::unwritable(path) {
                Some(reason) => Err(StoreError::Unwritable {
                    path: path.to_path_buf(),
                    reason,
                }),
                None => Err(e),
            },
            other => other,
        }
    }

    /// As [`Store::open`], but a database that cannot be written (a full
    /// disk, a read-only file system) is opened for reading instead, so its
    /// state can still be shown; [`Store::read_only`] then says why.
    pub fn open_for_reading(path: &Path) -> Result<Store, StoreError> {
        match Store::open(path) {
            Err(e) if e.cannot_write() && path.is_file() => {
                let opened = read_only::open(path).and_then(|(conn, behind)| {
                    schema_version(&conn, path)?;
                    let replica = read_replica(&conn)?;
                    Ok((conn, behind, replica))
                });
                // Unreadable too: the first failure is the one to explain.
                let Ok((conn, behind, replica)) = opened else {
                    return Err(e);
                };
                let cause = match &e {
                    StoreError::Unwritable { reason, .. } => reason.to_string(),
                    other => other.to_string(),
                };
                let why = match behind {
                    Some(behind) => format!("{cause}; {behind}"),
                    None => cause,
                };
                Ok(Store {
                    conn,
                    replica,
                    path: path.to_path_buf(),
                    clock: Box::new(Utc::now),
                    read_only: Some(why),
                    unreadable: Default::default(),
                })
            }
            other => other,
        }
    }

    /// Why the database is open for reading only, if it is.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// A throwaway in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn setup(mut conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        enable_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let replica = migrate(&mut conn, &path)?;
        let mut store = Store {
            conn,
            replica,
            path,
            clock: Box::new(Utc::now),
            read_only: None,
            unreadable: Default::default(),
        };
        // SQLite opens a file it may not write read-only on its own.
        if store.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            let reason = read_only::unwritable(&store.path).unwrap_or("the file is read-only");
            store.read_only = Some(reason.to_string());
        }
        // Best effort: a database that cannot be written to still opens, and
        // the next import lets them in.
        let _ = store.release_held();
        Ok(store)
    }

    /// Lets in held-back events whose time has come. Only a database that
    /// has some due writes here, so opening one stays a read.
    fn release_held(&self) -> Result<(), StoreError> {
        let horizon = held::horizon(self.now());
        if !held::any_due(&self.conn, horizon)? {
            return Ok(());
        }
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let hlc = held::release_due(&tx, horizon, read_hlc(&tx)?)?;
        write_hlc(&tx, hlc)?;
        tx.commit()?;
        Ok(())
    }

    /// Events from other replicas dated too far ahead of this clock, held
    /// back from the log until it reaches them.
    pub fn held(&self) -> Result<Option<Held>, StoreError> {
        held::summary(&self.conn)
    }

    /// This database's replica id.
    pub fn replica(&self) -> ReplicaId {
        self.replica
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for the sync layer's own tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Replaces the wall clock (tests of clock skew, reproducible demos).
    pub fn set_clock(&mut self, clock: impl Fn() -> DateTime<Utc> + Send + 'static) {
        self.clock = Box::new(clock);
    }

    /// The wall clock this store records with.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
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
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE replica = ?1",
            [replica.to_string()],
            |r| r.get(0),
        )?;
        let seq = seq as u64;
        let event = Event {
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
        };
        insert_into(&tx, "events", &event)?;
        write_hlc(&tx, hlc)?;
        tx.commit()?;
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
        // An event dated beyond this clock's reach is held back rather than
        // let in: sorting after everything, it would decide every value.
        let horizon = held::horizon(self.now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut hlc = held::release_due(&tx, horizon, read_hlc(&tx)?)?;
        let mut added = Vec::new();
        let mut twin = false;
        for (i, e) in events.into_iter().enumerate() {
            if held::too_far_ahead(e, horizon) {
                held::hold(&tx, e)?;
                continue;
            }
            if insert_into(&tx, "events", e)? > 0 {
                added.push(i);
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
        Ok(added)
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

/// Creates the database file (and its directory) private to the user before
/// SQLite opens it; SQLite gives its WAL files the same mode.
///
/// An existing file is never opened here: closing any descriptor of a file
/// drops every POSIX lock this process holds on it, SQLite's included, and
/// another client would then take the database for unused and delete the
/// WAL under our connections. `create_new` cannot open an existing file, so
/// a race with another thread creating it only loses the race.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Switches to WAL. Switching takes an exclusive lock that the busy timeout
/// does not cover, so processes opening a new database together retry.
fn enable_wal(conn: &Connection) -> Result<(), StoreError> {
    let mut attempts = 0;
    loop {
        let mode: Result<String, rusqlite::Error> =
            conn.pragma_query_value(None, "journal_mode", |r| r.get(0));
        let result = match mode {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => conn.pragma_update(None, "journal_mode", "WAL"),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => return Ok(()),
            Err(e) if is_busy(&e) && attempts < 200 => {
                attempts += 1;
                std::thread::sleep(StdDuration::from_millis(10 + attempts % 20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Brings the schema up to date; returns this database's replica id. A
/// database already up to date is only read, so one on a full disk or a
/// read-only file system still opens.
fn migrate(conn: &mut Connection, path: &Path) -> Result<ReplicaId, StoreError> {
    if schema_version(conn, path)? == schema::latest() {
        return read_replica(conn);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated.
    let version = schema_version(&tx, path)?;
    for sql in &schema::MIGRATIONS[version as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
        [schema::latest().to_string()],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('replica', ?1)",
        [ReplicaId::generate().to_string()],
    )?;
    if version < schema::HELD_EVENTS {
        held::hold_existing(&tx, held::horizon(Utc::now()))?;
    }
    let replica = read_replica(&tx)?;
    tx.commit()?;
    Ok(replica)
}

/// The schema version the database is at (0 when new); a version newer
/// than this build knows is refused.
fn schema_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let has_meta: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get(0),
    )?;
    let version: i64 = if has_meta {
        conn.query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
    } else {
        0
    };
    if version > schema::latest() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: schema::latest(),
        });
    }
    Ok(version)
}

fn read_replica(conn: &Connection) -> Result<ReplicaId, StoreError> {
    let value: String =
        conn.query_row("SELECT value FROM meta WHERE key = 'replica'", [], |r| {
            r.get(0)
        })?;
    value
        .parse()
        .map_err(|e: ulid::DecodeError| StoreError::Corrupt {
            id: "meta.replica".into(),
            reason: e.to_string(),
        })
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

/// Inserts into `table` (the log, or the held-back events) unless the id is
/// already there; returns 1 if it was new.
fn insert_into(conn: &Connection, table: &str, e: &Event) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO {table} (id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
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

fn parse_stored(id: &str, json: &str) -> Result<Event, StoreError> {
    Event::from_json(json).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
