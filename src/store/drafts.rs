//! Forms the console left half-written: kept as they are typed, so a stray
//! Esc, a quit, a crash or a kill loses nothing. They belong to the person
//! at this console, so they stay in this database and are never synced.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// A form's fields as they were left, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub values: Vec<(String, String)>,
    pub saved_at: DateTime<Utc>,
}

impl Store {
    /// Keeps a form's fields under `key`, replacing what it held.
    pub fn save_draft(&self, key: &str, values: &[(String, String)]) -> Result<(), StoreError> {
        // A list of string pairs always serialises.
        let fields = serde_json::to_string(values).unwrap_or_default();
        self.conn.execute(
            "INSERT OR REPLACE INTO drafts (key, fields, saved_ms) VALUES (?1, ?2, ?3)",
            params![key, fields, self.now().timestamp_millis()],
        )?;
        Ok(())
    }

    /// The draft kept under `key`; one that cannot be read is no draft.
    pub fn draft(&self, key: &str) -> Result<Option<Draft>, StoreError> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT fields, saved_ms FROM drafts WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(fields, ms)| {
            Some(Draft {
                values: serde_json::from_str(&fields).ok()?,
                saved_at: DateTime::from_timestamp_millis(ms)?,
            })
        }))
    }

    pub fn discard_draft(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM drafts WHERE key = ?1", [key])?;
        Ok(())
    }
}
