//! Sync over a git repository: an empty bare repository as the first
//! target, idempotence, foreign and hostile files, lost writes, concurrent
//! pushers, and git's errors as one sentence. Every remote is a local path.

mod common;

use std::path::Path;

use common::{bare_repo, clone, declare, git, note, notes, options, order};
use fireground::store::Store;
use fireground::sync::{SyncReport, Target, sync_with};

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn run(store: &mut Store, repo: &Path, dir: &Path) -> SyncReport {
    let target = Target::Git(repo.to_string_lossy().into_owned());
    sync_with(store, &target, &options(dir)).unwrap()
}

#[test]
fn an_empty_bare_repository_works_as_the_first_target() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    note(&mut a, inc, "ana", "payments 500s");
    let report = run(&mut a, &repo, dir.path());
    assert_eq!((report.pulled, report.pushed), (0, 2));

    let file = format!("events/{}.jsonl", a.replica());
    let log = git(&repo, dir.path(), &["log", "--format=%s|%an", "main"]);
    assert_eq!(
        log.trim(),
        format!(
            "fireground: 2 events from {} (ana)|fireground {}",
            a.replica().short(),
            a.replica().short()
        ),
        "a human message, and a commit even with no git identity configured"
    );
    let listed = git(&repo, dir.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(listed.trim(), file);
    // The working copy lives under the data directory.
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("data/sync"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        copies
            .iter()
            .any(|n| n.starts_with("incidents-") && !n.ends_with(".lock")),
        "{copies:?}"
    );

    let report = run(&mut b, &repo, dir.path());
    assert_eq!((report.pulled, report.pushed), (2, 0));
    note(&mut b, inc, "bo", "failing over");
    assert_eq!(run(&mut b, &repo, dir.path()).pushed, 1);
    assert_eq!(run(&mut a, &repo, dir.path()).pulled, 1);
    assert_eq!(order(&a, inc), order(&b, inc));
}

#[test]
fn syncing_again_changes_nothing_and_makes_no_commit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let mut a = store();
    let inc = declare(&mut a, "ana");
    note(&mut a, inc, "ana", "one");
    run(&mut a, &repo, dir.path());
    let head = git(&repo, dir.path(), &["rev-parse", "main"]);
    let state = a.incident(inc).unwrap();
    for _ in 0..2 {
        let again = run(&mut a, &repo, dir.path());
        assert_eq!((again.pulled, again.pushed), (0, 0));
    }
    assert_eq!(git(&repo, dir.path(), &["rev-parse", "main"]), head);
    assert_eq!(a.incident(inc).unwrap(), state);
}

#[test]
fn foreign_files_and_bad_lines_are_ignored_and_good_events_still_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    run(&mut a, &repo, dir.path());
    let mine = declare(&mut b, "bo");
    let before = b.incident(mine).unwrap();

    // Someone else's clone adds things fireground did not write: a README,
    // a text file and a link among the event files, and a replica file
    // with a bad line between two good ones.
    let other = clone(&repo, dir.path(), "other");
    let good =
        std::fs::read_to_string(other.join(format!("events/{}.jsonl", a.replica()))).unwrap();
    let mut c = store();
    let c_inc = declare(&mut c, "cy");
    // Its own replica's file: events found in another's are refused.
    let stranger = c.replica();
    note(&mut c, c_inc, "cy", "from a hand-made file");
    let lines: Vec<String> = c
        .events(c_inc)
        .unwrap()
        .iter()
        .map(|e| e.to_json())
        .collect();
    std::fs::write(other.join("README.md"), "# incidents\n").unwrap();
    std::fs::write(other.join("events/notes.txt"), "not events\n").unwrap();
    std::fs::write(
        other.join(format!("events/{stranger}.jsonl")),
        format!("{}\n{{\"broken\n{}\n", lines[0], lines[1]),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        other.join("README.md"),
        other.join(format!(
            "events/{}.jsonl",
            fireground::domain::ids::ReplicaId::generate()
        )),
    )
    .unwrap();
    git(&other, dir.path(), &["add", "-A"]);
    git(&other, dir.path(), &["commit", "-q", "-m", "hand edits"]);
    git(&other, dir.path(), &["push", "-q", "origin", "HEAD:main"]);

    let report = run(&mut b, &repo, dir.path());
    assert_eq!(report.pulled, good.lines().count() + 2);
    // The bad line, and the link, which is named but never followed.
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    let bad = report.warnings.iter().find(|w| w.line == 2).unwrap();
    assert_eq!(
        bad.to_string(),
        format!("events/{stranger}.jsonl line 2: skipped, {}", bad.reason)
    );
    assert!(
        report.warnings.iter().any(|w| w
            .to_string()
            .ends_with(": skipped, it is a symbolic link, not a plain file")),
        "{:?}",
        report.warnings
    );
    assert_eq!(b.incident(mine).unwrap(), before, "local state untouched");
    assert!(b.incident(inc).unwrap().is_some());
    assert_eq!(b.incident(c_inc).unwrap().unwrap().timeline.len(), 2);
    // b's events went out next to the foreign files, which are left as
    // they were.
    assert_eq!(report.pushed, 1);
    git(
        &other,
        dir.path(),
        &["pull", "-q", "--rebase", "origin", "main"],
    );
    assert_eq!(
        std::fs::read_to_string(other.join("README.md")).unwrap(),
        "# incidents\n"
    );
    assert!(
        other
            .join(format!("events/{}.jsonl", b.replica()))
            .is_file()
    );
}

#[test]
fn a_replica_file_rewritten_on_the_remote_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let mut a = store();
    let inc = declare(&mut a, "ana");
    notes(&mut a, inc, "ana", 3);
    run(&mut a, &repo, dir.path());
    let other = clone(&repo, dir.path(), "other");
    let file = format!("events/{}.jsonl", a.replica());
    let text = std::fs::read_to_string(other.join(&file)).unwrap();
    let first = text.lines().next().unwrap();
    std::fs::write(other.join(&file), format!("{first}\n")).unwrap();
    git(
        &other,
        dir.path(),
        &["commit", "-q", "-am", "lose three lines"],
    );
    git(&other, dir.path(), &["push", "-q", "origin", "HEAD:main"]);

    note(&mut a, inc, "ana", "after the loss");
    run(&mut a, &repo, dir.path());
    let mut fresh = store();
    assert_eq!(
        run(&mut fresh, &repo, dir.path()).pulled,
        5,
        "nothing stays lost"
    );
    assert_eq!(order(&fresh, inc), order(&a, inc));
}

#[test]
fn three_replicas_pushing_at_the_same_time_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let mut first = store();
    let inc = declare(&mut first, "ana");
    run(&mut first, &repo, dir.path());
    let stores = vec![first, store(), store()];
    const ROUNDS: usize = 4;
    const PER_ROUND: usize = 3;
    let handles: Vec<_> = stores
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            let repo = repo.clone();
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    for n in 0..PER_ROUND {
                        note(
                            &mut s,
                            inc,
                            &format!("r{i}"),
                            &format!("round {round} note {n}"),
                        );
                    }
                    run(&mut s, &repo, &dir);
                }
                s
            })
        })
        .collect();
    let mut stores: Vec<Store> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for _ in 0..2 {
        for s in stores.iter_mut() {
            run(s, &repo, dir.path());
        }
    }
    let expected = 1 + 3 * ROUNDS * PER_ROUND;
    for s in &stores {
        assert_eq!(s.event_count().unwrap() as usize, expected);
    }
    // Retried pushes did not write anything twice.
    let files = git(&repo, dir.path(), &["ls-tree", "-r", "--name-only", "main"]);
    let lines: usize = files
        .lines()
        .map(|f| {
            git(&repo, dir.path(), &["show", &format!("main:{f}")])
                .lines()
                .count()
        })
        .sum();
    assert_eq!(lines, expected);
    assert_eq!(order(&stores[0], inc), order(&stores[1], inc));
    assert_eq!(order(&stores[0], inc), order(&stores[2], inc));
}

#[test]
fn git_errors_are_one_sentence_that_says_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.git");
    let target = Target::Git(missing.to_string_lossy().into_owned());
    let mut a = store();
    declare(&mut a, "ana");
    let err = sync_with(&mut a, &target, &options(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("git could not reach {}: ", missing.display())),
        "{err}"
    );
    assert!(
        err.contains("does not appear to be a git repository"),
        "{err}"
    );
    assert!(
        err.ends_with("check the address and your access to it"),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");
    // Nothing half-made is left behind to trip the next attempt.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("data/sync"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_checkout_that_is_not_bare_works_as_a_target_too() {
    let dir = tempfile::tempdir().unwrap();
    let checkout = dir.path().join("team-log");
    std::fs::create_dir(&checkout).unwrap();
    git(&checkout, dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(checkout.join("README.md"), "incident logs\n").unwrap();
    git(&checkout, dir.path(), &["add", "-A"]);
    git(&checkout, dir.path(), &["commit", "-q", "-m", "start"]);

    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    assert_eq!(run(&mut a, &checkout, dir.path()).pushed, 1);
    assert_eq!(run(&mut b, &checkout, dir.path()).pulled, 1);
    // The checkout's own files follow, since it had no changes of its own.
    assert!(
        checkout
            .join(format!("events/{}.jsonl", a.replica()))
            .is_file()
    );
    assert_eq!(order(&a, inc), order(&b, inc));
}

#[test]
fn a_push_refused_again_and_again_is_reported_and_goes_out_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let (mut a, mut b) = (store(), store());
    let inc = declare(&mut a, "ana");
    run(&mut a, &repo, dir.path());
    // Another pusher's lock on the branch that never goes away.
    let stale = repo.join("refs/heads/main.lock");
    std::fs::write(&stale, "").unwrap();
    note(&mut a, inc, "ana", "rolled back");
    let target = Target::Git(repo.to_string_lossy().into_owned());
    let err = sync_with(&mut a, &target, &options(dir.path()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "the push to {} was refused 8 times because others pushed at the same moment; run sync again",
            repo.display()
        )
    );
    std::fs::remove_file(&stale).unwrap();
    let report = run(&mut a, &repo, dir.path());
    assert_eq!((report.pulled, report.pushed), (0, 1));
    assert_eq!(run(&mut b, &repo, dir.path()).pulled, 2);
    assert_eq!(order(&a, inc), order(&b, inc));
}

#[cfg(unix)]
#[test]
fn a_push_the_remote_declines_is_not_retried_and_says_why() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let hook = repo.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'frozen for the incident review' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut a = store();
    declare(&mut a, "ana");
    let target = Target::Git(repo.to_string_lossy().into_owned());
    let err = sync_with(&mut a, &target, &options(dir.path()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "git could not push to {}: remote: frozen for the incident review; check the address and your access to it",
            repo.display()
        )
    );
}

#[test]
fn a_replica_joining_after_someone_pushed_another_branch_still_finds_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let (mut a, mut c) = (store(), store());
    let inc = declare(&mut a, "ana");
    run(&mut a, &repo, dir.path());
    // A person pushes a README to the repository's default branch, which
    // is not the branch the first replica created.
    let human = dir.path().join("human");
    std::fs::create_dir(&human).unwrap();
    git(&human, dir.path(), &["init", "-q", "-b", "master"]);
    std::fs::write(human.join("README.md"), "incident logs\n").unwrap();
    git(&human, dir.path(), &["add", "-A"]);
    git(&human, dir.path(), &["commit", "-q", "-m", "readme"]);
    git(
        &human,
        dir.path(),
        &["push", "-q", repo.to_str().unwrap(), "master"],
    );
    git(
        &repo,
        dir.path(),
        &["symbolic-ref", "HEAD", "refs/heads/master"],
    );

    assert_eq!(
        run(&mut c, &repo, dir.path()).pulled,
        1,
        "the joiner reads the events' branch"
    );
    note(&mut c, inc, "cy", "joined");
    run(&mut c, &repo, dir.path());
    assert_eq!(
        run(&mut a, &repo, dir.path()).pulled,
        1,
        "and writes where the others read"
    );
    assert_eq!(order(&a, inc), order(&c, inc));
}

/// The session id of a process, from /proc.
#[cfg(target_os = "linux")]
fn session_of(stat: &str) -> String {
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    rest.split_whitespace().nth(3).unwrap().to_string()
}

#[cfg(target_os = "linux")]
#[test]
fn git_and_ssh_run_without_the_terminal_so_they_can_never_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("ssh-session");
    let fake_ssh = dir.path().join("fake-ssh");
    std::fs::write(
        &fake_ssh,
        format!(
            "#!/bin/sh\ncat /proc/$$/stat > '{}'\nexit 1\n",
            seen.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake_ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut opts = options(dir.path());
    opts.git_env
        .push(("GIT_SSH_COMMAND".into(), fake_ssh.clone().into()));
    let mut a = store();
    declare(&mut a, "ana");
    let target = Target::Git("ssh://example.invalid/incidents.git".into());
    assert!(
        sync_with(&mut a, &target, &opts).is_err(),
        "the fake ssh refuses"
    );
    let ours = session_of(&std::fs::read_to_string("/proc/self/stat").unwrap());
    let theirs = session_of(&std::fs::read_to_string(&seen).expect("git ran ssh"));
    assert_ne!(
        ours, theirs,
        "ssh ran in a session of its own, with no terminal"
    );
}

#[test]
fn a_new_bare_repository_gets_the_events_on_the_branch_its_head_names() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("trunk.git");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, dir.path(), &["init", "-q", "--bare", "-b", "trunk"]);
    let mut a = store();
    declare(&mut a, "ana");
    run(&mut a, &repo, dir.path());
    let files = git(
        &repo,
        dir.path(),
        &["ls-tree", "-r", "--name-only", "trunk"],
    );
    assert!(
        files.contains(&format!("events/{}.jsonl", a.replica())),
        "{files}"
    );
}
