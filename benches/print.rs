//! `fireground print` of a 100,000-event incident in each format, as the
//! command does it: streamed from a database, each entry rendered as its
//! row is read. Beside it, the steps it no longer takes (reading the whole
//! log, folding it, rendering from the incident held whole) for comparison.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fireground::cli::print_into;
use fireground::domain::incident::Incident;
use fireground::playbooks::Catalog;
use fireground::report::filter::Filter;
use fireground::report::{PrintOptions, Printout, text};
use fireground::store::Store;
use fireground::zone::Zone;

fn benches(c: &mut Criterion) {
    let size = support::size();
    let n = support::count(size);
    let (id, events) = support::incident_events(size);

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let store = {
        let mut store = Store::open(&db).unwrap();
        store.import(&events).unwrap();
        store
    };
    for format in ["text", "markdown", "html", "json"] {
        let (ctx, args) = support::printing(&db, &["--format", format, "--utc"]);
        c.bench_function(
            &format!("print {format} {n} streamed from the database"),
            |b| b.iter(|| print_into(&ctx, &args, &mut std::io::sink()).unwrap()),
        );
    }

    let catalog = Catalog::built_in();
    let playbook = catalog.get("default").unwrap();
    let inc = Incident::fold(id, &events).unwrap();
    let options = PrintOptions {
        zone: Zone::Utc,
        refs: false,
        filter: Filter::default(),
    };
    c.bench_function(&format!("read {n} events from SQLite"), |b| {
        b.iter(|| black_box(store.events(id).unwrap()))
    });
    c.bench_function(&format!("fold {n} events"), |b| {
        b.iter(|| black_box(Incident::fold(id, &events)))
    });
    c.bench_function(
        &format!("print text {n} from the incident held whole"),
        |b| b.iter(|| black_box(text::render(&Printout::new(&inc, playbook, &options)))),
    );
}

criterion_group! {
    name = print;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(print);
