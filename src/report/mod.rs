//! Printing an incident for people and tools: the timeline as text, the
//! postmortem draft as markdown or html, the whole incident as JSON.

pub mod document;
pub mod filter;
pub mod html;
pub mod json;
pub mod markdown;
pub mod postmortem;
pub mod review;
pub mod text;
mod wrap;

pub use wrap::pad;

use chrono::{DateTime, Utc};

use crate::domain::incident::{Entry, Incident};
use crate::domain::playbook::Playbook;
use crate::zone::Zone;
use filter::Filter;
use review::Review;

/// How to print.
#[derive(Clone, Debug)]
pub struct PrintOptions {
    pub zone: Zone,
    /// Show each entry's short ref (for amend, redact, pin).
    pub refs: bool,
    pub filter: Filter,
}

/// Everything a renderer reads, computed once: the incident, its review and
/// the timeline entries the filter lets through.
pub struct Printout<'a> {
    pub incident: &'a Incident,
    pub playbook: &'a Playbook,
    pub review: Review,
    pub entries: Vec<&'a Entry>,
    pub options: &'a PrintOptions,
    multi_day: bool,
}

impl<'a> Printout<'a> {
    pub fn new(
        incident: &'a Incident,
        playbook: &'a Playbook,
        options: &'a PrintOptions,
    ) -> Printout<'a> {
        let review = Review::new(incident, playbook);
        let zone = options.zone;
        let multi_day = zone.date(incident.declared_at) != zone.date(review.end);
        Printout {
            incident,
            playbook,
            entries: options.filter.select(incident),
            review,
            options,
            multi_day,
        }
    }

    pub fn zone(&self) -> Zone {
        self.options.zone
    }

    /// A time for a table cell: the clock alone when the incident fits in
    /// one day, with the date when it spans several.
    pub fn stamp(&self, t: DateTime<Utc>) -> String {
        if self.multi_day {
            self.zone().date_hm(t)
        } else {
            self.zone().hm(t)
        }
    }

    /// "UTC" or "UTC+01:00" as of the declaration.
    pub fn zone_label(&self) -> String {
        self.zone().label(self.incident.declared_at)
    }

    /// The title line: "P1 Critical" style severity name.
    pub fn severity_name(&self, id: &str) -> String {
        match self.playbook.severity(id) {
            Some(s) => format!("{} {}", s.id, s.name),
            None => id.to_string(),
        }
    }
}
