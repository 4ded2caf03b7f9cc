//! The plain records an incident keeps beside its timeline.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::EventId;
use crate::domain::redaction::REDACTED;
use crate::domain::text::{single_line, thousands};

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
    /// What became of posting it to each channel, in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
}

/// One outcome of posting an update to a channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub at: DateTime<Utc>,
    pub channel: String,
    pub delivered: bool,
    pub detail: String,
}

impl Delivery {
    /// The timeline's line for it.
    pub fn describe(&self) -> String {
        delivery_line(&self.channel, self.delivered, &self.detail)
    }
}

/// What a delivery says, in the timeline and to the person who recorded it.
pub fn delivery_line(channel: &str, delivered: bool, detail: &str) -> String {
    match (delivered, detail.is_empty()) {
        (true, _) => format!("Update delivered to {channel}"),
        (false, true) => format!("Update not delivered to {channel}"),
        (false, false) => format!("Update not delivered to {channel}: {detail}"),
    }
}

impl Update {
    /// When the update first reached a channel: when stakeholders were
    /// really told.
    pub fn first_delivered(&self) -> Option<DateTime<Utc>> {
        self.deliveries
            .iter()
            .filter(|d| d.delivered)
            .map(|d| d.at)
            .min()
    }
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

/// The incident's impact as last set: who is affected, how many, and what
/// kind of failure it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// The event that set it, so a redaction can find it.
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    /// Who is affected, as typed; empty when only a count or a category
    /// was given.
    pub affected: String,
    pub count: Option<u64>,
    /// A category id of the incident's playbook.
    pub category: Option<String>,
}

impl Impact {
    /// Who is affected, as it may be offered to set again: empty once
    /// redacted, so the redacted words are never carried into a new
    /// impact.
    pub fn affected_words(&self) -> &str {
        if self.affected == REDACTED {
            ""
        } else {
            &self.affected
        }
    }

    /// The impact in one line, the category named by `category_name`:
    /// "checkout customers in the EU (about 1,200) · Deployment regression".
    pub fn line(&self, category_name: impl Fn(&str) -> String) -> String {
        impact_line(
            &self.affected,
            self.count,
            self.category.as_deref().map(category_name).as_deref(),
        )
    }

    /// Whether it says what an `impact_set` with these fields says, read
    /// as the fold reads them.
    pub fn says(&self, affected: &str, count: Option<u64>, category: Option<&str>) -> bool {
        let affected = single_line(affected);
        (self.affected.as_str(), self.count, self.category.as_deref())
            == (affected.trim(), count, category)
    }

    /// The impact as a sentence for stakeholders: "About 1,200 checkout
    /// customers in the EU are affected.", or "Affected: checkout
    /// customers." without a count. `None` when it does not say who.
    pub fn sentence(&self) -> Option<String> {
        let who = self.affected_words().trim();
        if who.is_empty() {
            return None;
        }
        Some(match self.count {
            Some(1) => format!("1 {who} is affected."),
            Some(n) => format!("About {} {who} are affected.", thousands(n)),
            None => format!("Affected: {who}."),
        })
    }

    /// The impact in few words, for a header: "1,200 checkout customers ·
    /// deployment", the category by its id.
    pub fn compact(&self) -> String {
        let who = match (self.count, self.affected.as_str()) {
            (Some(n), "") => format!("{} affected", thousands(n)),
            (Some(n), who) => format!("{} {who}", thousands(n)),
            (None, who) => who.to_string(),
        };
        [Some(who), self.category.clone()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// What an impact says in one line, its category already named.
pub fn impact_line(affected: &str, count: Option<u64>, category: Option<&str>) -> String {
    let mut parts = Vec::new();
    match (affected.is_empty(), count) {
        (false, Some(n)) => parts.push(format!("{affected} (about {})", thousands(n))),
        (false, None) => parts.push(affected.to_string()),
        (true, Some(n)) => parts.push(format!("about {} affected", thousands(n))),
        (true, None) => {}
    }
    parts.extend(category.map(str::to_string));
    parts.join(" · ")
}
