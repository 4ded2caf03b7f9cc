//! What the console shows with no incident open.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::keymap::ConsoleCommand;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let key = |c: ConsoleCommand| Span::styled(app.keys.key(c).to_string(), t.key());
    let lines = vec![
        Line::from(Span::styled("No incident is open.", t.title())),
        Line::from(""),
        Line::from(vec![
            Span::raw("Press "),
            key(ConsoleCommand::Declare),
            Span::raw(" to declare one: a title and a severity are enough."),
        ]),
        Line::from(vec![
            Span::raw("Press "),
            key(ConsoleCommand::Incidents),
            Span::raw(" to open an earlier incident, "),
            key(ConsoleCommand::Quit),
            Span::raw(" to quit."),
        ]),
        Line::from(""),
        Line::from(vec![
            Span::raw("To look around first, quit and run "),
            Span::styled("fireground demo", t.key()),
            Span::raw(" for a sample incident."),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block("Welcome", area.width, t)),
        area,
    );
}
