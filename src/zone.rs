//! Showing times to people: in local time or UTC, always with the zone said.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Timelike, Utc};

use crate::domain::when::zone_label;

/// The zone times are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Local,
    Utc,
}

impl Zone {
    /// `14:02` in this zone.
    pub fn hm(self, t: DateTime<Utc>) -> String {
        // Written out rather than through a format string: a printout
        // asks for one per entry.
        let t = self.at(t);
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    /// `14:02:09` in this zone.
    pub fn hms(self, t: DateTime<Utc>) -> String {
        self.format(t, "%H:%M:%S")
    }

    /// `2026-11-23 14:02` in this zone.
    pub fn date_hm(self, t: DateTime<Utc>) -> String {
        self.format(t, "%Y-%m-%d %H:%M")
    }

    /// The calendar day of `t` in this zone, for date lines.
    pub fn date(self, t: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Local => t.with_timezone(&Local).date_naive(),
            Zone::Utc => t.date_naive(),
        }
    }

    pub fn format(self, t: DateTime<Utc>, fmt: &str) -> String {
        match self {
            Zone::Local => t.with_timezone(&Local).format(fmt).to_string(),
            Zone::Utc => t.format(fmt).to_string(),
        }
    }

    /// `UTC` or `UTC+01:00`: the zone as printed beside times.
    pub fn label(self, at: DateTime<Utc>) -> String {
        zone_label(*self.at(at).offset())
    }

    /// The moment `t` in this zone, for what formats times itself.
    pub fn at(self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            Zone::Local => t.with_timezone(&Local).fixed_offset(),
            Zone::Utc => t.fixed_offset(),
        }
    }
}
