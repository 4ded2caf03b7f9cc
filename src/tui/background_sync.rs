//! Sync in the background: a thread of its own with its own connection to
//! the log, so a slow git push never holds up the screen. It syncs on an
//! interval and when asked; requests made while a sync runs fold into one.

use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;

use super::action::Background;
use super::sync_state::{SyncHealth, SyncState};
use crate::store::Store;
use crate::sync;

/// How often the console syncs on its own.
pub const SYNC_EVERY: Duration = Duration::from_secs(30);

/// The handle the console keeps: dropping it ends the worker.
pub struct SyncWorker {
    wake: std_mpsc::Sender<()>,
}

impl SyncWorker {
    /// Starts the worker on the database at `db`; it reports every outcome
    /// on `report`.
    /// Syncs `db` every `every` with `configured` (the config file's
    /// target), else the target it synced with last.
    pub fn spawn(
        db: PathBuf,
        configured: Option<String>,
        every: Duration,
        report: mpsc::UnboundedSender<Background>,
    ) -> SyncWorker {
        let (wake, requests) = std_mpsc::channel();
        std::thread::spawn(move || work(db, configured, every, requests, report));
        SyncWorker { wake }
    }

    /// Asks for a sync as soon as the current one (if any) is done.
    pub fn sync_now(&self) {
        let _ = self.wake.send(());
    }
}

fn work(
    db: PathBuf,
    configured: Option<String>,
    every: Duration,
    requests: std_mpsc::Receiver<()>,
    report: mpsc::UnboundedSender<Background>,
) {
    let mut state = SyncState::default();
    let mut store = match Store::open(&db) {
        Ok(store) => store,
        Err(e) => {
            state.health = SyncHealth::Failing(e.to_string());
            let _ = report.send(Background::Sync(state));
            return;
        }
    };
    loop {
        match sync::default_target(&store, configured.as_deref()) {
            Ok(None) => state.health = SyncHealth::NotConfigured,
            Ok(Some(target)) => match sync::sync(&mut store, &target) {
                Ok(done) => {
                    state.health = SyncHealth::Ok;
                    state.last_sync = Some(Utc::now());
                    state.events_in = done.pulled as u64;
                    state.events_out = done.pushed as u64;
                    state.held = done.held.map_or(0, |h| h.count);
                    state.kept_apart = done.kept_apart;
                }
                Err(e) => state.health = SyncHealth::Failing(e.to_string()),
            },
            Err(e) => state.health = SyncHealth::Failing(e.to_string()),
        }
        if report.send(Background::Sync(state.clone())).is_err() {
            return;
        }
        match requests.recv_timeout(every) {
            // Several presses while a sync ran are one request.
            Ok(()) => while requests.try_recv().is_ok() {},
            Err(std_mpsc::RecvTimeoutError::Timeout) => {}
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventKind;
    use crate::domain::ids::IncidentId;

    fn next_state(rx: &mut mpsc::UnboundedReceiver<Background>) -> SyncState {
        match rx.blocking_recv().expect("a report") {
            Background::Sync(s) => s,
            other => panic!("not a sync report: {other:?}"),
        }
    }

    #[test]
    fn reports_not_configured_then_syncs_a_remembered_target_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let shared = dir.path().join("shared.jsonl");
        let (tx, mut rx) = mpsc::unbounded_channel();
        let worker = SyncWorker::spawn(db.clone(), None, Duration::from_secs(3600), tx);
        assert_eq!(next_state(&mut rx).health, SyncHealth::NotConfigured);

        // Another responder's log, already on the shared file.
        let mut other = Store::open(&dir.path().join("b.db")).unwrap();
        let target = sync::Target::parse(shared.to_str().unwrap()).unwrap();
        other
            .append(
                IncidentId::generate(),
                None,
                "bo",
                EventKind::Declared {
                    title: "x".into(),
                    severity: "P1".into(),
                    summary: String::new(),
                    playbook: "default".into(),
                    commander: "bo".into(),
                    stage: "detect".into(),
                },
            )
            .unwrap();
        sync::sync(&mut other, &target).unwrap();
        // This database remembers the target (as `fireground sync FILE` would).
        let mut mine = Store::open(&db).unwrap();
        sync::sync(&mut mine, &target).unwrap();
        mine.append(
            IncidentId::generate(),
            None,
            "ana",
            EventKind::Resolved {
                summary: String::new(),
            },
        )
        .unwrap();

        worker.sync_now();
        let state = next_state(&mut rx);
        assert_eq!(state.health, SyncHealth::Ok);
        assert_eq!(
            (state.events_in, state.events_out),
            (0, 1),
            "pushed the new local event"
        );
        assert!(state.last_sync.is_some());
    }

    #[test]
    fn a_broken_target_is_reported_as_failing_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let missing = dir.path().join("no/such/dir/shared.jsonl");
        let mut store = Store::open(&db).unwrap();
        let target = sync::Target::parse(missing.to_str().unwrap()).unwrap();
        // Remember a target that cannot work.
        let _ = sync::sync(&mut store, &target);
        store.set_sync_target(&target.key()).unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _worker = SyncWorker::spawn(db, None, Duration::from_secs(3600), tx);
        match next_state(&mut rx).health {
            SyncHealth::Failing(why) => assert!(!why.is_empty()),
            other => panic!("expected failing, got {other:?}"),
        }
    }
}
