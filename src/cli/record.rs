//! Commands that record an event.

use chrono::{Duration, Local};

use super::{ActionCommand, CliError, Command, Context, When};
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::draft::update_draft;
use crate::domain::effect::superseded;
use crate::domain::event::EventKind;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
use crate::domain::input::{
    declaration, find_entry, next_update_by_cadence, optional, parse_due, pick_checklist_item,
    required,
};
use crate::domain::when::parse_time_or_duration;
use crate::zone::Zone;

/// The furthest ahead a next update may be promised.
const MAX_NEXT_DAYS: i64 = 7;

pub fn declare(
    ctx: &mut Context,
    title: &str,
    severity: Option<&str>,
    summary: &str,
    commander: Option<String>,
    playbook: &str,
    when: &When,
) -> Result<(), CliError> {
    let pb = ctx.catalog.get(playbook)?;
    let commander = match commander {
        Some(c) => c,
        None => ctx.author()?,
    };
    let kind = declaration(pb, title, severity, summary, &commander)?;
    let EventKind::Declared {
        title,
        severity,
        commander,
        ..
    } = kind.clone()
    else {
        unreachable!("declaration builds a declaration")
    };
    let id = IncidentId::generate();
    ctx.record(id, when, kind)?;
    println!("{}", id.short());
    eprintln!(
        "Declared {severity} incident {}: {title} (incident commander: {commander})",
        id.short()
    );
    Ok(())
}

/// Commands that act on an existing incident.
pub fn run(ctx: &mut Context, command: Command) -> Result<(), CliError> {
    // Reopening acts on a resolved incident: the latest one unless named.
    let inc = match command {
        Command::Reopen { .. } => ctx.incident_to_show()?,
        _ => ctx.incident()?,
    };
    let (kind, when, said) = match command {
        Command::Log {
            text,
            kind: note,
            when,
        } => {
            let text = required("the note", &text)?;
            (
                EventKind::Note { note, text },
                when,
                format!("Logged {}", note.name()),
            )
        }
        Command::Assign { role, person, when } => {
            let role = ctx.playbook(&inc)?.find_role(&role)?;
            let person = required("the person", &person)?;
            // A backfill may restate what held then; "now" may not repeat
            // what holds now, or the timeline fills with non-events.
            if when.at.is_none() && inc.roles.get(&role).is_some_and(|h| h.person == person) {
                return Err(CliError::Input(format!("{person} already holds {role}")));
            }
            let said = format!("{person} holds {role}");
            (EventKind::RoleAssigned { role, person }, when, said)
        }
        Command::Unassign { role, when } => {
            let role = ctx.playbook(&inc)?.find_role(&role)?;
            if !inc.roles.contains_key(&role) {
                return Err(CliError::Input(format!(
                    "nobody holds {role}; `fireground status` shows the roles"
                )));
            }
            let said = format!("Released {role}");
            (EventKind::RoleReleased { role }, when, said)
        }
        Command::Severity { level, when } => {
            let severity = ctx.playbook(&inc)?.find_severity(&level)?.id.clone();
            if when.at.is_none() && severity == inc.severity {
                return Err(CliError::Input(format!(
                    "the severity is already {severity}"
                )));
            }
            let said = format!("Severity is now {severity}");
            (EventKind::SeverityChanged { severity }, when, said)
        }
        Command::Stage { stage, when } => {
            let stage = ctx.playbook(&inc)?.find_stage(&stage)?.id.clone();
            if when.at.is_none() && stage == inc.stage {
                return Err(CliError::Input(format!(
                    "the incident is already in {stage}"
                )));
            }
            let said = format!("Stage is now {stage}");
            (EventKind::StageChanged { stage }, when, said)
        }
        Command::Can {
            conditions,
            actions,
            needs,
            role,
            when,
        } => {
            let role = match role {
                Some(r) => Some(ctx.playbook(&inc)?.find_role(&r)?),
                None => inc.role_held_by(&ctx.author()?).map(str::to_string),
            };
            let kind = EventKind::CanReport {
                conditions: required("--conditions", &conditions)?,
                actions: required("--actions", &actions)?,
                needs: required("--needs", &needs)?,
                role,
            };
            (kind, when, "Filed CAN report".to_string())
        }
        Command::Update {
            status,
            impact,
            action,
            next,
            when,
            json,
        } => {
            let playbook = ctx.playbook(&inc)?;
            let now = chrono::Utc::now();
            let draft = update_draft(&inc, playbook, now);
            if status.is_none() && impact.is_none() && action.is_none() && next.is_none() {
                let next = next_update_by_cadence(playbook, &inc.severity, now);
                if json.json {
                    let doc = serde_json::json!({
                        "status": draft.status,
                        "impact": draft.impact,
                        "action": draft.action,
                        "next_update": next,
                    });
                    println!("{}", crate::report::json::pretty(&doc));
                } else {
                    print_draft(&inc, &draft, &next_update(&inc, playbook, now), now);
                }
                return Ok(());
            }
            let recorded_at = ctx.at(&when)?.unwrap_or(now);
            let next_update = match next {
                Some(n) => Some(
                    parse_time_or_duration(&n, &recorded_at.with_timezone(&Local))
                        .map_err(CliError::Input)?,
                ),
                None => next_update_by_cadence(playbook, &inc.severity, recorded_at),
            };
            if next_update.is_some_and(|t| t <= recorded_at) {
                return Err(CliError::Input(
                    "--next must be after the update itself; give a duration like 30m or a later time".into(),
                ));
            }
            if next_update.is_some_and(|t| t > recorded_at + Duration::days(MAX_NEXT_DAYS)) {
                return Err(CliError::Input(format!(
                    "--next is more than {MAX_NEXT_DAYS} days away; promise the next update within a week, like 30m or 4h"
                )));
            }
            let kind = EventKind::UpdateSent {
                status: required("--status", &status.unwrap_or(draft.status))?,
                impact: impact.unwrap_or(draft.impact).trim().to_string(),
                action: action.unwrap_or(draft.action).trim().to_string(),
                next_update,
            };
            let EventKind::UpdateSent {
                status,
                impact,
                action,
                ..
            } = &kind
            else {
                unreachable!("built just above")
            };
            let next = match next_update {
                Some(t) => format!(
                    "next one due at {} {}",
                    Zone::Local.hm(t),
                    Zone::Local.label(t)
                ),
                None => "no fixed cadence at this severity".to_string(),
            };
            let said = format!(
                "Update recorded: {status}\n  Impact: {impact}\n  Action: {action}\n  {next}"
            );
            (kind, when, said)
        }
        Command::Link { label, url, when } => {
            let kind = EventKind::LinkAdded {
                label: required("the label", &label)?,
                url: required("the URL", &url)?,
            };
            (kind, when, "Link added".to_string())
        }
        Command::Action(ActionCommand::Add {
            text,
            owner,
            due,
            when,
        }) => {
            let today = Local::now().date_naive();
            let due = due.as_deref().map(|d| parse_due(d, today)).transpose()?;
            let kind = EventKind::ActionItemAdded {
                text: required("the action item", &text)?,
                owner: owner.as_deref().and_then(optional),
                due,
            };
            (kind, when, "Action item added".to_string())
        }
        Command::Action(ActionCommand::Done { id, when }) => {
            let item = inc.find_action_item(&id).ok_or_else(|| {
                CliError::Input(format!(
                    "no action item '#{}' in this incident; `fireground status` lists them",
                    id.trim_start_matches('#')
                ))
            })?;
            let said = format!("Action item #{} done", item.id.short());
            (EventKind::ActionItemDone { item: item.id }, when, said)
        }
        Command::Tick { item, when } => {
            let playbook = ctx.playbook(&inc)?;
            let stage = playbook.find_stage(&inc.stage)?;
            let text = pick_checklist_item(&stage.checklist, &item).ok_or_else(|| {
                CliError::Input(format!(
                    "the {} checklist has no item '{item}'; give its number (1-{}) or the start of its text",
                    stage.name,
                    stage.checklist.len()
                ))
            })?;
            if inc
                .ticks
                .iter()
                .any(|t| t.stage == stage.id && t.item == text)
            {
                return Err(CliError::Input(format!("'{text}' is already ticked")));
            }
            let said = format!("Ticked: {text}");
            let kind = EventKind::ChecklistTicked {
                stage: stage.id.clone(),
                item: text,
            };
            (kind, when, said)
        }
        Command::Amend { event, text, when } => {
            let target = find_entry(&inc, &event)?;
            (
                EventKind::Amended {
                    target,
                    text: required("the new text", &text)?,
                },
                when,
                "Amended".to_string(),
            )
        }
        Command::Redact {
            event,
            reason,
            when,
        } => {
            let target = find_entry(&inc, &event)?;
            (
                EventKind::Redacted {
                    target,
                    reason: reason.trim().to_string(),
                },
                when,
                "Redacted".to_string(),
            )
        }
        Command::Pin { event, when } => {
            let target = find_entry(&inc, &event)?;
            (EventKind::Pinned { target }, when, "Pinned".to_string())
        }
        Command::Resolve { summary, when } => {
            if inc.is_resolved() {
                return Err(CliError::Input(format!(
                    "incident {} is already resolved",
                    inc.id.short()
                )));
            }
            (
                EventKind::Resolved {
                    summary: summary.trim().to_string(),
                },
                when,
                "Resolved".to_string(),
            )
        }
        Command::Reopen { reason, when } => {
            if !inc.is_resolved() {
                return Err(CliError::Input(format!(
                    "incident {} is not resolved",
                    inc.id.short()
                )));
            }
            (
                EventKind::Reopened {
                    reason: reason.trim().to_string(),
                },
                when,
                "Reopened".to_string(),
            )
        }
        other => unreachable!("{other:?} is dispatched elsewhere"),
    };
    if let Some(at) = ctx.at(&when)?
        && at < inc.declared_at - Duration::days(1)
    {
        return Err(CliError::Input(format!(
            "--at {} is more than a day before the incident was declared; give a time during the incident",
            when.at.as_deref().unwrap_or_default()
        )));
    }
    let backfilled = when.at.is_some();
    ctx.record(inc.id, &when, kind.clone())?;
    // Only a backfill can sort behind a change already recorded: a change
    // made now is timed after everything this replica has seen.
    let overruled = match ctx.store.incident(inc.id)? {
        Some(now) if backfilled => superseded(&now, &kind),
        _ => None,
    };
    match overruled {
        Some(why) => println!(
            "{} {}: recorded at the time given, but {why}",
            inc.id.short(),
            inc.title
        ),
        None => println!("{} {}: {said}", inc.id.short(), inc.title),
    }
    Ok(())
}

fn print_draft(
    inc: &Incident,
    draft: &crate::domain::draft::Draft,
    cadence: &Cadence,
    now: chrono::DateTime<chrono::Utc>,
) {
    println!(
        "Stakeholder update draft for {} {}",
        inc.id.short(),
        inc.title
    );
    println!();
    println!("Status: {}", draft.status);
    println!("Impact: {}", draft.impact);
    println!("Action: {}", draft.action);
    if let Cadence::Due { every, .. } = cadence {
        let next = now + Duration::minutes(i64::from(*every));
        println!(
            "Next update: {} {} (every {every} min at {})",
            Zone::Local.hm(next),
            Zone::Local.label(next),
            inc.severity
        );
    }
    println!();
    println!(
        "Record it once sent: fireground update --status \"…\" [--impact \"…\"] [--action \"…\"] [--next 30m]"
    );
}
