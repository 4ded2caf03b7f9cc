//! The command line driven as a responder would, through a whole incident.

mod common;

use common::Sandbox;

#[test]
fn a_whole_incident_from_declaration_to_resolution() {
    let s = Sandbox::new();
    let r = s.ok(&[
        "declare",
        "Checkout failing",
        "--severity",
        "p2",
        "--at",
        "2026-11-23T14:00:00Z",
    ]);
    let r = r.trim().to_string();
    assert_eq!(r.len(), 6, "declare prints the short ref: {r}");

    s.ok(&[
        "assign",
        "Communications lead",
        "sam",
        "--at",
        "2026-11-23T14:03:00Z",
    ]);
    s.ok(&["assign", "tech", "devi", "--at", "2026-11-23T14:04:00Z"]);
    s.ok(&[
        "assign",
        "sme:database",
        "omar",
        "--at",
        "2026-11-23T14:05:00Z",
    ]);
    s.ok(&["severity", "Critical", "--at", "2026-11-23T14:06:00Z"]);
    s.ok(&["stage", "MITIGATE", "--at", "2026-11-23T14:10:00Z"]);
    s.ok(&[
        "log",
        "Rolling back payments-api",
        "--kind",
        "destructive",
        "--at",
        "2026-11-23T14:11:00Z",
    ]);
    s.as_user("devi")
        .args([
            "can",
            "--conditions",
            "5% errors",
            "--actions",
            "rollback",
            "--needs",
            "db eyes",
        ])
        .args(["--at", "2026-11-23T14:12:00Z"])
        .assert()
        .success();
    s.ok(&[
        "update",
        "--status",
        "Rolling back",
        "--impact",
        "5% of payments",
        "--action",
        "rollback",
        "--at",
        "2026-11-23T14:15:00Z",
    ]);
    s.ok(&["link", "call", "https://meet.example.com/x"]);
    s.ok(&[
        "action",
        "add",
        "Alert on pool saturation",
        "--owner",
        "omar",
        "--due",
        "2026-12-01",
    ]);
    s.ok(&["tick", "1"]);
    // The IC hands over.
    s.ok(&[
        "assign",
        "commander",
        "maria",
        "--at",
        "2026-11-23T14:20:00Z",
    ]);

    let st = s.json(&["status", "--json"]);
    assert_eq!(st["ref"], r.as_str());
    assert_eq!(st["severity"], "P1");
    assert_eq!(st["stage"], "mitigate");
    let holder = |role: &str| common::holder(&st, role);
    assert_eq!(holder("commander").as_deref(), Some("maria"));
    assert_eq!(holder("comms").as_deref(), Some("sam"));
    assert_eq!(holder("sme:database").as_deref(), Some("omar"));
    assert_eq!(holder("scribe"), None);
    let can = &st["latest_can_reports"][0];
    assert_eq!(can["reporter"], "devi");
    assert_eq!(can["role"], "tech", "the reporter's held role is recorded");
    // P1 after an update at 14:15: the next one is due 30 minutes later.
    assert_eq!(st["next_update"]["due_at"], "2026-11-23T14:45:00Z");
    assert_eq!(st["next_update"]["every_minutes"], 30);

    let text = s.ok(&["status"]);
    assert!(text.contains("Scribe"), "{text}");
    assert!(
        text.contains("[x] 1. Prefer a rollback"),
        "the ticked item shows: {text}"
    );

    // Action item done by the ref that status shows.
    let item = st["action_items"][0]["id"].as_str().unwrap().to_string();
    let short = item[10..16].to_lowercase();
    s.ok(&["action", "done", &format!("#{short}")]);

    let printed = s.ok(&["print"]);
    let lines: Vec<&str> = printed.lines().collect();
    let pos = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in {printed}"))
    };
    assert!(pos("Declared P2") < pos("sam takes Communications lead"));
    assert!(pos("Severity P2 → P1") < pos("Rolling back payments-api"));
    assert!(pos("Incident commander: ana hands over to maria") > pos("Update sent"));

    s.ok(&["resolve", "--summary", "rolled back"]);
    assert!(s.ok(&["list"]).contains("No open incidents"));
    assert!(s.ok(&["list", "--all"]).contains("Checkout failing"));
    // Once resolved, reading commands show the latest incident still.
    assert!(s.ok(&["status"]).contains("resolved"));
    assert!(s.ok(&["print"]).contains("Resolved — rolled back"));
    s.fails(&["log", "too late"]);
    s.ok(&["reopen", "--reason", "errors again"]);
    assert!(s.ok(&["list"]).contains(&r));
}

#[test]
fn backfilled_events_sort_by_when_they_happened() {
    let s = Sandbox::new();
    s.ok(&["declare", "DB failover", "--at", "2026-11-23T10:00:00Z"]);
    s.ok(&["log", "second", "--at", "2026-11-23T10:30:00Z"]);
    s.ok(&["log", "first", "--at", "2026-11-23T10:10:00Z"]);
    let printed = s.ok(&["print"]);
    let first = printed.find("first").unwrap();
    let second = printed.find("second").unwrap();
    assert!(first < second, "{printed}");
}

#[test]
fn the_default_incident_is_the_most_recently_active_open_one() {
    let s = Sandbox::new();
    let a = s.ok(&["declare", "A"]).trim().to_string();
    let b = s.ok(&["declare", "B"]).trim().to_string();
    assert_eq!(s.json(&["status", "--json"])["ref"], b.as_str());
    s.ok(&["--incident", &a, "log", "activity on A"]);
    assert_eq!(s.json(&["status", "--json"])["ref"], a.as_str());
    assert_eq!(
        s.json(&["--incident", &b, "status", "--json"])["title"],
        "B"
    );
}

#[test]
fn unknown_names_are_refused_with_the_valid_ones_and_nothing_is_written() {
    let s = Sandbox::new();
    s.ok(&["declare", "X"]);
    let before = s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .unwrap()
        .len();
    let e = s.fails(&["assign", "janitor", "bob"]);
    assert!(
        e.contains(
            "unknown role 'janitor'; valid roles are: commander, comms, tech, scribe, sme:<area>"
        ),
        "{e}"
    );
    let e = s.fails(&["severity", "P9"]);
    assert!(e.contains("valid severities are: P1, P2, P3"), "{e}");
    let e = s.fails(&["stage", "panic"]);
    assert!(
        e.contains("valid stages are: detect, assemble, verify"),
        "{e}"
    );
    let e = s.fails(&["declare", "Y", "--playbook", "nope"]);
    assert!(e.contains("no playbook named 'nope'"), "{e}");
    let e = s.fails(&["log", "   "]);
    assert!(e.contains("cannot be empty"), "{e}");
    let e = s.fails(&["log", "x", "--at", "yesterday-ish"]);
    assert!(e.contains("cannot read the time 'yesterday-ish'"), "{e}");
    let e = s.fails(&["update", "--status", "x", "--next", "soonish"]);
    assert!(e.contains("soonish"), "{e}");
    let e = s.fails(&["action", "add", "x", "--due", "someday"]);
    assert!(e.contains("YYYY-MM-DD"), "{e}");
    let e = s.fails(&["action", "done", "#zzzzzz"]);
    assert!(e.contains("no action item"), "{e}");
    let e = s.fails(&["unassign", "scribe"]);
    assert!(e.contains("nobody holds Scribe"), "{e}");
    let e = s.fails(&["amend", "zzzzzz", "text"]);
    assert!(e.contains("no timeline entry"), "{e}");
    let e = s.fails(&["reopen"]);
    assert!(e.contains("is not resolved"), "{e}");
    let e = s.fails(&["--incident", "qqqqqq", "status"]);
    assert!(e.contains("no incident matches 'qqqqqq'"), "{e}");
    let after = s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "no failed command wrote anything");
}

#[test]
fn with_no_incident_commands_say_how_to_start() {
    let s = Sandbox::new();
    let e = s.fails(&["status"]);
    assert!(
        e.contains("declare one with `fireground declare TITLE`"),
        "{e}"
    );
    assert!(s.ok(&["list"]).contains("fireground demo"));
}

#[test]
fn with_user_empty_the_login_name_records() {
    let s = Sandbox::new();
    let login = whoami();
    let out = s
        .cmd()
        .env_remove("FIREGROUND_USER")
        .env("USER", "")
        .args(["declare", "X"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let status = s.json(&["status", "--json"]);
    assert_eq!(status["roles"][0]["holder"], login.as_str());
}

fn whoami() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn without_any_name_recording_asks_who_you_are() {
    // A user id with no entry in the password database and no $USER: only
    // root can be one, so elsewhere this has nothing to try.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to run as a user with no name");
        return;
    }
    let s = Sandbox::new();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(s.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut cmd = s.process("ana");
    std::os::unix::process::CommandExt::uid(&mut cmd, 4_242_424);
    let out = cmd
        .env_remove("FIREGROUND_USER")
        .env_remove("USER")
        .args(["declare", "X"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as NAME"));
}

#[test]
fn the_update_draft_is_filled_from_the_incident() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "Search is slow",
        "--severity",
        "P2",
        "--commander",
        "maria",
    ]);
    s.as_user("devi")
        .args([
            "can",
            "--conditions",
            "p99 at 4s",
            "--actions",
            "scaling out",
            "--needs",
            "nothing",
        ])
        .assert()
        .success();
    let draft = s.ok(&["update"]);
    assert!(
        draft.contains("Status: P2 Search is slow: Detect."),
        "{draft}"
    );
    assert!(draft.contains("incident commander maria"), "{draft}");
    assert!(draft.contains("Impact: p99 at 4s"), "{draft}");
    // devi holds no role: her report is internal, not what the public is
    // told is being done (that comes from the commander's or tech lead's).
    assert!(
        draft.contains("Action: Responders are investigating."),
        "{draft}"
    );
    // Printing a draft records nothing.
    assert!(s.json(&["status", "--json"])["last_update"].is_null());
}

#[test]
fn update_print_writes_the_update_as_plain_text_for_a_pipe_and_records_nothing() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "Checkout failing",
        "--severity",
        "P1",
        "--summary",
        "5% of card payments fail",
        "--at",
        "2026-11-23T14:00:00Z",
    ]);
    let draft = s.ok(&["update", "--print"]);
    let lines: Vec<&str> = draft.lines().collect();
    assert_eq!(lines.len(), 4, "{draft}");
    assert!(
        lines[0]
            .starts_with("Status: P1 Checkout failing: Detect. Open since 2026-11-23 14:00 UTC"),
        "{draft}"
    );
    assert_eq!(lines[1], "Impact: 5% of card payments fail");
    assert_eq!(lines[2], "Action: Responders are investigating.");
    assert!(
        lines[3].starts_with("Next update: ") && lines[3].ends_with(" UTC"),
        "{draft}"
    );
    // With flags, the update as it would be recorded: the flags' words, the
    // draft's for the rest.
    let told = s.ok(&["update", "--print", "--status", "Rolling back the deploy"]);
    assert!(
        told.starts_with("Status: Rolling back the deploy\nImpact: 5% of card"),
        "{told}"
    );
    assert!(
        s.json(&["status", "--json"])["last_update"].is_null(),
        "nothing recorded"
    );
}

#[test]
fn update_copy_without_a_terminal_says_to_print_and_pipe_instead() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    let out = s.cmd().args(["update", "--copy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "no escape sequence written into a pipe"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not a terminal: use --print and pipe it"),
        "{err}"
    );
    assert!(s.json(&["status", "--json"])["last_update"].is_null());
}

#[test]
fn corrections_are_events_and_a_redacted_entry_stays_as_a_tombstone() {
    let s = Sandbox::new();
    s.ok(&["declare", "X"]);
    s.ok(&["log", "password is hunter2"]);
    let printed = s.ok(&["print", "--refs"]);
    let line = printed.lines().find(|l| l.contains("hunter2")).unwrap();
    let r = line.split_whitespace().next().unwrap();
    s.ok(&["redact", r, "--reason", "secret"]);
    let printed = s.ok(&["print"]);
    assert!(
        !printed.contains("hunter2") && printed.contains("[redacted]"),
        "{printed}"
    );
    let events = s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(events, 3, "declared, note, redacted: nothing deleted");
    let db = std::fs::read(s.db()).unwrap();
    assert!(
        !db.windows(7).any(|w| w == b"hunter2"),
        "the words are gone from the database file"
    );
}

#[test]
fn the_demo_is_a_full_incident() {
    let s = Sandbox::new();
    s.ok(&["demo"]);
    let st = s.json(&["status", "--json"]);
    assert_eq!(st["severity"], "P1");
    assert!(
        st["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| !r["holder"].is_null())
            .count()
            >= 5
    );
    assert!(st["latest_can_reports"].as_array().unwrap().len() >= 2);
    assert!(!st["last_update"].is_null());
    assert!(st["elapsed_seconds"].as_i64().unwrap() >= 3600);
}

#[test]
fn playbook_check_names_file_line_and_column() {
    let s = Sandbox::new();
    let good = s.dir.path().join("good.toml");
    std::fs::write(&good, include_str!("../playbooks/default.toml")).unwrap();
    assert!(
        s.ok(&["playbook", "check", good.to_str().unwrap()])
            .contains("is valid: 3 severities, 5 roles, 8 stages")
    );
    let bad = s.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\n\n[[severities]]\nid = \"P1\"\nname = 3\n",
    )
    .unwrap();
    let e = s.fails(&["playbook", "check", bad.to_str().unwrap()]);
    assert!(e.contains("bad.toml: line 5, column 8"), "{e}");
    let checked = s.json(&["playbook", "check", good.to_str().unwrap(), "--json"]);
    assert_eq!(checked["valid"], true);
    assert_eq!(checked["playbook"]["stages"].as_array().unwrap().len(), 8);
    assert_eq!(checked["playbook"]["destructive"]["countdown_seconds"], 60);
    let shown = s.ok(&["playbook", "show"]);
    assert!(shown.contains("open to objection for 60 s"), "{shown}");
    let e = s.fails(&["playbook", "check", bad.to_str().unwrap(), "--json"]);
    assert!(
        e.contains("bad.toml: line 5, column 8"),
        "a mistake is still a sentence: {e}"
    );
    let json = s.json(&["playbook", "list", "--json"]);
    assert_eq!(json[0]["playbook"]["severities"][0]["update_minutes"], 30);
    let list = s.ok(&["playbook", "list"]);
    assert!(
        list.contains("default") && list.contains("built-in"),
        "{list}"
    );
}

#[test]
fn a_user_playbook_overrides_the_built_in_one() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("xdg-config/fireground/playbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let text = include_str!("../playbooks/default.toml")
        .replace("update_minutes = 30", "update_minutes = 15");
    std::fs::write(dir.join("default.toml"), text).unwrap();
    s.ok(&["declare", "X", "--severity", "P1"]);
    assert_eq!(
        s.json(&["status", "--json"])["next_update"]["every_minutes"],
        15
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_a_clear_message() {
    let s = Sandbox::new();
    s.ok(&["declare", "X"]);
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    conn.execute(
        "UPDATE meta SET value = '42' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let out = s.cmd().args(["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("newer fireground") && e.contains("upgrade"),
        "{e}"
    );
}

#[test]
fn several_processes_writing_at_once_lose_nothing() {
    let s = Sandbox::new();
    s.ok(&["declare", "Busy"]);
    let writers = 6;
    let each = 15;
    let children: Vec<_> = (0..writers)
        .map(|w| {
            let script = (0..each)
                .map(|i| format!("\"$F\" log 'w{w} n{i}' || exit 1"))
                .collect::<Vec<_>>()
                .join("\n");
            let mut c = std::process::Command::new("sh");
            c.arg("-c")
                .arg(script)
                .env("F", assert_cmd::cargo::cargo_bin("fireground"))
                .env("FIREGROUND_DB", s.db())
                .env("FIREGROUND_USER", format!("w{w}"))
                .env("XDG_CONFIG_HOME", s.dir.path());
            c.spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(
            c.wait().unwrap().success(),
            "a writer failed (database is locked?)"
        );
    }
    let events = s.json(&["print", "--format", "json"]);
    let notes = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .count();
    assert_eq!(notes, writers * each);
    let mut seqs: Vec<u64> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    seqs.sort();
    assert_eq!(
        seqs,
        (1..=(writers * each + 1) as u64).collect::<Vec<_>>(),
        "sequence numbers are dense"
    );
}

#[test]
fn a_hostile_note_never_reaches_the_terminal_raw() {
    let s = Sandbox::new();
    s.ok(&["declare", "X\u{1b}[2J"]);
    s.ok(&["log", "evil \u{1b}]0;title\u{7}\u{1b}[31mred"]);
    for args in [
        &["print"][..],
        &["status"],
        &["list"],
        &["print", "--format", "json"],
        &["status", "--json"],
    ] {
        let out = s.ok(args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
    }
}

#[test]
fn several_processes_creating_a_database_at_once_all_succeed() {
    for round in 0..4 {
        let s = Sandbox::new();
        let children: Vec<_> = (0..6)
            .map(|i| {
                s.process("ana")
                    .args(["declare", &format!("race {round}.{i}")])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(s.json(&["list", "--json"]).as_array().unwrap().len(), 6);
    }
}

#[test]
fn a_time_in_the_future_is_refused_for_what_already_happened() {
    let s = Sandbox::new();
    s.ok(&["declare", "X"]);
    let e = s.fails(&["log", "from the future", "--at", "+2h"]);
    assert!(e.contains("is in the future"), "{e}");
    let e = s.fails(&["log", "x", "--at", "-9000000000000s"]);
    assert!(e.contains("too far"), "{e}");
}

#[test]
fn a_closed_pipe_stops_output_without_a_panic() {
    let s = Sandbox::new();
    s.ok(&["demo"]);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("\"$F\" status | true; \"$F\" list | head -1")
        .env("F", assert_cmd::cargo::cargo_bin("fireground"))
        .env("FIREGROUND_DB", s.db())
        .env("FIREGROUND_USER", "ana")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn an_update_says_what_was_recorded_and_a_promise_must_be_later() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "X",
        "--severity",
        "P1",
        "--summary",
        "Logins fail for 3% of users",
    ]);
    let out = s.ok(&["update", "--status", "Investigating"]);
    assert!(out.contains("Update recorded: Investigating"), "{out}");
    assert!(
        out.contains("Impact: Logins fail for 3% of users"),
        "the draft's impact, shown: {out}"
    );
    assert!(out.contains("next one due at"), "{out}");
    let e = s.fails(&["update", "--status", "x", "--next", "2026-01-01T00:00:00Z"]);
    assert!(e.contains("the next update must be after this one"), "{e}");
    let draft = s.json(&["update", "--json"]);
    assert!(draft["status"].as_str().unwrap().contains("X"), "{draft}");
    s.ok(&["tick", "1"]);
    let e = s.fails(&["tick", "1"]);
    assert!(e.contains("already ticked"), "{e}");
}

#[test]
fn a_change_that_changes_nothing_is_refused_and_a_clock_time_ahead_is_a_typo() {
    let s = Sandbox::new();
    s.ok(&["declare", "X", "--severity", "P1"]);
    s.ok(&["assign", "comms", "sam"]);
    assert!(
        s.fails(&["assign", "Communications lead", "sam"])
            .contains("sam already holds Communications lead")
    );
    assert!(s.fails(&["severity", "critical"]).contains("already P1"));
    assert!(s.fails(&["stage", "detect"]).contains("already in Detect"));
    // A clock time a little ahead is a typo, refused as in the future (the
    // domain's tests cover "23:50" typed just after midnight).
    let now = chrono::Utc::now();
    let soon = now + chrono::Duration::minutes(30);
    if soon.date_naive() == now.date_naive() {
        let e = s.fails(&["log", "typo", "--at", &soon.format("%H:%M").to_string()]);
        assert!(e.contains("is in the future"), "{e}");
    }
}

#[test]
fn after_a_reopening_the_next_update_is_due_a_cadence_after_it_not_after_the_last_update() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "--severity",
        "P1",
        "--at",
        "-50m",
        "Checkout failing",
    ]);
    s.ok(&["update", "--status", "Rolling back", "--at", "-45m"]);
    s.ok(&["resolve", "--summary", "rolled back", "--at", "-40m"]);
    s.ok(&["reopen", "--reason", "errors again", "--at", "-10m"]);
    // Another command since, so the state is read back from what the
    // database keeps rather than from the fold of the reopening.
    s.ok(&["log", "errors are back on one region"]);
    let next = &s.json(&["status", "--json"])["next_update"];
    // P1 runs on 30 minutes: due 20 minutes from now. Counted from the
    // update it would be 15 minutes overdue.
    assert_eq!(next["overdue"], false, "{next}");
    let left = next["seconds_remaining"].as_i64().unwrap();
    assert!((19 * 60..=20 * 60).contains(&left), "{next}");
}
