//! The footer: the keys that matter most, and the last message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Mode};
use crate::tui::keys::KEYS;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let width = area.width as usize;
    let hint = |k: &crate::tui::keys::KeyHelp| {
        vec![
            Span::styled(k.key.to_string(), t.key()),
            Span::raw(format!(" {}  ", k.short)),
        ]
    };
    let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // Help and quit are always shown; the others as far as they fit.
    let tail: Vec<Span> = KEYS
        .iter()
        .filter(|k| k.key == "?" || k.key == "q")
        .flat_map(hint)
        .collect();
    // With no incident open, only the keys that work without one.
    let usable =
        |k: &&crate::tui::keys::KeyHelp| app.incident.is_some() || matches!(k.key, "D" | "i");
    let mut spans: Vec<Span> = Vec::new();
    for k in KEYS
        .iter()
        .filter(|k| k.key.chars().count() == 1)
        .filter(usable)
    {
        if k.key == "?" || k.key == "q" {
            continue;
        }
        let h = hint(k);
        if width_of(&spans) + width_of(&h) + width_of(&tail) > width {
            break;
        }
        spans.extend(h);
    }
    spans.extend(tail);
    let message = match (&app.flash, &app.mode) {
        (Some(f), _) => Span::styled(f.text.clone(), if f.error { t.alarm() } else { t.good() }),
        (None, Mode::Normal) if app.incident.is_some() => {
            // Who the console records as: on a shared screen, not obvious.
            Span::styled(
                format!(
                    "recording as {} · ↑↓ select an entry · / filter · o all CAN reports",
                    app.me()
                ),
                t.dim(),
            )
        }
        _ => Span::raw(""),
    };
    frame.render_widget(
        Paragraph::new(vec![Line::from(spans), Line::from(message)]),
        area,
    );
}
