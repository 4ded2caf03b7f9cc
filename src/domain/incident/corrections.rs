//! Amend, redact and pin, applied after the fold so their place in the order does not matter.

use super::Incident;
use super::entry::EntryKind;
use super::steps::Objection;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::EventId;
use crate::domain::redaction::REDACTED;
use crate::domain::text::{sanitize, single_line};

impl Incident {
    /// Applies one correction (amend, redact, pin, an action item done);
    /// `at` finds an entry of the timeline by its id. Corrections to one
    /// target apply in the agreed order; to different targets, in any.
    pub(super) fn correct(&mut self, e: &Event, at: impl Fn(EventId) -> Option<usize>) {
        match e.known() {
            Some(EventKind::Amended { target, text }) => {
                if let Some(i) = at(*target) {
                    let entry = &mut self.timeline[i];
                    if !entry.redacted {
                        entry.text = sanitize(text);
                        entry.amended = true;
                    }
                }
            }
            Some(EventKind::Redacted { target, .. }) => {
                if let Some(i) = at(*target) {
                    let entry = &mut self.timeline[i];
                    entry.text = REDACTED.to_string();
                    entry.redacted = true;
                    // What it names may hold the words (an impact's).
                    entry.named = None;
                    // The declaration's words live on as the title.
                    if entry.kind == EntryKind::Declared {
                        self.title = REDACTED.to_string();
                        self.summary = REDACTED.to_string();
                    }
                }
                self.redact_records(*target);
            }
            Some(EventKind::Pinned { target }) => {
                if let Some(i) = at(*target) {
                    self.timeline[i].pinned = true;
                }
            }
            Some(EventKind::Objected { target, reason }) => {
                // Its own entry may have been redacted before it found its step.
                let redacted = at(e.id).is_some_and(|i| self.timeline[i].redacted);
                if let Some(step) = self.steps.iter_mut().find(|s| s.id == *target) {
                    step.objections.push(Objection {
                        id: e.id,
                        at: e.at,
                        author: single_line(&e.author),
                        reason: match redacted {
                            true => REDACTED.to_string(),
                            false => single_line(reason),
                        },
                    });
                }
            }
            Some(EventKind::ActionItemDone { item }) => {
                if let Some(a) = self.action_items.iter_mut().find(|a| a.id == *item) {
                    a.done_at = Some(a.done_at.map_or(e.at, |d| d.min(e.at)));
                }
            }
            _ => {}
        }
    }

    fn redact_records(&mut self, target: EventId) {
        for r in self.can_reports.iter_mut().filter(|r| r.id == target) {
            r.conditions = REDACTED.into();
            r.actions = REDACTED.into();
            r.needs = REDACTED.into();
        }
        for u in self.updates.iter_mut().filter(|u| u.id == target) {
            u.status = REDACTED.into();
            u.impact = REDACTED.into();
            u.action = REDACTED.into();
        }
        for a in self.action_items.iter_mut().filter(|a| a.id == target) {
            a.text = REDACTED.into();
        }
        if let Some(i) = self.impact.as_mut().filter(|i| i.id == target) {
            i.affected = REDACTED.into();
        }
        for s in self.steps.iter_mut() {
            if s.id == target {
                s.text = REDACTED.into();
            }
            for o in s.objections.iter_mut().filter(|o| o.id == target) {
                o.reason = REDACTED.into();
            }
        }
        for l in self.links.iter_mut().filter(|l| l.id == target) {
            l.label = REDACTED.into();
            l.url = REDACTED.into();
        }
    }
}
