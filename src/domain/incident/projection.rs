//! The fold one event at a time, and kept between events: what a store
//! keeps beside its log so that recording one more event, or reading the
//! state, costs the same however long the log is.
//!
//! [`Incident::fold`] is this fold run over the whole log in memory; a
//! store runs the same steps on the state it kept, with only the timeline
//! entries an event touches at hand. Both give the same state because of
//! two properties of the steps, which the property tests check:
//!
//! - an event's effect ([`Incident::apply`]) never reads nor writes what a
//!   correction changes, so a correction is applied as soon as its target
//!   is folded (or when the target arrives, if it comes later in the order);
//! - a note only adds: an entry in its place and a few counts, so one that
//!   arrives late (backfilled, or from a replica that synced late) is folded
//!   where it sorts without folding what came after it again.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::Incident;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{EventId, IncidentId};

/// An incident's fold so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// The state. A store keeps the timeline apart: loaded from it, this
    /// holds only the entries the next event may touch (see
    /// [`Projection::touches`]); folded in memory, all of them.
    pub incident: Incident,
    /// Corrections folded before the entry they correct: applied, in
    /// order, when it arrives. Usually none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    waiting: BTreeMap<EventId, Vec<Event>>,
}

impl Projection {
    /// Goes on from a whole state (every entry at hand), with no correction
    /// waiting: a front end folding its own next event into what it shows.
    pub fn resume(incident: Incident) -> Projection {
        Projection {
            incident,
            waiting: BTreeMap::new(),
        }
    }

    /// Whether `e` sorts after every event folded into `incident`, so
    /// [`Projection::next`] gives what folding the whole log would.
    pub fn comes_last(incident: &Incident, e: &Event) -> bool {
        e.at > incident.last_activity
            || (e.at == incident.last_activity && e.hlc > incident.last_recorded)
    }

    /// Folds events already in the agreed order (any incident's: only
    /// `id`'s count). `None` when no declaration is among them.
    pub fn fold_ordered<E: Borrow<Event>>(
        id: IncidentId,
        events: impl IntoIterator<Item = E>,
    ) -> Option<Projection> {
        // Entries backfilled to before the declaration wait for it.
        let mut before: Vec<E> = Vec::new();
        let mut folded: Option<(Projection, HashMap<EventId, usize>)> = None;
        for e in events {
            let (mine, declares) = {
                let ev = e.borrow();
                let known = ev.known();
                (
                    ev.incident == id && known.is_some(),
                    matches!(known, Some(EventKind::Declared { .. })),
                )
            };
            if !mine {
                continue;
            }
            match &mut folded {
                Some((p, index)) => p.step(e.borrow(), index),
                None if declares => {
                    let mut p = Projection {
                        incident: Incident::from_declaration(e.borrow())?,
                        waiting: BTreeMap::new(),
                    };
                    let mut index = HashMap::new();
                    for b in before.drain(..) {
                        p.step(b.borrow(), &mut index);
                    }
                    p.step(e.borrow(), &mut index);
                    folded = Some((p, index));
                }
                None => before.push(e),
            }
        }
        folded.map(|(p, _)| p)
    }

    /// Folds one more event of this incident into the state a store kept.
    /// It must sort after every event folded so far, or be one that
    /// [`Projection::folds_out_of_order`]; otherwise the store folds the
    /// incident again from its first event. Whatever entry it touches
    /// ([`Projection::touches`]) must be in the timeline, if it exists.
    pub fn next(&mut self, e: &Event) {
        if e.incident != self.incident.id {
            return;
        }
        let mut index = self
            .incident
            .timeline
            .iter()
            .enumerate()
            .map(|(i, entry)| (entry.id, i))
            .collect();
        self.step(e, &mut index);
    }

    /// Whether `e` may be folded after events that sort after it, giving
    /// the state the whole log gives: a note, or a command run (dated when
    /// it started, so often before what was recorded while it ran), only
    /// adds. A run that settles an announced step changes the step.
    pub fn folds_out_of_order(e: &Event) -> bool {
        matches!(
            e.known(),
            Some(
                EventKind::Note { .. }
                    | EventKind::CommandRan {
                        announced: None,
                        ..
                    }
            )
        )
    }

    /// The entry already folded that `e` may change, which a store must put
    /// in the timeline before [`Projection::next`]: a correction's target.
    pub fn touches(e: &Event) -> Option<EventId> {
        e.known().and_then(EventKind::corrects)
    }

    /// One step: the event's effect, then any correction it brings or that
    /// was waiting for it. `index` finds entries of the timeline by id.
    fn step(&mut self, e: &Event, index: &mut HashMap<EventId, usize>) {
        let Some(kind) = e.known() else { return };
        let inc = &mut self.incident;
        let entries = inc.timeline.len();
        inc.apply(e);
        if inc.timeline.len() > entries {
            index.insert(e.id, entries);
            for c in self.waiting.remove(&e.id).unwrap_or_default() {
                inc.correct(&c, |id| index.get(&id).copied());
            }
        }
        if let Some(target) = kind.corrects() {
            if index.contains_key(&target) {
                inc.correct(e, |id| index.get(&id).copied());
            } else {
                self.waiting.entry(target).or_default().push(e.clone());
            }
        }
    }
}
