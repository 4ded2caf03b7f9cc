//! A text field. The editing is `ratatui-textarea`'s: undo and redo, word
//! moves and word deletes, deleting to either end of a line, moving between
//! lines. This module keeps what a field of a record needs on top of it: at
//! most [`MAX_FIELD_CHARS`] characters, no control characters, no line
//! break in a one-line field, paste as text, and drawing that wraps under
//! the field and lays out only the text around the cursor.
//!
//! A paste without bracketed paste arrives as one key per character. A key
//! costs the editor a walk over the field's text, so a field's limit is also
//! what bounds the cost of a key; a key refused because the field is full
//! costs nothing, as the count of characters is kept as it changes.

use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthChar;

// A field holds what one event's text field may: a pasted megabyte is
// refused at the keyboard instead of freezing the console.
pub use crate::domain::limits::MAX_FIELD_CHARS;

/// How many edits Ctrl-Z can take back.
const UNDO_STEPS: usize = 500;

/// One editing step, from a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Newline,
    Backspace,
    Delete,
    Left,
    Right,
    /// A line up, in a multi-line field.
    Up,
    Down,
    Home,
    End,
    WordLeft,
    WordRight,
    /// Deletes from the cursor to the start of its line (Ctrl-U).
    DeleteToLineStart,
    /// Deletes from the cursor to the end of its line (Ctrl-K).
    DeleteToLineEnd,
    /// Deletes the word before the cursor (Ctrl-W).
    DeleteWordBefore,
    DeleteWordAfter,
    Undo,
    Redo,
}

impl Edit {
    /// Whether the edit can change the text, rather than only move the
    /// cursor.
    pub fn changes_text(self) -> bool {
        !matches!(
            self,
            Edit::Left
                | Edit::Right
                | Edit::Up
                | Edit::Down
                | Edit::Home
                | Edit::End
                | Edit::WordLeft
                | Edit::WordRight
        )
    }
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

#[derive(Clone)]
pub struct TextInput {
    /// Boxed: the editor is large, and a form holds several.
    editor: Box<TextArea<'static>>,
    /// How many characters the text holds, a line break counting as one.
    chars: usize,
    multiline: bool,
    /// The lines joined, made when first asked for after an edit.
    text: OnceCell<String>,
}

impl TextInput {
    pub fn single(text: &str) -> TextInput {
        TextInput::new(&text.replace('\n', " "), false)
    }

    pub fn multi(text: &str) -> TextInput {
        TextInput::new(text, true)
    }

    fn new(text: &str, multiline: bool) -> TextInput {
        let mut editor = TextArea::new(text.split('\n').map(String::from).collect());
        editor.set_max_histories(UNDO_STEPS);
        editor.move_cursor(CursorMove::Bottom);
        editor.move_cursor(CursorMove::End);
        TextInput {
            editor: Box::new(editor),
            chars: text.chars().count(),
            multiline,
            text: OnceCell::new(),
        }
    }

    pub fn text(&self) -> &str {
        self.text.get_or_init(|| self.editor.lines().join("\n"))
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// Whether the cursor is on the field's first line: Up leaves it there.
    pub fn on_first_line(&self) -> bool {
        self.editor.cursor().0 == 0
    }

    pub fn on_last_line(&self) -> bool {
        self.editor.cursor().0 + 1 == self.editor.lines().len()
    }

    /// Applies one edit; a character that would not fit is refused.
    pub fn apply(&mut self, edit: Edit) -> Result<(), Full> {
        let e = &mut self.editor;
        let changed = match edit {
            // Control characters never enter a record.
            Edit::Insert(c) if c.is_control() => false,
            Edit::Insert(c) => {
                self.room_for(1)?;
                self.editor.insert_char(c);
                self.chars += 1;
                self.text.take();
                return Ok(());
            }
            Edit::Newline if self.multiline => {
                self.room_for(1)?;
                self.editor.insert_newline();
                self.chars += 1;
                self.text.take();
                return Ok(());
            }
            Edit::Newline => false,
            Edit::Backspace => e.delete_char(),
            Edit::Delete => e.delete_next_char(),
            Edit::DeleteToLineStart => e.delete_line_by_head(),
            Edit::DeleteToLineEnd => e.delete_line_by_end(),
            Edit::DeleteWordBefore => e.delete_word(),
            Edit::DeleteWordAfter => e.delete_next_word(),
            Edit::Undo => e.undo(),
            Edit::Redo => e.redo(),
            Edit::Left => self.moved(CursorMove::Back),
            Edit::Right => self.moved(CursorMove::Forward),
            Edit::Up => self.moved(CursorMove::Up),
            Edit::Down => self.moved(CursorMove::Down),
            Edit::Home => self.moved(CursorMove::Head),
            Edit::End => self.moved(CursorMove::End),
            Edit::WordLeft => self.moved(CursorMove::WordBack),
            Edit::WordRight => self.moved(CursorMove::WordForward),
        };
        if changed {
            self.text.take();
            self.chars = self.text().chars().count();
        }
        Ok(())
    }

    fn moved(&mut self, to: CursorMove) -> bool {
        self.editor.move_cursor(to);
        false
    }

    fn room_for(&self, n: usize) -> Result<(), Full> {
        if self.chars + n > MAX_FIELD_CHARS {
            return Err(Full);
        }
        Ok(())
    }

    /// Inserts pasted text at the cursor, as text and never as keys: line
    /// breaks of any kind are kept in a multi-line field and become spaces
    /// in a one-line one, and other control characters are dropped. What
    /// would not fit is cut and refused. One Ctrl-Z takes the paste back.
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
        self.editor.insert_str(&pasted);
        self.chars += count;
        self.text.take();
        if fits { Ok(()) } else { Err(Full) }
    }

    /// The cursor as a byte offset into [`TextInput::text`].
    fn cursor_offset(&self) -> usize {
        let (row, col) = (self.editor.cursor().0, self.editor.cursor().1);
        let lines = self.editor.lines();
        let before: usize = lines[..row].iter().map(|l| l.len() + 1).sum();
        let line = &lines[row];
        before + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    /// The text laid out in rows of at most `width` cells, and which row
    /// holds the cursor. The first row starts with `first` (a label, say)
    /// and every other row with `indent` spaces, so wrapped text stays
    /// under the field; each line of a multi-line field starts a row. With
    /// `focused`, the cursor is a reversed cell (a space at the end of a
    /// line). Only the text within `budget` characters before the cursor
    /// and a quarter of that after it is laid out, an ellipsis marking what
    /// is left out: drawing costs what fits on the screen, not what was
    /// typed. The characters within `marked` byte ranges (a likely secret,
    /// say) take the `marked` style.
    #[allow(clippy::too_many_arguments)]
    pub fn rows(
        &self,
        first: Vec<Span<'static>>,
        indent: usize,
        width: usize,
        style: Style,
        focused: bool,
        budget: usize,
        marked: (&[Range<usize>], Style),
    ) -> (Vec<Line<'static>>, usize) {
        let text = self.text();
        let cursor = self.cursor_offset();
        let start = text[..cursor]
            .char_indices()
            .rev()
            .take(budget)
            .last()
            .map_or(cursor, |(i, _)| i);
        let end = text[cursor..]
            .char_indices()
            .nth(budget / 4)
            .map_or(text.len(), |(i, _)| cursor + i);
        let cursor_style = style.add_modifier(Modifier::REVERSED);
        let ellipsis = ('…', style, false);
        let mut rows = Vec::new();
        let mut cursor_row = 0;
        let mut offset = start;
        let mut head = Some(first);
        for (n, line) in text[start..end].split('\n').enumerate() {
            let mut cells = Vec::with_capacity(line.len() + 2);
            if n == 0 && start > 0 {
                cells.push(ellipsis);
            }
            for (i, c) in line.char_indices() {
                let at = offset + i;
                let here = focused && at == cursor;
                let style = match (here, marked.0.iter().any(|r| r.contains(&at))) {
                    (true, _) => cursor_style,
                    (false, true) => marked.1,
                    (false, false) => style,
                };
                cells.push((c, style, here));
            }
            let line_end = offset + line.len();
            if focused && line_end == cursor {
                cells.push((' ', cursor_style, true));
            }
            if line_end == end && end < text.len() {
                cells.push(ellipsis);
            }
            let lead = head
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            let (wrapped, at) = wrap(lead, &cells, indent, width);
            if let Some(at) = at {
                cursor_row = rows.len() + at;
            }
            rows.extend(wrapped);
            offset = line_end + 1;
        }
        (rows, cursor_row)
    }
}

/// One cell of text to lay out: the character, its style, and whether the
/// cursor is on it.
pub type Cell = (char, Style, bool);

/// Lays `cells` out in rows of at most `width` cells after `lead` (which
/// starts the first row), every further row starting with `indent` spaces.
/// A row breaks after its last space, or within a word longer than a row.
/// Returns the rows and which of them holds the cursor, if any does.
pub fn wrap(
    lead: Vec<Span<'static>>,
    cells: &[Cell],
    indent: usize,
    width: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let width = width.max(indent + 1);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut cursor_row = None;
    let mut used: usize = lead.iter().map(Span::width).sum();
    let mut lead = Some(lead);
    let mut row: Vec<Cell> = Vec::new();
    // Where the row may break: just after its last space.
    let mut after_space = None;
    for &(c, style, cursor) in cells {
        let w = c.width().unwrap_or(0);
        if used + w > width && !row.is_empty() {
            let carried = match after_space {
                Some(i) if c != ' ' => row.split_off(i),
                _ => Vec::new(),
            };
            let spans = lead
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            push_row(&mut rows, &mut cursor_row, spans, &row);
            row = carried;
            used = indent + row.iter().map(|c| c.0.width().unwrap_or(0)).sum::<usize>();
            after_space = None;
        }
        row.push((c, style, cursor));
        used += w;
        if c == ' ' {
            after_space = Some(row.len());
        }
    }
    let spans = lead
        .take()
        .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
    push_row(&mut rows, &mut cursor_row, spans, &row);
    (rows, cursor_row)
}

/// Adds a row: `spans`, then the cells, one span for each run of a style.
fn push_row(
    rows: &mut Vec<Line<'static>>,
    cursor_row: &mut Option<usize>,
    mut spans: Vec<Span<'static>>,
    cells: &[Cell],
) {
    let mut run = String::new();
    let mut run_style = None;
    for &(c, style, cursor) in cells {
        if cursor {
            *cursor_row = Some(rows.len());
        }
        if run_style.is_some_and(|s| s != style) {
            spans.push(Span::styled(std::mem::take(&mut run), run_style.unwrap()));
        }
        run_style = Some(style);
        run.push(c);
    }
    if let Some(style) = run_style {
        spans.push(Span::styled(run, style));
    }
    rows.push(Line::from(spans));
}

impl fmt::Debug for TextInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextInput")
            .field("text", &self.text())
            .field("cursor", &self.cursor_offset())
            .field("multiline", &self.multiline)
            .finish()
    }
}

/// Two fields are equal when they hold the same text with the cursor at the
/// same place; what Ctrl-Z could take back does not count.
impl PartialEq for TextInput {
    fn eq(&self, other: &TextInput) -> bool {
        self.text() == other.text()
            && self.editor.cursor() == other.editor.cursor()
            && self.multiline == other.multiline
    }
}

impl Eq for TextInput {}

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

    fn shown(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
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
        let (rows, cursor_row) = multi.rows(vec![], 0, 20, Style::new(), true, 100, NONE);
        assert_eq!((rows.len(), cursor_row), (2, 1));
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
        // What a word delete frees can be typed into again.
        edit(&mut t, Edit::DeleteWordBefore);
        typed(&mut t, "ok");
        assert!(
            t.text().ends_with("ok"),
            "{}",
            &t.text()[t.text().len() - 8..]
        );
    }

    #[test]
    fn only_the_text_around_the_cursor_is_drawn() {
        let mut t = TextInput::multi(&"abcd\n".repeat(1000));
        for _ in 0..2500 {
            edit(&mut t, Edit::Left);
        }
        let (rows, cursor_row) = t.rows(vec![], 0, 80, Style::new(), true, 40, NONE);
        let shown = shown(&rows).join("\n");
        assert!(
            shown.starts_with('…') && shown.trim_end().ends_with('…'),
            "{shown}"
        );
        assert!(shown.chars().count() < 40 + 10 + 20, "{shown}");
        assert_eq!(rows[cursor_row].to_string(), "abcd");
    }

    const NONE: (&[Range<usize>], Style) = (&[], Style::new());

    #[test]
    fn rows_break_between_words_and_keep_their_indent() {
        let t = TextInput::single("one two three four");
        let (rows, cursor_row) = t.rows(
            vec![Span::raw("Label: ")],
            7,
            16,
            Style::new(),
            true,
            100,
            NONE,
        );
        assert_eq!(
            shown(&rows),
            ["Label: one two ", "       three ", "       four "]
        );
        assert_eq!(cursor_row, 2);
        // A word longer than a row is cut.
        let t = TextInput::multi("abcdefghij\nxy");
        let (rows, _) = t.rows(vec![Span::raw("  ")], 2, 6, Style::new(), false, 100, NONE);
        assert_eq!(shown(&rows), ["  abcd", "  efgh", "  ij", "  xy"]);
    }

    #[test]
    fn undo_and_redo_take_back_a_word_delete_and_keep_the_count() {
        let mut t = TextInput::single("roll back now");
        edit(&mut t, Edit::DeleteWordBefore);
        assert_eq!(t.text(), "roll back ");
        edit(&mut t, Edit::Undo);
        assert_eq!(t.text(), "roll back now");
        edit(&mut t, Edit::Redo);
        assert_eq!(t.text(), "roll back ");
        assert_eq!(t.chars, 10);
    }
}
