//! The projection the database keeps is the fold: whatever the log holds
//! and in whatever order its events arrived (recorded here, backfilled,
//! synced late and out of order, corrected, held back for a clock far
//! ahead and let in later, the database closed and opened again), every
//! incident read from the store is the incident folded from its events.
//!
//! More cases: `PROPTEST_CASES=2000 cargo test --release --test projection`

mod common;

use chrono::{DateTime, Duration, Utc};
use common::config;
use fireground::domain::clock::Hlc;
use fireground::domain::command::Command;
use fireground::domain::decide::{Backfill, Situation, decide};
use fireground::domain::event::{Body, Event, EventKind, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};
use fireground::domain::incident::Incident;
use fireground::domain::secrets::Secrets;
use fireground::playbooks::Catalog;
use fireground::store::Store;
use proptest::prelude::*;

/// What an event says; targets are positions in the log being built, so
/// a correction may name an event that sorts or arrives after it, one of
/// another incident, or (past the end) none at all.
#[derive(Clone, Debug)]
enum Kind {
    Declare(u8),
    Note(u8),
    Severity(u8),
    Stage(u8),
    Assign(u8, u8),
    Release(u8),
    Can(u8),
    Update(u8),
    Impact(u8),
    Link(u8),
    Action(u8),
    Done(usize),
    Amend(usize, u8),
    Redact(usize),
    Pin(usize),
    Resolve,
    Reopen,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        1 => (0u8..3).prop_map(Kind::Declare),
        6 => any::<u8>().prop_map(Kind::Note),
        2 => (0u8..3).prop_map(Kind::Severity),
        2 => (0u8..3).prop_map(Kind::Stage),
        2 => (0u8..3, 0u8..3).prop_map(|(r, p)| Kind::Assign(r, p)),
        1 => (0u8..3).prop_map(Kind::Release),
        1 => any::<u8>().prop_map(Kind::Can),
        1 => any::<u8>().prop_map(Kind::Update),
        2 => any::<u8>().prop_map(Kind::Impact),
        1 => any::<u8>().prop_map(Kind::Link),
        1 => any::<u8>().prop_map(Kind::Action),
        1 => (0usize..48).prop_map(Kind::Done),
        2 => (0usize..48, any::<u8>()).prop_map(|(t, n)| Kind::Amend(t, n)),
        1 => (0usize..48).prop_map(Kind::Redact),
        1 => (0usize..48).prop_map(Kind::Pin),
        1 => Just(Kind::Resolve),
        1 => Just(Kind::Reopen),
    ]
}

/// An event from another replica: its kind, which incident, when (minutes
/// from the start; past five minutes ahead of the store's clock it is held
/// back) and whose.
#[derive(Clone, Debug)]
struct Remote {
    kind: Kind,
    incident: u8,
    minute: i16,
    replica: u8,
}

fn remote() -> impl Strategy<Value = Remote> {
    (kind(), 0u8..2, -90i16..80, 0u8..3).prop_map(|(kind, incident, minute, replica)| Remote {
        kind,
        incident,
        minute,
        replica,
    })
}

#[derive(Clone, Debug)]
enum Op {
    /// The next this-many remote events arrive, in one import.
    Import(usize),
    /// A change recorded here, now or backfilled this many minutes.
    Append(Kind, u8, Option<u8>),
    /// The store's clock moves on twenty minutes.
    Advance,
    /// The database is closed and opened again.
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1usize..8).prop_map(Op::Import),
        4 => (kind(), 0u8..2, prop::option::of(0u8..90)).prop_map(|(k, i, b)| Op::Append(k, i, b)),
        1 => Just(Op::Advance),
        1 => Just(Op::Reopen),
    ]
}

const PEOPLE: [&str; 3] = ["ana", "bo", "cy"];

fn event_kind(kind: &Kind, ids: &[EventId]) -> EventKind {
    let target = |t: &usize| {
        ids.get(*t)
            .copied()
            .unwrap_or_else(|| EventId::from_parts(7, *t as u128))
    };
    match kind {
        Kind::Declare(s) => EventKind::Declared {
            title: format!("title {s}"),
            severity: format!("P{s}"),
            summary: format!("summary {s}"),
            playbook: "default".into(),
            commander: PEOPLE[*s as usize].into(),
            stage: "detect".into(),
        },
        Kind::Note(n) => EventKind::Note {
            note: NoteKind::ALL[*n as usize % NoteKind::ALL.len()],
            text: format!("note {n}"),
        },
        Kind::Severity(s) => EventKind::SeverityChanged {
            severity: format!("P{s}"),
        },
        Kind::Stage(s) => EventKind::StageChanged {
            stage: ["detect", "mitigate", "recover"][*s as usize].into(),
        },
        Kind::Assign(r, p) => EventKind::RoleAssigned {
            role: ["commander", "comms", "tech"][*r as usize].into(),
            person: PEOPLE[*p as usize].into(),
        },
        Kind::Release(r) => EventKind::RoleReleased {
            role: ["commander", "comms", "tech"][*r as usize].into(),
        },
        Kind::Can(n) => EventKind::CanReport {
            conditions: format!("c{n}"),
            actions: format!("a{n}"),
            needs: format!("n{n}"),
            role: (n % 2 == 0).then(|| "tech".into()),
        },
        Kind::Update(n) => EventKind::UpdateSent {
            status: format!("status {n}"),
            impact: format!("impact {n}"),
            action: format!("action {n}"),
            next_update: None,
        },
        Kind::Impact(n) => EventKind::ImpactSet {
            affected: format!("customers {n}"),
            count: (n % 3 != 0).then_some(u64::from(*n) * 100),
            category: (n % 2 == 0).then(|| "deployment".into()),
        },
        Kind::Link(n) => EventKind::LinkAdded {
            label: format!("link {n}"),
            url: format!("https://example.com/{n}"),
        },
        Kind::Action(n) => EventKind::ActionItemAdded {
            text: format!("do {n}"),
            owner: Some(PEOPLE[*n as usize % 3].into()),
            due: None,
        },
        Kind::Done(t) => EventKind::ActionItemDone { item: target(t) },
        Kind::Amend(t, n) => EventKind::Amended {
            target: target(t),
            text: format!("amended {n}"),
        },
        Kind::Redact(t) => EventKind::Redacted {
            target: target(t),
            reason: "secret".into(),
        },
        Kind::Pin(t) => EventKind::Pinned { target: target(t) },
        Kind::Resolve => EventKind::Resolved {
            summary: "fixed".into(),
        },
        Kind::Reopen => EventKind::Reopened {
            reason: "again".into(),
        },
    }
}

fn incident_id(n: u8) -> IncidentId {
    IncidentId::from_parts(1_000 + u64::from(n), 0x5EED_0000 + u128::from(n))
}

/// The remote events, with ids spread so that short references differ.
fn remote_events(specs: &[Remote], start: DateTime<Utc>) -> Vec<Event> {
    let ids: Vec<EventId> = (0..specs.len())
        .map(|i| EventId::from_parts(1_000 + i as u64, (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15))
        .collect();
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = start + Duration::minutes(i64::from(s.minute));
            Event {
                v: 1,
                id: ids[i],
                incident: incident_id(s.incident),
                replica: ReplicaId::from_parts(9, u128::from(s.replica) + 1),
                seq: i as u64 + 1,
                hlc: Hlc {
                    ms: at.timestamp_millis(),
                    c: i as u32,
                },
                at,
                author: PEOPLE[s.replica as usize].into(),
                body: Body::Known(event_kind(&s.kind, &ids)),
                seal: Default::default(),
            }
        })
        .collect()
}

/// Every way the store gives an incident is the fold of its events.
fn check(store: &Store) -> Result<(), TestCaseError> {
    let mut summaries = Vec::new();
    for n in 0..2 {
        let id = incident_id(n);
        let log = store.events(id).unwrap();
        // Whatever order they came in, a redacted entry is stored scrubbed
        // (a redaction naming a correction hides nothing, and scrubs
        // nothing).
        for e in &log {
            if let Some(EventKind::Redacted { target, .. }) = e.known()
                && let Some(t) = log.iter().find(|t| t.id == *target)
                && t.known().is_none_or(|k| k.corrects().is_none())
            {
                prop_assert!(t.seal.scrubbed.is_some(), "{} is stored whole", t.id);
            }
        }
        let folded = Incident::fold(id, &log);
        let kept = store.incident(id).unwrap();
        prop_assert_eq!(&kept, &folded, "incident {}", n);
        prop_assert_eq!(
            store.incident_without_notes(id, None).unwrap(),
            folded.clone().map(|i| i.without_notes(None))
        );
        if let Some(inc) = &folded {
            // A reference to a note: kept, and any other note it matches.
            if let Some(e) = inc.timeline.iter().rev().find(|e| e.kind.is_note()) {
                let r = format!(" #{}", e.id.short());
                prop_assert_eq!(
                    store.incident_without_notes(id, Some(&r)).unwrap(),
                    Some(inc.clone().without_notes(Some(&r)))
                );
            }
            // The first screen: the newest few, and every entry but a note.
            let newest = 3;
            let n = inc.timeline.len();
            let mut first = inc.clone();
            first.timeline = inc
                .timeline
                .iter()
                .enumerate()
                .filter(|(i, e)| !e.kind.is_note() || i + newest >= n)
                .map(|(_, e)| e.clone())
                .collect();
            let left_out = n - first.timeline.len();
            prop_assert_eq!(
                store.incident_newest(id, newest).unwrap(),
                Some((first, left_out))
            );
            summaries.push(inc.summary());
        }
    }
    summaries.sort_by_key(|s| s.recency());
    prop_assert_eq!(store.incidents().unwrap(), summaries.clone());
    let open = summaries.iter().find(|s| !s.is_resolved()).map(|s| s.id);
    prop_assert_eq!(store.current().ok(), open);
    Ok(())
}

fn run(specs: &[Remote], ops: &[Op]) -> Result<(), TestCaseError> {
    // In memory where the system has it: every write waits for the disk.
    let shm = std::path::Path::new("/dev/shm");
    let dir = match shm.is_dir() {
        true => tempfile::tempdir_in(shm),
        false => tempfile::tempdir(),
    }
    .unwrap();
    let path = dir.path().join("projection.db");
    // Two hours ago: a reopened store, on the real clock, lets in every
    // event held back, while the store's own clock still holds them.
    let start = Utc::now() - Duration::hours(2);
    let mut now = start;
    let open = |now: DateTime<Utc>| {
        let mut store = Store::open(&path).unwrap();
        store.set_clock(move || now);
        store
    };
    let mut store = open(now);
    let remote = remote_events(specs, start);
    let mut queue = remote.iter();
    let mut known: Vec<EventId> = remote.iter().map(|e| e.id).collect();
    for op in ops {
        match op {
            Op::Import(n) => {
                let batch: Vec<&Event> = queue.by_ref().take(*n).collect();
                store.import(batch).unwrap();
            }
            Op::Append(kind, incident, backfill) => {
                let at = backfill.map(|m| now - Duration::minutes(i64::from(m)));
                let kind = event_kind(kind, &known);
                let e = store
                    .append(incident_id(*incident), at, "dee", kind)
                    .unwrap();
                known.push(e.id);
            }
            Op::Advance => {
                now += Duration::minutes(20);
                store.set_clock(move || now);
            }
            Op::Reopen => {
                drop(store);
                store = open(now);
            }
        }
        check(&store)?;
    }
    store.import(queue).unwrap();
    now += Duration::hours(3);
    store.set_clock(move || now);
    store.import(std::iter::empty::<&Event>()).unwrap();
    check(&store)?;
    prop_assert!(store.held().unwrap().is_none(), "everything let in");
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn every_incident_read_from_the_store_is_the_fold_of_its_log(
        declarations in prop::collection::vec(remote(), 2),
        specs in prop::collection::vec(remote(), 0..40),
        ops in prop::collection::vec(op(), 1..24),
    ) {
        // Both incidents are declared, at some point of the log.
        let declared = declarations.into_iter().enumerate().map(|(n, d)| Remote {
            kind: Kind::Declare(n as u8),
            incident: n as u8,
            ..d
        });
        let specs: Vec<Remote> = declared.chain(specs).collect();
        run(&specs, &ops)?;
    }
}

#[test]
fn a_change_synced_late_that_sorts_before_what_is_shown_still_decides_the_state() {
    let shared = tempfile::tempdir().unwrap();
    let file = shared.path().join("shared.jsonl");
    let file = file.to_str().unwrap();
    let (ana, bo) = (common::Sandbox::new(), common::Sandbox::new());
    ana.ok(&[
        "declare",
        "--severity",
        "P2",
        "--at",
        "-30m",
        "Checkout failing",
    ]);
    ana.ok(&["sync", file]);
    bo.ok(&["sync", file]);
    // Bo, off the network for a while, records what happened back then.
    bo.ok(&["severity", "P1", "--at", "-20m"]);
    bo.ok(&["log", "card errors since the deploy", "--at", "-25m"]);
    // Ana carries on meanwhile, and sees Bo's changes only now.
    ana.ok(&["log", "rolled back"]);
    ana.ok(&["stage", "mitigate"]);
    bo.ok(&["sync", file]);
    ana.ok(&["sync", file]);
    let status = ana.json(&["status", "--json"]);
    assert_eq!(status["severity"], "P1", "{status}");
    assert_eq!(status["stage"], "mitigate", "{status}");
    let timeline = ana.ok(&["print"]);
    let at = |text: &str| {
        timeline
            .find(text)
            .unwrap_or_else(|| panic!("{text}: {timeline}"))
    };
    assert!(
        at("card errors since the deploy") < at("rolled back"),
        "{timeline}"
    );
    assert!(at("P2 → P1") < at("rolled back"), "{timeline}");
    bo.ok(&["sync", file]);
    assert_eq!(bo.json(&["status", "--json"])["stage"], "mitigate");
}

/// A command, with the entry an amendment, a redaction or a pin names
/// given as a position in the timeline (past its end: no entry).
fn command(entries: usize) -> impl Strategy<Value = (u8, usize, u8, bool)> {
    (0u8..16, 0..entries + 2, any::<u8>(), any::<bool>())
}

fn to_command(what: u8, entry: usize, n: u8, inc: &Incident) -> Command {
    let entry = match inc.timeline.get(entry) {
        // A short ref as shown, or its first four characters.
        Some(e) if n.is_multiple_of(2) => format!("#{}", e.id.short()),
        Some(e) => e.id.short()[..4].to_string(),
        None => "zzzz".into(),
    };
    let s = |prefix: &str| format!("{prefix} {n}");
    match what {
        0 => Command::Note {
            kind: NoteKind::Decision,
            text: s("note"),
        },
        1 => Command::Assign {
            role: ["commander", "comms", "tech"][n as usize % 3].into(),
            person: PEOPLE[n as usize / 3 % 3].into(),
        },
        2 => Command::Release {
            role: ["commander", "comms", "tech"][n as usize % 3].into(),
        },
        3 => Command::Severity {
            level: format!("P{}", n % 3 + 1),
        },
        4 => Command::Stage {
            stage: ["detect", "mitigate", "assemble"][n as usize % 3].into(),
        },
        5 => Command::Can {
            conditions: s("c"),
            actions: s("a"),
            needs: s("n"),
            role: None,
        },
        6 => Command::Update {
            status: None,
            impact: None,
            action: None,
            next: None,
        },
        7 => Command::Link {
            label: s("l"),
            url: "https://example.com".into(),
        },
        8 => Command::FinishActionItem { item: entry },
        9 => Command::Tick {
            item: "1".into(),
            stage: None,
        },
        10 => Command::Amend {
            entry,
            text: s("amended"),
        },
        11 => Command::Redact {
            entry,
            reason: String::new(),
        },
        12 => Command::Pin { entry },
        13 => Command::Resolve {
            summary: String::new(),
        },
        14 => Command::Reopen {
            reason: String::new(),
        },
        _ => Command::AddActionItem {
            text: s("do"),
            owner: None,
            due: None,
        },
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// The door decides against the incident without its notes, save the
    /// entry the command names: the same decision as against all of it.
    #[test]
    fn a_command_is_decided_the_same_without_the_notes_it_does_not_name(
        declaration in remote(),
        specs in prop::collection::vec(remote(), 0..40),
        picks in prop::collection::vec(command(40), 1..8),
    ) {
        let declared = Remote { kind: Kind::Declare(1), incident: 0, ..declaration };
        let specs: Vec<Remote> = std::iter::once(declared).chain(specs).collect();
        let start = Utc::now() - Duration::hours(2);
        let events = remote_events(&specs, start);
        let full = Incident::fold(incident_id(0), &events).unwrap();
        let playbook = Catalog::fallback();
        for (what, entry, n, backfilled) in picks {
            let command = to_command(what, entry, n, &full);
            let now = start + Duration::hours(2);
            let backfill = backfilled.then(|| Backfill {
                typed: "-5m".into(),
                at: now - Duration::minutes(5),
            });
            let view = full.clone().without_notes(command.names_entry());
            let decided = |incident: &Incident| {
                decide(
                    &Situation {
                        incident: Some(incident),
                        playbook: &playbook,
                        actor: "ana",
                        now,
                        backfill: backfill.clone(),
                        secrets: Secrets::Refuse,
                    },
                    &command,
                )
            };
            prop_assert_eq!(decided(&view), decided(&full), "{:?}", command);
        }
    }
}
