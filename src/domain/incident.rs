//! The projection: an incident's state is a fold of its events in the order
//! every replica agrees on. Single values are last-writer-wins in that order,
//! collections grow, corrections (amend, redact) apply after the fold so
//! their own position in the order does not matter.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::clock::Hlc;
use super::event::{Event, EventKind, NoteKind};
use super::ids::{EventId, IncidentId};
use super::playbook::{COMMANDER, Playbook};
use super::redaction::REDACTED;
use super::text::{sanitize, single_line};

/// What a timeline entry is, for display and filtering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Declared,
    Note(NoteKind),
    Role,
    Severity,
    Stage,
    Can,
    Update,
    Link,
    ActionItem,
    Checklist,
    Resolved,
    Reopened,
}

impl EntryKind {
    /// A short label, as printed in the timeline.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Declared => "declared",
            EntryKind::Note(k) => k.name(),
            EntryKind::Role => "role",
            EntryKind::Severity => "severity",
            EntryKind::Stage => "stage",
            EntryKind::Can => "can",
            EntryKind::Update => "update",
            EntryKind::Link => "link",
            EntryKind::ActionItem => "action-item",
            EntryKind::Checklist => "checklist",
            EntryKind::Resolved => "resolved",
            EntryKind::Reopened => "reopened",
        }
    }

    /// Every kind, in the order filters list them.
    pub const ALL: [EntryKind; 17] = [
        EntryKind::Declared,
        EntryKind::Note(NoteKind::Note),
        EntryKind::Note(NoteKind::Decision),
        EntryKind::Note(NoteKind::Finding),
        EntryKind::Note(NoteKind::Action),
        EntryKind::Note(NoteKind::Command),
        EntryKind::Note(NoteKind::Destructive),
        EntryKind::Role,
        EntryKind::Severity,
        EntryKind::Stage,
        EntryKind::Can,
        EntryKind::Update,
        EntryKind::Link,
        EntryKind::ActionItem,
        EntryKind::Checklist,
        EntryKind::Resolved,
        EntryKind::Reopened,
    ];

    /// Every label, for filters and error messages.
    pub fn all_labels() -> Vec<&'static str> {
        EntryKind::ALL.iter().map(|k| k.label()).collect()
    }

    /// The kind a label names.
    pub fn from_label(label: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub kind: EntryKind,
    /// The text with roles by id, as the fold can write it without the
    /// playbook; [`Entry::text_for`] names them for people.
    pub text: String,
    pub amended: bool,
    pub redacted: bool,
    pub pinned: bool,
    #[serde(skip)]
    named: Option<Named>,
}

/// The parts of an entry that name playbook things (roles, stages) by id,
/// so the text can be written with the playbook's names where it is at
/// hand.
#[derive(Clone, Debug, PartialEq)]
enum Named {
    Role {
        role: String,
        /// Who took the role; `None` for a release.
        person: Option<String>,
        /// Who held it before.
        previous: Option<String>,
    },
    Stage {
        from: String,
        to: String,
    },
}

impl Named {
    fn describe(
        &self,
        role_name: impl Fn(&str) -> String,
        stage_name: impl Fn(&str) -> String,
    ) -> String {
        match self {
            Named::Role {
                role,
                person,
                previous,
            } => {
                let role = role_name(role);
                match (person, previous) {
                    (Some(p), Some(prev)) if prev != p => {
                        format!("{role}: {prev} hands over to {p}")
                    }
                    (Some(p), _) => format!("{p} takes {role}"),
                    (None, Some(prev)) => format!("{prev} releases {role}"),
                    (None, None) => format!("{role} released (it was not held)"),
                }
            }
            Named::Stage { from, to } => format!("Stage {} → {}", stage_name(from), stage_name(to)),
        }
    }
}

impl Entry {
    /// The text as people read it: role and stage ids become the
    /// playbook's names ("sam takes Communications lead"). Corrections keep
    /// their own text.
    pub fn text_for(&self, playbook: &Playbook) -> std::borrow::Cow<'_, str> {
        let stage_name = |id: &str| {
            playbook
                .stage(id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        match &self.named {
            Some(n) if !self.amended && !self.redacted => {
                n.describe(|r| playbook.role_name(r), stage_name).into()
            }
            _ => self.text.as_str().into(),
        }
    }
}

/// A value that changed over time, with who changed it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub value: String,
    pub author: String,
}

/// Who holds a role now, and since when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Holder {
    pub person: String,
    pub since: DateTime<Utc>,
}

/// One person's time in one role; `to` is `None` while they still hold it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleSpan {
    pub role: String,
    pub person: String,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CanReport {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub reporter: String,
    pub role: Option<String>,
    pub conditions: String,
    pub actions: String,
    pub needs: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Update {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub severity: String,
    pub status: String,
    pub impact: String,
    pub action: String,
    pub next_update: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    /// The event that added it, so a redaction can find it.
    pub id: EventId,
    pub label: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionItem {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tick {
    pub at: DateTime<Utc>,
    pub stage: String,
    pub item: String,
    pub by: String,
}

/// The state of one incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    pub summary: String,
    pub playbook: String,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    pub severity: String,
    pub severity_history: Vec<Change>,
    pub stage: String,
    pub stage_history: Vec<Change>,
    /// Current holders, by role id.
    pub roles: BTreeMap<String, Holder>,
    /// Every holding of every role, in order.
    pub role_spans: Vec<RoleSpan>,
    pub timeline: Vec<Entry>,
    pub can_reports: Vec<CanReport>,
    pub updates: Vec<Update>,
    pub links: Vec<Link>,
    pub action_items: Vec<ActionItem>,
    pub ticks: Vec<Tick>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Everyone seen in this incident: authors, role holders, owners.
    pub people: BTreeSet<String>,
    /// The latest `at` of any event: "most recently active".
    pub last_activity: DateTime<Utc>,
    /// The latest recording clock of any event: breaks ties in activity.
    pub last_recorded: Hlc,
    pub event_count: usize,
}

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
        // Entries backfilled to before the declaration wait for it.
        let mut before: Vec<E> = Vec::new();
        let mut inc: Option<Incident> = None;
        let mut corrections: Vec<Event> = Vec::new();
        for e in events {
            let (mine, declares) = {
                let ev = e.borrow();
                let known = ev.known();
                (
                    ev.incident == id && known.is_some(),
                    matches!(known, Some(EventKind::Declared { .. })),
                )
            };
            if !mine {
                continue;
            }
            match &mut inc {
                Some(i) => i.apply(e.borrow(), &mut corrections),
                None if declares => {
                    let mut i = Incident::from_declaration(e.borrow())?;
                    for b in &before {
                        i.apply(b.borrow(), &mut corrections);
                    }
                    before.clear();
                    i.apply(e.borrow(), &mut corrections);
                    inc = Some(i);
                }
                None => before.push(e),
            }
        }
        let mut inc = inc?;
        inc.apply_corrections(&corrections);
        Some(inc)
    }

    fn from_declaration(e: &Event) -> Option<Incident> {
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
            roles: BTreeMap::new(),
            role_spans: Vec::new(),
            timeline: Vec::new(),
            can_reports: Vec::new(),
            updates: Vec::new(),
            links: Vec::new(),
            action_items: Vec::new(),
            ticks: Vec::new(),
            resolved_at: None,
            people: BTreeSet::new(),
            last_activity: e.at,
            last_recorded: e.hlc,
            event_count: 0,
        })
    }

    fn apply(&mut self, e: &Event, corrections: &mut Vec<Event>) {
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
            EventKind::ActionItemDone { item } => {
                corrections.push(e.clone());
                (
                    EntryKind::ActionItem,
                    format!("Action item #{} done", item.short()),
                )
            }
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
                let text = if reason.is_empty() {
                    "Reopened".to_string()
                } else {
                    format!("Reopened — {}", sanitize(reason))
                };
                (EntryKind::Reopened, text)
            }
            EventKind::Amended { .. } | EventKind::Redacted { .. } | EventKind::Pinned { .. } => {
                corrections.push(e.clone());
                return;
            }
        };
        let text = match &named {
            Some(n) => n.describe(str::to_string, str::to_string),
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

    fn hand_over(&mut self, role: &str, person: &str, at: DateTime<Utc>) {
        self.people.insert(person.to_string());
        if self.roles.get(role).is_some_and(|h| h.person == person) {
            return;
        }
        self.release(role, at);
        self.roles.insert(
            role.to_string(),
            Holder {
                person: person.to_string(),
                since: at,
            },
        );
        self.role_spans.push(RoleSpan {
            role: role.to_string(),
            person: person.to_string(),
            from: at,
            to: None,
        });
    }

    fn release(&mut self, role: &str, at: DateTime<Utc>) -> Option<String> {
        let holder = self.roles.remove(role)?;
        if let Some(span) = self
            .role_spans
            .iter_mut()
            .rev()
            .find(|s| s.role == role && s.to.is_none())
        {
            span.to = Some(at);
        }
        Some(holder.person)
    }

    fn apply_corrections(&mut self, corrections: &[Event]) {
        let index: HashMap<EventId, usize> = self
            .timeline
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i))
            .collect();
        for e in corrections {
            match e.known() {
                Some(EventKind::Amended { target, text }) => {
                    if let Some(&i) = index.get(target) {
                        let entry = &mut self.timeline[i];
                        if !entry.redacted {
                            entry.text = sanitize(text);
                            entry.amended = true;
                        }
                    }
                }
                Some(EventKind::Redacted { target, .. }) => {
                    if let Some(&i) = index.get(target) {
                        let entry = &mut self.timeline[i];
                        entry.text = REDACTED.to_string();
                        entry.redacted = true;
                        // The declaration's words live on as the title.
                        if entry.kind == EntryKind::Declared {
                            self.title = REDACTED.to_string();
                            self.summary = REDACTED.to_string();
                        }
                    }
                    self.redact_records(*target);
                }
                Some(EventKind::Pinned { target }) => {
                    if let Some(&i) = index.get(target) {
                        self.timeline[i].pinned = true;
                    }
                }
                Some(EventKind::ActionItemDone { item }) => {
                    if let Some(a) = self.action_items.iter_mut().find(|a| a.id == *item) {
                        a.done_at = Some(a.done_at.map_or(e.at, |d| d.min(e.at)));
                    }
                }
                _ => {}
            }
        }
    }

    fn redact_records(&mut self, target: EventId) {
        for r in self.can_reports.iter_mut().filter(|r| r.id == target) {
            r.conditions = REDACTED.into();
            r.actions = REDACTED.into();
            r.needs = REDACTED.into();
        }
        for u in self.updates.iter_mut().filter(|u| u.id == target) {
            u.status = REDACTED.into();
            u.impact = REDACTED.into();
            u.action = REDACTED.into();
        }
        for a in self.action_items.iter_mut().filter(|a| a.id == target) {
            a.text = REDACTED.into();
        }
        for l in self.links.iter_mut().filter(|l| l.id == target) {
            l.label = REDACTED.into();
            l.url = REDACTED.into();
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.resolved_at.is_some()
    }

    /// The incident commander now, if any.
    pub fn commander(&self) -> Option<&str> {
        self.roles.get(COMMANDER).map(|h| h.person.as_str())
    }

    /// The first role a person holds, by role id: whom they report for.
    pub fn role_held_by(&self, person: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|(_, h)| h.person == person)
            .map(|(r, _)| r.as_str())
    }

    /// The latest CAN report from each reporter (by role where they gave
    /// one), newest first.
    pub fn latest_can_reports(&self) -> Vec<&CanReport> {
        let mut latest: BTreeMap<String, &CanReport> = BTreeMap::new();
        for r in &self.can_reports {
            let key = r.role.clone().unwrap_or_else(|| r.reporter.clone());
            latest.insert(key, r);
        }
        let mut v: Vec<&CanReport> = latest.into_values().collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.at));
        v
    }

    /// The severity in force at a moment.
    pub fn severity_at(&self, at: DateTime<Utc>) -> &str {
        self.severity_history
            .iter()
            .rev()
            .find(|c| c.at <= at)
            .or(self.severity_history.first())
            .map_or(self.severity.as_str(), |c| c.value.as_str())
    }

    /// When the current severity came into force.
    pub fn severity_since(&self) -> DateTime<Utc> {
        self.severity_history
            .last()
            .map_or(self.declared_at, |c| c.at)
    }

    /// The action item a short reference names.
    pub fn find_action_item(&self, reference: &str) -> Option<&ActionItem> {
        let r = reference.trim().trim_start_matches('#');
        self.action_items.iter().find(|a| a.id.matches_ref(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, FORMAT_VERSION};
    use crate::domain::ids::ReplicaId;
    use proptest::prelude::*;

    struct Log {
        incident: IncidentId,
        events: Vec<Event>,
    }

    impl Log {
        fn new() -> Log {
            Log {
                incident: IncidentId::from_parts(1_000, 42),
                events: Vec::new(),
            }
        }

        /// Records `kind` at minute `min` by `who` on replica `replica`.
        fn add(&mut self, replica: u128, min: i64, who: &str, kind: EventKind) -> EventId {
            let seq = self
                .events
                .iter()
                .filter(|e| e.replica == ReplicaId::from_parts(1, replica))
                .count() as u64
                + 1;
            let id = EventId::from_parts(
                2_000 + self.events.len() as u64,
                replica * 1000 + seq as u128,
            );
            let at = DateTime::from_timestamp(1_700_000_000 + min * 60, 0).unwrap();
            self.events.push(Event {
                v: FORMAT_VERSION,
                id,
                incident: self.incident,
                replica: ReplicaId::from_parts(1, replica),
                seq,
                hlc: Hlc {
                    ms: at.timestamp_millis(),
                    c: 0,
                },
                at,
                author: who.into(),
                body: Body::Known(kind),
            });
            id
        }
    }

    fn declared(commander: &str) -> EventKind {
        EventKind::Declared {
            title: "Checkout failing".into(),
            severity: "P2".into(),
            summary: String::new(),
            playbook: "default".into(),
            commander: commander.into(),
            stage: "detect".into(),
        }
    }

    fn assign(role: &str, person: &str) -> EventKind {
        EventKind::RoleAssigned {
            role: role.into(),
            person: person.into(),
        }
    }

    fn busy_log() -> Log {
        let mut log = Log::new();
        log.add(1, 0, "ana", declared("ana"));
        log.add(2, 3, "bo", assign("tech", "bo"));
        log.add(
            1,
            5,
            "ana",
            EventKind::SeverityChanged {
                severity: "P1".into(),
            },
        );
        log.add(
            3,
            5,
            "cy",
            EventKind::SeverityChanged {
                severity: "P2".into(),
            },
        );
        log.add(1, 10, "ana", assign("commander", "dee"));
        log.add(
            2,
            12,
            "bo",
            EventKind::StageChanged {
                stage: "mitigate".into(),
            },
        );
        let note = log.add(
            3,
            14,
            "cy",
            EventKind::Note {
                note: NoteKind::Finding,
                text: "bad deploy".into(),
            },
        );
        log.add(
            1,
            20,
            "dee",
            EventKind::Amended {
                target: note,
                text: "bad deploy of api 2.3".into(),
            },
        );
        log.add(
            2,
            21,
            "bo",
            EventKind::RoleReleased {
                role: "tech".into(),
            },
        );
        log.add(
            3,
            22,
            "cy",
            EventKind::CanReport {
                conditions: "errors at 5%".into(),
                actions: "rolling back".into(),
                needs: "db access".into(),
                role: Some("tech".into()),
            },
        );
        log
    }

    /// Every kind of event, with ties in `at` across replicas and
    /// corrections that point at events from other replicas.
    fn rich_log() -> Log {
        let mut log = busy_log();
        let can = log.events.last().unwrap().id;
        log.add(
            1,
            22,
            "dee",
            EventKind::UpdateSent {
                status: "rolling back".into(),
                impact: "5% of checkouts".into(),
                action: "rollback".into(),
                next_update: None,
            },
        );
        let item = log.add(
            2,
            23,
            "bo",
            EventKind::ActionItemAdded {
                text: "alert on pool".into(),
                owner: Some("cy".into()),
                due: None,
            },
        );
        log.add(3, 23, "cy", EventKind::ActionItemDone { item });
        log.add(
            1,
            23,
            "dee",
            EventKind::Redacted {
                target: can,
                reason: String::new(),
            },
        );
        log.add(
            2,
            24,
            "bo",
            EventKind::ChecklistTicked {
                stage: "mitigate".into(),
                item: "roll back".into(),
            },
        );
        log.add(
            3,
            24,
            "cy",
            EventKind::LinkAdded {
                label: "call".into(),
                url: "https://x".into(),
            },
        );
        log.add(
            1,
            25,
            "dee",
            EventKind::Resolved {
                summary: "ok".into(),
            },
        );
        log.add(
            2,
            25,
            "bo",
            EventKind::Reopened {
                reason: "errors again".into(),
            },
        );
        log.add(3, 25, "cy", assign("tech", "cy"));
        log.add(2, 25, "bo", assign("tech", "bo"));
        log.add(1, 26, "dee", EventKind::Pinned { target: item });
        log
    }

    #[test]
    fn ties_in_time_break_by_replica_and_sets_grow() {
        let log = rich_log();
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(
            inc.roles["tech"].person, "cy",
            "replica 3 sorts after replica 2 at the same moment"
        );
        assert!(!inc.is_resolved(), "reopened after resolving");
        assert!(inc.action_items[0].done_at.is_some());
        assert_eq!(inc.can_reports[0].needs, "[redacted]");
        assert!(
            inc.timeline
                .iter()
                .any(|e| e.pinned && e.kind == EntryKind::ActionItem)
        );
        assert_eq!(
            (inc.updates.len(), inc.links.len(), inc.ticks.len()),
            (1, 1, 1)
        );
    }

    #[test]
    fn role_changes_keep_their_history() {
        let log = busy_log();
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(inc.commander(), Some("dee"));
        let ic: Vec<_> = inc
            .role_spans
            .iter()
            .filter(|s| s.role == "commander")
            .collect();
        assert_eq!(ic.len(), 2);
        assert_eq!(ic[0].person, "ana");
        assert_eq!(
            ic[0].to,
            Some(ic[1].from),
            "ana held IC until dee took over"
        );
        assert_eq!(ic[1].to, None);
        let tech = inc.role_spans.iter().find(|s| s.role == "tech").unwrap();
        assert_eq!(tech.person, "bo");
        assert!(tech.to.is_some(), "bo released tech");
        assert!(!inc.roles.contains_key("tech"));
    }

    #[test]
    fn single_values_are_last_writer_wins_in_the_agreed_order() {
        let log = busy_log();
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        // Both severity changes happened at minute 5; replica 3 sorts after 1.
        assert_eq!(inc.severity, "P2");
        assert_eq!(inc.stage, "mitigate");
    }

    #[test]
    fn corrections_apply_to_their_target() {
        let log = busy_log();
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        let finding = inc
            .timeline
            .iter()
            .find(|e| e.kind == EntryKind::Note(NoteKind::Finding))
            .unwrap();
        assert_eq!(finding.text, "bad deploy of api 2.3");
        assert!(finding.amended);
    }

    #[test]
    fn a_redaction_hides_text_everywhere() {
        let mut log = busy_log();
        let can = log.events.last().unwrap().id;
        log.add(
            1,
            30,
            "dee",
            EventKind::Redacted {
                target: can,
                reason: "pasted a secret".into(),
            },
        );
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(inc.can_reports[0].needs, "[redacted]");
        assert!(
            inc.timeline
                .iter()
                .any(|e| e.redacted && e.text == "[redacted]")
        );
        assert!(!format!("{inc:?}").contains("db access"));
    }

    #[test]
    fn a_redacted_link_loses_its_address() {
        let mut log = busy_log();
        let link = log.add(
            2,
            31,
            "bo",
            EventKind::LinkAdded {
                label: "dashboard".into(),
                url: "https://grafana.example.com/?token=s3cret".into(),
            },
        );
        log.add(
            1,
            32,
            "dee",
            EventKind::Redacted {
                target: link,
                reason: "token in the URL".into(),
            },
        );
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(inc.links[0].url, "[redacted]");
        assert!(!format!("{inc:?}").contains("s3cret"));
    }

    #[test]
    fn redacting_the_declaration_hides_the_title_and_summary() {
        let mut log = busy_log();
        let declaration = log.events[0].id;
        log.add(
            1,
            40,
            "dee",
            EventKind::Redacted {
                target: declaration,
                reason: String::new(),
            },
        );
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(inc.title, "[redacted]");
        assert!(!format!("{inc:?}").contains("Checkout failing"));
    }

    #[test]
    fn role_entries_read_with_the_playbook_s_names() {
        let log = busy_log();
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        let pb = Playbook::parse(include_str!("../../playbooks/default.toml")).unwrap();
        let roles: Vec<String> = inc
            .timeline
            .iter()
            .filter(|e| e.kind == EntryKind::Role)
            .map(|e| e.text_for(&pb).into_owned())
            .collect();
        assert_eq!(
            roles,
            [
                "bo takes Technical lead",
                "Incident commander: ana hands over to dee",
                "bo releases Technical lead"
            ]
        );
        assert_eq!(
            inc.timeline[1].text, "bo takes tech",
            "the stored text keeps the id"
        );
        let stage = inc
            .timeline
            .iter()
            .find(|e| e.kind == EntryKind::Stage)
            .unwrap();
        assert_eq!(stage.text_for(&pb), "Stage Detect → Mitigate");
    }

    #[test]
    fn text_from_the_log_is_sanitised() {
        let mut log = Log::new();
        log.add(1, 0, "ana\u{1b}[2J", declared("ana"));
        log.add(
            1,
            1,
            "ana",
            EventKind::Note {
                note: NoteKind::Note,
                text: "hi\u{1b}]0;owned\u{7} there".into(),
            },
        );
        let inc = Incident::fold(log.incident, &log.events).unwrap();
        assert_eq!(inc.timeline[1].text, "hi there");
        assert_eq!(inc.declared_by, "ana");
    }

    #[test]
    fn without_a_declaration_there_is_no_incident() {
        let mut log = Log::new();
        log.add(
            1,
            0,
            "ana",
            EventKind::Note {
                note: NoteKind::Note,
                text: "x".into(),
            },
        );
        assert!(Incident::fold(log.incident, &log.events).is_none());
    }

    proptest! {
        #[test]
        fn the_fold_is_the_same_for_any_arrival_order(seed in any::<u64>()) {
            let log = rich_log();
            let expected = Incident::fold(log.incident, &log.events).unwrap();
            let mut shuffled = log.events.clone();
            // A deterministic shuffle from the seed (Fisher-Yates on an LCG).
            let mut x = seed;
            for i in (1..shuffled.len()).rev() {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (x >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(Incident::fold(log.incident, &shuffled).unwrap(), expected);
        }
    }
}
