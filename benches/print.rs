//! `fireground print` of a 100,000-event incident in each format, and the
//! steps before rendering (reading the log, folding it) for comparison.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fireground::domain::incident::Incident;
use fireground::playbooks::Catalog;
use fireground::report::filter::Filter;
use fireground::report::{PrintOptions, Printout, html, json, markdown, text};
use fireground::store::Store;
use fireground::zone::Zone;

fn benches(c: &mut Criterion) {
    let (id, events) = support::incident_events(support::size());
    let catalog = Catalog::built_in();
    let playbook = catalog.get("default").unwrap();
    let inc = Incident::fold(id, &events).unwrap();
    let options = PrintOptions {
        zone: Zone::Utc,
        refs: false,
        filter: Filter::default(),
    };

    let mut store = Store::open_in_memory().unwrap();
    store.import(&events).unwrap();
    c.bench_function("read 100k events from SQLite", |b| {
        b.iter(|| black_box(store.events(id).unwrap()))
    });
    c.bench_function("fold 100k events", |b| {
        b.iter(|| black_box(Incident::fold(id, &events)))
    });
    c.bench_function("review of 100k events", |b| {
        b.iter(|| black_box(Printout::new(&inc, playbook, &options)))
    });
    c.bench_function("print text 100k", |b| {
        b.iter(|| black_box(text::render(&Printout::new(&inc, playbook, &options))))
    });
    c.bench_function("print markdown 100k", |b| {
        b.iter(|| black_box(markdown::render(&Printout::new(&inc, playbook, &options))))
    });
    c.bench_function("print html 100k", |b| {
        b.iter(|| black_box(html::render(&Printout::new(&inc, playbook, &options))))
    });
    c.bench_function("print json 100k", |b| {
        b.iter(|| {
            black_box(json::render(
                &Printout::new(&inc, playbook, &options),
                &events,
            ))
        })
    });
}

criterion_group! {
    name = print;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(print);
