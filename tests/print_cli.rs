//! `fireground print` on a realistic incident recorded with backfilled
//! times, out of order and across midnight: what a reviewer relies on
//! (order, dates, durations, lateness, role spans) in every format, and
//! untrusted text escaped for each.

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

struct Log {
    dir: TempDir,
    /// The incident's ref once declared: corrections and prints after the
    /// resolution name it, as a reviewer would.
    incident: std::cell::RefCell<Option<String>>,
}

impl Log {
    fn new() -> Log {
        Log {
            dir: tempfile::tempdir().unwrap(),
            incident: std::cell::RefCell::new(None),
        }
    }

    fn cmd(&self, who: &str, tz: &str) -> Command {
        let mut c = Command::cargo_bin("fireground").unwrap();
        c.env_clear()
            .env("FIREGROUND_DB", self.dir.path().join("fg.db"))
            .env("FIREGROUND_USER", who)
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path())
            .env("TZ", tz);
        if let Some(r) = self.incident.borrow().as_deref() {
            c.env("FIREGROUND_INCIDENT", r);
        }
        c
    }

    /// Runs a command that must fail; its exit code and what it said.
    fn refused(&self, args: &[&str]) -> (Option<i32>, String) {
        let out = self.cmd("ana", "UTC").args(args).output().unwrap();
        assert!(out.stdout.is_empty(), "nothing printed on failure");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Records as `who`; fails the test if fireground refuses.
    fn run(&self, who: &str, args: &[&str]) -> String {
        let out = self.cmd(who, "UTC").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn print(&self, args: &[&str]) -> String {
        let mut all = vec!["print"];
        all.extend_from_slice(args);
        self.run("ana", &all)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.print(&all)).unwrap()
    }

    /// The short ref of the timeline entry whose text contains `needle`.
    fn entry_ref(&self, needle: &str) -> String {
        let doc = self.json(&[]);
        let id = doc["incident"]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["text"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no entry with {needle}"))["id"]
            .as_str()
            .unwrap()
            .to_string();
        id[10..16].to_ascii_lowercase()
    }
}

const HOSTILE: &str =
    "<script>alert(1)</script> | *bold* [x](javascript:alert(2)) \u{1b}[31mred\u{1b}[0m\n# heading";

/// A P2 declared at 23:40 on Monday, raised to P1 at 23:43, mitigated after
/// midnight and resolved at 01:05 on Tuesday. Several entries are
/// backfilled after later ones were recorded.
fn incident() -> Log {
    let log = Log::new();
    let reference = log.run(
        "maria",
        &[
            "declare",
            "Checkout failing for card payments",
            "--severity",
            "P2",
            "--summary",
            "Card payments fail at checkout.",
            "--at",
            "2026-11-09T23:40:00Z",
        ],
    );
    *log.incident.borrow_mut() = Some(reference.trim().to_string());
    log.run(
        "maria",
        &[
            "log",
            "-k",
            "finding",
            "Deploy v2.31 went out at 23:35",
            "--at",
            "2026-11-09T23:45:00Z",
        ],
    );
    // Backfilled: recorded after the 23:45 finding, happened before it.
    log.run(
        "maria",
        &["assign", "comms", "sam", "--at", "2026-11-09T23:44:00Z"],
    );
    log.run("maria", &["severity", "P1", "--at", "2026-11-09T23:43:00Z"]);
    log.run(
        "maria",
        &["assign", "tech", "devi", "--at", "2026-11-09T23:47:00Z"],
    );
    log.run(
        "sam",
        &[
            "update",
            "--status",
            "Investigating card failures",
            "--impact",
            "1 in 20 card payments fail",
            "--action",
            "Engineers on the call",
            "--at",
            "2026-11-09T23:50:00Z",
        ],
    );
    // After midnight, recorded in a jumble.
    log.run(
        "sam",
        &[
            "update",
            "--status",
            "Rolling back",
            "--impact",
            "Still failing | 5%",
            "--action",
            "Rollback",
            "--at",
            "2026-11-10T00:24:00Z",
        ],
    );
    log.run(
        "maria",
        &["assign", "commander", "dee", "--at", "2026-11-10T00:10:00Z"],
    );
    log.run(
        "devi",
        &[
            "can",
            "--conditions",
            "5% time out",
            "--actions",
            "Comparing pool settings",
            "--needs",
            "DBA",
            "--at",
            "2026-11-10T00:15:00Z",
        ],
    );
    log.run("devi", &["stage", "verify", "--at", "2026-11-10T00:05:00Z"]);
    log.run(
        "devi",
        &["stage", "mitigate", "--at", "2026-11-10T00:30:00Z"],
    );
    log.run(
        "dee",
        &[
            "log",
            "-k",
            "decision",
            "Roll back to v2.30",
            "--at",
            "2026-11-10T00:28:00Z",
        ],
    );
    log.run("omar", &["log", HOSTILE, "--at", "2026-11-10T00:40:00Z"]);
    log.run("devi", &["stage", "repair", "--at", "2026-11-10T00:50:00Z"]);
    log.run(
        "omar",
        &[
            "log",
            "-k",
            "command",
            "psql password=hunter2",
            "--allow-secret",
            "--at",
            "2026-11-10T00:41:00Z",
        ],
    );
    log.run(
        "sam",
        &[
            "update",
            "--status",
            "Recovering",
            "--impact",
            "Errors back to normal",
            "--action",
            "Watching",
            "--at",
            "2026-11-10T00:50:00Z",
        ],
    );
    log.run(
        "dee",
        &[
            "action",
            "add",
            "Alert on pool saturation",
            "--owner",
            "omar",
            "--due",
            "2026-12-01",
            "--at",
            "2026-11-10T01:00:00Z",
        ],
    );
    log.run(
        "dee",
        &[
            "resolve",
            "--summary",
            "Rolled back to v2.30",
            "--at",
            "2026-11-10T01:05:00Z",
        ],
    );
    // Corrections, recorded last.
    let decision = log.entry_ref("Roll back to v2.30");
    log.run("dee", &["pin", &decision]);
    let finding = log.entry_ref("Deploy v2.31");
    log.run(
        "dee",
        &[
            "amend",
            &finding,
            "Deploy v2.31 of payments-api went out at 23:35",
        ],
    );
    let can = log.entry_ref("CAN — Conditions: 5% time out");
    log.run(
        "devi",
        &["amend", &can, "Conditions: 5% of card payments time out"],
    );
    let secret = log.entry_ref("hunter2");
    log.run("dee", &["redact", &secret, "--reason", "a password"]);
    log
}

#[test]
fn text_is_in_the_order_things_happened_with_a_date_line_at_midnight() {
    let log = incident();
    let text = log.print(&["--utc"]);
    for line in text.lines() {
        assert!(
            unicode_columns(line) <= 80,
            "wider than 80 columns: {line:?}"
        );
    }
    assert!(!text.contains('\u{1b}'), "no terminal escapes: {text}");
    assert!(!text.contains("hunter2"), "redacted text stays hidden");
    assert!(text.contains("Times in   UTC"), "{text}");
    assert!(
        text.contains("Severity   P2 from 2026-11-09 23:40, P1 from 2026-11-09 23:43"),
        "{text}"
    );
    assert!(
        text.contains("Resolved   2026-11-10 01:05 UTC, after 1h 25m"),
        "{text}"
    );
    assert!(
        text.contains("Updates    3 updates, 1 late by 4 min"),
        "{text}"
    );
    let pos = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing from\n{text}"))
    };
    let order = [
        "── Monday 2026-11-09 ──",
        " 23:40 maria",
        " 23:43 maria        severity",
        " 23:44 maria        role        sam takes Communications lead",
        " 23:45 maria        finding     Deploy v2.31 of payments-api went out at 23:35",
        " 23:50 sam          update",
        "── Tuesday 2026-11-10 ──",
        " 00:05 devi         stage",
        " 00:10 maria        role        Incident commander: maria hands over to dee",
        "*00:28 dee          decision    Roll back to v2.30",
        " 00:30 devi         stage",
        " 00:41 omar         command     [redacted]",
        " 01:05 dee          resolved",
    ];
    for pair in order.windows(2) {
        assert!(
            pos(pair[0]) < pos(pair[1]),
            "{:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(text.matches("── ").count(), 2, "one date line per day");
    assert!(text.contains("(amended)"));
}

#[test]
fn long_notes_wrap_under_their_own_indent_and_a_long_url_stays_whole() {
    let log = incident();
    let url =
        format!("https://example.com/dashboards/{}", "checkout-".repeat(8)) + "card-payments/p99";
    assert_eq!(url.len(), 120);
    let long = "word ".repeat(40) + &url + " then more words";
    log.run("lee", &["log", &long, "--at", "2026-11-10T00:55:00Z"]);
    let text = log.print(&["--utc"]);
    let start = text
        .lines()
        .position(|l| l.starts_with(" 00:55 lee"))
        .unwrap();
    let lines: Vec<&str> = text
        .lines()
        .skip(start)
        .take_while(|l| !l.starts_with(" 01:00"))
        .collect();
    assert!(lines.len() > 3, "{lines:?}");
    for l in &lines[1..] {
        assert!(
            l.starts_with(&" ".repeat(32)) && !l[32..].starts_with(' '),
            "{l:?}"
        );
    }
    // The URL is on a line of its own, whole, so it can be copied; every
    // other line fits the page.
    let on_its_own = format!("{}{url}", " ".repeat(32));
    assert!(lines.contains(&on_its_own.as_str()), "{lines:#?}");
    for l in lines.iter().filter(|l| !l.contains(&url)) {
        assert!(unicode_columns(l) <= 80, "{l:?}");
    }
    assert!(
        lines.last().unwrap().ends_with("then more words"),
        "{lines:#?}"
    );
}

/// A one-day incident with an update, a CAN report and two action items,
/// none of them amended.
fn records() -> Log {
    let log = Log::new();
    let reference = log.run(
        "devi",
        &[
            "declare",
            "Checkout down",
            "--severity",
            "P1",
            "--at",
            "2026-11-09T10:00:00Z",
        ],
    );
    *log.incident.borrow_mut() = Some(reference.trim().to_string());
    let steps: [&[&str]; 4] = [
        &[
            "update",
            "--status",
            "Investigating",
            "--impact",
            "1 in 20 card payments fail",
            "--action",
            "Engineers on the call",
            "--at",
            "2026-11-09T10:05:00Z",
        ],
        &[
            "can",
            "--conditions",
            "5% time out",
            "--actions",
            "Comparing pool settings",
            "--needs",
            "A DBA",
            "--at",
            "2026-11-09T10:10:00Z",
        ],
        &[
            "action",
            "add",
            "Alert on pool saturation",
            "--owner",
            "devi",
            "--due",
            "2026-12-04",
            "--at",
            "2026-11-09T10:20:00Z",
        ],
        &[
            "action",
            "add",
            "Write it up",
            "--at",
            "2026-11-09T10:21:00Z",
        ],
    ];
    for args in steps {
        log.run("devi", args);
    }
    log
}

/// The lines of the text print from the entry at `time` to the next one.
fn entry_lines(text: &str, time: &str) -> Vec<String> {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with(&format!(" {time} ")));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no entry at {time} in\n{text}"));
    std::iter::once(first)
        .chain(lines.take_while(|l| l.starts_with(&" ".repeat(32))))
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn text_shows_an_updates_impact_action_and_next_update_under_it() {
    let text = records().print(&["--utc"]);
    let under = " ".repeat(32);
    assert_eq!(
        entry_lines(&text, "10:05"),
        [
            " 10:05 devi         update      Update sent — Investigating".to_string(),
            format!("{under}Impact:      1 in 20 card payments fail"),
            format!("{under}Action:      Engineers on the call"),
            format!("{under}Next update: 10:35"),
        ],
        "{text}"
    );
}

#[test]
fn text_shows_a_can_report_as_three_labelled_lines() {
    let text = records().print(&["--utc"]);
    let under = " ".repeat(32);
    assert_eq!(
        entry_lines(&text, "10:10"),
        [
            " 10:10 devi         can         CAN report as Incident commander".to_string(),
            format!("{under}Conditions: 5% time out"),
            format!("{under}Actions:    Comparing pool settings"),
            format!("{under}Needs:      A DBA"),
        ],
        "{text}"
    );
    assert!(!text.contains(" | "), "{text}");
}

#[test]
fn text_shows_an_action_items_owner_and_due_date() {
    let text = records().print(&["--utc"]);
    let under = " ".repeat(32);
    let item = entry_lines(&text, "10:20");
    assert!(item[0].ends_with("Alert on pool saturation"), "{text}");
    assert_eq!(item[1..], [format!("{under}owner devi, due 2026-12-04")]);
    assert_eq!(
        entry_lines(&text, "10:21")[1..],
        [format!("{under}no owner, no due date")]
    );
}

#[test]
fn local_time_moves_the_date_lines_and_says_so() {
    let log = incident();
    // Two hours east of UTC, the whole incident happens on Tuesday.
    let out = log.cmd("ana", "EET-2").args(["print"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Times in   local time (UTC+02:00)"), "{text}");
    assert!(text.contains("── Tuesday 2026-11-10 ──"), "{text}");
    assert!(!text.contains("Monday"), "{text}");
    assert!(text.contains(" 01:40 maria        declared"), "{text}");
}

#[test]
fn markdown_draft_has_key_times_roles_and_punctuality() {
    let log = incident();
    let md = log.print(&["--format", "markdown", "--utc"]);
    for row in [
        "| Declared | 2026-11-09 23:40 | 0s |  |",
        "| First update | 2026-11-09 23:50 | 10m | 10m |",
        "| Mitigated | 2026-11-10 00:50 | 1h 10m | 1h 00m |",
        "| Resolved | 2026-11-10 01:05 | 1h 25m | 15m |",
        "| Incident commander | maria | 2026-11-09 23:40 | 2026-11-10 00:10 | 30m |",
        "| Incident commander | dee | 2026-11-10 00:10 | resolution | 55m |",
        "| Communications lead | sam | 2026-11-09 23:44 | resolution | 1h 21m |",
        "3 updates, 1 late by 4 min",
        "| 2026-11-10 00:24 | sam | P1 | 2026-11-10 00:20 | late by 4 min | Rolling back | Still failing \\| 5% | Rollback |",
        "| 2026-11-10 00:15 | devi (Technical lead) | Conditions: 5% of card payments time out (amended) |  |  |",
        "| Alert on pool saturation | omar | 2026-12-01 | open |",
        "### Monday 2026-11-09",
        "### Tuesday 2026-11-10",
        "| 00:28 | dee | decision | ★ Roll back to v2.30 |",
        "Deploy v2.31 of payments-api went out at 23:35 (amended)",
        "| 00:41 | omar | command | \\[redacted\\] |",
        "## Root cause",
        "## Contributing factors",
    ] {
        assert!(md.contains(row), "missing {row:?} in\n{md}");
    }
    assert!(!md.contains("hunter2"));
    assert!(md.find("### Monday").unwrap() < md.find("### Tuesday").unwrap());
}

#[test]
fn the_postmortem_says_who_carried_it_by_name_not_by_time() {
    let log = incident();
    let md = log.print(&["--format", "markdown", "--utc"]);
    let section = &md[md.find("## Who carried it").expect("the section")..];
    let section = &section[..section.find("## Timeline").unwrap()];
    let people: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Person") && !l.starts_with("| ---"))
        .map(|l| l[2..].split(" |").next().unwrap())
        .collect();
    let mut sorted = people.clone();
    sorted.sort_by_key(|p| p.to_lowercase());
    assert_eq!(people, sorted, "alphabetical:\n{section}");
    assert!(
        people.contains(&"omar"),
        "a person who only wrote counts too: {people:?}"
    );
    assert!(
        section.contains("| maria | Incident commander | "),
        "{section}"
    );
    assert!(!section.to_lowercase().contains("most"), "{section}");
    let json = log.json(&[]);
    let names: Vec<&str> = json["review"]["carried"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"].as_str().unwrap())
        .collect();
    assert_eq!(names, people);
}

#[test]
fn markdown_escapes_untrusted_text_so_tables_hold() {
    let log = incident();
    let md = log.print(&["--format", "markdown", "--utc"]);
    assert!(!md.contains("<script"), "{md}");
    assert!(
        !md.replace("\\]", "").contains("]("),
        "no link survives: {md}"
    );
    assert!(!md.contains('\u{1b}'));
    let hostile = md.lines().find(|l| l.contains("alert(1)")).unwrap();
    assert!(
        hostile.contains("&lt;script&gt;") && hostile.contains("red<br># heading"),
        "{hostile}"
    );
    // Every row of a table has as many unescaped pipes as its header.
    let mut header_pipes = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header_pipes = None;
            continue;
        }
        let pipes = unescaped_pipes(line);
        match header_pipes {
            None => header_pipes = Some(pipes),
            Some(n) => assert_eq!(pipes, n, "broken table row: {line}"),
        }
    }
}

#[test]
fn html_parses_holds_the_content_and_no_script() {
    let log = incident();
    let html = log.print(&["--format", "html", "--utc"]);
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert!(
        doc.select(&sel("[onerror], [onclick], [onload]"))
            .next()
            .is_none()
    );
    // The only links are to web pages, with nothing but their address.
    for a in doc.select(&sel("a")) {
        let href = a.value().attr("href").unwrap_or_default();
        assert!(
            href.starts_with("https://") || href.starts_with("http://"),
            "{href}"
        );
        assert_eq!(a.value().attrs().count(), 1, "{:?}", a.value());
    }
    assert!(
        doc.select(&sel("style"))
            .next()
            .unwrap()
            .inner_html()
            .contains("break-inside: avoid")
    );
    let headings: Vec<String> = doc.select(&sel("h2")).map(|h| h.text().collect()).collect();
    for h in [
        "Summary and impact",
        "Key times",
        "Roles",
        "Timeline",
        "CAN reports",
        "Stakeholder updates",
        "Action items",
        "Root cause",
        "Contributing factors",
    ] {
        assert!(headings.iter().any(|x| x == h), "{h} in {headings:?}");
    }
    let cells: Vec<String> = doc
        .select(&sel("td"))
        .map(|td| td.text().collect())
        .collect();
    assert!(
        cells
            .iter()
            .any(|c| c.contains(HOSTILE.split('\u{1b}').next().unwrap())),
        "hostile text kept as text"
    );
    assert!(cells.iter().any(|c| c == "late by 4 min"));
    assert!(cells.iter().any(|c| c == "★ Roll back to v2.30"));
    let mitigated: Vec<String> = doc
        .select(&sel("tr"))
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .filter(|t| t.starts_with("Mitigated"))
        .collect();
    assert_eq!(mitigated, ["Mitigated|2026-11-10 00:50|1h 10m|1h 00m"]);
    assert!(!html.contains("hunter2"));
}

#[test]
fn json_has_state_review_and_redacted_events_in_order() {
    let log = incident();
    let raw = log.print(&["--format", "json"]);
    assert!(
        !raw.contains('\u{1b}'),
        "escapes in the raw events are JSON-escaped"
    );
    assert!(raw.contains("\\u001b[31m"), "and still there for tools");
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let timeline = doc["incident"]["timeline"].as_array().unwrap();
    let times: Vec<&str> = timeline.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "entries in the order they happened");
    assert_eq!(
        doc["review"]["tally"]["late_by_seconds"],
        serde_json::json!([240])
    );
    assert_eq!(doc["review"]["duration_seconds"], 85 * 60);
    let amended = timeline
        .iter()
        .find(|e| {
            e["text"]
                .as_str()
                .unwrap()
                .contains("payments-api went out")
        })
        .unwrap();
    assert_eq!(amended["amended"], true);
    let events = doc["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "redacted"));
    assert!(events.iter().any(|e| e["kind"] == "pinned"));
    let text = doc.to_string();
    assert!(!text.contains("hunter2"), "redacted in the raw events too");
}

#[test]
fn pinned_prints_the_short_story_and_filters_combine() {
    let log = incident();
    let text = log.print(&["--utc", "--pinned"]);
    let entries: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 6 && l.as_bytes()[3] == b':')
        .collect();
    assert_eq!(entries.len(), 1, "{text}");
    assert!(entries[0].contains("Roll back to v2.30"));
    assert!(text.contains("Showing    pinned entries only"));

    let window = log.print(&[
        "--utc",
        "--since",
        "2026-11-09T23:50:00Z",
        "--until",
        "2026-11-10T00:10:00Z",
        "--kind",
        "update,role",
    ]);
    assert!(window.contains(" 23:50 sam          update"), "{window}");
    assert!(window.contains(" 00:10 maria        role"), "{window}");
    assert!(
        !window.contains("00:05"),
        "stages are filtered out: {window}"
    );
    assert!(!window.contains("00:24"), "after --until: {window}");

    let json = log.json(&["--kind", "decision"]);
    assert_eq!(json["incident"]["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(json["events"].as_array().unwrap().len(), 1);
    assert_eq!(json["filter"]["kinds"], serde_json::json!(["decision"]));
}

#[test]
fn bad_filters_say_what_to_do_and_out_writes_a_file() {
    let log = incident();
    let (code, err) = log.refused(&["print", "--kind", "decisions"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no entry kind 'decisions'") && err.contains("decision"),
        "{err}"
    );
    let (code, err) = log.refused(&["print", "--since", "yesterday"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("RFC 3339"), "{err}");
    let (code, err) = log.refused(&["print", "--out", "/nonexistent-dir/x.md"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("could not write /nonexistent-dir/x.md"),
        "{err}"
    );

    let path = log.dir.path().join("review.md");
    let path_arg = path.to_str().unwrap();
    assert_eq!(log.print(&["-f", "markdown", "--out", path_arg]), "");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# Postmortem draft: Checkout failing")
    );
}

fn unicode_columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn unescaped_pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}
