//! `status --html`: the page leaders and support read, with no server. It
//! shows what stakeholders were told and never the responders' own words.

mod common;

use common::Sandbox;
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The text of the section under the heading `title`.
fn section(doc: &Html, title: &str) -> String {
    doc.select(&sel("section"))
        .find(|s| {
            s.select(&sel("h2"))
                .next()
                .is_some_and(|h| h.text().collect::<String>() == title)
        })
        .map(|s| s.text().collect::<String>())
        .unwrap_or_else(|| panic!("no section {title}"))
}

/// An incident with a note, a CAN report, a stage change and an update.
fn incident(s: &Sandbox) {
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    s.ok(&["assign", "comms", "sam"]);
    s.ok(&[
        "log",
        "<script>alert('pwned')</script> db password rotated by hand",
    ]);
    s.ok(&[
        "can",
        "--conditions",
        "primary at 95% connections",
        "--actions",
        "killing idle sessions",
        "--needs",
        "a DBA",
    ]);
    s.ok(&["stage", "mitigate"]);
    s.ok(&[
        "update",
        "--status",
        "Rolling back the payments release",
        "--impact",
        "1 in 20 card payments fail",
        "--action",
        "Rollback under way",
    ]);
}

#[test]
fn the_status_page_shows_the_latest_update_and_never_a_note_or_can_report() {
    let s = Sandbox::new();
    incident(&s);
    let page = s.dir.path().join("status.html");
    s.ok(&["status", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = Html::parse_document(&html);

    let refresh = doc
        .select(&sel("meta[http-equiv=refresh]"))
        .next()
        .expect("the page reloads itself");
    assert_eq!(refresh.value().attr("content"), Some("30"));
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, "Checkout failing");
    let latest = section(&doc, "Latest update");
    assert!(
        latest.contains("Rolling back the payments release"),
        "{latest}"
    );
    assert!(latest.contains("1 in 20 card payments fail"), "{latest}");
    let roles = section(&doc, "Roles");
    assert!(
        roles.contains("Communications lead") && roles.contains("sam"),
        "{roles}"
    );
    let timeline = section(&doc, "Timeline");
    assert!(timeline.contains("Stage Detect → Mitigate"), "{timeline}");
    assert!(timeline.contains("Update: Rolling back"), "{timeline}");

    let text: String = doc.root_element().text().collect();
    assert!(text.contains("Stage") && text.contains("Mitigate"));
    assert!(text.contains("Next update"));
    for private in [
        "db password rotated",
        "alert(",
        "primary at 95% connections",
        "killing idle sessions",
        "a DBA",
    ] {
        assert!(!html.contains(private), "{private} is on the page");
    }
    assert!(doc.select(&sel("script")).next().is_none());
    assert!(!html.to_lowercase().contains("<script"));
}

#[test]
fn text_that_looks_like_markup_is_shown_as_text_never_run() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "<img src=x onerror=alert(1)> down",
        "--severity",
        "P1",
    ]);
    s.ok(&["update", "--status", "<script>alert(1)</script> fixed"]);
    let page = s.dir.path().join("status.html");
    s.ok(&["status", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = Html::parse_document(&html);
    assert!(doc.select(&sel("script, img")).next().is_none(), "{html}");
    assert!(section(&doc, "Latest update").contains("<script>alert(1)</script> fixed"));
}

#[test]
fn writing_the_status_page_again_replaces_it_whole_and_leaves_no_temp_file() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    let dir = s.dir.path().join("share");
    std::fs::create_dir(&dir).unwrap();
    let page = dir.join("status.html");
    s.ok(&["status", "--html", page.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("No update has been sent yet.")
    );
    s.ok(&["update", "--status", "Rolled back; watching"]);
    s.ok(&["status", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Rolled back; watching"));
    assert!(!html.contains("No update has been sent yet."));
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["status.html"], "no temporary file left beside it");
}
