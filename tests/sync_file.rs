//! Sync over a shared file: idempotence, incremental reads, torn and bad
//! lines, a lost write healing, and clock skew.

mod common;

use std::io::Write;
use std::path::PathBuf;

use chrono::{Duration, Utc};
use common::{declare, note, notes, order};
use fireground::domain::event::EventKind;
use fireground::store::Store;
use fireground::sync::{Target, remembered_target, sync};

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

/// A place for a shared file that does not exist yet.
fn shared_file() -> (tempfile::TempDir, PathBuf, Target) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.jsonl");
    let target = Target::File(path.clone());
    (dir, path, target)
}

#[test]
fn syncing_again_or_importing_the_same_file_twice_changes_nothing() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    note(&mut a, inc, "ana", "payments 500s");
    let first = sync(&mut a, &target).unwrap();
    assert_eq!((first.pulled, first.pushed), (0, 2));
    let again = sync(&mut a, &target).unwrap();
    assert_eq!((again.pulled, again.pushed), (0, 0));
    let bytes = std::fs::read(&path).unwrap();

    let pulled = sync(&mut b, &target).unwrap();
    assert_eq!((pulled.pulled, pulled.pushed), (2, 0));
    assert_eq!(
        pulled.to_string(),
        "pulled 2 events from 1 replica (2 by ana), pushed 0"
    );
    let state = b.incident(inc).unwrap();
    let replay = sync(&mut b, &target).unwrap();
    assert_eq!((replay.pulled, replay.pushed), (0, 0));
    assert_eq!(b.incident(inc).unwrap(), state);
    assert_eq!(b.event_count().unwrap(), 2);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "nothing was written twice"
    );

    // A fresh database reading the whole file twice over (its cursor
    // forgotten) still ends up with the same two events.
    let mut c = store();
    sync(&mut c, &target).unwrap();
    c.save_sync_state(&target.key(), &Default::default())
        .unwrap();
    let twice = sync(&mut c, &target).unwrap();
    assert_eq!((twice.pulled, twice.pushed), (0, 0));
    assert_eq!(c.incident(inc).unwrap(), state);
}

#[test]
fn the_target_is_remembered_per_database() {
    let (_dir, _, target) = shared_file();
    let mut a = store();
    assert_eq!(remembered_target(&a).unwrap(), None);
    sync(&mut a, &target).unwrap();
    assert_eq!(remembered_target(&a).unwrap(), Some(target));
    assert_eq!(remembered_target(&store()).unwrap(), None);
}

#[test]
fn a_sync_with_nothing_new_reads_only_past_its_cursor() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    notes(&mut a, inc, "ana", 20);
    sync(&mut a, &target).unwrap();
    sync(&mut b, &target).unwrap();
    // Spoil the first line in place. A sync that read the file from the
    // start would warn about it; an incremental one never looks there.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] = b'#';
    std::fs::write(&path, &bytes).unwrap();
    let report = sync(&mut b, &target).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!((report.pulled, report.pushed), (0, 0));
}

#[test]
fn a_torn_last_line_is_read_once_it_is_complete() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    let late = note(&mut a, inc, "ana", "written in two halves");
    sync(&mut a, &target).unwrap();
    // Keep only the first line; write the second in two steps, as a
    // writer (holding the lock) caught mid-line would.
    let text = std::fs::read_to_string(&path).unwrap();
    let (first, second) = text.split_once('\n').unwrap();
    std::fs::write(&path, format!("{first}\n{}", &second[..30])).unwrap();
    let mut writer = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    writer.lock().unwrap();

    // b has nothing to write, so it reads without waiting for the writer.
    let report = sync(&mut b, &target).unwrap();
    assert_eq!(report.pulled, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    writer.write_all(&second.as_bytes()[30..]).unwrap();
    writer.unlock().unwrap();
    let report = sync(&mut b, &target).unwrap();
    assert_eq!(report.pulled, 1, "the completed line is read");
    assert!(order(&b, inc).contains(&late.id.to_string()));
}

#[test]
fn a_line_torn_by_a_crash_is_skipped_with_a_warning_and_writers_carry_on() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b, mut c) = (store(), store(), store());
    let inc = declare(&mut a, "ana");
    sync(&mut a, &target).unwrap();
    // A writer died half-way through a line.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(br#"{"v":1,"id":"01J"#).unwrap();
    drop(f);
    note(&mut b, inc, "bo", "db failover started");
    let report = sync(&mut b, &target).unwrap();
    assert_eq!((report.pulled, report.pushed), (1, 1));

    let report = sync(&mut c, &target).unwrap();
    assert_eq!(report.pulled, 2, "both good events arrive");
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let w = report.warnings[0].to_string();
    assert!(w.contains("shared.jsonl line 2: skipped"), "{w}");
    assert_eq!(order(&c, inc), order(&b, inc));
}

#[test]
fn a_corrupted_file_never_stops_the_good_events_nor_harms_the_database() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    notes(&mut a, inc, "ana", 5);
    sync(&mut a, &target).unwrap();
    let mine = declare(&mut b, "bo");
    note(&mut b, mine, "bo", "my own incident");
    let before = b.incident(mine).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = "\u{1b}]0;pwned\u{7} not json".into();
    lines[4].truncate(40);
    lines.insert(1, r#"{"v":1,"id":"nope"}"#.into());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let report = sync(&mut b, &target).unwrap();
    assert_eq!(report.pulled, 4, "the four good lines of six are imported");
    let lines: Vec<u64> = report.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, vec![2, 4, 6]);
    for w in &report.warnings {
        assert!(!w.to_string().contains('\u{1b}'), "{w:?}");
    }
    assert_eq!(b.incident(mine).unwrap(), before, "local state untouched");
    assert_eq!(b.event_count().unwrap(), 2 + 4);
    // b's own events went out despite the bad lines, whole.
    let mut c = store();
    let report = sync(&mut c, &target).unwrap();
    assert_eq!(report.pulled, 6);
}

#[test]
fn a_lost_write_heals_when_the_file_is_replaced_or_truncated() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    sync(&mut a, &target).unwrap();
    let old = std::fs::read(&path).unwrap();
    notes(&mut a, inc, "ana", 3);
    sync(&mut a, &target).unwrap();

    // The share restores an older copy: a's last three events are gone.
    std::fs::write(&path, &old).unwrap();
    let report = sync(&mut a, &target).unwrap();
    assert_eq!(report.pushed, 3, "a notices and writes them again");
    assert_eq!(sync(&mut b, &target).unwrap().pulled, 4);

    // Emptied altogether: everything is written again, once.
    std::fs::write(&path, b"").unwrap();
    assert_eq!(sync(&mut a, &target).unwrap().pushed, 4);
    assert_eq!(sync(&mut b, &target).unwrap().pushed, 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
}

#[test]
fn a_replica_minutes_ahead_does_not_reorder_what_others_record_after_it() {
    let (_dir, _, target) = shared_file();
    let (mut fast, mut b) = (store(), store());
    // Within the skew every replica tolerates (further ahead is held back).
    fast.set_clock(|| Utc::now() + Duration::minutes(4));
    let inc = declare(&mut b, "bo");
    sync(&mut b, &target).unwrap();
    sync(&mut fast, &target).unwrap();
    // fay's laptop runs four minutes ahead; she raises the severity.
    let ahead = fast
        .append(
            inc,
            None,
            "fay",
            EventKind::SeverityChanged {
                severity: "sev1".into(),
            },
        )
        .unwrap();
    sync(&mut fast, &target).unwrap();
    sync(&mut b, &target).unwrap();
    // bo sees it, then lowers it again and notes why: both recorded after
    // seeing fay's change, so both come after it, and bo's change wins.
    let lowered = b
        .append(
            inc,
            None,
            "bo",
            EventKind::SeverityChanged {
                severity: "sev2".into(),
            },
        )
        .unwrap();
    let why = note(&mut b, inc, "bo", "only one region affected");
    sync(&mut b, &target).unwrap();
    sync(&mut fast, &target).unwrap();
    for s in [&fast, &b] {
        assert_eq!(s.incident(inc).unwrap().unwrap().severity, "sev2");
        let ids = order(s, inc);
        let pos = |id: &fireground::domain::ids::EventId| {
            ids.iter().position(|x| *x == id.to_string()).unwrap()
        };
        assert!(pos(&ahead.id) < pos(&lowered.id));
        assert!(pos(&lowered.id) < pos(&why.id));
    }
    assert_eq!(order(&fast, inc), order(&b, inc));
}

#[test]
fn a_backfilled_time_sorts_by_when_it_happened_on_every_replica() {
    let (_dir, _, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    let now_note = note(&mut a, inc, "ana", "rolled back");
    sync(&mut a, &target).unwrap();
    sync(&mut b, &target).unwrap();
    // Recorded later by b, but it happened before the rollback.
    let earlier = b
        .append(
            inc,
            Some(now_note.at - Duration::minutes(10)),
            "bo",
            EventKind::Note {
                note: fireground::domain::event::NoteKind::Action,
                text: "deploy 42 went out".into(),
            },
        )
        .unwrap();
    sync(&mut b, &target).unwrap();
    sync(&mut a, &target).unwrap();
    for s in [&a, &b] {
        let tl = s.incident(inc).unwrap().unwrap().timeline;
        let texts: Vec<&str> = tl.iter().map(|e| e.text.as_str()).collect();
        let pos = |t: &str| texts.iter().position(|x| *x == t).unwrap();
        assert!(pos("deploy 42 went out") < pos("rolled back"), "{texts:?}");
        assert!(tl.iter().any(|e| e.id == earlier.id));
    }
    assert_eq!(order(&a, inc), order(&b, inc));
}

#[test]
fn a_missing_folder_is_one_sentence_saying_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::File(dir.path().join("no/such/shared.jsonl"));
    let err = sync(&mut store(), &target).unwrap_err().to_string();
    assert!(err.contains("its folder does not exist"), "{err}");
    assert!(err.ends_with("check the path and its permissions"), "{err}");
}

#[test]
fn a_sync_with_nothing_new_writes_nothing_to_the_database() {
    let (dir, _, target) = shared_file();
    let db = dir.path().join("a.db");
    let mut a = Store::open(&db).unwrap();
    let inc = declare(&mut a, "ana");
    note(&mut a, inc, "ana", "one");
    sync(&mut a, &target).unwrap();
    // Another connection (the console's) sees no change, so it has nothing
    // to redraw.
    let watcher = Store::open(&db).unwrap();
    let version = watcher.data_version().unwrap();
    sync(&mut a, &target).unwrap();
    assert_eq!(watcher.data_version().unwrap(), version);
    note(&mut a, inc, "ana", "two");
    assert_ne!(watcher.data_version().unwrap(), version);
}

#[test]
fn a_half_written_draft_never_leaves_the_laptop_it_was_typed_on() {
    let (_dir, path, target) = shared_file();
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    let draft = vec![("text".to_string(), "token=hunter2 maybe".to_string())];
    a.save_draft(&format!("note:{inc}"), &draft).unwrap();
    sync(&mut a, &target).unwrap();
    sync(&mut b, &target).unwrap();
    let shared = std::fs::read_to_string(&path).unwrap();
    assert!(!shared.contains("hunter2"), "{shared}");
    assert!(b.draft(&format!("note:{inc}")).unwrap().is_none());
    assert_eq!(
        a.draft(&format!("note:{inc}")).unwrap().unwrap().values,
        draft
    );
}
