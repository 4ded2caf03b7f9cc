//! Pastes: with bracketed paste, one event of text; without it (a terminal
//! that lacks it), one key per character, as fast as the terminal sends
//! them.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use super::{Fixture, text};
use crate::domain::event::EventKind;
use crate::tui::app::Mode;
use crate::tui::text_input::MAX_FIELD_CHARS;

/// What the paste holds: multi-byte characters, so byte and character
/// counts differ, and no new line (a pasted new line is Enter).
const PASTED: &str = "GET /api/checkout 502 — upstream é timeout; ";

/// A megabyte of characters, one key each.
const PASTE_CHARS: usize = 1 << 20;

#[test]
fn a_megabyte_pasted_into_a_note_stops_at_the_field_limit_and_stays_fast() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    let started = Instant::now();
    for c in PASTED.chars().cycle().take(PASTE_CHARS) {
        f.key(KeyCode::Char(c));
    }
    let took = started.elapsed();
    // Linear costs about two seconds in a debug build; a key that re-walks
    // the text took 67 s for the first 60,000 keys alone.
    assert!(
        took < Duration::from_secs(30),
        "a megabyte of keys took {took:?}"
    );
    let Mode::Form(form) = &f.app.mode else {
        panic!("the note form is still open");
    };
    let expected: String = PASTED.chars().cycle().take(MAX_FIELD_CHARS).collect();
    assert_eq!(form.value("text"), expected);
    let told = f.app.flash.clone().expect("the user is told");
    assert!(
        told.error
            && told
                .text
                .contains(&format!("at most {MAX_FIELD_CHARS} characters")),
        "{told:?}"
    );

    // The form still draws, the end of the text and the message in view.
    let screen = text(&f.draw(100, 30));
    assert!(screen.contains("Add to the timeline"), "{screen}");
    assert!(screen.contains("upstream é"), "{screen}");
    assert!(screen.contains("This field is full"), "{screen}");

    // And what was kept is recorded whole.
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    match f.kinds().last() {
        Some(EventKind::Note { text, .. }) => assert_eq!(text, expected.trim()),
        other => panic!("expected the note, got {other:?}"),
    }
}

#[test]
fn a_refused_paste_is_told_once_not_per_key() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text(&"x".repeat(MAX_FIELD_CHARS));
    assert_eq!(f.app.flash, None, "nothing refused yet");
    f.type_text("y");
    let first = f.app.flash.clone().expect("told at the first refused key");
    f.advance(chrono::Duration::seconds(3));
    f.type_text("more keys");
    assert_eq!(f.app.flash, Some(first), "the message is not raised again");
}

#[test]
fn a_burst_of_queued_keys_is_handled_before_one_draw_but_not_without_end() {
    use crossterm::event::{Event as TermEvent, KeyEvent, KeyModifiers};
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let burst = crate::tui::INPUT_BATCH + 100;
    for _ in 0..burst {
        let key = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        tx.send(Ok(TermEvent::Key(key))).unwrap();
    }
    let first = rx.try_recv().unwrap().unwrap();
    assert!(crate::tui::handle_queued(&mut f.app, first, &mut rx).unwrap());
    let Mode::Form(form) = &f.app.mode else {
        panic!("the note form is still open");
    };
    assert_eq!(form.value("text").len(), crate::tui::INPUT_BATCH + 1);
    assert_eq!(
        rx.len(),
        burst - crate::tui::INPUT_BATCH - 1,
        "the rest waits for the next turn"
    );
}

/// A bracketed paste, as the terminal reports it.
fn paste(f: &mut Fixture, text: &str) {
    f.app
        .handle_event(crossterm::event::Event::Paste(text.to_string()));
}

#[test]
fn a_pasted_megabyte_is_cut_at_the_field_limit_in_one_go() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    let megabyte: String = PASTED.chars().cycle().take(PASTE_CHARS).collect();
    paste(&mut f, &megabyte);
    let Mode::Form(form) = &f.app.mode else {
        panic!("the note form is still open");
    };
    assert_eq!(form.value("text").chars().count(), MAX_FIELD_CHARS);
    assert!(f.app.flash.as_ref().is_some_and(|m| m.error));
}

#[test]
fn lines_pasted_into_a_one_line_field_are_joined_with_spaces() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('l'));
    paste(&mut f, "incident\r\ncall\tbridge\u{1b}[2J");
    let Mode::Form(form) = &f.app.mode else {
        panic!("the link form is open");
    };
    assert_eq!(form.value("label"), "incident call bridge[2J");
}

#[test]
fn a_paste_into_a_picker_filters_it_on_one_line() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('a'));
    paste(&mut f, "comms\n");
    let Mode::Picker(p) = &f.app.mode else {
        panic!("the role picker is open");
    };
    assert_eq!(p.query.text(), "comms ");
    assert_eq!(p.filtered().len(), 1, "{:?}", p.filtered());
}

#[test]
fn a_paste_with_no_incident_open_says_how_to_declare_one() {
    let mut f = Fixture::empty();
    paste(&mut f, "R\nq\n");
    assert_eq!(f.app.mode, Mode::Normal);
    assert!(!f.app.quit, "a pasted q quit the console");
    assert!(f.app.flash.as_ref().unwrap().text.contains("press D"));
}
