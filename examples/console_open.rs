//! Opens the console on a database and draws its first frame, off screen,
//! then exits: the cost of opening it, to time against `status`.
//! `console_open DB` stops at the first frame; `console_open DB --whole`
//! goes on to load the whole timeline and draw again, as the console does
//! before it reads a key.

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use fireground::app::Context;
use fireground::cli::Cli;
use fireground::config::Config;
use fireground::tui::{App, view};

fn main() {
    let db = std::env::args().nth(1).expect("usage: console_open DB");
    let cli = Cli::parse_from(["fireground", "--db", &db, "--as", "ana"]);
    let whole = std::env::args().any(|a| a == "--whole");
    let mut app =
        App::new(Context::open_for_reading(&cli.options(&Config::empty())).expect("opens"))
            .expect("opens");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a terminal");
    terminal.draw(|f| view::draw(f, &app)).expect("draws");
    if whole {
        app.load_older();
        terminal.draw(|f| view::draw(f, &app)).expect("draws");
    }
}
