//! The status page: one self-contained, read-only html page for leaders
//! and support, which a browser reloads every 30 seconds from wherever it
//! is put (a shared drive, the sync repository). It says only what
//! stakeholders are told: the state, the latest update and when the next
//! is due, who holds which role, and the public timeline (updates and
//! stage changes). Never a note, a CAN report or anything else from the
//! log: those are the responders' own words. Written with the postmortem
//! page's pieces, so every piece of text is escaped and the page runs and
//! loads nothing.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::document::{Block, Table};
use super::html::{block_to, escape, head};
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::incident::{Entry, EntryKind, Incident};
use crate::domain::playbook::Playbook;
use crate::domain::redaction::REDACTED;
use crate::domain::roster::role_rows;
use crate::domain::when::human_duration;
use crate::zone::Zone;

/// How often a browser showing the page reads it again, in seconds.
pub const REFRESH_SECONDS: u32 = 30;

/// The page for `incident` as it stands at `now`, times in `zone`. The
/// incident needs no notes in its timeline: the page shows none.
pub fn render(incident: &Incident, playbook: &Playbook, now: DateTime<Utc>, zone: Zone) -> String {
    let inc = incident;
    let at = |t: DateTime<Utc>| format!("{} {}", zone.date_hm(t), zone.label(t));
    let mut out = String::new();
    head(&mut out, &inc.title, Some(REFRESH_SECONDS));
    block_to(&mut out, &Block::Facts(state(inc, playbook, now, &at)));
    let latest = match inc.updates.last() {
        Some(u) => vec![
            Block::Para(format!("Sent {} by {}", at(u.at), u.author)),
            Block::Facts(vec![
                ("Status", u.status.clone()),
                ("Impact", u.impact.clone()),
                ("Action", u.action.clone()),
            ]),
        ],
        None => vec![Block::Para("No update has been sent yet.".into())],
    };
    let roles = Table {
        head: vec!["Role", "Who"],
        rows: role_rows(inc, playbook)
            .into_iter()
            .map(|r| vec![r.name, r.holder.unwrap_or_else(|| "unfilled".into())])
            .collect(),
    };
    // Newest first: what a reader comes back for.
    let told: Vec<String> = inc
        .timeline
        .iter()
        .rev()
        .filter(|e| is_public(e))
        .map(|e| format!("{} — {}", at(e.at), public_text(inc, playbook, e)))
        .collect();
    let told = match told.is_empty() {
        true => Block::Para("Nothing yet.".into()),
        false => Block::List(told),
    };
    for (title, blocks) in [
        ("Latest update", latest),
        ("Roles", vec![Block::Table(roles)]),
        ("Timeline", vec![told]),
    ] {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(title));
        blocks.iter().for_each(|b| block_to(&mut out, b));
        out.push_str("</section>\n");
    }
    block_to(
        &mut out,
        &Block::Prompt(format!(
            "Written by fireground at {}; this page reloads every {REFRESH_SECONDS} s.",
            at(now)
        )),
    );
    out.push_str("</body>\n</html>\n");
    out
}

/// Severity, stage, open or resolved, the impact and the next update.
fn state(
    inc: &Incident,
    playbook: &Playbook,
    now: DateTime<Utc>,
    at: &dyn Fn(DateTime<Utc>) -> String,
) -> Vec<(&'static str, String)> {
    let severity = playbook
        .severity(&inc.severity)
        .map_or_else(|| inc.severity.clone(), |s| format!("{} {}", s.id, s.name));
    let stage = playbook
        .stage(&inc.stage)
        .map_or_else(|| inc.stage.clone(), |s| s.name.clone());
    let state = match inc.resolved_at {
        Some(t) => format!("Resolved at {}", at(t)),
        None => format!(
            "Open since {} ({})",
            at(inc.declared_at),
            human_duration(now - inc.declared_at)
        ),
    };
    // What stakeholders were last told, else what was declared.
    let impact = inc
        .updates
        .last()
        .map(|u| u.impact.clone())
        .filter(|i| !i.is_empty() && i != REDACTED)
        .or_else(|| Some(inc.summary.clone()).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "Under investigation.".into());
    let next = match next_update(inc, playbook, now) {
        Cadence::Due {
            due_at, remaining, ..
        } if remaining.num_seconds() < 0 => format!("Was due at {} (late)", at(due_at)),
        Cadence::Due { due_at, .. } => format!("Due by {}", at(due_at)),
        Cadence::None if inc.is_resolved() => "None: the incident is resolved".into(),
        Cadence::None => "When there is news".into(),
    };
    vec![
        ("Severity", severity),
        ("Stage", stage),
        ("State", state),
        ("Impact", impact),
        ("Next update", next),
    ]
}

/// Stakeholders see what they were told and where the response stands:
/// updates and stage changes, nothing else.
fn is_public(entry: &Entry) -> bool {
    matches!(entry.kind, EntryKind::Update | EntryKind::Stage)
}

/// An update whole, as it went out; a stage change as the timeline says
/// it; a corrected entry as its correction says.
fn public_text(inc: &Incident, playbook: &Playbook, entry: &Entry) -> String {
    let update = (entry.kind == EntryKind::Update && !entry.redacted && !entry.amended)
        .then(|| inc.updates.iter().find(|u| u.id == entry.id))
        .flatten();
    match update {
        Some(u) => format!(
            "Update: {}\nImpact: {}\nAction: {}",
            u.status, u.impact, u.action
        ),
        None => entry.text_for(playbook).into_owned(),
    }
}
