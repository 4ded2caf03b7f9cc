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
    /// Events from other replicas held back as dated too far ahead.
    pub held: u64,
    /// Events from other replicas refused at import (forged, rewritten,
    /// badly signed) and kept apart.
    pub kept_apart: u64,
}

impl SyncState {
    /// One short phrase for the header.
    pub fn describe(&self, zone: Zone) -> String {
        let last = self
            .last_sync
            .map(|t| format!(" {}", zone.hm(t)))
            .unwrap_or_default();
        let mut said = self.health_phrase(&last);
        if self.held > 0 {
            said += &format!(" · {} held back: clock ahead", self.held);
        }
        if self.kept_apart > 0 {
            said += &format!(" · {} kept apart: see fireground verify", self.kept_apart);
        }
        said
    }

    fn health_phrase(&self, last: &str) -> String {
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

    /// Whether the header should draw attention: a failure, or events held
    /// back (a clock somewhere is wrong).
    pub fn alarming(&self) -> bool {
        self.failing() || self.held > 0 || self.kept_apart > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_held_back_are_said_in_the_header_and_draw_attention() {
        let mut state = SyncState {
            health: SyncHealth::Ok,
            ..SyncState::default()
        };
        assert!(!state.alarming());
        state.held = 2;
        assert!(state.alarming());
        assert_eq!(
            state.describe(Zone::Utc),
            "ok ↓0 ↑0 · 2 held back: clock ahead"
        );
    }

    #[test]
    fn events_kept_apart_at_import_are_said_in_the_header_and_draw_attention() {
        let state = SyncState {
            health: SyncHealth::Ok,
            kept_apart: 1,
            ..SyncState::default()
        };
        assert!(state.alarming());
        assert_eq!(
            state.describe(Zone::Utc),
            "ok ↓0 ↑0 · 1 kept apart: see fireground verify"
        );
    }
}
