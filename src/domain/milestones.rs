//! The moments a review measures the response by: declared, first
//! stakeholder update, mitigated and resolved.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::incident::Incident;
use super::playbook::Playbook;

/// The stage whose first entry counts as "mitigated".
pub const MITIGATE_STAGE: &str = "mitigate";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Declared,
    FirstUpdate,
    Mitigated,
    Resolved,
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Declared => "Declared",
            Milestone::FirstUpdate => "First update",
            Milestone::Mitigated => "Mitigated",
            Milestone::Resolved => "Resolved",
        }
    }
}

/// One milestone and when it was reached, if it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KeyTime {
    pub milestone: Milestone,
    pub at: Option<DateTime<Utc>>,
}

/// The four milestones, in their natural order, each with its time if the
/// log shows it.
pub fn key_times(incident: &Incident, playbook: &Playbook) -> [KeyTime; 4] {
    [
        (Milestone::Declared, Some(incident.declared_at)),
        (
            Milestone::FirstUpdate,
            incident.updates.iter().map(|u| u.at).min(),
        ),
        (Milestone::Mitigated, mitigated_at(incident, playbook)),
        (Milestone::Resolved, incident.resolved_at),
    ]
    .map(|(milestone, at)| KeyTime { milestone, at })
}

/// The first time the incident entered the mitigate stage or any stage the
/// playbook places after it: a team that went straight from dispatch to
/// repair had stopped the bleeding by then too. `None` when the playbook
/// has no mitigate stage or the incident never got that far.
pub fn mitigated_at(incident: &Incident, playbook: &Playbook) -> Option<DateTime<Utc>> {
    let position = |id: &str| {
        playbook
            .stages
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(id))
    };
    let mitigate = position(MITIGATE_STAGE)?;
    incident
        .stage_history
        .iter()
        .filter(|c| position(&c.value).is_some_and(|p| p >= mitigate))
        .map(|c| c.at)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t};

    fn stage(s: &str) -> EventKind {
        EventKind::StageChanged { stage: s.into() }
    }

    #[test]
    fn mitigated_is_the_first_entry_into_mitigate_or_beyond() {
        let pb = playbook();
        let inc = incident(&[
            (0, declared("P1")),
            (10, stage("verify")),
            (30, stage("repair")),
            (35, stage("mitigate")),
        ]);
        assert_eq!(mitigated_at(&inc, &pb), Some(t(30)));
        let never = incident(&[(0, declared("P1")), (10, stage("dispatch"))]);
        assert_eq!(mitigated_at(&never, &pb), None);
    }

    #[test]
    fn key_times_show_what_the_log_holds() {
        let inc = incident(&[
            (0, declared("P1")),
            (
                12,
                EventKind::UpdateSent {
                    status: "s".into(),
                    impact: "i".into(),
                    action: "a".into(),
                    next_update: None,
                },
            ),
            (40, stage("mitigate")),
            (
                55,
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
        ]);
        let times: Vec<_> = key_times(&inc, &playbook()).iter().map(|k| k.at).collect();
        assert_eq!(times, [Some(t(0)), Some(t(12)), Some(t(40)), Some(t(55))]);
    }
}
