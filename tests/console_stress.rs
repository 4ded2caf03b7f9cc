//! The console under stress, on a real pseudo-terminal: pastes full of
//! hotkeys, forms left half-written, and a console killed mid-sentence.

mod common;

use common::pty::{Console, cli};

/// Lines a responder pastes from a deploy log: each starts with a key that
/// means something on the main screen (resolve, declare, redact, quit).
const HOSTILE: &str =
    "deploy log:\nRolled back 3 pods\nDone in 2m\nXid 44 errors gone\nquiet since 14:02";

/// The notes in the incident, by their text.
fn notes(dir: &std::path::Path) -> Vec<String> {
    let out = cli(dir)
        .args(["print", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| e["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn incident(dir: &std::path::Path) {
    cli(dir)
        .args(["declare", "Checkout failing", "--severity", "P1"])
        .assert()
        .success();
}

/// The console at the stated minimum size, on the incident's screen.
fn open_console(dir: &std::path::Path) -> Console {
    let console = Console::start(dir, 80, 24);
    console.wait_for("Comms cadence");
    console
}

/// Enter saves the note form; then the console quits cleanly.
fn save_and_quit(mut console: Console) {
    console.send("\r");
    console.wait_for("Logged note.");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
}

fn still_open(dir: &std::path::Path) {
    let out = cli(dir).args(["list", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "one open incident: {list}"
    );
}

#[test]
fn a_multi_line_paste_on_the_main_screen_becomes_one_note_and_fires_no_key() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let mut console = open_console(dir.path());
    assert!(
        console.screen.lock().unwrap().screen().bracketed_paste(),
        "the console asks the terminal for bracketed paste"
    );
    console.paste(HOSTILE);
    console.wait_for("Add to the timeline");
    console.wait_for("quiet since 14:02");
    save_and_quit(console);
    assert_eq!(notes(dir.path()), vec![HOSTILE.to_string()]);
    still_open(dir.path());
}

#[test]
fn a_multi_line_paste_into_the_note_form_keeps_every_line_and_fires_no_key() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let mut console = open_console(dir.path());
    console.send("n");
    console.wait_for("Add to the timeline");
    console.send("x");
    console.paste(HOSTILE);
    console.wait_for("quiet since 14:02");
    save_and_quit(console);
    assert_eq!(notes(dir.path()), vec![format!("x{HOSTILE}")]);
    still_open(dir.path());
}

#[test]
fn a_note_half_typed_when_the_console_is_killed_comes_back_with_n() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let mut console = open_console(dir.path());
    console.send("n");
    console.wait_for("Add to the timeline");
    console.paste("primary db failed over to replica 3, writes still");
    // The draft is kept on the console's one-second timer.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let pid = console.child.process_id().expect("a pid") as i32;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    console.wait_exit();
    drop(console);

    let mut console = open_console(dir.path());
    console.send("n");
    console.wait_for("writes still");
    console.wait_for("Your draft from");
    save_and_quit(console);
    assert_eq!(
        notes(dir.path()),
        vec!["primary db failed over to replica 3, writes still".to_string()]
    );
}

#[test]
fn esc_and_ctrl_c_on_a_filled_form_ask_before_anything_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    incident(dir.path());
    let mut console = open_console(dir.path());
    console.send("n");
    console.wait_for("Add to the timeline");
    console.paste("checking the load balancer logs");
    console.send("\x1b");
    console.wait_for("Discard what you typed?");
    console.send("n");
    console.wait_for("Add to the timeline");
    console.send("\x03");
    console.wait_for("Quit?");
    console.send("y");
    assert_eq!(console.wait_exit(), 0);
    assert!(notes(dir.path()).is_empty(), "nothing was saved");

    let mut console = open_console(dir.path());
    console.send("n");
    console.wait_for("checking the load balancer logs");
    console.send("\x1b");
    console.wait_for("Discard what you typed?");
    console.send("y");
    console.wait_for("Discarded; nothing recorded.");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
}
