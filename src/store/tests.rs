use super::*;
use crate::domain::event::{Event, EventKind, NoteKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;

pub(super) fn declare(store: &mut Store) -> IncidentId {
    let id = IncidentId::generate();
    store
        .append(
            id,
            None,
            "ana",
            EventKind::Declared {
                title: "API down".into(),
                severity: "P1".into(),
                summary: String::new(),
                playbook: "default".into(),
                commander: "ana".into(),
                stage: "detect".into(),
            },
        )
        .unwrap();
    id
}

pub(super) fn note(text: &str) -> EventKind {
    EventKind::Note {
        note: NoteKind::Note,
        text: text.into(),
    }
}

#[test]
fn appends_get_dense_sequence_numbers_and_a_rising_clock() {
    let mut s = Store::open_in_memory().unwrap();
    // A wall clock stuck in the past must not make the HLC go backwards.
    s.set_clock(|| DateTime::from_timestamp(1_000, 0).unwrap());
    let inc = declare(&mut s);
    let a = s.append(inc, None, "ana", note("one")).unwrap();
    let b = s.append(inc, None, "ana", note("two")).unwrap();
    assert_eq!((a.seq, b.seq), (2, 3));
    assert!(b.hlc > a.hlc);
    assert_eq!(s.events(inc).unwrap().len(), 3);
}

#[test]
fn import_is_idempotent_and_advances_the_clock() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    a.set_clock(|| Utc::now() + chrono::Duration::minutes(4));
    let inc = declare(&mut a);
    let events = a.events(inc).unwrap();
    assert_eq!(b.import(&events).unwrap(), 1);
    assert_eq!(b.import(&events).unwrap(), 0, "a replay adds nothing");
    let local = b
        .append(inc, None, "bo", note("after seeing a's clock"))
        .unwrap();
    assert!(
        local.hlc > events[0].hlc,
        "b's next event sorts after what it saw"
    );
    assert_eq!(b.incident(inc).unwrap().unwrap().timeline.len(), 2);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    {
        let mut s = Store::open(&path).unwrap();
        declare(&mut s);
        s.connection()
            .execute(
                "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
                [],
            )
            .unwrap();
    }
    let err = Store::open(&path).err().expect("refused");
    assert!(err.to_string().contains("newer fireground"), "{err}");
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "nothing recorded was lost");
}

#[cfg(unix)]
#[test]
fn a_new_database_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/f.db");
    let mut s = Store::open(&path).unwrap();
    declare(&mut s);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn the_replica_id_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    let first = Store::open(&path).unwrap().replica();
    assert_eq!(Store::open(&path).unwrap().replica(), first);
}

#[test]
fn references_resolve_by_short_prefix_and_full_id() {
    let mut s = Store::open_in_memory().unwrap();
    let inc = declare(&mut s);
    assert_eq!(s.resolve(&inc.short()).unwrap(), inc);
    assert_eq!(s.resolve(&inc.to_string().to_lowercase()).unwrap(), inc);
    let err = s.resolve("zzzzzz").unwrap_err();
    assert!(
        err.to_string().contains("no incident matches 'zzzzzz'"),
        "{err}"
    );
}

#[test]
fn the_current_incident_is_the_latest_active_unresolved_one() {
    let mut s = Store::open_in_memory().unwrap();
    assert!(matches!(s.current(), Err(StoreError::NoOpenIncident)));
    let old = declare(&mut s);
    let newer = declare(&mut s);
    assert_eq!(s.current().unwrap(), newer);
    s.append(
        newer,
        None,
        "ana",
        EventKind::Resolved {
            summary: String::new(),
        },
    )
    .unwrap();
    assert_eq!(s.current().unwrap(), old);
}

#[test]
fn an_event_recorded_after_seeing_a_fast_clock_sorts_after_what_was_seen() {
    let mut fast = Store::open_in_memory().unwrap();
    fast.set_clock(|| Utc::now() + chrono::Duration::minutes(4));
    let mut slow = Store::open_in_memory().unwrap();
    let inc = declare(&mut fast);
    fast.append(
        inc,
        None,
        "ana",
        EventKind::StageChanged {
            stage: "verify".into(),
        },
    )
    .unwrap();
    slow.import(&fast.events(inc).unwrap()).unwrap();
    slow.append(
        inc,
        None,
        "bo",
        EventKind::StageChanged {
            stage: "mitigate".into(),
        },
    )
    .unwrap();
    let events = slow.events(inc).unwrap();
    assert_eq!(events.last().unwrap().author, "bo");
    assert_eq!(
        slow.incident(inc).unwrap().unwrap().stage,
        "mitigate",
        "bo's later change wins"
    );
}

#[test]
fn a_clock_days_ahead_is_held_back_not_followed_and_let_in_when_its_time_comes() {
    let mut broken = Store::open_in_memory().unwrap();
    broken.set_clock(|| Utc::now() + chrono::Duration::days(2));
    let mut s = Store::open_in_memory().unwrap();
    let inc = declare(&mut broken);
    let sent = broken.events(inc).unwrap();
    assert_eq!(s.import(&sent).unwrap(), 0, "not let into the log");
    assert_eq!(s.import(&sent).unwrap(), 0, "nor on a replay");
    assert!(s.incident(inc).unwrap().is_none());
    let held = s.held().unwrap().expect("shown as held back");
    assert_eq!(held.count, 1);
    assert_eq!(held.latest, sent[0].at);
    let mine = s.append(inc, None, "bo", note("x")).unwrap();
    assert!(mine.at < Utc::now() + chrono::Duration::minutes(1));

    // Two days later, this clock reaches it.
    s.set_clock(|| Utc::now() + chrono::Duration::days(2));
    assert_eq!(s.import(&[]).unwrap(), 0);
    assert_eq!(s.held().unwrap(), None);
    assert_eq!(s.incident(inc).unwrap().unwrap().timeline.len(), 2);
}

#[test]
fn folding_from_the_rows_matches_folding_in_memory() {
    // Three replicas, ties in time, backfills before the declaration and a
    // correction: the row order must be the domain's order.
    let mut replicas: Vec<Store> = (0..3).map(|_| Store::open_in_memory().unwrap()).collect();
    let fixed = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    for r in &mut replicas {
        r.set_clock(move || fixed);
    }
    let inc = declare(&mut replicas[0]);
    let early = Some(fixed - chrono::Duration::minutes(10));
    replicas[1]
        .append(inc, early, "bo", note("alert fired"))
        .unwrap();
    for i in 0..30 {
        let r = i % 3;
        let kind = match i % 4 {
            0 => EventKind::StageChanged {
                stage: format!("s{i}"),
            },
            1 => EventKind::RoleAssigned {
                role: "tech".into(),
                person: format!("p{r}"),
            },
            _ => note(&format!("n{i}")),
        };
        replicas[r].append(inc, None, "x", kind).unwrap();
    }
    let target = replicas[2].events(inc).unwrap()[0].id;
    replicas[0]
        .append(
            inc,
            None,
            "ana",
            EventKind::Amended {
                target,
                text: "fixed".into(),
            },
        )
        .unwrap();
    let mut all = Store::open_in_memory().unwrap();
    all.set_clock(move || fixed);
    for r in &replicas {
        all.import(&r.events(inc).unwrap()).unwrap();
    }
    let streamed = all.incident(inc).unwrap().unwrap();
    let in_memory = Incident::fold(inc, &all.events(inc).unwrap()).unwrap();
    assert_eq!(streamed, in_memory);
    assert_eq!(
        streamed.timeline[0].text, "alert fired",
        "backfilled before the declaration"
    );
    assert_eq!(streamed.event_count, 33);
}

#[test]
fn a_restored_backup_and_the_original_keep_each_others_events() {
    let dir = tempfile::tempdir().unwrap();
    let (orig_path, backup_path) = (dir.path().join("a.db"), dir.path().join("backup.db"));
    let mut original = Store::open(&orig_path).unwrap();
    let inc = declare(&mut original);
    drop(original);
    std::fs::copy(&orig_path, &backup_path).unwrap();
    let mut original = Store::open(&orig_path).unwrap();
    let mut backup = Store::open(&backup_path).unwrap();
    assert_eq!(
        original.replica(),
        backup.replica(),
        "a copy shares the replica id"
    );
    // Both write the same sequence number under the same replica id.
    let a = original
        .append(inc, None, "ana", note("written after the backup"))
        .unwrap();
    let b = backup
        .append(inc, None, "ana", note("written after the restore"))
        .unwrap();
    assert_eq!((a.replica, a.seq), (b.replica, b.seq));

    assert_eq!(backup.import(&original.events(inc).unwrap()).unwrap(), 1);
    assert_eq!(original.import(&backup.events(inc).unwrap()).unwrap(), 1);
    for s in [&original, &backup] {
        let texts: Vec<String> = s
            .incident(inc)
            .unwrap()
            .unwrap()
            .timeline
            .iter()
            .map(|e| e.text.clone())
            .collect();
        assert!(
            texts.contains(&"written after the backup".to_string()),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"written after the restore".to_string()),
            "{texts:?}"
        );
    }
    assert_ne!(original.replica(), backup.replica(), "the copies part ways");
    let replica = backup.replica();
    drop(backup);
    assert_eq!(
        Store::open(&backup_path).unwrap().replica(),
        replica,
        "the new id is kept"
    );
}

#[test]
fn a_database_of_the_first_schema_migrates_without_losing_rows_or_sync_marks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = database_of_schema(2, &path, &[]);
        conn.execute_batch(
            "INSERT INTO events (rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
             VALUES (7, 'x', 'i', 'r', 1, 0, 0, 0, 'note', '{}');",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let (rowid, id): (i64, String) = s
        .connection()
        .query_row("SELECT rowid, id FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rowid, id.as_str()), (7, "x"));
}

#[test]
fn a_new_replica_id_given_by_another_connection_is_used_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut console = Store::open(&path).unwrap();
    let inc = declare(&mut console);
    let worker = Store::open(&path).unwrap();
    let renamed = ReplicaId::generate();
    worker
        .connection()
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'replica'",
            [renamed.to_string()],
        )
        .unwrap();
    let e = console
        .append(inc, None, "ana", note("after the rename"))
        .unwrap();
    assert_eq!(e.replica, renamed);
    assert_eq!(e.seq, 1, "a new replica counts from one");
}

#[test]
fn a_database_of_schema_5_gets_its_projection_when_this_build_opens_it() {
    let mut source = Store::open_in_memory().unwrap();
    let inc = declare(&mut source);
    let first = source.append(inc, None, "ana", note("api 500s")).unwrap();
    let early = Some(first.at - chrono::Duration::minutes(5));
    source
        .append(inc, early, "bo", note("alert fired"))
        .unwrap();
    let pin = EventKind::Pinned { target: first.id };
    source.append(inc, None, "ana", pin).unwrap();
    let events = source.events(inc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    drop(database_of_schema(5, &path, &events));
    let s = Store::open(&path).unwrap();
    assert_eq!(version_of(&s), schema::latest().to_string());
    let kept: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM timeline", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 3, "an entry a row, the pin aside");
    let shown = s.incident(inc).unwrap().unwrap();
    assert_eq!(shown, Incident::fold(inc, &events).unwrap());
    assert_eq!(shown.timeline[0].text, "alert fired");
    assert!(shown.timeline[2].pinned);
    assert_eq!(s.current().unwrap(), inc);
}

#[test]
fn a_projection_damaged_by_hand_is_read_from_the_log_and_mended_by_the_next_write() {
    let mut s = Store::open_in_memory().unwrap();
    let inc = declare(&mut s);
    s.append(inc, None, "ana", note("api 500s")).unwrap();
    s.connection()
        .execute("UPDATE incidents SET state = '{not json'", [])
        .unwrap();
    let folded = Incident::fold(inc, &s.events(inc).unwrap());
    assert_eq!(s.incident(inc).unwrap(), folded);
    s.append(inc, None, "ana", note("rolled back")).unwrap();
    assert!(matches!(
        projection::kept(s.connection(), inc).unwrap(),
        projection::Kept::Head(_)
    ));
    let shown = s.incident(inc).unwrap().unwrap();
    assert_eq!(shown.timeline.len(), 3);
}

#[test]
fn an_event_changed_by_hand_is_read_from_the_log_until_the_next_write_folds_it_again() {
    let mut s = Store::open_in_memory().unwrap();
    let inc = declare(&mut s);
    s.append(inc, None, "ana", note("api 500s")).unwrap();
    s.connection()
        .execute(
            "UPDATE events SET body = replace(body, 'api 500s', 'api 503s')",
            [],
        )
        .unwrap();
    let text = |s: &Store| s.incident(inc).unwrap().unwrap().timeline[1].text.clone();
    assert_eq!(text(&s), "api 503s");
    s.append(inc, None, "ana", note("rolled back")).unwrap();
    assert!(matches!(
        projection::kept(s.connection(), inc).unwrap(),
        projection::Kept::Head(_)
    ));
    assert_eq!(text(&s), "api 503s");
}

/// Writes `e` as a database before schema 9 kept it: the envelope in
/// columns, and the whole event again as its JSON line.
fn write_before_9(conn: &Connection, e: &Event) {
    event_row::insert_whole(conn, "events", e).unwrap();
}

/// A database of schema `version` at `path` holding `events`, as an older
/// build left it.
pub(super) fn database_of_schema(
    version: usize,
    path: &std::path::Path,
    events: &[Event],
) -> Connection {
    let conn = Connection::open(path).unwrap();
    for sql in &schema::MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute(
        "INSERT INTO meta VALUES ('schema_version', ?1), ('replica', '01JD0000000000000000000000')",
        [version.to_string()],
    )
    .unwrap();
    for e in events {
        write_before_9(&conn, e);
    }
    conn
}

/// The schema version the database says it is at.
fn version_of(s: &Store) -> String {
    s.connection()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_database_of_schema_6_keeps_its_events_drafts_held_events_and_sync_marks() {
    // A log of two replicas, with corrections (amended, redacted and
    // pinned entries keep their own text) and a note that cannot be read.
    let mut ana = Store::open_in_memory().unwrap();
    let inc = declare(&mut ana);
    let first = ana.append(inc, None, "ana", note("api 500s")).unwrap();
    let second = ana.append(inc, None, "ana", note("db slow")).unwrap();
    let mut bo = Store::open_in_memory().unwrap();
    bo.import(&ana.events(inc).unwrap()).unwrap();
    let amend = EventKind::Amended {
        target: first.id,
        text: "api 503s".into(),
    };
    bo.append(inc, None, "bo \"b\"", amend).unwrap();
    let redact = EventKind::Redacted {
        target: second.id,
        reason: "wrong host".into(),
    };
    bo.append(inc, None, "bo", redact).unwrap();
    bo.append(inc, None, "bo", EventKind::Pinned { target: first.id })
        .unwrap();
    bo.append(inc, None, "bo", note("ünïcode \\ \"quoted\"\n🚒"))
        .unwrap();
    let mut events = bo.events(inc).unwrap();
    let mut far = Store::open_in_memory().unwrap();
    far.set_clock(|| Utc::now() + chrono::Duration::days(2));
    let ahead = far
        .append(inc, None, "cy", note("from the future"))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        let conn = database_of_schema(6, &path, &events);
        // A note as an older build may have spelled it (its fields in
        // another order): synced on as it was.
        let last = events.last().unwrap();
        let spelled = format!(
            r#"{{"v":1,"id":"{}","incident":"{inc}","replica":"01JD0000000000000000000009","seq":1,"hlc":{{"ms":{},"c":0}},"at":"{}","author":"di","text":"older","kind":"note","note":"note"}}"#,
            crate::domain::ids::EventId::generate(),
            last.hlc.ms + 1,
            (last.at + chrono::Duration::milliseconds(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        );
        let older = Event::from_json(&spelled).unwrap();
        assert_ne!(older.to_json(), spelled);
        conn.execute(
            "INSERT INTO events (id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
             VALUES (?1, ?2, ?3, 1, ?4, 0, ?5, 'note', ?6)",
            rusqlite::params![
                older.id.to_string(),
                inc.to_string(),
                older.replica.to_string(),
                older.hlc.ms,
                older.at.timestamp_millis(),
                spelled
            ],
        )
        .unwrap();
        events.push(older);
        // Row ids with a gap, as a database that lost a row by hand has.
        conn.execute_batch(
            "UPDATE events SET rowid = rowid + 10 WHERE rowid > 3;
             INSERT INTO events (rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
                 VALUES (100, 'x', 'i', 'r', 1, 0, 0, 0, 'note', '{not json');
             INSERT INTO drafts VALUES ('note', '[[\"text\",\"half\"]]', 1000);
             INSERT INTO sync_targets VALUES ('file /shared.jsonl', 13);
             INSERT INTO sync_cursors VALUES ('file /shared.jsonl', '', 4096, 12, X'7D0A');",
        )
        .unwrap();
        event_row::insert_whole(&conn, "held_events", &ahead).unwrap();
    }
    let before: Vec<(i64, String, String)> = {
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare("SELECT rowid, id, json FROM events ORDER BY rowid")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };

    let s = Store::open(&path).unwrap();
    // What sync sends from each mark: the same rows, the same lines.
    let sent: Vec<(i64, String, String)> = s
        .events_after_rowid(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| (e.rowid, e.id, e.json))
        .collect();
    assert_eq!(sent, before);
    let state = s.sync_state("file /shared.jsonl").unwrap();
    assert_eq!(state.pushed_rowid, 13);
    assert_eq!(state.cursors[""].offset, 4096);
    let after_mark = s.events_after_rowid(state.pushed_rowid, 100).unwrap();
    assert_eq!(after_mark.len(), before.iter().filter(|b| b.0 > 13).count());
    // What is shown: the incident as the log folds, the unreadable row
    // left out and counted.
    let shown = s.incident(inc).unwrap().unwrap();
    assert_eq!(shown, Incident::fold(inc, &events).unwrap());
    assert_eq!(shown.timeline[1].text, "api 503s");
    assert!(shown.timeline[1].amended && shown.timeline[1].pinned);
    assert!(shown.timeline[2].redacted);
    assert_eq!(s.events(inc).unwrap(), events);
    assert_eq!(
        s.draft("note").unwrap().unwrap().values,
        [("text".to_string(), "half".to_string())]
    );
    assert_eq!(s.held().unwrap().map(|h| h.count), Some(1));
    // The event held back is let in when this clock gets there.
    let mut s = s;
    s.set_clock(|| Utc::now() + chrono::Duration::days(2));
    s.import(&[]).unwrap();
    let shown = s.incident(inc).unwrap().unwrap();
    assert_eq!(shown.timeline.last().unwrap().text, "from the future");
}

#[test]
fn a_database_of_schema_8_keeps_its_signatures_scrubs_and_quarantine() {
    // A signed log with a redacted (so scrubbed) note, as schema 8 kept it.
    let mut ana = Store::open_in_memory().unwrap();
    let inc = declare(&mut ana);
    let secret = ana.append(inc, None, "ana", note("token=hunter2")).unwrap();
    ana.append(inc, None, "ana", note("kept")).unwrap();
    let redact = EventKind::Redacted {
        target: secret.id,
        reason: "a pasted secret".into(),
    };
    ana.append(inc, None, "ana", redact).unwrap();
    let events = ana.events(inc).unwrap();
    assert!(events.iter().all(|e| e.seal.sig.is_some()));
    assert!(events[0].seal.key.is_some() && events[1].seal.prev.is_some());
    let tombstone = events.iter().find(|e| e.id == secret.id).unwrap().clone();
    assert!(tombstone.seal.scrubbed.is_some());
    let mut forged = events[1].clone();
    forged.id = crate::domain::ids::EventId::generate();
    forged.author = "mallory".into();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v8.db");
    {
        let conn = database_of_schema(8, &path, &events);
        seals::make_own_key(&conn).unwrap();
        let key = events[0].seal.key.unwrap().to_string();
        conn.execute(
            "INSERT INTO replica_keys VALUES (?1, ?2, 1, 0)",
            [ana.replica().to_string(), key],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO redactions VALUES (?1, ?2)",
            [secret.id.to_string(), inc.to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO scrubs (id) VALUES (?1)",
            [secret.id.to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO quarantine VALUES (?1, ?2, 'mallory', ?3, 'bad_signature', ?4, 5)",
            rusqlite::params![
                forged.id.to_string(),
                forged.replica.to_string(),
                inc.to_string(),
                forged.to_json()
            ],
        )
        .unwrap();
    }

    let mut s = Store::open(&path).unwrap();
    assert_eq!(version_of(&s), schema::latest().to_string());
    // Each line syncs on byte for byte, seals and tombstone included.
    let sent: Vec<String> = s
        .events_after_rowid(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.json)
        .collect();
    assert_eq!(sent, events.iter().map(Event::to_json).collect::<Vec<_>>());
    assert_eq!(s.events(inc).unwrap(), events);
    assert_eq!(s.incident(inc).unwrap(), ana.incident(inc).unwrap());
    assert_eq!(
        s.scrubbed_lines().unwrap().get(&secret.id),
        Some(&tombstone.to_json())
    );
    let verified = s.verify(None).unwrap();
    let writer = verified
        .writers
        .iter()
        .find(|w| w.replica == ana.replica())
        .unwrap();
    assert_eq!(writer.signed, events.len() as u64);
    assert!(writer.flawed.is_empty());
    assert_eq!(verified.kept_apart.len(), 1);
    // This replica signs what it writes next, as before the upgrade.
    let after = s.append(inc, None, "bo", note("after")).unwrap();
    assert!(after.seal.sig.is_some() && after.seal.key.is_some());
    let line = s.events_after_rowid(0, 100).unwrap().pop().unwrap().json;
    assert_eq!(line, after.to_json());
}

#[test]
fn a_database_of_schema_6_on_a_disk_that_cannot_be_written_still_shows_its_incidents() {
    let mut source = Store::open_in_memory().unwrap();
    let inc = declare(&mut source);
    source.append(inc, None, "ana", note("api 500s")).unwrap();
    let events = source.events(inc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        let conn = database_of_schema(6, &path, &events);
        conn.execute(
            "INSERT INTO events (id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
             VALUES ('x', ?1, 'r', 1, 0, 0, 0, 'note', '{not json')",
            [inc.to_string()],
        )
        .unwrap();
    }
    let s = Store::reading_only(&path, "its disk is full".into()).unwrap();
    assert_eq!(s.read_only(), Some("its disk is full"));
    assert_eq!(s.current().unwrap(), inc);
    let shown = s.incident(inc).unwrap().unwrap();
    assert_eq!(shown, Incident::fold(inc, &events).unwrap());
    assert_eq!(s.unreadable().map(|u| u.count), Some(1));
    assert_eq!(version_of(&s), "6", "left as it was");
}

#[test]
fn the_day_s_incidents_and_authors_leave_earlier_days_unread() {
    let mut s = Store::open_in_memory().unwrap();
    let day = |d: u32, h: u32| {
        DateTime::parse_from_rfc3339(&format!("2026-11-{d:02}T{h:02}:00:00Z"))
            .unwrap()
            .with_timezone(&Utc)
    };
    s.set_clock(move || day(22, 9));
    let yesterday = declare(&mut s);
    s.set_clock(move || day(23, 9));
    let today = declare(&mut s);
    s.append(today, None, "devi\u{1b}[2J", note("here"))
        .unwrap();
    let active: Vec<IncidentId> = s
        .incidents_active_since(day(23, 0))
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(active, [today], "yesterday's incident is not read");
    assert!(s.authored_since(yesterday, day(23, 0)).unwrap().is_empty());
    let who: Vec<String> = s
        .authored_since(today, day(23, 0))
        .unwrap()
        .into_iter()
        .map(|a| a.person)
        .collect();
    assert_eq!(
        who,
        ["ana", "devi"],
        "names cleaned as the fold cleans them"
    );
}
