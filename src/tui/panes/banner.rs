//! The banner across the top while a destructive step is announced: who
//! will do what, how long is left to object, and any objection. It takes a
//! row only while a step waits, and every console sees the same banner.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit_line;
use crate::domain::incident::StepState;
use crate::keymap::ConsoleCommand;
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Rows the banner takes: one while a step waits, else none.
pub fn height(app: &App) -> u16 {
    match app.incident.as_ref() {
        Some(inc) if !inc.waiting_steps(app.now).is_empty() => 1,
        _ => 0,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(inc) = &app.incident else { return };
    let waiting = inc.waiting_steps(app.now);
    let Some(step) = waiting.first() else { return };
    let key = format!(" ({})", app.keys.key(ConsoleCommand::Object));
    let text = step.says(app.now, &key);
    let objected = step.state(app.now) == StepState::Objected;
    let more = match waiting.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    let style = banner_style(app.theme, objected);
    let line = Line::from(Span::styled(format!(" {text}{more} "), style));
    let line = fit_line(line, area.width as usize).style(style);
    frame.render_widget(Paragraph::new(line), area);
}

/// Reversed, so it reads as a bar across the screen, not another line.
fn banner_style(t: Theme, objected: bool) -> Style {
    let base = if objected { t.warn() } else { t.alarm() };
    base.add_modifier(Modifier::REVERSED | Modifier::BOLD)
}
