//! The console at its smallest, 80x24, on a pseudo-terminal: two experts
//! told apart, a CAN report's three fields, and a long entry read to its
//! last word.

mod common;

use common::pty::{Console, cli};

#[test]
fn at_80x24_experts_can_fields_and_a_long_entry_can_all_be_read() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path()).arg("demo").assert().success();
    cli(dir.path())
        .args(["assign", "sme:network", "bo"])
        .assert()
        .success();
    let words: Vec<String> = (0..300).map(|i| format!("step{i}")).collect();
    let long = format!("{} omega-last-word", words.join(" "));
    cli(dir.path()).args(["log", &long]).assert().success();

    let mut console = Console::start(dir.path(), 80, 24);
    console.wait_for("Comms cadence");
    let screen = console.contents();
    // The two subject-matter experts, by their role ids.
    assert!(
        screen
            .lines()
            .any(|l| l.contains("sme:database") && l.contains("omar")),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains("sme:network") && l.contains("bo")),
        "{screen}"
    );
    // The newest CAN report: Conditions, Actions and Needs.
    for field in [
        "C Connections back to 140",
        "A Watching the pool",
        "N Nothing.",
    ] {
        assert!(screen.contains(field), "{field}:\n{screen}");
    }
    // The long note is cut in its row, and says so.
    assert!(screen.contains("step0 step1"), "{screen}");
    assert!(!screen.contains("omega-last-word"), "{screen}");

    // Enter reads the newest entry whole; End goes to its last word.
    console.send("\r");
    console.wait_for("Timeline entry 30 of 30");
    console.wait_for("PgUp PgDn scroll");
    console.send("\x1b[F");
    console.wait_for("omega-last-word");
    console.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    console.wait_for("Comms cadence");
    assert!(!console.contents().contains("Timeline entry"));
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
}
