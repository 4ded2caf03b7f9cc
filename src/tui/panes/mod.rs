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
/// Cuts text to a width in columns, ending with … when cut.
use crate::domain::text::truncate as fit;

/// A pane's frame with its title.
fn block(title: &str, theme: Theme) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.dim())
}
