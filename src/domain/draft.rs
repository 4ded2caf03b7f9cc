//! The stakeholder update draft: the playbook's template filled from the
//! incident's current state, so the comms lead edits rather than types.
//! What it offers goes out to customers and stays in the record, so it
//! says durable facts (since when, not "15s ago") and takes the actions
//! from those who lead the response, never from anyone's internal report.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};

use super::event::EventKind;
use super::incident::{CanReport, Incident, Update};
use super::playbook::{COMMANDER, Playbook, TECH_LEAD, fill_template};
use super::redaction::REDACTED;
use super::text::sanitize;
use super::when::{human_duration, zone_label};

/// The three parts of a stakeholder update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub status: String,
    pub impact: String,
    pub action: String,
}

impl Draft {
    /// The update as plain text, for a chat, a mail or the clipboard: a
    /// labelled line for each part, then when the next one is due in the
    /// zone of `now` (left out where the severity has no cadence). Cleaned
    /// of terminal controls, as it may go to a terminal.
    pub fn plain_text<Tz: TimeZone>(
        &self,
        next: Option<DateTime<Utc>>,
        now: &DateTime<Tz>,
    ) -> String {
        let mut text = format!(
            "Status: {}\nImpact: {}\nAction: {}\n",
            self.status, self.impact, self.action
        );
        if let Some(t) = next {
            text.push_str(&format!("Next update: {}\n", clock_time(t, now)));
        }
        sanitize(&text)
    }

    /// An update as recorded, or as the door decided it would be
    /// recorded, with when the next one is due; `None` for another kind.
    pub fn sent(kind: &EventKind) -> Option<(Draft, Option<DateTime<Utc>>)> {
        let EventKind::UpdateSent {
            status,
            impact,
            action,
            next_update,
        } = kind
        else {
            return None;
        };
        let draft = Draft {
            status: status.clone(),
            impact: impact.clone(),
            action: action.clone(),
        };
        Some((draft, *next_update))
    }
}

impl From<&Update> for Draft {
    fn from(u: &Update) -> Draft {
        Draft {
            status: u.status.clone(),
            impact: u.impact.clone(),
            action: u.action.clone(),
        }
    }
}

/// Words that may be offered for sending: not empty, not redacted.
fn usable(s: &str) -> bool {
    !s.is_empty() && s != REDACTED
}

/// The latest CAN report filed for the incident commander or the
/// technical lead: the reports whose actions speak for the response.
fn leads_report(incident: &Incident) -> Option<&CanReport> {
    incident
        .can_reports
        .iter()
        .rev()
        .find(|r| matches!(r.role.as_deref(), Some(COMMANDER | TECH_LEAD)) && usable(&r.actions))
}

/// What the response is doing, for the public: the leads' latest report,
/// unless an update was sent since (it already said it, perhaps in better
/// words); else what the last update said.
fn public_action(incident: &Incident) -> String {
    let report = leads_report(incident).map(|r| (r.at, &r.actions));
    let told = incident
        .updates
        .last()
        .filter(|u| usable(&u.action))
        .map(|u| (u.at, &u.action));
    match (report, told) {
        (Some((reported, actions)), Some((sent, _))) if reported >= sent => actions.clone(),
        (_, Some((_, action))) | (Some((_, action)), None) => action.clone(),
        (None, None) => "Responders are investigating.".to_string(),
    }
}

/// `13:47 UTC`, or `2026-11-22 23:50 UTC+01:00` when not on `now`'s day:
/// a moment as a reader anywhere can place it.
fn clock_time<Tz: TimeZone>(at: DateTime<Utc>, now: &DateTime<Tz>) -> String {
    let local = at.with_timezone(&now.timezone());
    let format = if local.date_naive() == now.date_naive() {
        "%H:%M"
    } else {
        "%Y-%m-%d %H:%M"
    };
    let label = zone_label(local.offset().fix());
    format!("{} {label}", local.naive_local().format(format))
}

/// `42 min`, `2 h 05 min`: how long, to the minute, never in seconds.
fn minutes(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

/// Fills the playbook's update template from the incident at `now`, whose
/// zone the clock times are given in.
pub fn update_draft<Tz: TimeZone>(
    incident: &Incident,
    playbook: &Playbook,
    now: &DateTime<Tz>,
) -> Draft {
    let latest = incident.can_reports.last();
    let severity_name = playbook
        .severity(&incident.severity)
        .map_or_else(|| incident.severity.clone(), |s| s.name.clone());
    let stage_name = playbook
        .stage(&incident.stage)
        .map_or_else(|| incident.stage.clone(), |s| s.name.clone());
    // Impact is the impact set since stakeholders were last told, else
    // what they were last told, else the declaration's summary: a
    // responder's internal CAN report is the last resort, not the first,
    // for words that go out to customers.
    // Redacted words are never offered for sending again.
    let last = incident.updates.last();
    let set = incident
        .impact
        .as_ref()
        .filter(|i| last.is_none_or(|u| i.at > u.at))
        .and_then(|i| i.sentence());
    let told = last.map(|u| u.impact.clone()).filter(|i| usable(i));
    let impact = match (set.or(told), latest) {
        (Some(i), _) => i,
        _ if usable(&incident.summary) => incident.summary.clone(),
        (None, Some(r)) if !r.conditions.is_empty() => r.conditions.clone(),
        _ => "Under investigation.".to_string(),
    };
    let open_for = now.with_timezone(&Utc) - incident.declared_at;
    let values = [
        ("title", incident.title.clone()),
        ("severity", incident.severity.clone()),
        ("severity_name", severity_name),
        ("stage", incident.stage.clone()),
        ("stage_name", stage_name),
        ("declared_at", clock_time(incident.declared_at, now)),
        ("open_for", minutes(open_for)),
        ("elapsed", human_duration(open_for)),
        (
            "commander",
            incident.commander().unwrap_or("unassigned").to_string(),
        ),
        ("summary", incident.summary.clone()),
        ("impact", impact),
        ("actions", public_action(incident)),
        (
            "needs",
            leads_report(incident)
                .map(|r| r.needs.clone())
                .unwrap_or_default(),
        ),
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

    /// A CAN report filed for `role` saying what is being done.
    fn report(role: &str, actions: &str) -> EventKind {
        EventKind::CanReport {
            conditions: "checkout errors at 5%".into(),
            actions: actions.into(),
            needs: format!("{role} needs"),
            role: Some(role.into()),
        }
    }

    fn sent(action: &str) -> EventKind {
        EventKind::UpdateSent {
            status: "Investigating".into(),
            impact: "Some payments fail".into(),
            action: action.into(),
            next_update: None,
        }
    }

    /// The draft's action a minute after these events, declared at P1.
    fn action_after(events: &[(i64, EventKind)]) -> String {
        let mut all = vec![(0, declared("P1"))];
        all.extend_from_slice(events);
        let last = all.iter().map(|(min, _)| *min).max().unwrap_or(0);
        update_draft(&incident(&all), &playbook(), &t(last + 1)).action
    }

    #[test]
    fn a_comms_leads_internal_report_never_becomes_the_public_action() {
        assert_eq!(
            action_after(&[(5, report("comms", "drafting the status page"))]),
            "Responders are investigating."
        );
        assert_eq!(
            action_after(&[
                (5, sent("We are rolling back the deploy.")),
                (8, report("comms", "drafting the status page")),
                (9, report("scribe", "writing it all down")),
            ]),
            "We are rolling back the deploy.",
            "the last update's action, not a later internal report"
        );
    }

    #[test]
    fn the_public_action_is_the_commanders_or_tech_leads_latest_report() {
        let tech = (5, report("tech", "failing over to the replica"));
        assert_eq!(
            action_after(&[tech.clone(), (6, report("comms", "drafting"))]),
            "failing over to the replica"
        );
        let events = [
            tech,
            (8, report("commander", "rolling back the deploy")),
            (9, report("sme:database", "vacuuming")),
        ];
        assert_eq!(action_after(&events), "rolling back the deploy");
        let mut redacted = incident(&[&[(0, declared("P1"))], &events[..]].concat());
        redacted.can_reports[1].actions = REDACTED.into();
        assert_eq!(
            update_draft(&redacted, &playbook(), &t(10)).action,
            "failing over to the replica",
            "never '[redacted]'"
        );
    }

    #[test]
    fn an_update_sent_since_the_leads_report_keeps_the_words_it_went_out_with() {
        let told = [
            (5, report("tech", "failing over")),
            (10, sent("We are moving traffic to a healthy region.")),
        ];
        assert_eq!(
            action_after(&told),
            "We are moving traffic to a healthy region."
        );
        let news = (20, report("tech", "failover done; watching error rates"));
        assert_eq!(
            action_after(&[&told[..], &[news]].concat()),
            "failover done; watching error rates",
            "news from a lead since the update"
        );
    }

    #[test]
    fn an_update_as_plain_text_says_each_part_on_its_line_and_when_the_next_is_due() {
        let d = Draft {
            status: "P1 Checkout failing: Mitigate.".into(),
            impact: "5% of card payments fail\x1b[2J".into(),
            action: "Rolling back.".into(),
        };
        assert_eq!(
            d.plain_text(Some(t(30)), &t(0)),
            "Status: P1 Checkout failing: Mitigate.\nImpact: 5% of card payments fail\n\
             Action: Rolling back.\nNext update: 22:43 UTC\n"
        );
        assert!(!d.plain_text(None, &t(0)).contains("Next update"));
    }

    #[test]
    fn the_status_says_since_when_not_seconds_ago() {
        let inc = incident(&[(0, declared("P1"))]);
        // t(0) is 2023-11-14 22:13:20 UTC.
        let now = t(42) + Duration::seconds(15);
        let d = update_draft(&inc, &playbook(), &now);
        assert_eq!(
            d.status,
            "P1 x: Detect. Open since 22:13 UTC (42 min); incident commander ana."
        );
        let d = update_draft(&inc, &playbook(), &(t(0) + Duration::seconds(15)));
        assert!(d.status.contains("since 22:13 UTC (0 min)"), "{}", d.status);
        assert!(!d.status.contains("ago"), "{}", d.status);
    }

    #[test]
    fn the_status_gives_the_clock_time_in_the_readers_zone_and_the_day_once_it_is_not_today() {
        let inc = incident(&[(0, declared("P1"))]);
        let paris = chrono::FixedOffset::east_opt(3600).unwrap();
        let d = update_draft(&inc, &playbook(), &t(30).with_timezone(&paris));
        assert!(
            d.status.contains("since 23:13 UTC+01:00 (30 min)"),
            "{}",
            d.status
        );
        let d = update_draft(&inc, &playbook(), &t(26 * 60 + 5));
        assert!(
            d.status
                .contains("since 2023-11-14 22:13 UTC (26 h 05 min)"),
            "{}",
            d.status
        );
    }

    fn impact(affected: &str, count: Option<u64>) -> EventKind {
        EventKind::ImpactSet {
            affected: affected.into(),
            count,
            category: Some("deployment".into()),
        }
    }

    #[test]
    fn an_impact_set_since_the_last_update_is_what_the_draft_tells() {
        let first = incident(&[
            (0, declared("P1")),
            (2, can("support queue 3x normal")),
            (3, impact("checkout customers in the EU", Some(1200))),
        ]);
        assert_eq!(
            update_draft(&first, &playbook(), &t(4)).impact,
            "About 1,200 checkout customers in the EU are affected."
        );
        let told = [
            (0, declared("P1")),
            (3, impact("checkout customers in the EU", None)),
            (5, sent("rolling back")),
        ];
        assert_eq!(
            update_draft(&incident(&told), &playbook(), &t(6)).impact,
            "Some payments fail",
            "stakeholders were told since, perhaps in better words"
        );
        let news = (8, impact("every customer", None));
        assert_eq!(
            update_draft(
                &incident(&[&told[..], &[news]].concat()),
                &playbook(),
                &t(9)
            )
            .impact,
            "Affected: every customer."
        );
    }

    #[test]
    fn the_impact_is_what_stakeholders_were_last_told_not_an_internal_report() {
        let first = incident(&[(0, declared("P1")), (5, can("support queue 3x normal"))]);
        assert_eq!(
            update_draft(&first, &playbook(), &t(6)).impact,
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
        let d = update_draft(&later, &playbook(), &t(13));
        assert_eq!(d.impact, "5% of card payments fail");
        assert_eq!(
            d.action, "rolling back",
            "the action told last, not a report without a lead's role"
        );
        let mut redacted = later.clone();
        redacted.updates[0].impact = REDACTED.into();
        let d = update_draft(&redacted, &playbook(), &t(13));
        assert_eq!(d.impact, "support queue 3x normal", "never '[redacted]'");
    }
}
