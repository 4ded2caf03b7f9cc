//! The stakeholder update draft: the playbook's template filled from the
//! incident's current state, so the comms lead edits rather than types.

use chrono::{DateTime, Utc};

use super::incident::Incident;
use super::playbook::{Playbook, fill_template};
use super::redaction::REDACTED;
use super::when::human_duration;

/// The three parts of a stakeholder update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub status: String,
    pub impact: String,
    pub action: String,
}

/// Fills the playbook's update template from the incident at `now`.
pub fn update_draft(incident: &Incident, playbook: &Playbook, now: DateTime<Utc>) -> Draft {
    let latest = incident.can_reports.last();
    let severity_name = playbook
        .severity(&incident.severity)
        .map_or_else(|| incident.severity.clone(), |s| s.name.clone());
    let stage_name = playbook
        .stage(&incident.stage)
        .map_or_else(|| incident.stage.clone(), |s| s.name.clone());
    // Impact is what stakeholders were last told, else the declaration's
    // summary: a responder's internal CAN report is the last resort, not
    // the first, for words that go out to customers.
    // Redacted words are never offered for sending again.
    let usable = |s: &str| !s.is_empty() && s != REDACTED;
    let told = incident
        .updates
        .last()
        .map(|u| u.impact.clone())
        .filter(|i| usable(i));
    let impact = match (told, latest) {
        (Some(i), _) => i,
        _ if usable(&incident.summary) => incident.summary.clone(),
        (None, Some(r)) if !r.conditions.is_empty() => r.conditions.clone(),
        _ => "Under investigation.".to_string(),
    };
    let actions = match latest {
        Some(r) if !r.actions.is_empty() => r.actions.clone(),
        _ => "Responders are investigating.".to_string(),
    };
    let values = [
        ("title", incident.title.clone()),
        ("severity", incident.severity.clone()),
        ("severity_name", severity_name),
        ("stage", incident.stage.clone()),
        ("stage_name", stage_name),
        ("elapsed", human_duration(now - incident.declared_at)),
        (
            "commander",
            incident.commander().unwrap_or("unassigned").to_string(),
        ),
        ("summary", incident.summary.clone()),
        ("impact", impact),
        ("actions", actions),
        ("needs", latest.map(|r| r.needs.clone()).unwrap_or_default()),
    ];
    let t = &playbook.update_template;
    Draft {
        status: fill_template(&t.status, &values),
        impact: fill_template(&t.impact, &values),
        action: fill_template(&t.action, &values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t};

    fn can(conditions: &str) -> EventKind {
        EventKind::CanReport {
            conditions: conditions.into(),
            actions: "rolling back".into(),
            needs: "nothing".into(),
            role: None,
        }
    }

    #[test]
    fn the_impact_is_what_stakeholders_were_last_told_not_an_internal_report() {
        let first = incident(&[(0, declared("P1")), (5, can("support queue 3x normal"))]);
        assert_eq!(
            update_draft(&first, &playbook(), t(6)).impact,
            "support queue 3x normal"
        );
        let later = incident(&[
            (0, declared("P1")),
            (
                10,
                EventKind::UpdateSent {
                    status: "Investigating".into(),
                    impact: "5% of card payments fail".into(),
                    action: "rolling back".into(),
                    next_update: None,
                },
            ),
            (12, can("support queue 3x normal")),
        ]);
        let d = update_draft(&later, &playbook(), t(13));
        assert_eq!(d.impact, "5% of card payments fail");
        assert_eq!(
            d.action, "rolling back",
            "the latest actions still feed the draft"
        );
        let mut redacted = later.clone();
        redacted.updates[0].impact = REDACTED.into();
        let d = update_draft(&redacted, &playbook(), t(13));
        assert_eq!(d.impact, "support queue 3x normal", "never '[redacted]'");
    }
}
