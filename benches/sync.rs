//! Sync over a shared file at 100,000 events: importing them all into a
//! new database, and a sync with nothing new to do.

mod support;

use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fireground::domain::event::{EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::{Target, sync};

/// A shared file holding one incident's 100,000 events, as another
/// responder's sync would have written it.
fn shared_file(dir: &Path, events: usize) -> Target {
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
    let target = Target::File(dir.join("shared.jsonl"));
    sync(&mut source, &target).unwrap();
    target
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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
