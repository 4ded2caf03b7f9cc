//! Small traps a tired user falls into: a list starting on the value that
//! cannot be picked, a refused pick that eats the next key, keys typed on a
//! terminal too small to show them.

use crossterm::event::KeyCode;

use super::Fixture;
use crate::domain::event::EventKind;
use crate::tui::app::Mode;

#[test]
fn s_then_enter_moves_to_the_next_stage() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('s'));
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::StageChanged {
            stage: "assemble".into()
        }),
        "{:?}",
        f.app.flash
    );
}

#[test]
fn a_refused_tick_closes_the_list_so_the_next_key_is_a_command() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('x'));
    f.key(KeyCode::Enter);
    f.key(KeyCode::Char('x'));
    f.key(KeyCode::Enter);
    assert!(f.app.flash.as_ref().unwrap().error);
    assert_eq!(f.app.mode, Mode::Normal);
    f.key(KeyCode::Char('n'));
    assert!(
        matches!(f.app.mode, Mode::Form(_)),
        "n opened the note form"
    );
}

#[test]
fn keys_typed_on_a_terminal_too_small_are_dropped_not_kept() {
    let mut f = Fixture::p2();
    f.app.handle_event(crossterm::event::Event::Resize(60, 20));
    let before = f.events().len();
    f.type_text("nhello");
    f.app.handle_event(crossterm::event::Event::Resize(80, 24));
    assert_eq!(f.app.mode, Mode::Normal, "n opened nothing");
    assert_eq!(f.events().len(), before);
}

#[test]
fn the_footer_hint_comes_back_after_a_message_fades() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('v'));
    f.key(KeyCode::Esc);
    assert!(!super::text(&f.draw(120, 40)).contains("recording as"));
    f.advance(chrono::Duration::seconds(11));
    assert!(super::text(&f.draw(120, 40)).contains("recording as ana"));
}
