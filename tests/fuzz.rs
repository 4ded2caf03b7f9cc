//! Fuzzing with property tests (cargo-fuzz needs a nightly toolchain): the
//! parsers that read what other people wrote or typed get arbitrary bytes
//! and near-valid input (real events, the default playbook, time strings,
//! mutated). None may panic; what they accept must be sane, and what they
//! say must be safe to print.
//!
//! A few seconds by default. A long run, in release:
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`

mod common;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use common::config;
use fireground::domain::event::{Event, EventKind, NoteKind};
use fireground::domain::ids::IncidentId;
use fireground::domain::input::parse_due;
use fireground::domain::playbook::Playbook;
use fireground::domain::text::is_printable;
use fireground::domain::when::{
    parse_duration, parse_past_time, parse_time, parse_time_or_duration,
};
use fireground::store::Store;
use fireground::sync::{Target, sync};
use proptest::prelude::*;
use serde_json::Value;

fn printable(what: &str, s: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        s.chars().all(is_printable),
        "{what} is not safe to print: {s:?}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Mutations shared by the near-valid strategies.

/// One change to a byte string, positions taken modulo its length.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1..64usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), interesting_bytes()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1..64usize).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Bytes that tend to matter to parsers: structure, escapes, digits,
/// control characters and broken UTF-8, or anything at all.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\u0000".to_vec()),
        Just(b"\\ud800".to_vec()),
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b":".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"=".to_vec()),
        Just(b"[[".to_vec()),
        Just(b"99999999999999999999".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"1e999".to_vec()),
        Just(b"null".to_vec()),
        Just("\u{1b}[2J\u{9b}\u{202e}".as_bytes().to_vec()),
        Just(vec![0xff, 0xc3]),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop::collection::vec(token, 1..4).prop_map(|parts| parts.concat())
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Flip(i, b) if len > 0 => bytes[i % len] = *b,
            Mutation::Flip(..) => {}
            Mutation::Delete(i, n) => {
                let start = at(*i);
                let end = (start + n).min(len);
                bytes.drain(start..end);
            }
            Mutation::Insert(i, b) => {
                let start = at(*i);
                bytes.splice(start..start, b.iter().copied());
            }
            Mutation::Duplicate(i, n) => {
                let start = at(*i);
                let end = (start + n).min(len);
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Truncate(i) => bytes.truncate(at(*i)),
        }
    }
    bytes
}

/// As [`apply`], for text: the result as UTF-8, lossily.
fn apply_text(text: &str, mutations: &[Mutation]) -> String {
    String::from_utf8_lossy(&apply(text.as_bytes().to_vec(), mutations)).into_owned()
}

/// Any JSON value, shallow: strings hold any character.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[0-9A-HJKMNP-TV-Z]{26}".prop_map(Value::String),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

// ---------------------------------------------------------------------------
// The JSON Lines reader, through a real sync of a shared file.

/// One event of each kind, as the lines a replica would write.
fn seed_lines() -> Vec<String> {
    let mut store = Store::open_in_memory().unwrap();
    let inc = IncidentId::generate();
    let text = |s: &str| s.to_string();
    let declared = store
        .append(
            inc,
            None,
            "ana",
            EventKind::Declared {
                title: text("Checkout failing"),
                severity: text("P1"),
                summary: text("502s"),
                playbook: text("default"),
                commander: text("ana"),
                stage: text("detect"),
            },
        )
        .unwrap();
    let target = declared.id;
    let kinds = vec![
        EventKind::Note {
            note: NoteKind::Finding,
            text: text("deploy at 13:58"),
        },
        EventKind::RoleAssigned {
            role: text("comms"),
            person: text("bo"),
        },
        EventKind::RoleReleased {
            role: text("comms"),
        },
        EventKind::SeverityChanged {
            severity: text("P2"),
        },
        EventKind::StageChanged {
            stage: text("mitigate"),
        },
        EventKind::CanReport {
            conditions: text("c"),
            actions: text("a"),
            needs: text("n"),
            role: Some(text("tech")),
        },
        EventKind::UpdateSent {
            status: text("s"),
            impact: text("i"),
            action: text("a"),
            next_update: Some(Utc::now()),
        },
        EventKind::LinkAdded {
            label: text("call"),
            url: text("https://meet.example/x"),
        },
        EventKind::ActionItemAdded {
            text: text("add an alert"),
            owner: Some(text("bo")),
            due: NaiveDate::from_ymd_opt(2026, 12, 1),
        },
        EventKind::ActionItemDone { item: target },
        EventKind::ChecklistTicked {
            stage: text("detect"),
            item: text("Name the incident commander"),
        },
        EventKind::Amended {
            target,
            text: text("amended"),
        },
        EventKind::Pinned { target },
        EventKind::Redacted {
            target,
            reason: text("secret"),
        },
        EventKind::Resolved {
            summary: text("ok"),
        },
        EventKind::Reopened {
            reason: text("again"),
        },
    ];
    for kind in kinds {
        store.append(inc, None, "ana", kind).unwrap();
    }
    store
        .events(inc)
        .unwrap()
        .iter()
        .map(Event::to_json)
        .collect()
}

/// A seed line with one field replaced, removed or added.
#[derive(Clone, Debug)]
enum FieldChange {
    Replace(usize, Value),
    Remove(usize),
    Add(String, Value),
}

fn field_change() -> impl Strategy<Value = FieldChange> {
    prop_oneof![
        (any::<usize>(), json_value()).prop_map(|(i, v)| FieldChange::Replace(i, v)),
        any::<usize>().prop_map(FieldChange::Remove),
        ("[a-z_]{1,12}", json_value()).prop_map(|(k, v)| FieldChange::Add(k, v)),
    ]
}

fn change_fields(line: &str, changes: &[FieldChange]) -> String {
    let mut map = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => map,
        _ => return line.to_string(),
    };
    for change in changes {
        let keys: Vec<String> = map.keys().cloned().collect();
        let key = |i: &usize| keys.get(i % keys.len().max(1)).cloned();
        match change {
            FieldChange::Replace(i, v) => {
                if let Some(k) = key(i) {
                    map.insert(k, v.clone());
                }
            }
            FieldChange::Remove(i) => {
                if let Some(k) = key(i) {
                    map.remove(&k);
                }
            }
            FieldChange::Add(k, v) => {
                map.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(map).to_string()
}

/// A shared file: seed lines, some with fields changed, some mutated as
/// bytes, some left whole; optionally without its last newline.
fn near_valid_file() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seed_lines();
    let n = seeds.len();
    let line = (
        0..n,
        prop::collection::vec(field_change(), 0..3),
        prop::collection::vec(mutation(), 0..3),
    )
        .prop_map(move |(i, changes, mutations)| {
            apply(change_fields(&seeds[i], &changes).into_bytes(), &mutations)
        });
    (prop::collection::vec(line, 0..24), any::<bool>()).prop_map(|(lines, newline)| {
        let mut file = lines.join(&b'\n');
        if newline {
            file.push(b'\n');
        }
        file
    })
}

/// Syncs an empty database with a shared file holding `bytes`: no panic,
/// warnings and errors safe to print, the incidents fold, and a second
/// sync takes nothing more in.
fn read_shared_file(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.jsonl");
    std::fs::write(&path, bytes).unwrap();
    let target = Target::File(path);
    let mut store = Store::open_in_memory().unwrap();
    match sync(&mut store, &target) {
        Ok(report) => {
            for w in &report.warnings {
                printable("a warning", &w.to_string())?;
            }
            printable("the report", &report.to_string())?;
            let incidents = store.incidents().unwrap();
            prop_assert!(incidents.len() <= report.pulled);
            let again = sync(&mut store, &target).unwrap();
            prop_assert_eq!(again.pulled, 0, "a second sync took more in");
        }
        Err(e) => printable("the error", &e.to_string())?,
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn a_shared_file_of_arbitrary_bytes_never_panics_the_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        read_shared_file(&bytes)?;
    }

    #[test]
    fn a_shared_file_of_mutated_events_never_panics_the_reader(file in near_valid_file()) {
        read_shared_file(&file)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// What decodes re-encodes to the same event: a replica that passes
    /// an event on does not change it.
    #[test]
    fn an_event_line_that_decodes_round_trips(
        i in any::<usize>(),
        changes in prop::collection::vec(field_change(), 0..3),
        mutations in prop::collection::vec(mutation(), 0..2),
    ) {
        let seeds = seed_lines_cached();
        let line = apply_text(&change_fields(&seeds[i % seeds.len()], &changes), &mutations);
        if let Ok(e) = Event::from_json(&line) {
            let again = Event::from_json(&e.to_json()).expect("its own line decodes");
            prop_assert_eq!(again, e);
        }
    }
}

fn seed_lines_cached() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seed_lines)
}

// ---------------------------------------------------------------------------
// The playbook parser.

const DEFAULT_PLAYBOOK: &str = include_str!("../playbooks/default.toml");

/// Every piece of text a playbook shows.
fn texts(p: &Playbook) -> Vec<&str> {
    let mut all = vec![p.name.as_str(), p.description.as_str()];
    for s in &p.severities {
        all.extend([s.id.as_str(), s.name.as_str(), s.description.as_str()]);
    }
    for r in &p.roles {
        all.extend([r.id.as_str(), r.name.as_str(), r.description.as_str()]);
    }
    for s in &p.stages {
        all.extend([s.id.as_str(), s.name.as_str(), s.description.as_str()]);
        all.extend(s.checklist.iter().map(String::as_str));
    }
    let t = &p.update_template;
    all.extend([t.status.as_str(), t.impact.as_str(), t.action.as_str()]);
    all
}

/// Parses: a playbook that loads shows only printable text; a refusal
/// points inside the text and is safe to print.
fn check_playbook(text: &str) -> Result<(), TestCaseError> {
    match Playbook::parse(text) {
        Ok(p) => {
            for t in texts(&p) {
                printable("playbook text", t)?;
            }
            prop_assert!(!p.severities.is_empty() && !p.stages.is_empty());
        }
        Err(e) => {
            printable("the error", &e.to_string())?;
            prop_assert!(
                e.line >= 1 && e.line <= text.matches('\n').count() + 1,
                "{e}"
            );
            prop_assert!(e.column >= 1, "{e}");
        }
    }
    Ok(())
}

/// `s` as a TOML basic string, every character escaped: the file stays
/// plain text whatever the value holds.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        out.push_str(&format!("\\U{:08X}", u32::from(c)));
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_text_never_panics_the_playbook_parser(text in any::<String>()) {
        check_playbook(&text)?;
    }

    #[test]
    fn a_mutated_default_playbook_never_panics_the_parser(
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        check_playbook(&apply_text(DEFAULT_PLAYBOOK, &mutations))?;
    }

    /// Any value in any string of the playbook: loaded only if printable.
    #[test]
    fn any_value_in_a_playbook_string_is_loaded_only_if_printable(
        which in any::<usize>(),
        value in any::<String>(),
    ) {
        let quoted: Vec<(usize, usize)> = quoted_values(DEFAULT_PLAYBOOK);
        let (start, end) = quoted[which % quoted.len()];
        let text = format!(
            "{}{}{}",
            &DEFAULT_PLAYBOOK[..start],
            toml_string(&value),
            &DEFAULT_PLAYBOOK[end..]
        );
        check_playbook(&text)?;
        if !value.chars().all(is_printable) {
            prop_assert!(Playbook::parse(&text).is_err(), "{value:?} was let in");
        }
    }
}

/// The byte ranges of the `"…"` strings in a TOML text with no escapes in
/// its strings (as the default playbook has), quotes included.
fn quoted_values(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        if c == '"' {
            match open.take() {
                Some(start) => out.push((start, i + 1)),
                None => open = Some(i),
            }
        } else if c == '\n' {
            open = None;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The time and date parsers.

/// A moment a system clock could say: any time in years 1 to 9999 (the
/// parsers' input, not `now`, is what comes from people), mostly near
/// today.
fn moment() -> impl Strategy<Value = DateTime<Utc>> {
    let year_1 = -62_135_596_800i64;
    let year_9999 = 253_402_300_799i64;
    prop_oneof![
        (year_1..=year_9999).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
        (1_700_000_000i64..1_900_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
    ]
}

fn zone() -> impl Strategy<Value = FixedOffset> {
    (-86_399i32..=86_399).prop_map(|s| FixedOffset::east_opt(s).unwrap())
}

/// What people type, and near misses.
fn time_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..100).prop_map(|n| n.to_string()),
        "[0-9]{1,40}",
    ];
    let unit = prop_oneof![
        Just("s"),
        Just("m"),
        Just("h"),
        Just("d"),
        Just("w"),
        Just("")
    ];
    let relative = (
        prop_oneof![Just(""), Just("-"), Just("+"), Just("--")],
        prop::collection::vec((number.clone(), unit), 1..4),
    )
        .prop_map(|(sign, parts)| {
            let body: String = parts.into_iter().map(|(n, u)| format!("{n}{u}")).collect();
            format!("{sign}{body}")
        });
    let clock =
        (number.clone(), number.clone(), prop::option::of(number)).prop_map(|(h, m, s)| match s {
            Some(s) => format!("{h}:{m}:{s}"),
            None => format!("{h}:{m}"),
        });
    let rfc3339 = "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{0,12})?(Z|z|[+-][0-9]{1,2}:[0-9]{1,2})?";
    let typed = prop_oneof![
        relative,
        clock,
        rfc3339.prop_map(String::from),
        any::<String>()
    ];
    (typed, prop::collection::vec(mutation(), 0..2)).prop_map(|(t, m)| apply_text(&t, &m))
}

fn check_times<Tz: TimeZone>(input: &str, now: &DateTime<Tz>) -> Result<(), TestCaseError> {
    for parsed in [
        parse_time(input, now),
        parse_past_time(input, now),
        parse_time_or_duration(input, now),
    ] {
        if let Err(e) = parsed {
            prop_assert!(!e.is_empty());
        }
    }
    if let Err(e) = parse_duration(input) {
        prop_assert!(!e.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn typed_times_never_panic_at_any_moment_in_any_zone(
        input in time_text(),
        now in moment(),
        zone in zone(),
    ) {
        check_times(&input, &now)?;
        check_times(&input, &now.with_timezone(&zone))?;
    }

    #[test]
    fn a_duration_reads_as_written_or_is_refused(
        n in prop_oneof![0..=i64::MAX, 0i64..100_000],
        unit in 0usize..4,
    ) {
        let (suffix, expected) = [
            ("s", Duration::try_seconds(n)),
            ("m", Duration::try_minutes(n)),
            ("h", Duration::try_hours(n)),
            ("d", Duration::try_days(n)),
        ][unit];
        match parse_duration(&format!("{n}{suffix}")) {
            Ok(d) => prop_assert_eq!(Some(d), expected),
            Err(_) => prop_assert!(expected.is_none(), "{n}{suffix} was refused"),
        }
    }

    #[test]
    fn typed_due_dates_never_panic_on_any_day(
        input in prop_oneof![
            (any::<i64>()).prop_map(|n| format!("+{n}d")),
            time_text(),
            "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}",
        ],
        day in (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce()),
    ) {
        let today = NaiveDate::from_num_days_from_ce_opt(day).unwrap();
        if let Err(e) = parse_due(&input, today) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn the_seeds_are_valid_events() {
    let seeds = seed_lines();
    assert_eq!(seeds.len(), 17, "one of each kind");
    for line in &seeds {
        Event::from_json(line).unwrap();
    }
    assert!(quoted_values(DEFAULT_PLAYBOOK).len() > 50);
}
