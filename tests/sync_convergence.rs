//! Convergence: three responders write and sync in any interleaving, with
//! skewed clocks and backfilled times; once everyone has synced twice, all
//! three databases hold the same events in the same order and show the
//! same incident. Proved for both transports.

mod common;

use chrono::{Duration, Utc};
use common::{bare_repo, declare, options};
use fireground::domain::event::{EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::{SyncOptions, Target, sync_with};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Change {
    Note(u8),
    Severity(u8),
    Assign {
        role: u8,
        person: u8,
    },
    Stage(u8),
    /// A note about something that happened this many minutes ago.
    Backfill(u8),
}

#[derive(Clone, Debug)]
enum Op {
    Write(usize, Change),
    Sync(usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        any::<u8>().prop_map(Change::Note),
        (0u8..3).prop_map(Change::Severity),
        (0u8..2, 0u8..4).prop_map(|(role, person)| Change::Assign { role, person }),
        (0u8..3).prop_map(Change::Stage),
        (1u8..90).prop_map(Change::Backfill),
    ]
}

fn ops(max: usize) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            3 => (0usize..3, change()).prop_map(|(who, c)| Op::Write(who, c)),
            2 => (0usize..3).prop_map(Op::Sync),
        ],
        1..max,
    )
}

const NAMES: [&str; 4] = ["ana", "bo", "cy", "dee"];

fn apply(store: &mut Store, incident: IncidentId, who: usize, change: &Change) {
    let author = NAMES[who];
    let mut at = None;
    let kind = match change {
        Change::Note(n) => EventKind::Note {
            note: NoteKind::Note,
            text: format!("{author} note {n}"),
        },
        Change::Severity(s) => EventKind::SeverityChanged {
            severity: format!("sev{s}"),
        },
        Change::Assign { role, person } => EventKind::RoleAssigned {
            role: ["ic", "scribe"][*role as usize].into(),
            person: NAMES[*person as usize].into(),
        },
        Change::Stage(s) => EventKind::StageChanged {
            stage: ["detect", "mitigate", "recover"][*s as usize].into(),
        },
        Change::Backfill(minutes) => {
            at = Some(store.now() - Duration::minutes(i64::from(*minutes)));
            EventKind::Note {
                note: NoteKind::Action,
                text: format!("{author} backfilled {minutes}m"),
            }
        }
    };
    store.append(incident, at, author, kind).unwrap();
}

/// Runs a scenario and checks that everyone ends up the same.
fn converge(ops: &[Op], target: &Target, options: &SyncOptions) -> Result<(), TestCaseError> {
    let mut stores: Vec<Store> = (0..3).map(|_| Store::open_in_memory().unwrap()).collect();
    // One clock two minutes ahead, one two minutes behind: as far apart as
    // clocks may be before one holds the other's events back (its own
    // fault test shows that).
    stores[1].set_clock(|| Utc::now() + Duration::minutes(2));
    stores[2].set_clock(|| Utc::now() - Duration::minutes(2));
    let incident = declare(&mut stores[0], "ana");
    for s in stores.iter_mut() {
        sync_with(s, target, options).unwrap();
    }
    for op in ops {
        match op {
            Op::Write(who, c) => apply(&mut stores[*who], incident, *who, c),
            Op::Sync(who) => {
                sync_with(&mut stores[*who], target, options).unwrap();
            }
        }
    }
    for _ in 0..2 {
        for s in stores.iter_mut() {
            sync_with(s, target, options).unwrap();
        }
    }
    let written = 1 + ops.iter().filter(|o| matches!(o, Op::Write(..))).count();
    let first = stores[0].events(incident).unwrap();
    prop_assert_eq!(first.len(), written, "no event lost");
    let state = stores[0].incident(incident).unwrap();
    prop_assert!(state.is_some());
    for s in &stores[1..] {
        prop_assert_eq!(&s.events(incident).unwrap(), &first);
        prop_assert_eq!(&s.incident(incident).unwrap(), &state);
    }
    // And one more round moves nothing.
    for s in stores.iter_mut() {
        let r = sync_with(s, target, options).unwrap();
        prop_assert_eq!((r.pulled, r.pushed), (0, 0));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_over_a_shared_file(ops in ops(30)) {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::File(dir.path().join("shared.jsonl"));
        converge(&ops, &target, &options(dir.path()))?;
    }
}

proptest! {
    // Each git sync runs several git commands; fewer, shorter cases.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_over_git(ops in ops(16)) {
        let dir = tempfile::tempdir().unwrap();
        let repo = bare_repo(dir.path());
        let target = Target::Git(repo.to_string_lossy().into_owned());
        converge(&ops, &target, &options(dir.path()))?;
    }
}
