use super::*;
use crate::domain::event::{EventKind, NoteKind};
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
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.execute_batch(schema::MIGRATIONS[1]).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('schema_version', '2'), ('replica', '01JD0000000000000000000000');
             INSERT INTO events (rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind, json)
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
    {
        let conn = Connection::open(&path).unwrap();
        for sql in &schema::MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO meta VALUES ('schema_version', '5'), ('replica', '01JD0000000000000000000000');",
        )
        .unwrap();
        for e in &events {
            write::insert_into(&conn, "events", e).unwrap();
        }
    }
    let s = Store::open(&path).unwrap();
    let version: String = s
        .connection()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, schema::latest().to_string());
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
            "UPDATE events SET json = replace(json, 'api 500s', 'api 503s')",
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
