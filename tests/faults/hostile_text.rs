//! Hostile text: a megabyte pasted into the console, and escape sequences
//! arriving by sync or in a shared playbook file.

use std::time::{Duration, Instant};

use clap::Parser;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use fireground::app::Context;
use fireground::cli::Cli;
use fireground::domain::text::is_printable;
use fireground::tui::App;
use fireground::tui::app::Mode;
use fireground::tui::text_input::MAX_FIELD_CHARS;

use crate::common::Sandbox;

/// A one-character CSI: `U+009B 2 J` clears a terminal that takes 8-bit
/// controls.
const C1_CSI: char = '\u{9b}';
/// Makes the rest of a line read backwards.
const RTL_OVERRIDE: char = '\u{202e}';

/// What a terminal would act on, shown escaped for the failure message.
fn assert_safe(what: &str, output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    assert!(
        text.chars().all(is_printable),
        "{what} holds a raw control character: {text:?}"
    );
}

/// Whether `s` is a string anywhere in `value`.
fn holds(value: &serde_json::Value, s: &str) -> bool {
    match value {
        serde_json::Value::String(v) => v == s,
        serde_json::Value::Array(a) => a.iter().any(|v| holds(v, s)),
        serde_json::Value::Object(o) => o.values().any(|v| holds(v, s)),
        _ => false,
    }
}

fn key(app: &mut App, c: char) {
    app.handle_event(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )));
}

#[test]
fn a_megabyte_pasted_into_the_note_form_is_cut_at_the_limit_without_freezing() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing"]);
    let cli = Cli::parse_from([
        "fireground",
        "--db",
        s.db().to_str().unwrap(),
        "--as",
        "ana",
    ]);
    let mut app =
        App::new(Context::open(&cli.options(&fireground::config::Config::empty())).unwrap())
            .unwrap();
    key(&mut app, 'n');
    let started = Instant::now();
    // Without bracketed paste a paste is one key per character.
    for c in "502 from upstream — retrying; "
        .chars()
        .cycle()
        .take(1 << 20)
    {
        key(&mut app, c);
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(30),
        "a megabyte of keys took {took:?}"
    );
    let Mode::Form(form) = &app.mode else {
        panic!("the note form is still open");
    };
    assert_eq!(form.value("text").chars().count(), MAX_FIELD_CHARS);
    let told = app.flash.as_ref().expect("the user is told");
    assert!(told.text.contains("field is full"), "{told:?}");
}

#[test]
fn print_json_of_a_synced_note_with_a_c1_csi_and_a_right_to_left_override_is_safe_to_cat() {
    let mallory = Sandbox::new();
    let ana = Sandbox::new();
    let shared = ana.dir.path().join("shared.jsonl");
    let shared = shared.to_str().unwrap();
    let hostile = format!("paid{C1_CSI}2J {RTL_OVERRIDE}lanif{C1_CSI}0m");
    let m = |args: &[&str]| {
        let out = mallory.as_user("mallory").args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    m(&["declare", "Checkout failing"]);
    m(&["log", &hostile]);
    m(&["sync", shared]);
    ana.ok(&["sync", shared]);

    let out = ana
        .cmd()
        .args(["print", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_safe("print --format json", &out.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("still valid JSON");
    assert!(
        holds(&doc["events"], &hostile),
        "the raw event keeps its text, escaped: {doc:#}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\\u009b"),
        "written as an escape, not dropped"
    );
}

/// The default playbook with `find` replaced by `with`, written where the
/// sandbox's playbooks live (or anywhere, for `playbook check`).
fn playbook_file(s: &Sandbox, file: &str, find: &str, with: &str) -> std::path::PathBuf {
    let text = include_str!("../../playbooks/default.toml");
    assert!(text.contains(find), "the default playbook has {find}");
    let dir = s.dir.path().join("xdg-config/fireground/playbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(file);
    std::fs::write(&path, text.replacen(find, with, 1)).unwrap();
    path
}

#[test]
fn playbook_check_of_a_playbook_named_with_escapes_fails_with_file_line_column() {
    let s = Sandbox::new();
    // TOML escapes: the file is plain text, the value holds ESC and BEL.
    let evil = r#"name = "ops\u001b]0;owned\u0007\u001b[2J""#;
    let path = playbook_file(&s, "evil.toml", r#"name = "default""#, evil);
    let out = s
        .cmd()
        .args(["playbook", "check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_safe("stdout", &out.stdout);
    assert_safe("stderr", &out.stderr);
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.contains(
            "evil.toml: line 4, column 8: the playbook name holds the control character U+001B"
        ),
        "{said}"
    );

    // Anywhere in the text, not only the name.
    for (find, with, what) in [
        (
            r#"name = "Critical""#,
            r#"name = "Crit\u009b2Jical""#,
            "severity name",
        ),
        (
            "Name the incident commander",
            r"Name the \u202Erednammoc",
            "checklist item",
        ),
        (r#"id = "P2""#, r#"id = "P2\u001b[8m""#, "severity id"),
    ] {
        let path = playbook_file(&s, "evil.toml", find, with);
        let out = s
            .cmd()
            .args(["playbook", "check", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}: {out:?}");
        assert_safe("stderr", &out.stderr);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(what),
            "{what}: {out:?}"
        );
    }
}

#[test]
fn status_print_and_markdown_never_show_escapes_from_a_playbook_edited_to_hold_them() {
    let s = Sandbox::new();
    playbook_file(&s, "ops.toml", r#"name = "default""#, r#"name = "ops""#);
    s.ok(&[
        "declare",
        "Checkout failing",
        "--playbook",
        "ops",
        "-s",
        "P1",
    ]);
    // Someone edits the shared playbook after the incident started.
    let hostile = r#"name = "Critical\u001b]0;owned\u0007\u001b[2J\u009b31m\u202E""#;
    let text = include_str!("../../playbooks/default.toml")
        .replacen(r#"name = "default""#, r#"name = "ops""#, 1)
        .replacen(r#"name = "Critical""#, hostile, 1);
    let dir = s.dir.path().join("xdg-config/fireground/playbooks");
    std::fs::write(dir.join("ops.toml"), text).unwrap();

    for args in [
        &["status"][..],
        &["status", "--json"],
        &["print"],
        &["print", "--format", "markdown"],
        &["print", "--format", "json"],
        &["playbook", "list"],
        &["playbook", "list", "--json"],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_safe(&format!("{args:?} stdout"), &out.stdout);
        assert_safe(&format!("{args:?} stderr"), &out.stderr);
    }
    // The draft needs the incident's own playbook, so it says why not.
    let out = s.cmd().arg("update").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_safe("update stderr", &out.stderr);
    let listed = s.ok(&["playbook", "list"]);
    assert!(listed.contains("BROKEN"), "{listed}");
}

/// Found by tests/fuzz.rs: serde_json's default float parsing is off in the
/// last digit, so an event from a newer version (kept whole, as a map) came
/// out of this replica with a different number than went in.
#[test]
fn an_event_of_a_newer_kind_holding_a_float_is_relayed_unchanged() {
    let line = r#"{"v":1,"id":"01M8S1NQW92FMHZY4XDKK3X89B","incident":"01M8S1NQW8PVP7FHDJTAS24S5V","replica":"01M8S1NQW8S7K7FT490NZNKRPW","seq":14,"hlc":{"ms":1796136951689,"c":0},"at":"2026-12-01T14:55:51.689Z","author":"ana","kind":"pinned","target":{"a":-5.525802112983802e69}}"#;
    let relayed = fireground::domain::event::Event::from_json(line)
        .unwrap()
        .to_json();
    let value = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(value(&relayed), value(line));
    assert!(relayed.contains("-5.525802112983802e+69"), "{relayed}");
}

/// Found by tests/fuzz.rs: a time written to the nanosecond (by another
/// writer) was held to the nanosecond but passed on to the millisecond, so
/// replicas held different values for one event.
#[test]
fn an_event_timed_to_the_nanosecond_is_held_as_it_is_passed_on() {
    use fireground::domain::event::Event;
    let line = r#"{"v":1,"id":"01M8S1XE1GC2SSYTC2HRJGDDVP","incident":"01M8S1XE1GWSH9PS12RF6C60ZS","replica":"01M8S1XE1GJ9AW7WJ6CN2TWBRP","seq":12,"hlc":{"ms":1796137203760,"c":11},"at":"2026-12-01T15:00:03.999999999Z","author":"ana","kind":"update_sent","status":"s","impact":"i","action":"a","next_update":"2026-12-01T15:30:00.123456+00:00"}"#;
    let held = Event::from_json(line).unwrap();
    let passed_on = Event::from_json(&held.to_json()).unwrap();
    assert_eq!(passed_on, held);
    assert_eq!(held.at.to_rfc3339(), "2026-12-01T15:00:03.999+00:00");
}
