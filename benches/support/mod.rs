//! A large, realistic incident for benchmarks: a long P1 with notes, role
//! hand-overs, CAN reports and updates from several replicas.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use fireground::domain::clock::Hlc;
use fireground::domain::event::{Body, Event, EventKind, FORMAT_VERSION, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};

/// `n` events of one incident, spread over replicas and a day and a half.
pub fn incident_events(n: usize) -> (IncidentId, Vec<Event>) {
    let incident = IncidentId::from_parts(1_700_000_000_000, 7);
    let replicas: Vec<ReplicaId> = (0..4)
        .map(|r| ReplicaId::from_parts(1_700_000_000_000, 100 + r))
        .collect();
    let people = ["maria", "sam", "devi", "lee", "omar"];
    let start: DateTime<Utc> = DateTime::from_timestamp(1_700_000_000, 0).expect("a valid time");
    let mut seqs = [0u64; 4];
    let events = (0..n)
        .map(|i| {
            let r = i % replicas.len();
            seqs[r] += 1;
            let at = start + Duration::milliseconds(i as i64 * 1_300);
            let kind = if i == 0 {
                EventKind::Declared {
                    title: "Checkout failing for card payments".into(),
                    severity: "P1".into(),
                    summary: "Card payments fail at checkout.".into(),
                    playbook: "default".into(),
                    commander: "maria".into(),
                    stage: "detect".into(),
                }
            } else {
                match i % 50 {
                    0 => EventKind::RoleAssigned {
                        role: ["comms", "tech", "scribe"][i % 3].into(),
                        person: people[i % people.len()].into(),
                    },
                    1 => EventKind::CanReport {
                        conditions: format!("error rate {}%", i % 7),
                        actions: "rolling back payments-api".into(),
                        needs: "a database expert".into(),
                        role: Some("tech".into()),
                    },
                    2 => EventKind::UpdateSent {
                        status: "Mitigating".into(),
                        impact: "Some card payments fail".into(),
                        action: "Rollback in progress".into(),
                        next_update: None,
                    },
                    _ => EventKind::Note {
                        note: NoteKind::ALL[i % NoteKind::ALL.len()],
                        text: format!(
                            "observation {i}: p99 latency {} ms on checkout-api, pool at {}%",
                            200 + i % 900,
                            i % 100
                        ),
                    },
                }
            };
            Event {
                v: FORMAT_VERSION,
                id: EventId::from_parts(at.timestamp_millis() as u64, i as u128),
                incident,
                replica: replicas[r],
                seq: seqs[r],
                hlc: Hlc {
                    ms: at.timestamp_millis(),
                    c: 0,
                },
                at,
                author: people[i % people.len()].to_string(),
                body: Body::Known(kind),
            }
        })
        .collect();
    (incident, events)
}
