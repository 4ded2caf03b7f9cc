//! Copying to the clipboard: the update form with Ctrl-O, a selected or
//! read entry with y. What reaches the terminal is an OSC 52 sequence with
//! the text in base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use crossterm::event::{KeyCode, KeyModifiers};

use super::Fixture;
use crate::domain::event::{EventKind, NoteKind};
use crate::tui::app::Mode;

/// The text of the sequence the console would write now, if any.
fn copied(f: &mut Fixture) -> Option<String> {
    let sequence = f.app.take_clipboard()?;
    let body = sequence
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .expect("an OSC 52 sequence");
    Some(String::from_utf8(STANDARD.decode(body).unwrap()).unwrap())
}

fn flash(f: &Fixture) -> String {
    f.app
        .flash
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn ctrl_o_in_the_update_form_copies_the_update_as_it_would_be_sent_and_records_nothing() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('u'));
    f.key_with(KeyCode::Char('o'), KeyModifiers::CONTROL);
    let text = copied(&mut f).expect("a copy");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Status: P2 Checkout failing: Detect."),
        "{text}"
    );
    assert_eq!(lines[1], "Impact: Under investigation.");
    assert_eq!(lines[2], "Action: Responders are investigating.");
    // P2 is every 60 minutes: as saving now would promise.
    assert_eq!(lines[3], "Next update: 15:00 UTC");
    assert_eq!(flash(&f), "Update copied.");
    assert!(matches!(f.app.mode, Mode::Form(_)), "the form stays open");
    assert_eq!(f.kinds().len(), 1, "nothing recorded");
    assert_eq!(copied(&mut f), None, "written once");
}

#[test]
fn a_bad_next_time_in_the_update_form_is_said_and_nothing_is_copied() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('u'));
    for _ in 0..3 {
        f.key(KeyCode::Tab);
    }
    f.type_text("soonish");
    f.key_with(KeyCode::Char('o'), KeyModifiers::CONTROL);
    assert_eq!(copied(&mut f), None);
    let Mode::Form(form) = &f.app.mode else {
        panic!("the form stays open");
    };
    assert!(form.error.is_some(), "the mistake is said in the form");
}

#[test]
fn y_on_a_selected_update_copies_it_whole_and_on_a_note_its_text() {
    let mut f = Fixture::with(
        "P1",
        vec![
            (
                "sam",
                EventKind::UpdateSent {
                    status: "Rolling back".into(),
                    impact: "5% of card payments fail".into(),
                    action: "Reverting v2.31".into(),
                    next_update: None,
                },
            ),
            (
                "bo",
                EventKind::Note {
                    note: NoteKind::Finding,
                    text: "deploy v2.31 broke the card path".into(),
                },
            ),
        ],
    );
    f.key(KeyCode::Char('y'));
    assert_eq!(copied(&mut f), None, "nothing selected, nothing copied");
    assert!(flash(&f).contains("press y to copy"), "{}", flash(&f));
    // The note, selected; then the update, read whole.
    let cases = [
        (
            &[KeyCode::Up][..],
            "deploy v2.31 broke the card path",
            "Entry copied.",
        ),
        (
            &[KeyCode::Up, KeyCode::Enter][..],
            "Status: Rolling back\nImpact: 5% of card payments fail\nAction: Reverting v2.31\n",
            "Update copied.",
        ),
    ];
    for (keys, text, said) in cases {
        keys.iter().for_each(|k| f.key(*k));
        f.key(KeyCode::Char('y'));
        assert_eq!(copied(&mut f).as_deref(), Some(text));
        assert_eq!(flash(&f), said);
    }
}

#[test]
fn a_token_typed_into_the_update_is_masked_in_the_copy_and_the_console_says_so() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('u'));
    let token = format!("ghp_{}", "aB3dE5".repeat(6));
    f.key_with(KeyCode::Char('e'), KeyModifiers::CONTROL);
    f.type_text(&format!(" Rotated {token}."));
    f.key_with(KeyCode::Char('o'), KeyModifiers::CONTROL);
    let text = copied(&mut f).expect("a copy");
    assert!(!text.contains(&token), "{text}");
    assert!(text.contains("Rotated ****."), "{text}");
    assert!(flash(&f).contains("masked as ****"), "{}", flash(&f));
}
