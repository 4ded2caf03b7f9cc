//! Files a user names for fireground to write (the shared sync file, `print
//! --out`) may be symlinks, devices, pipes or directories. This says what a
//! path is in words, for refusals, and opens without following a symlink,
//! so a link swapped in after a check is refused rather than written
//! through.

use std::fs::{FileType, OpenOptions};

/// What kind of file `kind` is, as a refusal names it.
pub fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Makes the open fail on a symlink and never adopt a terminal as the
/// controlling terminal. Opening a pipe for writing still waits for a
/// reader, as a shell's `>` does.
pub fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NOCTTY);
    }
    options
}

/// As [`no_follow`], and opening a pipe never waits for the other end. On a
/// regular file the non-blocking flag changes nothing.
pub fn no_follow_nor_wait(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NOCTTY | libc::O_NONBLOCK);
    }
    options
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let kind =
            |p: &std::path::Path| describe(std::fs::symlink_metadata(p).unwrap().file_type());
        assert_eq!(kind(dir.path()), "a directory");
        assert_eq!(
            kind(std::path::Path::new("/dev/null")),
            "a character device"
        );
        let file = dir.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert_eq!(kind(&file), "a regular file");
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(kind(&link), "a symbolic link");
    }

    #[test]
    fn a_symlink_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let mut options = OpenOptions::new();
        options.read(true);
        assert!(no_follow(&mut options).open(&link).is_err());
        assert!(no_follow_nor_wait(&mut options).open(&file).is_ok());
    }
}
