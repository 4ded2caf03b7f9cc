//! The checklist of the current stage, from the playbook, with what has
//! been ticked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::tui::app::App;

/// Rows the pane needs at this width, borders included.
pub fn height(app: &App, width: u16) -> u16 {
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = app
        .incident
        .as_ref()
        .and_then(|inc| app.playbook.stage(&inc.stage))
        .map_or(0, |s| {
            s.checklist
                .iter()
                .enumerate()
                .map(|(n, item)| (format!("[ ] {}. {item}", n + 1).chars().count()).div_ceil(inner))
                .sum()
        });
    rows as u16 + 2
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let Some(stage) = app.playbook.stage(&inc.stage) else {
        return;
    };
    let lines: Vec<Line> = stage
        .checklist
        .iter()
        .enumerate()
        .map(|(n, item)| {
            if inc.is_ticked(&stage.id, item) {
                Line::from(vec![
                    Span::styled("[x] ", t.good()),
                    Span::styled(format!("{}. {item}", n + 1), t.dim()),
                ])
            } else {
                Line::from(vec![
                    Span::raw("[ ] "),
                    Span::raw(format!("{}. {item}", n + 1)),
                ])
            }
        })
        .collect();
    let title = format!("Checklist · {} (x ticks)", stage.name);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block(&title, t)),
        area,
    );
}
