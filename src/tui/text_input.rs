//! A small text field: a string and a cursor, edited a key at a time, drawn
//! with the cursor as a reversed cell so it wraps with the text.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// One editing step, from a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Newline,
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// In characters, 0..=len.
    cursor: usize,
    multiline: bool,
}

impl TextInput {
    pub fn single(text: &str) -> TextInput {
        TextInput {
            text: text.replace('\n', " "),
            cursor: text.chars().count(),
            multiline: false,
        }
    }

    pub fn multi(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            multiline: true,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(b, _)| b)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Start of the line the cursor is on, in characters.
    fn line_start(&self) -> usize {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text
            .chars()
            .enumerate()
            .skip(self.cursor)
            .find(|&(_, c)| c == '\n')
            .map_or(self.len(), |(i, _)| i)
    }

    pub fn apply(&mut self, edit: Edit) {
        match edit {
            // Control characters never enter a record.
            Edit::Insert(c) if c.is_control() => {}
            Edit::Insert(c) => self.insert(c),
            Edit::Newline if self.multiline => self.insert('\n'),
            Edit::Newline => {}
            Edit::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let b = self.byte_at(self.cursor);
                self.text.remove(b);
            }
            Edit::Backspace => {}
            Edit::Delete if self.cursor < self.len() => {
                let b = self.byte_at(self.cursor);
                self.text.remove(b);
            }
            Edit::Delete => {}
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.len()),
            Edit::Home => self.cursor = self.line_start(),
            Edit::End => self.cursor = self.line_end(),
        }
    }

    fn insert(&mut self, c: char) {
        let b = self.byte_at(self.cursor);
        self.text.insert(b, c);
        self.cursor += 1;
    }

    /// The text as lines; with `focused`, the cursor shown as a reversed
    /// cell (a space at the end of a line).
    pub fn lines(&self, style: Style, focused: bool) -> Vec<Line<'static>> {
        let cursor_style = style.add_modifier(Modifier::REVERSED);
        let mut lines = Vec::new();
        let mut index = 0;
        for raw in self.text.split('\n') {
            let n = raw.chars().count();
            let mut spans = Vec::new();
            if focused && (index..=index + n).contains(&self.cursor) {
                let at = self.cursor - index;
                let before: String = raw.chars().take(at).collect();
                let under: Option<char> = raw.chars().nth(at);
                let after: String = raw.chars().skip(at + 1).collect();
                spans.push(Span::styled(before, style));
                spans.push(Span::styled(
                    under.map_or(" ".to_string(), String::from),
                    cursor_style,
                ));
                spans.push(Span::styled(after, style));
            } else {
                spans.push(Span::styled(raw.to_string(), style));
            }
            lines.push(Line::from(spans));
            index += n + 1;
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(input: &mut TextInput, s: &str) {
        for c in s.chars() {
            input.apply(Edit::Insert(c));
        }
    }

    #[test]
    fn edits_in_the_middle_of_multibyte_text() {
        let mut t = TextInput::single("");
        typed(&mut t, "café ok");
        for _ in 0..3 {
            t.apply(Edit::Left);
        }
        t.apply(Edit::Backspace);
        typed(&mut t, "!");
        assert_eq!(t.text(), "caf! ok");
        t.apply(Edit::Home);
        t.apply(Edit::Delete);
        assert_eq!(t.text(), "af! ok");
    }

    #[test]
    fn only_multiline_fields_take_newlines_and_no_field_takes_control_characters() {
        let mut single = TextInput::single("a");
        single.apply(Edit::Newline);
        single.apply(Edit::Insert('\u{1b}'));
        assert_eq!(single.text(), "a");
        let mut multi = TextInput::multi("a");
        multi.apply(Edit::Newline);
        typed(&mut multi, "b");
        multi.apply(Edit::Home);
        typed(&mut multi, ">");
        assert_eq!(multi.text(), "a\n>b");
        assert_eq!(multi.lines(Style::new(), true).len(), 2);
    }
}
