//! Sync over a git repository, with the user's own `git` (and so their
//! credentials and SSH set-up). The repository holds one JSON Lines file per
//! replica, `events/<replica>.jsonl`; a replica appends only to its own, so
//! pushes never conflict. A private working copy per database and target
//! lives under the data directory.
//!
//! The working copy is a cache that a killed sync may leave in any state,
//! so nothing in it is trusted: each attempt makes it exactly the fetched
//! remote branch, reads what others wrote from there, and works out what to
//! send from the database against it. The one shortcut: a copy exactly as
//! a finished sync left it, checked from its files (see `clean`), whose
//! remote branch has not moved, is already that; a sync with nothing new
//! then runs `git fetch` and no other git.

mod clean;
mod command;
mod files;
mod locks;
mod retry;
#[cfg(test)]
mod tests;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::reader::cursor_holds;
use super::report::{Warning, names};
use super::session::{Outgoing, Session, append_outgoing};
use super::target::redacted;
use super::{SyncError, SyncOptions};
use crate::domain::ids::ReplicaId;
use crate::domain::text::single_line;
use crate::store::parse_pins;
use clean::{Clean, read_ref};
use command::{Git, someone_pushed_first};
use files::{fnv1a, lock_path, open_own, open_plain, private_dir, replica_files};
use retry::Retry;

/// The branch used when the remote has none to suggest (an empty repo).
const DEFAULT_BRANCH: &str = "main";

const EVENTS_DIR: &str = "events";

/// The team's pinned keys, at the root of the repository (see `pin_keys`).
const KEYS_FILE: &str = "keys";

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
    // The working copy as the last sync left it, if that sync finished and
    // nothing has touched the copy since (see `clean`).
    let noted = Clean::take(&dir);
    // The commit our read cursors were made against, to find files that
    // were rewritten since rather than appended to.
    let mut read_at = noted.as_ref().and_then(|c| c.commit.clone());
    let mut left = noted.filter(|c| c.branch == branch && Clean::now(&dir).as_ref() == Some(c));
    // No file git does not track is in the copy.
    let mut stray_free = left.is_some();
    // What this sync has written to our file, across attempts.
    let mut sent = Outgoing::default();
    // Our commit from a push that was refused, to carry onto the new remote.
    let mut refused: Option<String> = None;
    let mut retry = Retry::new();
    // Whether git fetched or made anything, which may want tidying.
    let mut changed = false;
    loop {
        retry.attempt();
        if git.fetch()? {
            branch = git.branch()?;
            (left, stray_free) = (None, false);
        }
        // The working copy is never trusted: a killed sync may have left
        // anything in it (a staged file on an unborn branch, a commit that
        // was never pushed). Unless it is exactly as a finished sync left
        // it and the remote has not moved since, it is made the remote's,
        // exactly, and what to push is worked out again from the database
        // against that.
        let tracking = format!("refs/remotes/origin/{branch}");
        let fetched = read_ref(&dir.join(".git"), &tracking);
        let current = left
            .take()
            .is_some_and(|l| fetched.as_ref() == Some(&l.commit));
        let upstream = match fetched {
            Some(upstream) => upstream,
            None => git.rev(&tracking)?,
        };
        retry.fetched(&upstream);
        if !current {
            git.reset_to(upstream.as_deref(), stray_free)?;
            (stray_free, changed) = (true, true);
        }
        if let (Some(from), Some(to)) = (&read_at, &upstream)
            && from != to
            && git.rewritten(from, to)?
        {
            session.start_over();
        }
        read_at.clone_from(&upstream);
        if let Some(commit) = &refused {
            // Only we write our file, so our version of it is the rebase.
            git.run(UPDATE, &["checkout", commit, "--", &own])?;
        }
        let files = pull_all(session, &dir)?;
        // Every file is rewritten, not only ours: the commit is made on the
        // remote as fetched and pushed only onto it, so no one's lines are
        // lost, and a replica whose refused commit brings its file back
        // whole has read our redaction by then and scrubs it again.
        let scrubs = session.scrubs_pending()?;
        let mut scrubbed = Vec::new();
        if scrubs.is_some() {
            for name in &files {
                let mut f = open_plain(&dir.join(name)).map_err(wc_error)?;
                if session
                    .scrub_file(name, &dir.join(name), &mut f, false)?
                    .is_some()
                {
                    scrubbed.push(name.as_str());
                }
            }
        }
        if !scrubbed.is_empty() {
            let mut add = vec!["add", "-f", "--"];
            add.extend(&scrubbed);
            git.run(COMMIT, &add)?;
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
            git.run(COMMIT, &["add", "-f", "--", &own])?;
        }
        sent.count += out.count;
        for name in out.authors {
            if !sent.authors.contains(&name) {
                sent.authors.push(name);
            }
        }
        let has_changes = out.count > 0 || refused.is_some() || !scrubbed.is_empty();
        let message = commit_message(&sent, scrubbed.len(), replica);
        if !has_changes || !git.commit(&message, replica)? {
            if out.count > 0 {
                // Never report lines that went nowhere as sent.
                return Err(git.wc_error(io::Error::other(
                    "git committed none of the lines just written",
                )));
            }
            // The remote, as fetched, holds every event of ours.
            session.pushed(out.last_rowid, 0);
            if let Some(mark) = scrubs {
                session.scrubbed(mark);
            }
            if changed {
                git.tidy();
            }
            Clean::leave(&dir);
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
            if let Some(mark) = scrubs {
                session.scrubbed(mark);
            }
            git.tidy();
            Clean::leave(&dir);
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
        if !retry.refused(upstream) {
            return Err(SyncError::PushRejected {
                remote: single_line(&redacted(remote)),
                attempts: retry.attempts,
            });
        }
        session.report.retried += 1;
    }
}

/// `fireground: 3 events from 01ABCDEF (ana and bo)`, or what was
/// scrubbed when nothing was sent.
fn commit_message(sent: &Outgoing, scrubbed: usize, replica: ReplicaId) -> String {
    if sent.count == 0 && scrubbed > 0 {
        return format!(
            "fireground: redacted text scrubbed from {scrubbed} {} by {}",
            if scrubbed == 1 { "file" } else { "files" },
            replica.short()
        );
    }
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
/// Returns the files read.
fn pull_all(session: &mut Session<'_>, dir: &Path) -> Result<Vec<String>, SyncError> {
    let wc_error = |e: io::Error| SyncError::WorkingCopy {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    pin_keys(session, dir)?;
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
        session.pull_owned(name, &mut f, name, files::owner(name))?;
    }
    Ok(files)
}

/// The team's pinned keys, from the repository's `keys` file when it has
/// one: they are read before any event, so a newcomer checks every event
/// against them rather than trusting whatever key it meets first.
fn pin_keys(session: &mut Session<'_>, dir: &Path) -> Result<(), SyncError> {
    let path = dir.join(KEYS_FILE);
    let Ok(mut file) = open_plain(&path) else {
        return Ok(());
    };
    let mut text = String::new();
    if io::Read::read_to_string(&mut file, &mut text).is_err() {
        let w = Warning::whole_file(KEYS_FILE, "it is not UTF-8 text");
        if !session.report.warnings.contains(&w) {
            session.report.warnings.push(w);
        }
        return Ok(());
    }
    let (pins, bad) = parse_pins(&text);
    for line in bad {
        let w = Warning::new(
            KEYS_FILE,
            line as u64,
            "not `<replica> <public key> [name]`",
        );
        if !session.report.warnings.contains(&w) {
            session.report.warnings.push(w);
        }
    }
    session.store.pin_keys(&pins)?;
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
