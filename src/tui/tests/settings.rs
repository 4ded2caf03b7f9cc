//! The config file's settings as the console takes them: keys moved,
//! the time zone, the theme and the playbook a new incident runs by.

use crossterm::event::KeyCode;
use ratatui::style::Modifier;

use super::{Fixture, form, text};
use crate::config::{Config, Contrast};
use crate::domain::event::{EventKind, NoteKind};
use crate::tui::app::Mode;
use crate::tui::form::Purpose;
use crate::zone::Zone;

fn config(toml: &str) -> Config {
    Config::parse(toml, "/home/ana/.config/fireground/config.toml").unwrap()
}

#[test]
fn keys_moved_in_the_config_file_start_their_commands_and_the_footer_and_help_show_them() {
    let mut f = Fixture::configured(config(
        "[keys]\nnote = \"N\"\nhelp = \"h\"\nassign = \"A\"\n",
    ))
    .declared("P2", vec![]);
    // The old key does nothing now.
    f.key(KeyCode::Char('n'));
    assert_eq!(f.app.mode, Mode::Normal);
    f.key(KeyCode::Char('N'));
    assert_eq!(form(&f).purpose, Purpose::Note);
    f.type_text("rolled back deploy 42");
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::Note {
            note: NoteKind::Note,
            text: "rolled back deploy 42".into()
        })
    );
    let screen = text(&f.draw(80, 24));
    let footer = screen.lines().rev().find(|l| l.contains("quit")).unwrap();
    assert!(footer.starts_with("A assign"), "{footer}");
    assert!(
        footer.contains("N note") && !footer.contains("n note"),
        "{footer}"
    );
    assert!(
        footer.contains("h more") || footer.contains("h help"),
        "{footer}"
    );
    f.key(KeyCode::Char('?'));
    assert_eq!(f.app.mode, Mode::Normal, "? is nothing once help moved");
    f.key(KeyCode::Char('h'));
    assert_eq!(f.app.mode, Mode::Help);
    let help = text(&f.draw(80, 24));
    for shown in ["N note", "h help", "A assign", "r release"] {
        assert!(help.contains(shown), "{shown}: {help}");
    }
}

#[test]
fn a_command_moved_onto_j_takes_it_and_the_arrows_still_select() {
    let mut f = Fixture::configured(config("[keys]\npin = \"j\"\n")).declared(
        "P2",
        vec![(
            "bo",
            EventKind::Note {
                note: NoteKind::Note,
                text: "db at 95% cpu".into(),
            },
        )],
    );
    f.key(KeyCode::Up);
    assert!(f.app.selected.is_some());
    let before = f.events().len();
    f.key(KeyCode::Char('j'));
    assert_eq!(f.events().len(), before + 1, "j pinned the entry");
    assert!(matches!(f.kinds().last(), Some(EventKind::Pinned { .. })));
}

#[test]
fn the_config_file_s_time_zone_and_high_contrast_theme_reach_the_console() {
    let f = Fixture::configured(config("time_zone = \"utc\"\ntheme = \"high-contrast\"\n"))
        .declared("P2", vec![]);
    assert_eq!(f.app.zone, Zone::Utc);
    assert_eq!(f.app.theme.contrast, Contrast::High);
    let buf = f.draw(100, 30);
    assert!(text(&buf).contains("(UTC)"), "{}", text(&buf));
    let dimmed = buf
        .content()
        .iter()
        .filter(|c| c.modifier.contains(Modifier::DIM))
        .count();
    assert_eq!(dimmed, 0, "high contrast dims nothing");
    // The default theme dims the same screen's hints.
    let plain = Fixture::configured(config("")).declared("P2", vec![]);
    let buf = plain.draw(100, 30);
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::DIM))
    );
}

#[test]
fn the_declare_form_says_the_config_file_s_playbook_and_hints_follow_moved_keys() {
    let mut f = Fixture::configured(config(
        "playbook = \"default\"\n[keys]\ndeclare = \"N\"\ncan = \"C\"\ntick = \"T\"\nincidents = \"I\"\nimpact = \"J\"\n",
    ));
    let welcome = text(&f.draw(100, 30));
    assert!(
        welcome.contains("Press N to declare one") && welcome.contains("Press I to open"),
        "{welcome}"
    );
    f.key(KeyCode::Char('N'));
    let declare = form(&f);
    assert_eq!(declare.purpose, Purpose::Declare);
    assert_eq!(
        declare.note.as_deref(),
        Some("Runs by the 'default' playbook.")
    );
    f.key(KeyCode::Esc);
    let f = f.declared("P2", vec![]);
    let screen = text(&f.draw(100, 30));
    assert!(screen.contains("none yet: C files one"), "{screen}");
    let wide = text(&f.draw(200, 50));
    assert!(wide.contains("(T ticks)"), "{wide}");
}

#[test]
fn a_configured_playbook_that_is_not_there_is_said_in_the_declare_form() {
    let mut f = Fixture::configured(config("playbook = \"payments\"\n"));
    f.key(KeyCode::Char('D'));
    assert_eq!(
        form(&f).note.as_deref(),
        Some("Runs by the 'default' playbook: the config file's 'payments' is not one here.")
    );
}
