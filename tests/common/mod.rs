//! Helpers shared by the sync tests: stores with events in them, and git
//! kept away from the user's configuration and the network.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use fireground::domain::event::{Event, EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::SyncOptions;

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
    let out = Command::new("git")
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
    git(&repo, dir, &["init", "-q", "--bare"]);
    repo
}
