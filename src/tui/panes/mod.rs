//! The panes of the console, each drawn from the app state into its area.
//! Whatever does not fit is cut with `…`, never silently.

pub mod banner;
pub mod break_prompt;
pub mod cadence;
pub mod can;
pub mod checklist;
pub mod detail;
pub mod footer;
pub mod header;
pub mod help;
pub mod roles;
pub mod timeline;
pub mod welcome;

use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use unicode_width::UnicodeWidthChar;

use super::theme::Theme;
/// Cuts text to a width in columns, ending with … when cut.
pub(crate) use crate::domain::text::truncate as fit;
use crate::domain::text::width;

/// A pane's frame with its title, cut with … to the pane's `width`.
fn block(title: &str, width: u16, theme: Theme) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(
            format!(" {} ", fit(title, title_room(width))),
            theme.title(),
        ))
        .border_style(theme.dim())
}

/// Columns a title has in a bordered box `width` wide: the corners and a
/// space either side are not its.
fn title_room(width: u16) -> usize {
    (width as usize).saturating_sub(4)
}

/// The first of `candidates` (fullest first) that fits `width`; when none
/// does, the last, cut with ….
fn first_fit(candidates: &[String], width: usize) -> String {
    candidates
        .iter()
        .find(|c| self::width(c) <= width)
        .cloned()
        .unwrap_or_else(|| fit(candidates.last().map_or("", String::as_str), width))
}

/// `line` cut to `max` columns, ending with … (in the style of the span it
/// cut) when it was cut.
pub(crate) fn fit_line(line: Line<'static>, max: usize) -> Line<'static> {
    if line.width() <= max {
        return line;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let w = span.width();
        if used + w < max {
            used += w;
            spans.push(span);
            continue;
        }
        let room = max.saturating_sub(used + 1);
        let cut = fit_chars(span.content.chars(), room);
        spans.push(Span::styled(format!("{cut}…"), span.style));
        break;
    }
    Line::from(spans).style(line.style)
}

/// `s` cut to `max` columns in the middle, keeping its start and its end:
/// two role ids with the same family and a long area still differ.
fn fit_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(1);
    let tail_room = room / 2;
    let head = fit_chars(s.chars(), room - tail_room);
    let tail: String = fit_chars(s.chars().rev(), tail_room)
        .chars()
        .rev()
        .collect();
    format!("{head}…{tail}")
}

/// As many of `chars` as fit `max` columns, in the order given.
fn fit_chars(chars: impl Iterator<Item = char>, max: usize) -> String {
    let mut used = 0;
    chars
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= max
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cut_to_its_width_ends_with_an_ellipsis() {
        let line = Line::from(vec![Span::raw("IC ana   "), Span::raw("call https://x")]);
        assert_eq!(
            fit_line(line.clone(), 40).to_string(),
            "IC ana   call https://x"
        );
        assert_eq!(
            fit_line(line.clone(), 23).to_string(),
            "IC ana   call https://x"
        );
        assert_eq!(
            fit_line(line.clone(), 22).to_string(),
            "IC ana   call https:/…"
        );
        assert_eq!(fit_line(line.clone(), 10).to_string(), "IC ana   …");
        assert_eq!(fit_line(line, 9).to_string(), "IC ana  …");
    }

    #[test]
    fn a_middle_cut_keeps_both_ends() {
        assert_eq!(fit_middle("sme:database-primary", 12), "sme:da…imary");
        assert_eq!(fit_middle("sme:database-replica", 12), "sme:da…plica");
        assert_eq!(fit_middle("sme:db", 12), "sme:db");
    }

    #[test]
    fn the_fullest_candidate_that_fits_is_taken() {
        let c = ["a long title".to_string(), "short".to_string()];
        assert_eq!(first_fit(&c, 20), "a long title");
        assert_eq!(first_fit(&c, 6), "short");
        assert_eq!(first_fit(&c, 4), "sho…");
    }
}
