//! The help overlay: every key of the console.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::keys::KEYS;
use crate::tui::popup;

pub fn draw(frame: &mut Frame, app: &App) {
    let t = app.theme;
    let key_w = KEYS
        .iter()
        .map(|k| k.key.chars().count())
        .max()
        .unwrap_or(1);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|k| {
            Line::from(vec![
                Span::styled(format!(" {:>key_w$}  ", k.key), t.key()),
                Span::raw(k.long),
            ])
        })
        .collect();
    for hint in [
        " Forms: Tab next field · Alt-Enter new line · Enter save · Esc cancel",
        " Pickers: type to filter · ↑↓ choose · Enter take · Esc cancel",
    ] {
        lines.push(Line::from(Span::styled(hint, t.dim())));
    }
    let area = frame.area();
    let size = (
        area.width.saturating_sub(4).min(100),
        (lines.len() as u16 + 3).min(area.height),
    );
    let inner = popup::open(frame, "Keys", size, " any key closes", t);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
