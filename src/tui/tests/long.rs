//! A long incident: the console opens on its newest entries and has the
//! whole timeline before it reads a key.

use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;

use super::*;
use crate::domain::event::NoteKind;
use crate::store::Store;

#[test]
fn a_long_incident_opens_on_its_newest_entries_and_scrolls_back_to_its_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fg.db");
    let clock = Arc::new(Mutex::new(t0()));
    let id = IncidentId::generate();
    {
        let mut store = Store::open(&db).unwrap();
        store.set_clock(t0);
        let pb = crate::playbooks::Catalog::fallback();
        let declared = declaration(&pb, "Checkout failing", Some("P1"), "", "ana").unwrap();
        store.append(id, None, "ana", declared).unwrap();
        for n in 1..=1_000 {
            let note = EventKind::Note {
                note: NoteKind::Note,
                text: format!("reading {n}"),
            };
            store.append(id, None, "bo", note).unwrap();
        }
    }
    let mut app = App::new(context(&db, &clock)).unwrap();
    app.zone = Zone::Utc;
    assert!(app.older_unloaded > 0, "opened on the newest entries");
    let mut f = Fixture {
        _dir: dir,
        db,
        clock,
        app,
        id: Some(id),
    };
    let first = text(&f.draw(120, 40));
    assert!(first.contains("Timeline · 1001 entries"), "{first}");
    assert!(first.contains("reading 1000"), "{first}");
    f.app.load_older();
    assert_eq!(f.app.older_unloaded, 0);
    assert_eq!(f.app.visible_timeline().len(), 1_001);
    f.key(KeyCode::Home);
    let top = text(&f.draw(120, 40));
    assert!(top.contains("Declared P1"), "{top}");
}

#[test]
fn what_the_console_shows_after_its_own_saves_is_what_the_log_gives() {
    let mut f = Fixture::p2();
    let stored = |f: &Fixture| {
        f.app
            .context()
            .store
            .incident(f.id.unwrap())
            .unwrap()
            .unwrap()
    };
    f.key(KeyCode::Char('n'));
    f.type_text("db pool saturated");
    f.key(KeyCode::Enter);
    f.advance(Duration::minutes(2));
    f.key(KeyCode::Char('n'));
    f.type_text("restarting pgbouncer");
    f.key(KeyCode::Enter);
    f.advance(Duration::minutes(5));
    f.key(KeyCode::Char('u'));
    f.key(KeyCode::Enter);
    let before = f.app.folds;
    assert_eq!(f.app.incident.clone().unwrap(), stored(&f));
    assert_eq!(
        f.kinds().len(),
        4,
        "declared, two notes and an update: {:?}",
        f.kinds()
    );
    // Another process writes meanwhile: the next tick reads it.
    f.write(
        f.id.unwrap(),
        "bo",
        EventKind::Note {
            note: NoteKind::Finding,
            text: "replica lag 40s".into(),
        },
    );
    f.advance(Duration::seconds(1));
    assert!(f.app.folds > before);
    assert_eq!(f.app.incident.clone().unwrap(), stored(&f));
}
