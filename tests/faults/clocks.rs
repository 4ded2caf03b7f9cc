//! Faults of time: a teammate's clock days ahead, a hostile replica dating
//! its events in year 9999, a typo'd `--at`.

use chrono::{Duration, Utc};
use fireground::domain::event::{Event, EventKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;

use crate::common::Sandbox;

/// A replica of the sandbox's log, with its clock `ahead` of the real one.
fn replica_ahead(shared: &std::path::Path, ahead: Duration) -> Store {
    let mut fast = Store::open_in_memory().unwrap();
    let events: Vec<Event> = std::fs::read_to_string(shared)
        .unwrap()
        .lines()
        .map(|l| Event::from_json(l).unwrap())
        .collect();
    fast.import(&events).unwrap();
    fast.set_clock(move || Utc::now() + ahead);
    fast
}

fn publish(shared: &std::path::Path, events: &[Event]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(shared)
        .unwrap();
    for e in events {
        writeln!(f, "{}", e.to_json()).unwrap();
    }
}

fn sync_warns(sandbox: &Sandbox, shared: &str) -> String {
    let out = sandbox.cmd().args(["sync", shared]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stderr).unwrap()
}

/// ana's log with one incident declared at `severity`, synced to a shared
/// file that other replicas can be made to write to.
fn declared_and_shared(severity: &str) -> (Sandbox, std::path::PathBuf) {
    let sandbox = Sandbox::new();
    let shared = sandbox.dir.path().join("shared.jsonl");
    sandbox.ok(&["declare", "--severity", severity, "Checkout down"]);
    sandbox.ok(&["sync", shared.to_str().unwrap()]);
    (sandbox, shared)
}

#[test]
fn a_teammate_whose_laptop_runs_two_days_ahead_cannot_pin_the_severity() {
    let (sandbox, shared) = declared_and_shared("P2");
    let shared_arg = shared.to_str().unwrap();

    let mut fast = replica_ahead(&shared, Duration::days(2));
    let inc = fast.incident_ids().unwrap()[0];
    let raised = fast
        .append(
            inc,
            None,
            "fay",
            EventKind::SeverityChanged {
                severity: "P1".into(),
            },
        )
        .unwrap();
    publish(&shared, &[raised]);

    let warned = sync_warns(&sandbox, shared_arg);
    assert!(
        warned.contains("1 event from another replica is held back"),
        "{warned}"
    );
    let out = sandbox.ok(&["severity", "P3"]);
    assert!(out.contains("Severity is now P3"), "{out}");
    let status = sandbox.json(&["status", "--json"]);
    assert_eq!(status["severity"], "P3", "what ana was told holds");
    assert_eq!(status["held_back"]["events"], 1);
    assert!(status["elapsed_seconds"].as_i64().unwrap() >= 0);
}

#[test]
fn a_hostile_replica_declares_a_decoy_incident_in_the_year_9999() {
    let (sandbox, shared) = declared_and_shared("P1");
    let shared_arg = shared.to_str().unwrap();

    let mut hostile = replica_ahead(&shared, Duration::zero());
    let real = hostile.incident_ids().unwrap()[0];
    let far = "9999-12-31T00:00:00Z".parse().unwrap();
    let decoy = hostile
        .append(
            IncidentId::generate(),
            Some(far),
            "mallory",
            EventKind::Declared {
                title: "Decoy".into(),
                severity: "P4".into(),
                summary: String::new(),
                playbook: "default".into(),
                commander: "mallory".into(),
                stage: "detect".into(),
            },
        )
        .unwrap();
    let pin = hostile
        .append(
            real,
            Some(far),
            "mallory",
            EventKind::RoleAssigned {
                role: "commander".into(),
                person: "mallory".into(),
            },
        )
        .unwrap();
    publish(&shared, &[decoy, pin]);

    let warned = sync_warns(&sandbox, shared_arg);
    assert!(
        warned.contains("2 events from another replica are held back"),
        "{warned}"
    );
    assert!(warned.contains("9999-12-31"), "{warned}");
    sandbox.ok(&["log", "still ours"]);
    sandbox.ok(&["assign", "commander", "bo"]);
    let status = sandbox.json(&["status", "--json"]);
    assert_eq!(status["title"], "Checkout down", "the decoy is not current");
    let commander = status["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "commander")
        .unwrap();
    assert_eq!(commander["holder"], "bo");
    let text = sandbox.ok(&["status"]);
    assert!(!text.contains("open -"), "no negative duration: {text}");
}

#[test]
fn a_scribe_backfills_a_severity_that_a_later_change_overrules() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["declare", "--severity", "P2", "Checkout down"]);
    sandbox.ok(&["severity", "P1"]);
    let out = sandbox.ok(&["severity", "P3", "--at", "-1m"]);
    assert!(
        out.contains("recorded at the time given, but a later change keeps the severity at P1"),
        "{out}"
    );
    assert_eq!(sandbox.json(&["status", "--json"])["severity"], "P1");
}
