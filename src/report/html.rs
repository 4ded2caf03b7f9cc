//! The postmortem draft as one self-contained html page with the print
//! stylesheet inside, so a browser's print gives a clean PDF. Every piece
//! of text is escaped, and the page forbids scripts outright.

use std::fmt::Write;
use std::io;

use super::document::{Block, Table};
use super::postmortem::{self, Shown};
use super::{Printout, Sink, Timeline};

const STYLESHEET: &str = include_str!("../../assets/print.css");

/// Even if something slipped through escaping, the page loads nothing and
/// runs nothing: only its own inline style applies.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// The page of an incident held whole.
pub fn render(p: &Printout) -> String {
    super::in_memory(p, write)
}

/// The page, its timeline written as its entries come: read once to size
/// each day's table, then again to write it.
pub fn write(p: &Printout, entries: &mut dyn Timeline, out: &mut dyn io::Write) -> io::Result<()> {
    let doc = postmortem::build(p);
    let mut out = Sink::new(out);
    head(&mut out, &doc.title, None);
    for section in &doc.sections {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&section.title));
        for block in &section.blocks {
            if let Block::Timeline = block {
                timeline(&mut out, p, entries)?;
                continue;
            }
            block_to(&mut out, block);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out.finish()
}

/// The page up to its first heading: the stylesheet inside, the policy
/// that forbids scripts, and, for a page left open on a screen, how often
/// the browser reads it again.
pub(super) fn head(out: &mut String, title: &str, refresh_seconds: Option<u32>) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    );
    if let Some(s) = refresh_seconds {
        let _ = writeln!(out, "<meta http-equiv=\"refresh\" content=\"{s}\">");
    }
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(out, "<style>\n{STYLESHEET}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
}

/// A subheading and a table a day, each row written as its entry comes;
/// the columns of each day's table are sized by a first read.
fn timeline(out: &mut Sink, p: &Printout, entries: &mut dyn Timeline) -> io::Result<()> {
    let head = postmortem::timeline_head(p);
    let mut days: Vec<Longest> = Vec::new();
    postmortem::timeline_rows(p, entries, |shown| {
        match shown {
            Shown::Day(_) => days.push(Longest::new(&head)),
            // A day always comes before its rows.
            Shown::Row(row) => days.last_mut().into_iter().for_each(|d| d.add(&row)),
            Shown::Nothing(_) => {}
        }
        Ok(())
    })?;
    let mut days = days.into_iter();
    let mut open = false;
    postmortem::timeline_rows(p, entries, |shown| {
        match shown {
            Shown::Day(day) => {
                if open {
                    table_end(out);
                }
                block_to(out, &Block::Subheading(day));
                let widths = days.next().map(|d| d.widths()).unwrap_or_default();
                table_start(out, &head, &widths);
                open = true;
            }
            Shown::Row(row) => row_to(out, &row),
            Shown::Nothing(said) => block_to(out, &Block::Para(said.into())),
        }
        out.spill()
    })?;
    if open {
        table_end(out);
    }
    Ok(())
}

pub(super) fn block_to(out: &mut String, block: &Block) {
    match block {
        Block::Para(t) => {
            let _ = writeln!(out, "<p>{}</p>", escape(t));
        }
        Block::Prompt(t) => {
            let _ = writeln!(out, "<p class=\"prompt\">{}</p>", escape(t));
        }
        Block::Facts(facts) => {
            out.push_str("<dl>\n");
            for (label, value) in facts {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
            }
            out.push_str("</dl>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", escape(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Subheading(t) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(t));
        }
        Block::Table(Table { head, rows }) => {
            table_start(out, head, &column_widths(head, rows));
            for row in rows {
                row_to(out, row);
            }
            table_end(out);
        }
        // Written by `write` as the entries come.
        Block::Timeline => {}
    }
}

/// A table up to its first row: the column widths and the head.
fn table_start(out: &mut String, head: &[&str], widths: &[usize]) {
    out.push_str("<table>\n<colgroup>");
    for pct in widths {
        let _ = write!(out, "<col style=\"width:{pct}%\">");
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn row_to(out: &mut String, row: &[String]) {
    out.push_str("<tr>");
    for cell in row {
        out.push_str("<td>");
        escape_to(out, cell);
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

fn table_end(out: &mut String) {
    out.push_str("</tbody>\n</table>\n");
}

/// Percentages of the page width for each column. Short values (times,
/// names, verdicts) get the width of their longest value, sentences share
/// what is left; the table is laid out with these fixed widths and long
/// words wrap inside them, so nothing runs off the page.
fn column_widths(head: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut longest = Longest::new(head);
    for row in rows {
        longest.add(row);
    }
    longest.widths()
}

// Characters across a printed A4 page at the stylesheet's font size.
const PAGE: usize = 78;
// Longer than this, a column holds sentences.
const SHORT: usize = 24;

/// Each column's longest value, in characters, as long as it is short:
/// what [`column_widths`] sizes a table by, gathered a row at a time.
struct Longest(Vec<usize>);

impl Longest {
    fn new(head: &[&str]) -> Longest {
        // Headings may wrap between their words.
        Longest(
            head.iter()
                .map(|h| h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0))
                .collect(),
        )
    }

    fn add(&mut self, row: &[String]) {
        for (w, cell) in self.0.iter_mut().zip(row) {
            if *w <= SHORT {
                *w = (*w).max(cell.chars().count());
            }
        }
    }

    fn widths(self) -> Vec<usize> {
        // A cell's padding and border, in characters.
        const PADDING: usize = 3;
        const NARROWEST: usize = 5;
        let longest = self.0;
        let prose = longest.iter().filter(|w| **w > SHORT).count();
        let mut pct: Vec<usize> = longest
            .iter()
            .map(|w| {
                if *w > SHORT {
                    0
                } else {
                    (w.max(&NARROWEST) + PADDING) * 100 / PAGE
                }
            })
            .collect();
        // Each sentence column is promised at least 18% of the page.
        let budget = 100 - (prose * 18).min(70);
        let narrow: usize = pct.iter().sum();
        if narrow > budget {
            pct.iter_mut().for_each(|p| *p = *p * budget / narrow);
        }
        if let Some(share) = (100 - pct.iter().sum::<usize>()).checked_div(prose) {
            for (p, w) in pct.iter_mut().zip(&longest) {
                if *w > SHORT {
                    *p = share;
                }
            }
        }
        pct
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_to(&mut out, text);
    out
}

/// The five characters that matter in text and attribute values become
/// entities; a line break becomes `<br>` so multi-line notes keep their
/// shape.
fn escape_to(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_get_the_room_and_widths_never_exceed_the_page() {
        let rows = vec![vec![
            "15:34".to_string(),
            "sam".to_string(),
            "A sentence long enough to need wrapping on any page".to_string(),
        ]];
        let w = column_widths(&["Time", "By", "Status"], &rows);
        assert!(w[2] > w[0] + w[1], "{w:?}");
        assert!(w[0] >= 8, "a time keeps its width: {w:?}");
        let wide = vec![vec!["x".repeat(24); 8]];
        let w = column_widths(&["a"; 8], &wide);
        assert!(w.iter().sum::<usize>() <= 100, "{w:?}");
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<img src=x onerror=\"alert('x')\">&\nnext"),
            "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;<br>next"
        );
    }
}
