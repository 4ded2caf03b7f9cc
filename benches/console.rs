//! The console at 100,000 events in one incident: opening it (fold from
//! SQLite to the first frame), a key press that moves the selection and
//! redraws, and the idle tick that finds nothing changed.

use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use fireground::cli::{Cli, Context};
use fireground::domain::clock::Hlc;
use fireground::domain::event::{Body, Event, EventKind, FORMAT_VERSION, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};
use fireground::tui::{Action, App, view};

const EVENTS: usize = 100_000;

fn event(incident: IncidentId, replica: ReplicaId, n: usize, kind: EventKind) -> Event {
    let start: DateTime<Utc> = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let at = start + Duration::seconds(n as i64);
    Event {
        v: FORMAT_VERSION,
        id: EventId::from_parts(at.timestamp_millis() as u64, n as u128),
        incident,
        replica,
        seq: n as u64 + 1,
        hlc: Hlc {
            ms: at.timestamp_millis(),
            c: 0,
        },
        at,
        author: ["ana", "bo", "maria", "devi"][n % 4].to_string(),
        body: Body::Known(kind),
    }
}

/// A database holding one incident of `EVENTS` events.
fn seeded(dir: &std::path::Path) -> Cli {
    let cli = Cli::parse_from([
        "fireground",
        "--db",
        dir.join("bench.db").to_str().unwrap(),
        "--as",
        "ana",
    ]);
    let mut ctx = Context::open(&cli).unwrap();
    let incident = IncidentId::generate();
    let replica = ReplicaId::generate();
    let mut events = vec![event(
        incident,
        replica,
        0,
        EventKind::Declared {
            title: "Checkout failing".into(),
            severity: "P1".into(),
            summary: String::new(),
            playbook: "default".into(),
            commander: "ana".into(),
            stage: "detect".into(),
        },
    )];
    for n in 1..EVENTS {
        let kind = match n % 50 {
            0 => EventKind::CanReport {
                conditions: "errors at 1%".into(),
                actions: "watching".into(),
                needs: "nothing".into(),
                role: Some("tech".into()),
            },
            1 => EventKind::RoleAssigned {
                role: "scribe".into(),
                person: format!("person{}", n % 40),
            },
            _ => EventKind::Note {
                note: NoteKind::ALL[n % 6],
                text: format!("entry {n}: the pool is at {} of 500 connections", n % 500),
            },
        };
        events.push(event(incident, replica, n, kind));
    }
    ctx.store.import(&events).unwrap();
    cli
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cli = seeded(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    c.bench_function("console: open 100k events to the first frame", |b| {
        b.iter(|| {
            let app = App::new(Context::open(&cli).unwrap()).unwrap();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });

    let mut app = App::new(Context::open(&cli).unwrap()).unwrap();
    let up = TermEvent::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE));
    c.bench_function("console: key press and redraw at 100k events", |b| {
        b.iter(|| {
            app.handle_event(up.clone());
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });

    c.bench_function("console: idle tick and redraw at 100k events", |b| {
        b.iter(|| {
            app.update(Action::Tick);
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
