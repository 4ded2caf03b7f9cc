//! Printing an incident for people and tools: the timeline as text, the
//! postmortem draft as markdown or html, the whole incident as JSON, and
//! the status page stakeholders read.

pub mod document;
pub mod filter;
pub mod html;
pub mod json;
pub mod markdown;
pub mod metrics;
pub mod postmortem;
pub mod review;
pub mod status_page;
pub mod text;
mod wrap;

pub use wrap::pad;

use std::io::{self, Write};
use std::ops::{Deref, DerefMut};

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

/// Everything a renderer reads besides the timeline, computed once: the
/// incident and its review. The incident's timeline may be whole or hold
/// only the entries that are not notes (as a store reads it for `print`,
/// see [`crate::store::Streamed`]): the review and the draft's summary
/// read no note.
pub struct Printout<'a> {
    pub incident: &'a Incident,
    pub playbook: &'a Playbook,
    pub review: Review,
    pub options: &'a PrintOptions,
    /// Whether the log verified, for the review (see
    /// `domain::verification::statement`); `None` when not checked.
    pub log: Option<String>,
    multi_day: bool,
}

/// A printout's timeline: every entry, corrected, in order; a renderer
/// shows those the filter lets through. Either the incident's own
/// ([`Whole`]), or the rows a store keeps, each made into an entry as it is
/// read, so that printing holds one entry at a time. A renderer may go
/// through it more than once (html sizes its tables first).
pub trait Timeline {
    fn each(&mut self, f: &mut dyn FnMut(&Entry) -> io::Result<()>) -> io::Result<()>;
}

/// The timeline an incident folded whole holds.
pub struct Whole<'a>(pub &'a Incident);

impl Timeline for Whole<'_> {
    fn each(&mut self, f: &mut dyn FnMut(&Entry) -> io::Result<()>) -> io::Result<()> {
        self.0.timeline.iter().try_for_each(f)
    }
}

/// Text built in a buffer and passed on to the writer a piece at a time,
/// so a renderer writes into a `String` and a printout of any length is
/// never held whole.
pub(crate) struct Sink<'w> {
    buf: String,
    out: &'w mut dyn Write,
}

impl<'w> Sink<'w> {
    const PIECE: usize = 64 * 1024;

    pub(crate) fn new(out: &'w mut dyn Write) -> Sink<'w> {
        Sink {
            buf: String::with_capacity(Sink::PIECE + 4096),
            out,
        }
    }

    /// Passes the text on once there is a piece of it.
    pub(crate) fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= Sink::PIECE {
            self.out.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Passes on the rest.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        self.out.flush()
    }
}

impl Deref for Sink<'_> {
    type Target = String;
    fn deref(&self) -> &String {
        &self.buf
    }
}

impl DerefMut for Sink<'_> {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.buf
    }
}

/// A renderer's output for an incident held whole, as a string.
fn in_memory(
    p: &Printout,
    write: impl FnOnce(&Printout, &mut dyn Timeline, &mut dyn Write) -> io::Result<()>,
) -> String {
    let mut out = Vec::new();
    write(p, &mut Whole(p.incident), &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
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
            review,
            options,
            log: None,
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
