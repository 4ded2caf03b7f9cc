//! Store errors, each phrased so the user knows what to do next.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "the database {path} was written by a newer fireground (schema {found}, this build knows up to {supported}); upgrade fireground to use it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "cannot write to the database {path}: {reason}; free some space or use a writable --db (everything recorded so far is safe)"
    )]
    Unwritable { path: PathBuf, reason: &'static str },

    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),

    #[error("{0}")]
    TooLarge(crate::domain::limits::Oversized),

    #[error("the stored event {id} cannot be read: {reason}")]
    Corrupt { id: String, reason: String },

    #[error("cannot read or make this replica's signing key: {0}")]
    NoKey(String),

    #[error("no incident matches '{0}'; `fireground list --all` shows every incident")]
    UnknownIncident(String),

    #[error("'{given}' matches several incidents ({matches}); type more characters")]
    AmbiguousIncident { given: String, matches: String },

    #[error(
        "there is no open incident; declare one with `fireground declare TITLE` or pick one with --incident"
    )]
    NoOpenIncident,
}

impl StoreError {
    /// Whether the database failed because it cannot be written to (a full
    /// disk, a read-only file or file system) while it may still be read.
    pub fn cannot_write(&self) -> bool {
        match self {
            StoreError::Open { .. } | StoreError::Unwritable { .. } => true,
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(
                    rusqlite::ErrorCode::DiskFull
                        | rusqlite::ErrorCode::ReadOnly
                        | rusqlite::ErrorCode::CannotOpen
                        | rusqlite::ErrorCode::SystemIoFailure
                )
            ),
            _ => false,
        }
    }
}

/// SQLite's words for the failures a user can act on, turned into what to do.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => "the disk holding the database is full: nothing new was recorded, and everything recorded before is safe; free some space and try again".into(),
        Some(rusqlite::ErrorCode::ReadOnly) => "the database cannot be written (a read-only file or file system): nothing new was recorded; use a writable --db".into(),
        _ => format!("the database is not usable: {e}"),
    }
}
