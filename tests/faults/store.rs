//! Faults around the local database: other programs opening it, lying
//! clocks, oversized text, corrupt rows, a full or read-only disk.

use std::time::Duration;

use crate::common::pty::{Console, cli};

fn count_notes(db: &std::path::Path, text: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM events WHERE kind = 'note' AND body LIKE ?1",
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

/// A small tmpfs of its own, unmounted when dropped; `None` where this
/// process may not mount (the tests then say so and stop).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn fill(&self) {
        let mut f = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while std::io::Write::write_all(&mut f, &block).is_ok() {}
    }

    fn remount_read_only(&self) {
        let ok = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

fn on(disk: &Tmpfs) -> impl Fn(&[&str]) -> std::process::Output + '_ {
    move |args| {
        cli(disk.path())
            .env("FIREGROUND_DB", disk.path().join("fg.db"))
            .args(args)
            .output()
            .unwrap()
    }
}

#[test]
fn the_disk_fills_up_in_the_middle_of_an_incident() {
    let Some(disk) = Tmpfs::mount("2m") else {
        return;
    };
    let run = on(&disk);
    assert!(
        run(&["declare", "--severity", "P1", "Checkout down"])
            .status
            .success()
    );
    assert!(run(&["log", "rolled back"]).status.success());
    disk.fill();

    let status = run(&["status"]);
    assert!(status.status.success(), "{status:?}");
    assert!(String::from_utf8_lossy(&status.stdout).contains("Checkout down"));
    let warned = String::from_utf8_lossy(&status.stderr);
    assert!(warned.contains("read-only: its disk is full"), "{warned}");
    let print = run(&["print"]);
    assert!(print.status.success());
    assert!(String::from_utf8_lossy(&print.stdout).contains("rolled back"));

    let log = run(&["log", "one more"]);
    assert_eq!(log.status.code(), Some(1));
    let err = String::from_utf8_lossy(&log.stderr);
    assert!(err.contains("its disk is full"), "{err}");
    assert!(err.contains("everything recorded so far is safe"), "{err}");

    std::fs::remove_file(disk.path().join("filler")).unwrap();
    assert!(run(&["log", "space again"]).status.success());
    let text = String::from_utf8_lossy(&run(&["print"]).stdout).to_string();
    for said in ["rolled back", "space again"] {
        assert!(text.contains(said), "{said} is missing:\n{text}");
    }
}

#[test]
fn the_database_sits_on_a_file_system_mounted_read_only() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let run = on(&disk);
    assert!(
        run(&["declare", "--severity", "P2", "Search slow"])
            .status
            .success()
    );
    disk.remount_read_only();
    let status = run(&["status", "--json"]);
    assert!(status.status.success(), "{status:?}");
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(doc["title"], "Search slow");
    assert!(String::from_utf8_lossy(&status.stderr).contains("read-only"));
    let log = run(&["log", "x"]);
    assert_eq!(log.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&log.stderr).contains("its file system is read-only"));
}

#[test]
fn someone_edits_a_row_by_hand_in_the_sqlite3_shell() {
    let sandbox = crate::common::Sandbox::new();
    sandbox.ok(&["declare", "--severity", "P1", "Checkout down"]);
    sandbox.ok(&["log", "kept"]);
    sandbox.ok(&["log", "mangled"]);
    {
        let conn = rusqlite::Connection::open(sandbox.db()).unwrap();
        conn.execute(
            "UPDATE events SET body = '{not json' WHERE body LIKE '%mangled%'",
            [],
        )
        .unwrap();
    }
    let out = sandbox.cmd().args(["status"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 stored event was unreadable and left out"),
        "{err}"
    );
    let print = sandbox.ok(&["print"]);
    assert!(print.contains("kept"), "{print}");
    sandbox.ok(&["log", "still recording"]);
}

#[test]
fn a_tired_scribe_types_impossible_times() {
    let sandbox = crate::common::Sandbox::new();
    sandbox.ok(&["declare", "--severity", "P1", "Checkout down"]);
    let at = sandbox.fails(&["log", "x", "--at", "0000-01-01T00:00:00Z"]);
    assert!(at.contains("more than 30 days ago"), "{at}");
    let next = sandbox.fails(&["update", "--status", "s", "--next", "99999999999m"]);
    assert!(!next.is_empty());
    let far = sandbox.fails(&["update", "--status", "s", "--next", "9999-12-31T00:00:00Z"]);
    assert!(far.contains("more than 7 days away"), "{far}");
    let due = sandbox.fails(&["action", "add", "fix it", "--due", "+-5d"]);
    assert!(due.contains("due date"), "{due}");
    let past = sandbox.fails(&["action", "add", "fix it", "--due", "2001-01-01"]);
    assert!(past.contains("is in the past"), "{past}");
    let status = sandbox.json(&["status", "--json"]);
    assert!(status["last_update"].is_null(), "nothing was recorded");
}
