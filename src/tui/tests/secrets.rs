//! A likely secret in a form's text is caught on save: the console marks
//! it and asks; Enter records it masked, k as typed, Esc goes back to the
//! form with nothing lost. Test secrets are put together from pieces, so
//! the repository holds none a scanner would flag.

use crossterm::event::{Event as TermEvent, KeyCode};
use ratatui::style::{Color, Modifier};

use super::{Fixture, find, text};
use crate::domain::event::EventKind;
use crate::tui::app::Mode;

fn github_token() -> String {
    format!("ghp_{}", "aB3dE5".repeat(6))
}

fn notes(f: &Fixture) -> Vec<String> {
    f.kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::Note { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

/// The conditions, actions and needs of the last CAN report recorded.
fn last_can(f: &Fixture) -> [String; 3] {
    match f.kinds().pop() {
        Some(EventKind::CanReport {
            conditions,
            actions,
            needs,
            ..
        }) => [conditions, actions, needs],
        other => panic!("no CAN report recorded: {other:?}"),
    }
}

fn question(f: &Fixture) -> String {
    match &f.app.mode {
        Mode::Form(form) => form.error.clone().unwrap_or_default(),
        other => panic!("no form is open: {other:?}"),
    }
}

/// Opens a note, types `note` and presses Enter.
fn save_note(f: &mut Fixture, note: &str) {
    f.key(KeyCode::Char('n'));
    f.type_text(note);
    f.key(KeyCode::Enter);
}

/// Saves a note holding a token: the question is asked, nothing recorded.
fn note_with_a_token(f: &mut Fixture) -> String {
    let note = format!("new deploy key {} for the runner", github_token());
    save_note(f, &note);
    note
}

#[test]
fn a_github_token_typed_into_a_note_is_masked_when_the_commander_presses_enter() {
    let mut f = Fixture::p2();
    note_with_a_token(&mut f);
    let asked = question(&f);
    assert!(
        asked.contains("Characters 16–55 of the note look like a GitHub token"),
        "{asked}"
    );
    assert!(
        !asked.contains(&github_token()),
        "the question repeats the secret"
    );
    assert!(notes(&f).is_empty(), "recorded before the answer");

    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(notes(&f), ["new deploy key **** for the runner"]);
}

#[test]
fn a_password_in_a_can_report_is_masked_when_the_commander_presses_enter() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('c'));
    f.type_text("replica lagging");
    f.key(KeyCode::Tab);
    f.type_text(&format!(
        "failing over with db_password={} now",
        "x9".repeat(6)
    ));
    f.key(KeyCode::Tab);
    f.type_text("nothing");
    f.key(KeyCode::Enter);
    let asked = question(&f);
    assert!(
        asked.contains("of the actions look like a credential"),
        "{asked}"
    );
    f.key(KeyCode::Enter);
    assert_eq!(
        last_can(&f),
        [
            "replica lagging",
            "failing over with db_password=**** now",
            "nothing"
        ]
    );
}

#[test]
fn esc_at_the_secret_prompt_returns_to_the_form_with_the_text() {
    let mut f = Fixture::p2();
    let note = note_with_a_token(&mut f);
    f.key(KeyCode::Esc);
    let Mode::Form(form) = &f.app.mode else {
        panic!("the form closed");
    };
    assert_eq!(form.value("text"), note);
    assert_eq!(form.error, None, "the question still stands");
    assert!(form.marks.is_empty());
    assert!(notes(&f).is_empty(), "something was recorded");
    // The form is the form again: typing edits it, Enter asks again.
    f.type_text(" ok");
    f.key(KeyCode::Enter);
    assert!(question(&f).contains("GitHub token"));
}

#[test]
fn k_at_the_secret_prompt_records_the_text_as_typed() {
    let mut f = Fixture::p2();
    let note = note_with_a_token(&mut f);
    f.key(KeyCode::Char('k'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(notes(&f), [note]);
}

#[test]
fn a_private_key_pasted_into_a_note_is_marked_and_masked_between_its_header_and_footer() {
    let dashes = "-".repeat(5);
    let body = format!(
        "MIIEpAIBAAKCAQEA{}\nq1w2e3r4t5y6u7i8o9p0==",
        "Zx".repeat(20)
    );
    let paste = format!(
        "pasted the wrong buffer:\r\n{dashes}BEGIN RSA PRIVATE KEY{dashes}\r\n{body}\r\n{dashes}END RSA PRIVATE KEY{dashes}"
    );
    let mut f = Fixture::p2();
    f.app.handle_event(TermEvent::Paste(paste));
    f.key(KeyCode::Enter);
    assert!(question(&f).contains("look like a private key"));

    // The key's body is marked, the words around it are not.
    let buf = f.draw(100, 30);
    let (x, y) = find(&buf, "MIIEpAIB").expect("the key is in view");
    let marked = &buf[(x, y)];
    assert_eq!(marked.fg, Color::Red, "{}", text(&buf));
    assert!(marked.modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&buf, "pasted the wrong").expect("the words are in view");
    assert_ne!(buf[(x, y)].fg, Color::Red);
    assert!(text(&buf).contains("Enter mask · k keep · Esc back"));

    f.key(KeyCode::Enter);
    assert_eq!(
        notes(&f),
        [format!(
            "pasted the wrong buffer:\n{dashes}BEGIN RSA PRIVATE KEY{dashes}\n****\n{dashes}END RSA PRIVATE KEY{dashes}"
        )]
    );
}

#[test]
fn prose_that_mentions_passwords_and_tokens_is_recorded_without_a_question() {
    let mut f = Fixture::p2();
    save_note(&mut f, "the password rotation failed; token bucket drained");
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(
        notes(&f),
        ["the password rotation failed; token bucket drained"]
    );
}

#[test]
fn the_secret_prompt_fits_an_80_by_24_terminal() {
    let mut f = Fixture::p2();
    note_with_a_token(&mut f);
    let screen = text(&f.draw(80, 24));
    assert!(
        screen.contains("look like a GitHub token (marked)"),
        "{screen}"
    );
    assert!(screen.contains("Esc: back to the form"), "{screen}");
}

#[test]
fn secrets_in_two_fields_are_both_marked_and_both_masked() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('c'));
    f.type_text(&format!("bot leaked {}", github_token()));
    f.key(KeyCode::Tab);
    f.type_text("rotating");
    f.key(KeyCode::Tab);
    f.type_text(&format!("review of token={}", "z5".repeat(6)));
    f.key(KeyCode::Enter);
    let asked = question(&f);
    assert!(
        asked.contains("of the conditions look like a GitHub token (marked, and 1 more)"),
        "{asked}"
    );
    f.key(KeyCode::Enter);
    let [conditions, _, needs] = last_can(&f);
    assert_eq!(
        (conditions.as_str(), needs.as_str()),
        ("bot leaked ****", "review of token=****")
    );
}
