//! Cost that does not grow with the log, without changing what anyone
//! sees: the cadence and review figures computed in one pass are those of
//! the rescanning computation they replace, and a printout streamed from
//! the database is the one made from the whole incident, in every format
//! and with every filter, on random incidents (resolved, reopened,
//! backfilled, corrected).
//!
//! More cases: `PROPTEST_CASES=500 cargo test --release --test scale`

mod common;
#[path = "../benches/support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use common::config;
use fireground::cli::print_into;
use fireground::domain::cadence::{deadline, next_update, punctuality};
use fireground::domain::clock::Hlc;
use fireground::domain::event::{Body, Event, EventKind, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};
use fireground::domain::incident::{EntryKind, Incident, Update};
use fireground::domain::playbook::Playbook;
use fireground::playbooks::Catalog;
use fireground::report::filter::Filter;
use fireground::report::review::Review;
use fireground::report::{PrintOptions, Printout, html, json, markdown, text};
use fireground::store::Store;
use fireground::zone::Zone;
use proptest::prelude::*;

/// One event of a random incident, at a minute from the declaration.
#[derive(Clone, Debug)]
enum Step {
    Note(i64),
    Severity(i64, u8),
    Update(i64, Option<i64>),
    Resolve(i64),
    Reopen(i64),
    Stage(i64, u8),
    Assign(i64, u8, u8),
    Can(i64),
    Action(i64),
    Link(i64),
    /// A correction of the event this many steps back.
    Amend(i64, usize),
    Redact(i64, usize),
    Pin(i64, usize),
}

fn minute() -> impl Strategy<Value = i64> {
    // Mostly after the declaration, some backfilled before it.
    -30i64..600
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => minute().prop_map(Step::Note),
        2 => (minute(), 0u8..4).prop_map(|(m, s)| Step::Severity(m, s)),
        4 => (minute(), prop::option::of(1i64..120)).prop_map(|(m, n)| Step::Update(m, n)),
        1 => minute().prop_map(Step::Resolve),
        1 => minute().prop_map(Step::Reopen),
        1 => (minute(), 0u8..8).prop_map(|(m, s)| Step::Stage(m, s)),
        1 => (minute(), 0u8..4, 0u8..4).prop_map(|(m, r, p)| Step::Assign(m, r, p)),
        1 => minute().prop_map(Step::Can),
        1 => minute().prop_map(Step::Action),
        1 => minute().prop_map(Step::Link),
        1 => (minute(), 1usize..6).prop_map(|(m, b)| Step::Amend(m, b)),
        1 => (minute(), 1usize..6).prop_map(|(m, b)| Step::Redact(m, b)),
        1 => (minute(), 1usize..6).prop_map(|(m, b)| Step::Pin(m, b)),
    ]
}

fn t(min: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_763_938_800 + min * 60, 0).unwrap()
}

const SEVERITIES: [&str; 4] = ["P1", "P2", "P3", "P9"];
const STAGES: [&str; 8] = [
    "detect", "assemble", "verify", "dispatch", "mitigate", "repair", "recover", "review",
];
const PEOPLE: [&str; 4] = ["ana", "bo", "cy", "dee"];

/// The events of a random incident: a P1 declaration at minute 0, then the
/// steps, each by one of four people on one of two replicas.
fn events(steps: &[Step]) -> (IncidentId, Vec<Event>) {
    let incident = IncidentId::from_parts(1_700_000_000_000, 7);
    let id = |i: usize| EventId::from_parts(1_700_000_000_000 + i as u64, i as u128 + 1);
    let mut events = Vec::new();
    let mut push = |i: usize, min: i64, kind: EventKind| {
        events.push(Event {
            v: 1,
            id: id(i),
            incident,
            replica: ReplicaId::from_parts(1, 1 + i as u128 % 2),
            seq: i as u64 + 1,
            hlc: Hlc {
                ms: t(min).timestamp_millis(),
                c: i as u32,
            },
            at: t(min),
            author: PEOPLE[i % PEOPLE.len()].into(),
            body: Body::Known(kind),
            seal: Default::default(),
        })
    };
    push(
        0,
        0,
        EventKind::Declared {
            title: "Checkout failing".into(),
            severity: "P1".into(),
            summary: "Card payments fail.".into(),
            playbook: "default".into(),
            commander: "ana".into(),
            stage: "detect".into(),
        },
    );
    for (n, s) in steps.iter().enumerate() {
        let i = n + 1;
        let back = |b: usize| id(i.saturating_sub(b));
        let (min, kind) = match s {
            Step::Note(m) => (
                *m,
                EventKind::Note {
                    note: NoteKind::ALL[i % NoteKind::ALL.len()],
                    text: format!("note {i}"),
                },
            ),
            Step::Severity(m, s) => (
                *m,
                EventKind::SeverityChanged {
                    severity: SEVERITIES[*s as usize].into(),
                },
            ),
            Step::Update(m, next) => (
                *m,
                EventKind::UpdateSent {
                    status: format!("status {i}"),
                    impact: format!("impact {i}"),
                    action: "action".into(),
                    next_update: next.map(|n| t(m + n)),
                },
            ),
            Step::Resolve(m) => (
                *m,
                EventKind::Resolved {
                    summary: format!("fixed {i}"),
                },
            ),
            Step::Reopen(m) => (
                *m,
                EventKind::Reopened {
                    reason: String::new(),
                },
            ),
            Step::Stage(m, s) => (
                *m,
                EventKind::StageChanged {
                    stage: STAGES[*s as usize].into(),
                },
            ),
            Step::Assign(m, r, p) => (
                *m,
                EventKind::RoleAssigned {
                    role: ["commander", "comms", "tech", "scribe"][*r as usize].into(),
                    person: PEOPLE[*p as usize].into(),
                },
            ),
            Step::Can(m) => (
                *m,
                EventKind::CanReport {
                    conditions: format!("conditions {i}"),
                    actions: "actions".into(),
                    needs: "needs".into(),
                    role: Some("tech".into()),
                },
            ),
            Step::Action(m) => (
                *m,
                EventKind::ActionItemAdded {
                    text: format!("item {i}"),
                    owner: Some("bo".into()),
                    due: None,
                },
            ),
            Step::Link(m) => (
                *m,
                EventKind::LinkAdded {
                    label: "call".into(),
                    url: format!("https://meet.example.com/{i}"),
                },
            ),
            Step::Amend(m, b) => (
                *m,
                EventKind::Amended {
                    target: back(*b),
                    text: format!("amended by {i}"),
                },
            ),
            Step::Redact(m, b) => (
                *m,
                EventKind::Redacted {
                    target: back(*b),
                    reason: String::new(),
                },
            ),
            Step::Pin(m, b) => (*m, EventKind::Pinned { target: back(*b) }),
        };
        push(i, min, kind);
    }
    (incident, events)
}

fn playbook() -> Playbook {
    Catalog::built_in().get("default").unwrap().clone()
}

fn folded(steps: &[Step]) -> Incident {
    let (id, events) = events(steps);
    Incident::fold(id, &events).unwrap()
}

// ---------------------------------------------------------------------------
// The computation this replaces: the clock start found by looking through
// the whole timeline, once per update.

fn rescanned_clock_start(
    incident: &Incident,
    last_update: Option<&Update>,
    at: DateTime<Utc>,
) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let reopened = incident
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Reopened && e.at <= at)
        .map(|e| e.at)
        .next_back();
    match (last_update, reopened) {
        (Some(u), Some(r)) if u.at < r => (r, None),
        (Some(u), _) => (u.at, u.next_update),
        (None, Some(r)) => (r, None),
        (None, None) => (incident.declared_at, None),
    }
}

/// Each update's deadline and lateness, as the review used to work them out.
fn rescanned_punctuality(
    incident: &Incident,
    playbook: &Playbook,
) -> Vec<(Option<DateTime<Utc>>, Option<Duration>)> {
    let mut previous: Option<&Update> = None;
    incident
        .updates
        .iter()
        .map(|u| {
            let (last, promised) = rescanned_clock_start(incident, previous, u.at);
            previous = Some(u);
            let severity = incident.severity_at(u.at);
            let since = incident
                .severity_history
                .iter()
                .rev()
                .find(|c| c.at <= u.at)
                .map_or(incident.declared_at, |c| c.at);
            let due_at = playbook
                .cadence_minutes(severity)
                .map(|every| deadline(last, promised, every, since));
            let late_by = due_at.and_then(|d| (u.at > d).then(|| u.at - d));
            (due_at, late_by)
        })
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_review_figures_are_the_same_when_computed_in_one_pass(
        steps in prop::collection::vec(step(), 0..60),
    ) {
        let pb = playbook();
        let inc = folded(&steps);
        let before = rescanned_punctuality(&inc, &pb);
        let now: Vec<_> = punctuality(&inc, &pb)
            .iter()
            .map(|p| (p.due_at, p.late_by))
            .collect();
        prop_assert_eq!(&now, &before);
        let review = Review::new(&inc, &pb);
        let judged: Vec<_> = review.updates.iter().map(|u| (u.due_at, u.late_by)).collect();
        prop_assert_eq!(&judged, &before);
        let late: Vec<Duration> = before.iter().filter_map(|(_, l)| *l).collect();
        prop_assert_eq!(&review.tally.late, &late);
        let without = before.iter().filter(|(d, _)| d.is_none()).count();
        prop_assert_eq!(review.tally.without_cadence, without);
    }

    #[test]
    fn the_comms_timer_shows_the_same_deadline_without_looking_through_the_timeline(
        steps in prop::collection::vec(step(), 0..60),
        at in -60i64..800,
    ) {
        let pb = playbook();
        let inc = folded(&steps);
        // At the moment given, and at and around every entry's moment,
        // where a reopening starts to count.
        let mut moments = vec![t(at)];
        for e in &inc.timeline {
            moments.extend([e.at - Duration::seconds(1), e.at, e.at + Duration::seconds(1)]);
        }
        for now in moments {
            // The reopenings the timeline shows by then: what the clock
            // used to look through the timeline for, every frame.
            let mut seen = inc.clone();
            seen.reopenings = inc
                .timeline
                .iter()
                .filter(|e| e.kind == EntryKind::Reopened && e.at <= now)
                .map(|e| e.at)
                .collect();
            prop_assert_eq!(next_update(&inc, &pb, now), next_update(&seen, &pb, now));
        }
    }
}

// ---------------------------------------------------------------------------
// Printing: streamed from the projection's rows, the page the whole
// incident makes.

/// `fireground print --utc` with `args` on the database at `db`, into
/// memory.
fn print(db: &std::path::Path, args: &[&str]) -> String {
    let mut line = vec!["--utc"];
    line.extend(args);
    let (ctx, args) = support::printing(db, &line);
    let mut out = Vec::new();
    print_into(&ctx, &args, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The filters a reviewer uses, as `print` takes them and as built here.
fn filters() -> Vec<(Vec<&'static str>, Filter)> {
    let kinds = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    vec![
        (vec![], Filter::default()),
        (vec!["--refs"], Filter::default()),
        (
            vec!["--pinned"],
            Filter::new(None, None, &[], true).unwrap(),
        ),
        (
            vec!["--kind", "update,reopened,role,decision"],
            Filter::new(
                None,
                None,
                &kinds(&["update", "reopened", "role", "decision"]),
                false,
            )
            .unwrap(),
        ),
        (
            vec!["--since", "2025-11-24T00:00:00Z", "--refs"],
            Filter::new(Some(t(60)), None, &[], false).unwrap(),
        ),
        (
            vec!["--until", "2025-11-24T02:00:00Z"],
            Filter::new(None, Some(t(180)), &[], false).unwrap(),
        ),
        (
            vec![
                "--since",
                "2025-11-23T23:30:00Z",
                "--until",
                "2025-11-24T03:00:00Z",
                "--kind",
                "note,can,link",
                "--pinned",
            ],
            Filter::new(
                Some(t(30)),
                Some(t(240)),
                &kinds(&["note", "can", "link"]),
                true,
            )
            .unwrap(),
        ),
    ]
}

proptest! {
    // Each case prints 28 times.
    #![proptest_config(config(24))]

    #[test]
    fn printing_an_incident_gives_the_page_its_whole_state_makes_in_every_format_and_filter(
        steps in prop::collection::vec(step(), 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (id, events) = events(&steps);
        let db = dir.path().join("fg.db");
        let mut store = Store::open(&db).unwrap();
        store.import(&events).unwrap();
        let whole = store.incident(id).unwrap().unwrap();
        prop_assert_eq!(Some(whole.clone()), Incident::fold(id, &events));
        let log = store.events(id).unwrap();
        let pb = playbook();
        for (args, filter) in filters() {
            let options = PrintOptions {
                zone: Zone::Utc,
                refs: args.contains(&"--refs"),
                filter,
            };
            let mut p = Printout::new(&whole, &pb, &options);
            let text = text::render(&p);
            let json = json::render(&p, &log) + "\n";
            // The review also says whether the log verified (its events
            // here were written unsigned).
            let found = store.verify(Some(id)).unwrap();
            p.log = Some(fireground::domain::verification::statement(&found.writers, 0));
            let made = [
                ("text", text),
                ("markdown", markdown::render(&p)),
                ("html", html::render(&p)),
                ("json", json),
            ];
            for (format, expected) in made {
                let mut line = vec!["--format", format];
                line.extend(&args);
                prop_assert_eq!(print(&db, &line), expected, "{} {:?}", format, args);
            }
        }
    }
}
