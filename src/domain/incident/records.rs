//! The plain records an incident keeps beside its timeline.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::EventId;

/// A value that changed over time, with who changed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub value: String,
    pub author: String,
}

/// Who holds a role now, and since when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    pub person: String,
    pub since: DateTime<Utc>,
}

/// One person's time in one role; `to` is `None` while they still hold it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleSpan {
    pub role: String,
    pub person: String,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CanReport {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub reporter: String,
    pub role: Option<String>,
    pub conditions: String,
    pub actions: String,
    pub needs: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The event that added it, so a redaction can find it.
    pub id: EventId,
    pub label: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    pub at: DateTime<Utc>,
    pub stage: String,
    pub item: String,
    pub by: String,
}
