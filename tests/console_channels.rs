//! The console posting updates to webhook channels and keeping the status
//! page current, on a real pseudo-terminal, against a loopback endpoint.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::{Console, cli};
use common::webhook::{Hook, Reply};

/// A P1 declared, and a config file with one Slack-style channel `inc`
/// posting to `hook`, waiting `timeout` seconds at most.
fn declared_with_channel(dir: &Path, hook: &Hook, timeout: u32, extra: &str) {
    cli(dir)
        .args(["declare", "Checkout failing", "-s", "P1"])
        .args(["--summary", "5% of card payments fail"])
        .assert()
        .success();
    let config = format!(
        "{extra}\n[channels.inc]\nkind = \"slack\"\nurl = \"{}\"\ntimeout_seconds = {timeout}\n",
        hook.url("services/T0/B0/s3cr3tpath")
    );
    std::fs::create_dir_all(dir.join("fireground")).unwrap();
    std::fs::write(dir.join("fireground/config.toml"), config).unwrap();
}

/// The console opened, and the update form saved as drafted.
fn saved_the_draft_update(dir: &Path) -> Console {
    let mut console = Console::start(dir, 120, 40);
    console.wait_for("Checkout failing");
    console.send("u");
    console.wait_for("Stakeholder update");
    console.send("\r");
    console
}

#[test]
fn an_update_saved_in_the_console_arrives_at_its_channel_and_the_console_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Hook::start();
    declared_with_channel(dir.path(), &hook, 5, "");
    let mut console = saved_the_draft_update(dir.path());
    let got = hook.wait_for(1, Duration::from_secs(10));
    assert_eq!(got.len(), 1, "one post");
    assert_eq!(got[0].path, "/services/T0/B0/s3cr3tpath");
    let text = got[0].json()["text"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("[P1] Checkout failing (incident "),
        "{text}"
    );
    assert!(
        text.contains("\nImpact: 5% of card payments fail\n"),
        "{text}"
    );
    console.wait_for("Update delivered to inc");
    assert!(
        !console.contents().contains("s3cr3tpath"),
        "the URL's secret part is never shown"
    );
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
    assert_eq!(hook.requests().len(), 1, "posted once");
}

#[test]
fn a_channel_that_never_answers_leaves_the_console_answering_keys() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Hook::start();
    hook.reply(Reply::Hang);
    declared_with_channel(dir.path(), &hook, 4, "");
    let mut console = saved_the_draft_update(dir.path());
    hook.wait_for(1, Duration::from_secs(10));
    // The post hangs now; a note is written and saved meanwhile.
    let asked = Instant::now();
    console.send("n");
    console.wait_for("Add to the timeline");
    for c in "rollback started".chars() {
        console.send(&c.to_string());
    }
    console.send("\r");
    console.wait_for("rollback started");
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "keys answered while the post hangs: {:?}",
        asked.elapsed()
    );
    console.wait_for_within(
        "update not delivered to inc: no answer within 4 s, retrying",
        Duration::from_secs(15),
    );
    // Quitting does not wait for a post in flight.
    let quit = Instant::now();
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
    assert!(
        quit.elapsed() < Duration::from_secs(3),
        "{:?}",
        quit.elapsed()
    );
    let waiting = cli(dir.path()).args(["outbox"]).output().unwrap();
    let listed = String::from_utf8_lossy(&waiting.stdout);
    assert!(listed.contains("to inc"), "{listed}");
    assert!(listed.contains("no answer within 4 s"), "{listed}");
}

#[test]
fn a_failing_channel_shows_in_the_header_until_a_retry_delivers_it() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Hook::start();
    hook.reply(Reply::Status(503));
    declared_with_channel(dir.path(), &hook, 5, "");
    let mut console = saved_the_draft_update(dir.path());
    console.wait_for("update not delivered to inc: HTTP 503, retrying");
    hook.reply(Reply::Status(200));
    // The first retry comes 15 s after the failure.
    console.wait_for_within("Update delivered to inc", Duration::from_secs(30));
    assert!(
        !console.contents().contains("retrying"),
        "the header is clear once delivered:\n{}",
        console.contents()
    );
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
    assert_eq!(hook.requests().len(), 2, "one failed post, one delivered");
    let log = cli(dir.path()).args(["print"]).output().unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    assert_eq!(
        log.matches("Update not delivered to inc: HTTP 503").count(),
        1,
        "{log}"
    );
    assert_eq!(log.matches("Update delivered to inc").count(), 1, "{log}");
}

#[test]
fn the_console_keeps_the_status_page_current_as_the_log_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Hook::start();
    let page = dir.path().join("status.html");
    declared_with_channel(
        dir.path(),
        &hook,
        5,
        &format!("status_page = \"{}\"\n", page.display()),
    );
    let console = Console::start(dir.path(), 120, 40);
    console.wait_for("Checkout failing");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !page.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let first = std::fs::read_to_string(&page).expect("the page is written on opening");
    assert!(first.contains("Checkout failing"), "{first}");
    // A teammate's update and note, from another process.
    cli(dir.path())
        .args(["log", "secret internal musing"])
        .assert()
        .success();
    cli(dir.path())
        .args(["update", "--status", "Card payments are recovering"])
        .assert()
        .success();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut now = String::new();
    while Instant::now() < deadline {
        now = std::fs::read_to_string(&page).unwrap_or_default();
        if now.contains("Card payments are recovering") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(now.contains("Card payments are recovering"), "{now}");
    assert!(
        !now.contains("secret internal musing"),
        "no note on the page"
    );
    drop(console);
}
