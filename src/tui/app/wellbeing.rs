//! Time on shift in the console: measured every tick over the day's
//! incidents, shown in the roles and checklist panes, and put to the
//! commander once per holding past the playbook's limit.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::{App, Mode};
use crate::app::WorkingDay;
use crate::domain::breaks::{self, HandOver, hand_overs};
use crate::domain::event::Event;
use crate::domain::shift::{Shift, day_start};

/// What the console knows of the day's shifts.
#[derive(Debug, Default)]
pub struct Wellbeing {
    /// The day's incidents as last read, and the midnight they were read
    /// from: read again when the store changes or the date does.
    day: WorkingDay,
    day_of: Option<DateTime<Utc>>,
    /// Everyone's time on shift as of the last tick.
    pub shifts: BTreeMap<String, Shift>,
    /// The holdings already put to the commander, by person, role and
    /// when they took it: asked once. Kept for this run of the console
    /// only, so a console started again asks again, which is right for a
    /// commander who may have missed it.
    asked: HashSet<(String, String, DateTime<Utc>)>,
}

impl Wellbeing {
    /// Counts an event this console just recorded (see [`WorkingDay::saw`]).
    pub(super) fn saw(&mut self, e: &Event) {
        self.day.saw(e);
    }
}

impl App {
    /// The offset of the zone times are shown in, now.
    fn offset(&self) -> FixedOffset {
        *self.zone.at(self.now).offset()
    }

    /// Reads the day's incidents again: the store changed.
    pub(super) fn read_day(&mut self) {
        let offset = self.offset();
        match self.ctx.working_day(self.now, offset) {
            Ok(day) => {
                self.wellbeing.day = day;
                self.wellbeing.day_of = Some(day_start(self.now, offset));
            }
            Err(e) => self.error(format!("cannot read today's incidents: {e}")),
        }
        self.measure_shifts();
    }

    /// Everyone's time on shift now; past midnight, the new day is read.
    pub(super) fn measure_shifts(&mut self) {
        let offset = self.offset();
        if self.wellbeing.day_of != Some(day_start(self.now, offset)) {
            return self.read_day();
        }
        self.wellbeing.shifts = match &self.incident {
            Some(inc) => self.wellbeing.day.shifts(inc, self.now, offset),
            None => BTreeMap::new(),
        };
    }

    /// How long a continuous shift may run now, by the playbook.
    pub fn break_limit(&self) -> Duration {
        breaks::break_limit(&self.playbook, self.now, self.offset())
    }

    /// The checklist's derived reminders: hand-overs, the team's break.
    pub fn reminders(&self) -> Vec<String> {
        let Some(inc) = &self.incident else {
            return Vec::new();
        };
        breaks::reminders(
            &self.wellbeing.shifts,
            inc,
            &self.playbook,
            self.now,
            self.offset(),
        )
    }

    /// Puts a holding past the limit to the commander, if this console is
    /// theirs and nothing is being typed: a form or picker open waits for
    /// it to close (the next tick asks).
    pub(super) fn offer_break(&mut self) {
        if self.mode != Mode::Normal || self.asking.is_some() {
            return;
        }
        let Some(inc) = &self.incident else { return };
        if inc.commander() != Some(self.me().as_str()) {
            return;
        }
        let due = hand_overs(
            &self.wellbeing.shifts,
            inc,
            &self.playbook,
            self.break_limit(),
            self.now,
        );
        let asked = &mut self.wellbeing.asked;
        if let Some(h) = due
            .into_iter()
            .find(|h| !asked.contains(&(h.person.clone(), h.role.clone(), h.since)))
        {
            asked.insert((h.person.clone(), h.role.clone(), h.since));
            self.mode = Mode::BreakPrompt(h);
        }
    }

    /// Enter on the prompt: the assign picker for that role, to choose who
    /// takes it over.
    pub(super) fn hand_over(&mut self, h: &HandOver) {
        self.mode = Mode::Normal;
        if let Err(e) = self.ask_person(&h.role) {
            self.error(e);
        }
    }
}
