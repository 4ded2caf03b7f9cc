//! Time on shift: how long each person has been working the incidents of
//! a day, so the commander can see who needs a break before they make the
//! tired mistake.
//!
//! A person is **on shift** while they hold any role in any of the given
//! incidents, and for [`STAY`] after each event they author and after each
//! holding ends (handing over takes a briefing; the person is not gone the
//! moment the role is). A resolved incident's holdings end when it was
//! resolved. These stretches merge across incidents, so a person working
//! two incidents at once is counted once. A **continuous shift** is a run
//! of merged stretches with no gap between them: more than [`STAY`]
//! without an event or a role ends it.
//!
//! A [`Shift`] reports, as of `now`:
//! - `continuous`: the length of the stretch that reaches `now`, or of the
//!   last one if the person is off shift; it may begin before midnight (a
//!   night shift runs on past the date change);
//! - `since`: when that stretch began;
//! - `today`: the time on shift since local midnight, in the offset given;
//! - `roles`: the roles they hold now, in the incidents that are open.
//!
//! An event dated after `now` (another replica's clock running ahead)
//! counts as if it happened `now`: it never adds time not yet lived.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use super::ids::IncidentId;
use super::incident::Incident;

/// How long an event keeps its author on shift. Half an hour: responders
/// often go quiet for a while (reading dashboards, waiting on a deploy),
/// and a gap shorter than this is rarely a real rest; longer, and it
/// probably was one.
pub const STAY_MINUTES: i64 = 30;
/// [`STAY_MINUTES`] as a duration.
pub const STAY: Duration = Duration::minutes(STAY_MINUTES);

/// One incident's share of the day: its state (roles and when they were
/// held) and the events recorded in it, by author and time.
#[derive(Clone, Copy, Debug)]
pub struct Worked<'a> {
    pub incident: &'a Incident,
    pub authored: &'a [Authored],
}

/// One event's author and time: what the log says about who was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authored {
    pub person: String,
    pub at: DateTime<Utc>,
}

/// A role a person holds now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub incident: IncidentId,
    pub role: String,
    pub since: DateTime<Utc>,
}

/// One person's time on shift (see the module's documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shift {
    pub person: String,
    /// The length of the current continuous stretch, or the last one.
    #[serde(rename = "continuous_minutes", serialize_with = "as_minutes")]
    pub continuous: Duration,
    /// When that stretch began.
    pub since: DateTime<Utc>,
    /// Whether that stretch reaches now: still on shift.
    pub on_now: bool,
    /// Time on shift since local midnight.
    #[serde(rename = "today_minutes", serialize_with = "as_minutes")]
    pub today: Duration,
    pub roles: Vec<Holding>,
}

fn as_minutes<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_minutes())
}

impl Shift {
    /// Whether the person has been on shift, without a break, longer than
    /// `limit`.
    pub fn past(&self, limit: Duration) -> bool {
        self.on_now && self.continuous > limit
    }
}

/// A time on shift: from, to.
type Stretch = (DateTime<Utc>, DateTime<Utc>);

/// Local midnight of `now`'s day in `offset`, as a moment.
pub fn day_start(now: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let local = now.with_timezone(&offset).date_naive();
    offset
        .from_local_datetime(&local.and_time(NaiveTime::MIN))
        .single()
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// Everyone on shift at some time today (local midnight to `now` in
/// `offset`), by name.
pub fn shifts(
    worked: &[Worked],
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> BTreeMap<String, Shift> {
    let midnight = day_start(now, offset);
    let mut roles: BTreeMap<&str, Vec<Holding>> = BTreeMap::new();
    for inc in worked.iter().map(|w| w.incident) {
        if inc.resolved_at.is_none() {
            for (role, h) in &inc.roles {
                roles.entry(&h.person).or_default().push(Holding {
                    incident: inc.id,
                    role: role.clone(),
                    since: h.since.min(now),
                });
            }
        }
    }
    let mut out = BTreeMap::new();
    for (person, merged) in stretches(worked, now) {
        let today: Duration = merged
            .iter()
            .map(|&(from, to)| (to - from.max(midnight)).max(Duration::zero()))
            .sum();
        let Some(&(since, to)) = merged.last() else {
            continue;
        };
        if to < midnight {
            continue;
        }
        out.insert(
            person.to_string(),
            Shift {
                person: person.to_string(),
                continuous: to - since,
                since,
                on_now: to >= now,
                today,
                roles: roles.remove(person).unwrap_or_default(),
            },
        );
    }
    out
}

/// Each person's time on shift in `worked` up to `now`, the stretches
/// merged, in time order.
fn stretches<'a>(worked: &[Worked<'a>], now: DateTime<Utc>) -> BTreeMap<&'a str, Vec<Stretch>> {
    let mut all: BTreeMap<&str, Vec<Stretch>> = BTreeMap::new();
    for w in worked {
        let inc = w.incident;
        let ended = inc.resolved_at.map_or(now, |r| r.min(now));
        for span in &inc.role_spans {
            let from = span.from.min(now);
            let to = span.to.map_or(ended, |t| t.min(ended)).max(from);
            all.entry(&span.person)
                .or_default()
                .push((from, (to + STAY).min(now)));
        }
        for a in w.authored {
            let at = a.at.min(now);
            all.entry(&a.person)
                .or_default()
                .push((at, (at + STAY).min(now)));
        }
    }
    all.into_iter()
        .map(|(person, mut list)| (person, merge(&mut list)))
        .collect()
}

/// The same events, fewer of them: those that change nobody's time on
/// shift are left out, so a long day costs little to measure every
/// second. An event between two of the same person's no more than
/// [`STAY`] apart adds nothing their stretches do not already cover (and
/// still does not when times are clamped to now, which keeps order).
pub fn compact(mut authored: Vec<Authored>) -> Vec<Authored> {
    authored.sort_by_key(|a| a.at);
    let mut kept = Compactor::default();
    for a in &authored {
        kept.push(&a.person, a.at);
    }
    kept.finish()
}

/// [`compact`] one event at a time, for events read in time order: a
/// reader of a long log holds the stretches, not the rows.
#[derive(Default)]
pub struct Compactor {
    by_person: BTreeMap<String, Vec<DateTime<Utc>>>,
}

impl Compactor {
    /// The next event, no earlier than those pushed before it.
    pub fn push(&mut self, person: &str, at: DateTime<Utc>) {
        let kept = match self.by_person.get_mut(person) {
            Some(kept) => kept,
            None => self.by_person.entry(person.to_string()).or_default(),
        };
        match kept.as_mut_slice() {
            [.., before, last] if at - *before <= STAY => *last = at,
            _ => kept.push(at),
        }
    }

    pub fn finish(self) -> Vec<Authored> {
        self.by_person
            .into_iter()
            .flat_map(|(person, times)| {
                times.into_iter().map(move |at| Authored {
                    person: person.clone(),
                    at,
                })
            })
            .collect()
    }
}

/// One person's part in an incident, for its review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Carried {
    pub person: String,
    /// The roles they held, by id, in the order they first took them.
    pub roles: Vec<String>,
    /// Their time on shift on this incident (see the module's rule).
    #[serde(rename = "time_minutes", serialize_with = "as_minutes")]
    pub time: Duration,
}

/// Who carried an incident up to `end`: everyone who held a role or
/// recorded an event in it, with the roles they held and their time on
/// it, by the same rule as a shift. In alphabetical order, never by time:
/// a review thanks people, it does not rank them.
pub fn carried(incident: &Incident, authored: &[Authored], end: DateTime<Utc>) -> Vec<Carried> {
    let worked = [Worked { incident, authored }];
    let mut out: Vec<Carried> = stretches(&worked, end)
        .into_iter()
        .map(|(person, merged)| {
            let mut roles: Vec<String> = Vec::new();
            for span in incident.role_spans.iter().filter(|s| s.person == person) {
                if !roles.contains(&span.role) {
                    roles.push(span.role.clone());
                }
            }
            Carried {
                person: person.to_string(),
                roles,
                time: merged.iter().map(|&(from, to)| to - from).sum(),
            }
        })
        .collect();
    out.sort_by_cached_key(|c| (c.person.to_lowercase(), c.person.clone()));
    out
}

/// The stretches joined where they overlap or touch, in time order.
fn merge(list: &mut [Stretch]) -> Vec<Stretch> {
    list.sort();
    let mut merged: Vec<Stretch> = Vec::new();
    for &(from, to) in list.iter() {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// `2h10`, `1h05`, `45m`: a time on shift, compact enough for a pane.
pub fn shift_length(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    if mins >= 60 {
        format!("{}h{:02}", mins / 60, mins % 60)
    } else {
        format!("{mins}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Event, EventKind};
    use crate::domain::fixtures::{declared, event};

    /// 2026-11-23 at `h:m` UTC; the tests read the day in UTC+01:00.
    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    fn plus_one() -> FixedOffset {
        FixedOffset::east_opt(3600).unwrap()
    }

    /// Incident `n`, folded from `(time, author, kind)`; ana declares it
    /// and is commander.
    fn incident(n: u128, events: &[(DateTime<Utc>, &str, EventKind)]) -> Incident {
        let id = IncidentId::from_parts(1, n);
        let evs: Vec<Event> = events
            .iter()
            .enumerate()
            .map(|(i, (at, author, kind))| Event {
                incident: id,
                at: *at,
                author: author.to_string(),
                ..event(n * 1000 + i as u128 + 1, kind.clone())
            })
            .collect();
        Incident::fold(id, &evs).unwrap()
    }

    fn authored(events: &[(DateTime<Utc>, &str)]) -> Vec<Authored> {
        events
            .iter()
            .map(|(at, p)| Authored {
                person: p.to_string(),
                at: *at,
            })
            .collect()
    }

    /// Shifts over one incident, the day read in UTC+01:00.
    fn one(inc: &Incident, authored: &[Authored], now: DateTime<Utc>) -> BTreeMap<String, Shift> {
        shifts(
            &[Worked {
                incident: inc,
                authored,
            }],
            now,
            plus_one(),
        )
    }

    fn assign(role: &str, person: &str) -> EventKind {
        EventKind::RoleAssigned {
            role: role.into(),
            person: person.into(),
        }
    }

    fn minutes(d: Duration) -> i64 {
        d.num_minutes()
    }

    #[test]
    fn a_handover_ends_the_holding_but_the_shift_runs_on_for_the_briefing() {
        // devi holds tech 10:00-11:00, then hands it to sam.
        let inc = incident(
            1,
            &[
                (at(10, 0), "ana", declared("P1")),
                (at(10, 0), "ana", assign("tech", "devi")),
                (at(11, 0), "ana", assign("tech", "sam")),
            ],
        );
        let now = at(12, 0);
        let s = one(&inc, &[], now);
        let devi = &s["devi"];
        assert_eq!(
            minutes(devi.continuous),
            90,
            "an hour held, half an hour after"
        );
        assert!(!devi.on_now, "devi went off shift at 11:30");
        assert!(devi.roles.is_empty(), "devi holds nothing now");
        let sam = &s["sam"];
        assert_eq!(minutes(sam.continuous), 60);
        assert!(sam.on_now);
        assert_eq!(sam.roles[0].role, "tech");
        assert_eq!(
            minutes(s["ana"].continuous),
            120,
            "the commander since 10:00"
        );
    }

    #[test]
    fn two_incidents_at_once_are_not_counted_twice() {
        // devi is tech in one incident 09:00-10:00 (released) and writes in
        // another from 09:30 to 10:15.
        let first = incident(
            1,
            &[
                (at(9, 0), "ana", declared("P1")),
                (at(9, 0), "ana", assign("tech", "devi")),
                (
                    at(10, 0),
                    "ana",
                    EventKind::RoleReleased {
                        role: "tech".into(),
                    },
                ),
            ],
        );
        let second = incident(2, &[(at(9, 30), "ana", declared("P2"))]);
        let notes = authored(&[(at(9, 30), "devi"), (at(10, 15), "devi")]);
        let now = at(12, 0);
        let s = shifts(
            &[
                Worked {
                    incident: &first,
                    authored: &[],
                },
                Worked {
                    incident: &second,
                    authored: &notes,
                },
            ],
            now,
            plus_one(),
        );
        // 09:00 to 10:45 (the last note and its half hour): one stretch.
        assert_eq!(minutes(s["devi"].today), 105);
        assert_eq!(minutes(s["devi"].continuous), 105);
        assert_eq!(s["devi"].since, at(9, 0));
    }

    #[test]
    fn a_quiet_gap_longer_than_the_stay_starts_a_new_shift() {
        let inc = incident(1, &[(at(8, 0), "ana", declared("P1"))]);
        // sam writes at 08:00 and 08:20 (on until 08:50), then at 09:30.
        let notes = authored(&[(at(8, 0), "sam"), (at(8, 20), "sam"), (at(9, 30), "sam")]);
        let s = one(&inc, &notes, at(9, 45));
        let sam = &s["sam"];
        assert_eq!(sam.since, at(9, 30), "the break ended the first shift");
        assert_eq!(minutes(sam.continuous), 15);
        assert_eq!(minutes(sam.today), 50 + 15);
    }

    #[test]
    fn yesterday_is_not_counted_in_today() {
        // Local midnight in UTC+01:00 is 23:00 UTC the day before.
        let inc = incident(1, &[(at(8, 0), "ana", declared("P1"))]);
        let notes = authored(&[
            (at(8, 0) - Duration::days(1), "sam"),
            (at(22, 30) - Duration::days(1), "lee"),
            (at(8, 0), "lee"),
        ]);
        let s = one(&inc, &notes, at(8, 10));
        assert!(!s.contains_key("sam"), "sam only worked yesterday");
        // lee's 22:30 UTC note kept them on until 23:00 UTC: local midnight.
        assert_eq!(minutes(s["lee"].today), 10);
        assert_eq!(s["lee"].since, at(8, 0));
    }

    #[test]
    fn a_night_shift_runs_on_past_midnight_but_today_starts_at_midnight() {
        let yesterday = |h, m| at(h, m) - Duration::days(1);
        let inc = incident(
            1,
            &[
                (yesterday(22, 0), "ana", declared("P1")),
                (yesterday(22, 0), "ana", assign("tech", "devi")),
            ],
        );
        // 23:00 UTC is local midnight; now is 00:30 local.
        let s = one(&inc, &[], yesterday(23, 30));
        assert_eq!(minutes(s["devi"].continuous), 90);
        assert_eq!(minutes(s["devi"].today), 30);
    }

    #[test]
    fn an_event_dated_ahead_of_now_adds_no_time() {
        let inc = incident(1, &[(at(10, 0), "ana", declared("P1"))]);
        let notes = authored(&[(at(10, 0), "sam"), (at(15, 0), "sam")]);
        let s = one(&inc, &notes, at(10, 20));
        assert_eq!(minutes(s["sam"].continuous), 20);
        assert_eq!(minutes(s["sam"].today), 20);
        assert!(s["sam"].on_now);
    }

    #[test]
    fn a_resolved_incident_ends_its_holdings() {
        let inc = incident(
            1,
            &[
                (at(10, 0), "ana", declared("P1")),
                (
                    at(11, 0),
                    "ana",
                    EventKind::Resolved {
                        summary: String::new(),
                    },
                ),
            ],
        );
        let s = one(&inc, &[], at(14, 0));
        assert_eq!(minutes(s["ana"].continuous), 90);
        assert!(!s["ana"].on_now);
        assert!(
            s["ana"].roles.is_empty(),
            "nobody holds a role of a resolved incident"
        );
    }

    #[test]
    fn only_a_stretch_reaching_now_is_past_a_limit() {
        let inc = incident(1, &[(at(8, 0), "ana", declared("P1"))]);
        let notes = authored(&[(at(6, 0), "sam"), (at(6, 30), "sam"), (at(7, 0), "sam")]);
        let s = one(&inc, &notes, at(10, 0));
        assert!(
            !s["sam"].past(Duration::minutes(60)),
            "sam went home at 07:30"
        );
        assert!(
            s["ana"].past(Duration::minutes(90)),
            "ana has held command two hours"
        );
    }

    #[test]
    fn who_carried_an_incident_is_listed_by_name_with_roles_and_time() {
        let inc = incident(
            1,
            &[
                (at(10, 0), "ana", declared("P1")),
                (at(10, 0), "ana", assign("tech", "Zoe")),
                (at(11, 0), "ana", assign("tech", "bo")),
                (
                    at(12, 0),
                    "ana",
                    EventKind::Resolved {
                        summary: String::new(),
                    },
                ),
            ],
        );
        let notes = authored(&[(at(10, 5), "cy"), (at(13, 0), "cy")]);
        let c = carried(&inc, &notes, at(12, 0));
        let names: Vec<&str> = c.iter().map(|c| c.person.as_str()).collect();
        assert_eq!(names, ["ana", "bo", "cy", "Zoe"], "by name, not by time");
        assert_eq!(c[0].roles, ["commander"]);
        assert_eq!(minutes(c[0].time), 120, "until the resolution");
        assert_eq!(minutes(c[1].time), 60);
        assert_eq!(minutes(c[2].time), 30, "a note after the end adds nothing");
        assert_eq!(minutes(c[3].time), 90, "an hour held, half an hour after");
    }

    #[test]
    fn a_busy_day_compacted_gives_the_same_shifts() {
        let inc = incident(1, &[(at(8, 0), "ana", declared("P1"))]);
        // Every 2 minutes for ten hours, with a break at noon, and some
        // dated past now.
        let mut busy = Vec::new();
        for i in 0..300 {
            let t = at(8, 0) + Duration::minutes(2 * i);
            if !(at(12, 0)..at(13, 0)).contains(&t) {
                busy.push((t, if i % 3 == 0 { "sam" } else { "lee" }));
            }
        }
        let all = authored(&busy);
        let few = compact(all.clone());
        assert!(few.len() * 5 < all.len(), "{} of {}", few.len(), all.len());
        for now in [at(11, 0), at(12, 40), at(14, 3), at(23, 0)] {
            assert_eq!(one(&inc, &few, now), one(&inc, &all, now), "at {now}");
        }
    }

    #[test]
    fn lengths_read_as_hours_and_minutes() {
        assert_eq!(shift_length(Duration::minutes(130)), "2h10");
        assert_eq!(shift_length(Duration::minutes(65)), "1h05");
        assert_eq!(shift_length(Duration::minutes(45)), "45m");
    }
}
