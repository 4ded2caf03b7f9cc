//! Reading the times and durations people type: RFC 3339, `HH:MM` (today,
//! in the given zone) and relative offsets such as `-15m` or `-1h30m`.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};

/// Parses a point in time relative to `now` (whose zone is used for `HH:MM`).
pub fn parse_time<Tz: TimeZone>(input: &str, now: &DateTime<Tz>) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(rest) = s.strip_prefix('-') {
        let d = parse_duration(rest)?;
        return offset(now, -d, input);
    }
    if let Some(rest) = s.strip_prefix('+') {
        let d = parse_duration(rest)?;
        return offset(now, d, input);
    }
    let clock = parse_clock(s).ok_or_else(|| bad_time(input))?;
    on_day(clock, now, 0, input)
}

/// `HH:MM` or `HH:MM:SS`, if that is what was typed.
fn parse_clock(input: &str) -> Option<NaiveTime> {
    let s = input.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

/// A clock time on the calendar day `days` away from `now`'s, in its zone
/// (by the calendar, so a night with a clock change is still one day).
fn on_day<Tz: TimeZone>(
    clock: NaiveTime,
    now: &DateTime<Tz>,
    days: i64,
    input: &str,
) -> Result<DateTime<Utc>, String> {
    let day = now
        .date_naive()
        .checked_add_signed(Duration::days(days))
        .ok_or_else(|| format!("'{input}' is too far from now"))?;
    now.timezone()
        .from_local_datetime(&day.and_time(clock))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("'{input}' does not exist on that day in the local time zone"))
}

/// How far a bare clock time may be moved to the day before or after, to
/// mean the nearest such moment; further than this it is taken as typed,
/// a typo being likelier than a twelve-hour backfill or promise.
const NEAREST: Duration = Duration::hours(12);

/// A moment that has already happened: as [`parse_time`], but a bare clock
/// time far ahead of now means yesterday (at 00:20, `23:50` is half an hour
/// ago, not tonight). One only a little ahead stays today, so that the
/// caller can refuse it as in the future.
pub fn parse_past_time<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<Utc>, String> {
    let t = parse_time(input, now)?;
    match parse_clock(input) {
        Some(clock) if t - now.with_timezone(&Utc) > NEAREST => on_day(clock, now, -1, input),
        _ => Ok(t),
    }
}

/// `now + d`, refusing results outside the calendar instead of panicking.
fn offset<Tz: TimeZone>(
    now: &DateTime<Tz>,
    d: Duration,
    input: &str,
) -> Result<DateTime<Utc>, String> {
    now.with_timezone(&Utc)
        .checked_add_signed(d)
        .ok_or_else(|| format!("'{input}' is too far from now"))
}

fn bad_time(input: &str) -> String {
    format!(
        "cannot read the time '{input}'; use RFC 3339 (2026-11-23T14:02:00Z), HH:MM or a relative time like -15m"
    )
}

/// Parses a duration such as `30m`, `1h`, `1h30m`, `90s` or `2d`.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    let s = input.trim();
    let bad = || format!("cannot read the duration '{input}'; use forms like 30m, 1h or 1h30m");
    if s.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let part = match c {
            's' => Duration::try_seconds(n),
            'm' => Duration::try_minutes(n),
            'h' => Duration::try_hours(n),
            'd' => Duration::try_days(n),
            _ => None,
        }
        .ok_or_else(bad)?;
        total = total.checked_add(&part).ok_or_else(bad)?;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// Either a duration from now (`30m`) or a time (`14:30`), as `update --next`
/// takes.
pub fn parse_time_or_duration<Tz: TimeZone>(
    input: &str,
    now: &DateTime<Tz>,
) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = parse_duration(input) {
        return offset(now, d, input);
    }
    let t = parse_time(input, now)?;
    let now_utc = now.with_timezone(&Utc);
    match parse_clock(input) {
        // A clock time just past means tomorrow (00:15 promised at 23:30);
        // one long past is a typo, not a promise a day away.
        Some(clock) if t < now_utc => {
            let tomorrow = on_day(clock, now, 1, input)?;
            if tomorrow - now_utc > NEAREST {
                Err(format!(
                    "'{input}' has already passed today; give a later time or a duration like 30m"
                ))
            } else {
                Ok(tomorrow)
            }
        }
        _ => Ok(t),
    }
}

/// `1h 05m`, `12m`, `45s`: a compact, human duration.
pub fn human_duration(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    let text = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{secs}s")
    };
    if d < Duration::zero() {
        format!("-{text}")
    } else {
        text
    }
}

/// `UTC` or `UTC+01:00`: a zone as printed beside its times.
pub fn zone_label(offset: FixedOffset) -> String {
    if offset.local_minus_utc() == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{offset}")
    }
}

/// `mm:ss`, or `h:mm:ss` past an hour: a countdown.
pub fn clock_duration(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T15:00:00+01:00").unwrap()
    }

    #[test]
    fn reads_rfc3339_clock_times_and_relative_times() {
        let n = now();
        assert_eq!(
            parse_time("2026-11-23T13:02:00Z", &n).unwrap().to_rfc3339(),
            "2026-11-23T13:02:00+00:00"
        );
        // 14:02 in +01:00 is 13:02 UTC.
        assert_eq!(
            parse_time("14:02", &n).unwrap().to_rfc3339(),
            "2026-11-23T13:02:00+00:00"
        );
        assert_eq!(
            parse_time("-15m", &n).unwrap().to_rfc3339(),
            "2026-11-23T13:45:00+00:00"
        );
        assert_eq!(
            parse_time("-1h30m", &n).unwrap().to_rfc3339(),
            "2026-11-23T12:30:00+00:00"
        );
    }

    #[test]
    fn rejects_what_it_cannot_read_with_the_accepted_forms() {
        let e = parse_time("yesterday", &now()).unwrap_err();
        assert!(e.contains("HH:MM"), "{e}");
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("").is_err());
        let e = parse_time("-9000000000000s", &now()).unwrap_err();
        assert!(e.contains("too far"), "{e}");
        assert!(parse_time_or_duration("99999999999999m", &now()).is_err());
    }

    #[test]
    fn a_clock_time_far_ahead_means_yesterday_for_what_happened() {
        let n = now(); // 15:00 at +01:00
        let t = parse_past_time("14:30", &n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T13:30:00+00:00");
        let t = parse_past_time("15:20", &n).unwrap();
        assert_eq!(
            t.to_rfc3339(),
            "2026-11-23T14:20:00+00:00",
            "a little ahead stays today, to be refused"
        );
        let late = DateTime::parse_from_rfc3339("2026-11-23T00:20:00+01:00").unwrap();
        let t = parse_past_time("23:50", &late).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T22:50:00+00:00");
    }

    #[test]
    fn yesterday_is_by_the_calendar_across_a_clock_change() {
        // 00:20 CEST on the night clocks go back (Berlin, 2026-10-25).
        let tz = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
        let n = tz.with_ymd_and_hms(2026, 10, 25, 0, 20, 0).unwrap();
        let t = parse_past_time("23:50", &n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-10-24T21:50:00+00:00");
    }

    #[test]
    fn a_clock_time_already_past_means_tomorrow_for_a_promise() {
        let n = now(); // 15:00 at +01:00
        let t = parse_time_or_duration("15:30", &n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:30:00+00:00");
        let t = parse_time_or_duration("45m", &n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:45:00+00:00");
        let e = parse_time_or_duration("14:50", &n).unwrap_err();
        assert!(
            e.contains("has already passed"),
            "ten minutes ago is a typo: {e}"
        );
        let late = DateTime::parse_from_rfc3339("2026-11-23T23:30:00+01:00").unwrap();
        let t = parse_time_or_duration("00:15", &late).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T23:15:00+00:00");
    }

    #[test]
    fn formats_durations_for_people() {
        assert_eq!(human_duration(Duration::seconds(3900)), "1h 05m");
        assert_eq!(human_duration(Duration::seconds(45)), "45s");
        assert_eq!(clock_duration(Duration::seconds(751)), "12:31");
        assert_eq!(clock_duration(Duration::seconds(-65)), "01:05");
    }
}
