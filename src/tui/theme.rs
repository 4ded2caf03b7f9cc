//! Colours and emphasis. With NO_COLOR set the console keeps bold, dim and
//! reverse (which carry no colour) and drops every colour.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::cadence::Urgency;
use crate::domain::event::NoteKind;
use crate::domain::incident::EntryKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless NO_COLOR is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
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
