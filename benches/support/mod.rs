//! A large, realistic incident for the benchmarks, shared so that every
//! benchmark measures the same log; and git repositories for the sync
//! benchmark and the examples (which include this file too).

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use fireground::app::Context;
use fireground::cli::{Cli, CliCommand, PrintArgs};
use fireground::domain::clock::Hlc;
use fireground::domain::event::{Body, Event, EventKind, NoteKind};
use fireground::domain::ids::{EventId, IncidentId, ReplicaId};
use fireground::sync::{SyncOptions, Target};

/// 100,000 events under `cargo bench` (or as many as
/// `FIREGROUND_BENCH_EVENTS` says, e.g. 1000000); a thousand when `cargo
/// test` runs the benchmarks once to check they work, to keep the suite
/// quick.
pub fn size() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        std::env::var("FIREGROUND_BENCH_EVENTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000)
    } else {
        1_000
    }
}

/// `100`, `100k`, `1M`: a size for a benchmark's name.
pub fn count(events: usize) -> String {
    match events {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// A long incident (at 100,000 events, one every 3 seconds over about three
/// and a half days): mostly notes of every kind, with the updates, CAN reports, role
/// handovers, stage and severity changes and corrections a real one has.
pub fn incident_events(count: usize) -> (IncidentId, Vec<Event>) {
    let (incident, events) = unsigned_incident_events(count);
    (incident, sealed(events))
}

/// Each replica's events signed and chained in sequence order, as the
/// replica itself would have written them; the first carries its key.
pub fn sealed(mut events: Vec<Event>) -> Vec<Event> {
    use fireground::domain::seal::{Keys, event_digest};
    use std::collections::HashMap;
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].replica, events[i].seq));
    let mut last: HashMap<ReplicaId, fireground::domain::seal::Digest> = HashMap::new();
    for i in order {
        let e = &mut events[i];
        let mut secret = [0u8; 32];
        let name = e.replica.to_string();
        secret[..name.len()].copy_from_slice(name.as_bytes());
        let keys = Keys::from_secret(&secret);
        let prev = last.get(&e.replica).copied();
        e.seal.key = prev.is_none().then(|| keys.public());
        keys.seal(e, prev);
        last.insert(e.replica, event_digest(e));
    }
    events
}

/// As [`incident_events`], as a build that did not sign wrote them.
pub fn unsigned_incident_events(count: usize) -> (IncidentId, Vec<Event>) {
    let incident = IncidentId::from_parts(1_700_000_000_000, 1);
    let replicas = [ReplicaId::from_parts(1, 1), ReplicaId::from_parts(1, 2)];
    let people = ["maria", "sam", "devi", "lee", "omar"];
    let stages = ["assemble", "verify", "dispatch", "mitigate", "repair"];
    let start: DateTime<Utc> = DateTime::from_timestamp(1_763_938_800, 0).unwrap();
    let mut events = Vec::with_capacity(count);
    for i in 0..count {
        let at = start + Duration::seconds(3 * i as i64);
        let kind = match i {
            0 => EventKind::Declared {
                title: "Checkout failing for card payments".into(),
                severity: "P1".into(),
                summary: "Card payments fail at checkout.".into(),
                playbook: "default".into(),
                commander: "maria".into(),
                stage: "detect".into(),
            },
            i if i % 600 == 0 => EventKind::UpdateSent {
                status: format!("Update {i}: still rolling back region by region"),
                impact: "About 1 in 20 card payments fail.".into(),
                action: "Rollback continues.".into(),
                next_update: None,
            },
            i if i % 997 == 0 => EventKind::CanReport {
                conditions: "Error rate 4% and falling".into(),
                actions: "Draining the bad pool".into(),
                needs: "Nothing".into(),
                role: Some("tech".into()),
            },
            i if i % 1499 == 0 => EventKind::RoleAssigned {
                role: ["commander", "comms", "tech", "scribe"][i / 1499 % 4].into(),
                person: people[i / 7 % people.len()].into(),
            },
            i if i % 4999 == 0 => EventKind::StageChanged {
                stage: stages[i / 4999 % stages.len()].into(),
            },
            i if i % 9973 == 0 => EventKind::SeverityChanged {
                severity: ["P1", "P2"][i / 9973 % 2].into(),
            },
            i if i % 211 == 0 => EventKind::Amended {
                target: events_id(i - 1),
                text: "corrected: the pool limit was 500, not 50".into(),
            },
            i if i % 307 == 0 => EventKind::Pinned {
                target: events_id(i - 2),
            },
            i if i % 5003 == 0 => EventKind::Redacted {
                target: events_id(i - 3),
                reason: "secret".into(),
            },
            i => EventKind::Note {
                note: NoteKind::ALL[i % NoteKind::ALL.len()],
                text: format!(
                    "Entry {i}: checked the connection pool on db-{}; saturation at {}% with {} waiting clients, see https://grafana.example.com/d/payments?from={i}",
                    i % 7,
                    i % 100,
                    i % 37
                ),
            },
        };
        let replica = replicas[i % 2];
        events.push(Event {
            v: 1,
            id: events_id(i),
            incident,
            replica,
            seq: i as u64 / 2 + 1,
            hlc: Hlc {
                ms: at.timestamp_millis(),
                c: 0,
            },
            at,
            author: people[i % people.len()].into(),
            body: Body::Known(kind),
            seal: Default::default(),
        });
    }
    (incident, events)
}

fn events_id(i: usize) -> EventId {
    EventId::from_parts(1_700_000_000_000 + i as u64, i as u128 + 1)
}

/// `fireground print ARGS` on the database at `db`: its context and
/// arguments, to print with `fireground::cli::print_into`.
pub fn printing(db: &Path, args: &[&str]) -> (Context, PrintArgs) {
    let mut line = vec!["fireground", "--db", db.to_str().unwrap(), "print"];
    line.extend(args);
    let mut cli = Cli::parse_from(line);
    let Some(CliCommand::Print(args)) = cli.command.take() else {
        unreachable!("a print command")
    };
    (
        Context::open_for_reading(&cli.options(&fireground::config::Config::empty())).unwrap(),
        args,
    )
}

/// `incidents` incidents of `count` events each, every one like
/// [`incident_events`] but with ids and a replica of its own: a database
/// holding a long history.
pub fn many_incidents(incidents: usize, count: usize) -> Vec<Event> {
    let (_, template) = unsigned_incident_events(count);
    let mut events = Vec::with_capacity(incidents * count);
    for k in 0..incidents as u128 {
        let incident = IncidentId::from_parts(1_700_000_000_000, 1_000 + k);
        let replica = ReplicaId::from_parts(2, k + 1);
        for (i, e) in template.iter().enumerate() {
            let mut e = e.clone();
            e.incident = incident;
            e.replica = replica;
            e.id = EventId::from_parts(e.at.timestamp_millis() as u64, (k << 32) | i as u128);
            events.push(e);
        }
    }
    sealed(events)
}

/// Sync options for a sandbox: working copies under `dir`, and git kept
/// off the user's and the system's configuration.
pub fn git_options(dir: &Path) -> SyncOptions {
    let env: Vec<(OsString, OsString)> = vec![
        ("HOME".into(), dir.into()),
        ("XDG_CONFIG_HOME".into(), dir.into()),
        ("GIT_CONFIG_GLOBAL".into(), "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
    ];
    SyncOptions {
        data_dir: dir.join("data"),
        git_env: env,
    }
}

/// Runs git in `dir` as someone with a name, off the user's configuration;
/// a failure stops the program with git's words.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=bench", "-c", "user.email=bench@localhost"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A new, empty bare repository at `path`, as a sync target.
pub fn bare_repo(path: &Path) -> Target {
    std::fs::create_dir_all(path).unwrap();
    git(path, &["init", "-q", "--bare", "-b", "main"]);
    Target::Git(path.to_string_lossy().into_owned())
}
