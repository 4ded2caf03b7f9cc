//! The console driven by keys, checked by what lands in the store.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyModifiers};

use super::{Fixture, form, text};
use crate::domain::cadence::Cadence;
use crate::domain::event::{EventKind, NoteKind};
use crate::tui::Action;
use crate::tui::app::Mode;

#[test]
fn a_role_is_assigned_and_handed_over_from_keys() {
    let mut f = Fixture::with(
        "P1",
        vec![(
            "bo",
            EventKind::Note {
                note: NoteKind::Note,
                text: "here".into(),
            },
        )],
    );
    let before = f.events().len();
    f.key(KeyCode::Char('a'));
    f.type_text("comms");
    f.key(KeyCode::Enter);
    assert!(
        matches!(f.app.mode, Mode::Picker(_)),
        "second step: the person"
    );
    f.type_text("bo");
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::RoleAssigned {
            role: "comms".into(),
            person: "bo".into()
        })
    );
    assert_eq!(
        f.events().len(),
        before + 1,
        "one event, no confirmation step"
    );
    assert_eq!(f.app.incident.as_ref().unwrap().roles["comms"].person, "bo");

    // Handing over: the same flow; a name nobody has is a new person.
    f.key(KeyCode::Char('a'));
    f.type_text("communications");
    f.key(KeyCode::Enter);
    f.type_text("zoe");
    f.key(KeyCode::Enter);
    let inc = f.app.incident.as_ref().unwrap();
    assert_eq!(inc.roles["comms"].person, "zoe");
    assert_eq!(
        inc.timeline.last().unwrap().text,
        "comms: bo hands over to zoe"
    );
    assert_eq!(f.events().last().unwrap().author, "ana");
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("zoe holds Communications lead."),
        "{screen}"
    );
}

#[test]
fn a_free_form_role_is_typed_and_released_from_keys() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('a'));
    f.type_text("sme:database");
    f.key(KeyCode::Enter);
    f.key(KeyCode::Down);
    f.key(KeyCode::Enter);
    assert!(
        f.app
            .incident
            .as_ref()
            .unwrap()
            .roles
            .contains_key("sme:database")
    );
    f.key(KeyCode::Char('r'));
    f.type_text("database");
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::RoleReleased {
            role: "sme:database".into()
        })
    );
}

#[test]
fn a_role_that_does_not_exist_is_refused_and_nothing_is_written() {
    let mut f = Fixture::p2();
    let before = f.events().len();
    f.key(KeyCode::Char('a'));
    f.type_text("janitor");
    f.key(KeyCode::Enter);
    assert!(
        matches!(f.app.mode, Mode::Picker(_)),
        "the picker stays to mend"
    );
    let flash = f.app.flash.clone().unwrap();
    assert!(
        flash.error && flash.text.contains("unknown role 'janitor'"),
        "{flash:?}"
    );
    assert_eq!(f.events().len(), before);
}

#[test]
fn a_can_report_is_filed_from_its_form_for_the_role_held() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('c'));
    f.type_text("5% of card payments fail");
    f.key_with(KeyCode::Enter, KeyModifiers::ALT);
    f.type_text("since 13:58");
    f.key(KeyCode::Tab);
    f.type_text("rolling back");
    f.key(KeyCode::Tab);
    f.type_text("a DBA");
    f.key_with(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::CanReport {
            conditions: "5% of card payments fail\nsince 13:58".into(),
            actions: "rolling back".into(),
            needs: "a DBA".into(),
            role: Some("commander".into()),
        })
    );
}

#[test]
fn a_cancelled_form_writes_nothing() {
    let mut f = Fixture::p2();
    let before = f.events().len();
    f.key(KeyCode::Char('n'));
    f.type_text("half a thought");
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('y'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(f.events().len(), before);
    assert_eq!(
        f.app.flash.as_ref().unwrap().text,
        "Discarded; nothing recorded."
    );
    // Esc in a picker too.
    f.key(KeyCode::Char('v'));
    f.key(KeyCode::Esc);
    assert_eq!(f.events().len(), before);
}

#[test]
fn required_fields_are_checked_before_anything_is_written() {
    let mut f = Fixture::p2();
    let before = f.events().len();
    f.key(KeyCode::Char('c'));
    f.type_text("all fine");
    f.key(KeyCode::Enter);
    let Mode::Form(form) = &f.app.mode else {
        panic!("the form stays open");
    };
    assert_eq!(form.error.as_deref(), Some("the actions cannot be empty"));
    assert_eq!(
        form.value("conditions"),
        "all fine",
        "what was typed is kept"
    );
    assert_eq!(f.events().len(), before);
    f.key(KeyCode::Tab);
    f.type_text("r");
    let Mode::Form(form) = &f.app.mode else {
        panic!("the form stays open");
    };
    assert_eq!(form.error, None, "typing clears the refusal");
}

#[test]
fn a_note_takes_its_kind_from_the_form() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('n'));
    f.key(KeyCode::BackTab);
    f.key(KeyCode::Right);
    f.key(KeyCode::Tab);
    f.type_text("roll back now");
    f.key(KeyCode::Enter);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::Note {
            note: NoteKind::Decision,
            text: "roll back now".into()
        })
    );
}

#[test]
fn sending_an_update_from_the_prefilled_form_resets_the_timer() {
    let mut f = Fixture::with("P1", vec![]);
    f.advance(Duration::minutes(35));
    assert!(
        matches!(f.app.cadence(), Cadence::Due { remaining, .. } if remaining < Duration::zero())
    );
    f.key(KeyCode::Char('u'));
    let Mode::Form(form) = &f.app.mode else {
        panic!("update form");
    };
    assert!(
        form.value("status")
            .starts_with("P1 Checkout failing: Detect."),
        "{}",
        form.value("status")
    );
    f.key(KeyCode::Enter);
    let Some(EventKind::UpdateSent { next_update, .. }) = f.kinds().last().cloned() else {
        panic!("no update recorded");
    };
    assert_eq!(next_update, Some(f.now() + Duration::minutes(30)));
    assert!(
        matches!(f.app.cadence(), Cadence::Due { remaining, .. } if remaining == Duration::minutes(30))
    );
}

#[test]
fn severity_stage_and_checklist_are_picked_from_lists() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('v'));
    f.type_text("crit");
    f.key(KeyCode::Enter);
    f.key(KeyCode::Char('s'));
    f.type_text("mitigate");
    f.key(KeyCode::Enter);
    // The update the new stage offers, declined.
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('x'));
    f.key(KeyCode::Down);
    f.key(KeyCode::Enter);
    let kinds = f.kinds();
    let n = kinds.len();
    // Ticking it again is refused rather than recorded twice.
    f.key(KeyCode::Char('x'));
    f.key(KeyCode::Down);
    f.key(KeyCode::Enter);
    assert!(
        f.app
            .flash
            .as_ref()
            .unwrap()
            .text
            .ends_with("is already ticked")
    );
    f.key(KeyCode::Esc);
    assert_eq!(f.kinds().len(), n);
    assert_eq!(
        &kinds[n - 3..],
        &[
            EventKind::SeverityChanged {
                severity: "P1".into()
            },
            EventKind::StageChanged {
                stage: "mitigate".into()
            },
            EventKind::ChecklistTicked {
                stage: "mitigate".into(),
                item: "Announce destructive actions before running them".into()
            },
        ]
    );
}

/// A P2 incident moved to Mitigate with the stage picker.
fn moved_to_mitigate() -> Fixture {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('s'));
    f.type_text("mitigate");
    f.key(KeyCode::Enter);
    f
}

#[test]
fn moving_to_a_new_stage_offers_the_update_saying_it_and_esc_declines_it() {
    let mut f = moved_to_mitigate();
    let Mode::Form(form) = &f.app.mode else {
        panic!("the update form is offered");
    };
    assert_eq!(form.title, "Now in Mitigate: tell stakeholders?");
    assert!(
        form.value("status")
            .starts_with("P2 Checkout failing: Mitigate."),
        "{}",
        form.value("status")
    );
    let n = f.kinds().len();
    f.key(KeyCode::Esc);
    assert_eq!(f.app.mode, Mode::Normal, "one key declines");
    assert_eq!(f.kinds().len(), n, "no update recorded");
}

#[test]
fn moving_to_a_new_stage_and_pressing_enter_tells_stakeholders_of_it() {
    let mut f = moved_to_mitigate();
    f.key(KeyCode::Enter);
    let kinds = f.kinds();
    assert!(
        matches!(&kinds[kinds.len() - 2..], [
            EventKind::StageChanged { stage },
            EventKind::UpdateSent { status, .. },
        ] if stage == "mitigate" && status.contains(": Mitigate.")),
        "{kinds:?}"
    );
    assert_eq!(f.app.mode, Mode::Normal);
}

#[test]
fn the_selected_entry_is_pinned_with_p() {
    let mut f = Fixture::with(
        "P2",
        vec![(
            "bo",
            EventKind::Note {
                note: NoteKind::Finding,
                text: "v2.31 went out at 13:58".into(),
            },
        )],
    );
    f.key(KeyCode::Char('p'));
    assert!(f.app.flash.as_ref().unwrap().error, "nothing selected yet");
    f.key(KeyCode::Up);
    f.key(KeyCode::Char('p'));
    let target = f.events()[1].id;
    assert_eq!(f.kinds().last(), Some(&EventKind::Pinned { target }));
    assert!(f.app.incident.as_ref().unwrap().timeline[1].pinned);
}

#[test]
fn link_action_item_and_resolve_are_recorded_from_forms() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('l'));
    f.type_text("call");
    f.key(KeyCode::Tab);
    f.type_text("https://meet.example/x");
    f.key(KeyCode::Enter);
    f.key(KeyCode::Char('t'));
    f.type_text("Add a pool alert");
    f.key(KeyCode::Tab);
    f.type_text("bo");
    f.key(KeyCode::Tab);
    f.type_text("2026-12-01");
    f.key(KeyCode::Enter);
    f.key(KeyCode::Char('R'));
    f.type_text("rolled back");
    f.key(KeyCode::Enter);
    let kinds = f.kinds();
    let n = kinds.len();
    assert_eq!(
        &kinds[n - 3..],
        &[
            EventKind::LinkAdded {
                label: "call".into(),
                url: "https://meet.example/x".into()
            },
            EventKind::ActionItemAdded {
                text: "Add a pool alert".into(),
                owner: Some("bo".into()),
                due: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            },
            EventKind::Resolved {
                summary: "rolled back".into()
            },
        ]
    );
    assert!(f.app.incident.as_ref().unwrap().is_resolved());
}

#[test]
fn an_incident_is_declared_and_switched_to_from_keys() {
    let mut f = Fixture::p2();
    let first = f.id.unwrap();
    f.key(KeyCode::Char('D'));
    f.type_text("Search is slow");
    f.key(KeyCode::Tab);
    f.key(KeyCode::Right);
    f.key(KeyCode::Enter);
    let inc = f.app.incident.clone().unwrap();
    assert_ne!(inc.id, first);
    assert_eq!(
        (inc.title.as_str(), inc.severity.as_str()),
        ("Search is slow", "P2")
    );
    assert_eq!(inc.commander(), Some("ana"));
    f.key(KeyCode::Char('i'));
    f.type_text(&first.short());
    f.key(KeyCode::Enter);
    assert_eq!(f.app.incident.as_ref().unwrap().id, first);
}

#[test]
fn writes_by_another_process_show_on_the_next_tick_and_an_idle_tick_folds_nothing() {
    let mut f = Fixture::p2();
    let folds = f.app.folds;
    f.advance(Duration::seconds(1));
    f.advance(Duration::seconds(1));
    assert_eq!(f.app.folds, folds, "nothing changed, nothing refolded");
    let id = f.id.unwrap();
    f.write(
        id,
        "bo",
        EventKind::Note {
            note: NoteKind::Note,
            text: "from the CLI".into(),
        },
    );
    f.advance(Duration::seconds(1));
    assert_eq!(f.app.folds, folds + 1);
    assert_eq!(
        f.app
            .incident
            .as_ref()
            .unwrap()
            .timeline
            .last()
            .unwrap()
            .text,
        "from the CLI"
    );
}

#[test]
fn q_quits_and_keys_do_nothing_to_a_missing_incident() {
    let mut f = Fixture::empty();
    f.key(KeyCode::Char('n'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert!(
        f.app
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("press D to declare one")
    );
    f.app.update(Action::Redraw);
    f.key(KeyCode::Char('q'));
    assert!(f.app.quit);
}

#[test]
fn shift_s_asks_for_a_sync_once_and_writes_nothing() {
    let mut f = Fixture::with("P1", vec![]);
    let before = f.events().len();
    assert!(!f.app.take_sync_request());
    f.key(KeyCode::Char('S'));
    f.key(KeyCode::Char('S'));
    assert!(f.app.take_sync_request(), "the key asks the worker");
    assert!(!f.app.take_sync_request(), "presses fold into one request");
    assert_eq!(f.events().len(), before);
    let said = &f.app.flash.as_ref().expect("a message").text;
    assert!(
        said.contains("fireground sync"),
        "says how to set a target: {said}"
    );
}

#[test]
fn a_tick_goes_to_the_stage_its_list_was_made_for_even_if_the_stage_moved() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('x'));
    // Someone moves the incident on while the picker is open.
    let id = f.id.unwrap();
    f.write(
        id,
        "bo",
        EventKind::StageChanged {
            stage: "mitigate".into(),
        },
    );
    f.advance(Duration::seconds(1));
    f.key(KeyCode::Enter);
    match f.kinds().last() {
        Some(EventKind::ChecklistTicked { stage, .. }) => assert_eq!(stage, "detect"),
        other => panic!("expected a tick, got {other:?}"),
    }
}

#[test]
fn behind_make_the_terminal_bigger_only_quit_works() {
    let mut f = Fixture::p2();
    let before = f.events().len();
    f.app.handle_event(crossterm::event::Event::Resize(60, 20));
    f.key(KeyCode::Char('n'));
    f.type_text("blind");
    f.key(KeyCode::Enter);
    assert_eq!(
        f.app.mode,
        Mode::Normal,
        "no form opened where nobody can see it"
    );
    assert_eq!(f.events().len(), before);
    f.app.handle_event(crossterm::event::Event::Resize(80, 24));
    f.key(KeyCode::Char('n'));
    assert!(matches!(f.app.mode, Mode::Form(_)));
    f.key(KeyCode::Esc);
    f.app.handle_event(crossterm::event::Event::Resize(60, 20));
    f.key(KeyCode::Char('q'));
    assert!(f.app.quit);
}

#[test]
fn the_role_picker_puts_unfilled_roles_first_and_offers_only_free_form_names() {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('a'));
    f.type_text("comm");
    let Mode::Picker(p) = &f.app.mode else {
        panic!("a picker")
    };
    let shown = p.filtered();
    assert_eq!(
        shown[0].value, "comms",
        "the unfilled comms lead comes before the held commander"
    );
    assert!(
        !shown.iter().any(|c| c.label.starts_with("+ role")),
        "'comm' would only be refused"
    );
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('a'));
    f.type_text("sme:db");
    let Mode::Picker(p) = &f.app.mode else {
        panic!("a picker")
    };
    assert!(p.filtered().iter().any(|c| c.label == "+ role 'sme:db'"));
}

#[test]
fn a_sync_asked_for_by_key_says_how_it_went() {
    use crate::tui::action::Background;
    use crate::tui::sync_state::{SyncHealth, SyncState};
    let mut f = Fixture::p2();
    let ok = SyncState {
        health: SyncHealth::Ok,
        last_sync: None,
        events_in: 3,
        events_out: 1,
        held: 0,
        kept_apart: 0,
    };
    f.app
        .update(Action::Background(Background::Sync(ok.clone())));
    f.key(KeyCode::Char('S'));
    assert_eq!(f.app.flash.as_ref().unwrap().text, "Syncing…");
    f.app.update(Action::Background(Background::Sync(ok)));
    assert_eq!(f.app.flash.as_ref().unwrap().text, "Synced: 3 in, 1 out.");
}

#[test]
fn the_selected_entry_is_redacted_with_x_after_asking_and_esc_changes_nothing() {
    let mut f = Fixture::with(
        "P2",
        vec![(
            "bo",
            EventKind::Note {
                note: NoteKind::Note,
                text: "db password is hunter2".into(),
            },
        )],
    );
    let before = f.events().len();
    f.key(KeyCode::Up);
    f.key(KeyCode::Char('X'));
    assert!(matches!(f.app.mode, Mode::Form(_)), "it asks first");
    f.key(KeyCode::Esc);
    assert_eq!(f.events().len(), before, "Esc redacts nothing");
    f.key(KeyCode::Char('X'));
    f.type_text("pasted a secret");
    f.key(KeyCode::Enter);
    let target = f.events()[1].id;
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::Redacted {
            target,
            reason: "pasted a secret".into()
        })
    );
    let screen = text(&f.draw(120, 40));
    assert!(!screen.contains("hunter2"), "{screen}");
}

#[test]
fn redacting_on_a_git_synced_incident_says_plainly_that_git_history_keeps_the_text() {
    let note = || {
        vec![(
            "bo",
            EventKind::Note {
                note: NoteKind::Note,
                text: "db password is hunter2".into(),
            },
        )]
    };
    let mut f = Fixture::with("P2", note());
    f.key(KeyCode::Up);
    f.key(KeyCode::Char('X'));
    let screen = text(&f.draw(120, 40));
    assert!(!screen.contains("history"), "no git, no caveat: {screen}");
    f.key(KeyCode::Esc);

    let mut f = Fixture::with("P2", note());
    // Remembered as `fireground sync` would, by another process.
    crate::store::Store::open(&f.db)
        .unwrap()
        .set_sync_target("git ssh://git@example.org/ops/incidents.git")
        .unwrap();
    f.key(KeyCode::Up);
    f.key(KeyCode::Char('X'));
    let screen = text(&f.draw(120, 40));
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("history still holds it"), "{screen}");
    assert!(flat.contains("Purging git history"), "{screen}");
}

/// A console on a P2 incident with the impact form open and who is
/// affected and how many typed into it.
fn impact_typed(who: &str, count: &str) -> Fixture {
    let mut f = Fixture::p2();
    f.key(KeyCode::Char('I'));
    f.type_text(who);
    f.key(KeyCode::Tab);
    f.type_text(count);
    f
}

#[test]
fn the_impact_is_set_from_keys_and_shows_in_the_header() {
    let mut f = impact_typed("checkout customers in the EU", "1,200");
    let labels: Vec<&str> = form(&f).fields.iter().map(|field| field.label).collect();
    assert_eq!(labels, ["Who is affected", "How many", "Category"]);
    f.key(KeyCode::Tab);
    f.key(KeyCode::Right);
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(
        f.kinds().last(),
        Some(&EventKind::ImpactSet {
            affected: "checkout customers in the EU".into(),
            count: Some(1200),
            category: Some("deployment".into()),
        })
    );
    let screen = text(&f.draw(80, 24));
    let header: Vec<&str> = screen.lines().take(2).collect();
    assert!(header[0].contains("Checkout failing"), "{screen}");
    assert!(
        header[1].starts_with("IC ana")
            && header[1].ends_with("impact 1,200 checkout customers in the EU · de…"),
        "{screen}"
    );

    // Opened again, it holds what is set: a change to one field keeps the rest.
    f.key(KeyCode::Char('I'));
    f.key(KeyCode::Tab);
    f.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    f.type_text("3400");
    f.key(KeyCode::Enter);
    let held = f.app.incident.as_ref().unwrap().impact.clone().unwrap();
    assert_eq!(
        (held.affected.as_str(), held.count, held.category.as_deref()),
        (
            "checkout customers in the EU",
            Some(3400),
            Some("deployment")
        )
    );
}

#[test]
fn esc_midway_through_the_impact_form_records_nothing() {
    let mut f = impact_typed("every shopper", "lots");
    let before = f.events().len();
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('y'));
    assert_eq!(f.app.mode, Mode::Normal);
    assert_eq!(f.events().len(), before);
    assert!(f.app.incident.as_ref().unwrap().impact.is_none());
    assert!(!text(&f.draw(80, 24)).contains("impact"));
}

#[test]
fn a_count_the_console_cannot_read_keeps_the_form_open_with_why() {
    let mut f = impact_typed("every shopper", "lots");
    f.key(KeyCode::Enter);
    assert_eq!(
        form(&f).error.as_deref(),
        Some(
            "cannot read 'lots' as how many are affected; give a whole number like 1200 or 1,200, or none"
        )
    );
    assert!(f.app.incident.as_ref().unwrap().impact.is_none());
}
