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
