//! The day's work that time on shift is measured over: every incident
//! active since local midnight, read through the store a few rows each.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::{AppError, Context};
use crate::domain::event::Event;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
use crate::domain::shift::{Authored, Shift, Worked, day_start, shifts};
use crate::domain::text::single_line;

/// How far before midnight events are read: a night shift that began the
/// evening before still shows its whole length, while a history of
/// earlier days is never read.
const LOOKBACK: Duration = Duration::hours(12);

/// The incidents of the day and who recorded what in them.
#[derive(Clone, Debug, Default)]
pub struct WorkingDay {
    incidents: Vec<Incident>,
    authored: BTreeMap<IncidentId, Vec<Authored>>,
}

impl Context {
    /// The incidents active since midnight of `now`'s day in `offset`
    /// (declared or last active then), without their notes, and who
    /// recorded each of their events since the evening before.
    pub fn working_day(
        &self,
        now: DateTime<Utc>,
        offset: FixedOffset,
    ) -> Result<WorkingDay, AppError> {
        let midnight = day_start(now, offset);
        let mut day = WorkingDay::default();
        for summary in self.store.incidents_active_since(midnight)? {
            let authored = self.store.authored_since(summary.id, midnight - LOOKBACK)?;
            day.authored.insert(summary.id, authored);
            if let Some(inc) = self.store.incident_without_notes(summary.id, None)? {
                day.incidents.push(inc);
            }
        }
        Ok(day)
    }
}

impl WorkingDay {
    /// Counts an event just recorded here, without reading the day again:
    /// a console saves often, and the day's log may be long.
    pub fn saw(&mut self, e: &Event) {
        self.authored.entry(e.incident).or_default().push(Authored {
            person: single_line(&e.author),
            at: e.at,
        });
    }

    /// Everyone's time on shift as of `now`, with `shown` (as the screen
    /// holds it, perhaps newer than when the day was read) in place of the
    /// day's copy of it.
    pub fn shifts(
        &self,
        shown: &Incident,
        now: DateTime<Utc>,
        offset: FixedOffset,
    ) -> BTreeMap<String, Shift> {
        let worked: Vec<Worked> = std::iter::once(shown)
            .chain(self.incidents.iter().filter(|i| i.id != shown.id))
            .map(|incident| Worked {
                incident,
                authored: self.authored.get(&incident.id).map_or(&[], Vec::as_slice),
            })
            .collect();
        shifts(&worked, now, offset)
    }
}
