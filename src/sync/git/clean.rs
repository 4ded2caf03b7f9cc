//! What a finished sync left in the working copy, read back without running
//! git, so that a sync with nothing new runs `git fetch` and nothing else.
//!
//! A sync that finishes leaves its working copy exactly at a commit of the
//! branch: nothing staged, no stray file. It writes down what that looks
//! like in `.git/fireground-clean`: the branch HEAD names, the commit the
//! branch is at, and stamps (inode, size, times) of the index, of the
//! `events` folder and of every file in it. The next sync takes the note
//! away before it changes anything, and believes it only if the same
//! things, read again as files, still agree; then, if the fetched remote
//! branch is still that commit, there is nothing to reset or clean.
//!
//! Whatever else touched the copy in between changes one of them: a sync
//! killed part-way (of this version, which took the note away first, or of
//! an older one, which never knew of it) staged something (the index is
//! rewritten), committed (the branch moves), or wrote, added or removed a
//! file sync reads (an events file or the folder changes), even a git
//! killed half-way through checking files out. A note that does not agree,
//! or refs kept some way this module does not read (reftable), only costs
//! the reset and clean that every sync used to run.

use std::io;
use std::path::Path;

use super::EVENTS_DIR;
use super::files::fnv1a;

/// The note, inside `.git` where neither a reset nor `git clean` reaches.
const NOTE: &str = "fireground-clean";
const VERSION: &str = "fireground-clean 1";

/// The working copy as a finished sync left it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Clean {
    pub(super) branch: String,
    /// `None` on an unborn branch (the remote had nothing yet).
    pub(super) commit: Option<String>,
    index: String,
    events: String,
}

impl Clean {
    /// The working copy as it stands, read from files; `None` when
    /// something cannot be read that way.
    pub(super) fn now(dir: &Path) -> Option<Clean> {
        let git_dir = dir.join(".git");
        let branch = head_branch(&git_dir)?;
        let commit = read_ref(&git_dir, &format!("refs/heads/{branch}"))?;
        Some(Clean {
            commit,
            index: stamp(&git_dir.join("index"))?,
            events: events_stamp(&dir.join(EVENTS_DIR))?,
            branch,
        })
    }

    /// Reads the note a finished sync left, and removes it: from here on
    /// the working copy may change, and a sync killed before it writes a
    /// new note must not leave this one to be believed.
    pub(super) fn take(dir: &Path) -> Option<Clean> {
        let path = dir.join(".git").join(NOTE);
        let text = std::fs::read_to_string(&path).ok()?;
        std::fs::remove_file(&path).ok()?;
        Clean::decode(&text)
    }

    /// Writes the note once a sync has finished. A note that cannot be
    /// written only means the next sync resets the copy as it always did.
    pub(super) fn leave(dir: &Path) {
        let git_dir = dir.join(".git");
        let Some(clean) = Clean::now(dir) else {
            return;
        };
        let partial = git_dir.join(format!("{NOTE}.new"));
        let written = std::fs::write(&partial, clean.encode())
            .and_then(|()| std::fs::rename(&partial, git_dir.join(NOTE)));
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
    }

    fn encode(&self) -> String {
        format!(
            "{VERSION}\nbranch {}\ncommit {}\nindex {}\nevents {}\nend\n",
            self.branch,
            self.commit.as_deref().unwrap_or("-"),
            self.index,
            self.events
        )
    }

    fn decode(text: &str) -> Option<Clean> {
        let lines: Vec<&str> = text.lines().collect();
        let [VERSION, branch, commit, index, events, "end"] = lines[..] else {
            return None;
        };
        let value = |line: &str, name: &str| {
            line.strip_prefix(name)?
                .strip_prefix(' ')
                .map(str::to_string)
        };
        let commit = value(commit, "commit")?;
        Some(Clean {
            branch: value(branch, "branch")?,
            commit: (commit != "-").then_some(commit),
            index: value(index, "index")?,
            events: value(events, "events")?,
        })
    }
}

/// The branch HEAD names, from `.git/HEAD` itself.
pub(super) fn head_branch(git_dir: &Path) -> Option<String> {
    if git_dir.join("reftable").exists() {
        return None;
    }
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let branch = head.strip_suffix('\n')?.strip_prefix("ref: refs/heads/")?;
    (!branch.is_empty() && !branch.contains(char::is_whitespace)).then(|| branch.to_string())
}

/// The commit a ref names, read as git keeps it in files: its own file, or
/// else its line in `packed-refs`. `Some(None)` when it does not exist;
/// `None` when that cannot be told this way.
pub(super) fn read_ref(git_dir: &Path, name: &str) -> Option<Option<String>> {
    if git_dir.join("reftable").exists() {
        return None;
    }
    match std::fs::read_to_string(git_dir.join(name)) {
        Ok(text) => return object_id(text.trim_end()).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(_) => return None,
    }
    let packed = match std::fs::read_to_string(git_dir.join("packed-refs")) {
        Ok(packed) => packed,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(None),
        Err(_) => return None,
    };
    match packed
        .lines()
        .find_map(|l| l.split_once(' ').filter(|(_, r)| *r == name))
    {
        Some((id, _)) => object_id(id).map(Some),
        None => Some(None),
    }
}

/// A full object id (SHA-1 or SHA-256), nothing else.
fn object_id(text: &str) -> Option<String> {
    let hex = text
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (hex && matches!(text.len(), 40 | 64)).then(|| text.to_string())
}

/// The stamps of the `events` folder and of everything in it, in one hash.
fn events_stamp(events: &Path) -> Option<String> {
    let mut all = stamp(events)?;
    // Never listed through a link someone committed in its place.
    let is_dir = std::fs::symlink_metadata(events).is_ok_and(|m| m.is_dir());
    if is_dir {
        let entries = std::fs::read_dir(events).ok()?;
        let mut names: Vec<_> = entries
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .ok()?;
        names.sort();
        for name in names {
            all.push_str(&format!(
                "\n{} {}",
                name.to_string_lossy(),
                stamp(&events.join(&name))?
            ));
        }
    }
    Some(format!("{:016x}", fnv1a(all.as_bytes())))
}

/// What changes whenever a file is written or replaced; `-` for no file.
fn stamp(path: &Path) -> Option<String> {
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some("-".to_string()),
        Err(_) => return None,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!(
            "{}:{}:{}:{}.{}:{}.{}",
            m.dev(),
            m.ino(),
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ))
    }
    #[cfg(not(unix))]
    {
        let modified = m.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(format!("{}:{}", m.len(), since.as_nanos()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    fn copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(git.join("refs/heads/main"), format!("{ID}\n")).unwrap();
        std::fs::write(git.join("index"), "DIRC").unwrap();
        dir
    }

    #[test]
    fn a_note_is_believed_once_and_only_while_nothing_changed() {
        let dir = copy();
        let events = dir.path().join("events");
        std::fs::create_dir(&events).unwrap();
        std::fs::write(events.join("theirs.jsonl"), "{}\n").unwrap();
        Clean::leave(dir.path());
        let left = Clean::take(dir.path()).expect("a note");
        assert_eq!(left.commit.as_deref(), Some(ID));
        assert_eq!(Clean::now(dir.path()), Some(left));
        assert_eq!(Clean::take(dir.path()), None, "taken away once read");

        let changes: [&dyn Fn(); 3] = [
            &|| std::fs::write(events.join("theirs.jsonl"), "{}\n{}\n").unwrap(),
            &|| std::fs::write(events.join("stray.jsonl"), "").unwrap(),
            &|| std::fs::write(dir.path().join(".git/index"), "DIRC2").unwrap(),
        ];
        for change in changes {
            Clean::leave(dir.path());
            let left = Clean::take(dir.path()).unwrap();
            change();
            assert_ne!(Clean::now(dir.path()), Some(left));
        }
    }

    #[test]
    fn refs_are_read_loose_then_packed_and_anything_odd_is_unknown() {
        let dir = copy();
        let git = dir.path().join(".git");
        assert_eq!(head_branch(&git).as_deref(), Some("main"));
        assert_eq!(read_ref(&git, "refs/heads/main"), Some(Some(ID.into())));
        assert_eq!(read_ref(&git, "refs/remotes/origin/main"), Some(None));
        let other = "fedcba9876543210fedcba9876543210fedcba98";
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled\n{other} refs/remotes/origin/main\n"),
        )
        .unwrap();
        assert_eq!(
            read_ref(&git, "refs/remotes/origin/main"),
            Some(Some(other.into()))
        );
        std::fs::write(git.join("refs/heads/main"), "ref: refs/heads/x\n").unwrap();
        assert_eq!(read_ref(&git, "refs/heads/main"), None);
        std::fs::write(git.join("HEAD"), format!("{ID}\n")).unwrap();
        assert_eq!(head_branch(&git), None, "a detached HEAD");
        std::fs::create_dir(git.join("reftable")).unwrap();
        assert_eq!(read_ref(&git, "refs/remotes/origin/main"), None);
    }

    #[test]
    fn a_torn_or_foreign_note_is_not_believed() {
        let clean = Clean {
            branch: "main".into(),
            commit: None,
            index: "-".into(),
            events: "1:2:3".into(),
        };
        let text = clean.encode();
        assert_eq!(Clean::decode(&text), Some(clean));
        assert_eq!(Clean::decode(&text[..text.len() - 4]), None);
        assert_eq!(Clean::decode(&text.replace(" 1\n", " 2\n")), None);
    }
}
