//! The moments a review measures the response by: declared, first
//! stakeholder update, mitigated and resolved.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::incident::Incident;
use super::playbook::Playbook;

/// The stage whose end counts as "mitigated": impact stopped.
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

/// When the impact stopped: the first time the incident entered a stage the
/// playbook places after the mitigate stage (entering Mitigate is when the
/// work to stop the bleeding started, not when it worked); failing that,
/// when it was resolved, since the bleeding had stopped by then. `None`
/// when neither happened, or the playbook has no mitigate stage.
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
        .filter(|c| position(&c.value).is_some_and(|p| p > mitigate))
        .map(|c| c.at)
        .min()
        .or(incident.resolved_at)
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
    fn mitigated_is_when_the_mitigate_stage_was_left_for_a_later_one() {
        let pb = playbook();
        let inc = incident(&[
            (0, declared("P1")),
            (10, stage("verify")),
            (20, stage("mitigate")),
            (30, stage("repair")),
            (35, stage("mitigate")),
        ]);
        assert_eq!(mitigated_at(&inc, &pb), Some(t(30)));
        let never = incident(&[(0, declared("P1")), (10, stage("mitigate"))]);
        assert_eq!(mitigated_at(&never, &pb), None, "still mitigating");
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
        // Resolved straight from Mitigate: the bleeding stopped by then.
        assert_eq!(times, [Some(t(0)), Some(t(12)), Some(t(55)), Some(t(55))]);
    }
}
