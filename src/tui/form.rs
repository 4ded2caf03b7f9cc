//! Forms: a few fields filled in a popup. Tab moves between fields, Enter or
//! Ctrl-S saves, Esc cancels; multi-line fields take a new line with
//! Alt-Enter or Ctrl-J, and ↑/↓ move between their lines. Text is edited
//! as [`super::text_input`] says; a choice takes ←/→ or a letter.

use ratatui::Frame;
use ratatui::layout::Rect;
use std::ops::Range;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::picker::Choice;
use super::popup;
use super::text_input::{Cell, Edit, Full, TextInput, wrap};
use super::theme::Theme;
use crate::domain::secrets::scan;

/// How far the lines of a multi-line field are indented under its label.
const INDENT: usize = 4;

/// What the form records when saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Note,
    Can,
    Update,
    Impact,
    Link,
    ActionItem,
    Resolve,
    Reopen,
    Declare,
    /// Hiding the text of an entry, e.g. a pasted secret.
    Redact {
        target: crate::domain::ids::EventId,
    },
    /// An objection to an announced destructive step.
    Object {
        step: crate::domain::ids::EventId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(TextInput),
    /// One of a fixed set, cycled with ←/→ or picked by a letter.
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub id: &'static str,
    pub label: &'static str,
    pub value: Value,
    /// Shown dimmed while the field is empty.
    pub hint: &'static str,
}

impl Field {
    pub fn line(id: &'static str, label: &'static str, text: &str) -> Field {
        Field {
            id,
            label,
            value: Value::Text(TextInput::single(text)),
            hint: "",
        }
    }

    pub fn lines(id: &'static str, label: &'static str, text: &str) -> Field {
        Field {
            id,
            label,
            value: Value::Text(TextInput::multi(text)),
            hint: "",
        }
    }

    pub fn choice(
        id: &'static str,
        label: &'static str,
        options: Vec<Choice>,
        selected: &str,
    ) -> Field {
        let index = options
            .iter()
            .position(|c| c.value == selected)
            .unwrap_or(0);
        Field {
            id,
            label,
            value: Value::Choice { options, index },
            hint: "",
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Field {
        self.hint = hint;
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub purpose: Purpose,
    /// A line under the title: context the person filling it needs.
    pub note: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save was refused, or the question asked about it.
    pub error: Option<String>,
    /// Where the text of each field holds a likely secret, marked while
    /// the console asks what to do with it: a field's index and a byte
    /// range of its text.
    pub marks: Vec<(usize, Range<usize>)>,
}

impl Form {
    pub fn new(title: impl Into<String>, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            purpose,
            note: None,
            fields,
            focus: 0,
            error: None,
            marks: Vec::new(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Form {
        self.note = Some(note.into());
        self
    }

    /// The text of a field, or the value of a choice.
    pub fn value(&self, id: &str) -> &str {
        match self.fields.iter().find(|f| f.id == id).map(|f| &f.value) {
            Some(Value::Text(t)) => t.text(),
            Some(Value::Choice { options, index }) => {
                options.get(*index).map_or("", |c| c.value.as_str())
            }
            None => "",
        }
    }

    /// Every field's value by id, as [`Form::value`] reads it: what a
    /// draft keeps.
    pub fn values(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|f| (f.id.to_string(), self.value(f.id).to_string()))
            .collect()
    }

    /// Puts back values a draft kept; a field it does not name, or a
    /// choice it names no option of, keeps what it has.
    pub fn restore(&mut self, values: &[(String, String)]) {
        for (id, value) in values {
            let Some(field) = self.fields.iter_mut().find(|f| f.id == id) else {
                continue;
            };
            match &mut field.value {
                Value::Text(t) => {
                    *t = if t.is_multiline() {
                        TextInput::multi(value)
                    } else {
                        TextInput::single(value)
                    }
                }
                Value::Choice { options, index } => {
                    if let Some(i) = options.iter().position(|c| &c.value == value) {
                        *index = i;
                    }
                }
            }
        }
    }

    /// Marks every likely secret in the form's text fields, for the
    /// question about them; returns whether there is any.
    pub fn mark_secrets(&mut self) -> bool {
        self.marks = self
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.value {
                Value::Text(t) => Some((i, t.text())),
                Value::Choice { .. } => None,
            })
            .flat_map(|(i, text)| scan(text).into_iter().map(move |found| (i, found.range)))
            .collect();
        !self.marks.is_empty()
    }

    pub fn next_field(&mut self, forward: bool) {
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Pastes text into the focused field, or the first text field after
    /// it when a choice has the focus.
    pub fn paste(&mut self, text: &str) -> Result<(), Full> {
        self.error = None;
        let n = self.fields.len();
        for i in (0..n).map(|k| (self.focus + k) % n) {
            if let Value::Text(t) = &mut self.fields[i].value {
                self.focus = i;
                return t.paste(text);
            }
        }
        Ok(())
    }

    /// Applies an edit to the focused field; a full field refuses more.
    /// Up and Down move between the lines of a multi-line field, and to
    /// the field above or below from its first or last line; on a choice,
    /// ←/→ cycle and a letter picks the option it starts.
    pub fn edit(&mut self, edit: Edit) -> Result<(), Full> {
        // Once the user acts on a refusal, it has said its piece.
        self.error = None;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Ok(());
        };
        match (&mut field.value, edit) {
            (Value::Text(t), Edit::Up) if t.on_first_line() => self.next_field(false),
            (Value::Text(t), Edit::Down) if t.on_last_line() => self.next_field(true),
            (Value::Text(t), _) => return t.apply(edit),
            (Value::Choice { .. }, Edit::Up) => self.next_field(false),
            (Value::Choice { .. }, Edit::Down) => self.next_field(true),
            (Value::Choice { options, index }, _) => {
                let n = options.len().max(1);
                match edit {
                    Edit::Left => *index = (*index + n - 1) % n,
                    Edit::Right | Edit::Insert(' ') => *index = (*index + 1) % n,
                    Edit::Insert(c) => *index = pick(options, *index, c),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// What the keys do on the focused field, for the foot of the form.
    fn keys_hint(&self) -> &'static str {
        if !self.marks.is_empty() {
            return "Enter mask · k keep · Esc back to the form";
        }
        match self.fields.get(self.focus).map(|f| &f.value) {
            Some(Value::Choice { .. }) => {
                "←→ choose · a letter picks · Tab field · Enter save · Esc cancel"
            }
            Some(Value::Text(t)) if t.is_multiline() => {
                "Tab field · Alt-Enter new line · Ctrl-Z undo · Enter save · Esc cancel"
            }
            _ => "Tab field · Ctrl-U clear · Ctrl-Z undo · Enter save · Esc cancel",
        }
    }

    /// The form laid out in rows of `width` cells, and which row holds the
    /// cursor (what must stay in view). Each text field lays out at most
    /// about `budget` characters, so drawing costs what fits on the screen,
    /// not what was typed. Wrapped text stays under its field: a one-line
    /// field's under its first character, a multi-line field's indented.
    fn body(&self, theme: Theme, width: usize, budget: usize) -> (Vec<Line<'static>>, usize) {
        let mut lines = Vec::new();
        let mut cursor_row = 0;
        if let Some(note) = &self.note {
            let cells: Vec<Cell> = note.chars().map(|c| (c, theme.dim(), false)).collect();
            lines.extend(wrap(Vec::new(), &cells, 0, width).0);
        }
        for (i, f) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            if focused {
                cursor_row = lines.len();
            }
            let label_style = if focused { theme.key() } else { theme.title() };
            let mark = if focused { "▸ " } else { "  " };
            let label = Span::styled(format!("{mark}{}: ", f.label), label_style);
            match &f.value {
                Value::Choice { options, index } => {
                    let shown = options.get(*index).map_or("", |c| c.label.as_str());
                    let style = if focused {
                        theme.selected()
                    } else {
                        Style::new()
                    };
                    lines.push(Line::from(vec![
                        label,
                        Span::styled(format!("‹ {shown} ›"), style),
                    ]));
                }
                Value::Text(t) => {
                    let (lead, indent) = if t.is_multiline() {
                        lines.push(Line::from(label));
                        (vec![Span::raw(" ".repeat(INDENT))], INDENT)
                    } else {
                        // A long label leaves too little room beside it.
                        let w = label.width();
                        (vec![label], if w * 2 > width { INDENT } else { w })
                    };
                    let marks: Vec<Range<usize>> = self
                        .marks
                        .iter()
                        .filter(|(field, _)| *field == i)
                        .map(|(_, range)| range.clone())
                        .collect();
                    let marked = (
                        marks.as_slice(),
                        theme.alarm().add_modifier(Modifier::REVERSED),
                    );
                    let (mut rows, at) =
                        t.rows(lead, indent, width, Style::new(), focused, budget, marked);
                    if t.text().is_empty() && !f.hint.is_empty() {
                        rows[0].spans.push(Span::styled(f.hint, theme.dim()));
                    }
                    if focused {
                        cursor_row = lines.len() + at;
                    }
                    lines.extend(rows);
                }
            }
        }
        (lines, cursor_row)
    }

    pub fn draw(&self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        let width = area.width.saturating_sub(4).min(84);
        let inner_width = width.saturating_sub(2).max(1) as usize;
        let (lines, cursor_row) = self.body(theme, inner_width, inner_width * area.height as usize);
        let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        // A refusal or a question may take more than its one row, up to
        // a few: it says what to press.
        let error = self.error.as_ref().map(|e| {
            Paragraph::new(Span::styled(e.clone(), theme.alarm())).wrap(Wrap { trim: true })
        });
        let error_rows = error.as_ref().map_or(1, |e| {
            u16::try_from(e.line_count(inner_width as u16).clamp(1, 4)).unwrap_or(1)
        });
        let height = rows
            .saturating_add(3 + error_rows)
            .min(area.height.saturating_sub(2));
        let inner = popup::open(frame, &self.title, (width, height), self.keys_hint(), theme);
        let body = Rect {
            height: inner.height.saturating_sub(error_rows),
            ..inner
        };
        // A long field on a short terminal scrolls so the line being typed
        // into stays in view.
        let scroll = (cursor_row + 1).saturating_sub(body.height as usize);
        frame.render_widget(
            Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
            body,
        );
        if let Some(e) = error {
            let rows = error_rows.min(inner.height);
            let area = Rect {
                y: inner.bottom().saturating_sub(rows),
                height: rows,
                ..inner
            };
            frame.render_widget(e, area);
        }
    }
}

/// The option a typed letter picks: the first whose label starts with it,
/// or, from one of those, the next, so the same letter again cycles among
/// them. Where no label starts with it, a word in the label may ('c' for
/// "P1 Critical").
fn pick(options: &[Choice], current: usize, c: char) -> usize {
    let starts = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|f| f.to_lowercase().eq(c.to_lowercase()))
    };
    let all = 0..options.len();
    let mut matches: Vec<usize> = all.clone().filter(|&i| starts(&options[i].label)).collect();
    if matches.is_empty() {
        let word_starts = |i: &usize| options[*i].label.split_whitespace().any(starts);
        matches = all.filter(word_starts).collect();
    }
    match matches.iter().position(|&i| i == current) {
        Some(k) => matches[(k + 1) % matches.len()],
        None => matches.first().copied().unwrap_or(current),
    }
}
