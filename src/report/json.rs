//! The whole incident as JSON, for other tools: the derived state, the
//! review figures and the raw events. Redacted text stays out of all of
//! them.

use std::borrow::Cow;
use std::collections::HashSet;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::Printout;
use super::filter::Filter;
use super::review::Review;
use crate::domain::event::Event;
use crate::domain::ids::EventId;
use crate::domain::incident::Incident;
use crate::domain::redaction::redact_log;
use crate::domain::text::is_plain;

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
/// this build does not know included. Raw events hold synced text as it
/// came, so it is written with [`pretty`].
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
    pretty(&Document {
        format: FORMAT,
        zone: p.zone_label(),
        filter,
        incident,
        review: &p.review,
        events: log,
    })
}

/// Pretty JSON that is safe to `cat`: besides the control characters JSON
/// always escapes, DEL, C1 controls (U+009B is a one-character CSI) and
/// bidirectional controls are written as `\uXXXX`. The values are the same
/// to any JSON reader; a terminal sees only printable text.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter::default());
    value
        .serialize(&mut ser)
        .expect("fireground's documents always serialise");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// serde_json's pretty layout, with [`pretty`]'s escaping of strings.
#[derive(Default)]
struct SafeFormatter(PrettyFormatter<'static>);

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_plain(c) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_characters_are_escaped_and_read_back_the_same() {
        let value = serde_json::json!({
            "t\u{202e}": "a\u{9b}2Jb\u{1b}[0m\u{7f}\u{2067}é✓\u{1F600}\n",
        });
        let out = pretty(&value);
        assert!(out.chars().all(|c| is_plain(c) || c == '\n'), "{out:?}");
        assert!(out.contains("\\u009b") && out.contains("\\u202e"), "{out}");
        assert!(
            out.contains("é✓\u{1F600}"),
            "printable text is left alone: {out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        let value = serde_json::json!({"k": [1, {"a": null}], "e": [], "o": {}});
        assert_eq!(
            pretty(&value),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
