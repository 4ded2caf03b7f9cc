//! The postmortem draft as markdown that pastes cleanly into a wiki. Text
//! from the log is escaped so it can neither format itself, inject HTML,
//! nor break a table: every value stays on one line of its cell.

use std::fmt::Write;
use std::io;

use super::document::{Block, Table};
use super::postmortem::{self, Shown};
use super::{Printout, Sink, Timeline};

/// The draft of an incident held whole.
pub fn render(p: &Printout) -> String {
    super::in_memory(p, write)
}

/// The draft, its timeline written as its entries come.
pub fn write(p: &Printout, entries: &mut dyn Timeline, out: &mut dyn io::Write) -> io::Result<()> {
    let doc = postmortem::build(p);
    let mut out = Sink::new(out);
    let _ = writeln!(out, "# {}", inline(&doc.title));
    for section in &doc.sections {
        let _ = writeln!(out, "\n## {}", inline(&section.title));
        for block in &section.blocks {
            if let Block::Timeline = block {
                timeline(&mut out, p, entries)?;
                continue;
            }
            out.push('\n');
            block_to(&mut out, block);
        }
    }
    out.finish()
}

/// A subheading and a table a day, each row written as its entry comes.
fn timeline(out: &mut Sink, p: &Printout, entries: &mut dyn Timeline) -> io::Result<()> {
    let head = postmortem::timeline_head(p);
    postmortem::timeline_rows(p, entries, |shown| {
        match shown {
            Shown::Day(day) => {
                out.push('\n');
                block_to(out, &Block::Subheading(day));
                out.push('\n');
                head_to(out, &head);
            }
            Shown::Row(row) => row_to(out, &row),
            Shown::Nothing(said) => {
                out.push('\n');
                block_to(out, &Block::Para(said.into()));
            }
        }
        out.spill()
    })
}

fn block_to(out: &mut String, block: &Block) {
    match block {
        Block::Para(t) => {
            let _ = writeln!(out, "{}", inline(t));
        }
        Block::Prompt(t) => {
            let _ = writeln!(out, "*{}*", inline(t));
        }
        Block::Facts(facts) => {
            for (label, value) in facts {
                let _ = writeln!(out, "- **{}:** {}", inline(label), inline(value));
            }
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", inline(item));
            }
        }
        Block::Subheading(t) => {
            let _ = writeln!(out, "### {}", inline(t));
        }
        Block::Table(Table { head, rows }) => {
            head_to(out, head);
            for row in rows {
                row_to(out, row);
            }
        }
        // Written by `write` as the entries come.
        Block::Timeline => {}
    }
}

/// A table's head and the line under it.
fn head_to(out: &mut String, head: &[&str]) {
    plain_row_to(out, head.iter().copied());
    plain_row_to(out, head.iter().map(|_| "---"));
}

/// A row of text from the log, escaped.
fn row_to(out: &mut String, row: &[String]) {
    out.push('|');
    for cell in row {
        out.push(' ');
        inline_to(out, cell);
        out.push_str(" |");
    }
    out.push('\n');
}

fn plain_row_to<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c);
        out.push_str(" |");
    }
    out.push('\n');
}

/// Plain text made safe inside a markdown line or table cell.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    inline_to(&mut out, text);
    out
}

/// Backslash-escapes the characters that start formatting, links, code or
/// tables; writes `<`, `>` and `&` as entities so no HTML gets through; and
/// turns line breaks into `<br>` (which GitHub-flavoured markdown honours
/// in tables too) so a value never leaves its line.
fn inline_to(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Leading blanks do not stop a heading or list from starting.
            ' ' | '\t' if at_start => {
                out.push(' ');
                continue;
            }
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\t' => out.push(' '),
            // At the start of a value these would make a heading, list,
            // quote or rule.
            '#' | '+' | '-' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            c if at_start && c.is_ascii_digit() => {
                out.push(c);
                // "1. " or "1) " would start an ordered list.
                while let Some(&d) = chars.peek() {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    out.push(d);
                    chars.next();
                }
                if let Some(&d @ ('.' | ')')) = chars.peek() {
                    out.push('\\');
                    out.push(d);
                    chars.next();
                }
            }
            c => out.push(c),
        }
        at_start = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_blanks_do_not_let_a_heading_or_list_through() {
        assert_eq!(inline("  # Injected"), r"  \# Injected");
        assert_eq!(inline(" - item"), r" \- item");
        assert_eq!(inline("   1. first"), r"   1\. first");
    }

    #[test]
    fn formatting_and_html_in_text_are_neutralised() {
        assert_eq!(
            inline("*bold* [x](javascript:alert(1)) <script>"),
            r"\*bold\* \[x\](javascript:alert(1)) &lt;script&gt;"
        );
        assert_eq!(inline("a | b\nc"), r"a \| b<br>c");
        assert_eq!(inline("# not a heading"), r"\# not a heading");
        assert_eq!(inline("1. not a list"), r"1\. not a list");
        assert_eq!(inline("api-2.3 R&D"), "api-2.3 R&amp;D");
    }
}
