//! `fireground verify`: what the log can vouch for, writer by writer, and
//! what was kept out of it; `fireground keys`: this replica's key, for a
//! team's `keys` file.

use crate::app::{AppError, Context};
use crate::domain::admission::kept_apart;
use crate::domain::text::{plural, single_line};
use crate::domain::verification::{Writer, sound};
use crate::store::Verified;

pub fn run(ctx: &Context) -> Result<(), AppError> {
    let only = ctx.named_incident()?;
    let found = ctx.store.verify(only)?;
    print!("{}", describe(&found));
    if sound(&found.writers) {
        Ok(())
    } else {
        Err(AppError::Io(
            "some stored events do not verify: the database was changed outside fireground".into(),
        ))
    }
}

/// The report, a line per writer, then what was kept apart.
pub fn describe(found: &Verified) -> String {
    let events: u64 = found.writers.iter().map(|w| w.events).sum();
    let mut out = String::new();
    let verdict = if sound(&found.writers) {
        "verifies"
    } else {
        "does NOT verify"
    };
    out += &format!(
        "The log {verdict}: {} from {}.\n",
        plural(events, "event", "events"),
        plural(found.writers.len() as u64, "writer", "writers")
    );
    for w in &found.writers {
        out += &format!("  {}\n", writer_line(w, w.replica == found.own));
        for (id, flaw) in &w.flawed {
            out += &format!("    event {id}: {}\n", flaw.says());
        }
    }
    if !found.kept_apart.is_empty() {
        out += "Kept apart at import, never applied:\n";
        for k in &found.kept_apart {
            let author = single_line(&k.author);
            out += &format!("  {}\n", kept_apart(k.replica, &author, k.events, k.why));
        }
    }
    out
}

fn writer_line(w: &Writer, own: bool) -> String {
    let names: Vec<String> = w.authors.iter().map(|a| single_line(a)).collect();
    let replica = w.replica.to_string();
    let key = match w.key {
        Some(k) if own => format!("key {} (this replica)", k.key.short()),
        Some(k) if k.pinned => format!("key {} (pinned)", k.key.short()),
        Some(k) => format!("key {} (learned on first sight)", k.key.short()),
        None => "no key known".to_string(),
    };
    let mut parts = vec![format!("{} signed and chained", w.signed)];
    if w.unverified > 0 {
        parts.push(format!("{} unsigned, from before signing", w.unverified));
    }
    if !w.flawed.is_empty() {
        parts.push(format!("{} flawed", w.flawed.len()));
    }
    format!(
        "{} · replica {}… · {key}: {}: {}",
        names.join(", "),
        &replica[..8],
        plural(w.events, "event", "events"),
        parts.join(", ")
    )
}

/// `fireground keys`: this replica's line for the repository's `keys` file.
pub fn keys(ctx: &Context) -> Result<(), AppError> {
    println!("{}", ctx.store.own_key_line(&ctx.author()?)?);
    Ok(())
}
