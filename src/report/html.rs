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
            let _ = writeln!(out, "<p>{}</p>", linked(t));
        }
        Block::Prompt(t) => {
            let _ = writeln!(out, "<p class=\"prompt\">{}</p>", linked(t));
        }
        Block::Facts(facts) => {
            out.push_str("<dl>\n");
            for (label, value) in facts {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), linked(value));
            }
            out.push_str("</dl>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", linked(item));
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
        linked_to(out, cell);
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
const PAGE: usize = 95;
// Longer than this, a column holds sentences.
const SHORT: usize = 24;

/// Each column's longest value, in characters, as long as it is short:
/// what [`column_widths`] sizes a table by, gathered a row at a time.
struct Longest {
    longest: Vec<usize>,
    /// Each heading's length: a column never narrower than its heading.
    heads: Vec<usize>,
}

impl Longest {
    fn new(head: &[&str]) -> Longest {
        // A heading is never broken, not even between its words: a column
        // is at least as wide as its heading.
        let heads: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        Longest {
            longest: heads.clone(),
            heads,
        }
    }

    fn add(&mut self, row: &[String]) {
        for (w, cell) in self.longest.iter_mut().zip(row) {
            if *w <= SHORT {
                *w = (*w).max(cell.chars().count());
            }
        }
    }

    fn widths(self) -> Vec<usize> {
        // A cell's padding and border, in characters.
        const PADDING: usize = 3;
        const NARROWEST: usize = 5;
        let Longest { longest, heads } = self;
        let prose = longest.iter().filter(|w| **w > SHORT).count();
        let least = |h: usize| (h.max(NARROWEST) + PADDING) * 100 / PAGE;
        let mut pct: Vec<usize> = longest
            .iter()
            .map(|w| if *w > SHORT { 0 } else { least(*w) })
            .collect();
        // Each sentence column is promised at least 18% of the page.
        let budget = 100 - (prose * 18).min(70);
        let narrow: usize = pct.iter().sum();
        if narrow > budget {
            for ((p, w), h) in pct.iter_mut().zip(&longest).zip(&heads) {
                if *w <= SHORT {
                    *p = (*p * budget / narrow).max(least(*h));
                }
            }
        }
        if let Some(share) = 100usize
            .saturating_sub(pct.iter().sum::<usize>())
            .checked_div(prose)
        {
            for (p, w) in pct.iter_mut().zip(&longest) {
                if *w > SHORT {
                    *p = share;
                }
            }
        }
        pct
    }
}

/// Text escaped, with its http and https addresses as links a reader can
/// follow from the page or its PDF. Other schemes stay text: a link is
/// only ever to a web page.
fn linked(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    linked_to(&mut out, text);
    out
}

fn linked_to(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(start) = web_address_start(rest) {
        escape_to(out, &rest[..start]);
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| c.is_whitespace() || "<>\"'".contains(c))
            .unwrap_or(tail.len());
        // Punctuation that ends a sentence is not part of the address.
        let url = tail[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
        out.push_str("<a href=\"");
        escape_to(out, url);
        out.push_str("\">");
        escape_to(out, url);
        out.push_str("</a>");
        rest = &tail[url.len()..];
    }
    escape_to(out, rest);
}

/// Where the first http or https address in `text` starts, at a word's
/// start, with something after the scheme.
fn web_address_start(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("http") {
        let at = from + i;
        let word_start = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "([\"'".contains(c));
        let after = &text[at..];
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|s| after.len() > s.len() && after[..s.len()].eq_ignore_ascii_case(s));
        if let (true, Some(_)) = (word_start, scheme) {
            return Some(at);
        }
        from = at + 4;
    }
    None
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

    #[test]
    fn web_addresses_become_links_and_nothing_else_does() {
        assert_eq!(
            linked("call https://meet.example.com/a?x=1&y=2, then (http://b.example/)."),
            "call <a href=\"https://meet.example.com/a?x=1&amp;y=2\">https://meet.example.com/a?x=1&amp;y=2</a>, \
             then (<a href=\"http://b.example/\">http://b.example/</a>)."
        );
        for text in [
            "javascript:alert(1)",
            "ftp://files.example/x",
            "file:///etc/passwd",
            "see xhttps://evil.example",
            "https://",
            "\"><img src=x>https",
        ] {
            assert!(!linked(text).contains("<a "), "{text}: {}", linked(text));
        }
        let hostile = linked("https://x.example/\"onmouseover=\"alert(1)");
        assert!(
            hostile.starts_with("<a href=\"https://x.example/\">"),
            "{hostile}"
        );
        assert!(!hostile.contains("\"onmouseover"), "{hostile}");
    }

    #[test]
    fn a_column_is_never_narrower_than_its_heading() {
        let rows = vec![vec![
            "20:41".to_string(),
            "sam".to_string(),
            "P1".to_string(),
            "20:59".to_string(),
            "on time".to_string(),
            "Investigating: card payments failing at checkout.".to_string(),
            "About 1 in 20 card payments fail; other methods work.".to_string(),
            "Payments and platform engineers are on the call.".to_string(),
        ]];
        let head = [
            "Sent", "By", "Severity", "Due", "On time?", "Status", "Impact", "Action",
        ];
        let w = column_widths(&head, &rows);
        for (h, pct) in head.iter().zip(&w) {
            assert!(
                pct * PAGE / 100 >= h.chars().count(),
                "{h} gets {pct}%: {w:?}"
            );
        }
        assert!(w[5] >= 15, "a sentence column keeps room: {w:?}");
    }
}
