//! The SQLite schema as numbered migrations. A migration is appended, never
//! edited: databases in the field have run the old ones.

/// Each entry takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the event log and the meta table.
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE events (
        id       TEXT PRIMARY KEY,
        incident TEXT NOT NULL,
        replica  TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        json     TEXT NOT NULL,
        UNIQUE (replica, seq)
    );
    CREATE INDEX events_by_incident ON events (incident, at_ms);
    CREATE INDEX events_by_kind ON events (kind, incident);",
    // 2: sync state. Per target and per file read, how far it has been read
    // (bytes and lines) and the bytes just before that point, to notice a
    // file that was replaced; per target, the last local row pushed.
    "CREATE TABLE sync_cursors (
        target TEXT NOT NULL,
        file   TEXT NOT NULL,
        offset INTEGER NOT NULL,
        line   INTEGER NOT NULL,
        tail   BLOB NOT NULL,
        PRIMARY KEY (target, file)
    );
    CREATE TABLE sync_targets (
        target       TEXT PRIMARY KEY,
        pushed_rowid INTEGER NOT NULL
    );",
    // 3: (replica, seq) is no longer unique. A database restored from a
    // backup, or copied, reuses its replica id and sequence numbers; the
    // constraint then silently dropped the other copy's events. Ids stay
    // unique, rows keep their rowids (sync marks refer to them).
    "CREATE TABLE events_v3 (
        id       TEXT PRIMARY KEY,
        incident TEXT NOT NULL,
        replica  TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        json     TEXT NOT NULL
    );
    INSERT INTO events_v3 (rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
        SELECT rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json FROM events;
    DROP TABLE events;
    ALTER TABLE events_v3 RENAME TO events;
    CREATE INDEX events_by_incident ON events (incident, at_ms);
    CREATE INDEX events_by_kind ON events (kind, incident);
    CREATE INDEX events_by_replica ON events (replica, seq);",
    // 4: events from other replicas dated beyond this clock's reach, held
    // back until it gets there (see `MAX_SKEW_MS`), so they cannot pin a
    // value meanwhile.
    "CREATE TABLE held_events (
        id       TEXT PRIMARY KEY,
        incident TEXT NOT NULL,
        replica  TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        json     TEXT NOT NULL
    );",
    // 5: forms the console left half-written, by form and incident. Local
    // to this database: sync never reads this table.
    "CREATE TABLE drafts (
        key      TEXT PRIMARY KEY,
        fields   TEXT NOT NULL,
        saved_ms INTEGER NOT NULL
    );",
    // 6: the projection (see `store::projection`): each declared incident's
    // state as the fold leaves it, kept in step with the log by the
    // transaction that writes each event, so a command reads a row rather
    // than folding the log. `incidents` has the few fields a list shows and
    // orders by, where the fold stands (the order key of the latest event
    // folded), the rest of the state as JSON and how many entries its
    // timeline has; `timeline` has the
    // entries, one row each in the agreed order, and those that are not
    // notes (what the rules read) again together, in an index that covers
    // them, so reading them touches a few pages. An event changed or
    // deleted by hand marks its incident `stale`: it is folded from the log
    // until the next write folds it again. Built for an existing database
    // as it migrates. The index of events by kind served only to find
    // declarations: it keeps those alone.
    "CREATE TABLE incidents (
        key         INTEGER PRIMARY KEY,
        incident    TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL,
        severity    TEXT NOT NULL,
        stage       TEXT NOT NULL,
        commander   TEXT,
        declared_ms INTEGER NOT NULL,
        resolved_ms INTEGER,
        active_ms   INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL,
        recorded_c  INTEGER NOT NULL,
        at_ms       INTEGER NOT NULL,
        hlc_ms      INTEGER NOT NULL,
        hlc_c       INTEGER NOT NULL,
        replica     TEXT NOT NULL,
        id          TEXT NOT NULL,
        state       TEXT NOT NULL,
        entries     INTEGER NOT NULL,
        unreadable  INTEGER NOT NULL,
        unreadable_first TEXT
    );
    CREATE INDEX incidents_by_activity ON incidents (active_ms, recorded_ms, recorded_c, incident);
    CREATE TABLE timeline (
        incident INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        replica  TEXT NOT NULL,
        id       TEXT NOT NULL,
        author   TEXT NOT NULL,
        kind     TEXT NOT NULL,
        note     INTEGER NOT NULL,
        text     TEXT NOT NULL,
        marks    INTEGER NOT NULL,
        named    TEXT,
        PRIMARY KEY (incident, at_ms, hlc_ms, hlc_c, replica, id)
    ) WITHOUT ROWID;
    CREATE INDEX timeline_without_notes ON timeline
        (incident, at_ms, hlc_ms, hlc_c, replica, id, author, kind, text, marks, named, note)
        WHERE note = 0;
    CREATE TABLE stale (
        incident TEXT PRIMARY KEY
    );
    DROP INDEX events_by_kind;
    CREATE INDEX events_declared ON events (incident) WHERE kind = 'declared';
    CREATE TRIGGER events_changed AFTER UPDATE ON events BEGIN
        INSERT OR IGNORE INTO stale (incident) VALUES (OLD.incident), (NEW.incident);
    END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN
        INSERT OR IGNORE INTO stale (incident) VALUES (OLD.incident);
    END;",
    // 7: scrubbing (see `store::scrub`). `redactions` holds the target of
    // every redaction known, so an event arriving after its redaction is
    // stored scrubbed; `scrubs` numbers every event whose words were
    // removed here, and each sync target keeps how far along it has
    // rewritten its copies. Upgrading scrubs what was redacted before.
    // Cursors remember a hash of the bytes before them, no longer the
    // bytes (a line's words): those they hold are forgotten, and each
    // target is read again once.
    "CREATE TABLE redactions (
        target   TEXT NOT NULL,
        incident TEXT NOT NULL,
        PRIMARY KEY (target, incident)
    ) WITHOUT ROWID;
    CREATE TABLE scrubs (
        n  INTEGER PRIMARY KEY,
        id TEXT NOT NULL
    );
    ALTER TABLE sync_targets ADD COLUMN scrubbed_to INTEGER NOT NULL DEFAULT 0;
    UPDATE sync_cursors SET tail = x'';",
    // 8: what vouches for events (see `store::seals`). The keys of the
    // replicas whose signed events this database has seen or had pinned,
    // with the first sequence number each signed (its events before that
    // were written by a build that did not sign); and the events refused
    // at import, kept whole as they arrived, with why, for `verify`. This
    // replica's own secret key is in `meta`, like its id: the database
    // file is private to its user.
    "CREATE TABLE replica_keys (
        replica      TEXT PRIMARY KEY,
        key          TEXT NOT NULL,
        first_signed INTEGER NOT NULL,
        pinned       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE quarantine (
        id       TEXT NOT NULL,
        replica  TEXT NOT NULL,
        author   TEXT NOT NULL,
        incident TEXT NOT NULL,
        reason   TEXT NOT NULL,
        json     TEXT NOT NULL,
        seen_ms  INTEGER NOT NULL,
        UNIQUE (id, json)
    );",
];

/// The version that added `held_events`: upgrading past it holds back the
/// far-future events already let in.
pub const HELD_EVENTS: i64 = 4;

/// The version that added the projection: upgrading past it builds it.
pub const PROJECTION: i64 = 6;

/// The version that added scrubbing: upgrading past it scrubs the events
/// redacted before.
pub const SCRUBS: i64 = 7;

/// The version that added replica keys: upgrading past it makes this
/// replica's.
pub const SEALS: i64 = 8;

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
