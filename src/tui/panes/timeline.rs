//! The timeline: every entry in order, newest at the bottom, a date line
//! where the day changes; one entry can be selected (to pin it), and one
//! kind can be filtered for.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, fit};
use crate::domain::incident::{Entry, EntryKind};
use crate::domain::text::single_line;
use crate::tui::app::App;

/// Column widths for the author and the kind: roomy, or compact on a
/// narrow pane so the text keeps some room.
fn columns(width: usize) -> (usize, usize) {
    if width >= 60 { (9, 11) } else { (6, 8) }
}

fn date_line(app: &App, e: &Entry) -> Line<'static> {
    let day = app.zone.format(e.at, "%a %d %b %Y");
    Line::from(Span::styled(
        format!("── {day} ({}) ──", app.zone.label(e.at)),
        app.theme.dim(),
    ))
}

fn entry_line(app: &App, e: &Entry, width: usize, selected: bool) -> Line<'static> {
    let t = app.theme;
    let style = t.entry(e.kind);
    let mark = if e.pinned { "★" } else { " " };
    let label = match e.kind {
        EntryKind::Note(k) if k.name() != "note" => k.name().to_uppercase(),
        k => k.label().to_string(),
    };
    let (author_w, kind_w) = columns(width);
    let head = 5 + 1 + author_w + 1 + kind_w + 3;
    // One row per entry: line breaks show as ↵, tabs as spaces (ratatui
    // drops control characters, which would glue the words together).
    let mut text = single_line(&e.text_for(&app.playbook).replace('\n', " ↵ "));
    if e.amended {
        text.push_str(" (amended)");
    }
    let text = fit(&text, width.saturating_sub(head));
    let text_style = if e.redacted { t.dim() } else { style };
    let mut line = Line::from(vec![
        Span::styled(format!("{} ", app.zone.hm(e.at)), t.dim()),
        Span::raw(format!("{:<author_w$} ", fit(&e.author, author_w))),
        Span::styled(format!("{:<kind_w$}", fit(&label, kind_w)), style),
        Span::styled(format!(" {mark} "), t.warn()),
        Span::styled(text, text_style),
    ]);
    if selected {
        line = line.patch_style(t.selected());
    }
    line
}

/// The selected entry in full: when, who, what, every line of its text.
fn detail_lines(app: &App, e: &Entry) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut head = format!(
        "─ {} {} · {} · {}",
        app.zone.date_hm(e.at),
        app.zone.label(e.at),
        e.author,
        e.kind.label()
    );
    if e.pinned {
        head.push_str(" · pinned");
    }
    if e.amended {
        head.push_str(" · amended");
    }
    let mut lines = vec![Line::from(Span::styled(head, t.dim()))];
    lines.extend(
        e.text_for(&app.playbook)
            .lines()
            .map(|l| Line::from(Span::styled(l.to_string(), t.entry(e.kind)))),
    );
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let entries = app.visible_timeline();
    let n = entries.len();
    let selected = app
        .selected
        .and_then(|id| entries.iter().position(|e| e.id == id));
    let mut title = format!("Timeline · {n} entries");
    if let Some(k) = app.filter {
        title.push_str(&format!(" · only {} (Esc: all)", k.label()));
    }
    if selected.is_some() {
        title.push_str(" · p pins · End follows");
    }
    let block = block(&title, t);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // The selected entry in full under the list, for text the row cuts.
    if let Some(e) = selected.map(|i| entries[i]) {
        let detail = detail_lines(app, e);
        let width = inner.width.max(1) as usize;
        let wrapped: usize = detail
            .iter()
            .map(|l| l.width().max(1).div_ceil(width))
            .sum();
        let rows = (wrapped as u16).min(inner.height / 3);
        let area = Rect {
            y: inner.bottom() - rows,
            height: rows,
            ..inner
        };
        inner.height -= rows;
        frame.render_widget(Paragraph::new(detail).wrap(Wrap { trim: false }), area);
    }
    let height = inner.height as usize;
    if height == 0 {
        return;
    }
    // Newest at the bottom; a selection is kept near the middle.
    let end = match selected {
        Some(i) => (i + 1 + height / 2).min(n),
        None => n,
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut i = end;
    while i > 0 && lines.len() < height {
        i -= 1;
        let e = entries[i];
        lines.push(entry_line(
            app,
            e,
            inner.width as usize,
            selected == Some(i),
        ));
        let new_day = i == 0 || app.zone.date(entries[i - 1].at) != app.zone.date(e.at);
        if new_day {
            lines.push(date_line(app, e));
        }
    }
    lines.truncate(height);
    lines.reverse();
    if n == 0 {
        lines.push(Line::from(Span::styled(
            match app.filter {
                Some(_) => "no entries of this kind",
                None => "nothing yet: n adds a note",
            },
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines).style(Style::new()), inner);
}
