//! `fireground outbox`: the updates recorded here that have not reached a
//! channel yet, sending them now, or giving up on one.

use crate::app::{AppError, Context};
use crate::deliver::{self, Tried, Which};
use crate::domain::incident::entry_ref;
use crate::domain::text::{plural, single_line};
use crate::domain::when::human_duration;
use crate::report::json::pretty;
use crate::store::Pending;

/// Lists the outbox; with `retry`, first tries everything in it.
pub fn run(ctx: &mut Context, retry: bool, json: bool) -> Result<(), AppError> {
    if retry {
        let tried = deliver::deliver(ctx, Which::All)?;
        tell(&tried);
        let left = ctx.store.outbox()?;
        if !left.is_empty() {
            return Err(AppError::Io(format!(
                "{} still not delivered; they stay in the outbox and are tried again later",
                plural(left.len() as u64, "update", "updates")
            )));
        }
        if tried.is_empty() {
            eprintln!("Nothing waiting: every update recorded here has been delivered.");
        }
        return Ok(());
    }
    let pending = ctx.store.outbox()?;
    if json {
        let rows: Vec<_> = pending.iter().map(row_json).collect();
        println!("{}", pretty(&serde_json::Value::Array(rows)));
        return Ok(());
    }
    if pending.is_empty() {
        println!("Nothing waiting: every update recorded here has been delivered.");
        return Ok(());
    }
    println!(
        "{} waiting to be delivered:",
        plural(pending.len() as u64, "update", "updates")
    );
    let now = ctx.store.now();
    for p in &pending {
        let tries = match (p.attempts, &p.last_error) {
            (0, _) => "not tried yet".to_string(),
            (n, Some(why)) => format!(
                "tried {}, last: {why}",
                plural(u64::from(n), "time", "times")
            ),
            (n, None) => format!("tried {}", plural(u64::from(n), "time", "times")),
        };
        let next = match p.next_at - now {
            wait if wait.num_seconds() > 0 => format!("next try in {}", human_duration(wait)),
            _ => "due now".to_string(),
        };
        println!(
            "  #{}  to {}  (incident {}, recorded {})  {tries}; {next}",
            p.update.short(),
            single_line(&p.channel),
            p.incident.short(),
            ctx.zone().date_hm(p.queued_at),
        );
    }
    println!("Send them now with `fireground outbox --retry`.");
    Ok(())
}

/// Takes the update `reference` names out of the outbox (for `channel`
/// alone, if given), recording that it was not delivered.
pub fn drop(ctx: &mut Context, reference: &str, channel: Option<&str>) -> Result<(), AppError> {
    let reference = entry_ref(reference);
    let chosen: Vec<Pending> = ctx
        .store
        .outbox()?
        .into_iter()
        .filter(|p| p.update.matches_ref(reference))
        .filter(|p| channel.is_none_or(|c| p.channel == c))
        .collect();
    if chosen.is_empty() {
        return Err(AppError::Input(format!(
            "no update '#{reference}' is waiting{}; `fireground outbox` lists those that are",
            channel.map_or(String::new(), |c| format!(" for {c}"))
        )));
    }
    for p in &chosen {
        match deliver::give_up(ctx, p)? {
            None => eprintln!(
                "#{} to {}: delivered meanwhile",
                p.update.short(),
                p.channel
            ),
            Some(unrecorded) => {
                eprintln!("Gave up on #{} to {}", p.update.short(), p.channel);
                if let Some(why) = unrecorded {
                    eprintln!("warning: {why}");
                }
            }
        }
    }
    Ok(())
}

/// Says what became of each try, on standard error.
pub fn tell(tried: &[Tried]) {
    for t in tried {
        eprintln!("{}", t.said());
        if let Some(why) = &t.unrecorded {
            eprintln!("warning: {why}");
        }
    }
}

fn row_json(p: &Pending) -> serde_json::Value {
    serde_json::json!({
        "update": p.update.to_string(),
        "incident": p.incident.to_string(),
        "channel": p.channel,
        "queued_at": p.queued_at,
        "attempts": p.attempts,
        "next_at": p.next_at,
        "last_error": p.last_error,
    })
}
