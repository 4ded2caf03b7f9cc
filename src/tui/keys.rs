//! Keys become actions. Which action a key means depends only on what is on
//! screen: the console itself, the help, a picker or a form.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Open, Select};
use super::app::Mode;
use super::text_input::Edit;

/// One key of the console, as the footer and the help show it.
pub struct KeyHelp {
    pub key: &'static str,
    /// A word or two for the footer.
    pub short: &'static str,
    /// A sentence for the help overlay.
    pub long: &'static str,
}

const fn k(key: &'static str, short: &'static str, long: &'static str) -> KeyHelp {
    KeyHelp { key, short, long }
}

/// Every key of the console, most used first (the footer shows as many as
/// fit, always ending with help and quit).
pub const KEYS: &[KeyHelp] = &[
    k(
        "a",
        "assign",
        "Assign or hand over a role: pick the role, then the person",
    ),
    k("r", "release", "Release a role"),
    k(
        "n",
        "note",
        "Add a note, decision, finding, action, command or destructive action",
    ),
    k("c", "CAN", "File a CAN report: Conditions, Actions, Needs"),
    k(
        "u",
        "update",
        "Send a stakeholder update (pre-filled; resets the timer)",
    ),
    k("v", "severity", "Change the severity"),
    k("s", "stage", "Move to another stage"),
    k(
        "I",
        "impact",
        "Set the impact: who is affected, how many, and the category",
    ),
    k("x", "tick", "Tick an item of the current stage's checklist"),
    k(
        "l",
        "link",
        "Add a command-center link (call, channel, document)",
    ),
    k("t", "action item", "Add a follow-up action item"),
    k(
        "p",
        "pin",
        "Pin the selected timeline entry to the short story",
    ),
    k(
        "y",
        "copy",
        "Copy the selected entry to the clipboard (an update whole); Ctrl-O in the update form",
    ),
    k(
        "X",
        "redact",
        "Redact the selected entry (asks for a reason first; cannot be undone)",
    ),
    k(
        "O",
        "object",
        "Object to the destructive step announced in the banner: it does not run",
    ),
    k("/", "filter", "Show one kind of timeline entry only"),
    k(
        "o",
        "older CAN",
        "Show every CAN report, not only the latest of each",
    ),
    k(
        "R",
        "resolve",
        "Resolve the incident (or reopen a resolved one)",
    ),
    k("i", "incidents", "Switch to another incident"),
    k(
        "S",
        "sync",
        "Sync now with the target of `fireground sync` (also every 30 s)",
    ),
    k("D", "declare", "Declare a new incident"),
    k(
        "↑↓",
        "select",
        "Select a timeline entry, PgUp/PgDn by ten; End follows the newest",
    ),
    k(
        "Enter",
        "read",
        "Read the selected entry whole (the newest if none is): ↑↓ PgUp PgDn scroll, Esc closes",
    ),
    k("?", "help", "Show or hide this help"),
    k("q", "quit", "Quit (Ctrl-C too)"),
];

pub fn action(mode: &Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Normal => normal(key, ctrl),
        Mode::Help => Some(Action::Help),
        Mode::Picker(_) => picker(key, ctrl),
        Mode::Form(_) => form(key, ctrl),
        Mode::Detail(_) => detail(key),
        Mode::BreakPrompt(_) => break_prompt(key),
    }
}

/// The break prompt takes Enter (or a, as on the console) to hand the
/// role over and Esc to dismiss it; other keys do nothing while it is up,
/// so a key meant for the console behind it does not act unseen.
fn break_prompt(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter | KeyCode::Char('a') => Some(Action::Submit),
        KeyCode::Esc => Some(Action::Cancel),
        _ => None,
    }
}

fn normal(key: KeyEvent, ctrl: bool) -> Option<Action> {
    if ctrl {
        return None;
    }
    let open = |o| Some(Action::Open(o));
    match key.code {
        KeyCode::Char('a') => open(Open::Assign),
        KeyCode::Char('r') => open(Open::Release),
        KeyCode::Char('n') => open(Open::Note),
        KeyCode::Char('c') => open(Open::Can),
        KeyCode::Char('u') => open(Open::Update),
        KeyCode::Char('v') => open(Open::Severity),
        KeyCode::Char('s') => open(Open::Stage),
        KeyCode::Char('I') => open(Open::Impact),
        KeyCode::Char('l') => open(Open::Link),
        KeyCode::Char('t') => open(Open::ActionItem),
        KeyCode::Char('x') => open(Open::Checklist),
        KeyCode::Char('R') => open(Open::Resolve),
        KeyCode::Char('i') => open(Open::Switch),
        KeyCode::Char('D') => open(Open::Declare),
        KeyCode::Char('/') => open(Open::Filter),
        KeyCode::Char('p') => Some(Action::Pin),
        KeyCode::Char('y') => Some(Action::Copy),
        KeyCode::Char('X') => Some(Action::Redact),
        KeyCode::Char('O') => Some(Action::Object),
        KeyCode::Char('S') => Some(Action::SyncNow),
        KeyCode::Char('o') => Some(Action::ToggleOlderCan),
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Char('q') => Some(Action::Quit),
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

/// Reading an entry: scroll, copy it with y, or close with Esc, Enter or q.
fn detail(key: KeyEvent) -> Option<Action> {
    let scroll = |s| Some(Action::Scroll(s));
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Some(Action::Cancel),
        KeyCode::Char('y') => Some(Action::Copy),
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
