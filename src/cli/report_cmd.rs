//! `fireground report`: response metrics across every incident in the
//! database (every one synced here too), declared within `--since`.

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use crate::app::{AppError, Context};
use crate::domain::incident::{EntryKind, Incident};
use crate::domain::metrics::{self, Report, Since, Subject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables for a terminal
    Text,
    /// GitHub tables to paste into a wiki or an issue
    Markdown,
    /// Every figure, durations in seconds (null when absent), for tools
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only incidents declared within this long before now: 7d, 24h, 90d, or all
    #[arg(long, value_name = "DURATION", default_value = "90d")]
    pub since: String,
    /// What to print
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<(), AppError> {
    let since = Since::parse(&args.since).map_err(AppError::Input)?;
    let now = ctx.store.now();
    let mut rows = Vec::new();
    // One incident at a time, without its notes: a report of a year of
    // long incidents holds one incident's state and the rows.
    for summary in ctx.store.incidents()? {
        if !since.includes(summary.declared_at, now) {
            continue;
        }
        let Some(incident) = ctx.store.incident_without_notes(summary.id, None)? else {
            continue;
        };
        let recorded = declaration_recorded(ctx, &incident)?;
        rows.push(metrics::row(Subject {
            incident: &incident,
            playbook: ctx.playbook_or_default(&incident),
            declaration_recorded: recorded,
        }));
    }
    let report = Report::from_rows(rows, since, now);
    let zone = ctx.zone();
    match args.format {
        ReportFormat::Json => println!("{}", crate::report::json::pretty(&report)),
        ReportFormat::Text => print!("{}", crate::report::metrics::text(&report, zone)),
        ReportFormat::Markdown => print!("{}", crate::report::metrics::markdown(&report, zone)),
    }
    Ok(())
}

/// When the declaration was recorded: its event's clock, which the state
/// does not keep (the declaration's entry gives the event).
fn declaration_recorded(
    ctx: &Context,
    incident: &Incident,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(entry) = incident
        .timeline
        .iter()
        .find(|e| e.kind == EntryKind::Declared)
    else {
        return Ok(None);
    };
    Ok(ctx
        .store
        .event(entry.id)?
        .and_then(|e| DateTime::from_timestamp_millis(e.hlc.ms)))
}
