//! The comms timer: when the next stakeholder update is due at the cadence
//! of the severity, and who sent the last one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::domain::cadence::{Cadence, Urgency};
use crate::domain::when::clock_duration;
use crate::tui::app::App;

/// The timer's first line, e.g. "next update due in 12:31 (P1: every 30 min)".
pub fn headline(app: &App) -> String {
    let Some(inc) = &app.incident else {
        return String::new();
    };
    match app.cadence() {
        Cadence::None if inc.is_resolved() => "no timer: the incident is resolved".to_string(),
        Cadence::None => format!("no timer: {} has no fixed update cadence", inc.severity),
        Cadence::Due {
            every, remaining, ..
        } => {
            let rule = format!("({}: every {every} min)", inc.severity);
            if remaining.num_seconds() < 0 {
                format!("update OVERDUE by {} {rule}", clock_duration(remaining))
            } else {
                format!("next update due in {} {rule}", clock_duration(remaining))
            }
        }
    }
}

/// Rows the pane needs at this width, borders included: its lines wrap on
/// a narrow column.
pub fn height(app: &App, width: u16) -> u16 {
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines(app)
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner))
        .sum();
    rows as u16 + 2
}

fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    let Some(inc) = &app.incident else {
        return Vec::new();
    };
    let cadence = app.cadence();
    let urgency = t.urgency(cadence.urgency());
    let mut second = Vec::new();
    if let Cadence::Due { due_at, .. } = cadence {
        second.push(Span::styled(
            format!("due {} · ", app.zone.hm(due_at)),
            t.dim(),
        ));
    }
    match inc.updates.last() {
        Some(u) => {
            second.push(Span::styled("last sent ", t.dim()));
            second.push(Span::raw(format!("{} by {}", app.zone.hm(u.at), u.author)));
        }
        None => second.push(Span::styled("no update sent yet", t.dim())),
    }
    vec![
        Line::from(Span::styled(headline(app), urgency)),
        Line::from(second),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let cadence = app.cadence();
    let urgency = t.urgency(cadence.urgency());
    let lines = lines(app);
    let border = match cadence.urgency() {
        Urgency::Calm => t.dim(),
        _ => urgency,
    };
    let block = block("Comms cadence", t).border_style(border);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}
