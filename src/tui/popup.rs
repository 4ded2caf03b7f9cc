//! The frame shared by pickers, forms and the help: a bordered box in the
//! middle of the screen, with a line of key hints at its foot; a title or
//! hint too long for it is cut with ….

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use crate::domain::text::truncate as fit;

/// Clears and frames a centred box; returns the area inside the border
/// above the hint line.
pub fn open(
    frame: &mut Frame,
    title: &str,
    (width, height): (u16, u16),
    hint: &str,
    theme: Theme,
) -> Rect {
    let popup = frame
        .area()
        .centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", fit(title, (popup.width as usize).saturating_sub(4))),
            theme.title(),
        ))
        .border_style(theme.key());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let hint_row = Rect {
        y: inner.bottom().saturating_sub(1),
        height: 1,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(hint, hint_row.width as usize),
            theme.dim(),
        )),
        hint_row,
    );
    Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    }
}
