//! The `Git` runner: git commands in the working copy, and what git's output means.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::clean::head_branch;
use super::files::{lock_path, private_dir, remove_any};
use super::locks::clear_stale_locks;
use super::{COMMIT, DEFAULT_BRANCH, UPDATE};
use crate::domain::ids::ReplicaId;
use crate::domain::text::single_line;
use crate::sync::SyncError;
use crate::sync::target::redacted;

/// Whether a refused push was only a race with another pusher, worth
/// retrying after fetching again.
pub(super) fn someone_pushed_first(stderr: &str) -> bool {
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

/// git runs `gc --auto` (now `maintenance run --auto`) after every fetch
/// and commit, a process of its own even when there is nothing to tidy;
/// sync fetches once a second in the console, so it tidies by itself, only
/// when there may be something to ([`Git::tidy`]).
const NO_AUTO_TIDY: [&str; 4] = ["-c", "maintenance.auto=false", "-c", "gc.auto=0"];

/// `args` with git's own tidying after the command turned off.
fn without_auto_tidy<'a>(args: &[&'a str]) -> Vec<&'a str> {
    NO_AUTO_TIDY.iter().chain(args).copied().collect()
}

pub(super) struct Git<'a> {
    pub(super) dir: PathBuf,
    pub(super) remote: &'a str,
    pub(super) env: &'a [(OsString, OsString)],
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

    pub(super) fn output(&self, args: &[&str]) -> Result<Output, SyncError> {
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
    pub(super) fn run(&self, action: &'static str, args: &[&str]) -> Result<String, SyncError> {
        let out = self.output(args)?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(self.error(action, &out))
        }
    }

    pub(super) fn error(&self, action: &'static str, out: &Output) -> SyncError {
        SyncError::Git {
            action,
            remote: single_line(&redacted(self.remote)),
            // git may quote the remote, password and all.
            reason: git_reason(&String::from_utf8_lossy(&out.stderr), out)
                .replace(self.remote, &redacted(self.remote)),
        }
    }

    /// Whether any event file lost or changed lines between two commits,
    /// rather than only gaining some at its end: someone rewrote it. When
    /// git cannot tell (a commit it no longer has), it says yes.
    pub(super) fn rewritten(&self, from: &str, to: &str) -> Result<bool, SyncError> {
        let out = self.output(&[
            "diff",
            "--numstat",
            "--no-renames",
            from,
            to,
            "--",
            "events/",
        ])?;
        if !out.status.success() {
            return Ok(true);
        }
        Ok(String::from_utf8_lossy(&out.stdout).lines().any(|line| {
            line.split('\t')
                .nth(1)
                .is_some_and(|deleted| deleted != "0")
        }))
    }

    /// The commit a ref names, if it exists.
    pub(super) fn rev(&self, name: &str) -> Result<Option<String>, SyncError> {
        let out = self.output(&["rev-parse", "-q", "--verify", &format!("{name}^{{commit}}")])?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string()))
    }

    /// The branch HEAD names: read from `.git/HEAD` itself, or asked of
    /// git when that file says something else (a detached HEAD, refs kept
    /// in a reftable).
    pub(super) fn branch(&self) -> Result<String, SyncError> {
        if let Some(branch) = head_branch(&self.dir.join(".git")) {
            return Ok(branch);
        }
        self.run(
            "read the working copy of",
            &["symbolic-ref", "--short", "HEAD"],
        )
    }

    pub(super) fn wc_error(&self, e: io::Error) -> SyncError {
        SyncError::WorkingCopy {
            path: self.dir.clone(),
            reason: e.to_string(),
        }
    }

    /// Makes the working copy usable, whatever a killed sync left in it,
    /// and gives the branch it works on.
    pub(super) fn open(&self) -> Result<String, SyncError> {
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
    pub(super) fn fetch(&self) -> Result<bool, SyncError> {
        let args = without_auto_tidy(&["fetch", "-q", "--prune", "--no-tags", "origin"]);
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
    /// `stray_free` says the copy is known to hold no file git does not
    /// track (it was left clean by a sync that finished, or cleaned since),
    /// which a hard reset to a commit keeps true without `git clean`.
    pub(super) fn reset_to(
        &self,
        upstream: Option<&str>,
        stray_free: bool,
    ) -> Result<(), SyncError> {
        let reset = |clean: bool| -> Result<(), SyncError> {
            match upstream {
                Some(commit) => self.run(UPDATE, &["reset", "-q", "--hard", commit])?,
                None => {
                    self.run(UPDATE, &["update-ref", "-d", "HEAD"])?;
                    self.run(UPDATE, &["read-tree", "--empty"])?
                }
            };
            // Emptying the index leaves the files it had, untracked.
            if clean || upstream.is_none() {
                self.run(UPDATE, &["clean", "-q", "-f", "-d", "-x"])?;
            }
            Ok(())
        };
        reset(!stray_free).or_else(|_| {
            // The index is only a cache of the commit: one a killed git
            // left unreadable is rebuilt from scratch, and without it
            // nothing tells a stray file from a tracked one.
            let _ = std::fs::remove_file(self.dir.join(".git/index"));
            reset(true)
        })
    }

    /// Commits what is staged; false when that changes nothing.
    pub(super) fn commit(&self, message: &str, replica: ReplicaId) -> Result<bool, SyncError> {
        // git is told not to make up a name from the host: a commit with no
        // name or address configured fails instead, and is made again once
        // the working copy has one (only ever the first time).
        let args = without_auto_tidy(&[
            "-c",
            "user.useConfigOnly=true",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
        ]);
        let mut out = self.output(&args)?;
        if !out.status.success() && !nothing_to_commit(&out) && self.ensure_identity(replica)? {
            out = self.output(&args)?;
        }
        if out.status.success() {
            return Ok(true);
        }
        if nothing_to_commit(&out) {
            return Ok(false);
        }
        Err(self.error(COMMIT, &out))
    }

    /// Packs the working copy's objects once there are as many loose ones,
    /// or as many packs, as make git's own `gc --auto` act (counted the way
    /// it counts them), here under the sync's lock rather than in the
    /// background where the next sync could take its locks for stale. A
    /// sync that fetched nothing and committed nothing made no object and
    /// need not look. Tidying is only ever a saving: a failure is ignored.
    pub(super) fn tidy(&self) {
        let objects = self.dir.join(".git/objects");
        let count = |dir: &str, ext: Option<&str>| {
            std::fs::read_dir(objects.join(dir)).map_or(0, |entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| ext.is_none_or(|x| e.path().extension().is_some_and(|e| e == x)))
                    .count()
            })
        };
        // git samples one of the 256 folders of loose objects.
        if count("17", None) > 6_700_usize.div_ceil(256) || count("pack", Some("pack")) > 50 {
            let _ = self.output(&[
                "-c",
                "gc.autoDetach=false",
                "-c",
                "maintenance.autoDetach=false",
                "gc",
                "--auto",
                "--quiet",
            ]);
        }
    }

    /// Commits need a name and an address; without the user's own, the
    /// working copy gets one naming the replica. True when one was missing.
    fn ensure_identity(&self, replica: ReplicaId) -> Result<bool, SyncError> {
        let mut added = false;
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
            added = true;
        }
        Ok(added)
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

fn nothing_to_commit(out: &Output) -> bool {
    let said = String::from_utf8_lossy(&out.stdout);
    said.contains("nothing to commit") || said.contains("nothing added to commit")
}

/// git's own explanation, in one line: its first line that is not a hint,
/// without the `fatal:` or `error:` in front.
pub(super) fn git_reason(stderr: &str, out: &Output) -> String {
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
