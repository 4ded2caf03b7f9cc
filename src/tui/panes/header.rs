//! The header: which incident, how bad, which stage, for how long, who
//! commands it, whether sync works, and where the command center is.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{fit, fit_line};
use crate::domain::incident::EntryKind;
use crate::domain::text::{single_line, width as width_of};
use crate::domain::when::human_duration;
use crate::tui::app::App;

/// The fewest columns of a link's address worth showing cut.
const MIN_URL: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let block = Block::new().borders(Borders::BOTTOM).border_style(t.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let row = |y: u16| Rect {
        y: inner.y + y,
        height: 1,
        ..inner
    };
    let Some(inc) = &app.incident else {
        frame.render_widget(
            Paragraph::new(Span::styled("fireground — no incident open", t.title())),
            row(0),
        );
        return;
    };
    let pb = &app.playbook;
    let end = inc.resolved_at.unwrap_or(app.now);
    let stage = pb
        .stage(&inc.stage)
        .map_or(inc.stage.as_str(), |s| s.name.as_str());
    let state = match inc.resolved_at {
        Some(_) => Span::styled(
            format!("RESOLVED after {}", human_duration(end - inc.declared_at)),
            t.good(),
        ),
        None => Span::raw(format!("open {}", human_duration(end - inc.declared_at))),
    };
    let right = Line::from(vec![
        Span::styled("Stage ", t.dim()),
        // A stage name is playbook or synced text: never let it crowd out
        // the title.
        Span::styled(fit(stage, 24), t.title()),
        Span::raw("  "),
        state,
    ]);
    let sev_rank = pb.severities.iter().position(|s| s.id == inc.severity);
    let sev_style = match sev_rank {
        Some(0) => t.alarm(),
        Some(1) => t.warn(),
        _ => t.title(),
    };
    let sev_name = pb.severity(&inc.severity).map_or("", |s| s.name.as_str());
    let room = (inner.width as usize).saturating_sub(right.width() + 2);
    let left = format!("{} {sev_name} · {}", inc.severity, single_line(&inc.title));
    let left = fit(&left, room.saturating_sub(inc.id.short().len() + 1));
    // The severity is coloured when it survived the cut whole.
    let (sev_part, rest) = match left.strip_prefix(inc.severity.as_str()) {
        Some(rest) => (inc.severity.as_str(), rest),
        None => ("", left.as_str()),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{} ", inc.id.short()), t.dim()),
            Span::styled(sev_part.to_string(), sev_style),
            Span::styled(rest.to_string(), t.title()),
        ])),
        row(0),
    );
    frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), row(0));

    let mut second = vec![Span::styled("IC ", t.dim())];
    match inc.commander() {
        Some(ic) => second.push(Span::styled(ic.to_string(), t.title())),
        None => second.push(Span::styled("UNASSIGNED", t.alarm())),
    }
    second.push(Span::styled("   sync ", t.dim()));
    let sync_style = if app.sync.alarming() {
        t.alarm()
    } else {
        Style::new()
    };
    second.push(Span::styled(app.sync.describe(app.zone), sync_style));
    // An update that did not reach its channel matters more than the links.
    if let Some(alarm) = app.outbox.alarm() {
        second.push(Span::styled("   ", t.dim()));
        second.push(Span::styled(alarm, t.alarm()));
    }
    let width = inner.width as usize;
    let used = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let links = format!(
        "   {}",
        crate::domain::text::plural(inc.links.len() as u64, "link", "links")
    );
    // The impact before the links: who is hurt matters more than where
    // the call is. Half the row at most, so a wide screen shows both, and
    // never so much that the links could not at least be counted.
    if let Some(impact) = &inc.impact {
        second.push(Span::styled("   impact ", t.dim()));
        let counted = if inc.links.is_empty() {
            0
        } else {
            width_of(&links)
        };
        let room = (width / 2)
            .min(60)
            .min(width.saturating_sub(used(&second) + counted));
        second.push(Span::styled(
            fit(&single_line(&impact.compact()), room),
            t.entry(EntryKind::Impact),
        ));
    }
    // Links go whole while they fit; what does not is counted. A first
    // link too long for the row has its address cut with …, or is
    // counted with the rest when not even the start of it would show.
    for (i, l) in inc.links.iter().enumerate() {
        let sep = if i == 0 { "   " } else { " · " };
        let url = single_line(&l.url);
        let named = [
            Span::styled(sep, t.dim()),
            Span::styled(format!("{} ", single_line(&l.label)), t.dim()),
        ];
        let left = inc.links.len() - i - 1;
        let more = if left > 0 {
            width_of(&format!(" … +{left}"))
        } else {
            0
        };
        let room = width.saturating_sub(used(&second) + used(&named) + more);
        if width_of(&url) <= room {
            second.extend(named);
            second.push(Span::styled(url, t.key()));
            continue;
        }
        if i > 0 {
            second.push(Span::styled(format!(" … +{}", left + 1), t.dim()));
        } else if room < MIN_URL {
            second.push(Span::styled(links, t.dim()));
        } else {
            second.extend(named);
            second.push(Span::styled(fit(&url, room), t.key()));
            if left > 0 {
                second.push(Span::styled(format!(" … +{left}"), t.dim()));
            }
        }
        break;
    }
    frame.render_widget(Paragraph::new(fit_line(Line::from(second), width)), row(1));
}
