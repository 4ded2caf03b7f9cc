//! Everything that can happen to the console, as the key map, the clock
//! and background work report it; [`super::app::App::update`] acts on it.

use super::background_outbox::OutboxState;
use super::sync_state::SyncState;
use super::text_input::Edit;

/// Everything that can happen to the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The 1-second timer: clocks move, other writers are noticed.
    Tick,
    /// The terminal changed size: draw again.
    Redraw,
    Quit,
    Open(Open),
    Help,
    /// Reads the selected timeline entry whole, in a pop-up.
    Read,
    /// Scrolls the entry being read.
    Scroll(Select),
    Pin,
    /// Asks to redact the selected entry.
    Redact,
    /// Object to the destructive step the banner shows.
    Object,
    /// Copies the update being written, or the entry selected or read, to
    /// the terminal's clipboard.
    Copy,
    ToggleOlderCan,
    Select(Select),
    ClearSelection,
    Edit(Edit),
    /// Moves a picker's highlight.
    Move(i32),
    NextField,
    PrevField,
    Submit,
    Cancel,
    Background(Background),
    /// Text the terminal pasted (bracketed paste): always text, never keys.
    Paste(String),
    /// Sync now rather than at the next interval.
    SyncNow,
}

/// The pickers and forms a key opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    Assign,
    Release,
    Note,
    Can,
    Update,
    Severity,
    Stage,
    Impact,
    Link,
    ActionItem,
    Checklist,
    Resolve,
    Switch,
    Declare,
    Filter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
}

/// Results of work done off the event loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Background {
    Sync(SyncState),
    Outbox(OutboxState),
}
