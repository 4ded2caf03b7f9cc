//! The comms timer: when the next stakeholder update is due at the cadence
//! of the severity, and who sent the last one. On a narrow pane it takes a
//! row more rather than wrapping its phrases.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::domain::cadence::{Cadence, Urgency};
use crate::domain::text::single_line;
use crate::domain::when::clock_duration;
use crate::tui::app::App;

/// What the rule is: "P1: every 30 min".
fn rule(app: &App) -> Option<String> {
    let inc = app.incident.as_ref()?;
    match app.cadence() {
        Cadence::Due { every, .. } => Some(format!("{}: every {every} min", inc.severity)),
        Cadence::None => None,
    }
}

/// The timer's first line, e.g. "next update due in 12:31", with the rule
/// after it when `rule`.
fn headline(app: &App, with_rule: bool) -> String {
    let Some(inc) = &app.incident else {
        return String::new();
    };
    let said = match app.cadence() {
        Cadence::None if inc.is_resolved() => "no timer: the incident is resolved".to_string(),
        Cadence::None => format!("no timer: {} has no fixed update cadence", inc.severity),
        Cadence::Due { remaining, .. } if remaining.num_seconds() < 0 => {
            format!("update OVERDUE by {}", clock_duration(remaining))
        }
        Cadence::Due { remaining, .. } => {
            format!("next update due in {}", clock_duration(remaining))
        }
    };
    match rule(app) {
        Some(rule) if with_rule => format!("{said} ({rule})"),
        _ => said,
    }
}

/// Rows the pane needs at this width, borders included.
pub fn height(app: &App, width: u16) -> u16 {
    let inner = width.saturating_sub(2);
    let rows = Paragraph::new(lines(app, inner as usize))
        .wrap(Wrap { trim: true })
        .line_count(inner.max(1));
    rows as u16 + 2
}

/// The pane's lines: two where they fit `width`; else the rule and when
/// it is due get a line of their own, so nothing wraps mid-phrase.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let Some(inc) = &app.incident else {
        return Vec::new();
    };
    let cadence = app.cadence();
    let urgency = t.urgency(cadence.urgency());
    let due = match cadence {
        Cadence::Due { due_at, .. } => Some(format!("due {}", app.zone.hm(due_at))),
        Cadence::None => None,
    };
    let last = match inc.updates.last() {
        Some(u) => vec![
            Span::styled("last sent ", t.dim()),
            Span::raw(format!(
                "{} by {}",
                app.zone.hm(u.at),
                single_line(&u.author)
            )),
        ],
        None => vec![Span::styled("no update sent yet", t.dim())],
    };
    let mut second = Vec::new();
    if let Some(due) = &due {
        second.push(Span::styled(format!("{due} · "), t.dim()));
    }
    second.extend(last.clone());
    let two = vec![
        Line::from(Span::styled(headline(app, true), urgency)),
        Line::from(second),
    ];
    if two.iter().all(|l| l.width() <= width) {
        return two;
    }
    let mut three = vec![Line::from(Span::styled(headline(app, false), urgency))];
    let when: Vec<String> = rule(app).into_iter().chain(due).collect();
    if !when.is_empty() {
        three.push(Line::from(Span::styled(when.join(" · "), t.dim())));
    }
    three.push(Line::from(last));
    three
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let cadence = app.cadence();
    let urgency = t.urgency(cadence.urgency());
    let lines = lines(app, area.width.saturating_sub(2) as usize);
    let border = match cadence.urgency() {
        Urgency::Calm => t.dim(),
        _ => urgency,
    };
    let block = block("Comms cadence", area.width, t).border_style(border);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}
