//! The whole incident as JSON: derived state and the raw events, for tools.

use serde::Serialize;

use crate::domain::event::Event;
use crate::domain::incident::Incident;

#[derive(Serialize)]
struct Document<'a> {
    incident: &'a Incident,
    events: &'a [Event],
}

/// Pretty JSON of the incident and its events. JSON escapes control
/// characters, so untrusted text cannot reach a terminal through it.
pub fn document(incident: &Incident, events: &[Event]) -> String {
    serde_json::to_string_pretty(&Document { incident, events })
        .expect("an incident always serialises")
}
