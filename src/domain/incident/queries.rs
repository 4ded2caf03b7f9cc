//! Questions asked of a folded incident.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Incident;
use super::entry::{Entry, EntryKind};
use super::records::{ActionItem, CanReport};
use crate::domain::clock::Hlc;
use crate::domain::ids::IncidentId;
use crate::domain::playbook::COMMANDER;

impl Incident {
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

    /// Whether an item of a stage's checklist has been ticked.
    pub fn is_ticked(&self, stage: &str, item: &str) -> bool {
        self.ticks
            .iter()
            .any(|t| t.stage == stage && t.item == item)
    }
}

/// What a list of incidents shows of each one.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub id: IncidentId,
    pub title: String,
    pub severity: String,
    pub stage: String,
    pub commander: Option<String>,
    pub declared_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub last_activity: DateTime<Utc>,
    pub last_recorded: Hlc,
}

impl Summary {
    pub fn is_resolved(&self) -> bool {
        self.resolved_at.is_some()
    }

    /// Most recently active first (ties, by id): the order lists and
    /// "the current incident" go by.
    pub fn recency(&self) -> std::cmp::Reverse<(DateTime<Utc>, Hlc, IncidentId)> {
        std::cmp::Reverse((self.last_activity, self.last_recorded, self.id))
    }
}

impl Incident {
    /// The few fields a list shows.
    pub fn summary(&self) -> Summary {
        Summary {
            id: self.id,
            title: self.title.clone(),
            severity: self.severity.clone(),
            stage: self.stage.clone(),
            commander: self.commander().map(str::to_string),
            declared_at: self.declared_at,
            resolved_at: self.resolved_at,
            last_activity: self.last_activity,
            last_recorded: self.last_recorded,
        }
    }

    /// The incident as the rules and `status` read it: the timeline without
    /// its notes, save any entry `naming` (a reference as typed, e.g. the
    /// entry an amendment names) matches. Notes are the bulk of a long log
    /// and no rule reads one, so a store can hand this over without reading
    /// them all.
    pub fn without_notes(mut self, naming: Option<&str>) -> Incident {
        let named = naming.map(entry_ref);
        self.timeline
            .retain(|e| !e.kind.is_note() || named.is_some_and(|r| e.id.matches_ref(r)));
        self
    }

    /// Puts back the timeline of a state kept without it (as a store keeps
    /// it), and what is made from its entries: `entries` are in the agreed
    /// order and hold at least every entry that is not a note.
    pub fn set_timeline(&mut self, entries: Vec<Entry>) {
        self.reopenings = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Reopened)
            .map(|e| e.at)
            .collect();
        self.timeline = entries;
    }
}

/// A reference to an entry as typed, ready to match: `#` and spaces off.
pub fn entry_ref(typed: &str) -> &str {
    typed.trim().trim_start_matches('#')
}
