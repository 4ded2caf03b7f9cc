//! Which timeline entries a printout shows: a time window, some kinds, or
//! only the pinned ones (the short story of the incident).

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Serialize;

use crate::domain::incident::{Entry, EntryKind};
use crate::domain::when::human_duration;
use crate::zone::Zone;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Entry kinds by label; empty means every kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
}

impl Filter {
    /// Builds a filter, checking what a user typed: kind names must exist
    /// and the window must not end before it starts.
    pub fn new(
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        kinds: &[String],
        pinned: bool,
    ) -> Result<Filter, String> {
        if let (Some(s), Some(u)) = (since, until)
            && u < s
        {
            return Err(format!(
                "--until is {} before --since; give the earlier time to --since",
                human_duration(s - u)
            ));
        }
        let labels = EntryKind::all_labels();
        let mut chosen = Vec::new();
        for k in kinds {
            let wanted = k.trim().to_ascii_lowercase().replace('_', "-");
            let Some(label) = labels.iter().find(|l| **l == wanted) else {
                return Err(format!(
                    "there is no entry kind '{}'; use one of: {}",
                    k.trim(),
                    labels.join(", ")
                ));
            };
            if !chosen.contains(label) {
                chosen.push(*label);
            }
        }
        Ok(Filter {
            since,
            until: until.map(whole_minute),
            kinds: chosen,
            pinned,
        })
    }

    pub fn is_empty(&self) -> bool {
        self == &Filter::default()
    }

    /// Whether one entry passes; both ends of the window are included.
    pub fn matches(&self, entry: &Entry) -> bool {
        self.since.is_none_or(|s| entry.at >= s)
            && self.until.is_none_or(|u| entry.at <= u)
            && (self.kinds.is_empty() || self.kinds.contains(&entry.kind.label()))
            && (!self.pinned || entry.pinned)
    }

    /// What to say when no entry passes, knowing whether any entry of the
    /// whole timeline is pinned.
    pub fn nothing_matches(&self, any_pinned: bool) -> &'static str {
        if self.pinned && !any_pinned {
            "No entry is pinned yet; pin one with `fireground pin REF` (`fireground print --refs` shows the refs)."
        } else {
            "No entries match."
        }
    }

    /// "pinned entries only; kinds decision, finding; from 2026-11-23 23:50",
    /// or `None` when everything is shown.
    pub fn describe(&self, zone: Zone) -> Option<String> {
        let mut parts = Vec::new();
        if self.pinned {
            parts.push("pinned entries only".to_string());
        }
        if !self.kinds.is_empty() {
            parts.push(format!("kinds {}", self.kinds.join(", ")));
        }
        if let Some(s) = self.since {
            parts.push(format!("from {} {}", zone.date_hm(s), zone.label(s)));
        }
        if let Some(u) = self.until {
            parts.push(format!("until {} {}", zone.date_hm(u), zone.label(u)));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Times print to the minute, so `--until 14:30` takes in everything shown
/// as 14:30. A time given to the second is taken as it is.
fn whole_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    if t.second() == 0 && t.nanosecond() == 0 {
        t + Duration::seconds(59) + Duration::milliseconds(999)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_checked_and_named_in_the_error() {
        let f = Filter::new(
            None,
            None,
            &["Decision".into(), "action_item".into()],
            false,
        )
        .unwrap();
        assert_eq!(f.kinds, ["decision", "action-item"]);
        let e = Filter::new(None, None, &["decisions".into()], false).unwrap_err();
        assert!(e.contains("'decisions'") && e.contains("finding"), "{e}");
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let t = DateTime::from_timestamp(1_700_000_040, 0).unwrap();
        let e =
            Filter::new(Some(t), Some(t - chrono::Duration::minutes(5)), &[], false).unwrap_err();
        assert!(e.contains("5m"), "{e}");
        let same = Filter::new(Some(t), Some(t), &[], false).unwrap();
        assert_eq!(same.until, Some(t + chrono::Duration::milliseconds(59_999)));
        let second = t + chrono::Duration::seconds(1);
        let exact = Filter::new(None, Some(second), &[], false).unwrap();
        assert_eq!(exact.until, Some(second));
    }
}
