//! The footer: the keys that matter most, and the last message. The most
//! used keys always show; the others as far as they fit, and when some do
//! not, `? more` says the help lists them all.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit_line;
use crate::keymap::{ConsoleCommand as C, KeyMap};
use crate::tui::app::{App, Mode};
use crate::tui::keys::{KEYS, Key, KeyHelp};

/// The keys the footer shows first, whatever the width: at 80 columns
/// they and help and quit fit with room to spare.
const FIRST: [Key; 4] = [
    Key::Command(C::Assign),
    Key::Command(C::Note),
    Key::Command(C::Can),
    Key::Command(C::Update),
];
/// Then, with an entry selected, the keys that act on it.
const ON_SELECTED: [Key; 3] = [
    Key::Fixed("Enter"),
    Key::Command(C::Pin),
    Key::Command(C::Copy),
];

/// The keys of the footer, in the help's order, and whether every key the
/// footer could offer is among them.
pub fn keys(app: &App, width: usize) -> (Vec<&'static KeyHelp>, bool) {
    let selected = app.selected.is_some();
    // With no incident open, only the keys that work without one.
    let offered: Vec<&KeyHelp> = KEYS
        .iter()
        .filter(|k| !(k.is(C::Help) || k.is(C::Quit) || k.key == Key::Fixed("↑↓")))
        .filter(|k| app.incident.is_some() || k.is(C::Declare) || k.is(C::Incidents))
        .filter(|k| selected || !(k.key == Key::Fixed("Enter") || k.is(C::Copy)))
        .collect();
    let rank = |k: &KeyHelp| {
        FIRST
            .iter()
            .position(|f| *f == k.key)
            .or_else(|| {
                ON_SELECTED
                    .iter()
                    .position(|f| selected && *f == k.key)
                    .map(|i| FIRST.len() + i)
            })
            .unwrap_or(usize::MAX)
    };
    let mut by_rank = offered.clone();
    by_rank.sort_by_key(|k| rank(k));
    let room = width.saturating_sub(tail_width(&app.keys));
    let mut used = 0;
    let mut shown: Vec<&KeyHelp> = Vec::new();
    for k in by_rank {
        let w = hint_width(k, &app.keys);
        if used + w > room {
            break;
        }
        used += w;
        shown.push(k);
    }
    let all = shown.len() == offered.len();
    let shown = offered
        .into_iter()
        .filter(|k| shown.iter().any(|s| s.key == k.key))
        .collect();
    (shown, all)
}

/// `x word  `: a key, what it does, and the gap to the next.
fn hint_width(k: &KeyHelp, map: &KeyMap) -> usize {
    k.label(map).chars().count() + 1 + k.short.chars().count() + 2
}

/// `? more  q quit`, or `? help  q quit`: the same width.
fn tail_width(map: &KeyMap) -> usize {
    format!("{} more  {} quit", map.key(C::Help), map.key(C::Quit))
        .chars()
        .count()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let width = area.width as usize;
    let hint = |key: &str, short: &str| {
        [
            Span::styled(key.to_string(), t.key()),
            Span::raw(format!(" {short}  ")),
        ]
    };
    let (keys, all) = keys(app, width);
    let map = &app.keys;
    let mut spans: Vec<Span> = keys
        .iter()
        .flat_map(|k| hint(&k.label(map), k.short))
        .collect();
    let help = map.key(C::Help).to_string();
    spans.extend(hint(&help, if all { "help" } else { "more" }));
    spans.push(Span::styled(map.key(C::Quit).to_string(), t.key()));
    spans.push(Span::raw(" quit"));
    let message = match (&app.flash, &app.mode) {
        (Some(f), _) => Span::styled(f.text.clone(), if f.error { t.alarm() } else { t.good() }),
        (None, Mode::Normal) if app.incident.is_some() => {
            // Who the console records as: on a shared screen, not obvious.
            let rest = if app.selected.is_some() {
                "Enter reads the entry · Esc follows the newest".to_string()
            } else {
                format!(
                    "↑↓ select an entry · {} filter · {} all CAN reports",
                    map.key(C::Filter),
                    map.key(C::OlderCan)
                )
            };
            Span::styled(format!("recording as {} · {rest}", app.me()), t.dim())
        }
        _ => Span::raw(""),
    };
    frame.render_widget(
        Paragraph::new(vec![
            fit_line(Line::from(spans), width),
            fit_line(Line::from(message), width),
        ]),
        area,
    );
}
