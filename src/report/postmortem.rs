//! The postmortem draft: what the review meeting needs, laid out as a
//! document. Sections with facts come from the log; root cause and
//! contributing factors are left for people, with prompts.

use std::io;

use chrono::{DateTime, NaiveDate, Utc};

use super::document::{Block, Document, Section, Table};
use super::review::UpdateCheck;
use super::{Printout, Timeline};
use crate::domain::incident::{Entry, EntryKind};
use crate::domain::playbook::Playbook;
use crate::domain::shift::STAY_MINUTES;
use crate::domain::text::thousands;
use crate::domain::when::human_duration;

/// Marks a pinned entry in the timeline.
pub const PIN: &str = "★";

pub fn build(p: &Printout) -> Document {
    Document {
        title: format!(
            "Postmortem draft: {} ({})",
            p.incident.title,
            p.incident.id.short()
        ),
        sections: vec![
            summary(p),
            key_times(p),
            roles(p),
            who_carried_it(p),
            timeline(p),
            can_reports(p),
            updates(p),
            action_items(p),
            went_well(),
            root_cause(),
            contributing_factors(),
        ],
    }
}

fn summary(p: &Printout) -> Section {
    let inc = p.incident;
    let r = &p.review;
    let z = p.zone();
    let mut s = Section::new("Summary and impact");
    let severity_path: Vec<String> = r
        .severity
        .iter()
        .map(|c| format!("{} from {}", c.severity, p.stamp(c.at)))
        .collect();
    let commanders: Vec<&str> = r
        .roles
        .iter()
        .filter(|h| h.role == crate::domain::playbook::COMMANDER)
        .map(|h| h.person.as_str())
        .collect();
    let severity = if r.highest_severity == inc.severity {
        p.severity_name(&inc.severity)
    } else {
        format!(
            "{} at the end; {} at its worst",
            p.severity_name(&inc.severity),
            p.severity_name(&r.highest_severity)
        )
    };
    let status = match inc.resolved_at {
        Some(t) => format!("resolved {} {}", z.date_hm(t), p.zone_label()),
        None => format!("open (last entry {})", z.date_hm(r.end)),
    };
    let duration = if r.resolved {
        human_duration(r.duration)
    } else {
        format!("{} so far", human_duration(r.duration))
    };
    let mut facts = vec![
        ("Incident", format!("{} — {}", inc.id.short(), inc.title)),
        ("Severity", severity),
        ("Severity history", severity_path.join(", ")),
        (
            "Declared",
            format!(
                "{} {} by {}",
                z.date_hm(inc.declared_at),
                p.zone_label(),
                inc.declared_by
            ),
        ),
        ("Status", status),
        ("Duration", duration),
        ("Incident commander", dedup_join(&commanders)),
        ("Playbook", inc.playbook.clone()),
        ("Times in", p.zone_label()),
    ];
    if let Some(log) = &p.log {
        facts.push(("Log", log.clone()));
    }
    s.push(Block::Facts(facts));
    if inc.summary.is_empty() {
        s.push(Block::Prompt(
            "Summarise the incident in two or three sentences: what broke, for whom, and how it was brought back.".into(),
        ));
    } else {
        s.push(Block::Para(inc.summary.clone()));
    }
    s.push(Block::Subheading("Impact".into()));
    if let Some(i) = &inc.impact {
        let mut facts = Vec::new();
        if !i.affected.is_empty() {
            facts.push(("Affected", i.affected.clone()));
        }
        if let Some(n) = i.count {
            facts.push(("How many", format!("about {}", thousands(n))));
        }
        if let Some(c) = &i.category {
            facts.push(("Category", p.playbook.category_name(c)));
        }
        facts.push(("Set", format!("{} by {}", p.stamp(i.at), i.author)));
        s.push(Block::Facts(facts));
    }
    match r.updates.iter().rev().find(|u| !u.impact.is_empty()) {
        Some(u) => {
            s.push(Block::Para(format!(
                "Last reported to stakeholders ({}): {}",
                p.stamp(u.at),
                u.impact
            )));
        }
        None => {
            s.push(Block::Para(
                "No impact was reported to stakeholders during the incident.".into(),
            ));
        }
    }
    s.push(Block::Prompt(
        "State the impact in numbers: who was affected, how many, for how long, and what it cost them.".into(),
    ));
    let resolution: Vec<&Entry> = p
        .incident
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Resolved)
        .collect();
    if let Some(last) = resolution.last() {
        s.push(Block::Subheading("Resolution".into()));
        s.push(Block::Para(entry_text(last, p.playbook)));
    }
    let links: Vec<String> = p
        .incident
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Link)
        .map(|e| e.text.clone())
        .collect();
    if !links.is_empty() {
        s.push(Block::Subheading("Command center".into()));
        s.push(Block::List(links));
    }
    s
}

fn key_times(p: &Printout) -> Section {
    let mut s = Section::new("Key times");
    let rows = p
        .review
        .key_times
        .iter()
        .map(|k| {
            vec![
                k.milestone.label().to_string(),
                k.at.map_or_else(|| "not recorded".to_string(), |t| p.zone().date_hm(t)),
                k.since_declared.map(human_duration).unwrap_or_default(),
                k.since_previous.map(human_duration).unwrap_or_default(),
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        head: vec!["Milestone", "Time", "Since declared", "Since previous"],
        rows,
    }));
    s.push(Block::Prompt(format!(
        "Mitigated is when the incident left the {} stage for a later one (or was resolved). Times are in {}.",
        p.playbook
            .stage(crate::domain::milestones::MITIGATE_STAGE)
            .map_or("mitigate", |st| st.name.as_str()),
        p.zone_label()
    )));
    s
}

fn roles(p: &Printout) -> Section {
    let mut s = Section::new("Roles");
    let rows = p
        .review
        .roles
        .iter()
        .map(|h| {
            vec![
                h.role_name.clone(),
                h.person.clone(),
                p.stamp(h.from),
                match h.to {
                    Some(t) => p.stamp(t),
                    None if p.review.resolved => "resolution".to_string(),
                    None => "still held".to_string(),
                },
                human_duration(h.held),
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        head: vec!["Role", "Person", "From", "To", "Held for"],
        rows,
    }));
    s
}

/// Everyone who held a role or recorded something, by name: a review
/// thanks the people who carried an incident and sees who needs rest; it
/// does not rank them.
fn who_carried_it(p: &Printout) -> Section {
    let mut s = Section::new("Who carried it");
    s.push(Block::Para(format!(
        "Everyone who held a role or recorded an entry, by name. Time counts while holding a role and for {STAY_MINUTES} minutes after each entry."
    )));
    let rows = p
        .review
        .carried
        .iter()
        .map(|c| {
            let roles: Vec<String> = c.roles.iter().map(|r| p.playbook.role_name(r)).collect();
            vec![
                c.person.clone(),
                if roles.is_empty() {
                    "—".to_string()
                } else {
                    roles.join(", ")
                },
                human_duration(c.time),
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        head: vec!["Person", "Roles", "Time on the incident"],
        rows,
    }));
    s
}

fn timeline(p: &Printout) -> Section {
    let mut s = Section::new("Timeline");
    if let Some(f) = p.options.filter.describe(p.zone()) {
        s.push(Block::Para(format!("Showing {f}.")));
    }
    s.push(Block::Timeline);
    s
}

/// The head of the timeline's tables.
pub fn timeline_head(p: &Printout) -> Vec<&'static str> {
    let mut head = vec!["Time", "Who", "Kind", "Entry"];
    if p.options.refs {
        head.insert(0, "Ref");
    }
    head
}

/// What the timeline section shows, a piece at a time.
pub enum Shown {
    /// A day begins: its subheading, then a table of its entries.
    Day(String),
    /// An entry, a row of that day's table.
    Row(Vec<String>),
    /// No entry passed the filter: this paragraph instead.
    Nothing(&'static str),
}

/// Goes through the timeline handing on the days and the rows of the
/// entries the filter lets through, as [`Block::Timeline`] shows them.
pub fn timeline_rows(
    p: &Printout,
    entries: &mut dyn Timeline,
    mut f: impl FnMut(Shown) -> io::Result<()>,
) -> io::Result<()> {
    let filter = &p.options.filter;
    let mut day: Option<NaiveDate> = None;
    let mut any_pinned = false;
    entries.each(&mut |e| {
        any_pinned |= e.pinned;
        if !filter.matches(e) {
            return Ok(());
        }
        let d = p.zone().date(e.at);
        if day != Some(d) {
            f(Shown::Day(d.format("%A %Y-%m-%d").to_string()))?;
            day = Some(d);
        }
        let mut row = vec![
            p.zone().hm(e.at),
            e.author.clone(),
            e.kind.label().to_string(),
            entry_text(e, p.playbook),
        ];
        if p.options.refs {
            row.insert(0, format!("#{}", e.id.short()));
        }
        f(Shown::Row(row))
    })?;
    if day.is_none() {
        f(Shown::Nothing(filter.nothing_matches(any_pinned)))?;
    }
    Ok(())
}

/// An entry's latest text with its marks: pinned, amended.
pub fn entry_text(e: &Entry, playbook: &Playbook) -> String {
    let mut t = String::with_capacity(e.text.len() + 12);
    if e.pinned {
        t.push_str(PIN);
        t.push(' ');
    }
    t.push_str(&e.text_for(playbook));
    if e.amended {
        t.push_str(" (amended)");
    }
    t
}

fn amended(text: &str, amended: bool) -> String {
    if amended {
        format!("{text} (amended)")
    } else {
        text.to_string()
    }
}

fn can_reports(p: &Printout) -> Section {
    let mut s = Section::new("CAN reports");
    if p.review.can_reports.is_empty() {
        s.push(Block::Para("No CAN reports were filed.".into()));
        return s;
    }
    let rows = p
        .review
        .can_reports
        .iter()
        .map(|c| {
            let who = match &c.role_name {
                Some(role) => format!("{} ({role})", c.reporter),
                None => c.reporter.clone(),
            };
            vec![
                p.stamp(c.at),
                who,
                amended(&c.conditions, c.amended),
                c.actions.clone(),
                c.needs.clone(),
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        head: vec!["Time", "Reporter", "Conditions", "Actions", "Needs"],
        rows,
    }));
    s
}

fn updates(p: &Printout) -> Section {
    let mut s = Section::new("Stakeholder updates");
    s.push(Block::Para(p.review.tally.sentence()));
    if p.review.updates.is_empty() {
        return s;
    }
    // Where updates were posted to channels, when each reached them: the
    // column is left out for a team that posts by hand.
    let posted = p.review.updates.iter().any(|u| !u.deliveries.is_empty());
    let rows = p
        .review
        .updates
        .iter()
        .map(|u| {
            let mut row = vec![
                p.stamp(u.at),
                u.author.clone(),
                u.severity.clone(),
                u.due_at.map(|d| p.stamp(d)).unwrap_or_default(),
                u.verdict(),
            ];
            if posted {
                row.push(told(p, u));
            }
            row.extend([
                amended(&u.status, u.amended),
                u.impact.clone(),
                u.action.clone(),
            ]);
            row
        })
        .collect();
    let mut head = vec!["Sent", "By", "Severity", "Due", "On time?"];
    if posted {
        head.push("Delivered");
    }
    head.extend(["Status", "Impact", "Action"]);
    s.push(Block::Table(Table { head, rows }));
    s.push(Block::Prompt(
        "Each update is judged against the cadence of the severity in force when it was due, or the earlier time promised in the update before it.".into(),
    ));
    s
}

/// "inc 14:03, leaders not delivered": when each channel was told.
fn told(p: &Printout, u: &UpdateCheck) -> String {
    let told: Vec<String> = u
        .told()
        .into_iter()
        .map(|(channel, at)| match at {
            Some(at) => format!("{channel} {}", p.stamp(at)),
            None => format!("{channel} not delivered"),
        })
        .collect();
    told.join(", ")
}

fn action_items(p: &Printout) -> Section {
    let mut s = Section::new("Action items");
    if p.review.action_items.is_empty() {
        s.push(Block::Prompt(
            "No action items yet. Each contributing factor below should end in one, with an owner and a due date.".into(),
        ));
        return s;
    }
    let rows = p
        .review
        .action_items
        .iter()
        .map(|a| {
            vec![
                format!("#{}", a.id.short()),
                amended(&a.text, a.amended),
                a.owner.clone().unwrap_or_else(|| "no owner".into()),
                a.due
                    .map_or_else(|| "no due date".into(), |d| d.to_string()),
                done_state(p, a.done_at),
            ]
        })
        .collect();
    s.push(Block::Table(Table {
        head: vec!["Ref", "Item", "Owner", "Due", "State"],
        rows,
    }));
    s
}

fn done_state(p: &Printout, done_at: Option<DateTime<Utc>>) -> String {
    match done_at {
        Some(t) => format!("done {}", p.zone().date_hm(t)),
        None => "open".to_string(),
    }
}

/// A section left for people to write, with what to think about.
fn to_write(title: &str, prompt: &str, questions: &[&str]) -> Section {
    let mut s = Section::new(title);
    s.push(Block::Prompt(prompt.into()));
    if !questions.is_empty() {
        s.push(Block::List(
            questions.iter().map(|q| q.to_string()).collect(),
        ));
    }
    s
}

fn went_well() -> Section {
    to_write(
        "What went well",
        "Which tools, alerts, runbooks or habits helped? Where were we lucky, and what would have happened without that luck?",
        &[],
    )
}

fn root_cause() -> Section {
    to_write(
        "Root cause",
        "This review looks for weaknesses in systems and processes, not for someone to blame. People acted on what they knew at the time; ask why that seemed the right thing to do.",
        &[
            "Which technical conditions, taken together, made the failure possible?",
            "Why did the safeguards we have (tests, reviews, canaries, limits) not stop it?",
            "If the same change were made again tomorrow, what would stop it now?",
        ],
    )
}

fn contributing_factors() -> Section {
    to_write(
        "Contributing factors",
        "Describe what made the incident longer or wider than it had to be, in terms of systems, signals and process.",
        &[
            "Detection: how long before we knew, and who or what told us first?",
            "Diagnosis: what information was missing, slow to get or misleading?",
            "Response: did handovers, paging, access or tooling get in the way?",
            "Communication: did stakeholders hear from us when they expected to?",
        ],
    )
}

/// Names in order, each once.
fn dedup_join(names: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(n) {
            seen.push(n);
        }
    }
    if seen.is_empty() {
        "none recorded".into()
    } else {
        seen.join(", ")
    }
}
