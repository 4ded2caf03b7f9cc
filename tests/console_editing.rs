//! Editing in the real console on a pseudo-terminal: the keys go through the
//! terminal's bytes, crossterm's parser and the key map, and what was typed
//! lands in the log.

mod common;

use common::pty::{Console, cli};

#[test]
fn ctrl_u_replaces_the_prefilled_status_of_an_update_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path()).args(["declare", "X"]).assert().success();
    let mut console = Console::start(dir.path(), 80, 24);
    console.wait_for("Comms cadence");

    console.send("u");
    console.wait_for("Stakeholder update");
    console.wait_for("P1 X: Detect.");
    // Ctrl-U: the prefilled status goes in one key.
    console.send("\x15");
    for c in "Rolled back; payments recovering".chars() {
        console.send(&c.to_string());
    }
    console.wait_for("Rolled back; payments recovering");
    assert!(
        !console.contents().contains("P1 X: Detect."),
        "{}",
        console.contents()
    );
    console.send("\r");
    console.wait_for("next one due at");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);

    let updates = recorded(dir.path(), "update_sent");
    assert_eq!(updates.len(), 1, "{updates:#?}");
    assert_eq!(updates[0]["status"], "Rolled back; payments recovering");
}

/// The events of one kind the log holds, as `print --format json` has them.
fn recorded(dir: &std::path::Path, kind: &str) -> Vec<serde_json::Value> {
    let out = cli(dir)
        .args(["print", "--format", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}

#[test]
fn a_token_pasted_into_a_note_on_a_real_terminal_is_masked_when_enter_is_pressed_twice() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path()).args(["declare", "X"]).assert().success();
    let mut console = Console::start(dir.path(), 80, 24);
    console.wait_for("Comms cadence");

    // Built from pieces: the repository holds no token a scanner flags.
    let token = format!("xoxb-{}", "1029-3847-".repeat(3));
    console.paste(&format!("bot token\n{token}\nfrom the vault"));
    console.wait_for("Add to the timeline");
    console.send("\r");
    console.wait_for("look like a Slack token (marked)");
    console.send("\r");
    console.wait_for("Logged note.");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);

    let notes = recorded(dir.path(), "note");
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0]["text"], "bot token\n****\nfrom the vault");
}
