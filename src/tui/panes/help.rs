//! The help overlay: every key of the console.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::keys::{EDITING, KEYS};
use crate::tui::popup;

/// How pickers and the timeline are driven (forms: [`EDITING`]).
const HINTS: [&str; 2] = [
    " Pickers: type to filter · ↑↓ choose · Enter take · Esc cancel",
    " Timeline: j/k move · g/G first/last · Esc clears selection, then filter",
];

pub fn draw(frame: &mut Frame, app: &App) {
    let t = app.theme;
    let area = frame.area();
    let key_w = KEYS
        .iter()
        .map(|k| k.key.chars().count())
        .max()
        .unwrap_or(1);
    let full = KEYS.len() + EDITING.len() + HINTS.len() + 3 <= area.height as usize;
    let mut lines: Vec<Line> = if full {
        KEYS.iter()
            .map(|k| {
                Line::from(vec![
                    Span::styled(format!(" {:>key_w$}  ", k.key), t.key()),
                    Span::raw(k.long),
                ])
            })
            .collect()
    } else {
        // A small terminal: every key still shows, four to a row.
        KEYS.chunks(4)
            .map(|row| {
                Line::from(
                    row.iter()
                        .flat_map(|k| {
                            [
                                Span::styled(format!(" {:>key_w$} ", k.key), t.key()),
                                Span::raw(format!("{:<14}", k.short)),
                            ]
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    for &hint in EDITING.iter().chain(&HINTS) {
        lines.push(Line::from(Span::styled(hint, t.dim())));
    }
    let size = (
        area.width.saturating_sub(4).min(100),
        (lines.len() as u16 + 3).min(area.height),
    );
    let inner = popup::open(frame, "Keys", size, " any key closes", t);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
