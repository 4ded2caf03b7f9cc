//! The `fireground` binary: parse the command line, run, and turn errors
//! into one sentence and an exit code. With no subcommand it opens the
//! console.

use clap::Parser;
use fireground::app::{AppError, Context};
use fireground::cli::{self, Cli};
use fireground::config::Config;
use fireground::domain::text::sanitize;

fn console(cli: &Cli) -> Result<(), AppError> {
    let config = Config::load();
    let options = cli.options(config.as_ref().unwrap_or(&Config::empty()));
    fireground::tui::run(Context::open_for_reading(&options)?, config)
}

/// Rust ignores SIGPIPE, which turns `fireground status | head` into a
/// panic on the first write after `head` exits; a command-line tool should
/// just stop, as `cat` does.
fn stop_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal before any
    // thread is started has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() {
    stop_quietly_on_closed_pipe();
    let mut cli = Cli::parse();
    let result = match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => console(&cli),
    };
    let code = match result {
        Ok(()) => 0,
        // The command `run` ran said how it ended; its code is passed on.
        Err(AppError::Passed(code)) => code,
        Err(e) => {
            // Errors quote what the user, a file or a teammate's replica
            // gave; none of it may drive the terminal.
            eprintln!("fireground: {}", sanitize(&e.to_string()));
            e.exit_code()
        }
    };
    std::process::exit(code);
}
