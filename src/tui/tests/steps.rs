//! A destructive step announced by a teammate: the banner across the top,
//! its countdown, and an objection made from the console's keys.

use chrono::Duration;
use crossterm::event::KeyCode;

use super::{Fixture, text};
use crate::domain::event::EventKind;
use crate::tui::Action;
use crate::tui::app::Mode;

fn announced_by_bo() -> Fixture {
    let mut f = Fixture::p2();
    let id = f.id.unwrap();
    f.write(
        id,
        "bo",
        EventKind::StepAnnounced {
            text: "systemctl restart payments-db".into(),
            countdown_s: 60,
            run: true,
        },
    );
    f.app.update(Action::Tick);
    f
}

#[test]
fn a_teammates_destructive_step_shows_as_a_banner_counting_down() {
    let mut f = announced_by_bo();
    let screen = text(&f.draw(80, 24));
    let top = screen.lines().next().unwrap();
    assert!(
        top.contains("01:00 to object (O): bo will run $ systemctl restart payments-db"),
        "{top}"
    );
    assert!(
        screen.lines().nth(1).unwrap().contains("P2 Major"),
        "the header follows"
    );
    f.advance(Duration::seconds(18));
    let top = text(&f.draw(80, 24)).lines().next().unwrap().to_string();
    assert!(top.contains("00:42 to object"), "{top}");
    f.advance(Duration::seconds(50));
    let top = text(&f.draw(80, 24)).lines().next().unwrap().to_string();
    assert!(top.contains("no objection: bo may now run"), "{top}");
    // A run that never settles it (its process was killed) stops haunting
    // the screen.
    f.advance(Duration::minutes(11));
    let screen = text(&f.draw(80, 24));
    assert!(
        screen.lines().next().unwrap().contains("P2 Major"),
        "{screen}"
    );
}

#[test]
fn o_objects_to_the_step_in_the_banner_with_a_reason() {
    let mut f = announced_by_bo();
    let step = f.events().last().unwrap().id;
    f.advance(Duration::seconds(10));
    f.key(KeyCode::Char('O'));
    assert!(matches!(f.app.mode, Mode::Form(_)), "asks why first");
    f.type_text("backup still running");
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::Objected {
            target: step,
            reason: "backup still running".into()
        })
    );
    let top = text(&f.draw(80, 24)).lines().next().unwrap().to_string();
    assert!(
        top.contains("⊘ ana objected: backup still running · bo's step will not run"),
        "{top}"
    );
}

#[test]
fn esc_in_the_objection_form_records_nothing() {
    let mut f = announced_by_bo();
    let before = f.events().len();
    f.key(KeyCode::Char('O'));
    f.type_text("wait");
    f.key(KeyCode::Esc);
    // Typed words are not thrown away on one key.
    f.key(KeyCode::Char('y'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(f.events().len(), before);
    assert!(
        text(&f.draw(80, 24))
            .lines()
            .next()
            .unwrap()
            .contains("to object (O)")
    );
}

#[test]
fn o_with_no_step_waiting_says_there_is_nothing_to_object_to() {
    let mut f = Fixture::p2();
    let before = f.events().len();
    f.key(KeyCode::Char('O'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(f.events().len(), before);
    let screen = text(&f.draw(80, 24));
    assert!(
        screen.contains("No destructive step is waiting"),
        "{screen}"
    );
}

#[test]
fn a_destructive_note_from_the_console_is_announced_with_the_playbooks_countdown() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    // The form opens on the text; the kind above is a choice, picked by
    // its first letter (decision, then destructive).
    f.key(KeyCode::BackTab);
    f.key(KeyCode::Char('d'));
    f.key(KeyCode::Char('d'));
    f.key(KeyCode::Tab);
    f.type_text("drop the sessions cache");
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::StepAnnounced {
            text: "drop the sessions cache".into(),
            countdown_s: 60,
            run: false,
        })
    );
    let screen = text(&f.draw(80, 24));
    let top = screen.lines().next().unwrap();
    assert!(
        top.contains("01:00 to object (O): ana is about to: drop the sessions cache"),
        "{top}"
    );
    assert!(
        screen
            .lines()
            .skip(4)
            .any(|l| l.contains("drop the sessions cache")),
        "in the timeline too: {screen}"
    );
}
