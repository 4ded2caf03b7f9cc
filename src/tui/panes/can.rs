//! CAN reports: the latest from each reporter with its age; every report,
//! newest first, on demand. Conditions, Actions and Needs of the newest
//! always show: wrapped where there is room, a row each (cut with …) where
//! there is not; reports that do not fit at all are counted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, first_fit, fit_line, title_room};
use crate::domain::incident::CanReport;
use crate::domain::text::single_line;
use crate::domain::when::human_duration;
use crate::keymap::ConsoleCommand;
use crate::tui::app::App;

/// The report's first line: when, who in which role, how long ago. The
/// role goes by its id (`sme:database`) where its name would not fit, and
/// the clock time goes before the age does.
fn header(app: &App, r: &CanReport, width: usize) -> Line<'static> {
    let t = app.theme;
    let reporter = single_line(&r.reporter);
    let line = |at: bool, role: Option<String>| {
        let who = match role {
            Some(role) => format!("{reporter} ({role})"),
            None => reporter.clone(),
        };
        let mut spans = Vec::new();
        if at {
            spans.push(Span::styled(format!("{} ", app.zone.hm(r.at)), t.dim()));
        }
        spans.push(Span::styled(who, t.title()));
        spans.push(Span::styled(
            format!(" {} ago", human_duration(app.now - r.at)),
            t.dim(),
        ));
        Line::from(spans)
    };
    let name = r.role.as_ref().map(|id| app.playbook.role_name(id));
    let id = r.role.as_ref().map(|id| single_line(id));
    // Fullest first; how long ago matters more than the clock time.
    [line(true, name), line(true, id.clone()), line(false, id)]
        .into_iter()
        .reduce(|fits, next| if fits.width() <= width { fits } else { next })
        .unwrap_or_default()
}

/// The report's lines: its header, then Conditions, Actions and Needs.
fn report(app: &App, r: &CanReport, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut lines = vec![header(app, r, width)];
    for (label, text) in [("C", &r.conditions), ("A", &r.actions), ("N", &r.needs)] {
        lines.push(Line::from(vec![
            Span::styled(format!(" {label} "), t.key()),
            Span::raw(single_line(text)),
        ]));
    }
    lines
}

fn rows(lines: &[Line<'static>], width: u16) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: true })
        .line_count(width.max(1))
}

/// The pane's titles, fullest first; when not every report fits, how many
/// do.
fn title(app: &App, shown: usize, n: usize) -> Vec<String> {
    let o = app.keys.key(ConsoleCommand::OlderCan);
    let (which, toggle) = if app.older_can {
        (format!("all {n}"), format!("{o}: latest only"))
    } else {
        ("latest".to_string(), format!("{o}: all"))
    };
    let (which, short) = if shown < n {
        (format!("{which}, {shown} shown"), format!("{shown} of {n}"))
    } else {
        (which.clone(), which)
    };
    vec![
        format!("CAN reports · {which} ({toggle})"),
        format!("CAN · {which} ({toggle})"),
        format!("CAN · {short} ({toggle})"),
        format!("CAN · {short}"),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let reports: Vec<&CanReport> = if app.older_can {
        inc.can_reports.iter().rev().collect()
    } else {
        inc.latest_can_reports()
    };
    let width = area.width.saturating_sub(2);
    let height = area.height.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    let mut shown = 0;
    if reports.is_empty() {
        let c = app.keys.key(ConsoleCommand::Can);
        lines.push(Line::from(Span::styled(
            format!("none yet: {c} files one"),
            t.dim(),
        )));
    }
    for (i, r) in reports.iter().enumerate() {
        let used = rows(&lines, width);
        let left_after = reports.len() - i - 1;
        // Room for saying how many more there are, if there are.
        let reserve = usize::from(left_after > 0);
        let full = report(app, r, width as usize);
        if used + rows(&full, width) + reserve <= height {
            lines.extend(full);
            shown += 1;
            continue;
        }
        let short: Vec<Line> = full
            .into_iter()
            .map(|l| fit_line(l, width as usize))
            .collect();
        // The newest report shows whatever the room.
        if i == 0 || used + short.len() + reserve <= height {
            lines.extend(short);
            shown += 1;
            continue;
        }
        let more = reports.len() - i;
        let said = [
            format!("… {more} more: see the timeline (Enter reads)"),
            format!("… {more} more: see the timeline"),
            format!("… {more} more"),
        ];
        lines.push(Line::from(Span::styled(
            first_fit(&said, width as usize),
            t.dim(),
        )));
        break;
    }
    let title = first_fit(&title(app, shown, reports.len()), title_room(area.width));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block(&title, area.width, t)),
        area,
    );
}
