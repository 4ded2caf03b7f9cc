//! Opening an incident of 100,000 events: reading the rows, folding them,
//! and reading the state the projection keeps (what `status` and the
//! console's first frame cost); recording one note on an incident of 100
//! events and of 100,000 (through the door, as `fireground log` does); and
//! listing a history of 2,000 incidents.

mod support;

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fireground::app::{Command, Context, Options, Secrets};
use fireground::domain::event::NoteKind;
use fireground::domain::incident::Incident;
use fireground::store::Store;

fn open_large_incident(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bench.db");
    let (id, events) = support::incident_events(support::size());
    {
        let mut store = Store::open(&path).expect("opens");
        store.import(&events).expect("imports");
    }
    let store = Store::open(&path).expect("opens");
    let mut group = c.benchmark_group("100k events");
    group.sample_size(10);
    group.bench_function("read rows (SQL only)", |b| {
        b.iter(|| {
            let conn = store.connection();
            let mut stmt = conn
                .prepare_cached("SELECT id, body FROM event_log WHERE incident = ?1 ORDER BY at_ms")
                .expect("prepares");
            let rows = stmt
                .query_map([id.to_string()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .expect("queries");
            rows.map(|r| r.expect("reads").1.len()).sum::<usize>()
        })
    });
    group.bench_function("load events", |b| {
        b.iter(|| store.events(id).expect("loads").len())
    });
    let loaded = store.events(id).expect("loads");
    group.bench_function("fold", |b| {
        b.iter(|| {
            Incident::fold(id, &loaded)
                .expect("declared")
                .timeline
                .len()
        })
    });
    group.bench_function("read the projection (console)", |b| {
        b.iter(|| {
            store
                .incident(id)
                .expect("loads")
                .expect("declared")
                .timeline
                .len()
        })
    });
    group.bench_function("read the projection without notes (status)", |b| {
        b.iter(|| {
            store
                .incident_without_notes(id, None)
                .expect("loads")
                .expect("declared")
                .timeline
                .len()
        })
    });
    group.finish();
}

/// A database at `path` holding `events`, and the door onto it.
fn door(path: &Path, events: &[fireground::domain::event::Event]) -> Context {
    Store::open(path)
        .expect("opens")
        .import(events)
        .expect("imports");
    let options = Options {
        db: Some(path.to_path_buf()),
        user: Some("ana".into()),
        incident: None,
    };
    Context::open(&options).expect("opens")
}

/// One note through the door, as `fireground log` records it: the same on
/// a short incident and a long one.
fn log_one_note(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut group = c.benchmark_group("log");
    group.sample_size(20);
    for size in [100, support::size()] {
        let path = dir.path().join(format!("log{size}.db"));
        let mut ctx = door(&path, &support::incident_events(size).1);
        group.bench_function(format!("one note at {size} events"), |b| {
            b.iter(|| {
                let note = Command::Note {
                    kind: NoteKind::Note,
                    text: "checked the pool again".into(),
                };
                ctx.execute(None, note, None, Secrets::Refuse)
                    .expect("recorded")
            })
        });
    }
    group.finish();
}

/// `fireground list` on a long history: 2,000 incidents of 100 events
/// (20 when the suite runs the benchmarks once).
fn list_history(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let incidents = support::size() / 50;
    let path = dir.path().join("history.db");
    let ctx = door(&path, &support::many_incidents(incidents, 100));
    let mut group = c.benchmark_group("list");
    group.sample_size(20);
    group.bench_function(format!("{incidents} incidents of 100 events"), |b| {
        b.iter(|| ctx.store.incidents().expect("lists").len())
    });
    group.bench_function(format!("current of {incidents} incidents"), |b| {
        b.iter(|| ctx.store.current_or_latest().expect("one"))
    });
    group.finish();
}

/// Importing a whole incident into a new database, its events signed and
/// chained (each judged: digest, link, signature) beside the same events
/// as a build that did not sign wrote them: the cost of trust.
fn import_signed(c: &mut Criterion) {
    let (_, signed) = support::incident_events(support::size());
    let (_, unsigned) = support::unsigned_incident_events(support::size());
    let mut group = c.benchmark_group(format!("import {}", support::count(signed.len())));
    group.sample_size(10);
    for (name, events) in [
        ("unsigned (floor)", &unsigned),
        ("signed and chained", &signed),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || Store::open_in_memory().expect("opens"),
                |mut store| store.import(events).expect("imports"),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    open_large_incident,
    log_one_note,
    list_history,
    import_signed
);
criterion_main!(benches);
