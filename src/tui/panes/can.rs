//! CAN reports: the latest from each reporter with its age; every report,
//! newest first, on demand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::domain::incident::CanReport;
use crate::domain::text::single_line;
use crate::domain::when::human_duration;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let reports: Vec<&CanReport> = if app.older_can {
        inc.can_reports.iter().rev().collect()
    } else {
        inc.latest_can_reports()
    };
    let title = if app.older_can {
        format!("CAN reports · all {} (o: latest only)", reports.len())
    } else {
        "CAN reports · latest (o: all)".to_string()
    };
    let mut lines = Vec::new();
    if reports.is_empty() {
        lines.push(Line::from(Span::styled("none yet: c files one", t.dim())));
    }
    for r in reports {
        let who = match &r.role {
            Some(role) => format!("{} ({})", r.reporter, app.playbook.role_name(role)),
            None => r.reporter.clone(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", app.zone.hm(r.at)), t.dim()),
            Span::styled(who, t.title()),
            Span::styled(format!(" {} ago", human_duration(app.now - r.at)), t.dim()),
        ]));
        for (label, text) in [("C", &r.conditions), ("A", &r.actions), ("N", &r.needs)] {
            lines.push(Line::from(vec![
                Span::styled(format!(" {label} "), t.key()),
                Span::raw(single_line(text)),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block(&title, t)),
        area,
    );
}
