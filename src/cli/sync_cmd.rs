//! `fireground sync`: merge this database with a shared file or a git
//! repository, once or on an interval.

use std::path::Path;

use chrono::Utc;

use super::{outbox_cmd, show};
use crate::app::{AppError, Context};
use crate::deliver::{self, Which};
use crate::domain::when::{human_duration, parse_duration};
use crate::sync::{SyncError, SyncReport, Target, default_target, sync};

pub fn run(
    ctx: &mut Context,
    target: Option<&str>,
    watch: bool,
    every: &str,
    json: bool,
) -> Result<(), AppError> {
    let target = match target {
        Some(t) => Target::parse(t)?,
        None => default_target(&ctx.store, ctx.config().settings.sync.as_deref())?
            .ok_or(SyncError::NoTarget)?,
    };
    // A typo in a path makes a new, empty file that nobody else reads: say
    // so, loudly, the first time.
    let new_file = match &target {
        // Not `exists`, which follows a symlink: a dangling one is refused,
        // never created through.
        Target::File(path) => std::fs::symlink_metadata(path).is_err(),
        Target::Git(_) => false,
    };
    let announce_new = |target: &Target| {
        if new_file {
            eprintln!(
                "note: {target} did not exist and was created; the others must sync with exactly this path"
            );
        }
    };
    if !watch {
        let report = sync(&mut ctx.store, &target)?;
        announce_new(&target);
        show(&report, None, json);
        return Ok(());
    }
    announce_new(&target);
    let every = parse_duration(every).map_err(AppError::Input)?;
    let pause = every
        .to_std()
        .ok()
        .filter(|d| d.as_secs() >= 1)
        .ok_or_else(|| {
            AppError::Input("sync at most once a second: use --every 1s or more".into())
        })?;
    eprintln!(
        "syncing with {target} every {}; press Ctrl-C to stop",
        human_duration(every)
    );
    // Quiet while nothing changes: a line when events move, on warnings,
    // and when a failure starts, changes or ends.
    let mut failing: Option<String> = None;
    let mut page_failing: Option<String> = None;
    let mut first = true;
    // Events recorded here by other commands count as much as imported
    // ones: the page follows the log, whatever wrote it.
    let mut events = None;
    loop {
        let now = ctx.zone().hms(Utc::now());
        let mut changed = first;
        match sync(&mut ctx.store, &target) {
            Ok(report) => {
                let moved = report.pulled > 0
                    || report.pushed > 0
                    || !report.warnings.is_empty()
                    || !report.quarantined.is_empty();
                if first || moved || failing.is_some() {
                    show(&report, Some(&now), json);
                }
                failing = None;
            }
            // A target that can never work is not retried for ever.
            Err(e) if first && e.is_bad_input() => return Err(e.into()),
            Err(e) => {
                let message = e.to_string();
                if failing.as_ref() != Some(&message) {
                    eprintln!("{now} sync failed: {message}");
                }
                failing = Some(message);
            }
        }
        // Whoever watches also retries the updates whose channels failed.
        match deliver::deliver(ctx, Which::Due) {
            Ok(tried) => {
                outbox_cmd::tell(&tried);
                changed |= !tried.is_empty();
            }
            Err(e) => eprintln!("{now} warning: the outbox could not be read: {e}"),
        }
        let counted = ctx.store.event_count().ok();
        changed |= counted != events;
        events = counted;
        if (changed || page_failing.is_some())
            && let Some(page) = ctx.config().status_page.clone()
        {
            keep_status_page(ctx, &page, &mut page_failing);
        }
        first = false;
        std::thread::sleep(pause);
    }
}

/// Rewrites the status page; a page that cannot be written is a warning
/// (once, until the reason changes), not the end of the watch, and it is
/// tried again each round until it works.
fn keep_status_page(ctx: &Context, page: &Path, failing: &mut Option<String>) {
    match show::write_status_page(ctx, page) {
        Ok(()) => *failing = None,
        Err(e) => {
            // The error names the file.
            let message = format!("the status page was not written: {e}");
            if failing.as_ref() != Some(&message) {
                eprintln!("warning: {message}");
            }
            *failing = Some(message);
        }
    }
}

fn show(report: &SyncReport, time: Option<&str>, json: bool) {
    if json {
        println!("{}", report_json(report));
        return;
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(held) = &report.held {
        eprintln!("warning: {held}");
    }
    for q in &report.quarantined {
        eprintln!("warning: {q}");
    }
    match time {
        Some(t) => println!("{t} {report}"),
        None => println!("{report}"),
    }
}

/// What moved, for scripts: one line of JSON. Warnings are the sentences
/// the text shows, already cleaned of anything a terminal would act on.
fn report_json(report: &SyncReport) -> String {
    let doc = serde_json::json!({
        "at": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "pulled": report.pulled,
        "pushed": report.pushed,
        "retried": report.retried,
        "sources": report.sources.iter().map(|s| serde_json::json!({
            "replica": s.replica.to_string(),
            "events": s.events,
            "authors": s.authors,
        })).collect::<Vec<_>>(),
        "warnings": report.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "held_back": report.held.as_ref().map(|h| serde_json::json!({
            "events": h.count,
            "latest": h.latest,
        })),
        "quarantined": report.quarantined.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "kept_apart": report.kept_apart,
    });
    doc.to_string()
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(e) => AppError::Store(e),
            e if e.is_bad_input() => AppError::Input(e.to_string()),
            e => AppError::Io(e.to_string()),
        }
    }
}
