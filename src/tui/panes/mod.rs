//! The panes of the console, each drawn from the app state into its area.

pub mod cadence;
pub mod can;
pub mod checklist;
pub mod footer;
pub mod header;
pub mod help;
pub mod roles;
pub mod timeline;
pub mod welcome;

use ratatui::text::Span;
use ratatui::widgets::Block;

use super::theme::Theme;

/// A pane's frame with its title.
fn block(title: &str, theme: Theme) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.dim())
}

/// Cuts text to `width` columns, ending with … when cut.
fn fit(text: &str, width: usize) -> String {
    let cols = |s: &str| Span::raw(s).width();
    if cols(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let w = cols(c.encode_utf8(&mut buf));
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}
