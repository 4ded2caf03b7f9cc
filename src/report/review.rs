//! What a postmortem needs, computed once from the incident: key times and
//! the durations between them, who held which role when, how punctual the
//! stakeholder updates were, and each record's latest text.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::cadence::punctuality;
use crate::domain::ids::EventId;
use crate::domain::incident::{Delivery, Incident};
use crate::domain::milestones::{Milestone, key_times};
use crate::domain::playbook::Playbook;
use crate::domain::shift::{Authored, Carried, carried};

/// The review of one incident. Durations serialise as whole seconds.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    pub resolved: bool,
    /// Resolution, or the latest entry while the incident is open.
    pub end: DateTime<Utc>,
    #[serde(rename = "duration_seconds", with = "seconds")]
    pub duration: Duration,
    /// The most severe level the incident reached (the playbook lists the
    /// most severe first).
    pub highest_severity: String,
    pub severity: Vec<SeverityStep>,
    /// Reached milestones in the order they happened, then the others.
    pub key_times: Vec<KeyTimeRow>,
    pub roles: Vec<RoleHolding>,
    pub updates: Vec<UpdateCheck>,
    pub tally: UpdateTally,
    pub can_reports: Vec<CanRow>,
    pub action_items: Vec<ActionRow>,
    /// Who carried the incident, by name (see [`Review::carried_by`]).
    pub carried: Vec<Carried>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeverityStep {
    pub at: DateTime<Utc>,
    pub severity: String,
    pub name: String,
    pub by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyTimeRow {
    pub milestone: Milestone,
    pub at: Option<DateTime<Utc>>,
    #[serde(rename = "since_declared_seconds", with = "opt_seconds")]
    pub since_declared: Option<Duration>,
    /// Since the milestone reached just before this one.
    #[serde(rename = "since_previous_seconds", with = "opt_seconds")]
    pub since_previous: Option<Duration>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleHolding {
    pub role: String,
    pub role_name: String,
    pub person: String,
    pub from: DateTime<Utc>,
    /// `None`: still held at the end of the incident.
    pub to: Option<DateTime<Utc>>,
    #[serde(rename = "held_seconds", with = "seconds")]
    pub held: Duration,
}

/// One stakeholder update judged against the cadence in force.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateCheck {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub severity: String,
    /// `None`: no cadence applied at that severity.
    pub due_at: Option<DateTime<Utc>>,
    #[serde(rename = "late_by_seconds", with = "opt_seconds")]
    pub late_by: Option<Duration>,
    pub status: String,
    pub impact: String,
    pub action: String,
    pub amended: bool,
    /// What became of posting it to its channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
}

impl UpdateCheck {
    /// Each channel it went to, with when it was first delivered there, or
    /// `None` where it never was: when stakeholders were really told.
    pub fn told(&self) -> Vec<(&str, Option<DateTime<Utc>>)> {
        let mut told: Vec<(&str, Option<DateTime<Utc>>)> = Vec::new();
        for d in &self.deliveries {
            let at = d.delivered.then_some(d.at);
            match told.iter_mut().find(|(c, _)| *c == d.channel) {
                Some((_, first)) => *first = first.or(at),
                None => told.push((&d.channel, at)),
            }
        }
        told
    }

    /// "on time", "late by 4 min" or "no cadence".
    pub fn verdict(&self) -> String {
        match (self.due_at, self.late_by) {
            (None, _) => "no cadence".to_string(),
            (Some(_), Some(late)) => format!("late by {}", late_phrase(late)),
            (Some(_), None) => "on time".to_string(),
        }
    }
}

/// How the updates went, in one sentence.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UpdateTally {
    pub sent: usize,
    #[serde(rename = "late_by_seconds", with = "seconds_list")]
    pub late: Vec<Duration>,
    pub without_cadence: usize,
}

impl UpdateTally {
    /// "6 updates, 1 late by 4 min".
    pub fn sentence(&self) -> String {
        if self.sent == 0 {
            return "No stakeholder updates were recorded.".to_string();
        }
        let mut s = format!(
            "{} update{}",
            self.sent,
            if self.sent == 1 { "" } else { "s" }
        );
        let lates: Vec<String> = self.late.iter().map(|d| late_phrase(*d)).collect();
        match lates.as_slice() {
            [] if self.without_cadence == self.sent => {}
            [] => s.push_str(if self.sent - self.without_cadence == 1 {
                ", on time"
            } else {
                ", all on time"
            }),
            [one] => s.push_str(&format!(", 1 late by {one}")),
            [init @ .., last] => s.push_str(&format!(
                ", {} late (by {} and {last})",
                lates.len(),
                init.join(", ")
            )),
        }
        if self.without_cadence > 0 {
            s.push_str(&format!(
                ", {} sent with no cadence in force",
                self.without_cadence
            ));
        }
        s
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CanRow {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub reporter: String,
    pub role: Option<String>,
    pub role_name: Option<String>,
    pub conditions: String,
    pub actions: String,
    pub needs: String,
    pub amended: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionRow {
    pub id: EventId,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub amended: bool,
}

/// `4 min`, `1 h 12 min`, `40 s`: how late an update was.
pub fn late_phrase(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// An amendment replaces an entry's whole text, so a record (CAN report,
/// update, action item) that was amended prints the new text in its first
/// field and leaves the others empty rather than mixing old and new.
fn amendments(inc: &Incident) -> HashMap<EventId, &str> {
    inc.timeline
        .iter()
        .filter(|e| e.amended)
        .map(|e| (e.id, e.text.as_str()))
        .collect()
}

/// A record's fields as they now read, and whether they were amended.
fn latest<const N: usize>(
    amended: &HashMap<EventId, &str>,
    id: EventId,
    fields: [&String; N],
) -> ([String; N], bool) {
    match amended.get(&id) {
        Some(text) => (
            std::array::from_fn(|i| {
                if i == 0 {
                    text.to_string()
                } else {
                    String::new()
                }
            }),
            true,
        ),
        None => (fields.map(String::clone), false),
    }
}

impl Review {
    pub fn new(inc: &Incident, pb: &Playbook) -> Review {
        let end = inc.resolved_at.unwrap_or(inc.last_activity);
        let amended = amendments(inc);
        let severity_name = |id: &str| pb.severity(id).map_or_else(String::new, |s| s.name.clone());
        let rank = |id: &str| {
            pb.severities
                .iter()
                .position(|s| s.id.eq_ignore_ascii_case(id))
                .unwrap_or(usize::MAX)
        };
        let severity: Vec<SeverityStep> = inc
            .severity_history
            .iter()
            .map(|c| SeverityStep {
                at: c.at,
                severity: c.value.clone(),
                name: severity_name(&c.value),
                by: c.author.clone(),
            })
            .collect();
        let highest_severity = severity
            .iter()
            .min_by_key(|s| rank(&s.severity))
            .map_or_else(|| inc.severity.clone(), |s| s.severity.clone());

        let mut reached: Vec<(Milestone, DateTime<Utc>)> = key_times(inc, pb)
            .iter()
            .filter_map(|k| k.at.map(|at| (k.milestone, at)))
            .collect();
        reached.sort_by_key(|(m, at)| (*at, *m as u8));
        let mut key_rows: Vec<KeyTimeRow> = reached
            .iter()
            .enumerate()
            .map(|(i, (milestone, at))| KeyTimeRow {
                milestone: *milestone,
                at: Some(*at),
                since_declared: Some(*at - inc.declared_at),
                since_previous: i.checked_sub(1).map(|p| *at - reached[p].1),
            })
            .collect();
        key_rows.extend(
            key_times(inc, pb)
                .iter()
                .filter(|k| k.at.is_none())
                .map(|k| KeyTimeRow {
                    milestone: k.milestone,
                    at: None,
                    since_declared: None,
                    since_previous: None,
                }),
        );

        let role_rank = |role: &str| {
            let family = role.split(':').next().unwrap_or(role);
            pb.roles
                .iter()
                .position(|r| r.id.eq_ignore_ascii_case(family))
                .unwrap_or(usize::MAX)
        };
        let mut roles: Vec<RoleHolding> = inc
            .role_spans
            .iter()
            .map(|s| RoleHolding {
                role: s.role.clone(),
                role_name: pb.role_name(&s.role),
                person: s.person.clone(),
                from: s.from,
                to: s.to,
                held: s.to.unwrap_or(end).max(s.from) - s.from,
            })
            .collect();
        roles.sort_by(|a, b| {
            (role_rank(&a.role), &a.role, a.from).cmp(&(role_rank(&b.role), &b.role, b.from))
        });

        let mut tally = UpdateTally::default();
        let updates: Vec<UpdateCheck> = inc
            .updates
            .iter()
            .zip(punctuality(inc, pb))
            .map(|(u, p)| {
                tally.sent += 1;
                match (p.due_at, p.late_by) {
                    (None, _) => tally.without_cadence += 1,
                    (Some(_), Some(late)) => tally.late.push(late),
                    _ => {}
                }
                let ([status, impact, action], was_amended) =
                    latest(&amended, u.id, [&u.status, &u.impact, &u.action]);
                UpdateCheck {
                    id: u.id,
                    at: u.at,
                    author: u.author.clone(),
                    severity: u.severity.clone(),
                    due_at: p.due_at,
                    late_by: p.late_by,
                    status,
                    impact,
                    action,
                    amended: was_amended,
                    deliveries: u.deliveries.clone(),
                }
            })
            .collect();

        let can_reports = inc
            .can_reports
            .iter()
            .map(|r| {
                let ([conditions, actions, needs], was_amended) =
                    latest(&amended, r.id, [&r.conditions, &r.actions, &r.needs]);
                CanRow {
                    id: r.id,
                    at: r.at,
                    reporter: r.reporter.clone(),
                    role: r.role.clone(),
                    role_name: r.role.as_deref().map(|role| pb.role_name(role)),
                    conditions,
                    actions,
                    needs,
                    amended: was_amended,
                }
            })
            .collect();

        let action_items = inc
            .action_items
            .iter()
            .map(|a| {
                let ([text], was_amended) = latest(&amended, a.id, [&a.text]);
                ActionRow {
                    id: a.id,
                    text,
                    owner: a.owner.clone(),
                    due: a.due,
                    done_at: a.done_at,
                    amended: was_amended,
                }
            })
            .collect();

        Review {
            resolved: inc.is_resolved(),
            end,
            duration: end - inc.declared_at,
            highest_severity,
            severity,
            key_times: key_rows,
            roles,
            updates,
            tally,
            can_reports,
            action_items,
            carried: carried(inc, &authored(inc), end),
        }
    }

    /// Who carried the incident, counted from `authored`: every event of
    /// its log, for an incident whose timeline was read without its notes
    /// (a printout streams them).
    pub fn carried_by(&mut self, inc: &Incident, authored: &[Authored]) {
        self.carried = carried(inc, authored, self.end);
    }
}

/// Who recorded each entry the incident holds, and when.
fn authored(inc: &Incident) -> Vec<Authored> {
    inc.timeline
        .iter()
        .map(|e| Authored {
            person: e.author.clone(),
            at: e.at,
        })
        .collect()
}

mod seconds {
    use chrono::Duration;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }
}

mod opt_seconds {
    use chrono::Duration;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_i64(d.num_seconds()),
            None => s.serialize_none(),
        }
    }
}

mod seconds_list {
    use chrono::Duration;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(d.iter().map(|d| d.num_seconds()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t, update};

    fn delivery(update: u128, channel: &str, delivered: bool) -> EventKind {
        EventKind::UpdateDelivery {
            update: EventId::from_parts(1, update),
            channel: channel.into(),
            delivered,
            detail: if delivered { "HTTP 200" } else { "HTTP 503" }.into(),
        }
    }

    #[test]
    fn an_update_was_told_to_a_channel_when_it_first_reached_it() {
        // The update is the second event (id 11): inc fails then takes it,
        // leaders never does.
        let inc = incident(&[
            (0, declared("P1")),
            (5, update()),
            (5, delivery(11, "inc", false)),
            (5, delivery(11, "leaders", false)),
            (7, delivery(11, "inc", true)),
            (9, delivery(11, "inc", true)),
        ]);
        let r = Review::new(&inc, &playbook());
        assert_eq!(
            r.updates[0].told(),
            [("inc", Some(t(7))), ("leaders", None)]
        );
        let timeline: Vec<&str> = inc.timeline.iter().map(|e| e.text.as_str()).collect();
        assert!(timeline.contains(&"Update not delivered to leaders: HTTP 503"));
    }

    #[test]
    fn key_times_follow_the_clock_and_roles_the_handovers() {
        let inc = incident(&[
            (0, declared("P1")),
            (
                20,
                EventKind::StageChanged {
                    stage: "repair".into(),
                },
            ),
            (
                25,
                EventKind::RoleAssigned {
                    role: "commander".into(),
                    person: "bo".into(),
                },
            ),
            (45, update()),
            (
                60,
                EventKind::Resolved {
                    summary: String::new(),
                },
            ),
        ]);
        let r = Review::new(&inc, &playbook());
        let rows: Vec<_> = r
            .key_times
            .iter()
            .map(|k| (k.milestone, k.since_declared, k.since_previous))
            .collect();
        let m = |n| Some(Duration::minutes(n));
        // Mitigated (Repair reached) before the first update: the table
        // follows the clock.
        assert_eq!(
            rows,
            [
                (Milestone::Declared, m(0), None),
                (Milestone::Mitigated, m(20), m(20)),
                (Milestone::FirstUpdate, m(45), m(25)),
                (Milestone::Resolved, m(60), m(15)),
            ]
        );
        let ic: Vec<_> = r
            .roles
            .iter()
            .map(|h| (h.person.as_str(), h.from, h.to, h.held))
            .collect();
        assert_eq!(
            ic,
            [
                ("ana", t(0), Some(t(25)), Duration::minutes(25)),
                ("bo", t(25), None, Duration::minutes(35)),
            ]
        );
        assert_eq!(r.updates[0].verdict(), "late by 15 min");
        assert_eq!(r.tally.sentence(), "1 update, 1 late by 15 min");
    }

    #[test]
    fn the_tally_reads_like_a_reviewer_would_say_it() {
        let m = Duration::minutes;
        let t = |sent, late: Vec<Duration>, without_cadence| UpdateTally {
            sent,
            late,
            without_cadence,
        };
        assert_eq!(t(6, vec![m(4)], 0).sentence(), "6 updates, 1 late by 4 min");
        assert_eq!(t(3, vec![], 0).sentence(), "3 updates, all on time");
        assert_eq!(
            t(5, vec![m(4), m(12), m(75)], 0).sentence(),
            "5 updates, 3 late (by 4 min, 12 min and 1 h 15 min)"
        );
        assert_eq!(
            t(2, vec![], 2).sentence(),
            "2 updates, 2 sent with no cadence in force"
        );
        assert_eq!(
            t(0, vec![], 0).sentence(),
            "No stakeholder updates were recorded."
        );
        assert_eq!(late_phrase(Duration::seconds(40)), "40 s");
    }
}
