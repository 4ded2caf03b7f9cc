//! Sync at 100,000 events: importing them all from a shared file into a
//! new database, and a sync with nothing new to do, over a shared file and
//! over a git repository. Beside the no-op git sync, its floor: `git fetch`
//! in the same working copy, which any git sync has to run.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fireground::domain::event::{EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::{SyncOptions, Target, sync, sync_with};

/// A shared file holding one incident's 100,000 events, as another
/// responder's sync would have written it.
fn shared_file(dir: &Path, events: usize) -> Target {
    let mut source = one_incident(events);
    let target = Target::File(dir.join("shared.jsonl"));
    sync(&mut source, &target).unwrap();
    target
}

/// A store holding one incident of `events` events.
fn one_incident(events: usize) -> Store {
    let mut source = Store::open_in_memory().unwrap();
    let incident = IncidentId::generate();
    source
        .append(
            incident,
            None,
            "ana",
            EventKind::Declared {
                title: "Checkout failing".into(),
                severity: "sev1".into(),
                summary: String::new(),
                playbook: "default".into(),
                commander: "ana".into(),
                stage: "detect".into(),
            },
        )
        .unwrap();
    for i in 1..events {
        let kind = EventKind::Note {
            note: NoteKind::Note,
            text: format!("observation {i}: p99 latency on the checkout API is still above 2s"),
        };
        source.append(incident, None, "ana", kind).unwrap();
    }
    source
}

/// A bare repository that another responder's sync filled with one
/// incident's events.
fn git_repository(dir: &Path, events: usize) -> Target {
    let target = support::bare_repo(&dir.join("incidents.git"));
    let mut source = one_incident(events);
    sync_with(
        &mut source,
        &target,
        &support::git_options(&dir.join("source")),
    )
    .unwrap();
    target
}

/// The one working copy a sync made under `options`.
fn working_copy(options: &SyncOptions) -> PathBuf {
    std::fs::read_dir(options.data_dir.join("sync"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join(".git").is_dir())
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let events = support::size();
    let target = shared_file(dir.path(), events);
    let mut group = c.benchmark_group("sync");
    group.sample_size(10);

    let mut n = 0;
    group.bench_function("import 100k events from a shared file", |b| {
        b.iter_batched(
            || {
                n += 1;
                Store::open(&dir.path().join(format!("fresh-{n}.db"))).unwrap()
            },
            |mut store| {
                let report = sync(&mut store, &target).unwrap();
                assert_eq!(report.pulled, events);
                store
            },
            BatchSize::PerIteration,
        )
    });

    let mut synced = Store::open(&dir.path().join("synced.db")).unwrap();
    sync(&mut synced, &target).unwrap();
    group.bench_function("no-op sync against a 100k-event file", |b| {
        b.iter(|| {
            let report = sync(&mut synced, &target).unwrap();
            assert_eq!((report.pulled, report.pushed), (0, 0));
        })
    });

    let repo = git_repository(dir.path(), events);
    let options = support::git_options(&dir.path().join("replica"));
    let mut replica = Store::open(&dir.path().join("replica.db")).unwrap();
    sync_with(&mut replica, &repo, &options).unwrap();
    group.bench_function("no-op sync against a 100k-event git repository", |b| {
        b.iter(|| {
            let report = sync_with(&mut replica, &repo, &options).unwrap();
            assert_eq!((report.pulled, report.pushed), (0, 0));
        })
    });
    let copy = working_copy(&options);
    group.bench_function("git fetch in that sync's working copy (the floor)", |b| {
        b.iter(|| {
            let fetched = Command::new("git")
                .arg("-C")
                .arg(&copy)
                .args(["fetch", "-q", "--prune", "--no-tags", "origin"])
                .envs(options.git_env.iter().map(|(k, v)| (k, v)))
                .status()
                .unwrap();
            assert!(fetched.success());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
