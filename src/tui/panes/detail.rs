//! One timeline entry read whole: a pop-up with when, who and what, and
//! every word of its text, wrapped and scrolled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::timeline::{about, text_lines};
use crate::domain::incident::Entry;
use crate::tui::app::{App, Detail};
use crate::tui::popup;

/// The entry's head (when, who, what) and its text, the pop-up's size on
/// a screen of `area` (as tall as the text, at most nearly the screen; at
/// most 100 columns wide so lines stay readable), and how many rows of text
/// it has and shows.
struct View {
    size: (u16, u16),
    head: Paragraph<'static>,
    head_rows: u16,
    body: Paragraph<'static>,
    body_rows: usize,
    shown: usize,
}

/// Rows of the pop-up that are not the entry: two borders, the rule under
/// the head and the hint line.
const CHROME: u16 = 4;

fn view(app: &App, e: &Entry, area: Rect) -> View {
    let t = app.theme;
    let width = area.width.saturating_sub(4).min(100);
    let inner_w = width.saturating_sub(2).max(1);
    let head =
        Paragraph::new(Line::from(Span::styled(about(app, e), t.dim()))).wrap(Wrap { trim: true });
    let head_rows = head.line_count(inner_w) as u16;
    let body = Paragraph::new(text_lines(app, e, t.entry(e.kind))).wrap(Wrap { trim: false });
    let body_rows = body.line_count(inner_w);
    let height = (head_rows + CHROME)
        .saturating_add(body_rows as u16)
        .min(area.height.saturating_sub(2));
    let shown = height.saturating_sub(head_rows + CHROME) as usize;
    View {
        size: (width, height),
        head,
        head_rows,
        body,
        body_rows,
        shown,
    }
}

/// How far the text can scroll and by how much a page moves it, on a
/// screen of `area`; `None` when the entry is gone.
pub fn limits(app: &App, d: &Detail, area: Rect) -> Option<(usize, usize)> {
    let e = app.entry(d.entry)?;
    let v = view(app, e, area);
    Some((v.body_rows.saturating_sub(v.shown), v.shown.max(2) - 1))
}

pub fn draw(frame: &mut Frame, app: &App, d: &Detail) {
    let t = app.theme;
    let area = frame.area();
    let Some(e) = app.entry(d.entry) else {
        let inner = popup::open(frame, "Entry", (40, 5), " Esc closes", t);
        frame.render_widget(Paragraph::new("This entry is no longer shown."), inner);
        return;
    };
    let v = view(app, e, area);
    let top = d.scroll.min(v.body_rows.saturating_sub(v.shown));
    let bottom = (top + v.shown).min(v.body_rows);
    let hint = if v.body_rows > v.shown {
        format!(
            " ↑↓ PgUp PgDn scroll · lines {}–{bottom} of {} · Esc closes",
            top + 1,
            v.body_rows
        )
    } else {
        " Esc or Enter closes".to_string()
    };
    let title = match app.timeline_position(e.id) {
        Some((i, n)) => format!("Timeline entry {i} of {n}"),
        None => "Timeline entry".to_string(),
    };
    let inner = popup::open(frame, &title, v.size, &hint, t);
    let head = Rect {
        height: v.head_rows.min(inner.height),
        ..inner
    };
    frame.render_widget(v.head, head);
    let rule = Rect {
        y: head.bottom(),
        height: u16::from(head.bottom() < inner.bottom()),
        ..inner
    };
    frame.render_widget(
        Paragraph::new(Span::styled("─".repeat(inner.width as usize), t.dim())),
        rule,
    );
    let body = Rect {
        y: rule.bottom(),
        height: inner.bottom().saturating_sub(rule.bottom()),
        ..inner
    };
    frame.render_widget(v.body.scroll((top as u16, 0)), body);
}
