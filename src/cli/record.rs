//! Commands that record an event: the arguments become a [`Command`] for the
//! one door, and what it recorded is printed.

use chrono::{DateTime, Duration, Utc};

use super::{ActionCommand, CliCommand, When};
use crate::app::{AppError, Command, Context, Outcome, Secrets};
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::draft::{Draft, update_draft};
use crate::domain::event::EventKind;
use crate::domain::incident::Incident;
use crate::domain::input::next_update_by_cadence;
use crate::zone::Zone;

/// Records what a subcommand asks for; `update` with nothing to say prints
/// a draft instead, and with --print or --copy gives the update as plain
/// text without recording it.
pub fn run(ctx: &mut Context, command: CliCommand) -> Result<(), AppError> {
    if let CliCommand::Update { print, copy, .. } = &command
        && (*print || *copy)
    {
        return plain_update(ctx, command);
    }
    if let CliCommand::Update {
        status: None,
        impact: None,
        action: None,
        next: None,
        json,
        ..
    } = &command
    {
        return print_draft(ctx, json.json);
    }
    let secrets = secrets_of(&command);
    let (command, when) = into_command(command, ctx.default_playbook_name());
    let outcome = ctx.execute(None, command, when.at.as_deref(), secrets)?;
    if let Some(EventKind::Declared { .. }) = outcome.event.known() {
        // The ref alone on stdout, for scripts: `id=$(fireground declare …)`.
        println!("{}", outcome.incident.short());
        eprintln!("{}", outcome.said);
        return Ok(());
    }
    let Outcome {
        incident,
        title,
        said,
        overruled,
        event,
    } = outcome;
    let said = match (overruled, event.known()) {
        (Some(why), _) => format!("recorded at the time given, but {why}"),
        (None, Some(EventKind::UpdateSent { .. })) => update_said(&said, event.known(), ctx.zone()),
        (None, Some(EventKind::StepAnnounced { countdown_s, .. })) => format!(
            "Announced step #{r}; anyone may object within {countdown_s} s: fireground object {r} [REASON]",
            r = event.id.short()
        ),
        (None, _) => said,
    };
    println!("{} {title}: {said}", incident.short());
    if let Some(EventKind::UpdateSent { .. }) = event.known() {
        // Recorded first: a channel that is down never loses the update.
        super::outbox_cmd::tell(&crate::deliver::deliver(ctx, crate::deliver::Which::Due)?);
    }
    if let Some(EventKind::Redacted { .. }) = event.known()
        && let Some(caveat) = crate::sync::redaction_caveat(&ctx.store)
    {
        eprintln!("fireground: note: {caveat}");
    }
    Ok(())
}

/// What the subcommand's flags say to do with a likely secret in its text.
fn secrets_of(command: &CliCommand) -> Secrets {
    match command {
        CliCommand::Declare { secrets, .. }
        | CliCommand::Log { secrets, .. }
        | CliCommand::Can { secrets, .. }
        | CliCommand::Impact { secrets, .. }
        | CliCommand::Update { secrets, .. }
        | CliCommand::Link { secrets, .. }
        | CliCommand::Action(ActionCommand::Add { secrets, .. })
        | CliCommand::Amend { secrets, .. }
        | CliCommand::Redact { secrets, .. }
        | CliCommand::Object { secrets, .. }
        | CliCommand::Resolve { secrets, .. }
        | CliCommand::Reopen { secrets, .. } => secrets.secrets(),
        _ => Secrets::Refuse,
    }
}

/// The subcommand's arguments as the door takes them, and when.
/// `playbook` is the one a declaration runs by unless it names another.
fn into_command(command: CliCommand, playbook: &str) -> (Command, When) {
    let default_playbook = playbook;
    match command {
        CliCommand::Declare {
            title,
            severity,
            summary,
            commander,
            playbook,
            when,
            ..
        } => (
            Command::Declare {
                title,
                severity,
                summary,
                commander,
                playbook: playbook.unwrap_or_else(|| default_playbook.to_string()),
            },
            when,
        ),
        CliCommand::Log {
            text, kind, when, ..
        } => (Command::Note { kind, text }, when),
        CliCommand::Assign { role, person, when } => (Command::Assign { role, person }, when),
        CliCommand::Unassign { role, when } => (Command::Release { role }, when),
        CliCommand::Severity { level, when } => (Command::Severity { level }, when),
        CliCommand::Stage { stage, when } => (Command::Stage { stage }, when),
        CliCommand::Impact {
            who,
            count,
            category,
            when,
            ..
        } => (
            Command::SetImpact {
                affected: who,
                count,
                category,
            },
            when,
        ),
        CliCommand::Can {
            conditions,
            actions,
            needs,
            role,
            when,
            ..
        } => (
            Command::Can {
                conditions,
                actions,
                needs,
                role,
            },
            when,
        ),
        CliCommand::Update {
            status,
            impact,
            action,
            next,
            when,
            ..
        } => (
            Command::Update {
                status,
                impact,
                action,
                next,
            },
            when,
        ),
        CliCommand::Link {
            label, url, when, ..
        } => (Command::Link { label, url }, when),
        CliCommand::Action(ActionCommand::Add {
            text,
            owner,
            due,
            when,
            ..
        }) => (Command::AddActionItem { text, owner, due }, when),
        CliCommand::Action(ActionCommand::Done { id, when }) => {
            (Command::FinishActionItem { item: id }, when)
        }
        CliCommand::Tick { item, when } => (Command::Tick { item, stage: None }, when),
        CliCommand::Amend {
            event, text, when, ..
        } => (Command::Amend { entry: event, text }, when),
        CliCommand::Redact {
            event,
            reason,
            when,
            ..
        } => (
            Command::Redact {
                entry: event,
                reason,
            },
            when,
        ),
        CliCommand::Pin { event, when } => (Command::Pin { entry: event }, when),
        CliCommand::Object { step, reason, .. } => {
            (Command::Object { step, reason }, When::default())
        }
        CliCommand::Resolve { summary, when, .. } => (Command::Resolve { summary }, when),
        CliCommand::Reopen { reason, when, .. } => (Command::Reopen { reason }, when),
        other => unreachable!("{other:?} records nothing"),
    }
}

/// An update as sent, for the person to check against what went out.
fn update_said(said: &str, kind: Option<&EventKind>, zone: Zone) -> String {
    let Some(EventKind::UpdateSent {
        status,
        impact,
        action,
        next_update,
    }) = kind
    else {
        return said.to_string();
    };
    let next = match next_update {
        Some(t) => format!("next one due at {} {}", zone.hm(*t), zone.label(*t)),
        None => "no fixed cadence at this severity".to_string(),
    };
    format!("{said}: {status}\n  Impact: {impact}\n  Action: {action}\n  {next}")
}

/// The update as it would be recorded now (the draft, with what the
/// flags change), as plain text on stdout or on the terminal's clipboard,
/// recording nothing: the door decides it, so it reads exactly as `update`
/// would record it.
fn plain_update(ctx: &Context, command: CliCommand) -> Result<(), AppError> {
    use std::io::{IsTerminal, Write};
    let copy = matches!(command, CliCommand::Update { copy: true, .. });
    // Said before the update is worked out: with stdout a file, the copy
    // would land in it rather than on any clipboard.
    if copy && !std::io::stdout().is_terminal() {
        return Err(AppError::Input(
            "not a terminal: use --print and pipe it (`| wl-copy`, `| pbcopy`)".into(),
        ));
    }
    let secrets = secrets_of(&command);
    let (command, _) = into_command(command, ctx.default_playbook_name());
    let decision = ctx.check_with(None, &command, secrets)?;
    let Some((draft, next)) = Draft::sent(&decision.kind) else {
        return Err(AppError::Input("only an update can be printed".into()));
    };
    let text = draft.plain_text(next, &ctx.zone().at(ctx.store.now()));
    let mut out = std::io::stdout().lock();
    let written = if copy {
        let osc = crate::clipboard::osc52(&text);
        let written = out.write_all(osc.sequence.as_bytes());
        if written.is_ok() {
            eprintln!("{}.", crate::clipboard::said("Update", &osc));
        }
        written
    } else {
        out.write_all(text.as_bytes())
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(AppError::Io(format!(
            "could not write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// The update the state suggests, to copy into the channel it goes to.
fn print_draft(ctx: &Context, json: bool) -> Result<(), AppError> {
    let inc = ctx.incident_without_notes()?;
    let playbook = ctx.playbook(&inc)?;
    let now = ctx.store.now();
    let draft = update_draft(&inc, playbook, &ctx.zone().at(now));
    if json {
        let doc = serde_json::json!({
            "status": draft.status,
            "impact": draft.impact,
            "action": draft.action,
            "next_update": next_update_by_cadence(playbook, &inc.severity, now),
        });
        println!("{}", crate::report::json::pretty(&doc));
    } else {
        print_draft_text(
            &inc,
            &draft,
            &next_update(&inc, playbook, now),
            now,
            ctx.zone(),
        );
    }
    Ok(())
}

fn print_draft_text(
    inc: &Incident,
    draft: &Draft,
    cadence: &Cadence,
    now: DateTime<Utc>,
    zone: Zone,
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
            zone.hm(next),
            zone.label(next),
            inc.severity
        );
    }
    println!();
    println!(
        "Record it once sent: fireground update --status \"…\" [--impact \"…\"] [--action \"…\"] [--next 30m]"
    );
}
