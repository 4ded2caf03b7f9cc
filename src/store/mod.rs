//! The local SQLite event log: opening and migrating the database, appending
//! local events, importing remote ones idempotently, and reading them back.

mod drafts;
mod error;
mod event_row;
mod held;
mod open;
mod outbox;
mod projection;
mod queries;
mod read_only;
mod schema;
mod scrub;
mod seals;
mod streamed;
mod sync_state;
mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::ids::{IncidentId, ReplicaId};

pub use drafts::Draft;
pub use error::StoreError;
pub use held::Held;
pub use outbox::Pending;
pub use seals::{KeptApart, Verified, parse_pins};
pub use streamed::Streamed;
pub use sync_state::{FileCursor, OutgoingEvent, TargetState};
pub use write::Imported;

type Clock = Box<dyn Fn() -> DateTime<Utc> + Send>;

/// One responder's log.
pub struct Store {
    conn: Connection,
    replica: ReplicaId,
    path: PathBuf,
    clock: Clock,
    /// Why this database is open for reading only, when it is.
    read_only: Option<String>,
    /// Whether the database keeps the projection as this build reads it
    /// (one opened for reading only may be too old to): if not, every
    /// read folds the log.
    projected: bool,
    /// Rows that could not be read, by the incident read.
    unreadable: std::cell::RefCell<std::collections::BTreeMap<IncidentId, Unreadable>>,
}

/// Stored rows that could not be read, for one warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub count: u64,
    /// Why the first one could not be read.
    pub first: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows = match self.count {
            1 => "1 stored event was".to_string(),
            n => format!("{n} stored events were"),
        };
        write!(
            f,
            "{rows} unreadable and left out ({}); the rest is shown",
            self.first
        )
    }
}

impl Store {
    /// This database's replica id.
    pub fn replica(&self) -> ReplicaId {
        self.replica
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for the sync layer's own tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Replaces the wall clock (tests of clock skew, reproducible demos).
    pub fn set_clock(&mut self, clock: impl Fn() -> DateTime<Utc> + Send + 'static) {
        self.clock = Box::new(clock);
    }

    /// The wall clock this store records with.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

#[cfg(test)]
mod tests;
