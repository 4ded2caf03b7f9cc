//! What sync remembers between runs: the target last used, how far each
//! file of a target has been read, and how much of the local log has been
//! offered to the target.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::event_row::{COLUMNS, Stored};
use super::{Store, StoreError};

const TARGET_KEY: &str = "sync_target";

/// How far one file has been read: the byte offset just past the last
/// complete line taken in, that line's number, and a hash of the bytes
/// just before the offset (to notice a file that was replaced or
/// rewritten).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCursor {
    pub offset: u64,
    pub line: u64,
    pub tail: Vec<u8>,
}

/// Everything sync remembers about one target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetState {
    /// Per file within the target (a shared file uses one, git one per
    /// replica file).
    pub cursors: BTreeMap<String, FileCursor>,
    /// Every local row up to this one is known to be in the target, or was
    /// written to it. Rows are never deleted, so row ids only grow.
    pub pushed_rowid: i64,
    /// Every event this database had scrubbed, up to this one of its
    /// scrubs (`Store::scrub_mark`), is scrubbed in the target, or was
    /// found not to be there.
    pub scrubbed_to: i64,
}

/// A stored event as sync sends it: its row, its id and its JSON line.
#[derive(Clone, Debug)]
pub struct OutgoingEvent {
    pub rowid: i64,
    pub id: String,
    pub json: String,
}

impl Store {
    /// The target `fireground sync` used last with this database.
    pub fn sync_target(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [TARGET_KEY], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_sync_target(&self, target: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![TARGET_KEY, target],
        )?;
        Ok(())
    }

    /// What sync remembers about a target (empty for a new one).
    pub fn sync_state(&self, target: &str) -> Result<TargetState, StoreError> {
        let (pushed_rowid, scrubbed_to) = self
            .conn
            .query_row(
                "SELECT pushed_rowid, scrubbed_to FROM sync_targets WHERE target = ?1",
                [target],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, 0));
        let mut stmt = self.conn.prepare_cached(
            "SELECT file, offset, line, tail FROM sync_cursors WHERE target = ?1",
        )?;
        let rows = stmt.query_map([target], |r| {
            Ok((
                r.get::<_, String>(0)?,
                FileCursor {
                    offset: r.get::<_, i64>(1)?.max(0) as u64,
                    line: r.get::<_, i64>(2)?.max(0) as u64,
                    tail: r.get(3)?,
                },
            ))
        })?;
        let mut cursors = BTreeMap::new();
        for row in rows {
            let (file, cursor) = row?;
            cursors.insert(file, cursor);
        }
        Ok(TargetState {
            cursors,
            pushed_rowid,
            scrubbed_to,
        })
    }

    /// Replaces what sync remembers about a target, in one transaction so
    /// cursors and the push mark always agree.
    pub fn save_sync_state(&mut self, target: &str, state: &TargetState) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM sync_cursors WHERE target = ?1", [target])?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO sync_cursors (target, file, offset, line, tail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (file, c) in &state.cursors {
                stmt.execute(params![
                    target,
                    file,
                    c.offset as i64,
                    c.line as i64,
                    c.tail
                ])?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO sync_targets (target, pushed_rowid, scrubbed_to)
             VALUES (?1, ?2, ?3)",
            params![target, state.pushed_rowid, state.scrubbed_to],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` events stored after row `rowid` (local or imported), in
    /// the order they were stored.
    pub fn events_after_rowid(
        &self,
        rowid: i64,
        limit: usize,
    ) -> Result<Vec<OutgoingEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM event_log WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![rowid, limit as i64], |r| {
            let row = Stored::read(r)?;
            Ok(OutgoingEvent {
                json: row.line(),
                rowid: row.rowid,
                id: row.id,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// As [`Store::events_after_rowid`], rows and ids only: enough to tell
    /// whether any of them is missing from a target.
    pub fn ids_after_rowid(
        &self,
        rowid: i64,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid, id FROM events WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![rowid, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, NoteKind};
    use crate::domain::ids::IncidentId;

    #[test]
    fn state_round_trips_and_is_kept_per_target() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.sync_state("file /x").unwrap(), TargetState::default());
        let mut state = TargetState {
            pushed_rowid: 7,
            ..TargetState::default()
        };
        state.cursors.insert(
            String::new(),
            FileCursor {
                offset: 120,
                line: 3,
                tail: b"}\n".to_vec(),
            },
        );
        s.save_sync_state("file /x", &state).unwrap();
        assert_eq!(s.sync_state("file /x").unwrap(), state);
        assert_eq!(s.sync_state("git /y").unwrap(), TargetState::default());
        // Saving again replaces the cursors rather than adding to them.
        state.cursors.clear();
        s.save_sync_state("file /x", &state).unwrap();
        assert!(s.sync_state("file /x").unwrap().cursors.is_empty());
    }

    #[test]
    fn the_target_is_remembered() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(s.sync_target().unwrap(), None);
        s.set_sync_target("file /a").unwrap();
        s.set_sync_target("git /b").unwrap();
        assert_eq!(s.sync_target().unwrap().as_deref(), Some("git /b"));
    }

    #[test]
    fn events_after_a_row_come_in_storage_order_and_in_pages() {
        let mut s = Store::open_in_memory().unwrap();
        let inc = IncidentId::generate();
        let mut ids = Vec::new();
        for i in 0..5 {
            let kind = EventKind::Note {
                note: NoteKind::Note,
                text: format!("n{i}"),
            };
            ids.push(s.append(inc, None, "ana", kind).unwrap().id.to_string());
        }
        let first = s.events_after_rowid(0, 2).unwrap();
        assert_eq!(first.len(), 2);
        let rest = s.events_after_rowid(first[1].rowid, 10).unwrap();
        let got: Vec<String> = first.iter().chain(&rest).map(|e| e.id.clone()).collect();
        assert_eq!(got, ids);
        assert!(rest[0].json.contains("\"n2\""));
    }
}
