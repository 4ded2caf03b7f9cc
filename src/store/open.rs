//! Opening a database: its file made private, its pragmas, its schema brought up to date.

use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::{Store, StoreError, event_row, held, projection, read_only, schema, scrub, seals};
use crate::domain::ids::ReplicaId;

/// How long a writer waits for another process's transaction before giving
/// up. Incident writes are tiny, so this is only reached by a hung process.
pub(super) const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// How many prepared statements a connection keeps.
const STATEMENT_CACHE: usize = 64;

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
                let cause = match &e {
                    StoreError::Unwritable { reason, .. } => reason.to_string(),
                    other => other.to_string(),
                };
                // Unreadable too: the first failure is the one to explain.
                Store::reading_only(path, cause).map_err(|_| e)
            }
            other => other,
        }
    }

    /// The database at `path` opened for reading only, for the reason
    /// `cause` gives.
    pub(super) fn reading_only(path: &Path, cause: String) -> Result<Store, StoreError> {
        let (conn, behind) = read_only::open(path)?;
        let version = schema_version(&conn, path)?;
        let replica = read_replica(&conn)?;
        // An older layout is read through views that show it as this one,
        // its projection (if any) aside.
        if version < schema::BODY_JSON {
            read_only::show_as_latest(&conn)?;
        }
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
            projected: version >= schema::BODY_JSON,
            unreadable: Default::default(),
        })
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
        // An import runs some twenty cached statements an event; rusqlite
        // keeps sixteen by default, and one evicted is parsed again at its
        // next use: that tripled the cost of an import.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        enable_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // What SQLite frees (a scrubbed event's words among it) is
        // overwritten with zeros rather than left in free space.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let (replica, scrubbed) = migrate(&mut conn, &path)?;
        let mut store = Store {
            conn,
            replica,
            path,
            clock: Box::new(Utc::now),
            read_only: None,
            projected: true,
            unreadable: Default::default(),
        };
        // SQLite opens a file it may not write read-only on its own.
        if store.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            let reason = read_only::unwritable(&store.path).unwrap_or("the file is read-only");
            store.read_only = Some(reason.to_string());
        }
        if scrubbed {
            store.forget_freed_pages();
        }
        // Best effort: a database that cannot be written to still opens, and
        // the next import lets them in.
        let _ = store.release_held();
        Ok(store)
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
/// Also says whether upgrading scrubbed words that were redacted before.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(ReplicaId, bool), StoreError> {
    if schema_version(conn, path)? == schema::latest() {
        return Ok((read_replica(conn)?, false));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated.
    let version = schema_version(&tx, path)?;
    for (done, sql) in (1..).zip(schema::MIGRATIONS).skip(version as usize) {
        tx.execute_batch(sql)?;
        // What SQL alone cannot do, done as the schema passes the version
        // that needs it, while the tables are as that version left them.
        match done {
            schema::HELD_EVENTS => held::hold_existing(&tx, held::horizon(Utc::now()))?,
            schema::BODY_JSON => event_row::move_from_before_9(&tx)?,
            _ => {}
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
        [schema::latest().to_string()],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('replica', ?1)",
        [ReplicaId::generate().to_string()],
    )?;
    if version < schema::BODY_JSON {
        projection::rebuild_all(&tx)?;
    }
    let mut scrubbed = false;
    if version < schema::SCRUBS {
        scrubbed = scrub::scrub_existing(&tx)?;
    }
    if version < schema::SEALS {
        seals::make_own_key(&tx)?;
    }
    let replica = read_replica(&tx)?;
    tx.commit()?;
    Ok((replica, scrubbed))
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

pub(super) fn read_replica(conn: &Connection) -> Result<ReplicaId, StoreError> {
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
