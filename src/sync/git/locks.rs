//! Lock files a killed git left in the working copy, removed once they are stale.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::files::remove_any;

/// How long a lock file git left may sit untouched before it is taken to
/// be from a git that was killed (see [`clear_stale_locks`]).
const STALE_LOCK: Duration = Duration::from_secs(3);

/// Locks git leaves behind when it is killed mid-write (`index.lock`,
/// `HEAD.lock`, a ref's lock) make every later git command in the working
/// copy fail. Our own sync lock keeps other fireground processes out, but
/// a git started by a sync that was killed may still be finishing (where
/// it cannot be made to die with its parent), and removing a lock under a
/// live git could corrupt what it writes. Every git step here is a small
/// local write, so a lock that nobody has touched for a few seconds
/// belongs to a git that is gone: such a lock is removed; a fresher one is
/// waited for.
pub(super) fn clear_stale_locks(git_dir: &Path) -> io::Result<()> {
    let mut locks = Vec::new();
    find_locks(git_dir, false, &mut locks)?;
    find_locks(&git_dir.join("refs"), true, &mut locks)?;
    for lock in locks {
        remove_when_stale(&lock)?;
    }
    Ok(())
}

fn find_locks(dir: &Path, deep: bool, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() && deep {
            find_locks(&path, deep, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "lock") {
            out.push(path);
        }
    }
    Ok(())
}

/// Removes `lock` once it has gone untouched for [`STALE_LOCK`], by its
/// time stamp or, for a stamp in the future, by our own watch.
fn remove_when_stale(lock: &Path) -> io::Result<()> {
    let mut seen: Option<(SystemTime, Instant)> = None;
    loop {
        let modified = match std::fs::symlink_metadata(lock) {
            Ok(m) => m.modified()?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let since = match seen {
            Some((stamp, since)) if stamp == modified => since,
            _ => Instant::now(),
        };
        seen = Some((modified, since));
        let idle = SystemTime::now()
            .duration_since(modified)
            .unwrap_or_default()
            .max(since.elapsed());
        if idle >= STALE_LOCK {
            return remove_any(lock);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
