//! The timeline: every entry in order, newest at the bottom, a date line
//! where the day changes; one entry can be selected (to pin it, or to read
//! it whole with Enter), and one kind can be filtered for.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, first_fit, fit, title_room};
use crate::domain::event::NoteKind;
use crate::domain::incident::{Entry, EntryKind};
use crate::domain::text::{plural, sanitize, single_line};
use crate::tui::app::App;

/// Below this many columns inside the pane, a row gives its text the room:
/// a short author and a one-glyph kind marker instead of the kind's name.
const ROOMY: usize = 60;

/// One glyph per kind, for a narrow timeline; the help lists them.
pub fn marker(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Declared => "◉",
        EntryKind::Note(NoteKind::Note) => "·",
        EntryKind::Note(NoteKind::Decision) => "◆",
        EntryKind::Note(NoteKind::Finding) => "●",
        EntryKind::Note(NoteKind::Action) => "▸",
        EntryKind::Note(NoteKind::Command) => "$",
        EntryKind::Note(NoteKind::Destructive) => "!",
        EntryKind::Role => "@",
        EntryKind::Severity => "▲",
        EntryKind::Impact => "◎",
        EntryKind::Stage => "»",
        EntryKind::Can => "≡",
        EntryKind::Update => "✉",
        EntryKind::Delivery => "→",
        EntryKind::Objection => "⊘",
        EntryKind::Link => "↗",
        EntryKind::ActionItem => "☐",
        EntryKind::Checklist => "✓",
        EntryKind::Resolved => "✔",
        EntryKind::Reopened => "↺",
    }
}

/// How a row is laid out at this pane width.
#[derive(Clone, Copy)]
enum Columns {
    /// Author and kind in full columns (9 and 11 wide).
    Roomy,
    /// A short author column and the kind's marker.
    Narrow { author: usize },
}

impl Columns {
    fn for_width(width: usize, app: &App) -> Columns {
        if width >= ROOMY {
            return Columns::Roomy;
        }
        Columns::Narrow {
            author: app.widest_author().clamp(3, 8),
        }
    }
}

fn date_line(app: &App, e: &Entry) -> Line<'static> {
    let day = app.zone.format(e.at, "%a %d %b %Y");
    Line::from(Span::styled(
        format!("── {day} ({}) ──", app.zone.label(e.at)),
        app.theme.dim(),
    ))
}

/// The kind's name as the timeline shows it: notes other than plain ones
/// in capitals, so a decision or a destructive action stands out.
pub fn kind_name(kind: EntryKind) -> String {
    match kind {
        EntryKind::Note(k) if k.name() != "note" => k.name().to_uppercase(),
        k => k.label().to_string(),
    }
}

fn entry_line(
    app: &App,
    e: &Entry,
    columns: Columns,
    width: usize,
    selected: bool,
) -> Line<'static> {
    let t = app.theme;
    let style = t.entry(e.kind);
    let mark = if e.pinned { "★" } else { " " };
    let author = single_line(&e.author);
    let time = Span::styled(format!("{} ", app.zone.hm(e.at)), t.dim());
    let (mut spans, head) = match columns {
        Columns::Roomy => {
            let (author_w, kind_w) = (9, 11);
            (
                vec![
                    time,
                    Span::raw(format!("{:<author_w$} ", fit(&author, author_w))),
                    Span::styled(
                        format!("{:<kind_w$}", fit(&kind_name(e.kind), kind_w)),
                        style,
                    ),
                    Span::styled(format!(" {mark} "), t.warn()),
                ],
                5 + 1 + author_w + 1 + kind_w + 3,
            )
        }
        Columns::Narrow { author: author_w } => (
            vec![
                time,
                Span::raw(format!("{:<author_w$} ", fit(&author, author_w))),
                Span::styled(marker(e.kind), style),
                Span::styled(format!("{mark} "), t.warn()),
            ],
            5 + 1 + author_w + 1 + 1 + 2,
        ),
    };
    // One row per entry: line breaks show as ↵, tabs as spaces (ratatui
    // drops control characters, which would glue the words together).
    let mut text = single_line(&e.text_for(&app.playbook).replace('\n', " ↵ "));
    if e.amended {
        text.push_str(" (amended)");
    }
    let text = fit(&text, width.saturating_sub(head));
    let text_style = if e.redacted { t.dim() } else { style };
    spans.push(Span::styled(text, text_style));
    let mut line = Line::from(spans);
    if selected {
        line = line.patch_style(t.selected());
    }
    line
}

/// When, who and what: `2026-11-23 14:02 UTC · bo · finding · pinned`.
pub fn about(app: &App, e: &Entry) -> String {
    let mut about = format!(
        "{} {} · {} · {}",
        app.zone.date_hm(e.at),
        app.zone.label(e.at),
        single_line(&e.author),
        e.kind.label()
    );
    for (flag, said) in [
        (e.pinned, " · pinned"),
        (e.amended, " · amended"),
        (e.redacted, " · redacted"),
    ] {
        if flag {
            about.push_str(said);
        }
    }
    about
}

/// The selected entry in full: when, who, what, every line of its text.
fn detail_lines(app: &App, e: &Entry) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!("─ {}", about(app, e)),
        t.dim(),
    ))];
    lines.extend(text_lines(app, e, t.entry(e.kind)));
    lines
}

/// An entry's whole text, cleaned, one line per line of it.
pub fn text_lines(app: &App, e: &Entry, style: Style) -> Vec<Line<'static>> {
    sanitize(&e.text_for(&app.playbook))
        .replace('\t', "    ")
        .lines()
        .map(|l| Line::from(Span::styled(l.to_string(), style)))
        .collect()
}

/// The pane's title, as full as the width allows.
fn title(app: &App, n: usize, selected: bool, width: u16) -> String {
    let count = format!("Timeline · {}", plural(n as u64, "entry", "entries"));
    let filter = app
        .filter
        .map(|k| format!(" · only {} (Esc: all)", k.label()))
        .unwrap_or_default();
    let mut candidates = Vec::new();
    if selected {
        candidates.push(format!(
            "{count}{filter} · Enter reads · p pins · End follows"
        ));
        candidates.push(format!("{count}{filter} · Enter reads"));
    }
    candidates.push(format!("{count}{filter}"));
    candidates.push(format!("Timeline · {n}{filter}"));
    first_fit(&candidates, title_room(width))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let entries = app.visible_timeline();
    let n = entries.len();
    let selected = app.selected.and_then(|id| app.position_shown(&entries, id));
    let block = block(
        &title(app, n + app.older_unloaded, selected.is_some(), area.width),
        area.width,
        t,
    );
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // The selected entry under the list, for text the row cuts; Enter
    // reads what does not fit here.
    if let Some(e) = selected.and_then(|i| entries.get(i)) {
        let detail = Paragraph::new(detail_lines(app, e)).wrap(Wrap { trim: false });
        let wrapped = detail.line_count(inner.width);
        let rows = (wrapped as u16).min(inner.height / 3);
        let mut area = Rect {
            y: inner.bottom() - rows,
            height: rows,
            ..inner
        };
        inner.height -= rows;
        if wrapped > rows as usize && rows > 0 {
            area.height -= 1;
            let hint = Rect {
                y: area.bottom(),
                height: 1,
                ..area
            };
            frame.render_widget(
                Paragraph::new(Span::styled("… Enter: read all", t.key())),
                hint,
            );
        }
        frame.render_widget(detail, area);
    }
    let height = inner.height as usize;
    if height == 0 {
        return;
    }
    let width = inner.width as usize;
    let columns = Columns::for_width(width, app);
    // Newest at the bottom; a selection is kept near the middle.
    let end = match selected {
        Some(i) => (i + 1 + height / 2).min(n),
        None => n,
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut i = end;
    while i > 0 && lines.len() < height {
        i -= 1;
        let Some(e) = entries.get(i) else { break };
        lines.push(entry_line(app, e, columns, width, selected == Some(i)));
        let new_day = i == 0
            || entries
                .get(i - 1)
                .is_none_or(|before| app.zone.date(before.at) != app.zone.date(e.at));
        if new_day {
            lines.push(date_line(app, e));
        }
    }
    lines.truncate(height);
    lines.reverse();
    if n == 0 {
        lines.push(Line::from(Span::styled(
            match app.filter {
                Some(_) => "no entries of this kind".to_string(),
                None => format!(
                    "nothing yet: {} adds a note",
                    app.keys.key(crate::keymap::ConsoleCommand::Note)
                ),
            },
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines).style(Style::new()), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::width;

    #[test]
    fn every_kind_has_its_own_one_column_marker() {
        let markers: Vec<&str> = EntryKind::ALL.iter().map(|k| marker(*k)).collect();
        for (i, m) in markers.iter().enumerate() {
            assert_eq!(width(m), 1, "{m}");
            assert!(!markers[..i].contains(m), "{m} twice");
        }
    }
}
