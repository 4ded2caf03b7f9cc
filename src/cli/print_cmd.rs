//! `fireground print`: the timeline as text, the postmortem draft as
//! markdown or html, or the whole incident as JSON, to stdout or a file.

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Local, Utc};
use clap::{Args, ValueEnum};

use crate::app::{AppError, Context};
use crate::domain::event::Event;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Entry;
use crate::domain::verification::statement;
use crate::domain::when::parse_time;
use crate::report::filter::Filter;
use crate::report::json::Log;
use crate::report::{PrintOptions, Printout, Timeline, html, json, markdown, text};
use crate::store::{StoreError, Streamed};
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
    /// What to print; for scripts, `-f json` (where other commands take --json)
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

pub fn run(ctx: &Context, args: &PrintArgs) -> Result<(), AppError> {
    print(ctx, args, |render| match &args.out {
        Some(path) => write_file(path, render).map(|()| {
            eprintln!("Wrote {}", path.display());
        }),
        None => write_stdout(render),
    })
}

/// `fireground print` with these arguments into `out` (`--out` aside):
/// for benchmarks and tools.
pub fn print_into(ctx: &Context, args: &PrintArgs, out: &mut dyn Write) -> Result<(), AppError> {
    print(ctx, args, |render| {
        render(out).map_err(|e| AppError::Io(format!("could not write the printout: {e}")))
    })
}

/// Checks the arguments and finds the incident, then hands `write` what
/// renders the printout into a writer, reading the timeline and the log as
/// it goes.
fn print(
    ctx: &Context,
    args: &PrintArgs,
    write: impl FnOnce(&mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let zone = if args.utc { Zone::Utc } else { ctx.zone() };
    let filter = Filter::new(
        when(args.since.as_deref(), zone)?,
        when(args.until.as_deref(), zone)?,
        &args.kinds,
        args.pinned,
    )
    .map_err(AppError::Input)?;
    let options = PrintOptions {
        zone,
        refs: args.refs,
        filter,
    };
    let printed = ctx.store.streamed(incident_id(ctx)?, |read| {
        let mut printout = Printout::new(
            &read.incident,
            ctx.playbook_or_default(&read.incident),
            &options,
        );
        // The state read holds no notes: who carried the incident is
        // counted from every entry's author, as for an incident held whole.
        let authored = read.entry_authors()?;
        printout.review.carried_by(&read.incident, &authored);
        // The review states whether the log it tells of verified.
        if matches!(args.format, PrintFormat::Markdown | PrintFormat::Html) {
            let found = ctx.store.verify(Some(read.incident.id))?;
            let kept: u64 = found.kept_apart.iter().map(|k| k.events).sum();
            printout.log = Some(statement(&found.writers, kept));
        }
        let hidden = match args.format {
            PrintFormat::Json => read.redacted_ids()?,
            _ => HashSet::new(),
        };
        let reading = Reading {
            read,
            failed: RefCell::new(None),
        };
        let mut render = |out: &mut dyn Write| match args.format {
            PrintFormat::Text => text::write(&printout, &mut &reading, out),
            PrintFormat::Markdown => markdown::write(&printout, &mut &reading, out),
            PrintFormat::Html => html::write(&printout, &mut &reading, out),
            PrintFormat::Json => json::write(&printout, &mut &reading, &mut &reading, &hidden, out),
        };
        let written = write(&mut render);
        // A row that could not be read is the reason, not the writing it
        // stopped.
        match reading.failed.into_inner() {
            Some(e) => Err(e.into()),
            None => written,
        }
    })?;
    printed.unwrap_or_else(|| Err(undeclared(ctx)))
}

/// The incident --incident names, else the open one; once everything is
/// resolved, the most recently active, since a review comes after the fact.
fn incident_id(ctx: &Context) -> Result<IncidentId, AppError> {
    match ctx.incident_id_to_show() {
        Err(AppError::Store(StoreError::NoOpenIncident)) => {
            let latest = ctx.store.incidents()?.into_iter().next();
            latest.map(|s| s.id).ok_or_else(nothing_to_print)
        }
        other => other,
    }
}

/// Why an incident found has no state to print.
fn undeclared(ctx: &Context) -> AppError {
    match ctx.undeclared() {
        AppError::Store(StoreError::NoOpenIncident) => nothing_to_print(),
        other => other,
    }
}

fn nothing_to_print() -> AppError {
    AppError::Input(
        "there is no incident to print; declare one with `fireground declare TITLE`".into(),
    )
}

/// The incident's timeline and log as they are read for a printout. A row
/// that cannot be read stops the printout and is kept here to say why.
struct Reading<'a, 's> {
    read: &'a Streamed<'s>,
    failed: RefCell<Option<StoreError>>,
}

/// Why a read stopped.
enum Stop {
    Read(StoreError),
    Write(io::Error),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Read(e)
    }
}

impl Reading<'_, '_> {
    /// An io error for the renderer, keeping a failed read for the caller.
    fn stopped(&self, read: Result<(), Stop>) -> io::Result<()> {
        match read {
            Ok(()) => Ok(()),
            Err(Stop::Write(e)) => Err(e),
            Err(Stop::Read(e)) => {
                let said = e.to_string();
                *self.failed.borrow_mut() = Some(e);
                Err(io::Error::other(said))
            }
        }
    }
}

impl Timeline for &Reading<'_, '_> {
    fn each(&mut self, f: &mut dyn FnMut(&Entry) -> io::Result<()>) -> io::Result<()> {
        self.stopped(self.read.each_entry(|e| f(e).map_err(Stop::Write)))
    }
}

impl Log for &Reading<'_, '_> {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&Event, Option<&Entry>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.stopped(
            self.read
                .each_event(|e, entry| f(e, entry).map_err(Stop::Write)),
        )
    }
}

/// A time the user typed; `HH:MM` is read in the zone being printed.
fn when(input: Option<&str>, zone: Zone) -> Result<Option<DateTime<Utc>>, AppError> {
    input
        .map(|s| match zone {
            Zone::Utc => parse_time(s, &Utc::now()),
            Zone::Local => parse_time(s, &Local::now()),
        })
        .transpose()
        .map_err(AppError::Input)
}

/// A reader piping into `head` closes early; that is not an error, and
/// the rest is not read.
fn write_stdout(render: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match render(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(AppError::Io(format!(
            "could not write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

pub(super) use crate::output_file::write_file;
