//! What a channel receives: the update in the body its kind of webhook
//! takes. Every kind carries the same words as `update --print` and the
//! clipboard, under a line that says which incident it is about.

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

use crate::domain::channel::ChannelKind;
use crate::domain::draft::Draft;
use crate::domain::event::Event;
use crate::domain::incident::{Incident, Update};
use crate::domain::text::single_line;

/// An update and what it is about.
pub struct Message<'a> {
    pub incident: &'a Incident,
    pub update: &'a Update,
    /// The update as recorded, for the JSON kind.
    pub event: &'a Event,
    /// This moment in the zone the update's times are given in.
    pub now: DateTime<FixedOffset>,
}

impl Message<'_> {
    /// The line above the update: severity, title and the incident's ref.
    pub fn heading(&self) -> String {
        format!(
            "[{}] {} (incident {})",
            single_line(&self.update.severity),
            single_line(&self.incident.title),
            self.incident.id.short()
        )
    }

    /// The update as plain text, as the clipboard has it.
    pub fn text(&self) -> String {
        Draft::from(self.update).plain_text(self.update.next_update, &self.now)
    }
}

/// The body to post to a channel of `kind`.
pub fn body(kind: ChannelKind, m: &Message) -> Value {
    match kind {
        ChannelKind::Slack => {
            json!({ "text": slack_escape(&format!("{}\n{}", m.heading(), m.text())) })
        }
        ChannelKind::Teams => teams_card(m),
        ChannelKind::Json => json!({
            "incident": {
                "id": m.incident.id.to_string(),
                "ref": m.incident.id.short(),
                "title": m.incident.title,
                "severity": m.incident.severity,
                "stage": m.incident.stage,
            },
            "text": m.text(),
            // The event as every replica holds it, signature included.
            "event": serde_json::to_value(m.event).unwrap_or(Value::Null),
        }),
    }
}

/// Slack reads `<…>` as a link or a mention (`<!channel>` pings everyone)
/// and `&` as the start of an entity: the three are escaped, as its
/// documentation asks, so an update says what was typed and pings nobody.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An Adaptive Card, the message Teams' incoming webhooks and workflows
/// take: the heading in bold, then a block a line of the update.
fn teams_card(m: &Message) -> Value {
    let mut blocks =
        vec![json!({ "type": "TextBlock", "text": m.heading(), "weight": "Bolder", "wrap": true })];
    blocks.extend(
        m.text()
            .lines()
            .map(|l| json!({ "type": "TextBlock", "text": l, "wrap": true, "spacing": "None" })),
    );
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": blocks,
            },
        }],
    })
}
