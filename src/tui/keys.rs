//! Keys become actions. Which action a key means depends only on what is on
//! screen (the console itself, the help, a picker or a form) and on the
//! keys the config file gives the console's commands.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Open, Select};
use super::app::Mode;
use super::text_input::Edit;
use crate::keymap::{ConsoleCommand, KeyMap};

/// A key of the console as the help names it: a command's (which the
/// config file may move) or one that stays put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Command(ConsoleCommand),
    Fixed(&'static str),
}

/// One key of the console, as the footer and the help show it.
pub struct KeyHelp {
    pub key: Key,
    /// A word or two for the footer.
    pub short: &'static str,
    /// A sentence for the help overlay.
    pub long: &'static str,
}

impl KeyHelp {
    /// The key as pressed with `map`: `a`, `N`, `↑↓`.
    pub fn label(&self, map: &KeyMap) -> String {
        match self.key {
            Key::Command(c) => map.key(c).to_string(),
            Key::Fixed(label) => label.to_string(),
        }
    }

    pub fn is(&self, command: ConsoleCommand) -> bool {
        self.key == Key::Command(command)
    }
}

const fn k(command: ConsoleCommand, short: &'static str, long: &'static str) -> KeyHelp {
    KeyHelp {
        key: Key::Command(command),
        short,
        long,
    }
}

const fn fixed(key: &'static str, short: &'static str, long: &'static str) -> KeyHelp {
    KeyHelp {
        key: Key::Fixed(key),
        short,
        long,
    }
}

use ConsoleCommand as C;

/// Every key of the console, most used first (the footer shows as many as
/// fit, always ending with help and quit).
pub const KEYS: &[KeyHelp] = &[
    k(
        C::Assign,
        "assign",
        "Assign or hand over a role: pick the role, then the person",
    ),
    k(C::Release, "release", "Release a role"),
    k(
        C::Note,
        "note",
        "Add a note, decision, finding, action, command or destructive action",
    ),
    k(
        C::Can,
        "CAN",
        "File a CAN report: Conditions, Actions, Needs",
    ),
    k(
        C::Update,
        "update",
        "Send a stakeholder update (pre-filled; resets the timer)",
    ),
    k(C::Severity, "severity", "Change the severity"),
    k(C::Stage, "stage", "Move to another stage"),
    k(
        C::Impact,
        "impact",
        "Set the impact: who is affected, how many, and the category",
    ),
    k(
        C::Tick,
        "tick",
        "Tick an item of the current stage's checklist",
    ),
    k(
        C::Link,
        "link",
        "Add a command-center link (call, channel, document)",
    ),
    k(C::ActionItem, "action item", "Add a follow-up action item"),
    k(
        C::Pin,
        "pin",
        "Pin the selected timeline entry to the short story",
    ),
    k(
        C::Copy,
        "copy",
        "Copy the selected entry to the clipboard (an update whole); Ctrl-O in the update form",
    ),
    k(
        C::Redact,
        "redact",
        "Redact the selected entry (asks for a reason first; cannot be undone)",
    ),
    k(
        C::Object,
        "object",
        "Object to the destructive step announced in the banner: it does not run",
    ),
    k(C::Filter, "filter", "Show one kind of timeline entry only"),
    k(
        C::OlderCan,
        "older CAN",
        "Show every CAN report, not only the latest of each",
    ),
    k(
        C::Resolve,
        "resolve",
        "Resolve the incident (or reopen a resolved one)",
    ),
    k(C::Incidents, "incidents", "Switch to another incident"),
    k(
        C::Sync,
        "sync",
        "Sync now with the target of `fireground sync` (also every 30 s)",
    ),
    k(C::Declare, "declare", "Declare a new incident"),
    fixed(
        "↑↓",
        "select",
        "Select a timeline entry, PgUp/PgDn by ten; End follows the newest",
    ),
    fixed(
        "Enter",
        "read",
        "Read the selected entry whole (the newest if none is): ↑↓ PgUp PgDn scroll, Esc closes",
    ),
    k(C::Help, "help", "Show or hide this help"),
    k(C::Quit, "quit", "Quit (Ctrl-C too)"),
];

/// The action `key` stands for on the screen `mode` shows, with the
/// console's commands on the keys `map` gives them.
pub fn action(mode: &Mode, key: KeyEvent, map: &KeyMap) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Normal => normal(key, ctrl, map),
        Mode::Help => Some(Action::Help),
        Mode::Picker(_) => picker(key, ctrl),
        Mode::Form(_) => form(key, ctrl),
        Mode::Detail(_) => detail(key, map),
        Mode::BreakPrompt(_) => break_prompt(key, map),
    }
}

/// The break prompt takes Enter (or the assign key, as on the console) to
/// hand the role over and Esc to dismiss it; other keys do nothing while
/// it is up, so a key meant for the console behind it does not act unseen.
fn break_prompt(key: KeyEvent, map: &KeyMap) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Char(c) if c == map.key(C::Assign) => Some(Action::Submit),
        KeyCode::Esc => Some(Action::Cancel),
        _ => None,
    }
}

/// What a console command does when its key is pressed.
fn command(c: ConsoleCommand) -> Action {
    match c {
        C::Assign => Action::Open(Open::Assign),
        C::Release => Action::Open(Open::Release),
        C::Note => Action::Open(Open::Note),
        C::Can => Action::Open(Open::Can),
        C::Update => Action::Open(Open::Update),
        C::Severity => Action::Open(Open::Severity),
        C::Stage => Action::Open(Open::Stage),
        C::Impact => Action::Open(Open::Impact),
        C::Link => Action::Open(Open::Link),
        C::ActionItem => Action::Open(Open::ActionItem),
        C::Tick => Action::Open(Open::Checklist),
        C::Resolve => Action::Open(Open::Resolve),
        C::Incidents => Action::Open(Open::Switch),
        C::Declare => Action::Open(Open::Declare),
        C::Filter => Action::Open(Open::Filter),
        C::Pin => Action::Pin,
        C::Copy => Action::Copy,
        C::Redact => Action::Redact,
        C::Object => Action::Object,
        C::Sync => Action::SyncNow,
        C::OlderCan => Action::ToggleOlderCan,
        C::Help => Action::Help,
        C::Quit => Action::Quit,
    }
}

fn normal(key: KeyEvent, ctrl: bool, map: &KeyMap) -> Option<Action> {
    if ctrl {
        return None;
    }
    // A command's key first: one bound to j, k, g or G takes it from the
    // selection, which the arrows, Home and End still move.
    if let KeyCode::Char(c) = key.code
        && let Some(bound) = map.command(c)
    {
        return Some(command(bound));
    }
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Select(Select::Up)),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Select(Select::Down)),
        KeyCode::PageUp => Some(Action::Select(Select::PageUp)),
        KeyCode::PageDown => Some(Action::Select(Select::PageDown)),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::Select(Select::First)),
        KeyCode::End | KeyCode::Char('G') => Some(Action::Select(Select::Last)),
        KeyCode::Esc => Some(Action::ClearSelection),
        KeyCode::Enter => Some(Action::Read),
        _ => None,
    }
}

/// Reading an entry: scroll, copy it with the copy key, or close with
/// Esc, Enter or q.
fn detail(key: KeyEvent, map: &KeyMap) -> Option<Action> {
    let scroll = |s| Some(Action::Scroll(s));
    match key.code {
        KeyCode::Char(c) if c == map.key(C::Copy) => Some(Action::Copy),
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Some(Action::Cancel),
        KeyCode::Up | KeyCode::Char('k') => scroll(Select::Up),
        KeyCode::Down | KeyCode::Char('j') => scroll(Select::Down),
        KeyCode::PageUp => scroll(Select::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll(Select::PageDown),
        KeyCode::Home | KeyCode::Char('g') => scroll(Select::First),
        KeyCode::End | KeyCode::Char('G') => scroll(Select::Last),
        _ => None,
    }
}

/// How forms are filled and text is edited, for the help: the same keys
/// edit a picker's query.
pub const EDITING: &[&str] = &[
    " Forms: Tab/Shift-Tab next/previous field · Enter save · Esc cancel",
    "   Alt-Enter or Ctrl-J new line · ↑↓ lines, then the field above/below",
    "   Ctrl-A/Ctrl-E start/end of line · Alt-B/Alt-F or Ctrl-←/→ by words",
    "   Ctrl-U/Ctrl-K delete to start/end of line · Ctrl-W, Alt-⌫ word before",
    "   Ctrl-Z undo · Ctrl-Y redo · on a choice, ←→ or its first letter",
    "   Ctrl-O copies the update form's text to the clipboard",
];

/// Line-editing keys, shared by pickers and forms.
fn editing(key: KeyEvent, ctrl: bool) -> Option<Action> {
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let edit = match key.code {
        KeyCode::Backspace if alt || ctrl => Edit::DeleteWordBefore,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete if alt || ctrl => Edit::DeleteWordAfter,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left if alt || ctrl => Edit::WordLeft,
        KeyCode::Right if alt || ctrl => Edit::WordRight,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        // Ctrl-C is quit, handled before any of this.
        KeyCode::Char(c) if ctrl => match c {
            'a' => Edit::Home,
            'e' => Edit::End,
            'b' => Edit::Left,
            'f' => Edit::Right,
            'h' => Edit::Backspace,
            'd' => Edit::Delete,
            'u' => Edit::DeleteToLineStart,
            'k' => Edit::DeleteToLineEnd,
            'w' => Edit::DeleteWordBefore,
            'z' if shift => Edit::Redo,
            'Z' | 'y' => Edit::Redo,
            'z' => Edit::Undo,
            _ => return None,
        },
        KeyCode::Char('b' | 'B') if alt => Edit::WordLeft,
        KeyCode::Char('f' | 'F') if alt => Edit::WordRight,
        KeyCode::Char('d' | 'D') if alt => Edit::DeleteWordAfter,
        // Other Alt keys type their character, as some keyboards make
        // characters with Alt.
        KeyCode::Char(c) => Edit::Insert(c),
        _ => return None,
    };
    Some(Action::Edit(edit))
}

fn picker(key: KeyEvent, ctrl: bool) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Char('s') if ctrl => Some(Action::Submit),
        KeyCode::Up | KeyCode::BackTab => Some(Action::Move(-1)),
        KeyCode::Down | KeyCode::Tab => Some(Action::Move(1)),
        KeyCode::Char('p') if ctrl => Some(Action::Move(-1)),
        KeyCode::Char('n') if ctrl => Some(Action::Move(1)),
        _ => editing(key, ctrl),
    }
}

fn form(key: KeyEvent, ctrl: bool) -> Option<Action> {
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Enter if alt => Some(Action::Edit(Edit::Newline)),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Char('s') if ctrl => Some(Action::Submit),
        // Ctrl-Y is redo and Ctrl-C quits: O, for "out", is free in every
        // terminal's raw mode.
        KeyCode::Char('o') if ctrl => Some(Action::Copy),
        // Ctrl-J is a line feed: the one new-line key every terminal sends.
        KeyCode::Char('j') if ctrl => Some(Action::Edit(Edit::Newline)),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        // Within a multi-line field, and out of it at its first or last
        // line (the form decides).
        KeyCode::Up => Some(Action::Edit(Edit::Up)),
        KeyCode::Down => Some(Action::Edit(Edit::Down)),
        KeyCode::Char('p') if ctrl => Some(Action::Edit(Edit::Up)),
        KeyCode::Char('n') if ctrl => Some(Action::Edit(Edit::Down)),
        _ => editing(key, ctrl),
    }
}
