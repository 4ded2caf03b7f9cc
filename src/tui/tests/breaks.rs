//! Time on shift in the console: the break prompt the commander gets once
//! per holding past the playbook's limit, and the reminder the checklist
//! keeps meanwhile.

use chrono::Duration;
use crossterm::event::KeyCode;
use ratatui::style::Color;

use super::{Fixture, find, text};
use crate::domain::event::EventKind;
use crate::tui::app::Mode;

/// ana declared at 14:00 and is commander (this console is hers); devi
/// took Technical lead at 14:01.
fn devi_is_tech() -> Fixture {
    Fixture::with("P1", vec![("ana", assign("tech", "devi"))])
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

fn prompt(f: &Fixture) -> Option<String> {
    match &f.app.mode {
        Mode::BreakPrompt(h) => Some(h.question(&f.app.playbook, &f.app.me())),
        _ => None,
    }
}

#[test]
fn the_commander_is_asked_once_to_hand_over_a_role_held_past_ninety_minutes() {
    let mut f = devi_is_tech();
    f.advance(Duration::minutes(89));
    assert_eq!(
        prompt(&f),
        None,
        "ana has held command 90 minutes: not past yet"
    );

    f.advance(Duration::minutes(2));
    assert_eq!(
        prompt(&f).as_deref(),
        Some("you have held Incident commander for 1h32; hand over?")
    );
    f.key(KeyCode::Esc);
    assert_eq!(f.app.mode, Mode::Normal);

    // The next tick puts devi's holding: a different one.
    f.advance(Duration::seconds(1));
    let screen = text(&f.draw(80, 24));
    assert!(
        screen.contains("devi has held Technical lead for 1h31; hand over?"),
        "{screen}"
    );
    // The incident's ref is random: a fixed one of the same width.
    let fixed = |screen: String| screen.replace(&f.id.unwrap().short(), "inc000");
    insta::assert_snapshot!("break_prompt_80x24", fixed(screen));
    insta::assert_snapshot!("break_prompt_120x40", fixed(text(&f.draw(120, 40))));
    // Enter opens the assign picker for that very role.
    f.key(KeyCode::Enter);
    match &f.app.mode {
        Mode::Picker(p) => assert!(
            p.title.starts_with("Who takes Technical lead from devi?"),
            "{}",
            p.title
        ),
        other => panic!("expected the person picker, got {other:?}"),
    }
    f.key(KeyCode::Esc);

    // Neither is asked again in this console, however long it runs.
    for _ in 0..3 {
        f.advance(Duration::minutes(5));
        assert_eq!(prompt(&f), None);
    }
    let buf = f.draw(80, 24);
    let (x, y) = find(&buf, "devi 1h").expect("devi in the roles pane");
    assert_eq!(
        buf[(x + 5, y)].fg,
        Color::Yellow,
        "devi's time warns:\n{}",
        text(&buf)
    );
}

#[test]
fn the_prompt_waits_for_a_form_being_typed_in_to_close() {
    let mut f = devi_is_tech();
    f.key(KeyCode::Char('n'));
    f.type_text("Rollback done");
    f.advance(Duration::minutes(95));
    assert!(
        matches!(f.app.mode, Mode::Form(_)),
        "the form stays in front while it is typed in"
    );
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal, "the note is saved");
    f.advance(Duration::seconds(1));
    assert!(prompt(&f).is_some(), "asked once the form closed");
}

#[test]
fn the_checklist_reminds_of_a_hand_over_while_it_is_due() {
    let mut f = devi_is_tech();
    f.advance(Duration::minutes(100));
    f.key(KeyCode::Esc);
    f.advance(Duration::seconds(1));
    f.key(KeyCode::Esc);
    assert!(
        f.app
            .reminders()
            .contains(&"Hand over Technical lead: devi on shift 1h40".to_string()),
        "{:?}",
        f.app.reminders()
    );
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("(!) Hand over Technical lead: devi on shift"),
        "{screen}"
    );
    // Handed over, the reminder goes.
    f.key(KeyCode::Char('a'));
    f.type_text("tech");
    f.key(KeyCode::Enter);
    f.type_text("sam");
    f.key(KeyCode::Enter);
    let screen = text(&f.draw(120, 40));
    assert!(!screen.contains("Hand over Technical lead"), "{screen}");
    assert!(screen.contains("Hand over Incident commander"), "{screen}");
}

#[test]
fn only_the_commanders_console_asks() {
    let mut f = Fixture::with("P1", vec![("ana", assign("commander", "maria"))]);
    f.advance(Duration::minutes(100));
    assert_eq!(prompt(&f), None, "ana handed command to maria");
    assert_eq!(
        f.app.reminders(),
        ["Hand over Incident commander: maria on shift 1h40"],
        "the checklist still says it on every console"
    );
}

#[test]
fn the_roles_pane_shows_a_shift_longer_than_the_holding() {
    // devi wrote from 14:01, took Technical lead at 14:21.
    let mut f = Fixture::with(
        "P2",
        vec![(
            "devi",
            EventKind::Note {
                note: crate::domain::event::NoteKind::Finding,
                text: "Error rate up since the deploy".into(),
            },
        )],
    );
    f.advance(Duration::minutes(20));
    let id = f.id.unwrap();
    f.write(id, "ana", assign("tech", "devi"));
    f.advance(Duration::minutes(60));
    let buf = f.draw(120, 40);
    assert!(
        find(&buf, "devi 1h00 · on 1h20").is_some(),
        "{}",
        text(&buf)
    );
    let buf = f.draw(80, 24);
    let screen = text(&buf).replace(&id.short(), "inc000");
    insta::assert_snapshot!("shift_longer_than_holding_80x24", screen);
    let (x, y) = find(&buf, "devi 1h00 · on 1h").expect("whole at 80x24");
    assert_ne!(
        buf[(x + 10, y)].fg,
        Color::Yellow,
        "not past 90 minutes yet"
    );
}
