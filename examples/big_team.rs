//! A big team on one git repository: every replica, a process of its own
//! as each responder's console is, writes an event once a second and syncs
//! after each (and at least once a second) against the same bare
//! repository for a short while; then goes on syncing once a second,
//! writing nothing, until it holds every event and has nothing left to
//! push.
//!
//! ```text
//! cargo run --release --example big_team -- [REPLICAS] [SECONDS]
//! ```
//!
//! 50 replicas for 30 seconds by default. Prints the pushes that were
//! refused because another replica pushed first and were tried again, the
//! syncs that gave up after every attempt was refused (which should be
//! none), how long syncs took, and the rounds it took to converge.

#[path = "../benches/support/mod.rs"]
mod support;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fireground::domain::event::{EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use fireground::sync::{SyncError, SyncOptions, Target, sync_with};

const PERIOD: Duration = Duration::from_secs(1);

/// Rounds of syncing after the writing stops before the run is called a
/// failure.
const MOST_ROUNDS: u32 = 60;

/// What one replica's syncs came to.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Tally {
    syncs: usize,
    pushed: usize,
    retried: usize,
    gave_up: usize,
    failed: Vec<String>,
    /// How long each sync took, in milliseconds.
    took: Vec<u64>,
    /// Rounds after writing until this replica held every event with
    /// nothing left to push.
    rounds: u32,
}

impl Tally {
    /// One sync; true when it worked and pushed nothing.
    fn sync(&mut self, store: &mut Store, target: &Target, options: &SyncOptions) -> bool {
        let start = Instant::now();
        let result = sync_with(store, target, options);
        self.took.push(start.elapsed().as_millis() as u64);
        self.syncs += 1;
        match result {
            Ok(report) => {
                self.retried += report.retried;
                self.pushed += usize::from(report.pushed > 0);
                report.pushed == 0
            }
            Err(SyncError::PushRejected { attempts, .. }) => {
                self.retried += attempts as usize - 1;
                self.gave_up += 1;
                false
            }
            Err(e) => {
                self.failed.push(e.to_string());
                false
            }
        }
    }

    fn add(&mut self, other: Tally) {
        self.syncs += other.syncs;
        self.pushed += other.pushed;
        self.retried += other.retried;
        self.gave_up += other.gave_up;
        self.failed.extend(other.failed);
        self.took.extend(other.took);
        self.rounds = self.rounds.max(other.rounds);
    }
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Sleeps until `start + n * PERIOD` (milliseconds since the epoch).
fn wait_turn(start: u64, n: u32) {
    let due = start + n as u64 * PERIOD.as_millis() as u64;
    std::thread::sleep(Duration::from_millis(due.saturating_sub(epoch_ms())));
}

/// One replica, as a responder's console runs it: one thread writes an
/// event once a second for `seconds`, starting at the replica's own moment
/// within the first second after `start`, and asks for a sync after each;
/// another syncs when asked (asks made while it syncs fold into one) or
/// after a second without one. Once the writing stops, it syncs once a
/// second until it holds `events` events and has nothing left to push.
fn replica(i: usize, repo: &str, dir: &Path, seconds: u32, start: u64, events: u64) -> Tally {
    let target = Target::Git(repo.to_string());
    let options = support::git_options(dir);
    let db = dir.join("fireground.db");
    std::fs::create_dir_all(dir).unwrap();
    let mut store = Store::open(&db).unwrap();
    // Every replica writes to the same incident.
    let incident = IncidentId::from_parts(start, 1);
    let start = start + RandomState::new().hash_one(i) % 1_000;
    let (ask, asked) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&db).unwrap();
        for n in 0..seconds {
            wait_turn(start, n);
            let kind = EventKind::Note {
                note: NoteKind::Note,
                text: format!("replica {i}, second {n}"),
            };
            store
                .append(incident, None, &format!("r{i}"), kind)
                .unwrap();
            let _ = ask.send(());
        }
    });
    let mut tally = Tally::default();
    loop {
        match asked.recv_timeout(PERIOD) {
            Ok(()) => while asked.try_recv().is_ok() {},
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        tally.sync(&mut store, &target, &options);
    }
    writer.join().unwrap();
    loop {
        tally.rounds += 1;
        let settled = tally.sync(&mut store, &target, &options);
        if settled && store.event_count().unwrap() == events {
            return tally;
        }
        if tally.rounds >= MOST_ROUNDS {
            tally.failed.push("never held every event".into());
            return tally;
        }
        std::thread::sleep(PERIOD);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("replica") {
        let [_, i, repo, dir, seconds, start, events] = &args[..] else {
            panic!("replica I REPO DIR SECONDS START EVENTS")
        };
        let tally = replica(
            i.parse().unwrap(),
            repo,
            Path::new(dir),
            seconds.parse().unwrap(),
            start.parse().unwrap(),
            events.parse().unwrap(),
        );
        println!("{}", serde_json::to_string(&tally).unwrap());
        return;
    }
    let replicas: usize = args.first().map_or(50, |a| a.parse().expect("REPLICAS"));
    let seconds: u32 = args.get(1).map_or(30, |a| a.parse().expect("SECONDS"));
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("incidents.git");
    support::bare_repo(&repo);
    let events = replicas as u64 * u64::from(seconds);

    // All start together, a moment from now.
    let start = epoch_ms() + 500;
    let began = Instant::now();
    let me = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..replicas)
        .map(|i| {
            let dir: PathBuf = root.path().join(format!("replica-{i}"));
            Command::new(&me)
                .arg("replica")
                .arg(i.to_string())
                .arg(&repo)
                .arg(&dir)
                .args([seconds.to_string(), start.to_string(), events.to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut all = Tally::default();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a replica failed");
        all.add(serde_json::from_slice(&out.stdout).unwrap());
    }
    let took = began.elapsed();

    all.took.sort();
    let pct = |p: usize| all.took[(all.took.len() - 1) * p / 100];
    println!(
        "{replicas} replicas, one event a second each for {seconds} s, a sync after each: \
         {events} events, every replica held them all after {:.1} s",
        took.as_secs_f64()
    );
    println!(
        "  {} syncs, {} pushed; pushes retried {}, syncs that gave up {}, other failures {}",
        all.syncs,
        all.pushed,
        all.retried,
        all.gave_up,
        all.failed.len()
    );
    println!(
        "  a sync took (ms): median {}, 95th percentile {}, longest {}",
        pct(50),
        pct(95),
        pct(100)
    );
    println!(
        "  rounds of syncing after the writing stopped until every replica held every event: {}",
        all.rounds
    );
    for f in all.failed.iter().take(5) {
        println!("  failure: {f}");
    }
}
