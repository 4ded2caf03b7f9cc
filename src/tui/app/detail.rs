//! Reading one timeline entry whole: Enter opens the selected entry (the
//! newest when none is) in a pop-up that scrolls; Esc or Enter closes it.

use ratatui::layout::Rect;

use super::{App, Mode};
use crate::domain::ids::EventId;
use crate::tui::action::Select;
use crate::tui::panes::detail::limits;
use crate::tui::view::{MIN_HEIGHT, MIN_WIDTH};

/// The entry being read and how far down its text is scrolled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub entry: EventId,
    /// The first row of text shown.
    pub scroll: usize,
}

impl App {
    /// Where an entry is in the timeline as shown: (from 1, of how many).
    pub fn timeline_position(&self, id: EventId) -> Option<(usize, usize)> {
        let visible = self.visible_timeline();
        let i = self.position_shown(&visible, id)?;
        Some((i + 1, visible.len()))
    }

    pub(super) fn read(&mut self) {
        let entry = self
            .selected
            .or_else(|| self.visible_timeline().last().map(|e| e.id));
        match entry {
            Some(entry) => self.mode = Mode::Detail(Detail { entry, scroll: 0 }),
            None if self.incident.is_none() => self.no_incident(),
            None => self.error("Nothing to read: the timeline shows no entry."),
        }
    }

    pub(super) fn scroll(&mut self, s: Select) {
        let (w, h) = self.screen.unwrap_or((MIN_WIDTH, MIN_HEIGHT));
        let area = Rect::new(0, 0, w, h);
        let Mode::Detail(d) = &self.mode else { return };
        let Some((max, page)) = limits(self, d, area) else {
            return;
        };
        let at = d.scroll.min(max);
        let next = match s {
            Select::Up => at.saturating_sub(1),
            Select::Down => at + 1,
            Select::PageUp => at.saturating_sub(page),
            Select::PageDown => at + page,
            Select::First => 0,
            Select::Last => max,
        };
        if let Mode::Detail(d) = &mut self.mode {
            d.scroll = next.min(max);
        }
    }
}
