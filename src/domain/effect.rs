//! Whether a recorded change holds. A change backfilled with `--at` sorts
//! before anything recorded later, so a later change still decides the
//! value; the user must hear that rather than read "done".

use super::event::EventKind;
use super::incident::Incident;

/// Why `kind`, just recorded, does not decide the incident's state: what
/// holds instead. `None` when it took effect, or when it has no single
/// value to take (notes, reports and other entries only add).
pub fn superseded(incident: &Incident, kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::SeverityChanged { severity } if *severity != incident.severity => Some(format!(
            "a later change keeps the severity at {}",
            incident.severity
        )),
        EventKind::StageChanged { stage } if *stage != incident.stage => Some(format!(
            "a later change keeps the incident in {}",
            incident.stage
        )),
        EventKind::RoleAssigned { role, person } => match incident.roles.get(role) {
            Some(h) if h.person == *person => None,
            Some(h) => Some(format!("a later change gave {role} to {}", h.person)),
            None => Some(format!("a later change released {role}")),
        },
        EventKind::RoleReleased { role } => incident
            .roles
            .get(role)
            .map(|h| format!("a later change gave {role} to {}", h.person)),
        EventKind::ImpactSet {
            affected,
            count,
            category,
        } => incident
            .impact
            .as_ref()
            .filter(|i| !i.says(affected, *count, category.as_deref()))
            .map(|i| {
                format!(
                    "a later change keeps the impact at {}",
                    i.line(str::to_string)
                )
            }),
        EventKind::Resolved { .. } if !incident.is_resolved() => {
            Some("a later reopening keeps the incident open".to_string())
        }
        EventKind::Reopened { .. } if incident.is_resolved() => {
            Some("a later resolution keeps the incident resolved".to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn a_backfilled_severity_behind_a_later_one_is_said_not_to_hold() {
        let p1 = EventKind::SeverityChanged {
            severity: "P1".into(),
        };
        let backfill = EventKind::SeverityChanged {
            severity: "P3".into(),
        };
        let inc = incident(&[
            (0, declared("P2")),
            (30, p1.clone()),
            (10, backfill.clone()),
        ]);
        assert_eq!(
            superseded(&inc, &backfill).as_deref(),
            Some("a later change keeps the severity at P1")
        );
        assert_eq!(superseded(&inc, &p1), None);
    }

    #[test]
    fn a_backfilled_assignment_behind_a_later_one_names_who_holds_the_role() {
        let bo = EventKind::RoleAssigned {
            role: "comms".into(),
            person: "bo".into(),
        };
        let cy = EventKind::RoleAssigned {
            role: "comms".into(),
            person: "cy".into(),
        };
        let inc = incident(&[(0, declared("P2")), (30, cy.clone()), (10, bo.clone())]);
        assert_eq!(
            superseded(&inc, &bo).as_deref(),
            Some("a later change gave comms to cy")
        );
        assert_eq!(superseded(&inc, &cy), None);
    }

    #[test]
    fn a_backfilled_impact_behind_a_later_one_says_which_holds() {
        let impact = |affected: &str, count| EventKind::ImpactSet {
            affected: affected.into(),
            count,
            category: Some("deployment".into()),
        };
        let later = impact("all shoppers", Some(4000));
        let backfill = impact("EU shoppers", None);
        let inc = incident(&[
            (0, declared("P2")),
            (30, later.clone()),
            (10, backfill.clone()),
        ]);
        assert_eq!(
            superseded(&inc, &backfill).as_deref(),
            Some("a later change keeps the impact at all shoppers (about 4,000) · deployment")
        );
        assert_eq!(superseded(&inc, &later), None);
    }
}
