//! Reading a JSON Lines file incrementally from a cursor: only complete
//! lines are taken, so a line still being written (or torn by a crash) is
//! left for a later read, and memory stays bounded whatever the file holds.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::codec::decode_line;
use super::report::Warning;
use crate::domain::event::Event;
use crate::store::FileCursor;

/// How much is read at a time, and so roughly how many events are imported
/// in one transaction.
const CHUNK: usize = 1 << 20;

/// A line longer than this is not an event anyone wrote (the door refuses
/// larger ones); it is skipped without being held in memory.
const MAX_LINE: usize = crate::domain::limits::MAX_EVENT_BYTES;

/// How many bytes before a cursor are remembered to recognise the file.
const TAIL: u64 = 256;

/// What a cursor remembers of the bytes just before `offset`: their hash,
/// not the bytes, which are the end of some event's line and would keep
/// its words in the database after a redaction scrubbed them.
pub fn tail_before(file: &mut File, offset: u64) -> io::Result<Vec<u8>> {
    use sha2::Digest as _;
    let start = offset.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = vec![0; (offset - start) as usize];
    file.read_exact(&mut tail)?;
    Ok(sha2::Sha256::digest(&tail).to_vec())
}

/// Whether the file still starts with what the cursor has read: it is at
/// least as long and the bytes before the cursor are the same. A file that
/// was truncated, replaced or rewritten fails this and is read again whole.
pub fn cursor_holds(file: &mut File, cursor: &FileCursor) -> io::Result<bool> {
    if cursor.offset == 0 {
        return Ok(true);
    }
    if file.metadata()?.len() < cursor.offset {
        return Ok(false);
    }
    Ok(tail_before(file, cursor.offset)? == cursor.tail)
}

/// Reads every complete line after `cursor`, handing the events to `sink` a
/// chunk at a time and noting each line that is not an event in
/// `warnings`. Returns the cursor past the last complete line.
pub fn read_from<E>(
    file: &mut File,
    cursor: &FileCursor,
    label: &str,
    warnings: &mut Vec<Warning>,
    mut sink: impl FnMut(&[Event]) -> Result<(), E>,
) -> Result<FileCursor, E>
where
    E: From<io::Error>,
{
    file.seek(SeekFrom::Start(cursor.offset))?;
    // Only up to the end the file has now: what is appended meanwhile is
    // for the next read, so a read always ends, even of a file that grows
    // as fast as it is read.
    let mut unread = file.metadata()?.len().saturating_sub(cursor.offset);
    // `buf` holds the file from `base` on; `done` is the offset past the
    // last complete line, `line` that line's number.
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut base = cursor.offset;
    let mut done = cursor.offset;
    let mut line = cursor.line;
    // Inside a line too long to keep: its bytes are dropped until it ends.
    let mut oversized = false;
    loop {
        let filled = buf.len();
        let want = usize::try_from(unread).map_or(CHUNK, |u| u.min(CHUNK));
        buf.resize(filled + want, 0);
        let n = read_some(file, &mut buf[filled..])?;
        buf.truncate(filled + n);
        if n == 0 {
            break;
        }
        unread -= n as u64;
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(len) = buf[start..].iter().position(|&b| b == b'\n') {
            line += 1;
            let text = &buf[start..start + len];
            if oversized {
                oversized = false;
                warnings.push(Warning::new(label, line, "it is longer than any event"));
            } else {
                match decode_line(text) {
                    Ok(Some(e)) => events.push(e),
                    Ok(None) => {}
                    Err(reason) => warnings.push(Warning::new(label, line, reason)),
                }
            }
            start += len + 1;
        }
        done = base + start as u64;
        sink(&events)?;
        buf.drain(..start);
        base += start as u64;
        if buf.len() > MAX_LINE {
            oversized = true;
            base += buf.len() as u64;
            buf.clear();
        }
    }
    let tail = if done == cursor.offset {
        cursor.tail.clone()
    } else {
        tail_before(file, done)?
    };
    Ok(FileCursor {
        offset: done,
        line,
        tail,
    })
}

fn read_some(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn read_all(file: &mut File, cursor: &FileCursor) -> (FileCursor, usize, Vec<Warning>) {
        let mut warnings = Vec::new();
        let mut count = 0;
        let next = read_from::<io::Error>(file, cursor, "f.jsonl", &mut warnings, |evs| {
            count += evs.len();
            Ok(())
        })
        .unwrap();
        (next, count, warnings)
    }

    fn line() -> String {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        let e = s
            .append(
                crate::domain::ids::IncidentId::generate(),
                None,
                "ana",
                crate::domain::event::EventKind::Resolved {
                    summary: "ok".into(),
                },
            )
            .unwrap();
        e.to_json()
    }

    #[test]
    fn a_torn_last_line_is_left_until_it_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let (a, b) = (line(), line());
        let mut f = File::options()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .unwrap();
        write!(f, "{a}\n{}", &b[..20]).unwrap();
        let (c1, n1, w1) = read_all(&mut f, &FileCursor::default());
        assert_eq!((n1, c1.line, c1.offset), (1, 1, a.len() as u64 + 1));
        assert!(w1.is_empty(), "a torn tail is not an error: {w1:?}");
        assert!(cursor_holds(&mut f, &c1).unwrap());
        writeln!(f, "{}", &b[20..]).unwrap();
        let (c2, n2, w2) = read_all(&mut f, &c1);
        assert_eq!((n2, c2.line), (1, 2));
        assert!(w2.is_empty());
        let (c3, n3, _) = read_all(&mut f, &c2);
        assert_eq!((n3, &c3), (0, &c2), "nothing new, nothing read");
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number_and_the_rest_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, format!("{}\n{{oops\n\n{}\n", line(), line())).unwrap();
        let mut f = File::open(&path).unwrap();
        let (c, n, w) = read_all(&mut f, &FileCursor::default());
        assert_eq!((n, c.line), (2, 4));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 2);
        assert_eq!(w[0].file, "f.jsonl");
    }

    #[test]
    fn a_replaced_or_truncated_file_no_longer_matches_the_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, format!("{}\n{}\n", line(), line())).unwrap();
        let mut f = File::open(&path).unwrap();
        let (c, _, _) = read_all(&mut f, &FileCursor::default());
        std::fs::write(&path, format!("{}\n", line())).unwrap();
        assert!(!cursor_holds(&mut File::open(&path).unwrap(), &c).unwrap());
        std::fs::write(&path, format!("{}\n{}\n{}\n", line(), line(), line())).unwrap();
        assert!(!cursor_holds(&mut File::open(&path).unwrap(), &c).unwrap());
    }

    #[test]
    fn lines_appended_during_a_read_wait_for_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, format!("{}\n", line())).unwrap();
        let mut f = File::open(&path).unwrap();
        let mut writer = File::options().append(true).open(&path).unwrap();
        let more = format!("{}\n", line());
        let mut chunks = 0;
        let next =
            read_from::<io::Error>(&mut f, &FileCursor::default(), "f", &mut Vec::new(), |_| {
                // A writer as fast as the reader: without a bound, the read
                // would never end.
                chunks += 1;
                assert!(chunks < 10, "the read keeps going");
                writer.write_all(more.as_bytes())
            })
            .unwrap();
        assert_eq!((chunks, next.line), (1, 1));
        let (after, n, _) = read_all(&mut f, &next);
        assert_eq!((n, after.line), (1, 2));
    }

    #[test]
    fn an_oversized_line_is_skipped_without_keeping_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let huge = "x".repeat(3 * MAX_LINE);
        std::fs::write(&path, format!("{huge}\n{}\n", line())).unwrap();
        let mut f = File::open(&path).unwrap();
        let (c, n, w) = read_all(&mut f, &FileCursor::default());
        assert_eq!((n, c.line), (1, 2));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 1);
    }
}
