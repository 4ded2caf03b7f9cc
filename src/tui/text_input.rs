//! A small text field: a string and a cursor, edited a key at a time, drawn
//! with the cursor as a reversed cell so it wraps with the text.
//!
//! A paste without bracketed paste arrives as one key per character, so a
//! key costs the same however long the text already is: the cursor is a byte
//! offset, the length is counted as it changes, and drawing shows only the
//! text around the cursor.

use std::fmt;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

// A field holds what one event's text field may: a pasted megabyte is
// refused at the keyboard instead of freezing the console.
pub use crate::domain::limits::MAX_FIELD_CHARS;

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

/// A character refused because the field holds [`MAX_FIELD_CHARS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "This field is full: it holds at most {MAX_FIELD_CHARS} characters, so the rest was not typed in."
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// A byte offset into `text`, always on a character boundary.
    cursor: usize,
    /// How many characters `text` holds.
    chars: usize,
    multiline: bool,
}

impl TextInput {
    pub fn single(text: &str) -> TextInput {
        TextInput::new(text.replace('\n', " "), false)
    }

    pub fn multi(text: &str) -> TextInput {
        TextInput::new(text.to_string(), true)
    }

    fn new(text: String, multiline: bool) -> TextInput {
        TextInput {
            cursor: text.len(),
            chars: text.chars().count(),
            text,
            multiline,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// The character before the cursor.
    fn before(&self) -> Option<char> {
        self.text[..self.cursor].chars().next_back()
    }

    /// The character under the cursor.
    fn under(&self) -> Option<char> {
        self.text[self.cursor..].chars().next()
    }

    /// Start of the line the cursor is on, as a byte offset.
    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// Applies one edit; a character that would not fit is refused.
    pub fn apply(&mut self, edit: Edit) -> Result<(), Full> {
        match edit {
            // Control characters never enter a record.
            Edit::Insert(c) if c.is_control() => {}
            Edit::Insert(c) => self.insert(c)?,
            Edit::Newline if self.multiline => self.insert('\n')?,
            Edit::Newline => {}
            Edit::Backspace => {
                if let Some(c) = self.before() {
                    self.cursor -= c.len_utf8();
                    self.text.remove(self.cursor);
                    self.chars -= 1;
                }
            }
            Edit::Delete => {
                if self.under().is_some() {
                    self.text.remove(self.cursor);
                    self.chars -= 1;
                }
            }
            Edit::Left => self.cursor -= self.before().map_or(0, char::len_utf8),
            Edit::Right => self.cursor += self.under().map_or(0, char::len_utf8),
            Edit::Home => self.cursor = self.line_start(),
            Edit::End => self.cursor = self.line_end(),
        }
        Ok(())
    }

    /// Inserts pasted text at the cursor, as text and never as keys: line
    /// breaks of any kind are kept in a multi-line field and become spaces
    /// in a one-line one, and other control characters are dropped. What
    /// would not fit is cut and refused.
    pub fn paste(&mut self, text: &str) -> Result<(), Full> {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let room = MAX_FIELD_CHARS.saturating_sub(self.chars);
        let mut pasted = String::new();
        let mut count = 0;
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            for c in line.chars().map(|c| if c == '\t' { ' ' } else { c }) {
                if !c.is_control() {
                    pasted.push(c);
                    count += 1;
                }
            }
            if lines.peek().is_some() {
                pasted.push(if self.multiline { '\n' } else { ' ' });
                count += 1;
            }
        }
        let fits = count <= room;
        if !fits {
            let cut = pasted
                .char_indices()
                .nth(room)
                .map_or(pasted.len(), |(i, _)| i);
            pasted.truncate(cut);
            count = room;
        }
        self.text.insert_str(self.cursor, &pasted);
        self.cursor += pasted.len();
        self.chars += count;
        if fits { Ok(()) } else { Err(Full) }
    }

    fn insert(&mut self, c: char) -> Result<(), Full> {
        if self.chars >= MAX_FIELD_CHARS {
            return Err(Full);
        }
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
        self.chars += 1;
        Ok(())
    }

    /// The text as lines, and which of them holds the cursor; with
    /// `focused`, the cursor shown as a reversed cell (a space at the end of
    /// a line). Only the text within `budget` characters before the cursor
    /// and a quarter of that after it is shown, an ellipsis marking what is
    /// left out: a short view after the cursor keeps the cursor in view when
    /// the form scrolls to the end of the cursor's line.
    pub fn lines(&self, style: Style, focused: bool, budget: usize) -> (Vec<Line<'static>>, usize) {
        let start = self.text[..self.cursor]
            .char_indices()
            .rev()
            .take(budget)
            .last()
            .map_or(self.cursor, |(i, _)| i);
        let end = self.text[self.cursor..]
            .char_indices()
            .nth(budget / 4)
            .map_or(self.text.len(), |(i, _)| self.cursor + i);
        let shown = &self.text[start..end];
        let at = self.cursor - start;
        let cursor_style = style.add_modifier(Modifier::REVERSED);
        let mut lines = Vec::new();
        let mut cursor_line = 0;
        let mut offset = 0;
        for raw in shown.split('\n') {
            let line_end = offset + raw.len();
            let mut spans = Vec::new();
            if (offset..=line_end).contains(&at) {
                cursor_line = lines.len();
            }
            if focused && (offset..=line_end).contains(&at) {
                let (before, rest) = raw.split_at(at - offset);
                let mut rest = rest.chars();
                let under = rest.next().map_or(" ".to_string(), String::from);
                spans.push(Span::styled(before.to_string(), style));
                spans.push(Span::styled(under, cursor_style));
                spans.push(Span::styled(rest.as_str().to_string(), style));
            } else {
                spans.push(Span::styled(raw.to_string(), style));
            }
            lines.push(Line::from(spans));
            offset = line_end + 1;
        }
        if start > 0 {
            lines[0].spans.insert(0, Span::styled("…", style));
        }
        if end < self.text.len()
            && let Some(last) = lines.last_mut()
        {
            last.spans.push(Span::styled("…", style));
        }
        (lines, cursor_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(input: &mut TextInput, s: &str) {
        for c in s.chars() {
            input.apply(Edit::Insert(c)).unwrap();
        }
    }

    fn edit(input: &mut TextInput, e: Edit) {
        input.apply(e).unwrap();
    }

    #[test]
    fn edits_in_the_middle_of_multibyte_text() {
        let mut t = TextInput::single("");
        typed(&mut t, "café ok");
        for _ in 0..3 {
            edit(&mut t, Edit::Left);
        }
        edit(&mut t, Edit::Backspace);
        typed(&mut t, "!");
        assert_eq!(t.text(), "caf! ok");
        edit(&mut t, Edit::Home);
        edit(&mut t, Edit::Delete);
        assert_eq!(t.text(), "af! ok");
        edit(&mut t, Edit::End);
        edit(&mut t, Edit::Right);
        edit(&mut t, Edit::Delete);
        typed(&mut t, "é");
        assert_eq!(t.text(), "af! oké");
    }

    #[test]
    fn only_multiline_fields_take_newlines_and_no_field_takes_control_characters() {
        let mut single = TextInput::single("a");
        edit(&mut single, Edit::Newline);
        edit(&mut single, Edit::Insert('\u{1b}'));
        assert_eq!(single.text(), "a");
        let mut multi = TextInput::multi("a");
        edit(&mut multi, Edit::Newline);
        typed(&mut multi, "b");
        edit(&mut multi, Edit::Home);
        typed(&mut multi, ">");
        assert_eq!(multi.text(), "a\n>b");
        let (lines, cursor_line) = multi.lines(Style::new(), true, 100);
        assert_eq!((lines.len(), cursor_line), (2, 1));
    }

    #[test]
    fn a_full_field_refuses_characters_but_still_edits() {
        let mut t = TextInput::multi(&"é".repeat(MAX_FIELD_CHARS - 1));
        typed(&mut t, "x");
        assert_eq!(t.apply(Edit::Insert('y')), Err(Full));
        assert_eq!(t.apply(Edit::Newline), Err(Full));
        edit(&mut t, Edit::Backspace);
        typed(&mut t, "z");
        assert_eq!(t.text().chars().count(), MAX_FIELD_CHARS);
        assert!(t.text().ends_with("éz"));
    }

    #[test]
    fn only_the_text_around_the_cursor_is_drawn() {
        let mut t = TextInput::multi(&"abcd\n".repeat(1000));
        for _ in 0..2500 {
            edit(&mut t, Edit::Left);
        }
        let (lines, cursor_line) = t.lines(Style::new(), true, 40);
        let shown: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert!(
            shown.starts_with('…') && shown.trim_end().ends_with('…'),
            "{shown}"
        );
        assert!(shown.chars().count() < 40 + 10 + 20, "{shown}");
        assert_eq!(lines[cursor_line].to_string(), "abcd");
    }
}
