//! Forms: a few fields filled in a popup. Tab moves between fields, Enter or
//! Ctrl-S saves, Esc cancels; multi-line fields take a new line with
//! Alt-Enter or Ctrl-J.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::picker::Choice;
use super::popup;
use super::text_input::{Edit, Full, TextInput};
use super::theme::Theme;

/// What the form records when saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Note,
    Can,
    Update,
    Link,
    ActionItem,
    Resolve,
    Reopen,
    Declare,
    /// Hiding the text of an entry, e.g. a pasted secret.
    Redact {
        target: crate::domain::ids::EventId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(TextInput),
    /// One of a fixed set, cycled with ←/→.
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
    /// Why the last save was refused.
    pub error: Option<String>,
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
    pub fn edit(&mut self, edit: Edit) -> Result<(), Full> {
        // Once the user acts on a refusal, it has said its piece.
        self.error = None;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Ok(());
        };
        match &mut field.value {
            Value::Text(t) => return t.apply(edit),
            Value::Choice { options, index } => {
                let n = options.len().max(1);
                match edit {
                    Edit::Left => *index = (*index + n - 1) % n,
                    Edit::Right | Edit::Insert(' ') => *index = (*index + 1) % n,
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The form's lines, and how many of them run to the line with the
    /// cursor (what must stay in view). Each text field shows at most about
    /// `budget` characters, so drawing costs what fits on the screen, not
    /// what was typed.
    fn body(&self, theme: Theme, budget: usize) -> (Vec<Line<'static>>, usize) {
        let mut lines = Vec::new();
        let mut focus_end = None;
        if let Some(note) = &self.note {
            lines.push(Line::from(Span::styled(note.clone(), theme.dim())));
        }
        for (i, f) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
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
                    let (mut text, cursor_line) = t.lines(Style::new(), focused, budget);
                    if t.text().is_empty() && !f.hint.is_empty() {
                        let mut spans = text.remove(0).spans;
                        spans.push(Span::styled(f.hint, theme.dim()));
                        text.insert(0, Line::from(spans));
                    }
                    if t.is_multiline() {
                        lines.push(Line::from(label));
                        if focused {
                            focus_end = Some(lines.len() + cursor_line + 1);
                        }
                        for l in text {
                            let mut spans = vec![Span::raw("    ")];
                            spans.extend(l.spans);
                            lines.push(Line::from(spans));
                        }
                    } else {
                        let mut spans = vec![label];
                        spans.extend(text.remove(0).spans);
                        lines.push(Line::from(spans));
                    }
                }
            }
            if focused {
                focus_end.get_or_insert(lines.len());
            }
        }
        (lines, focus_end.unwrap_or(0))
    }

    pub fn draw(&self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        let width = area.width.saturating_sub(4).min(84);
        let inner_width = width.saturating_sub(2).max(1) as usize;
        let (lines, focus_end) = self.body(theme, inner_width * area.height as usize);
        let rows_of = |ls: &[Line]| -> usize {
            ls.iter()
                .map(|l| l.width().max(1).div_ceil(inner_width))
                .sum()
        };
        let rows = rows_of(&lines);
        let height = (rows as u16 + 4).min(area.height.saturating_sub(2));
        let inner = popup::open(
            frame,
            &self.title,
            (width, height),
            "Tab next field · Alt-Enter new line · Enter save · Esc cancel",
            theme,
        );
        let body = Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        };
        // A long field on a short terminal scrolls so the line being typed
        // into stays in view.
        let scroll = rows_of(&lines[..focus_end]).saturating_sub(body.height as usize);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll.min(u16::MAX as usize) as u16, 0)),
            body,
        );
        if let Some(e) = &self.error {
            let error = Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            };
            frame.render_widget(
                Paragraph::new(Span::styled(e.clone(), theme.alarm())),
                error,
            );
        }
    }
}
