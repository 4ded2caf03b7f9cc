//! A playbook's `[wellbeing]` table: how long a continuous shift may run
//! before the commander is asked to send someone on a break, shorter at
//! night when tired people make worse calls.

use chrono::{Duration, NaiveTime};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::playbook::{PlaybookError, Text, error_at};

/// The break thresholds a playbook sets (defaults when it sets none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wellbeing {
    /// A continuous shift longer than this calls for a break.
    pub break_after_minutes: u32,
    /// The same, during the night.
    pub night_break_after_minutes: u32,
    /// When the night begins and ends, local time; it may cross midnight.
    pub night_from: NaiveTime,
    pub night_to: NaiveTime,
}

impl Default for Wellbeing {
    fn default() -> Wellbeing {
        Wellbeing {
            break_after_minutes: 90,
            night_break_after_minutes: 30,
            night_from: NaiveTime::from_hms_opt(22, 0, 0).expect("a valid time"),
            night_to: NaiveTime::from_hms_opt(6, 0, 0).expect("a valid time"),
        }
    }
}

impl Wellbeing {
    /// Whether `local` (a local time of day) falls in the night.
    pub fn is_night(&self, local: NaiveTime) -> bool {
        let (from, to) = (self.night_from, self.night_to);
        if from <= to {
            from <= local && local < to
        } else {
            local >= from || local < to
        }
    }

    /// How long a continuous shift may run at local time `local`.
    pub fn break_after(&self, local: NaiveTime) -> Duration {
        let minutes = if self.is_night(local) {
            self.night_break_after_minutes
        } else {
            self.break_after_minutes
        };
        Duration::minutes(i64::from(minutes))
    }
}

/// `[wellbeing]` as the file has it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWellbeing {
    break_after_minutes: Option<Spanned<u32>>,
    night_break_after_minutes: Option<Spanned<u32>>,
    night: Option<Text>,
}

/// Validates the table, pointing at the value that is wrong.
pub(crate) fn parse_wellbeing(
    raw: Option<RawWellbeing>,
    text: &str,
) -> Result<Wellbeing, PlaybookError> {
    let mut w = Wellbeing::default();
    let Some(raw) = raw else {
        return Ok(w);
    };
    let minutes = |v: Spanned<u32>, key: &str| {
        if *v.get_ref() == 0 {
            Err(error_at(
                text,
                v.span(),
                format!("{key} must be at least 1 minute"),
            ))
        } else {
            Ok(v.into_inner())
        }
    };
    if let Some(v) = raw.break_after_minutes {
        w.break_after_minutes = minutes(v, "break_after_minutes")?;
    }
    if let Some(v) = raw.night_break_after_minutes {
        w.night_break_after_minutes = minutes(v, "night_break_after_minutes")?;
    }
    if let Some(night) = raw.night {
        let (from, to) = night_range(night.get_ref()).ok_or_else(|| {
            error_at(
                text,
                night.span(),
                format!(
                    "night '{}' must be two local times like \"22:00-06:00\"",
                    night.get_ref()
                ),
            )
        })?;
        if from == to {
            return Err(error_at(
                text,
                night.span(),
                "night must not begin and end at the same time",
            ));
        }
        (w.night_from, w.night_to) = (from, to);
    }
    Ok(w)
}

/// `22:00-06:00` as its two times.
fn night_range(s: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (from, to) = s.split_once('-')?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    Some((time(from)?, time(to)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        wellbeing: Option<RawWellbeing>,
    }

    fn parse(text: &str) -> Result<Wellbeing, PlaybookError> {
        let raw: File = toml::from_str(text).expect("well-formed TOML");
        parse_wellbeing(raw.wellbeing, text)
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn without_the_table_a_break_is_due_after_ninety_minutes_or_thirty_at_night() {
        let w = parse("").unwrap();
        assert_eq!(w.break_after(hm(14, 0)), Duration::minutes(90));
        assert_eq!(w.break_after(hm(23, 30)), Duration::minutes(30));
        assert_eq!(w.break_after(hm(2, 0)), Duration::minutes(30));
        assert_eq!(
            w.break_after(hm(6, 0)),
            Duration::minutes(90),
            "night ends at 06:00"
        );
    }

    #[test]
    fn a_night_within_one_day_and_one_across_midnight_both_work() {
        let w = parse("[wellbeing]\nnight = \"01:00-05:00\"\nbreak_after_minutes = 120\n").unwrap();
        assert_eq!(w.break_after(hm(0, 30)), Duration::minutes(120));
        assert_eq!(w.break_after(hm(3, 0)), Duration::minutes(30));
        let w = parse("[wellbeing]\nnight = \"20:30-07:15\"\n").unwrap();
        assert!(w.is_night(hm(20, 30)) && w.is_night(hm(7, 0)));
        assert!(!w.is_night(hm(7, 15)) && !w.is_night(hm(12, 0)));
    }

    #[test]
    fn a_bad_night_is_refused_at_its_line_and_column() {
        let e = parse("[wellbeing]\nbreak_after_minutes = 60\nnight = \"10pm-6am\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 9), "{e}");
        assert!(e.message.contains("\"22:00-06:00\""), "{e}");
        let e = parse("[wellbeing]\nnight = \"22:00-22:00\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 9), "{e}");
    }

    #[test]
    fn a_zero_threshold_is_refused_where_it_is() {
        let e = parse("[wellbeing]\nnight_break_after_minutes = 0\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 29), "{e}");
        assert!(e.message.contains("at least 1"), "{e}");
    }
}
