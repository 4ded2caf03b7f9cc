//! The projection: an incident's state is a fold of its events in the order
//! every replica agrees on. Single values are last-writer-wins in that order,
//! collections grow, corrections (amend, redact) apply after the fold so
//! their own position in the order does not matter.

mod corrections;
mod entry;
mod fold;
mod projection;
mod queries;
mod records;
mod roles;
mod steps;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::Hlc;
use super::ids::IncidentId;

pub use entry::{Entry, EntryKind};
pub use fold::ran_phrase;
pub use projection::Projection;
pub use queries::{Summary, entry_ref};
pub use records::{
    ActionItem, CanReport, Change, Delivery, Holder, Impact, Link, RoleSpan, Tick, Update,
    delivery_line, impact_line,
};
pub use steps::{Objection, Outcome as StepOutcome, Step, StepState, objected_phrase};

/// The state of one incident.
///
/// Deserialised (as a store reads back the state it kept), the timeline is
/// left empty: a store keeps the entries apart, one row each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Who is affected, how many, and the category, as last set. Absent
    /// from states a store kept before impacts existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// Current holders, by role id.
    pub roles: BTreeMap<String, Holder>,
    /// Every holding of every role, in order.
    pub role_spans: Vec<RoleSpan>,
    #[serde(skip_deserializing)]
    pub timeline: Vec<Entry>,
    pub can_reports: Vec<CanReport>,
    pub updates: Vec<Update>,
    pub links: Vec<Link>,
    pub action_items: Vec<ActionItem>,
    pub ticks: Vec<Tick>,
    /// Destructive steps announced, with their objections and outcomes.
    #[serde(default)]
    pub steps: Vec<Step>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// When the incident was reopened, in the agreed order (so by time):
    /// the comms cadence restarts at each, and a console asks for it every
    /// frame, so it is kept rather than looked for in the timeline. Not
    /// kept by a store: every reopening is an entry that is not a note, and
    /// a store reads all of those, so [`Incident::set_timeline`] makes it
    /// again from them.
    #[serde(skip)]
    pub reopenings: Vec<DateTime<Utc>>,
    /// Everyone seen in this incident: authors, role holders, owners.
    pub people: BTreeSet<String>,
    /// The latest `at` of any event: "most recently active".
    pub last_activity: DateTime<Utc>,
    /// The latest recording clock of any event: breaks ties in activity.
    pub last_recorded: Hlc,
    pub event_count: usize,
}
