//! `fireground print`: the timeline as text, the postmortem draft as
//! markdown or html, or the whole incident as JSON, to stdout or a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};
use clap::{Args, ValueEnum};

use super::{CliError, Context};
use crate::domain::incident::Incident;
use crate::domain::when::parse_time;
use crate::report::filter::Filter;
use crate::report::{PrintOptions, Printout, html, json, markdown, text};
use crate::store::StoreError;
use crate::zone::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintFormat {
    /// The timeline for a terminal or printer (80 columns)
    Text,
    /// A postmortem draft to paste into a wiki
    Markdown,
    /// The postmortem draft as one printable page
    Html,
    /// The whole incident, derived state and events, for tools
    Json,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Show times in UTC rather than local time
    #[arg(long)]
    pub utc: bool,
    /// Only entries at or after TIME: RFC 3339, HH:MM (today) or relative like -2h
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only entries at or before TIME
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Only entries of these kinds (repeat or separate with commas), e.g. decision,finding
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',', num_args = 1..)]
    pub kinds: Vec<String>,
    /// Only pinned entries: the short story of the incident
    #[arg(long)]
    pub pinned: bool,
    /// Show each entry's ref, for amend, redact and pin
    #[arg(long)]
    pub refs: bool,
}

pub fn run(ctx: &Context, args: &PrintArgs) -> Result<(), CliError> {
    let zone = if args.utc { Zone::Utc } else { Zone::Local };
    let filter = Filter::new(
        when(args.since.as_deref(), zone)?,
        when(args.until.as_deref(), zone)?,
        &args.kinds,
        args.pinned,
    )
    .map_err(CliError::Input)?;
    let inc = incident(ctx)?;
    let playbook = ctx.playbook_or_default(&inc);
    let options = PrintOptions {
        zone,
        refs: args.refs,
        filter,
    };
    let printout = Printout::new(&inc, playbook, &options);
    let body = match args.format {
        PrintFormat::Text => text::render(&printout),
        PrintFormat::Markdown => markdown::render(&printout),
        PrintFormat::Html => html::render(&printout),
        PrintFormat::Json => {
            let mut s = json::render(&printout, &ctx.store.events(inc.id)?);
            s.push('\n');
            s
        }
    };
    match &args.out {
        Some(path) => {
            write_file(path, &body)?;
            eprintln!("Wrote {}", path.display());
            Ok(())
        }
        None => write_stdout(&body),
    }
}

/// The incident --incident names, else the open one; once everything is
/// resolved, the most recently active, since a review comes after the fact.
fn incident(ctx: &Context) -> Result<Incident, CliError> {
    match ctx.incident_to_show() {
        Err(CliError::Store(StoreError::NoOpenIncident)) => {
            ctx.store.incidents()?.into_iter().next().ok_or_else(|| {
                CliError::Input(
                    "there is no incident to print; declare one with `fireground declare TITLE`"
                        .into(),
                )
            })
        }
        other => other,
    }
}

/// A time the user typed; `HH:MM` is read in the zone being printed.
fn when(input: Option<&str>, zone: Zone) -> Result<Option<DateTime<Utc>>, CliError> {
    input
        .map(|s| match zone {
            Zone::Utc => parse_time(s, &Utc::now()),
            Zone::Local => parse_time(s, &Local::now()),
        })
        .transpose()
        .map_err(CliError::Input)
}

/// A reader piping into `head` closes early; that is not an error.
fn write_stdout(body: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Io(format!(
            "could not write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// Writes beside the target and renames, so a reader never sees half a
/// draft and a failed write leaves the old file alone.
fn write_file(path: &Path, body: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::Io(format!(
            "could not write {}: {e}; check the directory exists and is writable",
            path.display()
        ))
    };
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, body).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}
