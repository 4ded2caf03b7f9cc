//! The console at 100,000 events in one incident: opening it (from the
//! projection to the first frame, and on to the whole timeline loaded), a
//! key press that moves the selection and redraws, the idle tick that
//! finds nothing changed, and a note saved.

mod support;

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use fireground::app::Context;
use fireground::cli::Cli;
use fireground::tui::{Action, App, view};

/// A database holding the benchmarks' large incident.
fn seeded(dir: &std::path::Path) -> Cli {
    let cli = Cli::parse_from([
        "fireground",
        "--db",
        dir.join("bench.db").to_str().unwrap(),
        "--as",
        "ana",
    ]);
    let mut ctx = Context::open(&cli.options(&fireground::config::Config::empty())).unwrap();
    let (_, events) = support::incident_events(support::size());
    ctx.store.import(&events).unwrap();
    cli
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cli = seeded(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    c.bench_function("console: open 100k events to the first frame", |b| {
        b.iter(|| {
            let app = App::new(
                Context::open(&cli.options(&fireground::config::Config::empty())).unwrap(),
            )
            .unwrap();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });

    c.bench_function("console: open 100k events, then the whole timeline", |b| {
        b.iter(|| {
            let mut app = App::new(
                Context::open(&cli.options(&fireground::config::Config::empty())).unwrap(),
            )
            .unwrap();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
            app.load_older();
            terminal.draw(|f| view::draw(f, &app)).unwrap();
        })
    });

    let mut app =
        App::new(Context::open(&cli.options(&fireground::config::Config::empty())).unwrap())
            .unwrap();
    app.load_older();
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

    // A note typed and saved: one key opens the form, one letter, Enter
    // records it through the door and the console shows the result.
    let key = |code| TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE));
    c.bench_function("console: save a note and redraw at 100k events", |b| {
        b.iter(|| {
            for code in [KeyCode::Char('n'), KeyCode::Char('x'), KeyCode::Enter] {
                app.handle_event(key(code));
            }
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
