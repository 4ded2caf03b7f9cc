//! `fireground completions SHELL` and `fireground man`: written by clap's
//! generators from the command line's own definitions, so they list what
//! the parser takes. Neither opens the database: they are what one installs
//! before there is any.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::Cli;
use crate::app::AppError;
use crate::domain::text::single_line;

/// Prints the completion script for `shell`.
pub fn completions(shell: Shell) -> Result<(), AppError> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "fireground", &mut script);
    print_all(&script)
}

/// Prints the man page, or with `all` writes a page for every command
/// (`fireground.1`, `fireground-declare.1`…) into that directory.
pub fn man(all: Option<&Path>) -> Result<(), AppError> {
    match all {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
            .map_err(|e| {
                AppError::Io(format!(
                    "cannot write the man pages into {}: {e}",
                    single_line(&dir.display().to_string())
                ))
            }),
        None => {
            let mut page = Vec::new();
            // As generate_to does for --all: `fireground help` gets no page
            // of its own, so the page does not point to one.
            clap_mangen::Man::new(Cli::command().disable_help_subcommand(true))
                .render(&mut page)
                .map_err(|e| AppError::Io(format!("cannot render the man page: {e}")))?;
            print_all(&page)
        }
    }
}

/// Writes in one go and reports a failed write as an error: the generators
/// would panic on one if given stdout itself.
fn print_all(bytes: &[u8]) -> Result<(), AppError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| AppError::Io(format!("cannot write to standard output: {e}")))
}

/// Parses the shell's name. clap's own parser for it lists the choices on
/// lines of their own; this refuses in one line, as `--kind` does, while
/// still offering the names to help and to completion.
#[derive(Clone, Copy, Debug)]
pub struct ShellParser;

impl TypedValueParser for ShellParser {
    type Value = Shell;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Shell, clap::Error> {
        let given = value.to_string_lossy();
        Shell::from_str(&given, false).map_err(|_| {
            let names: Vec<String> = Shell::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value)
                .map(|v| v.get_name().to_string())
                .collect();
            let arg = arg.map_or_else(|| "<SHELL>".to_string(), ToString::to_string);
            clap::Error::raw(
                ErrorKind::InvalidValue,
                format!(
                    "invalid value '{given}' for '{arg}': valid shells are: {}\n",
                    names.join(", ")
                ),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Shell::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}
