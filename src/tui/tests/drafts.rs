//! Half-written forms: Esc and Ctrl-C ask before anything typed goes, and
//! what is typed is kept as a draft that outlives the console.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyModifiers};

use super::{Fixture, context};
use crate::tui::app::{App, Mode};

fn note_text(f: &Fixture) -> String {
    match &f.app.mode {
        Mode::Form(form) => form.value("text").to_string(),
        other => panic!("the note form is not open: {other:?}"),
    }
}

/// The console closed and opened again on the same database.
fn reopen(f: &mut Fixture) {
    f.app = App::new(context(&f.db, &f.clock)).unwrap();
}

#[test]
fn esc_on_a_written_note_asks_and_any_other_key_goes_back_to_it() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("db primary failed over at 14:02");
    f.key(KeyCode::Esc);
    let Mode::Form(form) = &f.app.mode else {
        panic!("one stray Esc closed the form");
    };
    assert!(
        form.error
            .as_deref()
            .unwrap()
            .starts_with("Discard what you typed?")
    );
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "db primary failed over at 14:02");
    // The answer is not typed into the note.
    f.type_text("!");
    assert_eq!(note_text(&f), "db primary failed over at 14:02!");
}

#[test]
fn esc_on_an_empty_form_closes_it_at_once() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.key(KeyCode::Esc);
    assert_eq!(f.app.mode, Mode::Normal);
}

#[test]
fn ctrl_c_on_a_written_form_asks_before_quitting() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('c'));
    f.type_text("latency back to normal");
    f.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!f.app.quit, "Ctrl-C quit without asking");
    f.key(KeyCode::Char('y'));
    assert!(f.app.quit);
}

#[test]
fn a_note_left_open_when_the_console_quit_comes_back_with_the_same_key() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("rolled back v2.31 on eu-west");
    f.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    f.key(KeyCode::Char('y'));
    reopen(&mut f);
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "rolled back v2.31 on eu-west");
    assert!(f.app.flash.as_ref().unwrap().text.contains("draft"));
    // Saved, the draft is gone: the next note starts empty.
    f.key(KeyCode::Enter);
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "");
}

#[test]
fn a_note_typed_a_second_before_a_crash_survives_it() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("half a sentence");
    // The console's timer keeps the draft; nothing else runs before the
    // process dies.
    f.advance(Duration::seconds(1));
    reopen(&mut f);
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "half a sentence");
}

#[test]
fn a_discarded_draft_does_not_come_back() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("wrong incident");
    f.advance(Duration::seconds(1));
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('y'));
    reopen(&mut f);
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "");
}

#[test]
fn a_terminal_resized_while_esc_asks_is_still_resized_and_the_note_kept() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("checking the lb");
    f.key(KeyCode::Esc);
    f.app.handle_event(crossterm::event::Event::Resize(60, 20));
    assert!(f.app.too_small(), "the resize was dropped");
    f.app
        .handle_event(crossterm::event::Event::Paste("y".into()));
    f.app.handle_event(crossterm::event::Event::Resize(100, 30));
    f.key(KeyCode::Char('n'));
    assert_eq!(note_text(&f), "checking the lb");
}
