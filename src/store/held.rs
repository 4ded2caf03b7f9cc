//! Events dated beyond this replica's clock by more than the allowed skew:
//! kept apart from the log, shown, and let in once the clock reaches them.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StoreError;
use super::event_row::{self, NewRow, WHOLE_COLUMNS as COLUMNS};
use crate::domain::clock::{Hlc, MAX_SKEW_MS};
use crate::domain::event::Event;

/// What is held back, for a one-line warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub count: u64,
    /// The latest date any of them carries.
    pub latest: DateTime<Utc>,
}

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (count, are, they) = match self.count {
            1 => ("1 event".to_string(), "is", "it applies"),
            n => (format!("{n} events"), "are", "they apply"),
        };
        write!(
            f,
            "{count} from another replica {are} held back: dated up to {}, more than {} minutes ahead of this machine's clock, so one of the two clocks is wrong; {they} when this clock gets there",
            self.latest.format("%Y-%m-%d %H:%M UTC"),
            MAX_SKEW_MS / 60_000
        )
    }
}

/// The latest moment, by `now`, an event may carry and be let in.
pub fn horizon(now: DateTime<Utc>) -> i64 {
    now.timestamp_millis().saturating_add(MAX_SKEW_MS)
}

/// Whether `e` is dated (or was recorded) beyond the horizon.
pub fn too_far_ahead(e: &Event, horizon: i64) -> bool {
    e.at.timestamp_millis() > horizon || e.hlc.ms > horizon
}

/// Holds `e` back unless the log already has it; returns 1 if it was new.
/// A held event is kept whole, as its JSON line: they are few, and none is
/// read until it is let in.
pub fn hold(conn: &Connection, e: &Event) -> Result<usize, StoreError> {
    if event_row::contains(conn, e.id)? {
        return Ok(0);
    }
    event_row::insert_whole(conn, "held_events", e)
}

/// Whether any held event has come within reach: a read, so a database
/// that cannot be written to can still answer it.
pub fn any_due(conn: &Connection, horizon: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM held_events WHERE at_ms <= ?1 AND hlc_ms <= ?1)",
        )?
        .query_row([horizon], |r| r.get(0))?)
}

/// Moves every held event now within reach into the log; returns the clock
/// after observing them, and those the log did not have, for the
/// projection. One that cannot be read goes in all the same, and its
/// incident is folded from the log until the next write folds it again.
pub fn release_due(
    conn: &Connection,
    horizon: i64,
    mut hlc: Hlc,
) -> Result<(Hlc, Vec<Event>), StoreError> {
    let due = "FROM held_events WHERE at_ms <= ?1 AND hlc_ms <= ?1";
    let mut released = Vec::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, EXISTS(SELECT 1 FROM events WHERE events.id = held_events.id)
             {due}"
        ))?;
        let rows = stmt.query_map([horizon], |r| Ok((NewRow::whole(r)?, r.get::<_, bool>(9)?)))?;
        for row in rows {
            let (row, present) = row?;
            let clock = Hlc {
                ms: row.hlc_ms,
                c: u32::try_from(row.hlc_c).unwrap_or(u32::MAX),
            };
            hlc = Hlc::observe(
                Hlc::observe(hlc, clock),
                Hlc {
                    ms: row.at_ms,
                    c: 0,
                },
            );
            if present {
                continue;
            }
            match row.read() {
                (row, Some(e)) => {
                    event_row::insert_row(conn, &row)?;
                    released.push(e);
                }
                // Let in all the same, as the log keeps such a row.
                (row, None) => {
                    event_row::insert_row(conn, &row)?;
                    conn.prepare_cached("INSERT OR IGNORE INTO stale (incident) VALUES (?1)")?
                        .execute([&row.incident])?;
                }
            }
        }
    }
    conn.execute(&format!("DELETE {due}"), [horizon])?;
    Ok((hlc, released))
}

/// Moves events already in the log that are beyond reach (imported before
/// this rule existed) into the held table. This replica's own events stay:
/// its clock has already moved past them.
pub fn hold_existing(conn: &Connection, horizon: i64) -> Result<(), StoreError> {
    let beyond = "FROM events WHERE (at_ms > ?1 OR hlc_ms > ?1)
         AND replica <> (SELECT value FROM meta WHERE key = 'replica')";
    conn.execute(
        &format!("INSERT OR IGNORE INTO held_events ({COLUMNS}) SELECT {COLUMNS} {beyond}"),
        params![horizon],
    )?;
    conn.execute(&format!("DELETE {beyond}"), params![horizon])?;
    Ok(())
}

/// What is held back, if anything.
pub fn summary(conn: &Connection) -> Result<Option<Held>, StoreError> {
    let (count, latest): (i64, Option<i64>) = conn
        .prepare_cached("SELECT COUNT(*), MAX(MAX(at_ms, hlc_ms)) FROM held_events")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(latest.filter(|_| count > 0).map(|ms| Held {
        count: count as u64,
        latest: DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MAX_UTC),
    }))
}
