//! Roles: every role of the playbook, who holds it and for how long; an
//! unfilled required role stands out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, fit};
use crate::domain::roster::role_rows;
use crate::domain::when::human_duration;
use crate::tui::app::App;

/// How many rows the pane wants, borders included.
pub fn height(app: &App) -> u16 {
    app.incident
        .as_ref()
        .map_or(2, |inc| role_rows(inc, &app.playbook).len() as u16 + 2)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let rows = role_rows(inc, &app.playbook);
    // Holding stops counting when the incident is resolved.
    let end = inc.resolved_at.unwrap_or(app.now);
    let inner = area.width.saturating_sub(2) as usize;
    let name_w = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        // Leave room for the holder and how long they have held it.
        .min(inner.saturating_sub(16));
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let name = format!("{:<name_w$} ", fit(&r.name, name_w));
            match (&r.holder, r.since) {
                (Some(p), Some(since)) => Line::from(vec![
                    Span::styled(name, t.dim()),
                    Span::styled(p.clone(), t.title()),
                    Span::styled(format!(" {}", human_duration(end - since)), t.dim()),
                ]),
                _ if r.unfilled() => Line::from(vec![
                    Span::styled(name, t.alarm()),
                    Span::styled("! UNFILLED", t.alarm()),
                ]),
                _ => Line::from(vec![
                    Span::styled(name, t.dim()),
                    Span::styled("—", t.dim()),
                ]),
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block("Roles · held for", t)),
        area,
    );
}
