//! A teammate who forges: events written into another replica's file, a
//! line rewritten in place, a signature that does not match. Each is kept
//! apart and reported; every replica, old or new, shows the honest log.

mod common;

use std::path::Path;

use common::{Sandbox, bare_repo, clone, declare, git, note, options};
use fireground::domain::admission::Quarantine;
use fireground::domain::event::{Body, Event, EventKind};
use fireground::domain::ids::{IncidentId, ReplicaId};
use fireground::domain::seal::Keys;
use fireground::store::Store;
use fireground::sync::{SyncReport, Target, sync_with};

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn run(store: &mut Store, target: &Target, dir: &Path) -> SyncReport {
    sync_with(store, target, &options(dir)).unwrap()
}

fn git_target(repo: &Path) -> Target {
    Target::Git(repo.to_string_lossy().into_owned())
}

/// The texts of the incident's notes, in order.
fn texts(store: &Store, inc: IncidentId) -> Vec<String> {
    store
        .events(inc)
        .unwrap()
        .iter()
        .filter_map(|e| match e.known() {
            Some(EventKind::Note { text, .. }) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn reworded(e: &Event, text: &str) -> Event {
    let mut forged = e.clone();
    forged.body = Body::Known(EventKind::Note {
        note: fireground::domain::event::NoteKind::Decision,
        text: text.into(),
    });
    forged
}

fn kept_apart(report: &SyncReport) -> Vec<(Quarantine, usize)> {
    report
        .quarantined
        .iter()
        .map(|q| (q.why, q.events))
        .collect()
}

/// Ana records a decision and pushes; Bo has it. Returns the repository,
/// Ana's store, Bo's store, the incident and the decision.
fn decided(dir: &Path) -> (std::path::PathBuf, Store, Store, IncidentId, Event) {
    let repo = bare_repo(dir);
    let (mut ana, mut bo) = (store(), store());
    let inc = declare(&mut ana, "ana");
    let decision = note(&mut ana, inc, "ana", "Do NOT roll back; keep v2.30");
    note(&mut ana, inc, "ana", "error rate falling");
    run(&mut ana, &git_target(&repo), dir);
    run(&mut bo, &git_target(&repo), dir);
    (repo, ana, bo, inc, decision)
}

fn push_all(copy: &Path, home: &Path, message: &str) {
    git(copy, home, &["add", "-A"]);
    git(copy, home, &["commit", "-q", "-m", message]);
    git(copy, home, &["push", "-q", "origin", "HEAD:main"]);
}

#[test]
fn a_forged_copy_of_a_decision_pushed_in_a_file_of_its_own_is_kept_apart_by_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, _ana, mut bo, inc, decision) = decided(dir.path());

    let mallory = clone(&repo, dir.path(), "mallory");
    let forged = reworded(&decision, "Do NOT roll back; keep v2.31 (forged)");
    let zero = ReplicaId::from_parts(0, 0);
    std::fs::write(
        mallory.join(format!("events/{zero}.jsonl")),
        format!("{}\n", forged.to_json()),
    )
    .unwrap();
    push_all(&mallory, dir.path(), "notes");

    let old = run(&mut bo, &git_target(&repo), dir.path());
    assert_eq!(kept_apart(&old), vec![(Quarantine::Conflicts, 1)]);
    assert_eq!(
        old.quarantined[0].to_string(),
        format!(
            "replica {}… (ana): 1 event conflicts with the copy you have; kept apart, see `fireground verify`",
            &decision.replica.to_string()[..8]
        )
    );

    let mut newcomer = store();
    let new = run(&mut newcomer, &git_target(&repo), dir.path());
    assert_eq!(kept_apart(&new), vec![(Quarantine::NotItsFile, 1)]);
    let honest = texts(&bo, inc);
    assert_eq!(texts(&newcomer, inc), honest);
    assert!(honest.iter().any(|t| t.contains("keep v2.30")));
    assert!(!honest.iter().any(|t| t.contains("v2.31")));
}

#[test]
fn a_line_rewritten_in_place_in_a_teammates_git_file_is_kept_apart_by_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, ana, mut bo, inc, decision) = decided(dir.path());

    let mallory = clone(&repo, dir.path(), "mallory");
    let file = mallory.join(format!("events/{}.jsonl", ana.replica()));
    let text = std::fs::read_to_string(&file).unwrap();
    let rewritten = text.replace("keep v2.30", "keep v2.31");
    assert_ne!(text, rewritten);
    std::fs::write(&file, rewritten).unwrap();
    push_all(&mallory, dir.path(), "typo");

    let old = run(&mut bo, &git_target(&repo), dir.path());
    assert_eq!(kept_apart(&old), vec![(Quarantine::Conflicts, 1)]);

    let mut newcomer = store();
    let new = run(&mut newcomer, &git_target(&repo), dir.path());
    assert_eq!(kept_apart(&new), vec![(Quarantine::BadSignature, 1)]);
    assert!(texts(&bo, inc).iter().any(|t| t.contains("keep v2.30")));
    // The newcomer never saw the honest copy, so it lacks the decision;
    // it shows nothing forged, and says what it kept apart.
    assert!(!texts(&newcomer, inc).iter().any(|t| t.contains("v2.31")));
    assert!(
        !newcomer
            .events(inc)
            .unwrap()
            .iter()
            .any(|e| e.id == decision.id)
    );
}

#[test]
fn a_shared_file_line_with_a_signature_that_does_not_match_is_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.jsonl");
    let target = Target::File(shared.clone());
    let (mut ana, mut bo) = (store(), store());
    let inc = declare(&mut ana, "ana");
    run(&mut ana, &target, dir.path());
    run(&mut bo, &target, dir.path());

    // Mallory appends a decision in Ana's name, signed with her own key.
    let first = ana.events(inc).unwrap()[0].clone();
    let mut forged = reworded(&first, "page the CEO");
    forged.id = fireground::domain::ids::EventId::generate();
    forged.seq = 2;
    let prev = forged.seal.prev;
    Keys::from_secret(&[6; 32]).seal(&mut forged, prev);
    forged.seal.key = None;
    let mut text = std::fs::read_to_string(&shared).unwrap();
    text.push_str(&format!("{}\n", forged.to_json()));
    std::fs::write(&shared, text).unwrap();

    let report = run(&mut bo, &target, dir.path());
    assert_eq!(kept_apart(&report), vec![(Quarantine::BadSignature, 1)]);
    assert!(!texts(&bo, inc).iter().any(|t| t.contains("CEO")));
    // Reported once, not at every sync.
    assert!(run(&mut bo, &target, dir.path()).quarantined.is_empty());
}

#[test]
fn a_keys_file_in_the_repository_makes_a_newcomer_refuse_a_writer_with_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, ana, _bo, inc, _decision) = decided(dir.path());

    // The team pins Ana's key; Mallory then replaces Ana's whole file with
    // her own chain under Ana's replica id, signed with her own key.
    let mallory = clone(&repo, dir.path(), "mallory");
    std::fs::write(
        mallory.join("keys"),
        format!("# the team\n{}\n", ana.own_key_line("ana").unwrap()),
    )
    .unwrap();
    push_all(&mallory, dir.path(), "pin keys");
    let keys = Keys::from_secret(&[6; 32]);
    let mut prev = None;
    let mut lines = String::new();
    for e in ana.events(inc).unwrap() {
        let mut forged = reworded(&e, "all is well");
        forged.seal = Default::default();
        forged.seal.key = (e.seq == 1).then(|| keys.public());
        keys.seal(&mut forged, prev);
        prev = Some(fireground::domain::seal::event_digest(&forged));
        lines.push_str(&format!("{}\n", forged.to_json()));
    }
    std::fs::write(
        mallory.join(format!("events/{}.jsonl", ana.replica())),
        lines,
    )
    .unwrap();
    push_all(&mallory, dir.path(), "rewrite");

    let mut newcomer = store();
    let report = run(&mut newcomer, &git_target(&repo), dir.path());
    assert_eq!(
        kept_apart(&report),
        vec![(Quarantine::OtherKey, 1), (Quarantine::BadSignature, 2)]
    );
    assert!(
        !texts(&newcomer, inc)
            .iter()
            .any(|t| t.contains("all is well"))
    );
}

#[test]
fn verify_says_whom_the_log_trusts_and_what_it_kept_apart() {
    let sb = Sandbox::new();
    sb.ok(&["declare", "checkout errors", "--severity", "P2"]);
    sb.ok(&["log", "rolled back"]);
    let out = sb.ok(&["verify"]);
    assert!(
        out.starts_with("The log verifies: 2 events from 1 writer."),
        "{out}"
    );
    assert!(
        out.contains("(this replica): 2 events: 2 signed and chained"),
        "{out}"
    );

    // Someone edits a stored event with the sqlite3 shell.
    let conn = rusqlite::Connection::open(sb.db()).unwrap();
    conn.execute(
        "UPDATE events SET body = replace(body, 'rolled back', 'did not roll back')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = sb.cmd().arg("verify").assert().failure().code(1);
    let out = String::from_utf8_lossy(&err.get_output().stdout).into_owned();
    assert!(out.starts_with("The log does NOT verify"), "{out}");
    assert!(
        out.contains("its signature does not match its writer's key"),
        "{out}"
    );
}

#[test]
fn the_printed_review_says_whether_the_log_verified() {
    let sb = Sandbox::new();
    sb.ok(&["declare", "checkout errors", "--severity", "P2"]);
    sb.ok(&["log", "rolled back"]);
    let review = sb.ok(&["print", "--format", "markdown"]);
    assert!(
        review.contains(
            "verified: 2 events from 1 writer, each signed by its writer and chained to the one before"
        ),
        "{review}"
    );
    let conn = rusqlite::Connection::open(sb.db()).unwrap();
    conn.execute(
        "UPDATE events SET body = replace(body, 'rolled back', 'did not roll back')",
        [],
    )
    .unwrap();
    drop(conn);
    let review = sb.ok(&["print", "--format", "html"]);
    assert!(
        review.contains("does NOT verify: 1 event changed since it was recorded"),
        "{review}"
    );
}

#[test]
fn a_second_copy_of_an_event_with_other_words_in_the_same_file_is_kept_apart_by_a_newcomer() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.jsonl");
    let target = Target::File(shared.clone());
    let mut ana = store();
    let inc = declare(&mut ana, "ana");
    let decision = note(&mut ana, inc, "ana", "keep v2.30");
    run(&mut ana, &target, dir.path());
    let mut text = std::fs::read_to_string(&shared).unwrap();
    text.push_str(&format!(
        "{}\n",
        reworded(&decision, "keep v2.31").to_json()
    ));
    std::fs::write(&shared, text).unwrap();

    // The newcomer reads both copies in one go.
    let mut newcomer = store();
    let report = run(&mut newcomer, &target, dir.path());
    assert_eq!(kept_apart(&report), vec![(Quarantine::Conflicts, 1)]);
    assert_eq!(texts(&newcomer, inc), vec!["keep v2.30".to_string()]);
}
