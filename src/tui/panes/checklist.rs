//! The checklist of the current stage, from the playbook, with what has
//! been ticked, and the reminders the day's shifts call for (a hand-over,
//! the team's break).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, first_fit, title_room};
use crate::domain::text::single_line;
use crate::tui::app::App;

/// Rows the pane needs at this width, borders included.
pub fn height(app: &App, width: u16) -> u16 {
    let inner = width.saturating_sub(2).max(1);
    let rows = Paragraph::new(lines(app))
        .wrap(Wrap { trim: true })
        .line_count(inner);
    rows as u16 + 2
}

fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    let Some(inc) = &app.incident else {
        return Vec::new();
    };
    let Some(stage) = app.playbook.stage(&inc.stage) else {
        return Vec::new();
    };
    let items = stage.checklist.iter().enumerate().map(|(n, item)| {
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
    });
    // Derived from the day's shifts, not the playbook: nobody ticks them,
    // they go when the reason does. Names come from the log: cleaned.
    let reminders = app.reminders().into_iter().map(|r| {
        Line::from(vec![
            Span::styled("(!) ", t.warn()),
            Span::styled(single_line(&r), t.warn()),
        ])
    });
    items.chain(reminders).collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let Some(stage) = app.playbook.stage(&inc.stage) else {
        return;
    };
    let titles = [
        format!(
            "Checklist · {} ({} ticks)",
            stage.name,
            app.keys.key(crate::keymap::ConsoleCommand::Tick)
        ),
        format!("Checklist · {}", stage.name),
    ];
    let title = first_fit(&titles, title_room(area.width));
    frame.render_widget(
        Paragraph::new(lines(app))
            .wrap(Wrap { trim: true })
            .block(block(&title, area.width, t)),
        area,
    );
}
