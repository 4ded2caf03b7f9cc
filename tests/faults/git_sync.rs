//! Git sync killed at every step, locks left behind by a killed git, and
//! symlinks a hostile teammate committed into the repository.
//!
//! A `git` wrapper placed first on PATH kills the fireground process that
//! called it (its parent) when it is invoked for a chosen subcommand: before
//! git runs, after git finished, or leaving a lock behind as a git killed
//! mid-write would. An ordinary sync afterwards must converge, and no sync
//! may report success while the remote lacks its events.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{Sandbox, bare_repo, git};
use fireground::store::Store;

/// Every subcommand a sync has run, in any version: one that a sync does
/// not run is simply never killed.
const STEPS: &[&str] = &[
    "init",
    "remote",
    "ls-remote",
    "for-each-ref",
    "ls-tree",
    "symbolic-ref",
    "config",
    "fetch",
    "rev-parse",
    "reset",
    "clean",
    "read-tree",
    "update-ref",
    "rebase",
    "checkout",
    "add",
    "commit",
    "diff",
    "push",
    "gc",
];

const WRAPPER: &str = r#"#!/bin/sh
# The subcommand: the first word past git's own options.
sub=
skip=
for a in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case "$a" in
    -C|-c) skip=1 ;;
    -*) ;;
    *) sub=$a; break ;;
  esac
done
[ -n "$GIT_LOG" ] && echo "$sub" >> "$GIT_LOG"
# Only the first matching call kills (mkdir is atomic).
if [ "$sub" = "$KILL_AT" ] && mkdir "$KILL_ONCE" 2>/dev/null; then
  wc=$2
  case "$KILL_MODE" in
    before) kill -9 $PPID; exit 137 ;;
    after) "$REAL_GIT" "$@"; kill -9 $PPID; exit 137 ;;
    lock|freshlock)
      if [ -d "$wc/.git" ]; then
        mkdir -p "$wc/.git/refs/remotes/origin" "$wc/.git/refs/heads"
        for f in index.lock refs/heads/main.lock refs/remotes/origin/main.lock; do
          if [ "$KILL_MODE" = lock ]; then
            touch -d '1 minute ago' "$wc/.git/$f"
          else
            touch "$wc/.git/$f"
          fi
        done
      fi
      kill -9 $PPID; exit 137 ;;
    orphan) echo $$ > "$KILL_ONCE/pid"; kill -9 $PPID; exec sleep 30 ;;
  esac
fi
exec "$REAL_GIT" "$@"
"#;

/// The real git, found on PATH before the wrapper is put in front of it.
fn real_git() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("git"))
        .find(|p| p.is_file())
        .expect("git is installed")
}

struct Killer {
    dir: tempfile::TempDir,
}

impl Killer {
    fn new() -> Killer {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let wrapper = dir.path().join("bin/git");
        std::fs::write(&wrapper, WRAPPER).unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        Killer { dir }
    }

    /// `fireground sync REPO` with git killing it at `step`, once per `tag`.
    fn sync(&self, who: &Sandbox, repo: &Path, step: &str, mode: &str, tag: &str) -> Output {
        self.sync_env(who, repo, step, mode, tag, &[])
    }

    fn sync_env(
        &self,
        who: &Sandbox,
        repo: &Path,
        step: &str,
        mode: &str,
        tag: &str,
        env: &[(&str, &Path)],
    ) -> Output {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.dir.path().join("bin")];
        dirs.extend(std::env::split_paths(&path));
        who.process("ana")
            .args(["sync", repo.to_str().unwrap()])
            .env("PATH", std::env::join_paths(dirs).unwrap())
            .env("REAL_GIT", real_git())
            .env("KILL_AT", step)
            .env("KILL_MODE", mode)
            .env("KILL_ONCE", self.dir.path().join(format!("once-{tag}")))
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }
}

/// `fireground sync REPO`, killed at no step: the git subcommands it ran.
fn git_commands(killer: &Killer, who: &Sandbox, repo: &Path) -> Vec<String> {
    let log = killer.dir.path().join("commands");
    let _ = std::fs::remove_file(&log);
    let out = killer.sync_env(who, repo, "none", "before", "none", &[("GIT_LOG", &log)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = std::fs::read_to_string(&log).unwrap_or_default();
    ran.lines().map(str::to_string).collect()
}

/// The ids of every event a replica holds.
fn held(who: &Sandbox) -> BTreeSet<String> {
    let store = Store::open(&who.db()).unwrap();
    store
        .ids_after_rowid(0, 1_000_000)
        .unwrap()
        .into_iter()
        .map(|(_, id)| id)
        .collect()
}

/// The ids of every event in the repository's `main` branch.
fn on_remote(repo: &Path) -> BTreeSet<String> {
    let listed = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["ls-tree", "-r", "--name-only", "main", "events/"])
        .output()
        .unwrap();
    let mut ids = BTreeSet::new();
    for file in String::from_utf8_lossy(&listed.stdout).lines() {
        let text = git(repo, repo, &["show", &format!("main:{file}")]);
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(id) = v["id"].as_str()
            {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

fn assert_remote_holds(repo: &Path, who: &Sandbox, context: &str) {
    let missing: Vec<_> = held(who).difference(&on_remote(repo)).cloned().collect();
    assert!(
        missing.is_empty(),
        "{context}: the sync said it worked but the remote lacks {missing:?}"
    );
}

/// An ordinary sync: it must work and leave the remote holding our events.
fn sync_ok(who: &Sandbox, repo: &Path, context: &str) {
    let out = who
        .process("ana")
        .args(["sync", repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{context}: the sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_remote_holds(repo, who, context);
}

/// A killed sync either died or worked; when it says it worked, it did.
fn after_kill(out: &Output, repo: &Path, who: &Sandbox, context: &str) {
    if out.status.success() {
        assert_remote_holds(repo, who, context);
    }
}

/// Ana's first push to an empty repository is killed at `step`; then Bo
/// joins, Ana's next push is killed at the same step; ordinary syncs must
/// bring everyone to the same events.
fn killed_at(killer: &Killer, step: &str, mode: &str) {
    let root = tempfile::tempdir().unwrap();
    let repo = bare_repo(root.path());
    let (ana, bo) = (Sandbox::new(), Sandbox::new());
    ana.ok(&["declare", "Checkout failing"]);
    ana.ok(&["log", "card payments return 500"]);

    let context = format!("first push, killed {mode} {step}");
    let out = killer.sync(&ana, &repo, step, mode, &format!("{step}-{mode}-1"));
    after_kill(&out, &repo, &ana, &context);
    sync_ok(&ana, &repo, &context);

    bo.ok(&["declare", "DNS flapping"]);
    sync_ok(&bo, &repo, &context);
    ana.ok(&["log", "failing over to db-2"]);
    let context = format!("later push, killed {mode} {step}");
    let out = killer.sync(&ana, &repo, step, mode, &format!("{step}-{mode}-2"));
    after_kill(&out, &repo, &ana, &context);
    sync_ok(&ana, &repo, &context);
    sync_ok(&bo, &repo, &context);

    let fresh = Sandbox::new();
    sync_ok(&fresh, &repo, &context);
    let all: BTreeSet<String> = held(&ana).union(&held(&bo)).cloned().collect();
    assert_eq!(
        held(&fresh),
        all,
        "{context}: a fresh replica gets everything"
    );
}

#[test]
fn sync_killed_between_add_and_commit_on_the_first_push_converges() {
    killed_at(&Killer::new(), "commit", "before");
}

#[test]
fn sync_killed_before_each_git_step_converges() {
    let killer = Killer::new();
    for step in STEPS {
        killed_at(&killer, step, "before");
    }
}

#[test]
fn sync_killed_right_after_each_git_step_converges() {
    let killer = Killer::new();
    for step in STEPS {
        killed_at(&killer, step, "after");
    }
}

#[test]
fn locks_left_by_a_git_killed_mid_write_are_recovered_from() {
    let killer = Killer::new();
    for step in STEPS {
        killed_at(&killer, step, "lock");
    }
}

#[test]
fn a_lock_left_a_moment_ago_is_waited_for_then_recovered_from() {
    killed_at(&Killer::new(), "commit", "freshlock");
}

#[cfg(target_os = "linux")]
#[test]
fn a_git_still_running_when_its_sync_is_killed_dies_with_it() {
    let killer = Killer::new();
    let root = tempfile::tempdir().unwrap();
    let repo = bare_repo(root.path());
    let ana = Sandbox::new();
    ana.ok(&["declare", "Checkout failing"]);
    let out = killer.sync(&ana, &repo, "fetch", "orphan", "orphan");
    assert!(!out.status.success());
    let pid = std::fs::read_to_string(killer.dir.path().join("once-orphan/pid")).unwrap();
    let alive = Path::new("/proc").join(pid.trim());
    let start = Instant::now();
    while alive.exists() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    // A zombie (reaped by init later) is dead too.
    let state = std::fs::read_to_string(alive.join("stat")).unwrap_or_default();
    assert!(
        !alive.exists() || state.contains(") Z"),
        "git outlived the sync that ran it: {state}"
    );
    sync_ok(&ana, &repo, "after an orphan");
}

/// A hostile teammate's clone of the repository.
fn hostile_clone(repo: &Path, root: &Path) -> PathBuf {
    crate::common::clone(repo, root, "hostile")
}

fn commit_and_push(clone: &Path, root: &Path, message: &str) {
    git(clone, root, &["add", "-A"]);
    git(clone, root, &["commit", "-q", "-m", message]);
    git(clone, root, &["push", "-q", "origin", "HEAD:main"]);
}

#[test]
fn a_symlink_committed_at_our_own_file_is_replaced_and_sync_keeps_working() {
    let root = tempfile::tempdir().unwrap();
    let repo = bare_repo(root.path());
    let ana = Sandbox::new();
    ana.ok(&["declare", "Checkout failing"]);
    sync_ok(&ana, &repo, "first push");

    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "do not touch\n").unwrap();
    let clone = hostile_clone(&repo, root.path());
    let own = format!("events/{}.jsonl", Store::open(&ana.db()).unwrap().replica());
    std::fs::remove_file(clone.join(&own)).unwrap();
    std::os::unix::fs::symlink(&secret, clone.join(&own)).unwrap();
    commit_and_push(&clone, root.path(), "swap in a link");

    ana.ok(&["log", "after the link"]);
    sync_ok(&ana, &repo, "own file was a symlink");
    sync_ok(&ana, &repo, "and again");
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "do not touch\n");
    let mode = git(&repo, root.path(), &["ls-tree", "main", &own]);
    assert!(
        mode.starts_with("100644 blob"),
        "a plain file again: {mode}"
    );
    let fresh = Sandbox::new();
    sync_ok(&fresh, &repo, "fresh replica");
    assert_eq!(held(&fresh), held(&ana));
}

#[test]
fn a_symlink_at_another_replica_s_file_is_skipped_with_a_warning() {
    let root = tempfile::tempdir().unwrap();
    let repo = bare_repo(root.path());
    let (ana, other) = (Sandbox::new(), Sandbox::new());
    ana.ok(&["declare", "Checkout failing"]);
    sync_ok(&ana, &repo, "first push");

    // Events that were never pushed, in a file outside the repository.
    other.ok(&["declare", "Not for the repository"]);
    let outside = root.path().join("outside.jsonl");
    other.ok(&["sync", outside.to_str().unwrap()]);
    let clone = hostile_clone(&repo, root.path());
    let name = format!(
        "events/{}.jsonl",
        Store::open(&other.db()).unwrap().replica()
    );
    std::os::unix::fs::symlink(&outside, clone.join(&name)).unwrap();
    commit_and_push(&clone, root.path(), "link to outside");

    let out = ana
        .process("ana")
        .args(["sync", repo.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("warning: {name}")) && stderr.contains("link"),
        "the link is named: {stderr}"
    );
    assert!(
        held(&ana).is_disjoint(&held(&other)),
        "nothing was read through the link"
    );
}

/// Ana's first push to a new bare repository under `root`: the
/// repository, Ana, and her working copy.
fn ana_pushed_once(root: &Path) -> (PathBuf, Sandbox, PathBuf) {
    let repo = bare_repo(root);
    let ana = Sandbox::new();
    ana.ok(&["declare", "Checkout failing"]);
    sync_ok(&ana, &repo, "first push");
    let [wc] = &working_copies(&ana)[..] else {
        panic!("one working copy")
    };
    let wc = wc.clone();
    (repo, ana, wc)
}

/// The private working copies under a sandbox's data directory.
fn working_copies(who: &Sandbox) -> Vec<PathBuf> {
    let sync = who.dir.path().join("xdg-data/fireground/sync");
    std::fs::read_dir(sync)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join(".git").is_dir())
        .collect()
}

#[test]
fn a_working_copy_left_without_its_remote_or_on_a_detached_head_is_made_again() {
    let root = tempfile::tempdir().unwrap();
    let (repo, ana, wc) = ana_pushed_once(root.path());
    // What a sync killed while creating it left, in an older version.
    git(&wc, root.path(), &["remote", "remove", "origin"]);
    ana.ok(&["log", "after the remote went"]);
    sync_ok(&ana, &repo, "no remote in the working copy");
    // What a sync killed mid-rebase left, in an older version.
    git(&wc, root.path(), &["checkout", "-q", "--detach"]);
    ana.ok(&["log", "after HEAD was detached"]);
    sync_ok(&ana, &repo, "a detached HEAD");
}

#[test]
fn a_sync_with_nothing_new_runs_only_git_fetch_and_one_bringing_news_three() {
    let killer = Killer::new();
    let root = tempfile::tempdir().unwrap();
    let (repo, ana, wc) = ana_pushed_once(root.path());
    let bo = Sandbox::new();
    assert_eq!(git_commands(&killer, &ana, &repo), ["fetch"]);

    bo.ok(&["declare", "DNS flapping"]);
    sync_ok(&bo, &repo, "bo joins");
    // Fetch, reset, and a diff that tells appended files from rewritten
    // ones (a rewrite is read again and judged: see tests/trust.rs).
    let bringing = git_commands(&killer, &ana, &repo);
    assert!(bringing.len() <= 3, "bringing bo's events: {bringing:?}");
    assert_eq!(git_commands(&killer, &ana, &repo), ["fetch"]);

    // git packs its refs away from time to time.
    git(&wc, root.path(), &["pack-refs", "--all"]);
    assert!(!wc.join(".git/refs/remotes/origin/main").exists());
    assert_eq!(git_commands(&killer, &ana, &repo), ["fetch"]);
}

/// Ana's sync is killed right after `step`, and the note her last finished
/// sync left is put back, as an older fireground that never knew of it
/// would have left it: the next sync must see the copy was touched. With
/// `bo_first`, the remote moved in between; without, it did not, and only
/// the note stands between the next sync and a copy holding lines that
/// were never pushed.
fn killed_with_the_note_left_at(killer: &Killer, step: &str, bo_first: bool) {
    let root = tempfile::tempdir().unwrap();
    let (repo, ana, wc) = ana_pushed_once(root.path());
    let bo = Sandbox::new();
    let note = wc.join(".git/fireground-clean");
    let left = std::fs::read(&note).expect("a finished sync leaves a note");

    bo.ok(&["declare", "DNS flapping"]);
    if bo_first {
        sync_ok(&bo, &repo, "bo joins");
    }
    ana.ok(&["log", "failing over to db-2"]);
    let context = format!("killed after {step}, the note put back, bo first: {bo_first}");
    let tag = format!("note-{step}-{bo_first}");
    let out = killer.sync(&ana, &repo, step, "after", &tag);
    after_kill(&out, &repo, &ana, &context);
    std::fs::write(&note, &left).unwrap();
    sync_ok(&ana, &repo, &context);
    sync_ok(&bo, &repo, &context);
    sync_ok(&ana, &repo, &context);
    assert_eq!(held(&ana), held(&bo), "{context}");
}

#[test]
fn a_copy_touched_since_the_last_finished_sync_is_reset_whatever_its_note_says() {
    let killer = Killer::new();
    for step in STEPS {
        killed_with_the_note_left_at(&killer, step, false);
        killed_with_the_note_left_at(&killer, step, true);
    }
}

#[test]
fn a_stray_events_file_in_a_copy_left_clean_is_not_read() {
    let root = tempfile::tempdir().unwrap();
    let (repo, ana, wc) = ana_pushed_once(root.path());
    let other = Sandbox::new();
    // Events that were never pushed, dropped into the copy by hand.
    other.ok(&["declare", "Not for the repository"]);
    let outside = root.path().join("outside.jsonl");
    other.ok(&["sync", outside.to_str().unwrap()]);
    let name = format!(
        "events/{}.jsonl",
        Store::open(&other.db()).unwrap().replica()
    );
    std::fs::copy(&outside, wc.join(&name)).unwrap();
    sync_ok(&ana, &repo, "a stray file");
    assert!(
        held(&ana).is_disjoint(&held(&other)),
        "the stray was cleaned"
    );
    assert!(!wc.join(&name).exists());
}

#[test]
fn a_copy_full_of_loose_objects_is_tidied_but_not_by_a_sync_with_nothing_new() {
    let killer = Killer::new();
    let root = tempfile::tempdir().unwrap();
    let (repo, ana, wc) = ana_pushed_once(root.path());
    // The loose objects months of syncing leave, past git's own threshold.
    let blobs = root.path().join("blobs");
    std::fs::create_dir(&blobs).unwrap();
    let mut paths = String::new();
    for i in 0..8_000 {
        let blob = blobs.join(i.to_string());
        std::fs::write(&blob, format!("blob {i}\n")).unwrap();
        paths.push_str(&format!("{}\n", blob.display()));
    }
    let mut hashing = std::process::Command::new("git")
        .arg("-C")
        .arg(&wc)
        .args(["hash-object", "-w", "--stdin-paths"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    hashing
        .stdin
        .take()
        .unwrap()
        .write_all(paths.as_bytes())
        .unwrap();
    assert!(hashing.wait().unwrap().success());
    let packs = || {
        std::fs::read_dir(wc.join(".git/objects/pack"))
            .unwrap()
            .count()
    };
    let before = packs();

    assert_eq!(git_commands(&killer, &ana, &repo), ["fetch"], "nothing new");
    ana.ok(&["log", "failing over to db-2"]);
    let ran = git_commands(&killer, &ana, &repo);
    assert!(ran.iter().any(|c| c == "gc"), "{ran:?}");
    assert!(packs() > before, "packed");
    assert_remote_holds(&repo, &ana, "after tidying");
    assert_eq!(git_commands(&killer, &ana, &repo), ["fetch"], "nothing new");

    // The blobs are nobody's, so too recent to prune: git would tidy again,
    // and a sync killed while it does must recover like any other.
    for mode in ["before", "after", "lock"] {
        ana.ok(&["log", &format!("killed {mode} gc")]);
        let context = format!("killed {mode} gc");
        let out = killer.sync(&ana, &repo, "gc", mode, &format!("gc-{mode}"));
        let once = killer.dir.path().join(format!("once-gc-{mode}"));
        assert!(once.exists(), "{context}: git tidied again");
        after_kill(&out, &repo, &ana, &context);
        sync_ok(&ana, &repo, &context);
    }
}
