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

    #[error("the database is not usable: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("{0}")]
    TooLarge(crate::domain::limits::Oversized),

    #[error("the stored event {id} cannot be read: {reason}")]
    Corrupt { id: String, reason: String },

    #[error("no incident matches '{0}'; `fireground list --all` shows every incident")]
    UnknownIncident(String),

    #[error("'{given}' matches several incidents ({matches}); type more characters")]
    AmbiguousIncident { given: String, matches: String },

    #[error(
        "there is no open incident; declare one with `fireground declare TITLE` or pick one with --incident"
    )]
    NoOpenIncident,
}
