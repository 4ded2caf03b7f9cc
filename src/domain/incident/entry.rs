//! Timeline entries: what each line is, and its text as people read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::event::NoteKind;
use crate::domain::ids::EventId;
use crate::domain::playbook::Playbook;

use super::records::impact_line;

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
    /// What became of posting an update to a channel.
    Delivery,
    /// An objection to an announced destructive step.
    Objection,
    Link,
    ActionItem,
    Checklist,
    Resolved,
    Reopened,
    /// Who is affected, how many, and the category, set or changed.
    Impact,
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
            EntryKind::Delivery => "delivery",
            EntryKind::Objection => "objection",
            EntryKind::Link => "link",
            EntryKind::ActionItem => "action-item",
            EntryKind::Checklist => "checklist",
            EntryKind::Resolved => "resolved",
            EntryKind::Reopened => "reopened",
            EntryKind::Impact => "impact",
        }
    }

    /// A note of some kind: what people write as it happens, the bulk of a
    /// long log. No rule reads one, save the entry a command names.
    pub fn is_note(self) -> bool {
        matches!(self, EntryKind::Note(_))
    }

    /// Every kind, in the order filters list them.
    pub const ALL: [EntryKind; 20] = [
        EntryKind::Declared,
        EntryKind::Note(NoteKind::Note),
        EntryKind::Note(NoteKind::Decision),
        EntryKind::Note(NoteKind::Finding),
        EntryKind::Note(NoteKind::Action),
        EntryKind::Note(NoteKind::Command),
        EntryKind::Note(NoteKind::Destructive),
        EntryKind::Role,
        EntryKind::Severity,
        EntryKind::Impact,
        EntryKind::Stage,
        EntryKind::Can,
        EntryKind::Update,
        EntryKind::Delivery,
        EntryKind::Objection,
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
    pub(super) named: Option<Named>,
}

/// The parts of an entry that name playbook things (roles, stages) by id,
/// so the text can be written with the playbook's names where it is at
/// hand. Serialised only where a store keeps an entry (see
/// [`Entry::named_json`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "named", rename_all = "snake_case")]
pub(super) enum Named {
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
    /// Cleared when the entry is redacted, as it holds the words.
    Impact {
        affected: String,
        count: Option<u64>,
        category: Option<String>,
    },
}

impl Named {
    pub(super) fn describe(
        &self,
        role_name: impl Fn(&str) -> String,
        stage_name: impl Fn(&str) -> String,
        category_name: impl Fn(&str) -> String,
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
            Named::Impact {
                affected,
                count,
                category,
            } => {
                let category = category.as_deref().map(category_name);
                format!(
                    "Impact: {}",
                    impact_line(affected, *count, category.as_deref())
                )
            }
        }
    }
}

impl Entry {
    /// An entry as a store reads it back, before its marks and what it
    /// names are set.
    pub fn new(
        id: EventId,
        at: DateTime<Utc>,
        author: String,
        kind: EntryKind,
        text: String,
    ) -> Entry {
        Entry {
            id,
            at,
            author,
            kind,
            text,
            amended: false,
            redacted: false,
            pinned: false,
            named: None,
        }
    }

    /// What the entry names by id (a role, a stage) as JSON, for a store
    /// that keeps entries apart from the state: `text_for` needs it, and
    /// the entry's JSON leaves it out. `None` when the text says it all.
    pub fn named_json(&self) -> Option<String> {
        self.named
            .as_ref()
            .map(|n| serde_json::to_string(n).expect("names always serialise"))
    }

    /// The entry with what [`Entry::named_json`] gave back.
    pub fn with_named_json(mut self, json: Option<&str>) -> Result<Entry, serde_json::Error> {
        self.named = json.map(serde_json::from_str).transpose()?;
        Ok(self)
    }

    /// The text as people read it: role, stage and category ids become
    /// the playbook's names ("sam takes Communications lead"). Corrections keep
    /// their own text.
    pub fn text_for(&self, playbook: &Playbook) -> std::borrow::Cow<'_, str> {
        let stage_name = |id: &str| {
            playbook
                .stage(id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        match &self.named {
            Some(n) if !self.amended && !self.redacted => {
                let category_name = |id: &str| playbook.category_name(id);
                n.describe(|r| playbook.role_name(r), stage_name, category_name)
                    .into()
            }
            _ => self.text.as_str().into(),
        }
    }
}
