//! Colours and emphasis. With NO_COLOR set the console keeps bold, dim and
//! reverse (which carry no colour) and drops every colour. The
//! high-contrast theme (the config file's `theme`) takes the bright shade
//! of every colour and never dims text.

use ratatui::style::{Color, Modifier, Style};

use crate::config::Contrast;

use crate::domain::cadence::Urgency;
use crate::domain::event::NoteKind;
use crate::domain::incident::EntryKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub contrast: Contrast,
}

impl Theme {
    /// `contrast`'s colours unless NO_COLOR is set to anything non-empty
    /// (no-color.org): that wins over any theme.
    pub fn new(contrast: Contrast) -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            contrast,
        }
    }

    pub fn fg(self, color: Color) -> Style {
        match (self.color, self.contrast) {
            (false, _) => Style::new(),
            (true, Contrast::Default) => Style::new().fg(color),
            (true, Contrast::High) => Style::new().fg(bright(color)),
        }
    }

    pub fn dim(self) -> Style {
        match self.contrast {
            Contrast::Default => self.fg(Color::DarkGray).add_modifier(Modifier::DIM),
            // Faint text is what a projector or a glaring room loses first.
            Contrast::High => Style::new(),
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        match self.contrast {
            Contrast::Default => Style::new().add_modifier(Modifier::REVERSED),
            Contrast::High => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn alarm(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The comms timer: calm, yellow in the last minutes, red when late.
    pub fn urgency(self, u: Urgency) -> Style {
        match u {
            Urgency::Calm => Style::new(),
            Urgency::Soon => self.warn(),
            Urgency::Overdue => self.alarm(),
        }
    }

    /// Each kind of timeline entry its own look, so a decision or a
    /// destructive action stands out in a long log.
    pub fn entry(self, kind: EntryKind) -> Style {
        match kind {
            EntryKind::Note(NoteKind::Note) => Style::new(),
            EntryKind::Note(NoteKind::Decision) => {
                self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
            }
            EntryKind::Note(NoteKind::Destructive) => {
                self.alarm().add_modifier(Modifier::UNDERLINED)
            }
            EntryKind::Note(NoteKind::Finding) => self.fg(Color::Cyan),
            EntryKind::Note(NoteKind::Action) => self.fg(Color::LightBlue),
            EntryKind::Note(NoteKind::Command) => self.fg(Color::LightYellow),
            EntryKind::Role => self.fg(Color::Blue),
            EntryKind::Update => self.good().add_modifier(Modifier::BOLD),
            EntryKind::Severity | EntryKind::Declared | EntryKind::Objection => self.warn(),
            EntryKind::Impact => self.fg(Color::LightRed),
            EntryKind::Stage => self.fg(Color::Magenta),
            EntryKind::Can => self.fg(Color::LightCyan),
            EntryKind::Resolved | EntryKind::Reopened => self.good().add_modifier(Modifier::BOLD),
            EntryKind::Link
            | EntryKind::ActionItem
            | EntryKind::Checklist
            | EntryKind::Delivery => self.dim(),
        }
    }
}

/// The bright shade of a colour: on a dark terminal the plain eight are
/// the ones hard to read.
fn bright(color: Color) -> Color {
    match color {
        Color::Red => Color::LightRed,
        Color::Green => Color::LightGreen,
        Color::Yellow => Color::LightYellow,
        Color::Blue => Color::LightBlue,
        Color::Magenta => Color::LightMagenta,
        Color::Cyan => Color::LightCyan,
        Color::DarkGray | Color::Gray => Color::White,
        other => other,
    }
}
