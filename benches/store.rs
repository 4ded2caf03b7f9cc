//! Opening an incident of 100,000 events: reading the rows, and reading plus
//! folding them (what `status` and the console's first frame cost).

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
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
                .prepare_cached("SELECT id, json FROM events WHERE incident = ?1 ORDER BY at_ms")
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
    group.bench_function("load and fold (status)", |b| {
        b.iter(|| {
            store
                .incident(id)
                .expect("loads")
                .expect("declared")
                .timeline
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, open_large_incident);
criterion_main!(benches);
