//! Sync: responders' logs merge, with no server, over a shared file or a git
//! repository. Each sync pulls the events this database lacks and pushes
//! the events the target lacks; it is idempotent and incremental.
//!
//! The console calls [`sync`] from a background thread, with a `Store` of
//! its own opened on the same database; it blocks for as long as the file
//! or git takes and never prompts. [`remembered_target`] gives the target
//! `fireground sync` used last.

mod codec;
mod error;
mod file;
mod git;
mod reader;
mod report;
mod scrub;
mod session;
mod target;

use std::ffi::OsString;
use std::path::PathBuf;

pub use error::SyncError;
pub use report::{PulledFrom, SyncReport, Warning};
pub use target::Target;

use crate::paths;
use crate::store::Store;
use session::Session;

/// Where and how a sync runs; [`SyncOptions::default`] is what users get.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Git working copies live in `<data_dir>/sync/`.
    pub data_dir: PathBuf,
    /// Extra environment for the git commands (tests isolate git's
    /// configuration this way).
    pub git_env: Vec<(OsString, OsString)>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            data_dir: paths::data_dir(),
            git_env: Vec::new(),
        }
    }
}

/// Syncs the database with a target and remembers the target for next time.
pub fn sync(store: &mut Store, target: &Target) -> Result<SyncReport, SyncError> {
    sync_with(store, target, &SyncOptions::default())
}

/// As [`sync`], with explicit options.
pub fn sync_with(
    store: &mut Store,
    target: &Target,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let key = target.key();
    let replica = store.replica();
    let mut session = Session::begin(store, key.clone())?;
    match target {
        Target::File(path) => file::sync(&mut session, path)?,
        Target::Git(remote) => git::sync(&mut session, remote, replica, options)?,
    }
    let mut report = session.finish()?;
    report.held = store.held()?;
    report.kept_apart = store.kept_apart()?;
    if store.sync_target()?.as_deref() != Some(key.as_str()) {
        store.set_sync_target(&key)?;
    }
    Ok(report)
}

/// What a redaction cannot take back on this database's target, said when
/// one is made: a git repository's history keeps every version of the
/// files, so the text is still in the commits made before the redaction.
pub fn redaction_caveat(store: &Store) -> Option<&'static str> {
    match remembered_target(store) {
        Ok(Some(Target::Git(_))) => Some(
            "this syncs over git: the next sync takes the text out of the repository's files, \
             but its history still holds it; see \"Purging git history\" in the README",
        ),
        _ => None,
    }
}

/// The target a sync given none uses: `configured` (the config file's)
/// if set, else the one this database synced with last.
pub fn default_target(
    store: &Store,
    configured: Option<&str>,
) -> Result<Option<Target>, SyncError> {
    match configured {
        Some(t) => Target::parse(t).map(Some),
        None => remembered_target(store),
    }
}

/// The target this database synced with last, if any.
pub fn remembered_target(store: &Store) -> Result<Option<Target>, SyncError> {
    Ok(store.sync_target()?.as_deref().and_then(Target::from_key))
}
