//! Writing a printout or a page to the file a person named: replaced whole
//! and atomically where it is a regular file (a reader, such as a browser
//! refreshing a status page, never sees half of it), streamed into a device
//! or a pipe, followed through a symlink.

use std::fs::{self, File, FileType, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::app::AppError;
use crate::file_kind;

/// Writes the printout where the user asked, as a shell's `>` would but
/// safer: a regular file is replaced whole, a device or pipe is written
/// into, and a symlink is followed to the file it names.
pub fn write_file(
    path: &Path,
    render: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), AppError> {
    let (path, existing) = destination(path)?;
    let written = match &existing {
        Some(meta) if !meta.is_file() => write_into(&path, render),
        _ => replace(&path, existing.as_ref(), |f| {
            let mut out = io::BufWriter::with_capacity(64 * 1024, f);
            render(&mut out)?;
            out.flush()
        }),
    };
    written.map_err(|e| write_error(&path, &e))
}

/// The path to write and what is there now. A symlink is resolved, so the
/// link stays and the file it names is the one written; what a printout
/// cannot go into is refused.
fn destination(path: &Path) -> Result<(PathBuf, Option<Metadata>), AppError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((path.to_path_buf(), None)),
        Err(e) => return Err(write_error(path, &e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return match fs::canonicalize(path) {
            Ok(real) => destination(&real),
            Err(_) => Err(AppError::Input(format!(
                "{} is a symbolic link to {}, which does not exist; name the real file instead",
                path.display(),
                fs::read_link(path).unwrap_or_default().display()
            ))),
        };
    }
    if kind.is_dir() {
        return Err(AppError::Input(format!(
            "{} is a directory; name a file inside it, e.g. {}",
            path.display(),
            path.join("postmortem.md").display()
        )));
    }
    if kind.is_file() || writable_in_place(kind) {
        return Ok((path.to_path_buf(), Some(meta)));
    }
    Err(AppError::Input(format!(
        "{} is {}, which a printout cannot go into; name a regular file instead",
        path.display(),
        file_kind::describe(kind)
    )))
}

/// A character device (a terminal, /dev/null) or a pipe takes a stream, as
/// with a shell's `>`. A block device is a disk: never the place for a
/// printout.
fn writable_in_place(kind: FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        kind.is_char_device() || kind.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        false
    }
}

/// Writes into a device or pipe. Opening a pipe waits for its reader.
fn write_into(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut options = File::options();
    options.write(true);
    let file = file_kind::no_follow(&mut options).open(path)?;
    // Swapped for a regular file since it was looked at: writing over its
    // start without truncating would leave a mix of old and new.
    if file.metadata()?.is_file() {
        return Err(io::Error::other(
            "it changed while being written; run print again",
        ));
    }
    let mut out = io::BufWriter::with_capacity(64 * 1024, file);
    render(&mut out)?;
    out.flush()
}

/// Writes beside the target, makes it durable and renames it over, so a
/// reader never sees half a draft and a failed write (a full disk) leaves
/// the old file as it was. The new file keeps the old one's mode and, where
/// allowed, its owner: replacing a private draft must not publish it.
fn replace(
    path: &Path,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if existing.is_some() {
        use std::os::unix::fs::OpenOptionsExt;
        // Private until it has the old file's mode.
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    let done = write(&mut file)
        .and_then(|()| keep_mode_and_owner(&file, existing))
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}

fn keep_mode_and_owner(file: &File, existing: Option<&Metadata>) -> io::Result<()> {
    let Some(old) = existing else {
        return Ok(());
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; anyone keeps their own. The
        // owner goes first, as changing it clears set-id bits.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    file.set_permissions(old.permissions())
}

/// One sentence on why the printout could not be written.
fn write_error(path: &Path, e: &io::Error) -> AppError {
    let (reason, advice) = match e.kind() {
        io::ErrorKind::StorageFull => (
            "no space left on the device".to_string(),
            "free some space and print again",
        ),
        io::ErrorKind::NotFound => (
            "its directory does not exist".to_string(),
            "create it or name another file",
        ),
        io::ErrorKind::PermissionDenied => {
            ("permission denied".to_string(), "check you may write there")
        }
        _ => (e.to_string(), "check the directory exists and is writable"),
    };
    AppError::Io(format!(
        "could not write {}: {reason}; {advice}",
        path.display()
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("draft.md");
        fs::write(&draft, "old draft\n").unwrap();
        fs::set_permissions(&draft, fs::Permissions::from_mode(0o600)).unwrap();
        let meta = fs::metadata(&draft).unwrap();
        let full = replace(&draft, Some(&meta), |f| {
            f.write_all(b"half a new dr")?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(full.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read_to_string(&draft).unwrap(), "old draft\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
        let said = write_error(&draft, &full).to_string();
        assert!(said.contains("no space left"), "{said}");
    }

    #[test]
    fn a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("draft.md");
        write_file(&draft, &mut |f| f.write_all(b"one\n")).unwrap();
        let umask_mode = fs::metadata(&draft).unwrap().permissions().mode() & 0o777;
        assert_eq!(umask_mode & 0o600, 0o600);
        for mode in [0o600, 0o640, 0o664] {
            fs::set_permissions(&draft, fs::Permissions::from_mode(mode)).unwrap();
            write_file(&draft, &mut |f| f.write_all(b"two\n")).unwrap();
            let now = fs::metadata(&draft).unwrap().permissions().mode() & 0o7777;
            assert_eq!(now, mode);
        }
        assert_eq!(fs::read_to_string(&draft).unwrap(), "two\n");
    }
}
