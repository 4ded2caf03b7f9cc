//! `fireground demo`: a realistic sample incident, so a newcomer sees a full
//! console at once.

use chrono::{Duration, Utc};

use crate::app::{AppError, Context};
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::ids::IncidentId;

fn note(note: NoteKind, text: &str) -> EventKind {
    EventKind::Note {
        note,
        text: text.to_string(),
    }
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.to_string(),
        person: person.to_string(),
    }
}

fn can(role: &str, c: &str, a: &str, n: &str) -> EventKind {
    EventKind::CanReport {
        conditions: c.to_string(),
        actions: a.to_string(),
        needs: n.to_string(),
        role: Some(role.to_string()),
    }
}

/// The script: (minutes before now, author, event). The console's layout
/// tests draw it too, at a fixed time.
pub(crate) fn script(now: chrono::DateTime<Utc>) -> Vec<(i64, &'static str, EventKind)> {
    let at = |m: i64| now - Duration::minutes(m);
    vec![
        (
            62,
            "maria",
            EventKind::Declared {
                title: "Checkout failing for card payments".into(),
                severity: "P2".into(),
                summary: "Card payments at checkout return errors; PayPal still works.".into(),
                playbook: "default".into(),
                commander: "maria".into(),
                stage: "detect".into(),
            },
        ),
        (
            61,
            "maria",
            note(
                NoteKind::Finding,
                "Payment error rate alert fired at 4.2% (threshold 1%).",
            ),
        ),
        (
            60,
            "maria",
            EventKind::ChecklistTicked {
                stage: "detect".into(),
                item: "Confirm the signal is real, not a monitoring fault".into(),
            },
        ),
        (
            58,
            "maria",
            EventKind::SeverityChanged {
                severity: "P1".into(),
            },
        ),
        (
            58,
            "maria",
            note(
                NoteKind::Decision,
                "Raised to P1: card checkout is our main revenue path.",
            ),
        ),
        (
            57,
            "maria",
            EventKind::LinkAdded {
                label: "call".into(),
                url: "https://meet.example.com/inc-checkout".into(),
            },
        ),
        (
            57,
            "maria",
            EventKind::LinkAdded {
                label: "channel".into(),
                url: "#inc-checkout-cards".into(),
            },
        ),
        (
            56,
            "maria",
            EventKind::StageChanged {
                stage: "assemble".into(),
            },
        ),
        (55, "maria", assign("comms", "sam")),
        (54, "maria", assign("tech", "devi")),
        (53, "maria", assign("scribe", "lee")),
        (
            50,
            "sam",
            EventKind::UpdateSent {
                status: "Investigating: card payments failing at checkout.".into(),
                impact: "About 1 in 20 card payments fail; other methods work.".into(),
                action: "Payments and platform engineers are on the call.".into(),
                next_update: Some(at(20)),
            },
        ),
        (
            47,
            "devi",
            EventKind::StageChanged {
                stage: "verify".into(),
            },
        ),
        (
            45,
            "lee",
            note(
                NoteKind::Finding,
                "payments-api v2.31 was deployed four minutes before the alert fired.",
            ),
        ),
        (
            42,
            "devi",
            can(
                "tech",
                "5% of card authorisations time out after 30 s; started with the v2.31 deploy.",
                "Comparing v2.30 and v2.31 connection pool settings.",
                "Someone from the database team to check the primary's connection count.",
            ),
        ),
        (40, "maria", assign("sme:database", "omar")),
        (
            38,
            "sam",
            EventKind::ImpactSet {
                affected: "shoppers paying by card".into(),
                count: Some(1300),
                category: Some("deployment".into()),
            },
        ),
        (
            36,
            "omar",
            note(
                NoteKind::Command,
                "SELECT count(*) FROM pg_stat_activity; → 498 of 500 connections used",
            ),
        ),
        (
            33,
            "devi",
            EventKind::StageChanged {
                stage: "mitigate".into(),
            },
        ),
        (
            32,
            "devi",
            note(
                NoteKind::Destructive,
                "Rolling payments-api back to v2.30 in all regions in 2 minutes; object now.",
            ),
        ),
        (
            30,
            "maria",
            note(
                NoteKind::Decision,
                "Go for rollback; no objections on the call.",
            ),
        ),
        (
            28,
            "devi",
            note(NoteKind::Action, "Rollback to v2.30 started."),
        ),
        (
            21,
            "sam",
            EventKind::UpdateSent {
                status:
                    "Identified: a payments release exhausted database connections; rolling back."
                        .into(),
                impact: "Card payments still failing for about 5% of attempts.".into(),
                action: "Rollback under way, expected done within 15 minutes.".into(),
                next_update: None,
            },
        ),
        (
            15,
            "omar",
            can(
                "sme:database",
                "Connections back to 140 of 500 after the rollback.",
                "Watching the pool; no restarts needed.",
                "Nothing.",
            ),
        ),
        (
            12,
            "devi",
            note(
                NoteKind::Finding,
                "Error rate back under 0.3% since the rollback finished.",
            ),
        ),
        (
            10,
            "maria",
            EventKind::ActionItemAdded {
                text: "Add a connection-pool saturation alert on the payments database".into(),
                owner: Some("omar".into()),
                due: Some((now + Duration::days(7)).date_naive()),
            },
        ),
        (
            9,
            "maria",
            EventKind::ActionItemAdded {
                text: "Canary payments-api releases with real card traffic".into(),
                owner: Some("devi".into()),
                due: Some((now + Duration::days(14)).date_naive()),
            },
        ),
        (
            5,
            "lee",
            note(
                NoteKind::Note,
                "Watching for 30 minutes before calling it resolved.",
            ),
        ),
    ]
}

pub fn run(ctx: &mut Context) -> Result<(), AppError> {
    let id = IncidentId::generate();
    let now = Utc::now();
    for (minutes, author, kind) in script(now) {
        ctx.store
            .append(id, Some(now - Duration::minutes(minutes)), author, kind)?;
    }
    println!("{}", id.short());
    eprintln!(
        "Created the demo incident {} (a checkout outage an hour in). Open the console with `fireground`, or try `fireground status`.",
        id.short()
    );
    Ok(())
}
