//! Faults around the local database: other programs opening it, lying
//! clocks, oversized text, corrupt rows, a full or read-only disk.

use std::time::Duration;

use crate::common::pty::{Console, cli};

fn count_notes(db: &std::path::Path, text: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM events WHERE kind = 'note' AND json LIKE ?1",
        [format!("%{text}%")],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_backup_script_reads_the_database_while_the_console_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fg.db");
    cli(dir.path())
        .args(["declare", "--severity", "P1", "Checkout down"])
        .assert()
        .success();
    let mut console = Console::start(dir.path(), 120, 40);
    console.wait_for("Checkout down");
    // Give the background sync thread time to open its own connection.
    std::thread::sleep(Duration::from_millis(500));

    // What a backup script or `sqlite3 DB 'select count(*) from events'`
    // does: open, read, close, and find nobody else using the database.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
            .unwrap();
        assert!(n >= 1);
    }
    // The shell's own SQLite is the one that deletes files under us.
    let _ = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT COUNT(*) FROM events")
        .output();
    for text in ["first from the shell", "second from the shell"] {
        cli(dir.path()).args(["log", text]).assert().success();
        console.wait_for(text);
    }
    console.send("n");
    console.wait_for("Enter save");
    for c in "typed in the console".chars() {
        console.send(&c.to_string());
    }
    console.send("\r");
    console.wait_for("typed in the console");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);

    for text in [
        "first from the shell",
        "second from the shell",
        "typed in the console",
    ] {
        assert_eq!(
            count_notes(&db, text),
            1,
            "'{text}' was acknowledged but lost"
        );
    }
}

#[test]
fn a_teammate_pastes_a_whole_log_file_into_a_can_report() {
    let sandbox = crate::common::Sandbox::new();
    sandbox
        .as_user("ana")
        .args(["declare", "Checkout down"])
        .assert()
        .success();
    let huge = "x".repeat(131_000);
    let out = sandbox
        .as_user("ana")
        .args([
            "can",
            "--conditions",
            &huge,
            "--actions",
            "restart",
            "--needs",
            "none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("conditions too long: 131000 characters"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    let json = sandbox
        .as_user("ana")
        .args(["print", "-f", "json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&json.stdout).contains(&huge[..100]));
}
