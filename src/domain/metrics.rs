//! Measuring the response across incidents, for `fireground report`: per
//! incident, how long each milestone took from the declaration, how well
//! the stakeholder updates kept the cadence and how often it was reopened;
//! across them, counts and the median and 90th percentile of each duration.
//!
//! Percentiles are nearest-rank: the p-th percentile of n sorted values is
//! the value at rank ⌈p/100 × n⌉ (1-based), always one of the values, never
//! an interpolation. The median is the 50th percentile by the same rule, so
//! with an even count it is the lower of the two middle values. Fewer than
//! [`MIN_FOR_PERCENTILES`] values give no median or p90: one or two
//! incidents are anecdotes, not a distribution.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Serialize, Serializer};

use super::cadence::punctuality;
use super::incident::Incident;
use super::milestones::{Milestone, key_times};
use super::playbook::Playbook;
use super::when::parse_duration;

/// The fewest values a median or p90 is computed from.
pub const MIN_FOR_PERCENTILES: usize = 3;

/// What `category` reads while incidents have none.
pub const UNCATEGORISED: &str = "uncategorised";

/// A declaration recorded at least this long after the moment it gives
/// (`declare --at`) was backfilled; a live declaration is recorded at the
/// moment it gives.
pub const BACKFILL_THRESHOLD: Duration = Duration::seconds(1);

/// Which incidents a report covers, by when they were declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    All,
    /// Declared within this long before now.
    Last(Duration),
}

impl Since {
    /// `90d`, `24h`, `7d`, `1h30m` or `all`.
    pub fn parse(input: &str) -> Result<Since, String> {
        let s = input.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Since::All);
        }
        match parse_duration(s) {
            Ok(d) if d > Duration::zero() => Ok(Since::Last(d)),
            _ => Err(format!(
                "cannot read --since '{input}'; use a duration like 7d, 24h or 90d, or all"
            )),
        }
    }

    /// The earliest declaration counted, `None` for all of them.
    pub fn cutoff(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Since::All => None,
            Since::Last(d) => now.checked_sub_signed(d),
        }
    }

    /// Whether an incident declared at `declared_at` is counted.
    pub fn includes(self, declared_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.cutoff(now).is_none_or(|c| declared_at >= c)
    }
}

/// One incident to measure: its state, its playbook, and when its
/// declaration was recorded (the declared event's clock), which the state
/// does not hold; `None` when unknown.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub incident: &'a Incident,
    pub playbook: &'a Playbook,
    pub declaration_recorded: Option<DateTime<Utc>>,
}

/// One incident's figures. Durations serialise as whole seconds, `null`
/// where there is none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub id: String,
    pub r#ref: String,
    /// Cleaned to one line: it may come from another replica.
    pub title: String,
    /// The most severe level the incident reached (the playbook lists the
    /// most severe first).
    pub severity: String,
    /// The category of the incident's impact, by its playbook's name (its
    /// id where the playbook lacks it); `None`, counted as
    /// "uncategorised", when none was set.
    pub category: Option<String>,
    pub declared_at: DateTime<Utc>,
    /// From the moment given to `declare --at` to when the declaration was
    /// recorded; `None` when it was declared live.
    #[serde(rename = "time_to_declare_seconds", serialize_with = "opt_seconds")]
    pub time_to_declare: Option<Duration>,
    #[serde(
        rename = "time_to_first_update_seconds",
        serialize_with = "opt_seconds"
    )]
    pub time_to_first_update: Option<Duration>,
    #[serde(rename = "time_to_mitigate_seconds", serialize_with = "opt_seconds")]
    pub time_to_mitigate: Option<Duration>,
    #[serde(rename = "time_to_resolve_seconds", serialize_with = "opt_seconds")]
    pub time_to_resolve: Option<Duration>,
    pub adherence: Adherence,
    pub reopened: usize,
}

/// How many stakeholder updates that had a cadence deadline went out by it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Adherence {
    pub on_time: usize,
    /// Updates sent while a cadence was in force (none at, say, P3).
    pub due: usize,
}

impl Adherence {
    /// `on_time / due`, `None` when no update was due.
    pub fn fraction(self) -> Option<f64> {
        (self.due > 0).then(|| self.on_time as f64 / self.due as f64)
    }

    /// `3/4`, or `—` when none was due.
    pub fn label(self) -> String {
        if self.due == 0 {
            "—".to_string()
        } else {
            format!("{}/{}", self.on_time, self.due)
        }
    }
}

/// The figures of one incident.
pub fn row(subject: Subject) -> Row {
    let Subject {
        incident: inc,
        playbook: pb,
        declaration_recorded,
    } = subject;
    let declared = inc.declared_at;
    let since = |m: Milestone| {
        key_times(inc, pb)
            .iter()
            .find(|k| k.milestone == m)
            .and_then(|k| k.at)
            .map(|at| at - declared)
    };
    let adherence = punctuality(inc, pb)
        .iter()
        .filter(|p| p.due_at.is_some())
        .fold(Adherence::default(), |a, p| Adherence {
            on_time: a.on_time + usize::from(p.late_by.is_none()),
            due: a.due + 1,
        });
    let rank = |id: &str| {
        pb.severities
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(id))
            .unwrap_or(usize::MAX)
    };
    let severity = inc
        .severity_history
        .iter()
        .map(|c| c.value.as_str())
        .min_by_key(|s| rank(s))
        .unwrap_or(&inc.severity);
    Row {
        id: inc.id.to_string(),
        r#ref: inc.id.short(),
        title: super::text::single_line(&inc.title),
        severity: super::text::single_line(severity),
        category: inc
            .impact
            .as_ref()
            .and_then(|i| i.category.as_deref())
            .map(|c| super::text::single_line(&pb.category_name(c))),
        declared_at: declared,
        time_to_declare: declaration_recorded
            .map(|r| r - declared)
            .filter(|d| *d >= BACKFILL_THRESHOLD),
        time_to_first_update: since(Milestone::FirstUpdate),
        time_to_mitigate: since(Milestone::Mitigated),
        time_to_resolve: since(Milestone::Resolved),
        adherence,
        reopened: inc.reopenings.len(),
    }
}

/// The median and 90th percentile of a set of durations, and how many
/// there were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Spread {
    pub count: usize,
    #[serde(rename = "median_seconds", serialize_with = "opt_seconds")]
    pub median: Option<Duration>,
    #[serde(rename = "p90_seconds", serialize_with = "opt_seconds")]
    pub p90: Option<Duration>,
}

impl Spread {
    pub fn of(values: impl IntoIterator<Item = Duration>) -> Spread {
        let mut v: Vec<Duration> = values.into_iter().collect();
        v.sort();
        Spread {
            count: v.len(),
            median: percentile(&v, 50),
            p90: percentile(&v, 90),
        }
    }
}

/// The nearest-rank `p`-th percentile of `sorted`: the value at rank
/// ⌈p/100 × n⌉; `None` with fewer than [`MIN_FOR_PERCENTILES`] values.
pub fn percentile<T: Copy>(sorted: &[T], p: usize) -> Option<T> {
    let n = sorted.len();
    if n < MIN_FOR_PERCENTILES {
        return None;
    }
    let rank = (p * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// The figures across every incident counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub incidents: usize,
    pub resolved: usize,
    pub open: usize,
    pub reopened_incidents: usize,
    pub reopenings: usize,
    pub by_severity: BTreeMap<String, usize>,
    /// Incidents with no category count as "uncategorised".
    pub by_category: BTreeMap<String, usize>,
    pub adherence: Adherence,
    /// `on_time / due` over all updates, `null` when none was due.
    pub adherence_fraction: Option<f64>,
    pub time_to_declare: Spread,
    pub time_to_first_update: Spread,
    pub time_to_mitigate: Spread,
    pub time_to_resolve: Spread,
}

impl Totals {
    pub fn of(rows: &[Row]) -> Totals {
        let mut t = Totals {
            incidents: rows.len(),
            ..Totals::default()
        };
        for r in rows {
            if r.time_to_resolve.is_some() {
                t.resolved += 1;
            }
            if r.reopened > 0 {
                t.reopened_incidents += 1;
            }
            t.reopenings += r.reopened;
            *t.by_severity.entry(r.severity.clone()).or_default() += 1;
            let category = r.category.clone().unwrap_or_else(|| UNCATEGORISED.into());
            *t.by_category.entry(category).or_default() += 1;
            t.adherence.on_time += r.adherence.on_time;
            t.adherence.due += r.adherence.due;
        }
        t.open = t.incidents - t.resolved;
        t.adherence_fraction = t.adherence.fraction();
        t.time_to_declare = Spread::of(rows.iter().filter_map(|r| r.time_to_declare));
        t.time_to_first_update = Spread::of(rows.iter().filter_map(|r| r.time_to_first_update));
        t.time_to_mitigate = Spread::of(rows.iter().filter_map(|r| r.time_to_mitigate));
        t.time_to_resolve = Spread::of(rows.iter().filter_map(|r| r.time_to_resolve));
        t
    }
}

/// A whole report: the window, each incident (most recently declared
/// first) and the totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub now: DateTime<Utc>,
    /// The earliest declaration counted; `null` for all.
    pub since: Option<DateTime<Utc>>,
    pub incidents: Vec<Row>,
    pub totals: Totals,
}

impl Report {
    /// The report of rows already measured, keeping those `since` counts.
    pub fn from_rows(rows: Vec<Row>, since: Since, now: DateTime<Utc>) -> Report {
        let mut incidents: Vec<Row> = rows
            .into_iter()
            .filter(|r| since.includes(r.declared_at, now))
            .collect();
        incidents.sort_by(|a, b| b.declared_at.cmp(&a.declared_at).then(a.id.cmp(&b.id)));
        let totals = Totals::of(&incidents);
        Report {
            now,
            since: since.cutoff(now),
            incidents,
            totals,
        }
    }
}

/// Measures `subjects` declared within `since` of `now`.
pub fn measure<'a>(
    subjects: impl IntoIterator<Item = Subject<'a>>,
    since: Since,
    now: DateTime<Utc>,
) -> Report {
    let rows = subjects
        .into_iter()
        .filter(|s| since.includes(s.incident.declared_at, now))
        .map(row)
        .collect();
    Report::from_rows(rows, since, now)
}

fn opt_seconds<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.num_seconds()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::fixtures::{declared, incident, playbook, t, update};

    fn mins(m: i64) -> Duration {
        Duration::minutes(m)
    }

    fn stage(s: &str) -> EventKind {
        EventKind::StageChanged { stage: s.into() }
    }

    fn resolved() -> EventKind {
        EventKind::Resolved {
            summary: String::new(),
        }
    }

    fn subject<'a>(inc: &'a Incident, pb: &'a Playbook) -> Subject<'a> {
        Subject {
            incident: inc,
            playbook: pb,
            declaration_recorded: Some(inc.declared_at),
        }
    }

    #[test]
    fn percentiles_need_three_values_and_use_the_nearest_rank() {
        let m = |v: &[i64]| Spread::of(v.iter().map(|n| mins(*n)));
        assert_eq!(
            m(&[7]),
            Spread {
                count: 1,
                median: None,
                p90: None
            }
        );
        assert_eq!(m(&[7, 3]).median, None);
        assert_eq!(m(&[7, 3]).p90, None);
        // 3 values: median rank ⌈1.5⌉ = 2, p90 rank ⌈2.7⌉ = 3.
        let three = m(&[30, 10, 20]);
        assert_eq!((three.median, three.p90), (Some(mins(20)), Some(mins(30))));
        // 10 values: median rank 5 (the lower middle), p90 rank 9.
        let ten = m(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        assert_eq!((ten.median, ten.p90), (Some(mins(5)), Some(mins(9))));
        assert_eq!(ten.count, 10);
    }

    #[test]
    fn adherence_counts_updates_due_and_on_time() {
        let pb = playbook();
        // P1: every 30 min. 20 on time, 54 late by 4 min, 70 on time.
        let inc = incident(&[
            (0, declared("P1")),
            (20, update()),
            (54, update()),
            (70, update()),
        ]);
        let r = row(subject(&inc, &pb));
        assert_eq!(r.adherence, Adherence { on_time: 2, due: 3 });
        assert_eq!(r.adherence.label(), "2/3");
        assert!((r.adherence.fraction().unwrap() - 2.0 / 3.0).abs() < 1e-9);
        // P3 has no cadence: nothing was due.
        let calm = incident(&[(0, declared("P3")), (200, update())]);
        let r = row(subject(&calm, &pb));
        assert_eq!(r.adherence, Adherence { on_time: 0, due: 0 });
        assert_eq!(
            (r.adherence.label(), r.adherence.fraction()),
            ("—".into(), None)
        );
    }

    #[test]
    fn time_to_declare_only_when_the_declaration_was_backfilled() {
        let pb = playbook();
        let inc = incident(&[(0, declared("P2"))]);
        let live = row(subject(&inc, &pb));
        assert_eq!(live.time_to_declare, None);
        let backfilled = row(Subject {
            declaration_recorded: Some(t(12)),
            ..subject(&inc, &pb)
        });
        assert_eq!(backfilled.time_to_declare, Some(mins(12)));
        let unknown = row(Subject {
            declaration_recorded: None,
            ..subject(&inc, &pb)
        });
        assert_eq!(unknown.time_to_declare, None);
    }

    #[test]
    fn durations_run_from_the_declaration_and_an_open_incident_has_no_resolve() {
        let pb = playbook();
        let open = incident(&[(0, declared("P1")), (10, update()), (20, stage("mitigate"))]);
        let r = row(subject(&open, &pb));
        assert_eq!(r.time_to_first_update, Some(mins(10)));
        assert_eq!(r.time_to_mitigate, None, "still mitigating");
        assert_eq!(r.time_to_resolve, None);
        assert_eq!(r.category, None);

        let done = incident(&[
            (0, declared("P2")),
            (
                5,
                EventKind::SeverityChanged {
                    severity: "P1".into(),
                },
            ),
            (20, stage("mitigate")),
            (45, stage("repair")),
            (90, resolved()),
            (
                100,
                EventKind::Reopened {
                    reason: String::new(),
                },
            ),
            (130, resolved()),
        ]);
        let r = row(subject(&done, &pb));
        assert_eq!(r.time_to_first_update, None);
        assert_eq!(r.time_to_mitigate, Some(mins(45)));
        assert_eq!(r.time_to_resolve, Some(mins(130)));
        assert_eq!(r.reopened, 1);
        assert_eq!(r.severity, "P1", "the most severe it reached");
    }

    #[test]
    fn totals_count_and_spread_what_the_window_holds() {
        let pb = playbook();
        let a = incident(&[(0, declared("P1")), (10, update()), (60, resolved())]);
        let deployment = EventKind::ImpactSet {
            affected: "shoppers".into(),
            count: None,
            category: Some("deployment".into()),
        };
        let b = incident(&[(0, declared("P2")), (5, deployment), (30, resolved())]);
        let c = incident(&[(0, declared("P2")), (90, resolved())]);
        let now = t(24 * 60);
        let report = measure(
            [&a, &b, &c].map(|i| subject(i, &pb)),
            Since::Last(Duration::days(1)),
            now,
        );
        let tot = &report.totals;
        assert_eq!((tot.incidents, tot.resolved, tot.open), (3, 3, 0));
        assert_eq!(tot.by_severity["P2"], 2);
        assert_eq!(tot.by_category[UNCATEGORISED], 2);
        assert_eq!(tot.by_category["Deployment regression"], 1);
        assert_eq!(
            report.incidents[1].category.as_deref(),
            Some("Deployment regression")
        );
        assert_eq!(tot.time_to_resolve.median, Some(mins(60)));
        assert_eq!(tot.time_to_resolve.p90, Some(mins(90)));
        assert_eq!(tot.time_to_first_update.median, None, "one value");
        let later = measure(
            [&a].map(|i| subject(i, &pb)),
            Since::Last(Duration::hours(1)),
            now,
        );
        assert!(later.incidents.is_empty(), "declared a day ago");
    }

    #[test]
    fn since_reads_durations_and_all() {
        assert_eq!(Since::parse("90d"), Ok(Since::Last(Duration::days(90))));
        assert_eq!(Since::parse("24h"), Ok(Since::Last(Duration::hours(24))));
        assert_eq!(Since::parse("ALL"), Ok(Since::All));
        assert!(Since::parse("soon").unwrap_err().contains("7d, 24h or 90d"));
        assert!(Since::parse("0d").is_err());
    }
}
