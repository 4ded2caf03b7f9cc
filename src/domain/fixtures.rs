//! Test fixtures shared by the domain's unit tests: the default playbook
//! and an incident folded from events given by minute.

use chrono::{DateTime, Utc};

use super::clock::Hlc;
use super::event::{Body, Event, EventKind};
use super::ids::{EventId, IncidentId, ReplicaId};
use super::incident::Incident;
use super::playbook::Playbook;

pub fn playbook() -> Playbook {
    Playbook::parse(include_str!("../../playbooks/default.toml")).unwrap()
}

/// `min` minutes after a fixed moment.
pub fn t(min: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + min * 60, 0).unwrap()
}

/// A stakeholder update with no promised time for the next.
pub fn update() -> EventKind {
    EventKind::UpdateSent {
        status: "s".into(),
        impact: "i".into(),
        action: "a".into(),
        next_update: None,
    }
}

/// A declaration at `severity` by ana, who is incident commander.
pub fn declared(severity: &str) -> EventKind {
    EventKind::Declared {
        title: "x".into(),
        severity: severity.into(),
        summary: String::new(),
        playbook: "default".into(),
        commander: "ana".into(),
        stage: "detect".into(),
    }
}

/// The incident these events make, each at its minute, recorded by ana.
pub fn incident(events: &[(i64, EventKind)]) -> Incident {
    let inc = IncidentId::from_parts(1, 1);
    let evs: Vec<Event> = events
        .iter()
        .enumerate()
        .map(|(i, (min, k))| Event {
            incident: inc,
            seq: i as u64 + 1,
            hlc: Hlc { ms: i as i64, c: 0 },
            at: t(*min),
            ..event(i as u128 + 10, k.clone())
        })
        .collect();
    Incident::fold(inc, &evs).unwrap()
}

/// Event `n` of replica 1 (sequence `n`), by ana, unsigned.
pub fn event(n: u128, kind: EventKind) -> Event {
    Event {
        v: 1,
        id: EventId::from_parts(1, n),
        incident: IncidentId::from_parts(1, 1),
        replica: ReplicaId::from_parts(1, 1),
        seq: n as u64,
        hlc: Hlc { ms: n as i64, c: 0 },
        at: DateTime::from_timestamp(1_700_000_000 + n as i64, 0).expect("a fixed time"),
        author: "ana".into(),
        body: Body::Known(kind),
        seal: Default::default(),
    }
}
