//! The working copy's files, never read or written through a link; its folder, lock and name.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::EVENTS_DIR;
use crate::domain::ids::ReplicaId;
use crate::sync::report::Warning;

/// Creates a folder only its owner can read: working copies hold the
/// incident's log.
pub(super) fn private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// The lock file beside a working copy.
pub(super) fn lock_path(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// A stable hash (std's hashers may change between releases; directory
/// names must not).
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Every `events/<replica>.jsonl` that is a plain file, sorted, and a
/// warning for each one that is something else (a link, a folder), which
/// is never read. Anything else in the repository is someone else's and
/// left alone.
/// The replica a file of the repository belongs to: `events/<replica>.jsonl`
/// is written by that replica alone.
pub(super) fn owner(name: &str) -> Option<ReplicaId> {
    name.strip_prefix(EVENTS_DIR)?
        .strip_prefix('/')?
        .strip_suffix(".jsonl")?
        .parse()
        .ok()
}

pub(super) fn replica_files(dir: &Path) -> io::Result<(Vec<String>, Vec<Warning>)> {
    let events = dir.join(EVENTS_DIR);
    let (mut names, mut skipped) = (Vec::new(), Vec::new());
    if !is_plain_dir(&events)? {
        return Ok((names, skipped));
    }
    for entry in std::fs::read_dir(&events)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let is_replica = name
            .strip_suffix(".jsonl")
            .is_some_and(|id| id.parse::<ReplicaId>().is_ok());
        if !is_replica {
            continue;
        }
        let path = format!("{EVENTS_DIR}/{name}");
        let kind = entry.file_type()?;
        if kind.is_file() {
            names.push(path);
        } else {
            let what = if kind.is_symlink() {
                "it is a symbolic link, not a plain file"
            } else {
                "it is not a plain file"
            };
            skipped.push(Warning::whole_file(&path, what));
        }
    }
    names.sort();
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Ok((names, skipped))
}

fn is_plain_dir(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(m.file_type().is_dir()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Opens a file the working copy holds, refusing to follow a link even if
/// one appeared since the folder was listed.
pub(super) fn open_plain(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    no_follow(&mut options);
    options.open(path)
}

fn no_follow(options: &mut std::fs::OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW);
    #[cfg(not(unix))]
    let _ = options;
}

/// Opens this replica's file for appending. Only we write it and we only
/// ever write a plain file, so whatever else stands there (a link to
/// somewhere outside, a folder, `events` itself replaced) came from someone
/// else's commit: it is removed, never followed, and a plain file holding
/// our events takes its place.
pub(super) fn open_own(dir: &Path, own: &str) -> io::Result<File> {
    let events = dir.join(EVENTS_DIR);
    if !is_plain_dir(&events)? {
        remove_any(&events)?;
        std::fs::create_dir(&events)?;
    }
    let path = dir.join(own);
    if let Ok(m) = path.symlink_metadata()
        && !m.file_type().is_file()
    {
        remove_any(&path)?;
    }
    let mut options = File::options();
    options.read(true).append(true).create(true);
    no_follow(&mut options);
    options.open(path)
}

/// Removes a file, a link (not what it points to) or a whole folder.
pub(super) fn remove_any(path: &Path) -> io::Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
