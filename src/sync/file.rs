//! Sync over one shared JSON Lines file that every responder can reach (a
//! network share, a synced folder). Anyone may append; appends happen under
//! an exclusive lock, reads need none.
//!
//! The file is created with the user's umask, like any file they make: it
//! is shared with teammates on purpose, and the share's own permissions say
//! who those are.

use std::fs::{self, File, FileType};
use std::path::Path;

use super::SyncError;
use super::reader::cursor_holds;
use super::session::{Session, append_outgoing, file_error};
use crate::file_kind;

/// The cursor name of the one file this target has.
const NAME: &str = "";

pub fn sync(session: &mut Session<'_>, path: &Path) -> Result<(), SyncError> {
    let label = path.display().to_string();
    let fail = |e| file_error(&label, e);
    let mut file = open_shared(path)?;
    session.check_cursors(|_, cursor| cursor_holds(&mut file, cursor).map_err(fail))?;

    // Reading needs no lock, so a large import does not hold up writers,
    // and a sync with nothing to write never waits for one.
    session.pull(NAME, &mut file, &label)?;
    let scrubs = session.scrubs_pending()?;
    if scrubs.is_none()
        && let Some(row) = session.up_to_date()?
    {
        session.pushed(row, 0);
        return Ok(());
    }
    let mut file = lock_current(path, file)?;
    // The file read may since have been replaced by a rewrite.
    session.check_cursors(|_, cursor| cursor_holds(&mut file, cursor).map_err(fail))?;
    // What others append meanwhile is read under the lock, before writing.
    session.pull(NAME, &mut file, &label)?;
    let scrubs = session.scrubs_pending()?.or(scrubs);
    if let Some(mark) = scrubs {
        // The new file is locked before it takes the path: whoever opens
        // the path from then on waits for us, and whoever waits on the old
        // file finds, once it has the lock, that the path names another.
        if let Some(new) = session.scrub_file(NAME, path, &mut file, true)? {
            file = new;
        }
        session.scrubbed(mark);
    }
    let out = append_outgoing(session, NAME, &mut file, &label)?;
    file.unlock().map_err(fail)?;
    session.pushed(out.last_rowid, out.count);
    Ok(())
}

/// Locks the file at `path`. The file locked must still be the one the
/// path names: a rewrite renames a new file over it, and a line appended
/// to the old one after that would be lost. So once the lock is held the
/// path is looked at again, and the file opened again if it changed.
fn lock_current(path: &Path, mut file: File) -> Result<File, SyncError> {
    let label = path.display().to_string();
    let fail = |e| file_error(&label, e);
    // Each turn means someone rewrote the file meanwhile: a handful is
    // already far more than happens.
    for _ in 0..100 {
        file.lock().map_err(fail)?;
        if names(path, &file).map_err(fail)? {
            return Ok(file);
        }
        file.unlock().map_err(fail)?;
        file = open_shared(path)?;
    }
    Err(fail(std::io::Error::other(
        "it keeps being replaced while this sync waits to write to it",
    )))
}

/// Whether `path` names the file open as `file`.
#[cfg(unix)]
fn names(path: &Path, file: &File) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let named = match fs::symlink_metadata(path) {
        Ok(named) => named,
        // Gone: opened again, it is made again.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let open = file.metadata()?;
    Ok(open.dev() == named.dev() && open.ino() == named.ino())
}

#[cfg(not(unix))]
fn names(_path: &Path, _file: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// Opens the shared file, creating it if missing, and refuses anything but
/// a regular file: appending through a symlink writes to whatever it points
/// at, and reading a device or a pipe never ends. The path is looked at
/// before opening (opening a device or pipe can itself do things), and the
/// opened descriptor again, since the path may change in between.
fn open_shared(path: &Path) -> Result<File, SyncError> {
    if let Ok(meta) = fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(not_a_file(path, meta.file_type()));
    }
    let mut options = File::options();
    options.read(true).append(true).create(true);
    let opened = file_kind::no_follow_nor_wait(&mut options).open(path);
    let file = opened.map_err(|e| match fs::symlink_metadata(path) {
        // Replaced by a symlink or a directory since the look.
        Ok(meta) if !meta.is_file() => not_a_file(path, meta.file_type()),
        _ => file_error(&path.display().to_string(), e),
    })?;
    let kind = file
        .metadata()
        .map_err(|e| file_error(&path.display().to_string(), e))?
        .file_type();
    if !kind.is_file() {
        return Err(not_a_file(path, kind));
    }
    Ok(file)
}

/// The refusal, with what to do instead: for a symlink, the path it leads
/// to when that is a file to sync with.
fn not_a_file(path: &Path, kind: FileType) -> SyncError {
    let regular = "give the path of a regular file that every responder can reach";
    let advice = if kind.is_symlink() {
        match fs::canonicalize(path).and_then(|real| Ok((fs::metadata(&real)?, real))) {
            Ok((meta, real)) if meta.is_file() => {
                format!("pass the real path {} instead", real.display())
            }
            Ok((meta, real)) => format!(
                "it leads to {}, {}; {regular}",
                real.display(),
                file_kind::describe(meta.file_type())
            ),
            Err(_) => format!("it leads nowhere; {regular}"),
        }
    } else {
        regular.to_string()
    };
    SyncError::NotAFile {
        path: path.to_path_buf(),
        what: file_kind::describe(kind),
        advice,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_writer_that_opened_the_file_before_a_rewrite_appends_to_the_new_one() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        fs::write(&path, "old\n").unwrap();
        // Another laptop's sync opened the file, then waited for the lock
        // while this one rewrote it.
        let opened_before = open_shared(&path).unwrap();
        let new = super::super::scrub::replace_atomically(&path, |f| {
            f.write_all(b"new\n")?;
            f.lock()
        })
        .unwrap();
        drop(new);
        let mut locked = lock_current(&path, opened_before).unwrap();
        locked.write_all(b"appended\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\nappended\n");
    }

    fn refusal(path: &Path) -> String {
        match open_shared(path) {
            Err(e @ SyncError::NotAFile { .. }) => e.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn only_a_regular_file_is_opened_and_a_missing_one_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("shared.jsonl");
        open_shared(&file).unwrap();
        assert!(fs::symlink_metadata(&file).unwrap().is_file());
        open_shared(&file).unwrap();

        assert!(refusal(dir.path()).contains("is a directory"));
        assert!(refusal(Path::new("/dev/null")).contains("a character device"));
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let why = refusal(&link);
        let real = file.canonicalize().unwrap();
        assert!(
            why.contains(&format!("pass the real path {} instead", real.display())),
            "{why}"
        );
        let dangling = dir.path().join("dangling.jsonl");
        std::os::unix::fs::symlink(dir.path().join("gone/x.jsonl"), &dangling).unwrap();
        assert!(refusal(&dangling).contains("leads nowhere"));
        assert!(!dir.path().join("gone").exists(), "nothing created");
    }
}
