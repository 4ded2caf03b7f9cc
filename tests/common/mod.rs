//! Helpers shared by the integration tests: a sandbox for driving the real
//! binary (its own database, user and XDG directories, in UTC), stores with
//! events in them, and git kept away from the user's configuration and the
//! network.

#![allow(dead_code)]

pub mod pty;
pub mod webhook;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fireground::domain::event::{Event, EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::SyncOptions;
use proptest::test_runner::Config as ProptestConfig;
use tempfile::TempDir;

pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/fireground.db")
    }

    /// The environment every run gets: everything points into the sandbox.
    fn env(&self, user: &str) -> Vec<(&'static str, std::ffi::OsString)> {
        let p = self.dir.path();
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", p.into()),
            ("XDG_DATA_HOME", p.join("xdg-data").into()),
            ("XDG_CONFIG_HOME", p.join("xdg-config").into()),
            ("TZ", "UTC".into()),
            ("FIREGROUND_DB", self.db().into()),
            ("FIREGROUND_USER", user.into()),
        ]
    }

    /// `fireground` as `user`, with everything pointed into the sandbox.
    pub fn as_user(&self, user: &str) -> Command {
        let mut cmd = Command::cargo_bin("fireground").expect("the binary is built");
        cmd.env_clear().envs(self.env(user));
        cmd
    }

    /// The same as a plain process, for tests that run several at once.
    pub fn process(&self, user: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fireground"));
        cmd.env_clear().envs(self.env(user));
        cmd
    }

    pub fn cmd(&self) -> Command {
        self.as_user("ana")
    }

    /// Runs and returns stdout, failing the test on a non-zero exit.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        assert!(
            out.status.success(),
            "fireground {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs expecting failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(2),
            "fireground {args:?} should fail with exit code 2"
        );
        String::from_utf8(out.stderr).expect("utf-8 output")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }

    /// The open incident's events of one kind, oldest first, as `print`
    /// gives them in JSON.
    pub fn events_of(&self, kind: &str) -> Vec<serde_json::Value> {
        let doc = self.json(&["print", "--format", "json"]);
        doc["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["kind"] == kind)
            .cloned()
            .collect()
    }
}

impl Sandbox {
    /// The texts of the open incident's timeline entries, a line each.
    pub fn timeline_texts(&self) -> String {
        let doc = self.json(&["print", "--format", "json"]);
        let texts: Vec<&str> = doc["incident"]["timeline"]
            .as_array()
            .expect("a timeline")
            .iter()
            .map(|e| e["text"].as_str().unwrap_or_default())
            .collect();
        texts.join("\n")
    }
}

/// Who holds a role in `status --json`, if anyone.
pub fn holder(status: &serde_json::Value, role: &str) -> Option<String> {
    status["roles"]
        .as_array()?
        .iter()
        .find(|r| r["role"] == role)
        .and_then(|r| r["holder"].as_str())
        .map(str::to_string)
}

pub fn declare(store: &mut Store, author: &str) -> IncidentId {
    let id = IncidentId::generate();
    store
        .append(
            id,
            None,
            author,
            EventKind::Declared {
                title: "Checkout failing".into(),
                severity: "sev2".into(),
                summary: String::new(),
                playbook: "default".into(),
                commander: author.into(),
                stage: "detect".into(),
            },
        )
        .unwrap();
    id
}

pub fn note(store: &mut Store, incident: IncidentId, author: &str, text: &str) -> Event {
    store
        .append(
            incident,
            None,
            author,
            EventKind::Note {
                note: NoteKind::Note,
                text: text.into(),
            },
        )
        .unwrap()
}

/// Writes `n` notes, `step 0` to `step n-1`.
pub fn notes(store: &mut Store, incident: IncidentId, author: &str, n: usize) {
    for i in 0..n {
        note(store, incident, author, &format!("step {i}"));
    }
}

/// The ids of an incident's events, in timeline order.
pub fn order(store: &Store, incident: IncidentId) -> Vec<String> {
    store
        .events(incident)
        .unwrap()
        .iter()
        .map(|e| e.id.to_string())
        .collect()
}

/// Environment that keeps git off the user's and the system's
/// configuration: no name or email configured at all.
pub fn git_env(home: &Path) -> Vec<(OsString, OsString)> {
    vec![
        ("HOME".into(), home.into()),
        ("XDG_CONFIG_HOME".into(), home.into()),
        ("GIT_CONFIG_GLOBAL".into(), "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
    ]
}

/// Sync options whose working copies live under `dir`.
pub fn options(dir: &Path) -> SyncOptions {
    SyncOptions {
        data_dir: dir.join("data"),
        git_env: git_env(dir),
    }
}

pub fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .envs(git_env(home))
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new, empty bare repository.
pub fn bare_repo(dir: &Path) -> PathBuf {
    let repo = dir.join("incidents.git");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, dir, &["init", "-q", "--bare", "-b", "main"]);
    repo
}

/// A plain clone of the repository, for playing another party.
pub fn clone(repo: &Path, dir: &Path, name: &str) -> std::path::PathBuf {
    let to = dir.join(name);
    git(
        dir,
        dir,
        &[
            "clone",
            "-q",
            "-b",
            "main",
            repo.to_str().unwrap(),
            to.to_str().unwrap(),
        ],
    );
    to
}

/// A property test's configuration: `cases` unless `PROPTEST_CASES` says
/// otherwise.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}
