//! Checking what a person typed before it becomes part of an event: the
//! pieces [`super::decide`] builds events from, each refusing a mistake
//! with a [`Refusal`].

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::event::EventKind;
use super::ids::EventId;
use super::incident::{Incident, entry_ref};
use super::playbook::Playbook;
use super::refusal::Refusal;

/// Refuses empty text: an empty note or title is a mistake, not a record.
pub fn required(field: &'static str, value: &str) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        Err(Refusal::Empty(field))
    } else {
        Ok(v.to_string())
    }
}

/// Trimmed text, or `None` when nothing was typed.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// How many are affected, as typed: `1200`, `1,200` or `1 200`; `none`
/// or nothing clears it.
pub fn parse_count(typed: &str) -> Result<Option<u64>, Refusal> {
    let t = typed.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let bad = || Refusal::BadCount(t.to_string());
    // Groups of three after the first, so "1,2" is not read as 12.
    let groups: Vec<&str> = t.split([',', ' ', '\u{a0}', '\u{202f}']).collect();
    let (first, rest) = groups.split_first().ok_or_else(bad)?;
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let grouped = rest.is_empty() || (first.len() <= 3 && rest.iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped {
        return Err(bad());
    }
    groups.concat().parse().map(Some).map_err(|_| bad())
}

/// A due date: `YYYY-MM-DD` or `+Nd` (days after `today`).
pub fn parse_due(s: &str, today: NaiveDate) -> Result<NaiveDate, Refusal> {
    let s = s.trim();
    let bad = || Refusal::BadDue(s.to_string());
    let due = match s.strip_prefix('+').and_then(|d| d.strip_suffix('d')) {
        Some(days) => {
            let n: u32 = days.parse().map_err(|_| bad())?;
            today
                .checked_add_signed(Duration::try_days(i64::from(n)).ok_or_else(bad)?)
                .ok_or_else(bad)?
        }
        None => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?,
    };
    if due < today {
        return Err(Refusal::PastDue(s.to_string()));
    }
    Ok(due)
}

/// A checklist item by 1-based number, by its whole text (as the console's
/// picker gives it, so "Open a call" never ticks "Open a call bridge"), or
/// by the start of its text.
pub fn pick_checklist_item(items: &[String], input: &str) -> Option<String> {
    let input = input.trim();
    if let Ok(n) = input.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| items.get(i)).cloned();
    }
    if let Some(exact) = items.iter().find(|i| i.trim() == input) {
        return Some(exact.clone());
    }
    let lower = input.to_lowercase();
    items
        .iter()
        .find(|i| !lower.is_empty() && i.to_lowercase().starts_with(&lower))
        .cloned()
}

/// A timeline entry by its short ref (as `print --refs` shows).
pub fn find_entry(inc: &Incident, reference: &str) -> Result<EventId, Refusal> {
    let r = entry_ref(reference);
    let found: Vec<EventId> = inc
        .timeline
        .iter()
        .map(|e| e.id)
        .filter(|id| id.matches_ref(r))
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Refusal::NoEntry(r.to_string())),
        _ => Err(Refusal::AmbiguousEntry(r.to_string())),
    }
}

/// The declaration of a new incident run by `playbook`: the severity given
/// (by id or name) or the playbook's first, starting at its first stage.
pub fn declaration(
    playbook: &Playbook,
    title: &str,
    severity: Option<&str>,
    summary: &str,
    commander: &str,
) -> Result<EventKind, Refusal> {
    let title = required("the title", title)?;
    let severity = match severity {
        Some(s) => playbook.find_severity(s)?.id.clone(),
        None => playbook.severities[0].id.clone(),
    };
    Ok(EventKind::Declared {
        title,
        severity,
        summary: summary.trim().to_string(),
        playbook: playbook.name.clone(),
        commander: required("the commander", commander)?,
        stage: playbook.stages[0].id.clone(),
    })
}

/// When the next update is due if none is promised: one cadence period
/// after this one, where the severity has a cadence.
pub fn next_update_by_cadence(
    playbook: &Playbook,
    severity: &str,
    sent_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    playbook
        .cadence_minutes(severity)
        .map(|m| sent_at + Duration::minutes(i64::from(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playbook() -> Playbook {
        Playbook::parse(include_str!("../../playbooks/default.toml")).unwrap()
    }

    #[test]
    fn empty_required_text_is_refused_with_the_field_named() {
        assert_eq!(
            required("the note", "  \n ").unwrap_err().to_string(),
            "the note cannot be empty"
        );
        assert_eq!(required("the note", " x ").unwrap(), "x");
    }

    #[test]
    fn due_dates_are_absolute_or_days_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            parse_due("+7d", today).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(
            parse_due("2026-12-01", today).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert!(
            parse_due("next week", today)
                .unwrap_err()
                .to_string()
                .contains("+Nd")
        );
    }

    #[test]
    fn a_declaration_defaults_to_the_first_severity_and_stage() {
        let pb = playbook();
        let Ok(EventKind::Declared {
            severity, stage, ..
        }) = declaration(&pb, "DB down", None, "", "ana")
        else {
            panic!("declaration refused");
        };
        assert_eq!((severity.as_str(), stage.as_str()), ("P1", "detect"));
        assert!(declaration(&pb, " ", None, "", "ana").is_err());
        let e = declaration(&pb, "x", Some("P9"), "", "ana").unwrap_err();
        assert!(e.to_string().contains("P1, P2, P3"), "{e}");
    }

    #[test]
    fn checklist_items_are_picked_by_number_or_prefix() {
        let items = vec!["Open a call".to_string(), "Page people".to_string()];
        assert_eq!(
            pick_checklist_item(&items, "2").as_deref(),
            Some("Page people")
        );
        assert_eq!(
            pick_checklist_item(&items, "open").as_deref(),
            Some("Open a call")
        );
        assert_eq!(pick_checklist_item(&items, "3"), None);
        let nested = vec!["Open a call bridge".to_string(), "Open a call".to_string()];
        assert_eq!(
            pick_checklist_item(&nested, "Open a call").as_deref(),
            Some("Open a call")
        );
    }
}
