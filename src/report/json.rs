//! The whole incident as JSON, for other tools: the derived state, the
//! review figures and the raw events. Redacted text stays out of all of
//! them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::filter::Filter;
use super::review::Review;
use super::{Printout, Timeline};
use crate::domain::event::Event;
use crate::domain::ids::EventId;
use crate::domain::incident::{Entry, Incident};
use crate::domain::redaction::{redact_if, redacted_ids};
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
    events: Vec<Event>,
}

/// The raw events of a printout, in the agreed order, each with the
/// timeline entry it made, if it made one: a filter selects events by
/// their entries.
pub trait Log {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&Event, Option<&Entry>) -> io::Result<()>,
    ) -> io::Result<()>;
}

/// The log of an incident held whole.
struct Whole<'a> {
    events: &'a [Event],
    entries: HashMap<EventId, &'a Entry>,
}

impl Log for Whole<'_> {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&Event, Option<&Entry>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.events
            .iter()
            .try_for_each(|e| f(e, self.entries.get(&e.id).copied()))
    }
}

/// Where the document's two long lists go: the lists are written as they
/// are read, around the rest of the document made whole.
const TIMELINE: &str = "\n    \"timeline\": []";
const EVENTS: &str = "\n  \"events\": []";

/// Pretty JSON. With a filter, the incident's timeline holds the selected
/// entries and `events` only the events behind them; without one, the
/// timeline is whole and `events` is the entire log, corrections and kinds
/// this build does not know included. Raw events hold synced text as it
/// came, so it is written with [`pretty`].
pub fn render(p: &Printout, events: &[Event]) -> String {
    let mut log = Whole {
        events,
        entries: p.incident.timeline.iter().map(|e| (e.id, e)).collect(),
    };
    let mut out = Vec::new();
    write(
        p,
        &mut super::Whole(p.incident),
        &mut log,
        &redacted_ids(events),
        &mut out,
    )
    .expect("writing to memory cannot fail");
    let mut s = String::from_utf8(out).expect("serde_json writes UTF-8");
    s.pop();
    s
}

/// As [`render`], followed by a line break, written as the timeline and
/// the log are read: `hidden` holds the events whose words are redacted
/// (see [`redacted_ids`]).
pub fn write(
    p: &Printout,
    entries: &mut dyn Timeline,
    log: &mut dyn Log,
    hidden: &HashSet<EventId>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let filter = &p.options.filter;
    let mut incident = p.incident.clone();
    incident.timeline = Vec::new();
    let rest = pretty(&Document {
        format: FORMAT,
        zone: p.zone_label(),
        filter,
        incident: Cow::Owned(incident),
        review: &p.review,
        events: Vec::new(),
    });
    // Text in the document is escaped: no value holds a line break, so
    // these are the empty lists and nothing else.
    let (head, middle, tail) = rest
        .split_once(TIMELINE)
        .and_then(|(head, rest)| {
            let (middle, tail) = rest.rsplit_once(EVENTS)?;
            Some((head, middle, tail))
        })
        .ok_or_else(|| io::Error::other("the document has no place for its lists"))?;
    out.write_all(head.as_bytes())?;
    out.write_all(&TIMELINE.as_bytes()[..TIMELINE.len() - 2])?;
    array(out, 2, |each| {
        entries.each(&mut |e| if filter.matches(e) { each(e) } else { Ok(()) })
    })?;
    out.write_all(middle.as_bytes())?;
    out.write_all(&EVENTS.as_bytes()[..EVENTS.len() - 2])?;
    array(out, 1, |each| {
        log.each(&mut |e, entry| {
            // With a filter, only the events behind the entries it selects.
            if filter.is_empty() || entry.is_some_and(|entry| filter.matches(entry)) {
                each(redact_if(e, hidden).as_ref())
            } else {
                Ok(())
            }
        })
    })?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A JSON array of what `items` hands on, laid out as [`pretty`] lays out
/// a list `depth` levels in.
fn array<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    depth: usize,
    items: impl FnOnce(&mut dyn FnMut(&T) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    out.write_all(b"[")?;
    let mut first = true;
    items(&mut |item| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        indent(out, depth + 1)?;
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *out, SafeFormatter::at(depth + 1));
        item.serialize(&mut ser).map_err(io::Error::from)
    })?;
    if !first {
        out.write_all(b"\n")?;
        indent(out, depth)?;
    }
    out.write_all(b"]")
}

/// Pretty JSON that is safe to `cat`: besides the control characters JSON
/// always escapes, DEL, C1 controls (U+009B is a one-character CSI) and
/// bidirectional controls are written as `\uXXXX`. The values are the same
/// to any JSON reader; a terminal sees only printable text.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter::at(0));
    value
        .serialize(&mut ser)
        .expect("fireground's documents always serialise");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

fn indent<W: ?Sized + Write>(w: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

/// serde_json's pretty layout (two spaces a level), with [`pretty`]'s
/// escaping of strings, starting at any depth so that a long list can be
/// written an item at a time.
struct SafeFormatter {
    depth: usize,
    has_value: bool,
}

impl SafeFormatter {
    fn at(depth: usize) -> SafeFormatter {
        SafeFormatter {
            depth,
            has_value: false,
        }
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.depth)
    }
}

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
        self.begin(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
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
