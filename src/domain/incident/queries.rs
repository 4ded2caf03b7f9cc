//! Questions asked of a folded incident.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Incident;
use super::records::{ActionItem, CanReport};
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
