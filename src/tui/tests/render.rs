//! Each pane drawn on a test backend; colour that carries meaning is checked
//! on the buffer's styles.

use chrono::Duration;
use ratatui::style::{Color, Modifier};

use super::{Fixture, find, text};
use crate::domain::event::{EventKind, NoteKind};
use crate::tui::Action;
use crate::tui::action::{Background, Open};
use crate::tui::keys::KEYS;
use crate::tui::sync_state::{SyncHealth, SyncState};
use crate::tui::theme::Theme;

fn note(kind: NoteKind, text: &str) -> EventKind {
    EventKind::Note {
        note: kind,
        text: text.into(),
    }
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

#[test]
fn the_header_shows_incident_severity_stage_elapsed_commander_sync_and_links() {
    let mut f = Fixture::with(
        "P1",
        vec![(
            "ana",
            EventKind::LinkAdded {
                label: "call".into(),
                url: "https://meet.example/x".into(),
            },
        )],
    );
    f.advance(Duration::minutes(64));
    let screen = text(&f.draw(120, 40));
    let header: Vec<&str> = screen.lines().take(2).collect();
    let id = f.id.unwrap().short();
    assert!(
        header[0].starts_with(&format!("{id} P1 Critical · Checkout failing")),
        "{screen}"
    );
    assert!(header[0].ends_with("Stage Detect  open 1h 05m"), "{screen}");
    assert!(
        header[1].starts_with("IC ana   sync not configured"),
        "{screen}"
    );
    assert!(
        header[1].contains("call https://meet.example/x"),
        "{screen}"
    );
    let buf = f.draw(120, 40);
    let (x, y) = find(&buf, "P1 Critical").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn the_header_shows_sync_failing_in_red_once_told_so() {
    let mut f = Fixture::p2();
    f.app.update(Action::Background(Background::Sync(SyncState {
        health: SyncHealth::Failing("remote \u{1b}[31mrejected".into()),
        last_sync: None,
        events_in: 0,
        events_out: 0,
        held: 0,
        kept_apart: 0,
    })));
    let buf = f.draw(120, 40);
    let screen = text(&buf);
    assert!(screen.contains("sync FAILING: remote rejected"), "{screen}");
    let (x, y) = find(&buf, "FAILING").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn the_timeline_title_counts_one_entry_in_the_singular() {
    let mut f = Fixture::p2();
    let screen = text(&f.draw(120, 40));
    assert!(screen.contains("Timeline · 1 entry "), "{screen}");
    f.write(f.id.unwrap(), "bo", note(NoteKind::Finding, "deploy v2.31"));
    f.advance(Duration::seconds(1));
    let screen = text(&f.draw(120, 40));
    assert!(screen.contains("Timeline · 2 entries"), "{screen}");
}

#[test]
fn the_timeline_lists_entries_in_order_with_kinds_distinct_and_a_line_per_day() {
    let mut f = Fixture::with(
        "P2",
        vec![
            ("bo", note(NoteKind::Finding, "deploy v2.31 at 13:58")),
            ("ana", note(NoteKind::Decision, "roll back")),
        ],
    );
    f.advance(Duration::hours(11));
    let id = f.id.unwrap();
    f.write(id, "bo", note(NoteKind::Destructive, "drop the cache"));
    f.advance(Duration::seconds(1));
    let buf = f.draw(120, 40);
    let screen = text(&buf);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("│")).collect();
    let pos = |s: &str| {
        rows.iter()
            .position(|l| l.contains(s))
            .unwrap_or(usize::MAX)
    };
    assert!(
        pos("── Mon 23 Nov 2026 (UTC) ──") < pos("Declared P2"),
        "{screen}"
    );
    assert!(
        pos("Declared P2") < pos("14:01 bo        FINDING     deploy v2.31"),
        "{screen}"
    );
    assert!(pos("FINDING") < pos("DECISION    roll back"), "{screen}");
    assert!(
        pos("roll back") < pos("── Tue 24 Nov 2026 (UTC) ──"),
        "{screen}"
    );
    assert!(
        pos("── Tue 24") < pos("01:02 bo        DESTRUCTIVE drop the cache"),
        "{screen}"
    );
    let (x, y) = find(&buf, "DECISION").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Magenta);
    let (x, y) = find(&buf, "DESTRUCTIVE").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn escape_sequences_in_a_note_never_reach_the_screen() {
    let f = Fixture::with(
        "P2",
        vec![(
            "mallory",
            note(NoteKind::Note, "hi\u{1b}]0;owned\u{7}\u{1b}[2Jthere"),
        )],
    );
    let buf = f.draw(120, 40);
    assert!(text(&buf).contains("hithere"));
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "a control character reached the buffer"
        );
    }
}

#[test]
fn the_timeline_filters_by_kind_and_the_selected_entry_shows_in_full() {
    let long = "the primary's connection pool is exhausted because v2.31 doubled the pool size per pod and the database caps connections";
    let mut f = Fixture::with(
        "P2",
        vec![
            ("bo", note(NoteKind::Finding, long)),
            ("ana", note(NoteKind::Decision, "roll back")),
        ],
    );
    f.app.filter = Some(crate::domain::incident::EntryKind::Note(NoteKind::Finding));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("Timeline · 1 entry · only finding"),
        "{screen}"
    );
    assert!(!screen.contains("roll back"), "{screen}");
    f.app.update(Action::Select(crate::tui::action::Select::Up));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("caps connections"),
        "the full text is shown: {screen}"
    );
}

#[test]
fn roles_show_holders_for_how_long_and_unfilled_required_roles_stand_out() {
    let mut f = Fixture::with("P2", vec![("ana", assign("tech", "bo"))]);
    f.advance(Duration::minutes(12));
    let buf = f.draw(120, 40);
    let screen = text(&buf);
    assert!(screen.contains("Technical lead      bo 12m"), "{screen}");
    assert!(
        screen.contains("Communications lead ! UNFILLED"),
        "{screen}"
    );
    let (x, y) = find(&buf, "! UNFILLED").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let (x, y) = find(&buf, "Scribe").unwrap();
    assert_ne!(
        buf[(x, y)].fg,
        Color::Red,
        "an optional role does not alarm"
    );
}

#[test]
fn can_reports_show_the_latest_per_reporter_and_all_on_demand() {
    let can = |c: &str| EventKind::CanReport {
        conditions: c.into(),
        actions: "watching".into(),
        needs: "nothing".into(),
        role: Some("tech".into()),
    };
    let mut f = Fixture::with(
        "P2",
        vec![("bo", can("errors at 5%")), ("bo", can("errors at 1%"))],
    );
    f.advance(Duration::minutes(3));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("14:02 bo (Technical lead) 3m ago"),
        "{screen}"
    );
    assert!(screen.contains("C errors at 1%"), "{screen}");
    assert!(!screen.contains("C errors at 5%"), "{screen}");
    f.app.update(Action::ToggleOlderCan);
    let screen = text(&f.draw(120, 40));
    assert!(screen.contains("C errors at 5%"), "{screen}");
}

#[test]
fn the_cadence_counts_down_turns_yellow_then_red_and_rings_once_when_late() {
    let mut f = Fixture::with("P1", vec![]);
    assert!(!f.app.take_bell());
    f.advance(Duration::seconds(17 * 60 + 29));
    let buf = f.draw(120, 40);
    let screen = text(&buf);
    assert!(
        screen.contains("next update due in 12:31 (P1: every 30 min)"),
        "{screen}"
    );
    assert!(screen.contains("no update sent yet"), "{screen}");
    let (x, y) = find(&buf, "next update due").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Reset, "calm is not coloured");

    f.advance(Duration::minutes(9));
    let buf = f.draw(120, 40);
    let (x, y) = find(&buf, "next update due in 03:31").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Yellow);
    assert!(!f.app.take_bell());

    f.advance(Duration::minutes(5));
    let buf = f.draw(120, 40);
    let (x, y) = find(&buf, "update OVERDUE by 01:29 (P1: every 30 min)").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    assert!(f.app.take_bell(), "the bell rings when it becomes overdue");
    f.advance(Duration::seconds(1));
    assert!(!f.app.take_bell(), "and only once");
}

#[test]
fn the_cadence_follows_the_severity_at_once_and_has_no_timer_without_one() {
    let mut f = Fixture::p2();
    f.advance(Duration::minutes(10));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("next update due in 50:00 (P2: every 60 min)"),
        "{screen}"
    );
    let id = f.id.unwrap();
    let mut raise_to = |severity: &str| {
        let severity = severity.to_string();
        f.write(id, "ana", EventKind::SeverityChanged { severity });
        f.advance(Duration::seconds(1));
        text(&f.draw(120, 40))
    };
    let screen = raise_to("P1");
    assert!(
        screen.contains("next update due in 19:59 (P1: every 30 min)"),
        "{screen}"
    );
    let screen = raise_to("P3");
    assert!(
        screen.contains("no timer: P3 has no fixed update cadence"),
        "{screen}"
    );
    assert!(!screen.contains("due in"), "{screen}");
}

#[test]
fn the_cadence_after_a_reopening_counts_from_the_reopening_and_not_from_the_last_update() {
    let update = EventKind::UpdateSent {
        status: "s".into(),
        impact: "i".into(),
        action: "a".into(),
        next_update: None,
    };
    let mut f = Fixture::with(
        "P1",
        vec![
            ("ana", update),
            (
                "ana",
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
        ],
    );
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("no timer: the incident is resolved"),
        "{screen}"
    );
    // Reopened two hours later: the update before it does not make the
    // timer overdue; the clock starts again at the reopening.
    f.advance(Duration::hours(2));
    let id = f.id.unwrap();
    f.write(
        id,
        "ana",
        EventKind::Reopened {
            reason: String::new(),
        },
    );
    f.advance(Duration::minutes(10));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("next update due in 20:00 (P1: every 30 min)"),
        "{screen}"
    );
    assert!(!f.app.take_bell());
    // The same on every frame: drawing again changes nothing.
    assert_eq!(text(&f.draw(120, 40)), screen);
}

#[test]
fn moving_the_selection_and_filtering_show_the_same_entries_frame_after_frame() {
    let mut f = Fixture::with(
        "P2",
        (0..30)
            .map(|i| {
                let kind = if i % 3 == 0 {
                    NoteKind::Finding
                } else {
                    NoteKind::Note
                };
                ("bo", note(kind, &format!("entry {i}")))
            })
            .collect(),
    );
    let up = |f: &mut Fixture, n: usize| {
        for _ in 0..n {
            f.app.update(Action::Select(crate::tui::action::Select::Up));
        }
    };
    up(&mut f, 3);
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("─ 2026-11-23 14:28 UTC · bo · finding"),
        "{screen}"
    );
    assert_eq!(
        f.app.timeline_position(f.app.selected.unwrap()),
        Some((29, 31))
    );
    f.app.filter = Some(crate::domain::incident::EntryKind::Note(NoteKind::Finding));
    f.app.selected = None;
    up(&mut f, 2);
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("Timeline · 10 entries · only finding"),
        "{screen}"
    );
    assert!(
        screen.contains("─ 2026-11-23 14:25 UTC · bo · finding"),
        "{screen}"
    );
    assert_eq!(
        f.app.timeline_position(f.app.selected.unwrap()),
        Some((9, 10))
    );
    // Another writer's entry: the fold changes, and so does what is shown.
    let id = f.id.unwrap();
    f.write(id, "cy", note(NoteKind::Finding, "entry 30"));
    f.advance(Duration::seconds(1));
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("Timeline · 11 entries · only finding"),
        "{screen}"
    );
    assert!(screen.contains("entry 30"), "{screen}");
    assert_eq!(
        f.app.timeline_position(f.app.selected.unwrap()),
        Some((9, 11))
    );
    f.app.filter = None;
    let screen = text(&f.draw(120, 40));
    assert!(screen.contains("Timeline · 32 entries"), "{screen}");
    assert_eq!(
        f.app.timeline_position(f.app.selected.unwrap()),
        Some((26, 32))
    );
}

#[test]
fn the_checklist_shows_the_current_stage_with_ticks() {
    let f = Fixture::with(
        "P2",
        vec![(
            "ana",
            EventKind::ChecklistTicked {
                stage: "detect".into(),
                item: "Name the incident commander".into(),
            },
        )],
    );
    let buf = f.draw(120, 40);
    let screen = text(&buf);
    assert!(screen.contains("Checklist · Detect"), "{screen}");
    assert!(
        screen.contains("[ ] 1. Confirm the signal is real"),
        "{screen}"
    );
    assert!(
        screen.contains("[x] 3. Name the incident commander"),
        "{screen}"
    );
    let (x, y) = find(&buf, "[x]").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Green);
}

#[test]
fn the_footer_keeps_help_and_quit_in_view_at_the_minimum_width() {
    let f = Fixture::p2();
    let screen = text(&f.draw(80, 24));
    let footer = screen.lines().nth(22).unwrap();
    assert!(
        footer.starts_with("a assign  r release  n note"),
        "{footer}"
    );
    // Some keys are left out at 80 columns: `? more` says where they are.
    assert!(footer.ends_with("? more  q quit"), "{footer}");
}

#[test]
fn the_help_lists_every_key() {
    let mut f = Fixture::p2();
    f.app.update(Action::Help);
    // Tall enough for a sentence a key; a shorter one gets the grid.
    let screen = text(&f.draw(120, 50));
    for k in KEYS {
        assert!(screen.contains(k.long), "help lacks {}: {screen}", k.short);
    }
    f.app.update(Action::Help);
    assert!(!text(&f.draw(120, 50)).contains("any key closes"));
}

#[test]
fn a_form_shows_its_fields_and_why_it_was_refused() {
    let mut f = Fixture::p2();
    f.app.update(Action::Open(Open::Can));
    f.app.update(Action::Submit);
    let screen = text(&f.draw(100, 30));
    for label in [
        "CAN report",
        "Conditions:",
        "Actions:",
        "Needs:",
        "Reporting as ana",
    ] {
        assert!(screen.contains(label), "{label}: {screen}");
    }
    assert!(
        screen.contains("the conditions cannot be empty"),
        "{screen}"
    );
}

#[test]
fn a_picker_shows_what_matches_the_typed_text() {
    let mut f = Fixture::p2();
    f.app.update(Action::Open(Open::Stage));
    for c in "miti".chars() {
        f.app
            .update(Action::Edit(crate::tui::text_input::Edit::Insert(c)));
    }
    let screen = text(&f.draw(100, 30));
    assert!(screen.contains("› miti"), "{screen}");
    assert!(
        screen.contains("Mitigate — Stop the impact first"),
        "{screen}"
    );
    assert!(!screen.contains("Repair —"), "{screen}");
}

#[test]
fn with_no_incident_it_offers_to_declare_one_and_mentions_the_demo() {
    let f = Fixture::empty();
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("No incident is open."), "{screen}");
    assert!(screen.contains("Press D to declare one"), "{screen}");
    assert!(screen.contains("fireground demo"), "{screen}");
}

#[test]
fn a_terminal_below_the_minimum_asks_to_be_bigger_and_all_panes_fit_at_120x40() {
    let f = Fixture::p2();
    let screen = text(&f.draw(79, 24));
    assert!(screen.contains("Make the terminal bigger."), "{screen}");
    assert!(screen.contains("this one is 79x24"), "{screen}");
    let screen = text(&f.draw(120, 40));
    for pane in [
        "Timeline",
        "Comms cadence",
        "Roles",
        "CAN reports",
        "Checklist",
    ] {
        assert!(screen.contains(pane), "{pane} missing at 120x40: {screen}");
    }
    let screen = text(&f.draw(80, 24));
    for pane in ["Timeline", "Comms cadence", "Roles", "CAN reports"] {
        assert!(screen.contains(pane), "{pane} missing at 80x24: {screen}");
    }
}

#[test]
fn no_color_draws_without_any_colour() {
    let mut f = Fixture::with("P1", vec![("ana", note(NoteKind::Decision, "roll back"))]);
    f.advance(Duration::minutes(40));
    f.app.theme = Theme {
        color: false,
        contrast: crate::config::Contrast::Default,
    };
    let buf = f.draw(120, 40);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "coloured cell '{}'", cell.symbol());
        assert_eq!(cell.bg, Color::Reset);
    }
    let (x, y) = find(&buf, "update OVERDUE").unwrap();
    assert!(
        buf[(x, y)].modifier.contains(Modifier::BOLD),
        "emphasis stays"
    );
}

#[test]
fn a_multi_line_note_keeps_one_row_with_its_breaks_marked() {
    let f = Fixture::with(
        "P2",
        vec![(
            "bo",
            note(NoteKind::Command, "kubectl rollout undo\n\tdeploy/payments"),
        )],
    );
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("COMMAND       kubectl rollout undo ↵  deploy/payments"),
        "{screen}"
    );
}

#[test]
fn a_huge_synced_stage_name_never_breaks_the_header_at_80_columns() {
    let long = "s".repeat(67);
    let f = Fixture::with("P1", vec![("bo", EventKind::StageChanged { stage: long })]);
    for width in 80..=100 {
        let screen = text(&f.draw(width, 24));
        let header = screen.lines().next().unwrap();
        assert!(header.contains("open"), "{width}: {header}");
    }
}

#[test]
fn the_help_lists_every_key_even_at_80x24() {
    let mut f = Fixture::p2();
    f.app.update(Action::Help);
    let screen = text(&f.draw(80, 24));
    for k in KEYS {
        assert!(
            screen.contains(&format!("{} {}", k.label(&f.app.keys), k.short)),
            "{} missing:\n{screen}",
            k.short
        );
    }
    assert!(screen.contains("Timeline: j/k move"), "{screen}");
}

#[test]
fn with_no_incident_the_footer_offers_only_keys_that_work() {
    let f = Fixture::empty();
    let screen = text(&f.draw(80, 24));
    let footer = screen.lines().rev().find(|l| l.contains("quit")).unwrap();
    assert!(footer.contains("D declare"), "{footer}");
    assert!(!footer.contains("assign"), "{footer}");
}

#[test]
fn a_long_form_scrolls_so_the_field_being_typed_into_stays_in_view() {
    let mut f = Fixture::p2();
    f.app.update(Action::Open(Open::Can));
    // Conditions and Actions fill the box; Needs is typed below them.
    for _ in 0..2 {
        for _ in 0..700 {
            f.app
                .update(Action::Edit(crate::tui::text_input::Edit::Insert('x')));
        }
        f.app.update(Action::NextField);
    }
    for c in "the-end".chars() {
        f.app
            .update(Action::Edit(crate::tui::text_input::Edit::Insert(c)));
    }
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("the-end"), "{screen}");
}

#[test]
fn the_footer_says_who_the_console_records_as() {
    let f = Fixture::p2();
    let screen = text(&f.draw(120, 40));
    assert!(screen.contains("recording as ana"), "{screen}");
}
