//! Redaction applied to the raw log: a redacted event keeps its envelope
//! but loses its words, and so do the amendments of it, because an
//! amendment of a redacted entry holds the same kind of text. An export
//! hides them ([`redact_log`]); the store and the sync targets replace the
//! stored copy with a tombstone ([`scrub`]).

use std::borrow::Cow;
use std::collections::HashSet;

use super::event::{Body, Event, EventKind};
use super::ids::EventId;
use super::seal::body_hash;

pub const REDACTED: &str = "[redacted]";

/// Every event whose text must not leave the machine in a printout: the
/// targets of redactions and the amendments that rewrote them.
pub fn redacted_ids(events: &[Event]) -> HashSet<EventId> {
    let mut hidden: HashSet<EventId> = events.iter().filter_map(redaction_target).collect();
    if !hidden.is_empty() {
        let amendments: Vec<EventId> = events
            .iter()
            .filter(|e| amends_hidden(e, &hidden))
            .map(|e| e.id)
            .collect();
        hidden.extend(amendments);
    }
    hidden
}

/// The event a redaction hides the words of, if `e` is a redaction.
pub fn redaction_target(e: &Event) -> Option<EventId> {
    match e.known() {
        Some(EventKind::Redacted { target, .. }) => Some(*target),
        _ => None,
    }
}

/// Whether `e` is an amendment of an event whose words are hidden: it holds
/// the same kind of text, so it is hidden too.
pub fn amends_hidden(e: &Event, hidden: &HashSet<EventId>) -> bool {
    matches!(e.known(), Some(EventKind::Amended { target, .. }) if hidden.contains(target))
}

/// The events, with the words of every redacted one replaced. Events that
/// need no change are borrowed, so a log without redactions costs nothing.
pub fn redact_log(events: &[Event]) -> Vec<Cow<'_, Event>> {
    let hidden = redacted_ids(events);
    events.iter().map(|e| redact_if(e, &hidden)).collect()
}

/// The event as a printout shows it: without its words if `hidden` (see
/// [`redacted_ids`]) holds it, else as it is.
pub fn redact_if<'a>(e: &'a Event, hidden: &HashSet<EventId>) -> Cow<'a, Event> {
    if hidden.contains(&e.id) {
        Cow::Owned(redact_event(e))
    } else {
        Cow::Borrowed(e)
    }
}

/// The tombstone a redacted event (or an amendment of one) is stored as:
/// its words replaced as [`redact_log`] replaces them, its seal kept, and
/// the hash of the body as it was signed kept in `seal.scrubbed`, so its
/// digest, and so its signature, are those of the original. Scrubbing a
/// tombstone changes nothing: the first hash is the one signed.
pub fn scrub(e: &Event) -> Event {
    if e.seal.scrubbed.is_some() {
        return e.clone();
    }
    let mut out = redact_event(e);
    out.seal.scrubbed = Some(body_hash(&e.body));
    out
}

/// A copy of `e` with every free-text field replaced. A kind this build
/// does not know is reduced to its tag, since any of its fields may hold
/// the text.
fn redact_event(e: &Event) -> Event {
    let r = || REDACTED.to_string();
    let body = match &e.body {
        Body::Known(kind) => Body::Known(match kind.clone() {
            EventKind::Declared {
                severity,
                playbook,
                commander,
                stage,
                ..
            } => EventKind::Declared {
                title: r(),
                severity,
                summary: r(),
                playbook,
                commander,
                stage,
            },
            EventKind::Note { note, .. } => EventKind::Note { note, text: r() },
            EventKind::CanReport { role, .. } => EventKind::CanReport {
                conditions: r(),
                actions: r(),
                needs: r(),
                role,
            },
            EventKind::UpdateSent { next_update, .. } => EventKind::UpdateSent {
                status: r(),
                impact: r(),
                action: r(),
                next_update,
            },
            EventKind::LinkAdded { .. } => EventKind::LinkAdded {
                label: r(),
                url: r(),
            },
            EventKind::ActionItemAdded { owner, due, .. } => EventKind::ActionItemAdded {
                text: r(),
                owner,
                due,
            },
            EventKind::Resolved { .. } => EventKind::Resolved { summary: r() },
            EventKind::Reopened { .. } => EventKind::Reopened { reason: r() },
            EventKind::Amended { target, .. } => EventKind::Amended { target, text: r() },
            EventKind::CommandRan {
                duration_ms,
                exit,
                signal,
                destructive,
                announced,
                ..
            } => EventKind::CommandRan {
                command: r(),
                cwd: r(),
                duration_ms,
                exit,
                signal,
                not_started: None,
                output: r(),
                destructive,
                announced,
            },
            EventKind::StepAnnounced {
                countdown_s, run, ..
            } => EventKind::StepAnnounced {
                text: r(),
                countdown_s,
                run,
            },
            EventKind::Objected { target, .. } => EventKind::Objected {
                target,
                reason: r(),
            },
            EventKind::ImpactSet {
                count, category, ..
            } => EventKind::ImpactSet {
                affected: r(),
                count,
                category,
            },
            other => other,
        }),
        Body::Unknown(map) => {
            let mut kept = serde_json::Map::new();
            if let Some(kind) = map.get("kind") {
                kept.insert("kind".into(), kind.clone());
            }
            Body::Unknown(kept)
        }
    };
    Event { body, ..e.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::NoteKind;
    use crate::domain::fixtures::event;

    fn note(n: u128, note: NoteKind, text: &str) -> Event {
        event(
            n,
            EventKind::Note {
                note,
                text: text.into(),
            },
        )
    }

    #[test]
    fn a_redacted_note_and_its_amendments_lose_their_words_only() {
        let secret = note(1, NoteKind::Command, "psql password=hunter2");
        let amended = event(
            2,
            EventKind::Amended {
                target: secret.id,
                text: "psql password=hunter3".into(),
            },
        );
        let other = note(3, NoteKind::Note, "keep me");
        let redaction = event(
            4,
            EventKind::Redacted {
                target: secret.id,
                reason: "secret".into(),
            },
        );
        let log = vec![secret, amended, other, redaction];
        let out = redact_log(&log);
        let json: Vec<String> = out.iter().map(|e| e.to_json()).collect();
        assert!(!json.join("\n").contains("hunter"), "{json:?}");
        assert!(json[0].contains(r#""note":"command""#), "kind kept");
        assert!(json[2].contains("keep me"));
        assert!(matches!(out[2], Cow::Borrowed(_)));
    }

    #[test]
    fn a_scrubbed_event_is_the_same_event_without_its_words_and_scrubbing_again_changes_nothing() {
        let keys = crate::domain::seal::Keys::from_secret(&[3; 32]);
        let mut secret = note(1, NoteKind::Command, "psql password=hunter2");
        keys.seal(&mut secret, None);
        let tombstone = scrub(&secret);
        assert!(!tombstone.to_json().contains("hunter2"));
        assert_eq!(tombstone.seal.scrubbed, Some(body_hash(&secret.body)));
        assert_eq!(
            (tombstone.seal.prev, tombstone.seal.sig),
            (secret.seal.prev, secret.seal.sig)
        );
        assert_eq!(
            crate::domain::seal::event_digest(&tombstone),
            crate::domain::seal::event_digest(&secret)
        );
        assert!(crate::domain::seal::verify(&tombstone, &keys.public()));
        assert_eq!(scrub(&tombstone), tombstone, "the first hash is kept");
        let back = Event::from_json(&tombstone.to_json()).unwrap();
        assert_eq!(back, tombstone, "survives the wire");
    }

    #[test]
    fn an_unknown_kind_is_scrubbed_to_its_tag() {
        let line = r#"{"v":1,"id":"00000000010000000000000001","incident":"00000000010000000000000002","replica":"00000000010000000000000003","seq":1,"hlc":{"ms":1,"c":0},"at":"2023-11-14T22:13:20.123Z","author":"bo","kind":"pager_escalated","to":"token=hunter2"}"#;
        let e = Event::from_json(line).unwrap();
        let json = scrub(&e).to_json();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains(r#""kind":"pager_escalated""#), "{json}");
        assert!(json.contains(r#""author":"bo""#), "{json}");
    }
}
