//! What the header says about sync. Background sync reports into this through
//! a [`Background::Sync`](super::Background) message.

use chrono::{DateTime, Utc};

use crate::domain::text::single_line;
use crate::zone::Zone;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SyncHealth {
    #[default]
    NotConfigured,
    Ok,
    /// The last attempt failed, and why.
    Failing(String),
}

/// The state of sync as last reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncState {
    pub health: SyncHealth,
    /// When a sync last succeeded.
    pub last_sync: Option<DateTime<Utc>>,
    /// Events brought in and sent out by the last sync.
    pub events_in: u64,
    pub events_out: u64,
}

impl SyncState {
    /// One short phrase for the header.
    pub fn describe(&self, zone: Zone) -> String {
        let last = self
            .last_sync
            .map(|t| format!(" {}", zone.hm(t)))
            .unwrap_or_default();
        match &self.health {
            SyncHealth::NotConfigured => "not configured".to_string(),
            SyncHealth::Ok => format!("ok{last} ↓{} ↑{}", self.events_in, self.events_out),
            // The reason may quote a remote's output: never let it drive the
            // terminal.
            SyncHealth::Failing(why) => match self.last_sync {
                Some(_) => format!("FAILING: {} (last ok{last})", single_line(why)),
                None => format!("FAILING: {}", single_line(why)),
            },
        }
    }

    pub fn failing(&self) -> bool {
        matches!(self.health, SyncHealth::Failing(_))
    }
}
