//! `fireground sync` driven as a user would: over a shared file and a git
//! repository, the remembered target, --watch, several processes at once,
//! and the errors.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{bare_repo, git_env};
use fireground::store::Store;
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_fireground");

/// One responder: a database and a name, everything else in the tempdir.
struct Responder {
    db: PathBuf,
    name: &'static str,
    home: PathBuf,
}

impl Responder {
    fn new(home: &Path, name: &'static str) -> Responder {
        Responder {
            db: home.join(format!("{name}.db")),
            name,
            home: home.to_path_buf(),
        }
    }

    fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd(&[]))
    }

    fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env("FIREGROUND_DB", &self.db)
            .env("FIREGROUND_USER", self.name)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("TZ", "UTC")
            .envs(git_env(&self.home));
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    }

    fn events(&self) -> u64 {
        Store::open(&self.db).unwrap().event_count().unwrap()
    }
}

/// Ana, who has declared an incident, and Bo, and where their shared file
/// goes.
fn ana_and_bo(dir: &Path) -> (Responder, Responder, String) {
    let (ana, bo) = (Responder::new(dir, "ana"), Responder::new(dir, "bo"));
    ana.run(&["declare", "Checkout failing"]);
    let shared = dir.join("shared.jsonl").to_string_lossy().into_owned();
    (ana, bo, shared)
}

#[test]
fn two_responders_share_a_file_and_the_target_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let (ana, bo, shared) = ana_and_bo(dir.path());
    let shared = shared.as_str();
    ana.run(&["log", "card payments return 500"]);
    assert_eq!(ana.run(&["sync", shared]), "pulled 0 events, pushed 2\n");
    assert_eq!(
        bo.run(&["sync", shared]),
        "pulled 2 events from 1 replica (2 by ana), pushed 0\n"
    );
    bo.run(&["log", "failing over to db-2"]);
    // No target given: the one used last with this database.
    assert_eq!(bo.run(&["sync"]), "pulled 0 events, pushed 1\n");
    assert_eq!(
        ana.run(&["sync"]),
        "pulled 1 event from 1 replica (1 by bo), pushed 0\n"
    );
    assert_eq!(ana.run(&["sync"]), "pulled 0 events, pushed 0\n");
    let timeline = ana.run(&["print"]);
    assert!(timeline.contains("failing over to db-2"), "{timeline}");
}

#[test]
fn sync_json_says_what_moved_and_whose_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let (ana, bo, shared) = ana_and_bo(dir.path());
    ana.run(&["log", "card payments return 500"]);
    let pushed: serde_json::Value =
        serde_json::from_str(&ana.run(&["sync", &shared, "--json"])).unwrap();
    assert_eq!(
        (pushed["pulled"].as_u64(), pushed["pushed"].as_u64()),
        (Some(0), Some(2))
    );
    let out = bo.run(&["sync", &shared, "--json"]);
    assert_eq!(out.lines().count(), 1, "one line: {out}");
    let pulled: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pulled["pulled"], 2);
    assert_eq!(pulled["sources"][0]["events"], 2);
    assert_eq!(pulled["sources"][0]["authors"], serde_json::json!(["ana"]));
    assert_eq!(pulled["warnings"], serde_json::json!([]));
}

#[test]
fn without_a_target_sync_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    Responder::new(dir.path(), "ana")
        .cmd()
        .arg("sync")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no sync target yet; run `fireground sync PATH_OR_GIT_URL` once",
        ));
}

#[test]
fn a_skipped_line_is_a_warning_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let ana = Responder::new(dir.path(), "ana");
    let shared = dir.path().join("shared.jsonl");
    std::fs::write(&shared, "this is not an event\n").unwrap();
    ana.cmd()
        .args(["sync", shared.to_str().unwrap()])
        .assert()
        .success()
        .stdout("pulled 0 events, pushed 0\n")
        .stderr(predicate::str::contains(format!(
            "warning: {} line 1: skipped, it is not an event",
            shared.display()
        )));
}

#[test]
fn over_git_with_an_empty_bare_repository_and_no_git_identity() {
    let dir = tempfile::tempdir().unwrap();
    let repo = bare_repo(dir.path());
    let (ana, bo, _) = ana_and_bo(dir.path());
    assert_eq!(
        ana.run(&["sync", repo.to_str().unwrap()]),
        "pulled 0 events, pushed 1\n"
    );
    assert_eq!(
        bo.run(&["sync", repo.to_str().unwrap()]),
        "pulled 1 event from 1 replica (1 by ana), pushed 0\n"
    );
    bo.run(&["log", "db-2 is primary"]);
    assert_eq!(bo.run(&["sync"]), "pulled 0 events, pushed 1\n");
    assert_eq!(
        ana.run(&["sync"]),
        "pulled 1 event from 1 replica (1 by bo), pushed 0\n"
    );
    let dirs: Vec<String> = std::fs::read_dir(dir.path().join("data/fireground/sync"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    assert_eq!(dirs.len(), 2, "one working copy per database: {dirs:?}");
}

#[test]
fn a_git_remote_that_does_not_exist_is_one_sentence_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let ana = Responder::new(dir.path(), "ana");
    let missing = dir.path().join("gone.git");
    let out = ana
        .cmd()
        .args(["sync", missing.to_str().unwrap()])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("fireground: git could not reach"),
        "{stderr}"
    );
    // A failed target is not remembered.
    ana.cmd().arg("sync").assert().code(2);
}

#[test]
fn several_processes_syncing_one_file_at_the_same_time_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.jsonl");
    let shared = shared.to_str().unwrap().to_string();
    let names = ["ana", "bo", "cy", "dee"];
    let people: Vec<Responder> = names
        .iter()
        .map(|n| Responder::new(dir.path(), n))
        .collect();
    people[0].run(&["declare", "Checkout failing"]);
    for p in &people {
        p.run(&["sync", &shared]);
    }
    const ROUNDS: usize = 5;
    const PER_ROUND: usize = 2;
    std::thread::scope(|scope| {
        for p in &people {
            scope.spawn(|| {
                for round in 0..ROUNDS {
                    for n in 0..PER_ROUND {
                        let text = format!("{} round {round} note {n}", p.name);
                        let ok = p
                            .std_cmd(&["log", &text])
                            .stderr(Stdio::null())
                            .status()
                            .unwrap();
                        assert!(ok.success());
                    }
                    let ok = p.std_cmd(&["sync"]).stdout(Stdio::null()).status().unwrap();
                    assert!(ok.success());
                }
            });
        }
    });
    for _ in 0..2 {
        for p in &people {
            p.run(&["sync"]);
        }
    }
    let expected = (1 + names.len() * ROUNDS * PER_ROUND) as u64;
    for p in &people {
        assert_eq!(p.events(), expected, "{} has every event", p.name);
    }
    let lines = std::fs::read_to_string(dir.path().join("shared.jsonl")).unwrap();
    assert_eq!(
        lines.lines().count() as u64,
        expected,
        "each event written once"
    );
}

fn wait_for(child: &mut Child, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_keeps_pulling_what_others_push() {
    let dir = tempfile::tempdir().unwrap();
    let (ana, bo, shared) = ana_and_bo(dir.path());
    let shared = shared.as_str();
    ana.run(&["sync", shared]);
    let mut watcher = bo
        .std_cmd(&["sync", shared, "--watch", "--every", "1s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut watcher, "the first sync", || bo.events() == 1);
    ana.run(&["log", "rolled back deploy 42"]);
    ana.run(&["sync"]);
    wait_for(&mut watcher, "the note to arrive", || bo.events() == 2);
    watcher.kill().unwrap();
    let out = watcher.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.ends_with("pulled 1 event from 1 replica (1 by ana), pushed 0")),
        "{stdout}"
    );
}

#[test]
fn an_interval_shorter_than_a_second_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ana, _, shared) = ana_and_bo(dir.path());
    ana.cmd()
        .args(["sync", &shared, "--watch", "--every", "0s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use --every 1s or more"));
    ana.cmd()
        .args(["sync", &shared, "--every", "5s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--watch"));
    assert!(!Path::new(&shared).exists(), "nothing was synced");
}

#[test]
fn a_shared_file_that_did_not_exist_is_announced_once() {
    let dir = tempfile::tempdir().unwrap();
    let (ana, bo, shared) = ana_and_bo(dir.path());
    let first = ana.cmd().args(["sync", &shared]).assert().success();
    let said = String::from_utf8_lossy(&first.get_output().stderr).into_owned();
    assert!(said.contains("did not exist and was created"), "{said}");
    let second = bo.cmd().args(["sync", &shared]).assert().success();
    let said = String::from_utf8_lossy(&second.get_output().stderr).into_owned();
    assert!(!said.contains("was created"), "{said}");
}
