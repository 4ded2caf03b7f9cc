//! Commands that read: list, status.

use std::collections::BTreeMap;

use chrono::Utc;
use serde::Serialize;

use crate::app::{AppError, Context};
use crate::domain::breaks::{break_limit, reminders};
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::incident::{Impact, Incident, Summary};
use crate::domain::roster::{RoleRow, role_rows};
use crate::domain::shift::{Shift, shift_length};
use crate::domain::text::truncate;
use crate::domain::when::{clock_duration, human_duration};
use crate::zone::Zone;

#[derive(Serialize)]
struct ListRow<'a> {
    id: String,
    r#ref: String,
    title: &'a str,
    severity: &'a str,
    stage: &'a str,
    commander: Option<&'a str>,
    declared_at: chrono::DateTime<Utc>,
    resolved_at: Option<chrono::DateTime<Utc>>,
    last_activity: chrono::DateTime<Utc>,
}

pub fn list(ctx: &Context, all: bool, json: bool) -> Result<(), AppError> {
    let incidents: Vec<Summary> = ctx
        .store
        .incidents()?
        .into_iter()
        .filter(|i| all || !i.is_resolved())
        .collect();
    if json {
        let rows: Vec<ListRow> = incidents
            .iter()
            .map(|i| ListRow {
                id: i.id.to_string(),
                r#ref: i.id.short(),
                title: &i.title,
                severity: &i.severity,
                stage: &i.stage,
                commander: i.commander.as_deref(),
                declared_at: i.declared_at,
                resolved_at: i.resolved_at,
                last_activity: i.last_activity,
            })
            .collect();
        println!("{}", crate::report::json::pretty(&rows));
        return Ok(());
    }
    if incidents.is_empty() {
        println!(
            "No {}incidents. Declare one with `fireground declare TITLE`, or try `fireground demo`.",
            if all { "" } else { "open " }
        );
        return Ok(());
    }
    let now = Utc::now();
    let z = ctx.zone();
    println!("Times in {}", z.label(now));
    println!(
        "{:<7} {:<4} {:<12} {:<16} {:<12} {:<16} TITLE",
        "REF", "SEV", "STAGE", "STATE", "IC", "DECLARED"
    );
    for i in &incidents {
        let state = match i.resolved_at {
            Some(t) => format!("resolved {}", z.hm(t)),
            None => format!("open {}", human_duration(now - i.declared_at)),
        };
        println!(
            "{:<7} {:<4} {:<12} {:<16} {:<12} {:<16} {}",
            i.id.short(),
            i.severity,
            i.stage,
            state,
            truncate(i.commander.as_deref().unwrap_or("—"), 12),
            z.date_hm(i.declared_at),
            i.title
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct NextUpdate {
    due_at: chrono::DateTime<Utc>,
    every_minutes: u32,
    seconds_remaining: i64,
    overdue: bool,
}

#[derive(Serialize)]
struct StatusDoc<'a> {
    id: String,
    r#ref: String,
    title: &'a str,
    summary: &'a str,
    severity: &'a str,
    stage: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<ImpactDoc<'a>>,
    declared_at: chrono::DateTime<Utc>,
    resolved_at: Option<chrono::DateTime<Utc>>,
    elapsed_seconds: i64,
    roles: Vec<RoleRow>,
    latest_can_reports: Vec<&'a crate::domain::incident::CanReport>,
    next_update: Option<NextUpdate>,
    last_update: Option<&'a crate::domain::incident::Update>,
    links: &'a [crate::domain::incident::Link],
    action_items: &'a [crate::domain::incident::ActionItem],
    /// Destructive steps announced, with objections and outcomes.
    steps: &'a [crate::domain::incident::Step],
    /// Events from other replicas dated too far ahead to let in yet.
    held_back: Option<HeldBack>,
    wellbeing: WellbeingDoc,
}

/// Time on shift, as `status --json` gives it.
#[derive(Serialize)]
struct WellbeingDoc {
    /// The continuous shift a break is due after, by the time of day now.
    break_after_minutes: i64,
    /// Everyone on shift today, across the day's incidents, by name.
    shifts: Vec<Shift>,
    /// The reminders the checklist shows.
    reminders: Vec<String>,
}

/// The impact as set, with its category's name for people.
#[derive(Serialize)]
struct ImpactDoc<'a> {
    #[serde(flatten)]
    impact: &'a Impact,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_name: Option<String>,
}

#[derive(Serialize)]
struct HeldBack {
    events: u64,
    latest: chrono::DateTime<Utc>,
}

pub fn status(ctx: &Context, json: bool) -> Result<(), AppError> {
    let inc = ctx.incident_to_show_without_notes()?;
    let pb = ctx.playbook_or_default(&inc);
    let now = Utc::now();
    let cadence = next_update(&inc, pb, now);
    let end = inc.resolved_at.unwrap_or(now);
    let roles = role_rows(&inc, pb);
    let held = ctx.store.held()?;
    let offset = *ctx.zone().at(now).offset();
    let shifts = ctx.working_day(now, offset)?.shifts(&inc, now, offset);
    let limit = break_limit(pb, now, offset);
    let reminders = reminders(&shifts, &inc, pb, now, offset);
    if json {
        let doc = StatusDoc {
            id: inc.id.to_string(),
            r#ref: inc.id.short(),
            title: &inc.title,
            summary: &inc.summary,
            severity: &inc.severity,
            stage: &inc.stage,
            impact: inc.impact.as_ref().map(|impact| ImpactDoc {
                impact,
                category_name: impact.category.as_deref().map(|c| pb.category_name(c)),
            }),
            declared_at: inc.declared_at,
            resolved_at: inc.resolved_at,
            elapsed_seconds: (end - inc.declared_at).num_seconds(),
            roles,
            latest_can_reports: inc.latest_can_reports(),
            next_update: match cadence {
                Cadence::None => None,
                Cadence::Due {
                    due_at,
                    every,
                    remaining,
                } => Some(NextUpdate {
                    due_at,
                    every_minutes: every,
                    seconds_remaining: remaining.num_seconds(),
                    overdue: remaining.num_seconds() < 0,
                }),
            },
            last_update: inc.updates.last(),
            links: &inc.links,
            action_items: &inc.action_items,
            steps: &inc.steps,
            held_back: held.as_ref().map(|h| HeldBack {
                events: h.count,
                latest: h.latest,
            }),
            wellbeing: WellbeingDoc {
                break_after_minutes: limit.num_minutes(),
                shifts: shifts.into_values().collect(),
                reminders,
            },
        };
        println!("{}", crate::report::json::pretty(&doc));
        return Ok(());
    }
    if let Some(held) = &held {
        eprintln!("warning: {held}");
    }
    let z = ctx.zone();
    let sev_name = pb.severity(&inc.severity).map_or("", |s| s.name.as_str());
    let stage_name = pb
        .stage(&inc.stage)
        .map_or(inc.stage.as_str(), |s| s.name.as_str());
    println!(
        "{}  {} {} — {}",
        inc.id.short(),
        inc.severity,
        sev_name,
        inc.title
    );
    if !inc.summary.is_empty() {
        println!("{}", inc.summary);
    }
    let state = match inc.resolved_at {
        Some(t) => format!(
            "resolved {} after {}",
            z.hm(t),
            human_duration(end - inc.declared_at)
        ),
        None => format!("open for {}", human_duration(end - inc.declared_at)),
    };
    println!("Stage:    {stage_name}");
    if let Some(i) = &inc.impact {
        println!("Impact:   {}", i.line(|c| pb.category_name(c)));
    }
    println!(
        "Declared: {} {} by {}; {state}",
        z.date_hm(inc.declared_at),
        z.label(inc.declared_at),
        inc.declared_by
    );
    println!("Updates:  {}", cadence_line(&inc, &cadence, ctx.zone()));
    for step in inc.waiting_steps(now) {
        let how = format!(" (fireground object {})", step.id.short());
        println!("Step:     {}", step.says(now, &how));
    }
    println!("\nRoles");
    let width = roles
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0);
    for r in &roles {
        match (&r.holder, r.since) {
            (Some(p), Some(since)) => println!(
                "  {:<width$}  {:<16} for {}{}",
                r.name,
                p,
                human_duration(now - since),
                shifts
                    .get(p)
                    .map(|s| shift_note(s, limit))
                    .unwrap_or_default()
            ),
            _ => println!(
                "  {:<width$}  {}",
                r.name,
                if r.required { "— UNFILLED" } else { "—" }
            ),
        }
    }
    let cans = inc.latest_can_reports();
    if !cans.is_empty() {
        println!("\nLatest CAN reports");
        for c in cans {
            let who = match &c.role {
                Some(r) => format!("{} ({})", c.reporter, pb.role_name(r)),
                None => c.reporter.clone(),
            };
            println!("  {} {who}, {} ago", z.hm(c.at), human_duration(now - c.at));
            println!("    Conditions: {}", c.conditions);
            println!("    Actions:    {}", c.actions);
            println!("    Needs:      {}", c.needs);
        }
    }
    if !inc.links.is_empty() {
        println!("\nLinks");
        for l in &inc.links {
            println!("  {:<12} {}", l.label, l.url);
        }
    }
    if !inc.action_items.is_empty() {
        println!("\nAction items");
        for a in &inc.action_items {
            let mark = if a.done_at.is_some() { "x" } else { " " };
            let owner = a.owner.as_deref().unwrap_or("no owner");
            let due = a.due.map(|d| format!(", due {d}")).unwrap_or_default();
            println!("  [{mark}] #{} {} ({owner}{due})", a.id.short(), a.text);
        }
    }
    if let Some(stage) = pb.stage(&inc.stage) {
        println!("\nChecklist: {}", stage.name);
        for (n, item) in stage.checklist.iter().enumerate() {
            let done = inc
                .ticks
                .iter()
                .any(|t| t.stage == stage.id && &t.item == item);
            println!("  [{}] {}. {item}", if done { "x" } else { " " }, n + 1);
        }
    }
    for r in &reminders {
        println!("  (!) {r}");
    }
    print_shifts(&shifts, limit, now, z);
    Ok(())
}

/// `, on shift 2h10 (break due)`: a role holder's time on shift.
fn shift_note(s: &Shift, limit: chrono::Duration) -> String {
    if !s.on_now {
        return String::new();
    }
    let due = if s.past(limit) { " (break due)" } else { "" };
    format!(", on shift {}{due}", shift_length(s.continuous))
}

/// Everyone on shift today, by name: no ranking.
fn print_shifts(
    shifts: &BTreeMap<String, Shift>,
    limit: chrono::Duration,
    now: chrono::DateTime<Utc>,
    z: Zone,
) {
    if shifts.is_empty() {
        return;
    }
    println!(
        "\nOn shift today (a break is due after {} without one)",
        shift_length(limit)
    );
    let width = shifts.keys().map(|p| p.chars().count()).max().unwrap_or(0);
    for (person, s) in shifts {
        let now_or_then = if s.on_now {
            format!(
                "on shift {} since {}",
                shift_length(s.continuous),
                z.hm(s.since)
            )
        } else {
            format!(
                "off shift for {}",
                human_duration(now - (s.since + s.continuous))
            )
        };
        let due = if s.past(limit) { "; break due" } else { "" };
        println!(
            "  {person:<width$}  {now_or_then}; today {}{due}",
            shift_length(s.today)
        );
    }
}

/// Writes the status page to `path`, replacing it whole (a temporary file
/// beside it, synced, then renamed), so a browser reloading it never reads
/// half a page.
pub fn status_page(ctx: &Context, path: &std::path::Path) -> Result<(), AppError> {
    write_status_page(ctx, path)?;
    eprintln!("Wrote the status page to {}", path.display());
    Ok(())
}

/// Writes the status page of the incident `status` would show to `path`,
/// replacing it whole, without a word: what `status --html` and
/// `sync --watch` share.
pub fn write_status_page(ctx: &Context, path: &std::path::Path) -> Result<(), AppError> {
    let inc = ctx.incident_to_show_without_notes()?;
    let pb = ctx.playbook_or_default(&inc);
    let page = crate::report::status_page::render(&inc, pb, Utc::now(), ctx.zone());
    super::print_cmd::write_file(path, &mut |out| out.write_all(page.as_bytes()))
}

/// "due in 12:31 (P1: every 30 min); last sent 14:40 by sam".
fn cadence_line(inc: &Incident, cadence: &Cadence, z: Zone) -> String {
    let last = inc
        .updates
        .last()
        .map(|u| format!("; last sent {} by {}", z.hm(u.at), u.author))
        .unwrap_or_else(|| "; none sent yet".to_string());
    match cadence {
        Cadence::None if inc.is_resolved() => format!("no timer (resolved){last}"),
        Cadence::None => format!("no fixed cadence at {}{last}", inc.severity),
        Cadence::Due {
            due_at,
            every,
            remaining,
        } => {
            let due = format!("{} {}", z.hm(*due_at), z.label(*due_at));
            let when = if remaining.num_seconds() < 0 {
                format!(
                    "OVERDUE: was due {due}, {} late",
                    clock_duration(*remaining)
                )
            } else {
                format!("next due in {} at {due}", clock_duration(*remaining))
            };
            format!("{when} ({}: every {every} min){last}", inc.severity)
        }
    }
}
