//! The bookkeeping both transports share: reading files from their cursors
//! into the store, and choosing what to write out.
//!
//! What to write out: every event stored after the target's push mark that
//! this sync did not just read from the target. Events stored before the
//! mark were read from the target (and are before a cursor) or were written
//! to it. When any cursor stops matching its file (replaced, truncated,
//! rewritten), everything is read again and every event is offered again,
//! so a lost write heals.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::codec::encode_lines;
use super::report::{SyncReport, Warning};
use super::{SyncError, reader, scrub};
use crate::domain::event::Event;
use crate::domain::ids::{EventId, ReplicaId};
use crate::domain::text::single_line;
use crate::store::{FileCursor, OutgoingEvent, Store, TargetState};

/// Rows fetched from the store at a time when writing out.
const PAGE: usize = 5_000;

pub struct Session<'a> {
    pub store: &'a mut Store,
    key: String,
    pub state: TargetState,
    /// As it was saved, so a sync that changed nothing writes nothing.
    saved: TargetState,
    /// Ids read from the target during this sync.
    seen: HashSet<EventId>,
    pub report: SyncReport,
    /// A file could not be rewritten without scrubbed words this sync.
    scrub_failed: bool,
}

/// What was chosen to write out.
#[derive(Debug, Default)]
pub struct Outgoing {
    pub count: usize,
    /// The last row looked at: the push mark once the write is safe.
    pub last_rowid: i64,
    /// Who recorded the events written, in order of first appearance.
    pub authors: Vec<String>,
}

#[derive(serde::Deserialize)]
struct AuthorOnly {
    author: String,
}

impl<'a> Session<'a> {
    pub fn begin(store: &'a mut Store, key: String) -> Result<Session<'a>, SyncError> {
        let state = store.sync_state(&key)?;
        Ok(Session {
            store,
            key,
            saved: state.clone(),
            state,
            seen: HashSet::new(),
            report: SyncReport::default(),
            scrub_failed: false,
        })
    }

    /// Whether every remembered cursor still matches its file, as `holds`
    /// judges it (it says false for a file that is gone). If any fails,
    /// forgets them all and the push mark, so the whole target is read
    /// again and everything it lacks is written again.
    pub fn check_cursors(
        &mut self,
        mut holds: impl FnMut(&str, &FileCursor) -> Result<bool, SyncError>,
    ) -> Result<(), SyncError> {
        for (name, cursor) in &self.state.cursors {
            if !holds(name, cursor)? {
                self.start_over();
                break;
            }
        }
        Ok(())
    }

    pub fn cursor(&self, name: &str) -> FileCursor {
        self.state.cursors.get(name).cloned().unwrap_or_default()
    }

    /// Reads every file again from its start and offers every event again,
    /// as when a cursor stops matching: for a file that was rewritten in
    /// place, which its cursor cannot see (same length, same last bytes).
    /// What it holds now is judged again line by line.
    pub fn start_over(&mut self) {
        self.state = TargetState::default();
        self.seen.clear();
    }

    pub fn set_cursor(&mut self, name: &str, cursor: FileCursor) {
        self.state.cursors.insert(name.to_string(), cursor);
    }

    /// Reads a file's new complete lines into the store.
    pub fn pull(&mut self, name: &str, file: &mut File, label: &str) -> Result<(), SyncError> {
        self.pull_owned(name, file, label, None)
    }

    /// As [`Session::pull`], for a file only `owner` writes: events of
    /// other replicas in it are refused.
    pub fn pull_owned(
        &mut self,
        name: &str,
        file: &mut File,
        label: &str,
        owner: Option<ReplicaId>,
    ) -> Result<(), SyncError> {
        let cursor = self.cursor(name);
        let mut warnings: Vec<Warning> = Vec::new();
        let next = reader::read_from::<PullError>(file, &cursor, label, &mut warnings, |events| {
            self.take_in(events, owner).map_err(PullError::Sync)
        })
        .map_err(|e| match e {
            PullError::Io(e) => file_error(label, e),
            PullError::Sync(e) => e,
        })?;
        self.report.warnings.extend(warnings);
        self.set_cursor(name, next);
        Ok(())
    }

    fn take_in(&mut self, events: &[Event], owner: Option<ReplicaId>) -> Result<(), SyncError> {
        if events.is_empty() {
            return Ok(());
        }
        let imported = self.store.import_from(events, owner)?;
        for i in imported.added {
            self.report.tally(events[i].replica, &events[i].author);
        }
        for (i, why) in imported.quarantined {
            self.report
                .quarantine(events[i].replica, &events[i].author, why);
        }
        self.seen.extend(events.iter().map(|e| e.id));
        Ok(())
    }

    /// When the target lacks nothing (as far as this sync has read), the
    /// last stored row, to move the push mark to; `None` when there is
    /// something to write.
    pub fn up_to_date(&self) -> Result<Option<i64>, SyncError> {
        let mut after = self.state.pushed_rowid;
        loop {
            let page = self.store.ids_after_rowid(after, PAGE)?;
            let Some((last, _)) = page.last() else {
                return Ok(Some(after));
            };
            if page.iter().any(|(_, id)| !self.was_seen(id)) {
                return Ok(None);
            }
            after = *last;
        }
    }

    fn was_seen(&self, id: &str) -> bool {
        id.parse().is_ok_and(|id: EventId| self.seen.contains(&id))
    }

    /// Hands `write` the JSON of every event the target lacks, a page at a
    /// time, in the order they were stored. Once written they count as
    /// seen, so a retry within this sync does not write them twice.
    pub fn outgoing(
        &mut self,
        mut write: impl FnMut(&[&str]) -> Result<(), SyncError>,
    ) -> Result<Outgoing, SyncError> {
        let mut out = Outgoing {
            last_rowid: self.state.pushed_rowid,
            ..Outgoing::default()
        };
        loop {
            let page: Vec<OutgoingEvent> = self.store.events_after_rowid(out.last_rowid, PAGE)?;
            let Some(last) = page.last() else { break };
            out.last_rowid = last.rowid;
            let fresh: Vec<(Option<EventId>, &str)> = page
                .iter()
                .map(|e| (e.id.parse().ok(), e.json.as_str()))
                .filter(|(id, _)| !id.is_some_and(|id| self.seen.contains(&id)))
                .collect();
            if fresh.is_empty() {
                continue;
            }
            for (_, json) in &fresh {
                // Names go into commit messages: no escape sequences.
                if let Ok(a) = serde_json::from_str::<AuthorOnly>(json) {
                    let name = single_line(&a.author);
                    if !out.authors.contains(&name) {
                        out.authors.push(name);
                    }
                }
            }
            let lines: Vec<&str> = fresh.iter().map(|(_, json)| *json).collect();
            write(&lines)?;
            out.count += fresh.len();
            self.seen.extend(fresh.iter().filter_map(|(id, _)| *id));
        }
        Ok(out)
    }

    /// How many scrubs this database has made, when the target has not yet
    /// been rewritten for all of them: see `sync::scrub`.
    pub fn scrubs_pending(&self) -> Result<Option<i64>, SyncError> {
        let mark = self.store.scrub_mark()?;
        Ok((mark > self.state.scrubbed_to).then_some(mark))
    }

    /// Takes the words of every event scrubbed here out of the file `name`
    /// (open as `file`, at `path`, read up to its cursor), atomically;
    /// returns the new file if it was rewritten. The cursor moves to the
    /// same line in the new file. One that cannot be rewritten (a folder
    /// this user may not write) is named in a warning and tried again next
    /// time.
    pub fn scrub_file(
        &mut self,
        name: &str,
        path: &Path,
        file: &mut File,
        lock: bool,
    ) -> Result<Option<File>, SyncError> {
        let tombstones = self.store.scrubbed_lines()?;
        let old_len = file.metadata().map_err(|e| file_error(name, e))?.len();
        let mut new = match scrub::rewrite(path, file, &tombstones, lock) {
            Ok(Some(new)) => new,
            Ok(None) => return Ok(None),
            Err(e) => {
                self.scrub_failed = true;
                let reason = format!("redacted text could not be removed from it ({e})");
                self.report.warnings.push(Warning::whole_file(name, reason));
                return Ok(None);
            }
        };
        let cursor = self.cursor(name);
        let fail = |e| file_error(name, e);
        // Lines are replaced one for one; what follows the cursor (a torn
        // line) is kept as it was, so the cursor is as far from the end.
        let new_len = new.metadata().map_err(fail)?.len();
        let offset = old_len
            .checked_sub(cursor.offset)
            .and_then(|after| new_len.checked_sub(after));
        let moved = match offset {
            Some(offset) if cursor.offset > 0 => FileCursor {
                offset,
                line: cursor.line,
                tail: reader::tail_before(&mut new, offset).map_err(fail)?,
            },
            // Nothing read, or a cursor that was not this file's: read it
            // from the start next time (importing is idempotent).
            _ => FileCursor::default(),
        };
        self.set_cursor(name, moved);
        Ok(Some(new))
    }

    /// Records that the target is rewritten for every scrub up to `mark`,
    /// unless a rewrite failed.
    pub fn scrubbed(&mut self, mark: i64) {
        if !self.scrub_failed {
            self.state.scrubbed_to = mark;
        }
    }

    /// Records that every event up to row `last_rowid` is now safely in the
    /// target, `count` of them written by this sync.
    pub fn pushed(&mut self, last_rowid: i64, count: usize) {
        self.state.pushed_rowid = last_rowid;
        self.report.pushed += count;
    }

    /// Saves cursors and the push mark together; returns the report.
    pub fn finish(self) -> Result<SyncReport, SyncError> {
        if self.state != self.saved {
            self.store.save_sync_state(&self.key, &self.state)?;
        }
        Ok(self.report)
    }
}

/// Reading fails either on the file or on the store.
enum PullError {
    Io(io::Error),
    Sync(SyncError),
}

impl From<io::Error> for PullError {
    fn from(e: io::Error) -> Self {
        PullError::Io(e)
    }
}

pub fn file_error(label: &str, e: io::Error) -> SyncError {
    let reason = match e.kind() {
        io::ErrorKind::NotFound => "its folder does not exist".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    SyncError::File {
        path: label.into(),
        reason,
    }
}

/// Appends what the target lacks to `file` (the caller holds whatever lock
/// the transport needs, so no one else is writing) and makes it durable.
/// `name` is the file's cursor, `label` how the user knows it.
pub fn append_outgoing(
    session: &mut Session<'_>,
    name: &str,
    file: &mut File,
    label: &str,
) -> Result<Outgoing, SyncError> {
    let fail = |e| file_error(label, e);
    let end = file.metadata().map_err(fail)?.len();
    // No one is mid-write, so a last line without its newline was torn by a
    // crash. End it so our first line stays whole; it will be reported once
    // as a line that is not an event.
    let torn = end > 0 && last_byte(file, end).map_err(fail)? != b'\n';
    if torn {
        file.write_all(b"\n").map_err(fail)?;
    }
    let mut buf = Vec::new();
    let out = session.outgoing(|lines| {
        buf.clear();
        encode_lines(lines.iter().copied(), &mut buf);
        file.write_all(&buf).map_err(fail)
    })?;
    if out.count > 0 || torn {
        file.sync_data().map_err(fail)?;
    }
    // When what was read reached the end and we wrote the rest, there is
    // nothing new to read back next time.
    let cursor = session.cursor(name);
    if out.count > 0 && !torn && cursor.offset == end {
        let new_end = file.metadata().map_err(fail)?.len();
        let tail = reader::tail_before(file, new_end).map_err(fail)?;
        session.set_cursor(
            name,
            FileCursor {
                offset: new_end,
                line: cursor.line + out.count as u64,
                tail,
            },
        );
    }
    Ok(out)
}

fn last_byte(file: &mut File, len: u64) -> io::Result<u8> {
    let mut b = [0u8];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut b)?;
    Ok(b[0])
}
