//! Drawing the whole console from the app state: a pure function of it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Mode};
use super::panes::{
    banner, break_prompt, cadence, can, checklist, detail, footer, header, help, roles, timeline,
    welcome,
};

/// The smallest terminal the console lays out in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Rows the CAN pane keeps at least: its borders, and the newest report's
/// header, Conditions, Actions and Needs.
const CAN_LEAST: u16 = 6;
/// Rows the roles pane keeps at least, when it is cut.
const ROLES_LEAST: u16 = 4;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return too_small(frame, area, app);
    }
    let [banner_row, top, body, bottom] = Layout::vertical([
        Constraint::Length(banner::height(app)),
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area);
    banner::draw(frame, banner_row, app);
    header::draw(frame, top, app);
    footer::draw(frame, bottom, app);
    if app.incident.is_none() {
        welcome::draw(frame, body, app);
    } else {
        panes(frame, body, app);
    }
    match &app.mode {
        Mode::Normal => {}
        Mode::Help => help::draw(frame, app),
        Mode::Picker(p) => p.draw(frame, app.theme),
        Mode::Form(f) => f.draw(frame, app.theme),
        Mode::Detail(d) => detail::draw(frame, app, d),
        Mode::BreakPrompt(h) => break_prompt::draw(frame, app, h),
    }
}

fn panes(frame: &mut Frame, body: Rect, app: &App) {
    let side = (body.width * 2 / 5).clamp(32, 60);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(side)]).areas(body);
    timeline::draw(frame, left, app);

    let cadence_h = cadence::height(app, right.width);
    let checklist_h = checklist::height(app, right.width);
    // CAN reports take what is left, and never less than the newest
    // report's Conditions, Actions and Needs: on a short terminal the
    // checklist goes first (x still ticks it), then roles are cut (saying
    // how many).
    let roles_h = roles::height(app).min(
        right
            .height
            .saturating_sub(cadence_h + CAN_LEAST)
            .max(ROLES_LEAST),
    );
    let show_checklist = right.height >= cadence_h + roles_h + checklist_h + CAN_LEAST;
    let constraints = if show_checklist {
        vec![
            Constraint::Length(cadence_h),
            Constraint::Length(roles_h),
            Constraint::Min(0),
            Constraint::Length(checklist_h),
        ]
    } else {
        vec![
            Constraint::Length(cadence_h),
            Constraint::Length(roles_h),
            Constraint::Min(0),
        ]
    };
    let areas = Layout::vertical(constraints).split(right);
    cadence::draw(frame, areas[0], app);
    roles::draw(frame, areas[1], app);
    can::draw(frame, areas[2], app);
    if show_checklist {
        checklist::draw(frame, areas[3], app);
    }
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let lines = vec![
        Line::from(Span::styled("Make the terminal bigger.", t.warn())),
        Line::from(format!(
            "fireground needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}.",
            area.width, area.height
        )),
        Line::from(Span::styled("q quits", t.dim())),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
