//! The comms cadence: when the next stakeholder update is due, and whether
//! each update that was sent went out on time.

use chrono::{DateTime, Duration, Utc};

use super::incident::{Incident, Update};
use super::playbook::Playbook;

/// Inside this window before the deadline, the timer warns.
pub const WARN_BEFORE: Duration = Duration::minutes(5);

/// Where the cadence stands right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// The severity has no fixed cadence, or the incident is resolved.
    None,
    Due {
        due_at: DateTime<Utc>,
        /// Minutes between updates at the severity in force.
        every: u32,
        /// Positive: time left; negative: how late.
        remaining: Duration,
    },
}

/// How urgent the next update is, for colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    Calm,
    Soon,
    Overdue,
}

impl Cadence {
    pub fn urgency(&self) -> Urgency {
        match self {
            Cadence::None => Urgency::Calm,
            Cadence::Due { remaining, .. } if *remaining < Duration::zero() => Urgency::Overdue,
            Cadence::Due { remaining, .. } if *remaining <= WARN_BEFORE => Urgency::Soon,
            Cadence::Due { .. } => Urgency::Calm,
        }
    }
}

/// The deadline for the next update, given the last one (or the declaration)
/// and the cadence in force. A promised "next update at" wins: stakeholders
/// were told to expect it then. Raising the severity never makes the
/// deadline earlier than the moment it was raised.
pub fn deadline(
    last_sent: DateTime<Utc>,
    promised: Option<DateTime<Utc>>,
    every: u32,
    severity_since: DateTime<Utc>,
) -> DateTime<Utc> {
    let by_cadence = last_sent + Duration::minutes(i64::from(every));
    let due = match promised {
        // What stakeholders were told wins, sooner or later than the
        // cadence: it is the commitment they are waiting on.
        Some(p) if severity_since <= last_sent => p,
        // The severity changed since: the new cadence may bring it forward.
        Some(p) => p.min(by_cadence),
        None => by_cadence,
    };
    due.max(severity_since)
}

/// The state of the cadence at `now`. Reads only the incident's latest
/// records, never its timeline: the console asks several times a frame.
pub fn next_update(incident: &Incident, playbook: &Playbook, now: DateTime<Utc>) -> Cadence {
    if incident.is_resolved() {
        return Cadence::None;
    }
    let Some(every) = playbook.cadence_minutes(&incident.severity) else {
        return Cadence::None;
    };
    let reopened = incident
        .reopenings
        .iter()
        .rev()
        .find(|r| **r <= now)
        .copied();
    let (base, promised) = clock_start(incident, incident.updates.last(), reopened);
    let due_at = deadline(base, promised, every, incident.severity_since());
    Cadence::Due {
        due_at,
        every,
        remaining: due_at - now,
    }
}

/// Where the cadence clock started: the last update sent (and what it
/// promised), or the declaration; a reopening (the last one by then)
/// restarts the clock, so the time an incident spent resolved never counts
/// as late.
fn clock_start(
    incident: &Incident,
    last_update: Option<&Update>,
    reopened: Option<DateTime<Utc>>,
) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    match (last_update, reopened) {
        (Some(u), Some(r)) if u.at < r => (r, None),
        (Some(u), _) => (u.at, u.next_update),
        (None, Some(r)) => (r, None),
        (None, None) => (incident.declared_at, None),
    }
}

/// One sent update judged against the cadence in force before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Punctuality {
    pub at: DateTime<Utc>,
    /// `None` where no cadence applied (e.g. P3).
    pub due_at: Option<DateTime<Utc>>,
    /// How late it went out; zero or `None` means on time.
    pub late_by: Option<Duration>,
}

/// Every update of the incident, each judged against the deadline that was
/// running when it was sent. One pass: updates, reopenings and severity
/// changes are all in the agreed order, which is by time, so the
/// reopening and the severity in force at each update are found by moving
/// forward, never by looking back through the incident.
pub fn punctuality(incident: &Incident, playbook: &Playbook) -> Vec<Punctuality> {
    let mut previous: Option<&Update> = None;
    let mut reopenings = incident.reopenings.iter().peekable();
    let mut reopened = None;
    let history = &incident.severity_history;
    // How many severity changes came at or before the update.
    let mut changes = 0;
    incident
        .updates
        .iter()
        .map(|u| {
            while let Some(r) = reopenings.next_if(|r| **r <= u.at) {
                reopened = Some(*r);
            }
            while changes < history.len() && history[changes].at <= u.at {
                changes += 1;
            }
            let (last, promised) = clock_start(incident, previous, reopened);
            previous = Some(u);
            let (severity, since) = match changes.checked_sub(1).map(|i| &history[i]) {
                Some(c) => (c.value.as_str(), c.at),
                // Before any change (a backfilled update): the first
                // severity, under the declaration's clock.
                None => (
                    history
                        .first()
                        .map_or(incident.severity.as_str(), |c| c.value.as_str()),
                    incident.declared_at,
                ),
            };
            let due_at = playbook
                .cadence_minutes(severity)
                .map(|every| deadline(last, promised, every, since));
            let late_by = due_at.and_then(|d| (u.at > d).then(|| u.at - d));
            Punctuality {
                at: u.at,
                due_at,
                late_by,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t};

    fn update(next: Option<DateTime<Utc>>) -> EventKind {
        EventKind::UpdateSent {
            status: "s".into(),
            impact: "i".into(),
            action: "a".into(),
            next_update: next,
        }
    }

    #[test]
    fn p1_is_due_thirty_minutes_after_the_last_update() {
        let inc = incident(&[(0, declared("P1")), (10, update(None))]);
        let c = next_update(&inc, &playbook(), t(22));
        assert_eq!(
            c,
            Cadence::Due {
                due_at: t(40),
                every: 30,
                remaining: Duration::minutes(18)
            }
        );
        assert_eq!(c.urgency(), Urgency::Calm);
        assert_eq!(
            next_update(&inc, &playbook(), t(36)).urgency(),
            Urgency::Soon
        );
        assert_eq!(
            next_update(&inc, &playbook(), t(41)).urgency(),
            Urgency::Overdue
        );
    }

    #[test]
    fn changing_severity_changes_the_deadline_at_once() {
        let inc = incident(&[
            (0, declared("P2")),
            (
                5,
                EventKind::SeverityChanged {
                    severity: "P1".into(),
                },
            ),
        ]);
        let Cadence::Due { due_at, every, .. } = next_update(&inc, &playbook(), t(6)) else {
            panic!()
        };
        assert_eq!((due_at, every), (t(30), 30));
        let inc = incident(&[
            (0, declared("P2")),
            (
                5,
                EventKind::SeverityChanged {
                    severity: "P3".into(),
                },
            ),
        ]);
        assert_eq!(next_update(&inc, &playbook(), t(6)), Cadence::None);
    }

    #[test]
    fn raising_the_severity_late_makes_an_update_due_now_not_in_the_past() {
        let inc = incident(&[
            (0, declared("P3")),
            (
                120,
                EventKind::SeverityChanged {
                    severity: "P1".into(),
                },
            ),
        ]);
        let Cadence::Due { due_at, .. } = next_update(&inc, &playbook(), t(121)) else {
            panic!()
        };
        assert_eq!(due_at, t(120));
    }

    #[test]
    fn a_promised_earlier_update_is_the_deadline() {
        let inc = incident(&[(0, declared("P2")), (10, update(Some(t(25))))]);
        let Cadence::Due { due_at, .. } = next_update(&inc, &playbook(), t(11)) else {
            panic!()
        };
        assert_eq!(due_at, t(25));
    }

    #[test]
    fn time_spent_resolved_never_counts_as_late() {
        let inc = incident(&[
            (0, declared("P1")),
            (10, update(None)),
            (
                20,
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
            (
                600,
                EventKind::Reopened {
                    reason: String::new(),
                },
            ),
            (625, update(None)),
        ]);
        let p = punctuality(&inc, &playbook());
        assert_eq!(p[1].late_by, None, "due 30 min after the reopening");
        let inc = incident(&[
            (0, declared("P1")),
            (
                10,
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
            (
                600,
                EventKind::Reopened {
                    reason: String::new(),
                },
            ),
        ]);
        let Cadence::Due { due_at, .. } = next_update(&inc, &playbook(), t(601)) else {
            panic!()
        };
        assert_eq!(due_at, t(630));
    }

    #[test]
    fn a_later_promise_is_kept_until_the_severity_changes() {
        let inc = incident(&[(0, declared("P1")), (10, update(Some(t(55))))]);
        let Cadence::Due { due_at, .. } = next_update(&inc, &playbook(), t(11)) else {
            panic!()
        };
        assert_eq!(due_at, t(55), "stakeholders were told 45 minutes");
        let raised = incident(&[
            (0, declared("P2")),
            (10, update(Some(t(70)))),
            (
                20,
                EventKind::SeverityChanged {
                    severity: "P1".into(),
                },
            ),
        ]);
        let Cadence::Due { due_at, .. } = next_update(&raised, &playbook(), t(21)) else {
            panic!()
        };
        assert_eq!(due_at, t(40), "raising to P1 brings it forward");
    }

    #[test]
    fn a_resolved_incident_has_no_timer() {
        let inc = incident(&[
            (0, declared("P1")),
            (
                10,
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
        ]);
        assert_eq!(next_update(&inc, &playbook(), t(50)), Cadence::None);
    }

    #[test]
    fn punctuality_counts_how_late_each_update_was() {
        let inc = incident(&[
            (0, declared("P1")),
            (20, update(None)),
            (54, update(None)),
            (70, update(None)),
        ]);
        let p = punctuality(&inc, &playbook());
        assert_eq!(p[0].late_by, None);
        assert_eq!(p[1].late_by, Some(Duration::minutes(4)));
        assert_eq!(p[2].late_by, None);
    }
}
