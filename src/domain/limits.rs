//! How much text one event may carry. The writer refuses more at the door
//! and every reader accepts at least as much, so whatever one replica
//! records, every other can read: an event too large to replicate would
//! split the team's logs for ever.

use super::event::EventKind;

/// The most characters one text field holds: a long stack trace fits, a
/// pasted log file does not (link to it instead).
pub const MAX_FIELD_CHARS: usize = 16_000;

/// The longest line, in bytes, a sync reader accepts as an event. No event
/// within [`MAX_FIELD_CHARS`] per field comes near it, even with every
/// character escaped in JSON.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// A text field over [`MAX_FIELD_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    /// What the user calls the field: "note text", "conditions".
    pub field: &'static str,
    pub chars: usize,
}

impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} too long: {} characters where one entry holds at most {}; shorten it or link to a file",
            self.field, self.chars, MAX_FIELD_CHARS
        )
    }
}

/// The first text field of `kind` that is too long, if any.
pub fn oversized(kind: &EventKind) -> Option<Oversized> {
    text_fields(kind).into_iter().find_map(|(field, text)| {
        // Counting stops just past the limit: a 10 MB paste is not walked.
        let chars = text.chars().take(MAX_FIELD_CHARS + 1).count();
        (chars > MAX_FIELD_CHARS).then(|| Oversized {
            field,
            chars: text.chars().count(),
        })
    })
}

fn text_fields(kind: &EventKind) -> Vec<(&'static str, &str)> {
    match kind {
        EventKind::Declared {
            title,
            severity,
            summary,
            playbook,
            commander,
            stage,
        } => vec![
            ("title", title),
            ("severity", severity),
            ("summary", summary),
            ("playbook name", playbook),
            ("commander's name", commander),
            ("stage", stage),
        ],
        EventKind::Note { text, .. } => vec![("note text", text)],
        EventKind::RoleAssigned { role, person } => vec![("role", role), ("name", person)],
        EventKind::RoleReleased { role } => vec![("role", role)],
        EventKind::SeverityChanged { severity } => vec![("severity", severity)],
        EventKind::StageChanged { stage } => vec![("stage", stage)],
        EventKind::CanReport {
            conditions,
            actions,
            needs,
            role,
        } => {
            let mut fields = vec![
                ("conditions", conditions.as_str()),
                ("actions", actions.as_str()),
                ("needs", needs.as_str()),
            ];
            fields.extend(role.as_deref().map(|r| ("role", r)));
            fields
        }
        EventKind::UpdateSent {
            status,
            impact,
            action,
            ..
        } => vec![("status", status), ("impact", impact), ("action", action)],
        EventKind::LinkAdded { label, url } => vec![("link label", label), ("link", url)],
        EventKind::ActionItemAdded { text, owner, .. } => {
            let mut fields = vec![("action item", text.as_str())];
            fields.extend(owner.as_deref().map(|o| ("owner", o)));
            fields
        }
        EventKind::ActionItemDone { .. } | EventKind::Pinned { .. } => vec![],
        EventKind::ChecklistTicked { stage, item } => {
            vec![("stage", stage), ("checklist item", item)]
        }
        EventKind::Resolved { summary } => vec![("summary", summary)],
        EventKind::Reopened { reason } => vec![("reason", reason)],
        EventKind::StepAnnounced { text, .. } => vec![("step", text)],
        EventKind::Objected { reason, .. } => vec![("objection", reason)],
        EventKind::Amended { text, .. } => vec![("corrected text", text)],
        EventKind::Redacted { reason, .. } => vec![("reason", reason)],
        EventKind::CommandRan {
            command,
            cwd,
            not_started,
            output,
            ..
        } => {
            let mut fields = vec![
                ("command", command.as_str()),
                ("working directory", cwd.as_str()),
                ("command output", output.as_str()),
            ];
            fields.extend(not_started.as_deref().map(|n| ("why it did not start", n)));
            fields
        }
        EventKind::UpdateDelivery {
            channel, detail, ..
        } => vec![("channel", channel), ("delivery detail", detail)],
        EventKind::ImpactSet {
            affected, category, ..
        } => {
            let mut fields = vec![("who is affected", affected.as_str())];
            fields.extend(category.as_deref().map(|c| ("category", c)));
            fields
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::NoteKind;

    fn can(conditions: String) -> EventKind {
        EventKind::CanReport {
            conditions,
            actions: "restart".into(),
            needs: String::new(),
            role: None,
        }
    }

    #[test]
    fn a_field_at_the_limit_is_taken_and_one_more_character_is_refused() {
        assert_eq!(oversized(&can("é".repeat(MAX_FIELD_CHARS))), None);
        let too_long = oversized(&can("é".repeat(MAX_FIELD_CHARS + 1))).unwrap();
        assert_eq!(too_long.field, "conditions");
        assert_eq!(too_long.chars, MAX_FIELD_CHARS + 1);
        assert!(
            too_long
                .to_string()
                .contains("conditions too long: 16001 characters")
        );
    }

    #[test]
    fn the_largest_event_the_door_lets_through_fits_in_a_sync_line() {
        // Control characters escape to six bytes each in JSON: the worst case.
        let worst = "\u{1}".repeat(MAX_FIELD_CHARS);
        let kind = EventKind::CanReport {
            conditions: worst.clone(),
            actions: worst.clone(),
            needs: worst.clone(),
            role: Some(worst.clone()),
        };
        assert_eq!(oversized(&kind), None);
        let json = serde_json::to_string(&kind).unwrap();
        assert!(json.len() < MAX_EVENT_BYTES, "{} bytes", json.len());
        let note = EventKind::Note {
            note: NoteKind::Note,
            text: worst,
        };
        assert_eq!(oversized(&note), None);
    }
}
