//! Time on shift through the real binary: `status` measures a responder's
//! shift across every incident of the day, with `--at` backfills.

mod common;

use common::Sandbox;

/// Declares as ana at `at`, returning the ref.
fn declare(s: &Sandbox, title: &str, at: &str) -> String {
    let out = s.ok(&["declare", title, "-s", "P2", "--at", at]);
    out.lines().next().unwrap().trim().to_string()
}

/// devi took Technical lead of the first incident 100 minutes ago and is
/// still at it now; half an hour ago she also wrote in a second one, where
/// she holds no role.
fn two_incidents() -> (Sandbox, String, String) {
    let s = Sandbox::new();
    let first = declare(&s, "Checkout errors", "-100m");
    s.ok(&[
        "--incident",
        &first,
        "assign",
        "tech",
        "devi",
        "--at",
        "-100m",
    ]);
    let second = declare(&s, "Search slow", "-40m");
    let devi = |args: &[&str]| {
        let out = s.as_user("devi").args(args).output().unwrap();
        assert!(out.status.success(), "{out:?}");
    };
    devi(&[
        "--incident",
        &second,
        "log",
        "Index rebuild is not it",
        "--at",
        "-30m",
    ]);
    devi(&["--incident", &first, "log", "Rolling back"]);
    (s, first, second)
}

#[test]
fn status_of_one_incident_shows_a_shift_that_began_in_another() {
    let (s, _, second) = two_incidents();
    let status = s.json(&["--incident", &second, "status", "--json"]);
    let shifts = status["wellbeing"]["shifts"].as_array().unwrap();
    let devi = shifts
        .iter()
        .find(|p| p["person"] == "devi")
        .expect("devi is on shift");
    let minutes = devi["continuous_minutes"].as_i64().unwrap();
    assert!((99..=101).contains(&minutes), "{devi}");
    assert_eq!(devi["on_now"], true);
    assert_eq!(devi["roles"][0]["role"], "tech", "{devi}");
    let text = s.ok(&["--incident", &second, "status"]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("devi "))
        .unwrap_or_else(|| panic!("no line for devi in:\n{text}"));
    assert!(line.contains("on shift 1h4"), "{line}");
    assert!(
        line.contains("break due"),
        "past the 90 minutes of the day: {line}"
    );
}

#[test]
fn status_reminds_the_commander_to_hand_over_a_role_held_too_long() {
    let (s, first, _) = two_incidents();
    let text = s.ok(&["--incident", &first, "status"]);
    assert!(
        text.contains("Hand over Technical lead: devi on shift 1h4"),
        "{text}"
    );
    let tech = text
        .lines()
        .find(|l| l.contains("Technical lead") && l.contains("devi"))
        .unwrap();
    assert!(tech.contains("(break due)"), "{tech}");
}
