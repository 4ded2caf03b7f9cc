//! Editing text in forms and pickers: the keys a person uses to fix what
//! they typed, checked by what the form holds, what it shows and what lands
//! in the store.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Fixture, find, form, text};
use crate::domain::event::{EventKind, NoteKind};
use crate::tui::Action;
use crate::tui::app::Mode;

const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// The label of the focused field.
fn focused(f: &Fixture) -> &'static str {
    let form = form(f);
    form.fields[form.focus].label
}

/// Enter saves the note form, and the note is what the log holds last.
fn saves_the_note(f: &mut Fixture, note: NoteKind, text: &str) {
    f.key(KeyCode::Enter);
    let text = text.to_string();
    assert_eq!(f.kinds().last(), Some(&EventKind::Note { note, text }));
}

#[test]
fn ctrl_u_clears_a_prefilled_field_in_one_key() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('u'));
    f.key(KeyCode::Tab);
    f.key(KeyCode::Tab);
    assert_eq!(focused(&f), "Action");
    assert!(!form(&f).value("action").is_empty(), "prefilled");
    f.key_with(KeyCode::Char('u'), CTRL);
    assert_eq!(form(&f).value("action"), "");
    f.type_text("rolling back v2.31");
    // Ctrl-K deletes to the end of the line, Ctrl-A/Ctrl-E go to its ends.
    f.key_with(KeyCode::Char('a'), CTRL);
    f.key_with(KeyCode::Char('k'), CTRL);
    f.type_text("rolling back");
    f.key_with(KeyCode::Char('e'), CTRL);
    f.type_text(" v2.31");
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    let Some(EventKind::UpdateSent { action, .. }) = f.kinds().last().cloned() else {
        panic!("no update recorded");
    };
    assert_eq!(action, "rolling back v2.31");
}

#[test]
fn up_and_down_move_inside_a_multi_line_field() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('c'));
    f.type_text("one");
    f.key_with(KeyCode::Enter, ALT);
    f.type_text("two");
    f.key(KeyCode::Up);
    assert_eq!(focused(&f), "Conditions", "Up moved a line, not a field");
    f.type_text("!");
    assert_eq!(form(&f).value("conditions"), "one!\ntwo");
    f.key(KeyCode::Down);
    f.type_text("?");
    assert_eq!(form(&f).value("conditions"), "one!\ntwo?");
    // From the last line Down goes on to the next field, and Up from a
    // one-line field (or the first line) back to the one above.
    f.key(KeyCode::Down);
    assert_eq!(focused(&f), "Actions");
    f.type_text("rolling back");
    f.key(KeyCode::Up);
    assert_eq!(focused(&f), "Conditions");
    f.key(KeyCode::Up);
    f.key(KeyCode::Up);
    assert_eq!(focused(&f), "Needs", "from the first field, to the last");
}

#[test]
fn undo_brings_back_what_ctrl_w_deleted() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("roll back now");
    f.key_with(KeyCode::Char('w'), CTRL);
    assert_eq!(form(&f).value("text"), "roll back ");
    f.key_with(KeyCode::Char('z'), CTRL);
    assert_eq!(form(&f).value("text"), "roll back now");
    f.key_with(KeyCode::Char('y'), CTRL);
    assert_eq!(form(&f).value("text"), "roll back ");
    f.key_with(KeyCode::Char('z'), CTRL);
    assert_eq!(form(&f).value("text"), "roll back now");
    // Alt-Backspace deletes a word too; undo goes back a key at a time,
    // and Ctrl-Shift-Z redoes as Ctrl-Y does.
    f.key_with(KeyCode::Backspace, ALT);
    assert_eq!(form(&f).value("text"), "roll back ");
    f.key_with(KeyCode::Char('z'), CTRL);
    f.key_with(KeyCode::Char('z'), CTRL);
    assert_eq!(form(&f).value("text"), "roll back no");
    f.key_with(KeyCode::Char('Z'), CTRL | KeyModifiers::SHIFT);
    assert_eq!(form(&f).value("text"), "roll back now");
    saves_the_note(&mut f, NoteKind::Note, "roll back now");
}

#[test]
fn word_moves_put_the_cursor_between_words() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.type_text("roll back now");
    f.key_with(KeyCode::Char('b'), ALT);
    f.key_with(KeyCode::Left, CTRL);
    f.type_text("it ");
    assert_eq!(form(&f).value("text"), "roll it back now");
    f.key_with(KeyCode::Right, CTRL);
    f.key_with(KeyCode::Char('f'), ALT);
    f.type_text("!");
    assert_eq!(form(&f).value("text"), "roll it back now!");
}

#[test]
fn a_letter_on_the_kind_field_picks_that_kind() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.key(KeyCode::BackTab);
    assert_eq!(focused(&f), "Kind");
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("←→ choose"), "{screen}");
    f.type_text("d");
    assert_eq!(form(&f).value("kind"), "decision");
    f.type_text("d");
    assert_eq!(form(&f).value("kind"), "destructive", "again: the next one");
    f.type_text("d");
    assert_eq!(form(&f).value("kind"), "decision", "and round");
    f.type_text("zF");
    assert_eq!(form(&f).value("kind"), "finding", "no kind starts with z");
    f.key(KeyCode::Tab);
    let screen = text(&f.draw(80, 24));
    assert!(!screen.contains("←→ choose"), "{screen}");
    f.type_text("v2.31 went out at 13:58");
    saves_the_note(&mut f, NoteKind::Finding, "v2.31 went out at 13:58");
}

#[test]
fn a_letter_on_the_severity_of_a_declaration_picks_by_its_name_too() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('D'));
    f.type_text("Search is slow");
    f.key(KeyCode::Tab);
    assert_eq!(focused(&f), "Severity");
    assert_eq!(form(&f).value("severity"), "P1");
    // No severity starts with 'm', but P2 Major and P3 Minor have a word
    // that does.
    f.type_text("m");
    assert_eq!(form(&f).value("severity"), "P2");
    f.type_text("mm");
    assert_eq!(form(&f).value("severity"), "P2");
    f.key(KeyCode::Enter);
    assert_eq!(f.app.incident.as_ref().unwrap().severity, "P2");
}

#[test]
fn wrapped_lines_keep_their_indent() {
    let mut f = Fixture::p2();
    // A multi-line field: its text indented under the label.
    f.key(KeyCode::Char('n'));
    let words: Vec<String> = (1..=40).map(|n| format!("w{n:02}")).collect();
    f.type_text(&words.join(" "));
    let buf = f.draw(80, 24);
    let (x, first) = find(&buf, "w01").expect("the text is shown");
    let (x_end, last) = find(&buf, "w40").expect("the end is shown");
    assert!(last > first, "the text wraps");
    assert_eq!(x_end % 4, x % 4, "words line up");
    let screen = text(&buf);
    let rows: Vec<&str> = screen.lines().collect();
    for y in first..=last {
        let row = &rows[usize::from(y)];
        let at = row.find('w').unwrap_or_else(|| panic!("row {y}: {row}"));
        assert_eq!(
            row[..at].chars().count(),
            usize::from(x),
            "row {y} starts under the field:\n{screen}"
        );
    }

    // A one-line field: under its first character, right of the label.
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('l'));
    f.type_text(&words.join(" "));
    let buf = f.draw(80, 24);
    let (x, first) = find(&buf, "w01").expect("the label is shown");
    let (_, last) = find(&buf, "w40").expect("the end is shown");
    assert!(last > first, "the label wraps");
    let screen = text(&buf);
    let rows: Vec<&str> = screen.lines().collect();
    for y in first + 1..=last {
        let row = rows[usize::from(y)];
        let at = row.find('w').unwrap();
        assert_eq!(row[..at].chars().count(), usize::from(x), "{screen}");
    }
}

#[test]
fn a_long_field_keeps_the_line_being_typed_in_view_at_80x24() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    for n in 0..60 {
        f.type_text(&format!("line {n}"));
        f.key_with(KeyCode::Char('j'), CTRL);
    }
    f.type_text("the last one");
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("the last one"), "{screen}");
    // Up to the top of the field: the form scrolls back with the cursor.
    for _ in 0..60 {
        f.key(KeyCode::Up);
    }
    f.key(KeyCode::Home);
    f.type_text(">");
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains(">line 0"), "{screen}");
}

#[test]
fn a_picker_query_takes_the_line_editing_keys_and_up_down_still_choose() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('s'));
    f.type_text("repair it");
    f.key_with(KeyCode::Char('w'), CTRL);
    let Mode::Picker(p) = &f.app.mode else {
        panic!("the stage picker is open");
    };
    assert_eq!(p.query.text(), "repair ");
    f.key_with(KeyCode::Char('u'), CTRL);
    f.type_text("miti");
    f.key(KeyCode::Down);
    f.key(KeyCode::Up);
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::StageChanged {
            stage: "mitigate".into()
        })
    );
}

#[test]
fn control_characters_and_a_full_field_stay_out_whatever_the_keys() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('l'));
    f.type_text("a\u{7}b\u{1b}c");
    f.key_with(KeyCode::Char('j'), CTRL);
    assert_eq!(form(&f).value("label"), "abc", "a one-line field");
    let limit = crate::tui::text_input::MAX_FIELD_CHARS;
    f.app.update(Action::Paste("x".repeat(limit)));
    assert_eq!(form(&f).value("label").chars().count(), limit);
    assert!(f.app.flash.as_ref().is_some_and(|m| m.error));
    // Undo takes the cut paste back, and the freed room can be typed in.
    f.key_with(KeyCode::Char('z'), CTRL);
    f.type_text("d");
    assert_eq!(form(&f).value("label"), "abcd");
}

#[test]
fn the_help_lists_the_form_editing_keys_even_at_80x24() {
    let mut f = Fixture::p2();
    f.app.update(Action::Help);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&f.draw(w, h));
        for keys in [
            "Ctrl-U",
            "Ctrl-W",
            "Alt-B/Alt-F",
            "Ctrl-Z undo",
            "Ctrl-Y redo",
            "←→",
        ] {
            assert!(screen.contains(keys), "{keys} at {w}x{h}:\n{screen}");
        }
        assert!(screen.contains("Timeline: j/k move"), "{screen}");
    }
}
