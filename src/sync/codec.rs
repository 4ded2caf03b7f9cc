//! The wire format: one event as one line of JSON (JSON Lines), the same
//! text the store keeps for each event.

use crate::domain::event::Event;
use crate::domain::text::single_line;

/// Reads one line (without its newline). A blank line is not an event and
/// not an error: `Ok(None)`. A line that is not an event gives the reason,
/// safe to print (text from another replica never reaches a terminal raw).
pub fn decode_line(line: &[u8]) -> Result<Option<Event>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "it is not UTF-8 text".to_string())?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Event::from_json(text)
        .map(Some)
        .map_err(|e| format!("it is not an event ({})", single_line(&e.to_string())))
}

/// Appends events, already in their stored JSON form, as lines.
pub fn encode_lines<'a>(json: impl IntoIterator<Item = &'a str>, out: &mut Vec<u8>) {
    for line in json {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, NoteKind};
    use crate::store::Store;

    #[test]
    fn a_stored_event_round_trips_through_a_line() {
        let mut s = Store::open_in_memory().unwrap();
        let kind = EventKind::Note {
            note: NoteKind::Finding,
            text: "disk full on db-2".into(),
        };
        let inc = crate::domain::ids::IncidentId::generate();
        s.append(inc, None, "ana", kind).unwrap();
        let e = s.events(inc).unwrap().remove(0);
        let mut out = Vec::new();
        encode_lines([e.to_json().as_str()], &mut out);
        assert_eq!(out.last(), Some(&b'\n'));
        let back = decode_line(&out[..out.len() - 1]).unwrap().unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn blank_lines_are_skipped_and_bad_ones_explained_without_escapes() {
        assert_eq!(decode_line(b"   ").unwrap(), None);
        let err = decode_line(b"{\"v\":1,\"id\":\"\x1b[31mred\"}").unwrap_err();
        assert!(err.starts_with("it is not an event"), "{err}");
        assert!(!err.contains('\u{1b}'), "{err:?}");
        let err = decode_line(b"\xff\xfe").unwrap_err();
        assert!(err.contains("UTF-8"), "{err}");
    }
}
