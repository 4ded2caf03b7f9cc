//! The SQLite schema as numbered migrations. A migration is appended, never
//! edited: databases in the field have run the old ones.
//!
//! The layout as of the latest, for whoever opens the database in the
//! `sqlite3` shell:
//!
//! - `events`: the log, one row an event, never updated but to scrub a
//!   redacted event's words from its `body`. The envelope in columns
//!   (`incident` and `replica` by their number in `incident_ids` and
//!   `replicas`; `v` the envelope's version) and the rest of the event in
//!   `body`, as JSON: `kind` and the fields that follow it on the wire but
//!   the seal's (`prev`, `sig`, `scrubbed`, `key`, last on the line), which
//!   are bytes in `event_seals` by the event's row id. Row ids (`rowid`, a column of its own, so VACUUM keeps them) only
//!   grow: sync remembers how far it pushed by them.
//!   `SELECT * FROM event_log` shows it with the ids spelled out; the JSON
//!   line an event syncs as is its envelope's fields, then its body's.
//!   Indexes: by id, by incident in time order, by replica and sequence
//!   number, declarations, and corrections (`events_corrections`).
//! - `held_events`: events dated too far ahead, kept whole (envelope and
//!   JSON line) until this clock gets there.
//! - `redactions`, `scrubs`: what is redacted, and what was scrubbed here
//!   for the sync targets to rewrite (`store::scrub`).
//! - `replica_keys`, `quarantine`: the writers' keys, and the events
//!   refused at import, kept as whole lines (`store::seals`).
//! - `incidents` and `timeline`: the projection (`store::projection`).
//!   A timeline row whose `text` is NULL shows its event's (`body ->>
//!   '$.text'` of the row `event` names).
//! - `stale`: incidents whose events were changed or deleted by hand.
//! - `meta`, `sync_cursors`, `sync_targets`, `drafts`: this database's
//!   replica id, clock, version and secret key; what sync remembers;
//!   half-written forms.
//! - `outbox`: updates recorded here still to be posted to a channel
//!   (`store::outbox`).

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
    // 9: the log at about the size of its JSON lines. An event's envelope
    // is in columns and only its body (`kind` and what follows it on the
    // wire, the seal's fields last) is JSON: the line sync writes is the
    // envelope's fields, then the body's, so it is rebuilt byte for byte
    // (`store::event_row`), as its signature and the shared files need. A
    // scrub rewrites the body. The seal's fields are bytes in
    // `event_seals`, by the event's row id (half the size of their hex,
    // and out of the rows a printout reads); `event_log` shows them in hex,
    // as the line spells them. A seal spelled otherwise on its line stays
    // in the body.
    // The redactions and amendments of an incident, which a printout and a
    // scrub look for among all its events, are indexed apart (a query
    // names the index's `kind IN (...)` for SQLite to use it).
    // Incidents and replicas are numbered in `incident_ids` and `replicas`,
    // so a row and its indexes carry a small integer rather than a
    // 26-character id; the view `event_log` shows the log with the ids, as
    // one reads it in the `sqlite3` shell. A timeline entry whose text is
    // its event's (`$.text` of the body: a note as written) has none of its
    // own (NULL) and points at its event's row; an amended or redacted one
    // keeps its own. Events are moved from the old table by
    // `event_row::move_from_before_9`, keeping their row ids (sync marks
    // refer to them), which are now a column of their own so that a VACUUM
    // keeps them too; the projection is built again.
    "DROP TRIGGER events_changed;
    DROP TRIGGER events_deleted;
    DROP INDEX events_by_incident;
    DROP INDEX events_by_replica;
    DROP INDEX events_declared;
    ALTER TABLE events RENAME TO events_before_9;
    CREATE TABLE incident_ids (
        key INTEGER PRIMARY KEY,
        id  TEXT NOT NULL UNIQUE
    );
    CREATE TABLE replicas (
        key INTEGER PRIMARY KEY,
        id  TEXT NOT NULL UNIQUE
    );
    CREATE TABLE events (
        rowid    INTEGER PRIMARY KEY,
        id       TEXT NOT NULL,
        incident INTEGER NOT NULL,
        replica  INTEGER NOT NULL,
        seq      INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        author   TEXT NOT NULL,
        kind     TEXT NOT NULL,
        v        INTEGER NOT NULL,
        body     TEXT NOT NULL
    );
    CREATE TABLE event_seals (
        event    INTEGER PRIMARY KEY,
        prev     BLOB,
        sig      BLOB,
        scrubbed BLOB,
        key      BLOB
    );
    CREATE UNIQUE INDEX events_by_id ON events (id);
    CREATE INDEX events_by_incident ON events (incident, at_ms, hlc_ms, hlc_c);
    CREATE INDEX events_by_replica ON events (replica, seq);
    CREATE INDEX events_declared ON events (incident) WHERE kind = 'declared';
    CREATE INDEX events_corrections ON events (incident, kind)
        WHERE kind IN ('redacted', 'amended');
    CREATE VIEW event_log AS
        SELECT e.rowid AS rowid, e.id AS id, i.id AS incident, r.id AS replica, e.seq AS seq,
            e.hlc_ms AS hlc_ms, e.hlc_c AS hlc_c, e.at_ms AS at_ms, e.author AS author,
            e.kind AS kind, e.v AS v, e.body AS body,
            nullif(lower(hex(s.prev)), '') AS prev, nullif(lower(hex(s.sig)), '') AS sig,
            nullif(lower(hex(s.scrubbed)), '') AS scrubbed, nullif(lower(hex(s.key)), '') AS key
        FROM events e
        JOIN incident_ids i ON i.key = e.incident
        JOIN replicas r ON r.key = e.replica
        LEFT JOIN event_seals s ON s.event = e.rowid;
    CREATE TRIGGER events_changed AFTER UPDATE ON events BEGIN
        INSERT OR IGNORE INTO stale (incident)
            SELECT id FROM incident_ids WHERE key IN (OLD.incident, NEW.incident);
    END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN
        INSERT OR IGNORE INTO stale (incident)
            SELECT id FROM incident_ids WHERE key = OLD.incident;
        DELETE FROM event_seals WHERE event = OLD.rowid;
    END;
    DROP TABLE timeline;
    DELETE FROM incidents;
    CREATE TABLE timeline (
        incident INTEGER NOT NULL,
        at_ms    INTEGER NOT NULL,
        hlc_ms   INTEGER NOT NULL,
        hlc_c    INTEGER NOT NULL,
        replica  TEXT NOT NULL,
        id       TEXT NOT NULL,
        event    INTEGER NOT NULL,
        author   TEXT NOT NULL,
        kind     TEXT NOT NULL,
        note     INTEGER NOT NULL,
        text     TEXT,
        marks    INTEGER NOT NULL,
        named    TEXT,
        PRIMARY KEY (incident, at_ms, hlc_ms, hlc_c, replica, id)
    ) WITHOUT ROWID;
    CREATE INDEX timeline_without_notes ON timeline
        (incident, at_ms, hlc_ms, hlc_c, replica, id, event, author, kind, text, marks, named, note)
        WHERE note = 0;",
    // 10: the outbox: stakeholder updates recorded here and not yet
    // posted to a channel, by update and channel name. Local, never synced:
    // each replica posts the updates it recorded.
    "CREATE TABLE outbox (
        update_id   TEXT NOT NULL,
        incident    TEXT NOT NULL,
        channel     TEXT NOT NULL,
        queued_ms   INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_ms     INTEGER NOT NULL,
        last_error  TEXT,
        failure_recorded INTEGER NOT NULL DEFAULT 0,
        claimed_ms  INTEGER,
        PRIMARY KEY (update_id, channel)
    );",
];

/// The version that added `held_events`: upgrading past it holds back the
/// far-future events already let in.
pub const HELD_EVENTS: i64 = 4;

/// The version that keeps the envelope in columns and the body as JSON:
/// upgrading past it moves the events and builds the projection again.
pub const BODY_JSON: i64 = 9;

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
