//! The `fireground` binary: parse the command line, run, and turn errors
//! into one sentence and an exit code.

use clap::Parser;
use fireground::cli::{self, Cli};

fn main() {
    let mut cli = Cli::parse();
    let code = match cli.command.take() {
        Some(command) => match cli::run(cli, command) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("fireground: {e}");
                e.exit_code()
            }
        },
        None => {
            eprintln!(
                "fireground: the console is not built yet; try `fireground demo` then `fireground status`"
            );
            2
        }
    };
    std::process::exit(code);
}
