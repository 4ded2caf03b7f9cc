//! Breaks: who has been on shift past the playbook's limit while holding a
//! role of this incident, and when the whole team should stop for a while.
//! The console's prompt and checklist and `status` all read these.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::incident::Incident;
use super::milestones::mitigated_at;
use super::playbook::Playbook;
use super::roster::role_rows;
use super::shift::{Shift, day_start, shift_length};

/// The least break the team takes once the impact has stopped: long enough
/// to step away from the screen before the follow-up work starts.
pub const TEAM_BREAK_MINUTES: u32 = 15;

/// How long a continuous shift may run now, by the playbook's day or night
/// limit at `now`'s local time in `offset`.
pub fn break_limit(pb: &Playbook, now: DateTime<Utc>, offset: FixedOffset) -> Duration {
    pb.wellbeing.break_after(now.with_timezone(&offset).time())
}

/// A role of this incident held by someone past the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandOver {
    pub person: String,
    pub role: String,
    /// When they took the role: with the person and role, which holding
    /// this is (a new holding is a new question).
    pub since: DateTime<Utc>,
    pub held_for: Duration,
    pub on_shift: Duration,
}

/// Each role of `incident` whose holder is on shift past `limit`, in the
/// playbook's order of roles.
pub fn hand_overs(
    shifts: &BTreeMap<String, Shift>,
    incident: &Incident,
    pb: &Playbook,
    limit: Duration,
    now: DateTime<Utc>,
) -> Vec<HandOver> {
    if incident.is_resolved() {
        return Vec::new();
    }
    role_rows(incident, pb)
        .into_iter()
        .filter_map(|row| {
            let (person, since) = (row.holder?, row.since?);
            let shift = shifts.get(&person).filter(|s| s.past(limit))?;
            Some(HandOver {
                held_for: (now - since.min(now)).max(Duration::zero()),
                on_shift: shift.continuous,
                person,
                role: row.role,
                since,
            })
        })
        .collect()
}

impl HandOver {
    /// The checklist's reminder: `Hand over Technical lead: devi on shift
    /// 2h10`.
    pub fn reminder(&self, pb: &Playbook) -> String {
        format!(
            "Hand over {}: {} on shift {}",
            pb.role_name(&self.role),
            self.person,
            shift_length(self.on_shift)
        )
    }

    /// The question put to the commander; `viewer` is who reads it, so a
    /// commander past the limit is asked about themselves as "you".
    pub fn question(&self, pb: &Playbook, viewer: &str) -> String {
        let (who, has) = if self.person == viewer {
            ("you", "have")
        } else {
            (self.person.as_str(), "has")
        };
        let role = pb.role_name(&self.role);
        let held = shift_length(self.held_for);
        let on = shift_length(self.on_shift);
        // Said apart only when the role is the lesser part of the shift.
        if held == on {
            format!("{who} {has} held {role} for {held}; hand over?")
        } else {
            format!("{who} {has} held {role} for {held}, on shift {on}; hand over?")
        }
    }
}

/// Whether the team should be told to take a break: the impact stopped
/// today (local day in `offset`), so the follow-up work is still ahead.
pub fn team_break_due(
    incident: &Incident,
    pb: &Playbook,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> bool {
    mitigated_at(incident, pb).is_some_and(|t| t >= day_start(now, offset) && t <= now)
}

/// The checklist's suggestion once the impact has stopped.
pub fn team_break_line() -> String {
    format!(
        "Impact stopped: the whole team takes a break of at least {TEAM_BREAK_MINUTES} minutes before the follow-up work"
    )
}

/// The derived lines a checklist shows beside the playbook's: a hand-over
/// for each holder past the limit, then the team's break once the impact
/// has stopped. Nobody ticks them: they go when the reason does.
pub fn reminders(
    shifts: &BTreeMap<String, Shift>,
    incident: &Incident,
    pb: &Playbook,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Vec<String> {
    let limit = break_limit(pb, now, offset);
    let mut out: Vec<String> = hand_overs(shifts, incident, pb, limit, now)
        .iter()
        .map(|h| h.reminder(pb))
        .collect();
    if team_break_due(incident, pb, now, offset) {
        out.push(team_break_line());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t};
    use crate::domain::shift::{Worked, shifts};

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).unwrap()
    }

    #[test]
    fn a_holder_past_the_limit_is_named_with_the_role_they_hold() {
        let inc = incident(&[
            (0, declared("P1")),
            (
                10,
                EventKind::RoleAssigned {
                    role: "tech".into(),
                    person: "devi".into(),
                },
            ),
        ]);
        let now = t(140);
        let s = shifts(
            &[Worked {
                incident: &inc,
                authored: &[],
            }],
            now,
            utc(),
        );
        let pb = playbook();
        let due = hand_overs(&s, &inc, &pb, Duration::minutes(90), now);
        let names: Vec<&str> = due.iter().map(|h| h.person.as_str()).collect();
        assert_eq!(names, ["ana", "devi"]);
        assert_eq!(
            due[1].question(&pb, "ana"),
            "devi has held Technical lead for 2h10; hand over?"
        );
        assert_eq!(
            due[0].question(&pb, "ana"),
            "you have held Incident commander for 2h20; hand over?"
        );
        assert_eq!(
            due[1].reminder(&pb),
            "Hand over Technical lead: devi on shift 2h10"
        );
        assert!(hand_overs(&s, &inc, &pb, Duration::minutes(150), now).is_empty());
    }

    #[test]
    fn the_team_is_told_to_take_a_break_once_the_impact_stopped_that_day() {
        let stage = |s: &str| EventKind::StageChanged { stage: s.into() };
        let pb = playbook();
        let mitigating = incident(&[(0, declared("P1")), (10, stage("mitigate"))]);
        assert!(
            !team_break_due(&mitigating, &pb, t(30), utc()),
            "still bleeding"
        );
        let repaired = incident(&[
            (0, declared("P1")),
            (10, stage("mitigate")),
            (40, stage("repair")),
        ]);
        assert!(team_break_due(&repaired, &pb, t(50), utc()));
        let s = BTreeMap::new();
        assert_eq!(
            reminders(&s, &repaired, &pb, t(50), utc()),
            [team_break_line()]
        );
        assert!(
            !team_break_due(&repaired, &pb, t(50) + Duration::days(1), utc()),
            "the next day the follow-up work is under way"
        );
    }

    #[test]
    fn the_night_limit_goes_by_local_time_across_midnight() {
        use chrono::TimeZone;
        let pb = playbook();
        let paris = FixedOffset::east_opt(3600).unwrap();
        let utc_at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 30, 0).unwrap();
        // 21:30 UTC is 22:30 in UTC+01:00: night there, not in UTC.
        assert_eq!(
            break_limit(&pb, utc_at(23, 21), paris),
            Duration::minutes(30)
        );
        assert_eq!(
            break_limit(&pb, utc_at(23, 21), utc()),
            Duration::minutes(90)
        );
        // 04:30 the next morning is still night; 05:30 UTC is 06:30 there.
        assert_eq!(
            break_limit(&pb, utc_at(24, 3), paris),
            Duration::minutes(30)
        );
        assert_eq!(
            break_limit(&pb, utc_at(24, 5), paris),
            Duration::minutes(90)
        );
    }
}
