//! `fireground report`: metrics across the incidents of a database built
//! through the real binary, with `--at` backfills for exact times.

mod common;

use chrono::{DateTime, Duration, DurationRound, Utc};
use common::Sandbox;
use fireground::domain::event::EventKind;
use fireground::domain::ids::IncidentId;
use fireground::store::Store;
use serde_json::{Value, json};

/// A minute two days ago: the first incident's declaration.
fn base() -> DateTime<Utc> {
    (Utc::now() - Duration::days(2))
        .duration_trunc(Duration::minutes(1))
        .unwrap()
}

fn at(base: DateTime<Utc>, minutes: i64) -> String {
    (base + Duration::minutes(minutes)).to_rfc3339()
}

/// Declares, returning the ref.
fn declare(s: &Sandbox, title: &str, severity: &str, when: Option<String>) -> String {
    let mut args = vec!["declare", title, "-s", severity];
    if let Some(w) = &when {
        args.extend(["--at", w]);
    }
    s.ok(&args).lines().next().unwrap().trim().to_string()
}

fn on(s: &Sandbox, r: &str, args: &[&str], when: String) {
    let mut all = vec!["--incident", r];
    all.extend(args);
    all.extend(["--at", &when]);
    s.ok(&all);
}

fn update(s: &Sandbox, r: &str, when: String) {
    on(
        s,
        r,
        &["update", "--status", "s", "--impact", "i", "--action", "a"],
        when,
    );
}

struct Db {
    s: Sandbox,
    checkout: String,
    search: String,
    cache: String,
    login: String,
    old: String,
}

/// Five incidents:
/// - checkout (P1, declared --at base): updates at +10m (on time) and
///   +45m (due +40m: late), mitigate +20m, repair +65m, resolved +120m;
/// - cache (P3, --at base+2h): resolved 30 minutes later;
/// - search (P2, --at base+1d): update +20m (on time), resolved +30m,
///   reopened +40m, resolved again +90m;
/// - login (P1, declared live just now): nothing else;
/// - old (P2, 200 days ago, synced): resolved an hour later.
fn database() -> Db {
    let s = Sandbox::new();
    let b = base();
    let old = synced_old_incident(&s, b - Duration::days(200));
    let checkout = declare(&s, "Checkout failing", "P1", Some(at(b, 0)));
    update(&s, &checkout, at(b, 10));
    on(&s, &checkout, &["stage", "mitigate"], at(b, 20));
    update(&s, &checkout, at(b, 45));
    on(&s, &checkout, &["stage", "repair"], at(b, 65));
    on(&s, &checkout, &["resolve"], at(b, 120));

    let cache = declare(&s, "Cache stale", "P3", Some(at(b, 120)));
    on(&s, &cache, &["resolve"], at(b, 150));

    let d = 24 * 60;
    let search = declare(&s, "Search slow", "P2", Some(at(b, d)));
    update(&s, &search, at(b, d + 20));
    on(&s, &search, &["resolve"], at(b, d + 30));
    on(&s, &search, &["reopen", "--reason", "back"], at(b, d + 40));
    on(&s, &search, &["resolve"], at(b, d + 90));

    let login = declare(&s, "Login errors", "P1", None);

    Db {
        s,
        checkout,
        search,
        cache,
        login,
        old,
    }
}

/// `--at` goes back 30 days at most: an old incident, as a sync would
/// bring it, is written to the store directly, first (its clock is then
/// the earliest), by a replica that recorded the declaration 12 minutes
/// after the moment it gives, and the resolution an hour after that.
fn synced_old_incident(s: &Sandbox, o: DateTime<Utc>) -> String {
    let mut store = Store::open(&s.db()).unwrap();
    let id = IncidentId::generate();
    let declared = EventKind::Declared {
        title: "Old outage".into(),
        severity: "P2".into(),
        summary: String::new(),
        playbook: "default".into(),
        commander: "bo".into(),
        stage: "detect".into(),
    };
    store.set_clock(move || o + Duration::minutes(12));
    store.append(id, Some(o), "bo", declared).unwrap();
    let resolved = EventKind::Resolved {
        summary: String::new(),
    };
    store.set_clock(move || o + Duration::minutes(61));
    let later = o + Duration::minutes(60);
    store.append(id, Some(later), "bo", resolved).unwrap();
    id.short()
}

fn row<'a>(report: &'a Value, r: &str) -> &'a Value {
    report["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ref"] == r)
        .unwrap_or_else(|| panic!("{r} in the report"))
}

#[test]
fn json_gives_each_incident_and_the_totals_in_seconds() {
    let db = database();
    let report = db.s.json(&["report", "--format", "json"]);
    let refs: Vec<&str> = report["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"].as_str().unwrap())
        .collect();
    // Most recently declared first; the old one is outside 90 days.
    assert_eq!(refs, [&db.login, &db.search, &db.cache, &db.checkout]);

    let checkout = row(&report, &db.checkout);
    assert_eq!(checkout["time_to_first_update_seconds"], 600);
    assert_eq!(checkout["time_to_mitigate_seconds"], 65 * 60);
    assert_eq!(checkout["time_to_resolve_seconds"], 120 * 60);
    assert_eq!(checkout["adherence"], json!({"on_time": 1, "due": 2}));
    assert_eq!(checkout["reopened"], 0);
    assert_eq!(checkout["category"], Value::Null);
    // Backfilled two days: recorded moments ago, so a few seconds more.
    let declare = checkout["time_to_declare_seconds"].as_i64().unwrap();
    let two_days = Duration::days(2).num_seconds();
    assert!((two_days..two_days + 120).contains(&declare), "{declare}");

    let search = row(&report, &db.search);
    assert_eq!(search["time_to_first_update_seconds"], 1200);
    assert_eq!(search["time_to_mitigate_seconds"], 90 * 60, "when resolved");
    assert_eq!(search["time_to_resolve_seconds"], 90 * 60);
    assert_eq!(search["adherence"], json!({"on_time": 1, "due": 1}));
    assert_eq!(search["reopened"], 1);

    let cache = row(&report, &db.cache);
    assert_eq!(cache["time_to_resolve_seconds"], 30 * 60);
    assert_eq!(cache["adherence"], json!({"on_time": 0, "due": 0}));

    let login = row(&report, &db.login);
    for field in [
        "time_to_declare_seconds",
        "time_to_first_update_seconds",
        "time_to_mitigate_seconds",
        "time_to_resolve_seconds",
    ] {
        assert_eq!(login[field], Value::Null, "{field}: declared live, open");
    }

    let t = &report["totals"];
    assert_eq!(t["incidents"], 4);
    assert_eq!(
        (t["resolved"].clone(), t["open"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(t["reopened_incidents"], 1);
    assert_eq!(t["by_severity"], json!({"P1": 2, "P2": 1, "P3": 1}));
    assert_eq!(t["by_category"], json!({"uncategorised": 4}));
    assert_eq!(t["adherence"], json!({"on_time": 2, "due": 3}));
    // Resolve: 30m, 90m, 120m: nearest-rank median 90m, p90 120m.
    assert_eq!(
        t["time_to_resolve"],
        json!({"count": 3, "median_seconds": 5400, "p90_seconds": 7200})
    );
    // Mitigate: 65m, 30m (cache, when resolved), 90m.
    assert_eq!(t["time_to_mitigate"]["median_seconds"], 65 * 60);
    // Two first updates, one backfilled declaration: too few.
    assert_eq!(
        t["time_to_first_update"],
        json!({"count": 2, "median_seconds": null, "p90_seconds": null})
    );
    assert_eq!(t["time_to_declare"]["count"], 3);
}

#[test]
fn text_shows_a_row_per_incident_and_the_spreads() {
    let db = database();
    let out = db.s.ok(&["report"]);
    let line = out
        .lines()
        .find(|l| l.starts_with(&db.checkout))
        .expect("a row for checkout");
    let cells: Vec<&str> = line
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells[..2], [db.checkout.as_str(), "P1"], "{line}");
    assert_eq!(cells[2], "—", "no category: {line}");
    assert_eq!(cells[3], "Checkout failing");
    assert_eq!(
        cells[6..],
        ["10m", "1h 05m", "2h 00m", "1/2", "0"],
        "{line}"
    );
    assert!(cells[5].starts_with("2d"), "{line}");
    assert!(out.contains("By category:      uncategorised 4"), "{out}");
    let resolve = out
        .lines()
        .find(|l| l.starts_with("Time to resolve"))
        .unwrap();
    assert_eq!(
        resolve.split_whitespace().collect::<Vec<_>>(),
        ["Time", "to", "resolve", "1h", "30m", "2h", "00m", "3"]
    );
    assert!(!out.contains(&db.old), "older than 90 days");

    let md = db.s.ok(&["report", "--format", "markdown"]);
    assert!(
        md.contains(&format!("| {} | P2 | — | Search slow |", db.search)),
        "{md}"
    );
}

#[test]
fn since_filters_by_declaration_time() {
    let db = database();
    let recent = db.s.json(&["report", "--since", "36h", "-f", "json"]);
    let refs: Vec<&str> = recent["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, [&db.login, &db.search]);
    let all = db.s.json(&["report", "--since", "all", "-f", "json"]);
    assert_eq!(all["totals"]["incidents"], 5);
    assert_eq!(all["since"], Value::Null);
    let old = row(&all, &db.old);
    assert_eq!(old["time_to_resolve_seconds"], 3600);
    assert_eq!(
        old["time_to_declare_seconds"],
        12 * 60,
        "recorded 12 min late"
    );
}

#[test]
fn a_bad_since_is_one_sentence_and_exit_2() {
    let s = Sandbox::new();
    let err = s.fails(&["report", "--since", "lately"]);
    assert_eq!(
        err.trim(),
        "fireground: cannot read --since 'lately'; use a duration like 7d, 24h or 90d, or all"
    );
}

#[test]
fn an_empty_database_says_so_and_succeeds() {
    let s = Sandbox::new();
    let out = s.ok(&["report"]);
    assert!(out.starts_with("No incidents since "), "{out}");
    assert_eq!(out.lines().count(), 1);
    let report = s.json(&["report", "-f", "json"]);
    assert_eq!(report["incidents"], json!([]));
    assert_eq!(report["totals"]["incidents"], 0);
}

#[test]
fn titles_from_elsewhere_are_shown_on_one_line_without_controls() {
    let s = Sandbox::new();
    let r = declare(&s, "Disk\u{1b}[2J full", "P2", None);
    let out = s.ok(&["report"]);
    assert!(!out.contains('\u{1b}'));
    let line = out.lines().find(|l| l.starts_with(&r)).unwrap();
    assert!(line.contains("Disk full"), "{line}");
}
