//! The whole incident as JSON, for other tools: the derived state, the
//! review figures and the raw events. Redacted text stays out of all of
//! them.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Serialize;

use super::Printout;
use super::filter::Filter;
use super::review::Review;
use crate::domain::event::Event;
use crate::domain::ids::EventId;
use crate::domain::incident::Incident;
use crate::domain::redaction::redact_log;

/// Names this document's shape, so tools can tell versions apart.
pub const FORMAT: &str = "fireground.print.v1";

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    zone: String,
    #[serde(skip_serializing_if = "Filter::is_empty")]
    filter: &'a Filter,
    incident: Cow<'a, Incident>,
    review: &'a Review,
    events: Vec<Cow<'a, Event>>,
}

/// Pretty JSON. With a filter, the incident's timeline holds the selected
/// entries and `events` only the events behind them; without one, the
/// timeline is whole and `events` is the entire log, corrections and kinds
/// this build does not know included. JSON escapes control characters, so
/// untrusted text cannot reach a terminal through it.
pub fn render(p: &Printout, events: &[Event]) -> String {
    let filter = &p.options.filter;
    let mut log = redact_log(events);
    let incident = if filter.is_empty() {
        Cow::Borrowed(p.incident)
    } else {
        let keep: HashSet<EventId> = p.entries.iter().map(|e| e.id).collect();
        log.retain(|e| keep.contains(&e.id));
        let mut state = p.incident.clone();
        state.timeline = p.entries.iter().map(|e| (*e).clone()).collect();
        Cow::Owned(state)
    };
    serde_json::to_string_pretty(&Document {
        format: FORMAT,
        zone: p.zone_label(),
        filter,
        incident,
        review: &p.review,
        events: log,
    })
    .expect("an incident and its events always serialise")
}
