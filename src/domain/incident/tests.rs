use super::*;
use crate::domain::event::{Body, Event, EventKind, FORMAT_VERSION, NoteKind};
use crate::domain::ids::{EventId, ReplicaId};
use proptest::prelude::*;

struct Log {
    incident: IncidentId,
    events: Vec<Event>,
}

impl Log {
    fn new() -> Log {
        Log {
            incident: IncidentId::from_parts(1_000, 42),
            events: Vec::new(),
        }
    }

    /// Records `kind` at minute `min` by `who` on replica `replica`.
    fn add(&mut self, replica: u128, min: i64, who: &str, kind: EventKind) -> EventId {
        let seq = self
            .events
            .iter()
            .filter(|e| e.replica == ReplicaId::from_parts(1, replica))
            .count() as u64
            + 1;
        let id = EventId::from_parts(
            2_000 + self.events.len() as u64,
            replica * 1000 + seq as u128,
        );
        let at = DateTime::from_timestamp(1_700_000_000 + min * 60, 0).unwrap();
        self.events.push(Event {
            v: FORMAT_VERSION,
            id,
            incident: self.incident,
            replica: ReplicaId::from_parts(1, replica),
            seq,
            hlc: Hlc {
                ms: at.timestamp_millis(),
                c: 0,
            },
            at,
            author: who.into(),
            body: Body::Known(kind),
            seal: Default::default(),
        });
        id
    }
}

fn declared(commander: &str) -> EventKind {
    EventKind::Declared {
        title: "Checkout failing".into(),
        severity: "P2".into(),
        summary: String::new(),
        playbook: "default".into(),
        commander: commander.into(),
        stage: "detect".into(),
    }
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

fn busy_log() -> Log {
    let mut log = Log::new();
    log.add(1, 0, "ana", declared("ana"));
    log.add(2, 3, "bo", assign("tech", "bo"));
    log.add(
        1,
        5,
        "ana",
        EventKind::SeverityChanged {
            severity: "P1".into(),
        },
    );
    log.add(
        3,
        5,
        "cy",
        EventKind::SeverityChanged {
            severity: "P2".into(),
        },
    );
    log.add(1, 10, "ana", assign("commander", "dee"));
    log.add(
        2,
        12,
        "bo",
        EventKind::StageChanged {
            stage: "mitigate".into(),
        },
    );
    let note = log.add(
        3,
        14,
        "cy",
        EventKind::Note {
            note: NoteKind::Finding,
            text: "bad deploy".into(),
        },
    );
    log.add(
        1,
        20,
        "dee",
        EventKind::Amended {
            target: note,
            text: "bad deploy of api 2.3".into(),
        },
    );
    log.add(
        2,
        21,
        "bo",
        EventKind::RoleReleased {
            role: "tech".into(),
        },
    );
    log.add(
        3,
        22,
        "cy",
        EventKind::CanReport {
            conditions: "errors at 5%".into(),
            actions: "rolling back".into(),
            needs: "db access".into(),
            role: Some("tech".into()),
        },
    );
    log
}

/// Every kind of event, with ties in `at` across replicas and
/// corrections that point at events from other replicas.
fn rich_log() -> Log {
    let mut log = busy_log();
    let can = log.events.last().unwrap().id;
    log.add(
        1,
        22,
        "dee",
        EventKind::UpdateSent {
            status: "rolling back".into(),
            impact: "5% of checkouts".into(),
            action: "rollback".into(),
            next_update: None,
        },
    );
    let item = log.add(
        2,
        23,
        "bo",
        EventKind::ActionItemAdded {
            text: "alert on pool".into(),
            owner: Some("cy".into()),
            due: None,
        },
    );
    log.add(3, 23, "cy", EventKind::ActionItemDone { item });
    log.add(
        1,
        23,
        "dee",
        EventKind::Redacted {
            target: can,
            reason: String::new(),
        },
    );
    log.add(
        2,
        24,
        "bo",
        EventKind::ChecklistTicked {
            stage: "mitigate".into(),
            item: "roll back".into(),
        },
    );
    log.add(
        3,
        24,
        "cy",
        EventKind::LinkAdded {
            label: "call".into(),
            url: "https://x".into(),
        },
    );
    log.add(
        1,
        25,
        "dee",
        EventKind::Resolved {
            summary: "ok".into(),
        },
    );
    log.add(
        2,
        25,
        "bo",
        EventKind::Reopened {
            reason: "errors again".into(),
        },
    );
    log.add(3, 25, "cy", assign("tech", "cy"));
    log.add(2, 25, "bo", assign("tech", "bo"));
    log.add(3, 24, "cy", impact("EU shoppers", Some(40), None));
    log.add(
        1,
        24,
        "dee",
        impact("all shoppers", None, Some("deployment")),
    );
    log.add(1, 26, "dee", EventKind::Pinned { target: item });
    log
}

#[test]
fn ties_in_time_break_by_replica_and_sets_grow() {
    let log = rich_log();
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(
        inc.roles["tech"].person, "cy",
        "replica 3 sorts after replica 2 at the same moment"
    );
    assert!(!inc.is_resolved(), "reopened after resolving");
    assert!(inc.action_items[0].done_at.is_some());
    assert_eq!(inc.can_reports[0].needs, "[redacted]");
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.pinned && e.kind == EntryKind::ActionItem)
    );
    assert_eq!(
        (inc.updates.len(), inc.links.len(), inc.ticks.len()),
        (1, 1, 1)
    );
}

#[test]
fn role_changes_keep_their_history() {
    let log = busy_log();
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(inc.commander(), Some("dee"));
    let ic: Vec<_> = inc
        .role_spans
        .iter()
        .filter(|s| s.role == "commander")
        .collect();
    assert_eq!(ic.len(), 2);
    assert_eq!(ic[0].person, "ana");
    assert_eq!(
        ic[0].to,
        Some(ic[1].from),
        "ana held IC until dee took over"
    );
    assert_eq!(ic[1].to, None);
    let tech = inc.role_spans.iter().find(|s| s.role == "tech").unwrap();
    assert_eq!(tech.person, "bo");
    assert!(tech.to.is_some(), "bo released tech");
    assert!(!inc.roles.contains_key("tech"));
}

#[test]
fn single_values_are_last_writer_wins_in_the_agreed_order() {
    let log = busy_log();
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    // Both severity changes happened at minute 5; replica 3 sorts after 1.
    assert_eq!(inc.severity, "P2");
    assert_eq!(inc.stage, "mitigate");
}

#[test]
fn corrections_apply_to_their_target() {
    let log = busy_log();
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    let finding = inc
        .timeline
        .iter()
        .find(|e| e.kind == EntryKind::Note(NoteKind::Finding))
        .unwrap();
    assert_eq!(finding.text, "bad deploy of api 2.3");
    assert!(finding.amended);
}

#[test]
fn a_redaction_hides_text_everywhere() {
    let mut log = busy_log();
    let can = log.events.last().unwrap().id;
    log.add(
        1,
        30,
        "dee",
        EventKind::Redacted {
            target: can,
            reason: "pasted a secret".into(),
        },
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(inc.can_reports[0].needs, "[redacted]");
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.redacted && e.text == "[redacted]")
    );
    assert!(!format!("{inc:?}").contains("db access"));
}

#[test]
fn a_redacted_link_loses_its_address() {
    let mut log = busy_log();
    let link = log.add(
        2,
        31,
        "bo",
        EventKind::LinkAdded {
            label: "dashboard".into(),
            url: "https://grafana.example.com/?token=s3cret".into(),
        },
    );
    log.add(
        1,
        32,
        "dee",
        EventKind::Redacted {
            target: link,
            reason: "token in the URL".into(),
        },
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(inc.links[0].url, "[redacted]");
    assert!(!format!("{inc:?}").contains("s3cret"));
}

#[test]
fn redacting_the_declaration_hides_the_title_and_summary() {
    let mut log = busy_log();
    let declaration = log.events[0].id;
    log.add(
        1,
        40,
        "dee",
        EventKind::Redacted {
            target: declaration,
            reason: String::new(),
        },
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(inc.title, "[redacted]");
    assert!(!format!("{inc:?}").contains("Checkout failing"));
}

/// The texts of the entries of `kind`, as people read them by the
/// default playbook.
fn read(inc: &Incident, kind: EntryKind) -> Vec<String> {
    let pb = crate::domain::fixtures::playbook();
    inc.timeline
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.text_for(&pb).into_owned())
        .collect()
}

#[test]
fn role_entries_read_with_the_playbook_s_names() {
    let log = busy_log();
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    let pb = crate::domain::fixtures::playbook();
    assert_eq!(
        read(&inc, EntryKind::Role),
        [
            "bo takes Technical lead",
            "Incident commander: ana hands over to dee",
            "bo releases Technical lead"
        ]
    );
    assert_eq!(
        inc.timeline[1].text, "bo takes tech",
        "the stored text keeps the id"
    );
    let stage = inc
        .timeline
        .iter()
        .find(|e| e.kind == EntryKind::Stage)
        .unwrap();
    assert_eq!(stage.text_for(&pb), "Stage Detect → Mitigate");
}

fn impact(affected: &str, count: Option<u64>, category: Option<&str>) -> EventKind {
    EventKind::ImpactSet {
        affected: affected.into(),
        count,
        category: category.map(str::to_string),
    }
}

#[test]
fn the_latest_impact_in_the_agreed_order_holds_even_when_synced_late() {
    let mut log = Log::new();
    log.add(1, 0, "ana", declared("ana"));
    log.add(
        1,
        10,
        "ana",
        impact("EU checkout customers", Some(1200), None),
    );
    // Set on replica 2 at minute 20, but it reaches this log last.
    let late = log.add(
        2,
        20,
        "bo",
        impact("all checkout customers", None, Some("data")),
    );
    log.events.rotate_right(1);
    log.add(
        3,
        15,
        "cy",
        impact("EU customers", Some(900), Some("deployment")),
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    let held = inc.impact.as_ref().unwrap();
    assert_eq!(held.id, late);
    assert_eq!(
        (held.affected.as_str(), held.count, held.category.as_deref()),
        ("all checkout customers", None, Some("data"))
    );
    assert_eq!(held.author, "bo");
    assert_eq!(
        read(&inc, EntryKind::Impact),
        [
            "Impact: EU checkout customers (about 1,200)",
            "Impact: EU customers (about 900) · Deployment regression",
            "Impact: all checkout customers · Data issue",
        ]
    );
}

#[test]
fn a_redacted_impact_keeps_its_count_and_category_but_not_its_words() {
    let mut log = Log::new();
    log.add(1, 0, "ana", declared("ana"));
    let set = log.add(
        1,
        1,
        "ana",
        impact("customers of acme-secret-co", Some(3), Some("data")),
    );
    log.add(
        1,
        2,
        "ana",
        EventKind::Redacted {
            target: set,
            reason: String::new(),
        },
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    let held = inc.impact.as_ref().unwrap();
    assert_eq!(
        (held.affected.as_str(), held.count),
        ("[redacted]", Some(3))
    );
    assert!(!format!("{inc:?}").contains("acme"));
    assert_eq!(read(&inc, EntryKind::Impact), ["[redacted]"]);
}

#[test]
fn text_from_the_log_is_sanitised() {
    let mut log = Log::new();
    log.add(1, 0, "ana\u{1b}[2J", declared("ana"));
    log.add(
        1,
        1,
        "ana",
        EventKind::Note {
            note: NoteKind::Note,
            text: "hi\u{1b}]0;owned\u{7} there".into(),
        },
    );
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    assert_eq!(inc.timeline[1].text, "hi there");
    assert_eq!(inc.declared_by, "ana");
}

#[test]
fn without_a_declaration_there_is_no_incident() {
    let mut log = Log::new();
    log.add(
        1,
        0,
        "ana",
        EventKind::Note {
            note: NoteKind::Note,
            text: "x".into(),
        },
    );
    assert!(Incident::fold(log.incident, &log.events).is_none());
}

proptest! {
    #[test]
    fn the_fold_is_the_same_for_any_arrival_order(seed in any::<u64>()) {
        let log = rich_log();
        let expected = Incident::fold(log.incident, &log.events).unwrap();
        let mut shuffled = log.events.clone();
        // A deterministic shuffle from the seed (Fisher-Yates on an LCG).
        let mut x = seed;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(Incident::fold(log.incident, &shuffled).unwrap(), expected);
    }
}

/// The fold as it was first written: every event's effect in order, then
/// every correction in order. The fold now applies each correction as soon
/// as its target is folded; this keeps the old definition to hold it to.
fn corrections_last(id: IncidentId, events: &[Event]) -> Option<Incident> {
    let mut mine: Vec<&Event> = events
        .iter()
        .filter(|e| e.incident == id && e.known().is_some())
        .collect();
    mine.sort_by_key(|e| e.order_key());
    let declaration = mine
        .iter()
        .find(|e| matches!(e.known(), Some(EventKind::Declared { .. })))?;
    let mut inc = Incident::from_declaration(declaration)?;
    for e in &mine {
        inc.apply(e);
    }
    let index: std::collections::HashMap<EventId, usize> = inc
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id, i))
        .collect();
    for e in mine
        .iter()
        .filter(|e| e.known().and_then(EventKind::corrects).is_some())
    {
        inc.correct(e, |id| index.get(&id).copied());
    }
    Some(inc)
}

/// A log of notes, records and corrections naming any event (earlier,
/// later, or none), at random minutes: corrections often sort before what
/// they correct.
fn corrected_log(steps: &[(u8, u8, i8, u8)]) -> Log {
    let mut log = Log::new();
    log.add(1, 0, "ana", declared("ana"));
    let mut ids = vec![];
    for (i, &(what, target, min, replica)) in steps.iter().enumerate() {
        let target = ids
            .get(target as usize % (ids.len() + 1))
            .copied()
            .unwrap_or(EventId::from_parts(1, 1));
        let kind = match what % 8 {
            0 => EventKind::Amended {
                target,
                text: format!("amended {i}"),
            },
            1 => EventKind::Redacted {
                target,
                reason: String::new(),
            },
            2 => EventKind::Pinned { target },
            3 => EventKind::ActionItemDone { item: target },
            4 => EventKind::ActionItemAdded {
                text: format!("item {i}"),
                owner: None,
                due: None,
            },
            5 => EventKind::LinkAdded {
                label: format!("l{i}"),
                url: "https://example.com".into(),
            },
            6 => declared("bo"),
            _ => EventKind::Note {
                note: NoteKind::Finding,
                text: format!("note {i}"),
            },
        };
        ids.push(log.add(u128::from(replica % 3) + 1, i64::from(min), "cy", kind));
    }
    log
}

#[test]
fn a_correction_that_sorts_before_its_target_still_applies() {
    let mut log = Log::new();
    log.add(1, 0, "ana", declared("ana"));
    let later = EventId::from_parts(2_003, 1_003);
    log.add(
        1,
        2,
        "ana",
        EventKind::Redacted {
            target: later,
            reason: String::new(),
        },
    );
    log.add(
        2,
        1,
        "bo",
        EventKind::Amended {
            target: later,
            text: "amended first".into(),
        },
    );
    let id = log.add(
        1,
        3,
        "ana",
        EventKind::Note {
            note: NoteKind::Note,
            text: "the secret".into(),
        },
    );
    assert_eq!(id, later);
    let inc = Incident::fold(log.incident, &log.events).unwrap();
    let entry = inc.timeline.iter().find(|e| e.id == later).unwrap();
    assert_eq!(
        (entry.text.as_str(), entry.amended, entry.redacted),
        ("[redacted]", true, true),
        "amended, then redacted, in the agreed order"
    );
    assert_eq!(Some(inc), corrections_last(log.incident, &log.events));
}

proptest! {
    #[test]
    fn applying_corrections_as_their_targets_fold_is_applying_them_last(
        steps in prop::collection::vec((any::<u8>(), any::<u8>(), -5i8..30, any::<u8>()), 0..40)
    ) {
        let log = corrected_log(&steps);
        prop_assert_eq!(
            Incident::fold(log.incident, &log.events),
            corrections_last(log.incident, &log.events)
        );
    }
}
