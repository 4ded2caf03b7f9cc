//! What every frame reads about the timeline as shown (which entries the
//! filter lets through, where the selected one is, the widest author),
//! worked out once per state change (a fold, another filter) rather than
//! on every draw, so a key or a tick costs the same at any length of log.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::App;
use crate::domain::ids::EventId;
use crate::domain::incident::{Entry, EntryKind};
use crate::domain::text::{single_line, width};

/// The figures, and the fold and filter they were worked out for.
#[derive(Default)]
pub(super) struct Memo {
    figures: RefCell<Option<Figures>>,
    /// The last entry found by id, and its place in the timeline: checked
    /// against the timeline on every use, so it is never stale.
    found: Cell<Option<(EventId, usize)>>,
}

struct Figures {
    /// How many folds and which filter these are for.
    key: (u64, Option<EntryKind>),
    /// Places in the timeline of the entries shown; `None`: all of them.
    only: Option<Rc<[usize]>>,
    /// The widest author among them, in columns, once asked.
    widest_author: Option<usize>,
}

/// The timeline as shown: filtered by kind, in order.
#[derive(Clone)]
pub struct Visible<'a> {
    timeline: &'a [Entry],
    only: Option<Rc<[usize]>>,
}

impl<'a> Visible<'a> {
    pub fn len(&self) -> usize {
        self.only.as_ref().map_or(self.timeline.len(), |o| o.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th entry shown.
    pub fn get(&self, i: usize) -> Option<&'a Entry> {
        match &self.only {
            Some(only) => only.get(i).map(|&t| &self.timeline[t]),
            None => self.timeline.get(i),
        }
    }

    pub fn last(&self) -> Option<&'a Entry> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Where the entry at this place in the timeline is among those shown.
    fn position_of(&self, place: usize) -> Option<usize> {
        match &self.only {
            Some(only) => only.binary_search(&place).ok(),
            None => Some(place),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a Entry> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl App {
    fn timeline(&self) -> &[Entry] {
        self.incident
            .as_ref()
            .map_or(&[], |i| i.timeline.as_slice())
    }

    /// The timeline as shown: filtered by kind.
    pub fn visible_timeline(&self) -> Visible<'_> {
        let key = (self.folds, self.filter);
        let mut figures = self.memo.figures.borrow_mut();
        if figures.as_ref().is_none_or(|f| f.key != key) {
            let only = self.filter.map(|k| {
                self.timeline()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.kind == k)
                    .map(|(i, _)| i)
                    .collect()
            });
            *figures = Some(Figures {
                key,
                only,
                widest_author: None,
            });
        }
        let only = figures.as_ref().and_then(|f| f.only.clone());
        Visible {
            timeline: self.timeline(),
            only,
        }
    }

    /// The widest author of the entries shown, in columns.
    pub fn widest_author(&self) -> usize {
        let visible = self.visible_timeline();
        let mut figures = self.memo.figures.borrow_mut();
        let f = figures.as_mut().expect("worked out just above");
        *f.widest_author.get_or_insert_with(|| {
            visible
                .iter()
                .map(|e| width(&single_line(&e.author)))
                .max()
                .unwrap_or(0)
        })
    }

    /// Where the entry with this id is in the timeline.
    fn place(&self, id: EventId) -> Option<usize> {
        let timeline = self.timeline();
        if let Some((found, place)) = self.memo.found.get()
            && found == id
            && timeline.get(place).is_some_and(|e| e.id == id)
        {
            return Some(place);
        }
        let place = timeline.iter().position(|e| e.id == id)?;
        self.memo.found.set(Some((id, place)));
        Some(place)
    }

    /// Remembers where an entry is, when it is known without looking.
    pub(super) fn found(&self, id: EventId, place_shown: usize, visible: &Visible) {
        let place = match &visible.only {
            Some(only) => only[place_shown],
            None => place_shown,
        };
        self.memo.found.set(Some((id, place)));
    }

    /// The entry of the incident on screen with this id.
    pub fn entry(&self, id: EventId) -> Option<&Entry> {
        self.place(id).map(|p| &self.timeline()[p])
    }

    /// Where an entry is among those shown.
    pub fn position_shown(&self, visible: &Visible, id: EventId) -> Option<usize> {
        visible.position_of(self.place(id)?)
    }
}
