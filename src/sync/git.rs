//! Sync over a git repository, with the user's own `git` (and so their
//! credentials and SSH set-up). The repository holds one JSON Lines file per
//! replica, `events/<replica>.jsonl`; a replica appends only to its own, so
//! pushes never conflict. A private working copy per database and target
//! lives under the data directory.
//!
//! The working copy is a cache that a killed sync may leave in any state,
//! so nothing in it is trusted: each attempt makes it exactly the fetched
//! remote branch, reads what others wrote from there, and works out what to
//! send from the database against it.

use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::fs::File;
use std::hash::BuildHasher;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use super::reader::cursor_holds;
use super::report::{Warning, names};
use super::session::{Outgoing, Session, append_outgoing};
use super::target::redacted;
use super::{SyncError, SyncOptions};
use crate::domain::ids::ReplicaId;
use crate::domain::text::single_line;

/// Pushes refused because someone else pushed first are retried this many
/// times in all, after a short random pause that grows each time.
const ATTEMPTS: u32 = 8;

/// The branch used when the remote has none to suggest (an empty repo).
const DEFAULT_BRANCH: &str = "main";

const EVENTS_DIR: &str = "events";

/// How long a lock file git left may sit untouched before it is taken to
/// be from a git that was killed (see [`clear_stale_locks`]).
const STALE_LOCK: Duration = Duration::from_secs(3);

const UPDATE: &str = "update the working copy of";
const COMMIT: &str = "commit to the working copy of";

const UPDATE_CHECKOUT: &str =
    "--receive-pack=git -c receive.denyCurrentBranch=updateInstead receive-pack";

pub fn sync(
    session: &mut Session<'_>,
    remote: &str,
    replica: ReplicaId,
    options: &SyncOptions,
) -> Result<(), SyncError> {
    let dir = working_copy(&options.data_dir, remote, replica);
    let wc_error = |e: io::Error| SyncError::WorkingCopy {
        path: dir.clone(),
        reason: e.to_string(),
    };
    // One sync at a time per working copy (the console and the command line
    // may both sync the same database).
    private_dir(dir.parent().unwrap_or(&dir)).map_err(wc_error)?;
    let lock = File::create(lock_path(&dir)).map_err(wc_error)?;
    lock.lock().map_err(wc_error)?;

    let git = Git {
        dir: dir.clone(),
        remote,
        env: &options.git_env,
    };
    let mut branch = git.open()?;
    let own = format!("{EVENTS_DIR}/{replica}.jsonl");
    // What this sync has written to our file, across attempts.
    let mut sent = Outgoing::default();
    // Our commit from a push that was refused, to carry onto the new remote.
    let mut refused: Option<String> = None;
    for attempt in 1..=ATTEMPTS {
        if git.fetch()? {
            branch = git.branch()?;
        }
        // The working copy is never trusted: a killed sync may have left
        // anything in it (a staged file on an unborn branch, a commit that
        // was never pushed). It is made the remote's, exactly, and what to
        // push is worked out again from the database against that.
        let upstream = git.rev(&format!("refs/remotes/origin/{branch}"))?;
        git.reset_to(upstream.as_deref())?;
        if let Some(commit) = &refused {
            // Only we write our file, so our version of it is the rebase.
            git.run(UPDATE, &["checkout", commit, "--", &own])?;
        }
        pull_all(session, &dir)?;

        // Our file is only touched when there is something to add to it.
        let out = match session.up_to_date()? {
            Some(last_rowid) => Outgoing {
                last_rowid,
                ..Outgoing::default()
            },
            None => {
                let mut file = open_own(&dir, &own).map_err(wc_error)?;
                append_outgoing(session, &own, &mut file, &own)?
            }
        };
        if out.count > 0 {
            git.run(COMMIT, &["add", "-f", "--", &own])?;
        }
        sent.count += out.count;
        for name in out.authors {
            if !sent.authors.contains(&name) {
                sent.authors.push(name);
            }
        }
        let has_changes = out.count > 0 || refused.is_some();
        if !has_changes || !git.commit(&commit_message(&sent, replica), replica)? {
            if out.count > 0 {
                // Never report lines that went nowhere as sent.
                return Err(git.wc_error(io::Error::other(
                    "git committed none of the lines just written",
                )));
            }
            // The remote, as fetched, holds every event of ours.
            session.pushed(out.last_rowid, 0);
            return Ok(());
        }
        let refspec = format!("HEAD:refs/heads/{branch}");
        let mut push = vec!["push", "-q", "--no-verify"];
        if Path::new(remote).is_absolute() {
            // A repository on a path may be someone's checkout, with the
            // branch checked out: update their files too, as long as they
            // have no changes of their own.
            push.push(UPDATE_CHECKOUT);
        }
        push.extend(["origin", &refspec]);
        let pushed = git.output(&push)?;
        if pushed.status.success() {
            session.pushed(out.last_rowid, sent.count);
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&pushed.stderr);
        if !someone_pushed_first(&stderr) {
            return Err(git.error("push to", &pushed));
        }
        let head = git.rev("HEAD")?;
        refused = Some(
            head.ok_or_else(|| git.wc_error(io::Error::other("the commit just made is gone")))?,
        );
        if attempt < ATTEMPTS {
            std::thread::sleep(pause(attempt));
        }
    }
    Err(SyncError::PushRejected {
        remote: single_line(&redacted(remote)),
        attempts: ATTEMPTS,
    })
}

/// `fireground: 3 events from 01ABCDEF (ana and bo)`.
fn commit_message(sent: &Outgoing, replica: ReplicaId) -> String {
    format!(
        "fireground: {} {} from {} ({})",
        sent.count,
        if sent.count == 1 { "event" } else { "events" },
        replica.short(),
        names(&sent.authors)
    )
}

/// Reads every replica's file in the working copy from its cursor. A file
/// that is not a plain file (a link a hostile teammate committed) is never
/// opened: reading through it could read anything on this machine.
fn pull_all(session: &mut Session<'_>, dir: &Path) -> Result<(), SyncError> {
    let wc_error = |e: io::Error| SyncError::WorkingCopy {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let (files, skipped) = replica_files(dir).map_err(wc_error)?;
    // Each attempt lists the files again; a link is named once.
    for w in skipped {
        if !session.report.warnings.contains(&w) {
            session.report.warnings.push(w);
        }
    }
    session.check_cursors(|name, cursor| {
        if !files.iter().any(|f| f == name) {
            return Ok(false);
        }
        let mut f = open_plain(&dir.join(name)).map_err(wc_error)?;
        cursor_holds(&mut f, cursor).map_err(wc_error)
    })?;
    for name in &files {
        let mut f = open_plain(&dir.join(name)).map_err(wc_error)?;
        session.pull(name, &mut f, name)?;
    }
    Ok(())
}

/// `<data_dir>/sync/<name>-<hash>`: readable, and distinct per database and
/// per remote.
fn working_copy(data_dir: &Path, remote: &str, replica: ReplicaId) -> PathBuf {
    let name: String = remote
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit(['/', ':', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    let name = name.trim_start_matches('.');
    let name = if name.is_empty() { "repo" } else { name };
    let hash = fnv1a(format!("{replica}\n{remote}").as_bytes());
    data_dir.join("sync").join(format!("{name}-{hash:016x}"))
}

/// Creates a folder only its owner can read: working copies hold the
/// incident's log.
fn private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// The lock file beside a working copy.
fn lock_path(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// A stable hash (std's hashers may change between releases; directory
/// names must not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Every `events/<replica>.jsonl` that is a plain file, sorted, and a
/// warning for each one that is something else (a link, a folder), which
/// is never read. Anything else in the repository is someone else's and
/// left alone.
fn replica_files(dir: &Path) -> io::Result<(Vec<String>, Vec<Warning>)> {
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
fn open_plain(path: &Path) -> io::Result<File> {
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
fn open_own(dir: &Path, own: &str) -> io::Result<File> {
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
fn remove_any(path: &Path) -> io::Result<()> {
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

/// Locks git leaves behind when it is killed mid-write (`index.lock`,
/// `HEAD.lock`, a ref's lock) make every later git command in the working
/// copy fail. Our own sync lock keeps other fireground processes out, but
/// a git started by a sync that was killed may still be finishing (where
/// it cannot be made to die with its parent), and removing a lock under a
/// live git could corrupt what it writes. Every git step here is a small
/// local write, so a lock that nobody has touched for a few seconds
/// belongs to a git that is gone: such a lock is removed; a fresher one is
/// waited for.
fn clear_stale_locks(git_dir: &Path) -> io::Result<()> {
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

/// Whether a refused push was only a race with another pusher, worth
/// retrying after fetching again.
fn someone_pushed_first(stderr: &str) -> bool {
    [
        "[rejected]",
        "fetch first",
        "non-fast-forward",
        "cannot lock ref",
        "failed to update ref",
        "failed to lock",
    ]
    .iter()
    .any(|s| stderr.contains(s))
}

/// 50 to 150 ms, times the attempt number: pushers that collided spread out.
fn pause(attempt: u32) -> Duration {
    let jitter = RandomState::new().hash_one(attempt) % 100;
    Duration::from_millis((50 + jitter) * u64::from(attempt))
}

struct Git<'a> {
    dir: PathBuf,
    remote: &'a str,
    env: &'a [(OsString, OsString)],
}

impl Git<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(&self.dir)
            // Machine commits in a private working copy: no signing prompt
            // and no hooks meant for the user's own work.
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            // Never wait on a prompt (the console syncs in the background);
            // plain English output, so a refused push can be recognised.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        detach_from_terminal(&mut cmd);
        cmd
    }

    fn output(&self, args: &[&str]) -> Result<Output, SyncError> {
        self.command(args).output().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => SyncError::GitMissing,
            _ => SyncError::Git {
                action: "run for",
                remote: single_line(&redacted(self.remote)),
                reason: e.to_string(),
            },
        })
    }

    /// Runs git; a failure becomes one sentence built from git's own words.
    fn run(&self, action: &'static str, args: &[&str]) -> Result<String, SyncError> {
        let out = self.output(args)?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(self.error(action, &out))
        }
    }

    fn error(&self, action: &'static str, out: &Output) -> SyncError {
        SyncError::Git {
            action,
            remote: single_line(&redacted(self.remote)),
            // git may quote the remote, password and all.
            reason: git_reason(&String::from_utf8_lossy(&out.stderr), out)
                .replace(self.remote, &redacted(self.remote)),
        }
    }

    /// The commit a ref names, if it exists.
    fn rev(&self, name: &str) -> Result<Option<String>, SyncError> {
        let out = self.output(&["rev-parse", "-q", "--verify", &format!("{name}^{{commit}}")])?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string()))
    }

    fn branch(&self) -> Result<String, SyncError> {
        self.run(
            "read the working copy of",
            &["symbolic-ref", "--short", "HEAD"],
        )
    }

    fn wc_error(&self, e: io::Error) -> SyncError {
        SyncError::WorkingCopy {
            path: self.dir.clone(),
            reason: e.to_string(),
        }
    }

    /// Makes the working copy usable, whatever a killed sync left in it,
    /// and gives the branch it works on.
    fn open(&self) -> Result<String, SyncError> {
        if self.dir.join(".git").is_dir() {
            clear_stale_locks(&self.dir.join(".git")).map_err(|e| self.wc_error(e))?;
            // HEAD always names the branch here, except in a copy an older
            // fireground was killed in mid-rebase: that one is made again.
            if let Ok(branch) = self.branch() {
                return Ok(branch);
            }
        }
        self.create()?;
        self.branch()
    }

    /// Builds the working copy beside its place and moves it in once it is
    /// complete, so a sync killed half-way never leaves half a working copy
    /// that the next one would take for whole.
    fn create(&self) -> Result<(), SyncError> {
        let mut name = self.dir.as_os_str().to_owned();
        name.push(".new");
        let building = Git {
            dir: PathBuf::from(name),
            remote: self.remote,
            env: self.env,
        };
        let clear = |path: &Path| remove_any(path).map_err(|e| self.wc_error(e));
        clear(&building.dir)?;
        clear(&self.dir)?;
        private_dir(&building.dir).map_err(|e| self.wc_error(e))?;
        let built = building.init();
        if built.is_err() {
            // Nothing is left to trip or clutter the next attempt.
            let _ = remove_any(&building.dir);
            let _ = std::fs::remove_file(lock_path(&self.dir));
        }
        built?;
        std::fs::rename(&building.dir, &self.dir).map_err(|e| self.wc_error(e))
    }

    fn init(&self) -> Result<(), SyncError> {
        let setup = "set up a working copy for";
        self.run(setup, &["init", "-q"])?;
        self.run(setup, &["remote", "add", "origin", self.remote])?;
        let branch = self.choose_branch()?;
        self.run(
            setup,
            &["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")],
        )?;
        Ok(())
    }

    /// Fetches the remote; true when the working copy had to be made
    /// again first. One that an older fireground was killed while creating
    /// may have no remote at all, and would fail this way for ever.
    fn fetch(&self) -> Result<bool, SyncError> {
        let args = ["fetch", "-q", "--prune", "--no-tags", "origin"];
        let out = self.output(&args)?;
        if out.status.success() {
            return Ok(false);
        }
        if self
            .output(&["remote", "get-url", "origin"])?
            .status
            .success()
        {
            return Err(self.error("fetch from", &out));
        }
        self.create()?;
        self.run("fetch from", &args)?;
        Ok(true)
    }

    /// Makes the working copy exactly the remote's `upstream` commit, or
    /// empty on an unborn branch when the remote has nothing yet: nothing
    /// staged, nothing committed that is not on the remote, no stray file.
    fn reset_to(&self, upstream: Option<&str>) -> Result<(), SyncError> {
        let reset = || -> Result<(), SyncError> {
            match upstream {
                Some(commit) => self.run(UPDATE, &["reset", "-q", "--hard", commit])?,
                None => {
                    self.run(UPDATE, &["update-ref", "-d", "HEAD"])?;
                    self.run(UPDATE, &["read-tree", "--empty"])?
                }
            };
            self.run(UPDATE, &["clean", "-q", "-f", "-d", "-x"])?;
            Ok(())
        };
        reset().or_else(|_| {
            // The index is only a cache of the commit: one a killed git
            // left unreadable is rebuilt from scratch.
            let _ = std::fs::remove_file(self.dir.join(".git/index"));
            reset()
        })
    }

    /// Commits what is staged; false when that changes nothing.
    fn commit(&self, message: &str, replica: ReplicaId) -> Result<bool, SyncError> {
        self.ensure_identity(replica)?;
        let out = self.output(&["commit", "-q", "--no-verify", "-m", message])?;
        if out.status.success() {
            return Ok(true);
        }
        let said = String::from_utf8_lossy(&out.stdout);
        if said.contains("nothing to commit") || said.contains("nothing added to commit") {
            return Ok(false);
        }
        Err(self.error(COMMIT, &out))
    }

    /// Commits need a name and an address; without the user's own, the
    /// working copy gets one naming the replica. Only looked at when
    /// committing, so a sync with nothing to send runs no more git.
    fn ensure_identity(&self, replica: ReplicaId) -> Result<(), SyncError> {
        for (key, value) in [
            ("user.name", format!("fireground {}", replica.short())),
            (
                "user.email",
                format!("fireground-{}@localhost", replica.short()),
            ),
        ] {
            if self.output(&["config", key])?.status.success() {
                continue;
            }
            self.run(
                "set up a working copy for",
                &["config", "--local", key, &value],
            )?;
        }
        Ok(())
    }

    /// The branch every replica should use: one that already holds
    /// fireground's events (the remote's default first), so that a replica
    /// joining later never settles on a different branch than the others;
    /// else the remote's default branch; else, for an empty repository, a
    /// fixed default that every replica agrees on.
    fn choose_branch(&self) -> Result<String, SyncError> {
        let head = self.run("reach", &["ls-remote", "--symref", "origin", "HEAD"])?;
        let default = head
            .lines()
            .find_map(|l| l.strip_prefix("ref: refs/heads/")?.split_once('\t'))
            .map(|(b, _)| b.to_string());
        self.run("fetch from", &["fetch", "-q", "origin"])?;
        let listed = self.run(
            "read the working copy of",
            &[
                "for-each-ref",
                "--format=%(refname:lstrip=3)",
                "refs/remotes/origin",
            ],
        )?;
        let mut branches: Vec<&str> = listed.lines().filter(|b| *b != "HEAD").collect();
        // The default branch is looked at first.
        branches.sort_by_key(|b| Some(*b) != default.as_deref());
        for b in branches {
            let events = self.run(
                "read the working copy of",
                &[
                    "ls-tree",
                    "--name-only",
                    &format!("refs/remotes/origin/{b}"),
                    "events/",
                ],
            )?;
            if !events.is_empty() {
                return Ok(b.to_string());
            }
        }
        // An empty repository on this machine still names the branch it
        // expects (its unborn HEAD), which `ls-remote` cannot show: follow
        // it, so a later `git clone` checks the events out.
        if default.is_none() && Path::new(self.remote).is_dir() {
            let head = self.output(&["-C", self.remote, "symbolic-ref", "--short", "HEAD"])?;
            let name = String::from_utf8_lossy(&head.stdout).trim().to_string();
            if head.status.success() && !name.is_empty() {
                return Ok(name);
            }
        }
        Ok(default.unwrap_or_else(|| DEFAULT_BRANCH.to_string()))
    }
}

/// git's own explanation, in one line: its first line that is not a hint,
/// without the `fatal:` or `error:` in front.
fn git_reason(stderr: &str, out: &Output) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("hint:") && !l.starts_with("warning:"))
        .collect();
    // A refused ref says why in parentheses: "! [remote rejected] HEAD ->
    // main (Working directory has unstaged changes)"; that beats the
    // generic "failed to push some refs" that follows it.
    let rejected = lines.iter().find_map(|l| {
        let rest = l.strip_prefix('!')?;
        let (_, why) = rest.rsplit_once('(')?;
        Some(why.trim_end_matches(')').to_string())
    });
    // The remote's own words (a hook's message) say the most.
    let remote = lines
        .iter()
        // Skip banner lines ("remote: =====") that hold no words.
        .find(|l| {
            l.strip_prefix("remote:")
                .is_some_and(|m| m.chars().any(char::is_alphanumeric))
        })
        .map(|l| l.to_string());
    let line = remote.or(rejected).or_else(|| {
        let pick = lines
            .iter()
            .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
            .or_else(|| lines.iter().find(|l| !l.starts_with("To ")))?;
        let l = pick
            .strip_prefix("fatal:")
            .or_else(|| pick.strip_prefix("error:"))
            .unwrap_or(pick);
        Some(l.to_string())
    });
    match line.map(|l| single_line(l.trim()).trim_end_matches('.').to_string()) {
        Some(l) if !l.is_empty() => l,
        _ => format!("git stopped with {}", out.status),
    }
}

/// Runs git in a session of its own, with no controlling terminal: ssh
/// then cannot open /dev/tty to ask for a passphrase or a host key, which
/// would hang a background sync or write over the console. It fails
/// instead, and the failure is reported like any other.
///
/// On Linux git is also told to stop when we die (killed, or the console
/// closed): a git left running on its own could hold the working copy's
/// locks while the next sync starts. SIGTERM lets git remove its own lock
/// files on the way out. Elsewhere an orphaned git finishes its one step,
/// and the next sync waits for its locks to go stale.
fn detach_from_terminal(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        #[cfg(target_os = "linux")]
        let parent = std::process::id();
        // SAFETY: setsid, prctl and getppid are async-signal-safe and touch
        // no memory of the parent; setsid only fails if the child already
        // leads a group, which a fresh child never does.
        unsafe {
            cmd.pre_exec(move || {
                libc::setsid();
                #[cfg(target_os = "linux")]
                {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    // We died before the request took effect.
                    if libc::getppid() as u32 != parent {
                        return Err(io::Error::other("fireground stopped"));
                    }
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_copies_are_named_for_the_remote_and_apart_per_database() {
        let (a, b) = (ReplicaId::generate(), ReplicaId::generate());
        let root = Path::new("/data");
        let wa = working_copy(root, "git@example.org:ops/incidents.git", a);
        let name = wa.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("incidents-"), "{name}");
        assert!(wa.starts_with("/data/sync"));
        assert_ne!(
            wa,
            working_copy(root, "git@example.org:ops/incidents.git", b)
        );
        assert_eq!(
            wa,
            working_copy(root, "git@example.org:ops/incidents.git", a)
        );
        let odd = working_copy(root, "/srv/../..", a);
        assert!(odd.starts_with("/data/sync"), "{odd:?}");
    }

    #[test]
    fn only_a_race_between_pushers_is_retried() {
        assert!(someone_pushed_first(
            " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs"
        ));
        assert!(!someone_pushed_first(
            " ! [remote rejected] main -> main (pre-receive hook declined)"
        ));
    }

    fn failed() -> Output {
        Command::new("false").output().expect("false runs")
    }

    #[test]
    fn a_refused_push_gives_the_reason_not_the_address() {
        let stderr = "To /srv/team-log\n ! [remote rejected] HEAD -> main (Working directory has unstaged changes)\nerror: failed to push some refs to '/srv/team-log'\n";
        assert_eq!(
            git_reason(stderr, &failed()),
            "Working directory has unstaged changes"
        );
    }

    #[test]
    fn the_remote_s_own_words_come_first_then_fatal_lines() {
        let hook = "remote: frozen for the review\nTo x\n ! [remote rejected] HEAD -> main (pre-receive hook declined)\n";
        assert_eq!(git_reason(hook, &failed()), "remote: frozen for the review");
        let banner = "remote: ========\nremote: The project you were looking for could not be found.\nremote: ========\n";
        assert_eq!(
            git_reason(banner, &failed()),
            "remote: The project you were looking for could not be found"
        );
        let fatal = "hint: try again\nfatal: repository 'x' does not exist\n";
        assert_eq!(
            git_reason(fatal, &failed()),
            "repository 'x' does not exist"
        );
        assert!(git_reason("", &failed()).starts_with("git stopped with"));
    }
}
