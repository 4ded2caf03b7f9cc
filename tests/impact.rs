//! `fireground impact`: who is affected, how many and the category, set
//! through the real binary and read back from status, print and report.

mod common;

use common::Sandbox;
use serde_json::{Value, json};

fn declared() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    s
}

/// The `impact_set` events of the open incident, oldest first.
fn impacts(s: &Sandbox) -> Vec<Value> {
    s.events_of("impact_set")
}

#[test]
fn setting_the_impact_shows_it_in_status_and_the_timeline() {
    let s = declared();
    let said = s.ok(&[
        "impact",
        "--who",
        "checkout customers in the EU",
        "--count",
        "1,200",
        "--category",
        "deployment",
    ]);
    assert!(
        said.contains("Impact: checkout customers in the EU (about 1,200) · Deployment regression"),
        "{said}"
    );
    let status = s.ok(&["status"]);
    assert!(
        status.contains(
            "Impact:   checkout customers in the EU (about 1,200) · Deployment regression"
        ),
        "{status}"
    );
    let doc = s.json(&["status", "--json"]);
    assert_eq!(doc["impact"]["affected"], "checkout customers in the EU");
    assert_eq!(doc["impact"]["count"], 1200);
    assert_eq!(doc["impact"]["category"], "deployment");
    assert_eq!(doc["impact"]["category_name"], "Deployment regression");
    assert_eq!(doc["impact"]["author"], "ana");
    // The printed timeline wraps the entry after "(about".
    let timeline = s.ok(&["print"]);
    for said in [
        "impact      Impact: checkout customers in the EU",
        "1,200) · Deployment regression",
    ] {
        assert!(timeline.contains(said), "{said} in {timeline}");
    }
}

#[test]
fn setting_part_of_the_impact_keeps_the_rest_and_none_clears_the_count() {
    let s = declared();
    s.ok(&["impact", "--who", "EU shoppers", "--count", "1 200"]);
    s.ok(&["impact", "--category", "Third-party outage"]);
    s.ok(&["impact", "--count", "none"]);
    let doc = s.json(&["status", "--json"]);
    assert_eq!(
        (
            &doc["impact"]["affected"],
            &doc["impact"]["count"],
            &doc["impact"]["category"]
        ),
        (&json!("EU shoppers"), &Value::Null, &json!("third-party"))
    );
    let events = impacts(&s);
    assert_eq!(events.len(), 3);
    assert_eq!(events[1]["count"], 1200, "the count was kept");
    assert!(
        events[2].get("count").is_none(),
        "a cleared count is left out: {}",
        events[2]
    );
}

#[test]
fn a_bad_count_an_unknown_category_or_nothing_at_all_is_refused_and_nothing_recorded() {
    let s = declared();
    let err = s.fails(&["impact", "--who", "shoppers", "--count", "lots"]);
    assert!(
        err.contains("cannot read 'lots' as how many are affected; give a whole number like 1200 or 1,200, or none"),
        "{err}"
    );
    let err = s.fails(&["impact", "--who", "shoppers", "--category", "dns"]);
    assert!(
        err.contains(
            "unknown category 'dns'; valid categories are: deployment, infrastructure, third-party, data"
        ),
        "{err}"
    );
    let err = s.fails(&["impact"]);
    assert!(
        err.contains("say who is affected, how many or the category"),
        "{err}"
    );
    assert!(impacts(&s).is_empty());
    assert!(s.json(&["status", "--json"]).get("impact").is_none());
}

#[test]
fn the_postmortem_draft_states_the_impact_with_its_category_name() {
    let s = declared();
    let before = s.ok(&["print", "--format", "markdown"]);
    assert!(!before.contains("Affected"), "{before}");
    s.ok(&[
        "impact",
        "--who",
        "checkout customers",
        "--count",
        "1200",
        "--category",
        "data",
    ]);
    let md = s.ok(&["print", "--format", "markdown"]);
    let impact = &md[md.find("Impact").expect("an impact heading")..];
    for said in ["checkout customers", "about 1,200", "Data issue"] {
        assert!(impact.contains(said), "{said} in {md}");
    }
    let doc = s.json(&["print", "--format", "json"]);
    assert_eq!(doc["incident"]["impact"]["category"], "data");
}

#[test]
fn the_report_counts_incidents_by_category() {
    let s = Sandbox::new();
    let declare = |title: &str| s.ok(&["declare", title]).trim().to_string();
    let a = declare("Checkout failing");
    let b = declare("Search slow");
    let c = declare("Login broken");
    let _unset = declare("Cache stale");
    s.ok(&[
        "--incident",
        &a,
        "impact",
        "--who",
        "shoppers",
        "--category",
        "deployment",
    ]);
    s.ok(&["--incident", &b, "impact", "--category", "deployment"]);
    s.ok(&["--incident", &c, "impact", "--category", "third-party"]);
    let doc = s.json(&["report", "--format", "json"]);
    assert_eq!(
        doc["totals"]["by_category"],
        json!({"Deployment regression": 2, "Third-party outage": 1, "uncategorised": 1})
    );
    let text = s.ok(&["report"]);
    assert!(
        text.contains(
            "By category:      Deployment regression 2, Third-party outage 1, uncategorised 1"
        ),
        "{text}"
    );
    let md = s.ok(&["report", "--format", "markdown"]);
    assert!(md.contains("| Third-party outage |"), "{md}");
}

#[test]
fn after_resolving_the_impact_is_set_on_the_incident_named_as_a_note_is() {
    let s = Sandbox::new();
    let r = s.ok(&["declare", "Checkout failing"]).trim().to_string();
    s.ok(&["resolve"]);
    let err = s.fails(&["impact", "--who", "shoppers"]);
    assert!(err.contains("there is no open incident"), "{err}");
    s.ok(&[
        "--incident",
        &r,
        "impact",
        "--who",
        "shoppers",
        "--count",
        "40",
    ]);
    let status = s.ok(&["--incident", &r, "status"]);
    assert!(status.contains("Impact:   shoppers (about 40)"), "{status}");
}

#[test]
fn redacting_the_impact_removes_who_was_affected_everywhere_but_keeps_the_count() {
    let s = declared();
    s.ok(&["impact", "--who", "customers of acme-corp", "--count", "12"]);
    let refs = s.ok(&["print", "--refs"]);
    let line = refs
        .lines()
        .find(|l| l.contains("acme-corp"))
        .expect("the entry");
    let r = line.split_whitespace().next().unwrap();
    s.ok(&["redact", r]);
    let status = s.ok(&["status"]);
    assert!(
        status.contains("Impact:   [redacted] (about 12)"),
        "{status}"
    );
    for out in [
        s.ok(&["print"]),
        s.ok(&["print", "--format", "json"]),
        s.ok(&["status", "--json"]),
        s.ok(&["print", "--format", "markdown"]),
    ] {
        assert!(!out.contains("acme"), "{out}");
    }
    assert_eq!(impacts(&s)[0]["count"], 12);
    let db = std::fs::read(s.db()).unwrap();
    assert!(
        !db.windows(9).any(|w| w == b"acme-corp"),
        "the words are gone from the database file"
    );
}
