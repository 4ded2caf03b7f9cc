//! A long history: a repository holding many incidents, and what a fresh
//! replica's first sync costs against it beside git alone fetching and
//! checking it out; then what one more event costs to push for a replica
//! that has written as many events as each of the repository's writers.
//!
//! ```text
//! cargo run --release --example long_history -- [INCIDENTS] [EVENTS] [REPLICAS] [COMMITS]
//! ```
//!
//! 1,000 incidents of 1,000 events by default, written by 10 replicas (an
//! incident each, in turn) and pushed in 10 commits.

#[path = "../benches/support/mod.rs"]
mod support;

use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use fireground::domain::clock::Hlc;
use fireground::domain::event::{Body, Event, EventKind, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};
use fireground::store::Store;
use fireground::sync::sync_with;
use support::{bare_repo, git, git_options};

/// The events of incident `n`, recorded by `replica`: declared, notes,
/// resolved.
fn incident(n: u64, events: u64, replica: ReplicaId, seq: &mut u64) -> Vec<Event> {
    let id = IncidentId::from_parts(1_600_000_000_000 + n * 86_400_000, n as u128 + 1);
    let start: DateTime<Utc> =
        DateTime::from_timestamp(1_600_000_000 + n as i64 * 86_400, 0).unwrap();
    (0..events)
        .map(|i| {
            let kind = match i {
                0 => EventKind::Declared {
                    title: format!("Incident {n}"),
                    severity: "sev2".into(),
                    summary: String::new(),
                    playbook: "default".into(),
                    commander: "ana".into(),
                    stage: "detect".into(),
                },
                i => EventKind::Note {
                    note: NoteKind::Note,
                    text: format!(
                        "incident {n}, entry {i}: checked the pool on db-{}; saturation {}%",
                        i % 7,
                        i % 100
                    ),
                },
            };
            let at = start + Duration::seconds(i as i64 * 3);
            *seq += 1;
            Event {
                v: 1,
                id: EventId::from_parts(
                    at.timestamp_millis() as u64,
                    (n as u128) << 32 | i as u128,
                ),
                incident: id,
                replica,
                seq: *seq,
                hlc: Hlc {
                    ms: at.timestamp_millis(),
                    c: 0,
                },
                at,
                author: "ana".into(),
                body: Body::Known(kind),
                seal: Default::default(),
            }
        })
        .collect()
}

fn secs(t: Instant) -> String {
    format!("{:.2} s", t.elapsed().as_secs_f64())
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let incidents = args.first().copied().unwrap_or(1_000);
    let events = args.get(1).copied().unwrap_or(1_000);
    let replicas = args.get(2).copied().unwrap_or(10);
    let commits = args.get(3).copied().unwrap_or(10).clamp(1, incidents);
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("incidents.git");
    let writer = root.path().join("writer");
    std::fs::create_dir_all(writer.join("events")).unwrap();
    let target = bare_repo(&repo);
    git(&writer, &["init", "-q", "-b", "main"]);
    git(
        &writer,
        &["remote", "add", "origin", repo.to_str().unwrap()],
    );

    // Writing the history.
    let t = Instant::now();
    let ids: Vec<ReplicaId> = (0..replicas)
        .map(|r| ReplicaId::from_parts(1, r as u128 + 1))
        .collect();
    let mut seqs = vec![0; replicas as usize];
    let per_commit = incidents.div_ceil(commits);
    for n in 0..incidents {
        let r = (n % replicas) as usize;
        let path = writer.join(format!("events/{}.jsonl", ids[r]));
        let mut file = std::fs::File::options()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        let mut text = String::new();
        for e in incident(n, events, ids[r], &mut seqs[r]) {
            text.push_str(&e.to_json());
            text.push('\n');
        }
        file.write_all(text.as_bytes()).unwrap();
        if (n + 1) % per_commit == 0 || n + 1 == incidents {
            git(&writer, &["add", "-A"]);
            git(
                &writer,
                &["commit", "-q", "-m", &format!("up to incident {n}")],
            );
        }
    }
    git(&writer, &["push", "-q", "origin", "main"]);
    git(&repo, &["gc", "-q"]);
    let total = incidents * events;
    let size: u64 = std::fs::read_dir(writer.join("events"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "{incidents} incidents of {events} events ({total} events, {:.0} MB of JSON Lines) \
         by {replicas} replicas in {commits} commits, written in {}",
        size as f64 / 1e6,
        secs(t)
    );

    // The floor: git alone fetching it into a new repository.
    let t = Instant::now();
    let fetched = root.path().join("fetched");
    git(root.path(), &["init", "-q", fetched.to_str().unwrap()]);
    git(&fetched, &["fetch", "-q", repo.to_str().unwrap(), "main"]);
    let fetch = secs(t);
    let t = Instant::now();
    git(&fetched, &["checkout", "-q", "FETCH_HEAD"]);
    println!("  git alone: fetch {fetch}, check out {}", secs(t));

    // A fresh replica's first sync.
    let fresh = root.path().join("fresh");
    let fresh_options = git_options(&fresh);
    let mut store = Store::open(&fresh.join("fireground.db")).unwrap();
    let t = Instant::now();
    let report = sync_with(&mut store, &target, &fresh_options).unwrap();
    assert_eq!(report.pulled as u64, total);
    println!(
        "  a fresh replica's first sync: {} for {} events",
        secs(t),
        report.pulled
    );
    let t = Instant::now();
    sync_with(&mut store, &target, &fresh_options).unwrap();
    println!("  its next sync, with nothing new: {}", secs(t));

    // What a push costs a replica that has written as many events as each
    // of those writers: each push adds a whole new version of its file.
    let own_target = bare_repo(&root.path().join("own.git"));
    let own_options = git_options(&root.path().join("own"));
    let mut own = Store::open(&root.path().join("own.db")).unwrap();
    let per_replica = total / replicas;
    let note = |i: u64| EventKind::Note {
        note: NoteKind::Note,
        text: format!(
            "entry {i}: checked the pool on db-{}; saturation {}%",
            i % 7,
            i % 100
        ),
    };
    // Taken in from elsewhere (a shared file, say) in one go, rather than
    // typed one at a time: sync sends them on all the same.
    let elsewhere = ReplicaId::from_parts(2, 1);
    let mut seq = 0;
    for n in 0..per_replica.div_ceil(events) {
        own.import_new(&incident(n, events.min(per_replica), elsewhere, &mut seq))
            .unwrap();
    }
    let id = IncidentId::from_parts(1, 1);
    let t = Instant::now();
    sync_with(&mut own, &own_target, &own_options).unwrap();
    println!("  a replica pushing its {per_replica} events: {}", secs(t));
    for round in 0..3 {
        own.append(id, None, "ana", note(round)).unwrap();
        let t = Instant::now();
        let report = sync_with(&mut own, &own_target, &own_options).unwrap();
        assert_eq!(report.pushed, 1);
        println!(
            "  then one more onto its file of {} events: {}",
            per_replica + round,
            secs(t)
        );
    }
}
