//! Sync errors, each one sentence that says what to do.

use std::path::PathBuf;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "no sync target yet; run `fireground sync PATH_OR_GIT_URL` once (a shared file or a git repository) and it will be remembered, or set sync in the config file"
    )]
    NoTarget,

    #[error("'{0}' is not a sync target; give the path of a shared file or a git URL")]
    BadTarget(String),

    #[error("cannot use the sync file {path}: {reason}; check the path and its permissions")]
    File { path: PathBuf, reason: String },

    /// A symlink, device, pipe or directory where the shared file should
    /// be: writing through it reaches someone else's file, and reading a
    /// device or pipe never ends.
    #[error("cannot sync with {path}: it is {what}, not a regular file; {advice}")]
    NotAFile {
        path: PathBuf,
        what: &'static str,
        advice: String,
    },

    #[error("the git command was not found; install git, or sync over a shared file instead")]
    GitMissing,

    #[error("git could not {action} {remote}: {reason}; check the address and your access to it")]
    Git {
        action: &'static str,
        remote: String,
        reason: String,
    },

    #[error(
        "the push to {remote} was refused {attempts} times because others pushed at the same moment; run sync again"
    )]
    PushRejected { remote: String, attempts: u32 },

    #[error("cannot use the working copy {path}: {reason}; delete it and sync again")]
    WorkingCopy { path: PathBuf, reason: String },

    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Whether the user named something that cannot be synced with, as
    /// opposed to a failure along the way.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            SyncError::NoTarget | SyncError::BadTarget(_) | SyncError::NotAFile { .. }
        )
    }
}
