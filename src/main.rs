//! The `fireground` binary: parse the command line, run, and turn errors
//! into one sentence and an exit code. With no subcommand it opens the
//! console.

use clap::Parser;
use fireground::cli::{self, Cli, CliError, Context};

fn console(cli: &Cli) -> Result<(), CliError> {
    fireground::tui::run(Context::open(cli)?)
}

fn main() {
    let mut cli = Cli::parse();
    let result = match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => console(&cli),
    };
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("fireground: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
