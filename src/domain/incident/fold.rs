//! The fold itself: events in the agreed order become the state.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use super::Incident;
use super::entry::{Entry, EntryKind, Named};
use super::projection::Projection;
use super::records::{ActionItem, CanReport, Change, Delivery, Impact, Link, Tick, Update};
use super::steps::{Outcome as StepOutcome, Step, objected_phrase};
use crate::domain::event::{Event, EventKind, NoteKind};
use crate::domain::ids::IncidentId;
use crate::domain::playbook::COMMANDER;
use crate::domain::text::{sanitize, single_line};

impl Incident {
    /// Folds events (any order, any mix of incidents: only `id`'s count)
    /// into the incident's state. `None` when no declaration is among them.
    pub fn fold<'a>(
        id: IncidentId,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Option<Incident> {
        let mut mine: Vec<&Event> = events.into_iter().filter(|e| e.incident == id).collect();
        mine.sort_by_key(|e| e.order_key());
        Incident::fold_ordered(id, mine)
    }

    /// As [`Incident::fold`], for events already in the agreed order (as
    /// the store reads them): nothing is collected or sorted, so a large
    /// incident can be folded straight from the database rows.
    pub fn fold_ordered<E: Borrow<Event>>(
        id: IncidentId,
        events: impl IntoIterator<Item = E>,
    ) -> Option<Incident> {
        Projection::fold_ordered(id, events).map(|p| p.incident)
    }

    pub(super) fn from_declaration(e: &Event) -> Option<Incident> {
        let Some(EventKind::Declared {
            title,
            severity,
            summary,
            playbook,
            stage,
            ..
        }) = e.known()
        else {
            return None;
        };
        Some(Incident {
            id: e.incident,
            title: single_line(title),
            summary: sanitize(summary),
            playbook: single_line(playbook),
            declared_at: e.at,
            declared_by: single_line(&e.author),
            severity: single_line(severity),
            severity_history: Vec::new(),
            stage: single_line(stage),
            stage_history: Vec::new(),
            impact: None,
            roles: BTreeMap::new(),
            role_spans: Vec::new(),
            timeline: Vec::new(),
            can_reports: Vec::new(),
            updates: Vec::new(),
            links: Vec::new(),
            action_items: Vec::new(),
            ticks: Vec::new(),
            steps: Vec::new(),
            resolved_at: None,
            reopenings: Vec::new(),
            people: BTreeSet::new(),
            last_activity: e.at,
            last_recorded: e.hlc,
            event_count: 0,
        })
    }

    /// The event's effect on the state, corrections aside (the projection
    /// applies those): it never reads nor writes what a correction changes
    /// (entries already made, the title and summary, the words of records,
    /// when an action item was done), which is why a correction may be
    /// applied as soon as its target is folded and still give the state the
    /// whole log gives.
    pub(super) fn apply(&mut self, e: &Event) {
        let Some(kind) = e.known() else { return };
        let author = single_line(&e.author);
        self.people.insert(author.clone());
        self.event_count += 1;
        self.last_activity = self.last_activity.max(e.at);
        self.last_recorded = self.last_recorded.max(e.hlc);
        let change = |value: &str| Change {
            at: e.at,
            value: single_line(value),
            author: author.clone(),
        };
        let mut named = None;
        let (entry_kind, text) = match kind {
            EventKind::Declared {
                title,
                severity,
                commander,
                stage,
                ..
            } => {
                // A second declaration (two responders declaring the same
                // outage) reads as a restatement: last writer wins.
                self.severity = single_line(severity);
                self.severity_history.push(change(severity));
                if !stage.is_empty() {
                    self.stage = single_line(stage);
                    self.stage_history.push(change(stage));
                }
                self.hand_over(COMMANDER, &single_line(commander), e.at);
                (
                    EntryKind::Declared,
                    format!(
                        "Declared {} '{}'; {} is incident commander",
                        single_line(severity),
                        single_line(title),
                        single_line(commander)
                    ),
                )
            }
            EventKind::Note { note, text } => (EntryKind::Note(*note), sanitize(text)),
            EventKind::RoleAssigned { role, person } => {
                let (role, person) = (single_line(role), single_line(person));
                let previous = self.roles.get(&role).map(|h| h.person.clone());
                self.hand_over(&role, &person, e.at);
                named = Some(Named::Role {
                    role,
                    person: Some(person),
                    previous,
                });
                (EntryKind::Role, String::new())
            }
            EventKind::RoleReleased { role } => {
                let role = single_line(role);
                let previous = self.release(&role, e.at);
                named = Some(Named::Role {
                    role,
                    person: None,
                    previous,
                });
                (EntryKind::Role, String::new())
            }
            EventKind::SeverityChanged { severity } => {
                let from = std::mem::replace(&mut self.severity, single_line(severity));
                self.severity_history.push(change(severity));
                (
                    EntryKind::Severity,
                    format!("Severity {from} → {}", self.severity),
                )
            }
            EventKind::StageChanged { stage } => {
                let from = std::mem::replace(&mut self.stage, single_line(stage));
                self.stage_history.push(change(stage));
                named = Some(Named::Stage {
                    from,
                    to: self.stage.clone(),
                });
                (EntryKind::Stage, String::new())
            }
            EventKind::CanReport {
                conditions,
                actions,
                needs,
                role,
            } => {
                let report = CanReport {
                    id: e.id,
                    at: e.at,
                    reporter: author.clone(),
                    role: role.as_deref().map(single_line),
                    conditions: sanitize(conditions),
                    actions: sanitize(actions),
                    needs: sanitize(needs),
                };
                let text = format!(
                    "CAN — Conditions: {} | Actions: {} | Needs: {}",
                    report.conditions, report.actions, report.needs
                );
                self.can_reports.push(report);
                (EntryKind::Can, text)
            }
            EventKind::UpdateSent {
                status,
                impact,
                action,
                next_update,
            } => {
                let update = Update {
                    id: e.id,
                    at: e.at,
                    author: author.clone(),
                    severity: self.severity.clone(),
                    status: sanitize(status),
                    impact: sanitize(impact),
                    action: sanitize(action),
                    next_update: *next_update,
                    deliveries: Vec::new(),
                };
                let text = format!("Update sent — {}", update.status);
                self.updates.push(update);
                (EntryKind::Update, text)
            }
            EventKind::LinkAdded { label, url } => {
                let link = Link {
                    id: e.id,
                    label: single_line(label),
                    url: single_line(url),
                };
                let text = format!("{}: {}", link.label, link.url);
                self.links.push(link);
                (EntryKind::Link, text)
            }
            EventKind::ActionItemAdded { text, owner, due } => {
                let item = ActionItem {
                    id: e.id,
                    at: e.at,
                    text: single_line(text),
                    owner: owner.as_deref().map(single_line),
                    due: *due,
                    done_at: None,
                };
                if let Some(o) = &item.owner {
                    self.people.insert(o.clone());
                }
                let text = format!("Action item #{}: {}", e.id.short(), item.text);
                self.action_items.push(item);
                (EntryKind::ActionItem, text)
            }
            EventKind::ActionItemDone { item } => (
                EntryKind::ActionItem,
                format!("Action item #{} done", item.short()),
            ),
            EventKind::ChecklistTicked { stage, item } => {
                let tick = Tick {
                    at: e.at,
                    stage: single_line(stage),
                    item: single_line(item),
                    by: author.clone(),
                };
                let text = format!("✓ {}", tick.item);
                self.ticks.push(tick);
                (EntryKind::Checklist, text)
            }
            EventKind::Resolved { summary } => {
                self.resolved_at = Some(e.at);
                let text = if summary.is_empty() {
                    "Resolved".to_string()
                } else {
                    format!("Resolved — {}", sanitize(summary))
                };
                (EntryKind::Resolved, text)
            }
            EventKind::Reopened { reason } => {
                self.resolved_at = None;
                self.reopenings.push(e.at);
                let text = if reason.is_empty() {
                    "Reopened".to_string()
                } else {
                    format!("Reopened — {}", sanitize(reason))
                };
                (EntryKind::Reopened, text)
            }
            EventKind::CommandRan {
                command,
                duration_ms,
                exit,
                signal,
                not_started,
                output,
                destructive,
                announced,
                ..
            } => {
                let ended = ran_phrase(*exit, *signal, not_started.as_deref(), *duration_ms);
                let command = single_line(command);
                let step = announced.and_then(|a| self.steps.iter_mut().find(|s| s.id == a));
                // An announced run tells the whole story of its step.
                let mut text = match step {
                    Some(step) => {
                        step.outcome = Some(StepOutcome {
                            at: e.at,
                            ran: not_started.is_none(),
                            said: match not_started {
                                None => ended.clone(),
                                Some(why) => single_line(why),
                            },
                        });
                        let heard = match (step.objection(), not_started) {
                            (Some(o), None) => objected_phrase(&o.author, &o.reason),
                            (None, None) => "no objection".to_string(),
                            (_, Some(_)) => String::new(),
                        };
                        let announced = match heard.is_empty() {
                            true => format!("announced ({} s to object)", step.countdown_s),
                            false => {
                                format!("announced ({} s to object; {heard})", step.countdown_s)
                            }
                        };
                        match not_started {
                            None => format!("$ {command} → {announced}, ran: {ended}"),
                            Some(why) => {
                                format!("$ {command} → {announced}, not run: {}", single_line(why))
                            }
                        }
                    }
                    None => format!("$ {command} → {ended}"),
                };
                if !output.is_empty() {
                    text.push('\n');
                    text.push_str(&sanitize(output));
                }
                let kind = if *destructive {
                    NoteKind::Destructive
                } else {
                    NoteKind::Command
                };
                (EntryKind::Note(kind), text)
            }
            EventKind::StepAnnounced {
                text,
                countdown_s,
                run,
            } => {
                let step = Step {
                    id: e.id,
                    at: e.at,
                    author: author.clone(),
                    text: single_line(text),
                    countdown_s: *countdown_s,
                    run: *run,
                    objections: Vec::new(),
                    outcome: None,
                };
                let text = match run {
                    true => format!(
                        "Announced: $ {} (runs after {} s unless someone objects)",
                        step.text, countdown_s
                    ),
                    false => step.text.clone(),
                };
                self.steps.push(step);
                (EntryKind::Note(NoteKind::Destructive), text)
            }
            // It joins its step as a correction does (see `correct`): an
            // objection from a teammate whose clock is behind may sort
            // before the announcement, and must still hold the step.
            EventKind::Objected { target, reason } => {
                let text = match single_line(reason) {
                    r if r.is_empty() => format!("Objected to #{}", target.short()),
                    r => format!("Objected to #{}: {r}", target.short()),
                };
                (EntryKind::Objection, text)
            }
            EventKind::UpdateDelivery {
                update,
                channel,
                delivered,
                detail,
            } => {
                let delivery = Delivery {
                    at: e.at,
                    channel: single_line(channel),
                    delivered: *delivered,
                    detail: single_line(detail),
                };
                let text = delivery.describe();
                if let Some(u) = self.updates.iter_mut().rev().find(|u| u.id == *update) {
                    u.deliveries.push(delivery);
                }
                (EntryKind::Delivery, text)
            }
            EventKind::ImpactSet {
                affected,
                count,
                category,
            } => {
                let impact = Impact {
                    id: e.id,
                    at: e.at,
                    author: author.clone(),
                    affected: single_line(affected).trim().to_string(),
                    count: *count,
                    category: category.as_deref().map(single_line),
                };
                named = Some(Named::Impact {
                    affected: impact.affected.clone(),
                    count: impact.count,
                    category: impact.category.clone(),
                });
                self.impact = Some(impact);
                (EntryKind::Impact, String::new())
            }
            EventKind::Amended { .. } | EventKind::Redacted { .. } | EventKind::Pinned { .. } => {
                return;
            }
        };
        let text = match &named {
            Some(n) => n.describe(str::to_string, str::to_string, str::to_string),
            None => text,
        };
        self.timeline.push(Entry {
            id: e.id,
            at: e.at,
            author,
            kind: entry_kind,
            text,
            amended: false,
            redacted: false,
            pinned: false,
            named,
        });
    }
}

/// How a command run ended, in a few words: "exit 0 after 2.1 s".
pub fn ran_phrase(
    exit: Option<i32>,
    signal: Option<i32>,
    not_started: Option<&str>,
    duration_ms: u64,
) -> String {
    let took = match duration_ms {
        ms if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms => crate::domain::when::human_duration(chrono::Duration::milliseconds(ms as i64)),
    };
    match (exit, signal, not_started) {
        (_, _, Some(why)) => format!("did not start: {}", single_line(why)),
        (_, Some(sig), _) => format!("killed by {} after {took}", signal_name(sig)),
        (Some(code), _, _) => format!("exit {code} after {took}"),
        (None, None, None) => format!("ended after {took}"),
    }
}

/// The name of a signal whose number POSIX fixes, else its number.
fn signal_name(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    name.to_string()
}
