//! The help overlay: every key of the console, how forms, pickers, the
//! timeline and an entry being read are driven, and what the timeline's
//! kind markers mean.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::timeline::{kind_name, marker};
use crate::domain::incident::EntryKind;
use crate::keymap::{ConsoleCommand, KeyMap};
use crate::tui::app::App;
use crate::tui::keys::{EDITING, KEYS};
use crate::tui::popup;

/// How pickers, the timeline and an entry being read are driven (forms:
/// [`EDITING`]), with the copy key where `map` puts it.
fn hints(map: &KeyMap) -> [String; 3] {
    [
        " Pickers: type to filter, edited as a form's field · ↑↓ choose · Enter take · Esc cancel"
            .to_string(),
        " Timeline: j/k move · g/G first/last · Esc clears selection, then filter".to_string(),
        format!(
            " Reading (Enter): ↑↓ j/k line · PgUp/PgDn page · g/G top/end · {} copy · Esc closes",
            map.key(ConsoleCommand::Copy)
        ),
    ]
}

/// What each kind's marker means, for the narrow timeline: as many to a
/// row of `width` as fit, never one split over two rows.
fn legend(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut lines = vec![Line::from(Span::styled(
        " Kinds on a narrow timeline:",
        t.dim(),
    ))];
    // Names padded to the longest alone, so a 100-column help holds seven
    // to a row and every key still fits a 40-row terminal in full.
    let names = EntryKind::ALL.map(|k| kind_name(k).to_lowercase());
    let pad = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut row: Vec<Span> = Vec::new();
    for (kind, name) in EntryKind::ALL.into_iter().zip(names) {
        let pair = [
            Span::styled(format!(" {}", marker(kind)), t.entry(kind)),
            Span::styled(format!(" {name:<pad$}"), t.dim()),
        ];
        let used: usize = row.iter().map(Span::width).sum();
        if used + pair.iter().map(Span::width).sum::<usize>() > width && !row.is_empty() {
            lines.push(Line::from(std::mem::take(&mut row)));
        }
        row.extend(pair);
    }
    lines.push(Line::from(row));
    lines
}

pub fn draw(frame: &mut Frame, app: &App) {
    let t = app.theme;
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2).max(1) as usize;
    let map = &app.keys;
    let key_w = KEYS
        .iter()
        .map(|k| k.label(map).chars().count())
        .max()
        .unwrap_or(1);
    let legend = legend(app, inner);
    let hints = hints(map);
    let full = KEYS.len() + EDITING.len() + hints.len() + legend.len() + 3 <= area.height as usize;
    let mut lines: Vec<Line> = if full {
        KEYS.iter()
            .map(|k| {
                Line::from(vec![
                    Span::styled(format!(" {:>key_w$}  ", k.label(map)), t.key()),
                    Span::raw(k.long),
                ])
            })
            .collect()
    } else {
        // A small terminal: every key still shows, as many to a row as fit.
        let short_w = KEYS
            .iter()
            .map(|k| k.short.chars().count())
            .max()
            .unwrap_or(1);
        let cell = 1 + key_w + 1 + short_w + 1;
        let per_row = (inner / cell).max(1);
        KEYS.chunks(per_row)
            .map(|row| {
                Line::from(
                    row.iter()
                        .flat_map(|k| {
                            [
                                Span::styled(format!(" {:>key_w$} ", k.label(map)), t.key()),
                                Span::raw(format!("{:<short_w$} ", k.short)),
                            ]
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    for hint in EDITING.iter().map(|e| e.to_string()).chain(hints) {
        lines.push(Line::from(Span::styled(hint, t.dim())));
    }
    lines.extend(legend);
    let rows = Paragraph::new(lines.clone())
        .wrap(Wrap { trim: false })
        .line_count(inner as u16);
    let size = (width, (rows as u16 + 3).min(area.height));
    let inner = popup::open(frame, "Keys", size, " any key closes", t);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
