//! The timeline as plain text, for a terminal or a printer: 80 columns, a
//! header that says which incident and which time zone, a date line
//! wherever the day changes, one entry per line with long text wrapped
//! under its own indent, and under an update, a CAN report or an action
//! item, what its one line leaves out.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;

use chrono::Timelike;
use std::io;

use super::wrap::{each_line, pad, push_padded, truncate, width, wrap};
use super::{Printout, Sink, Timeline};
use crate::domain::ids::EventId;
use crate::domain::incident::{ActionItem, CanReport, Entry, EntryKind, Incident, Update};
use crate::domain::when::human_duration;

/// The page width the text fits.
pub const WIDTH: usize = 80;
const LABEL: usize = 11;
const AUTHOR: usize = 12;
const KIND: usize = 11;

/// The printout of an incident held whole.
pub fn render(p: &Printout) -> String {
    super::in_memory(p, write)
}

/// The printout, written as the timeline's entries come.
pub fn write(p: &Printout, entries: &mut dyn Timeline, out: &mut dyn io::Write) -> io::Result<()> {
    let mut out = Sink::new(out);
    header(&mut out, p);
    timeline(&mut out, p, entries)?;
    out.finish()
}

fn header(out: &mut String, p: &Printout) {
    let inc = p.incident;
    let r = &p.review;
    let z = p.zone();
    for line in wrap(
        &format!(
            "Incident {} · {} · {}",
            inc.id.short(),
            p.severity_name(&inc.severity),
            inc.title
        ),
        WIDTH,
    ) {
        let _ = writeln!(out, "{line}");
    }
    let severity: Vec<String> = r
        .severity
        .iter()
        .map(|c| format!("{} from {}", c.severity, p.stamp(c.at)))
        .collect();
    fact(out, "Severity", &severity.join(", "));
    fact(
        out,
        "Declared",
        &format!(
            "{} {} by {}",
            z.date_hm(inc.declared_at),
            p.zone_label(),
            inc.declared_by
        ),
    );
    match inc.resolved_at {
        Some(t) => fact(
            out,
            "Resolved",
            &format!(
                "{} {}, after {}",
                z.date_hm(t),
                z.label(t),
                human_duration(r.duration)
            ),
        ),
        None => fact(
            out,
            "Open",
            &format!(
                "{} from declaration to the latest entry",
                human_duration(r.duration)
            ),
        ),
    }
    fact(out, "Updates", &r.tally.sentence());
    fact(
        out,
        "Times in",
        &match z {
            crate::zone::Zone::Utc => "UTC".to_string(),
            crate::zone::Zone::Local => format!("local time ({})", p.zone_label()),
        },
    );
    if let Some(f) = p.options.filter.describe(z) {
        fact(out, "Showing", &f);
    }
}

/// "Label      value", the value wrapped under itself.
fn fact(out: &mut String, label: &str, value: &str) {
    for (i, line) in wrap(value, WIDTH - LABEL).iter().enumerate() {
        let l = if i == 0 { label } else { "" };
        let _ = writeln!(out, "{}{line}", pad(l, LABEL));
    }
}

fn timeline(out: &mut Sink, p: &Printout, entries: &mut dyn Timeline) -> io::Result<()> {
    let filter = &p.options.filter;
    let refs = p.options.refs;
    // Marker, time, author and kind columns, each followed by a space.
    let indent = 1 + 5 + 1 + AUTHOR + 1 + KIND + 1 + if refs { 8 } else { 0 };
    let blank = " ".repeat(indent);
    let records = Records::new(p.incident);
    let mut day = None;
    let (mut shown, mut pinned_shown, mut any_pinned) = (false, false, false);
    entries.each(&mut |e| {
        any_pinned |= e.pinned;
        if !filter.matches(e) {
            return Ok(());
        }
        shown = true;
        pinned_shown |= e.pinned;
        // The entry's moment in the zone, worked out once for its date and
        // its time: that is most of the cost of a short entry.
        let local = p.zone().at(e.at);
        let d = local.date_naive();
        if day != Some(d) {
            let _ = writeln!(out, "\n── {} ──", d.format("%A %Y-%m-%d"));
            day = Some(d);
        }
        if refs {
            let _ = write!(out, "#{} ", e.id.short());
        }
        out.push(if e.pinned { '*' } else { ' ' });
        let _ = write!(out, "{:02}:{:02}", local.hour(), local.minute());
        out.push(' ');
        if width(&e.author) <= AUTHOR {
            push_padded(out, &e.author, AUTHOR);
        } else {
            push_padded(out, &truncate(&e.author, AUTHOR), AUTHOR);
        }
        out.push(' ');
        push_padded(out, e.kind.label(), KIND);
        out.push(' ');
        let record = records.of(e);
        let text: Cow<str> = if e.amended {
            Cow::Owned(format!("{} (amended)", e.text))
        } else if let Some(Record::Can(c)) = record {
            // The three parts are lines of their own below.
            Cow::Owned(match &c.role {
                Some(role) => format!("CAN report as {}", p.playbook.role_name(role)),
                None => "CAN report".to_string(),
            })
        } else {
            e.text_for(p.playbook)
        };
        let mut first = true;
        each_line(&text, WIDTH - indent, |line| {
            if !first {
                out.push_str(&blank);
            }
            first = false;
            out.push_str(line);
            out.push('\n');
        });
        if let Some(record) = record {
            details(out, p, &blank, record);
        }
        out.spill()
    })?;
    if !shown {
        out.push('\n');
        for line in wrap(filter.nothing_matches(any_pinned), WIDTH) {
            let _ = writeln!(out, "{line}");
        }
    }
    if pinned_shown {
        let _ = writeln!(out, "\n* pinned: part of the short story of the incident");
    }
    Ok(())
}

/// The records behind entries whose line says only part of them, by the
/// event that made both.
struct Records<'a> {
    updates: HashMap<EventId, &'a Update>,
    cans: HashMap<EventId, &'a CanReport>,
    items: HashMap<EventId, &'a ActionItem>,
}

#[derive(Clone, Copy)]
enum Record<'a> {
    Update(&'a Update),
    Can(&'a CanReport),
    Item(&'a ActionItem),
}

impl<'a> Records<'a> {
    fn new(inc: &'a Incident) -> Records<'a> {
        Records {
            updates: inc.updates.iter().map(|u| (u.id, u)).collect(),
            cans: inc.can_reports.iter().map(|c| (c.id, c)).collect(),
            items: inc.action_items.iter().map(|a| (a.id, a)).collect(),
        }
    }

    /// The record to show under `e`, if any. None under a redacted entry,
    /// nor under an amended update or CAN report: the amendment replaced
    /// its whole text. An amended action item keeps its owner and due
    /// date, which the amendment does not touch.
    fn of(&self, e: &Entry) -> Option<Record<'a>> {
        if e.redacted {
            return None;
        }
        match e.kind {
            EntryKind::Update if !e.amended => self.updates.get(&e.id).map(|u| Record::Update(u)),
            EntryKind::Can if !e.amended => self.cans.get(&e.id).map(|c| Record::Can(c)),
            EntryKind::ActionItem => self.items.get(&e.id).map(|a| Record::Item(a)),
            _ => None,
        }
    }
}

/// The lines under an entry that its record adds, each under the entry's
/// text: labelled parts, or an action item's owner and due date.
fn details(out: &mut String, p: &Printout, blank: &str, record: Record) {
    let room = WIDTH - blank.len();
    let parts: Vec<(&str, Cow<str>)> = match record {
        Record::Update(u) => {
            let next = u.next_update.map(|t| Cow::Owned(p.stamp(t)));
            vec![
                ("Impact:", Cow::Borrowed(u.impact.as_str())),
                ("Action:", Cow::Borrowed(u.action.as_str())),
                ("Next update:", next.unwrap_or_default()),
            ]
        }
        Record::Can(c) => vec![
            ("Conditions:", Cow::Borrowed(c.conditions.as_str())),
            ("Actions:", Cow::Borrowed(c.actions.as_str())),
            ("Needs:", Cow::Borrowed(c.needs.as_str())),
        ],
        Record::Item(a) => {
            let owner = match &a.owner {
                Some(o) => format!("owner {o}"),
                None => "no owner".to_string(),
            };
            let due = match a.due {
                Some(d) => format!("due {d}"),
                None => "no due date".to_string(),
            };
            for line in wrap(&format!("{owner}, {due}"), room) {
                let _ = writeln!(out, "{blank}{line}");
            }
            return;
        }
    };
    let parts: Vec<_> = parts.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    // The values line up after the widest label.
    let label = parts.iter().map(|(l, _)| width(l) + 1).max().unwrap_or(0);
    for (name, value) in parts {
        for (i, line) in wrap(&value, room - label).iter().enumerate() {
            let name = if i == 0 { name } else { "" };
            let _ = writeln!(out, "{blank}{}{line}", pad(name, label));
        }
    }
}
