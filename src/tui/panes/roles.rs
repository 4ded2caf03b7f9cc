//! Roles: every role of the playbook, who holds it, for how long and how
//! long they have been on shift; an unfilled required role stands out. A
//! role whose name does not fit goes by its id (`comms`, `sme:database`),
//! which tells two experts apart.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, fit_line, fit_middle};
use crate::domain::roster::{RoleRow, role_rows};
use crate::domain::shift::shift_length;
use crate::domain::text::{single_line, width};
use crate::domain::when::human_duration;
use crate::tui::app::App;

/// How many rows the pane wants, borders included.
pub fn height(app: &App) -> u16 {
    app.incident
        .as_ref()
        .map_or(2, |inc| role_rows(inc, &app.playbook).len() as u16 + 2)
}

/// What each row's role is called in `room` columns: its name where it
/// fits, else its id, else its id cut in the middle.
pub fn labels(rows: &[RoleRow], room: usize) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let name = single_line(&r.name);
            if width(&name) <= room {
                name
            } else {
                fit_middle(&single_line(&r.role), room)
            }
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let Some(inc) = &app.incident else { return };
    let rows = role_rows(inc, &app.playbook);
    // Holding stops counting when the incident is resolved.
    let end = inc.resolved_at.unwrap_or(app.now);
    let inner = area.width.saturating_sub(2) as usize;
    let limit = app.break_limit();
    let holders: Vec<Vec<Span>> = rows
        .iter()
        .map(|r| match (&r.holder, r.since) {
            (Some(p), Some(since)) => {
                let held = end - since;
                let shift = app.wellbeing.shifts.get(p).filter(|s| s.on_now);
                // Past the playbook's limit the time warns.
                let style = match shift {
                    Some(s) if s.past(limit) => t.warn(),
                    _ => t.dim(),
                };
                let mut spans = vec![Span::styled(single_line(p), t.title())];
                match shift.map(|s| shift_length(s.continuous)) {
                    // On shift longer than they have held the role (another
                    // incident, work before taking it): both, compactly.
                    Some(on) if on != shift_length(held) => spans.extend([
                        Span::styled(format!(" {}", shift_length(held)), t.dim()),
                        Span::styled(format!(" · on {on}"), style),
                    ]),
                    _ => spans.push(Span::styled(format!(" {}", human_duration(held)), style)),
                }
                spans
            }
            _ if r.unfilled() => vec![Span::styled("! UNFILLED", t.alarm())],
            _ => vec![Span::styled("—", t.dim())],
        })
        .collect();
    let holder_w = holders
        .iter()
        .map(|h| h.iter().map(Span::width).sum::<usize>())
        .max()
        .unwrap_or(0);
    // The holder keeps its room; a long name gives way to the role's id
    // (a third of the pane is room for any id of the default playbook).
    let room = inner.saturating_sub(holder_w + 1).max(inner / 3);
    let labels = labels(&rows, room);
    let name_w = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let mut lines: Vec<Line> = rows
        .iter()
        .zip(labels)
        .zip(holders)
        .map(|((r, label), holder)| {
            let style = if r.unfilled() { t.alarm() } else { t.dim() };
            let pad = name_w - width(&label);
            let mut spans = vec![Span::styled(format!("{label}{} ", " ".repeat(pad)), style)];
            spans.extend(holder);
            fit_line(Line::from(spans), inner)
        })
        .collect();
    let height = area.height.saturating_sub(2) as usize;
    if lines.len() > height && height > 0 {
        let more = lines.len() - (height - 1);
        lines.truncate(height - 1);
        lines.push(Line::from(Span::styled(
            format!("… {more} more roles: `fireground status` lists all"),
            t.dim(),
        )));
        lines = lines.into_iter().map(|l| fit_line(l, inner)).collect();
    }
    frame.render_widget(
        Paragraph::new(lines).block(block("Roles · held for", area.width, t)),
        area,
    );
}
