//! Tests of the console: a real store in a temporary directory, a clock the
//! test moves, keys typed into the app, frames drawn on a test backend.

mod breaks;
mod copy;
mod drafts;
mod editing;
mod keys;
mod layout;
mod long;
mod paste;
mod render;
mod secrets;
mod settings;
mod steps;
mod traps;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::app::{App, Mode};
use super::form::Form;
use super::theme::Theme;
use super::view;
use crate::app::{Context, Options};
use crate::config::Config;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::IncidentId;
use crate::domain::input::declaration;
use crate::zone::Zone;

/// 2026-11-23 14:00 UTC, a Monday.
fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    clock: Arc<Mutex<DateTime<Utc>>>,
    app: App,
    id: Option<IncidentId>,
}

fn options(db: &std::path::Path, user: &str) -> Options {
    Options {
        db: Some(db.to_path_buf()),
        user: Some(user.to_string()),
        incident: None,
    }
}

fn context(db: &std::path::Path, clock: &Arc<Mutex<DateTime<Utc>>>) -> Context {
    let mut ctx = Context::open(&options(db, "ana")).unwrap();
    let c = Arc::clone(clock);
    ctx.store.set_clock(move || *c.lock().unwrap());
    ctx
}

impl Fixture {
    /// A console on an empty log, in UTC and in colour.
    fn empty() -> Fixture {
        let mut f = Fixture::configured(Config::empty());
        f.app.zone = Zone::Utc;
        f.app.theme = Theme {
            color: true,
            contrast: crate::config::Contrast::Default,
        };
        f
    }

    /// A console on an empty log, opened with `config` as the user's
    /// config file.
    fn configured(config: Config) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("fg.db");
        let clock = Arc::new(Mutex::new(t0()));
        let mut ctx = context(&db, &clock);
        ctx.set_config(config);
        let app = App::new(ctx).unwrap();
        Fixture {
            _dir: dir,
            db,
            clock,
            app,
            id: None,
        }
    }

    /// A console on a P1 incident ana declared at t0, with `events`
    /// recorded after it, one minute apart, by `author`.
    fn with(severity: &str, events: Vec<(&str, EventKind)>) -> Fixture {
        Fixture::empty().declared(severity, events)
    }

    /// This console with an incident ana declared at `severity` now, and
    /// `events` after it, one minute apart, by `author`.
    fn declared(self, severity: &str, events: Vec<(&str, EventKind)>) -> Fixture {
        let mut f = self;
        let id = IncidentId::generate();
        let pb = f.app.playbook.clone();
        let declared = declaration(&pb, "Checkout failing", Some(severity), "", "ana").unwrap();
        f.write(id, "ana", declared);
        for (author, kind) in events {
            f.advance(Duration::minutes(1));
            f.write(id, author, kind);
        }
        f.id = Some(id);
        f.app.update(super::Action::Tick);
        f
    }

    /// A console on a fresh P2 incident and nothing else.
    fn p2() -> Fixture {
        Fixture::with("P2", vec![])
    }

    /// Records as another process would: its own connection.
    fn write(&mut self, id: IncidentId, author: &str, kind: EventKind) {
        let mut ctx = Context::open(&options(&self.db, author)).unwrap();
        let now = self.now();
        ctx.store.set_clock(move || now);
        ctx.store.append(id, None, author, kind).unwrap();
    }

    fn now(&self) -> DateTime<Utc> {
        *self.clock.lock().unwrap()
    }

    /// Moves the clock and lets the console's timer see it.
    fn advance(&mut self, by: Duration) {
        let next = self.now() + by;
        *self.clock.lock().unwrap() = next;
        self.app.update(super::Action::Tick);
    }

    fn key(&mut self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE);
    }

    fn key_with(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.app
            .handle_event(TermEvent::Key(KeyEvent::new(code, modifiers)));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Every event of the incident now in the store.
    fn events(&self) -> Vec<Event> {
        self.app
            .context()
            .store
            .events(self.id.expect("an incident"))
            .unwrap()
    }

    fn kinds(&self) -> Vec<EventKind> {
        self.events()
            .iter()
            .filter_map(|e| e.known().cloned())
            .collect()
    }

    fn draw(&self, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| view::draw(f, &self.app)).unwrap();
        terminal.backend().buffer().clone()
    }
}

/// The form open on the console; a test fails when none is.
fn form(f: &Fixture) -> &Form {
    match &f.app.mode {
        Mode::Form(form) => form,
        other => panic!("expected a form, got {other:?}"),
    }
}

/// The buffer's text, one line per row.
fn text(buf: &Buffer) -> String {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where a text first appears: (x, y) of its first cell.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let first = needle.chars().next()?.to_string();
    let area = buf.area;
    for y in 0..area.height {
        for x in 0..area.width {
            if buf[(x, y)].symbol() != first {
                continue;
            }
            let mut s = String::new();
            let mut cx = x;
            while cx < area.width && s.chars().count() < needle.chars().count() {
                s.push_str(buf[(cx, y)].symbol());
                cx += 1;
            }
            if s == needle {
                return Some((x, y));
            }
        }
    }
    None
}
