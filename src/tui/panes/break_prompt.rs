//! The break prompt: someone has held a role past the playbook's limit;
//! the commander is asked whether to hand it over.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::breaks::HandOver;
use crate::keymap::ConsoleCommand;
use crate::tui::app::App;
use crate::tui::popup;

pub fn draw(frame: &mut Frame, app: &App, h: &HandOver) {
    let t = app.theme;
    let question = h.question(&app.playbook, &app.me());
    let why = format!(
        "A break is due after {} on shift without one.",
        crate::domain::shift::shift_length(app.break_limit())
    );
    let width = frame.area().width.saturating_sub(4).min(64);
    let hint = format!(
        " Enter/{}: choose who takes over · Esc: not now",
        app.keys.key(ConsoleCommand::Assign)
    );
    let inner = popup::open(frame, "Time for a break", (width, 7), &hint, t);
    let lines = vec![
        Line::from(Span::styled(question, t.warn())),
        Line::from(""),
        Line::from(Span::styled(why, t.dim())),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
