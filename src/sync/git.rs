//! Sync over a git repository, with the user's own `git` (and so their
//! credentials and SSH set-up). The repository holds one JSON Lines file per
//! replica, `events/<replica>.jsonl`; a replica appends only to its own, so
//! rebases never conflict. A private working copy per database and target
//! lives under the data directory.

use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::fs::File;
use std::hash::BuildHasher;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use super::reader::cursor_holds;
use super::report::names;
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
    git.prepare(replica)?;
    let branch = git.branch()?;
    let own = format!("{EVENTS_DIR}/{replica}.jsonl");
    for attempt in 1..=ATTEMPTS {
        git.run(
            "fetch from",
            &["fetch", "-q", "--prune", "--no-tags", "origin"],
        )?;
        let upstream = git.rev(&format!("refs/remotes/origin/{branch}"))?;
        git.move_onto(upstream.as_deref())?;

        let files = replica_files(&dir).map_err(wc_error)?;
        session.check_cursors(|name, cursor| {
            if !files.iter().any(|f| f == name) {
                return Ok(false);
            }
            let mut f = File::open(dir.join(name)).map_err(wc_error)?;
            cursor_holds(&mut f, cursor).map_err(wc_error)
        })?;
        for name in &files {
            let mut f = File::open(dir.join(name)).map_err(wc_error)?;
            session.pull(name, &mut f, name)?;
        }

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
            git.run("commit to the working copy of", &["add", "-f", "--", &own])?;
            let message = format!(
                "fireground: {} {} from {} ({})",
                out.count,
                if out.count == 1 { "event" } else { "events" },
                replica.short(),
                names(&out.authors)
            );
            git.run(
                "commit to the working copy of",
                &["commit", "-q", "--no-verify", "-m", &message],
            )?;
        }
        let head = git.rev("HEAD")?;
        if head.is_none() || head == upstream {
            session.pushed(out.last_rowid, 0);
            return Ok(());
        }
        // What goes out includes lines committed by an earlier sync whose
        // push failed.
        let pending = git.lines_added(upstream.as_deref(), &own)?;
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
            session.pushed(out.last_rowid, pending);
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&pushed.stderr);
        if !someone_pushed_first(&stderr) {
            return Err(git.error("push to", &pushed));
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(pause(attempt));
        }
    }
    Err(SyncError::PushRejected {
        remote: single_line(&redacted(remote)),
        attempts: ATTEMPTS,
    })
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

/// Every `events/<replica>.jsonl` that is a plain file, sorted. Anything
/// else in the repository is someone else's and left alone.
fn replica_files(dir: &Path) -> io::Result<Vec<String>> {
    let events = dir.join(EVENTS_DIR);
    if !is_plain_dir(&events)? {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&events)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let is_replica = name
            .strip_suffix(".jsonl")
            .is_some_and(|id| id.parse::<ReplicaId>().is_ok());
        if is_replica && entry.file_type()?.is_file() {
            names.push(format!("{EVENTS_DIR}/{name}"));
        }
    }
    names.sort();
    Ok(names)
}

fn is_plain_dir(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(m.file_type().is_dir()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Opens this replica's file for appending, refusing to follow a link a
/// hostile repository might have put in its place.
fn open_own(dir: &Path, own: &str) -> io::Result<File> {
    let events = dir.join(EVENTS_DIR);
    if !is_plain_dir(&events)? {
        if events.symlink_metadata().is_ok() {
            return Err(io::Error::other("events in the repository is not a folder"));
        }
        std::fs::create_dir(&events)?;
    }
    let path = dir.join(own);
    if let Ok(m) = path.symlink_metadata()
        && !m.file_type().is_file()
    {
        return Err(io::Error::other(format!(
            "{own} in the repository is not a plain file"
        )));
    }
    File::options()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
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

    /// Lines added to `file` since `upstream` (all of them when the remote
    /// has nothing yet).
    fn lines_added(&self, upstream: Option<&str>, file: &str) -> Result<usize, SyncError> {
        let Some(upstream) = upstream else {
            let text = std::fs::read(self.dir.join(file)).unwrap_or_default();
            return Ok(text.iter().filter(|&&b| b == b'\n').count());
        };
        let stat = self.run(
            "read the working copy of",
            &["diff", "--numstat", upstream, "HEAD", "--", file],
        )?;
        Ok(stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0))
    }

    fn branch(&self) -> Result<String, SyncError> {
        self.run(
            "read the working copy of",
            &["symbolic-ref", "--short", "HEAD"],
        )
    }

    /// Creates the working copy on first use and makes sure it can commit.
    fn prepare(&self, replica: ReplicaId) -> Result<(), SyncError> {
        if !self.dir.join(".git").is_dir()
            && let Err(e) = self.create()
        {
            // Half a working copy would confuse the next sync.
            let _ = std::fs::remove_dir_all(&self.dir);
            let _ = std::fs::remove_file(lock_path(&self.dir));
            return Err(e);
        }
        // Only a fireground process holding the lock uses this working copy,
        // so a leftover index lock is from one that was killed.
        let _ = std::fs::remove_file(self.dir.join(".git/index.lock"));
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

    fn create(&self) -> Result<(), SyncError> {
        private_dir(&self.dir).map_err(|e| SyncError::WorkingCopy {
            path: self.dir.clone(),
            reason: e.to_string(),
        })?;
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

    /// Puts the working copy on top of the remote: anything uncommitted
    /// (from a sync that was killed) is dropped, since the database still
    /// holds it; a commit not yet pushed is rebased; if that fails, the
    /// working copy takes the remote as it is and the next read notices.
    fn move_onto(&self, upstream: Option<&str>) -> Result<(), SyncError> {
        let update = "update the working copy of";
        let head = self.rev("HEAD")?;
        if head.is_some() {
            self.run(update, &["reset", "-q", "--hard"])?;
        }
        self.run(update, &["clean", "-q", "-f", "-d", "-x"])?;
        let Some(upstream) = upstream else {
            return Ok(());
        };
        if head.is_none() {
            self.run(update, &["reset", "-q", "--hard", upstream])?;
        } else if head.as_deref() != Some(upstream)
            && !self
                .output(&["rebase", "-q", "--no-verify", upstream])?
                .status
                .success()
        {
            let _ = self.output(&["rebase", "--abort"]);
            self.run(update, &["reset", "-q", "--hard", upstream])?;
        }
        Ok(())
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
fn detach_from_terminal(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe and touches no memory of the
        // parent; it only fails if the child already leads a group, which
        // a fresh child never does.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
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
