//! The real console on a pseudo-terminal: start it, type keys, read the
//! screen through a VT parser, quit, and check the terminal was given back.

mod common;

use std::time::Duration;

use common::pty::{Console, Screen, cli};
#[test]
fn the_console_shows_the_incident_records_keys_sees_other_writers_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path()).arg("demo").assert().success();
    let mut console = Console::start(dir.path(), 120, 40);
    console.wait_for("Comms cadence");
    // The frame's text and the hiding of the cursor after it may reach the
    // terminal in two reads: wait for the second.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !console.screen.lock().unwrap().screen().hide_cursor()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    {
        let parser = console.screen.lock().unwrap();
        let screen = parser.screen();
        assert!(
            screen.alternate_screen(),
            "the console draws on the alternate screen"
        );
        assert!(screen.hide_cursor(), "the cursor is hidden");
    }
    let contents = console.contents();
    for text in [
        "Checkout failing for card payments",
        "Timeline",
        "Roles",
        "CAN reports",
        "Checklist",
        "next update due in",
        "? more",
    ] {
        assert!(contents.contains(text), "{text} is missing:\n{contents}");
    }

    // Hand the scribe role over, without the mouse.
    console.send("a");
    console.wait_for("Assign which role?");
    for c in "scribe".chars() {
        console.send(&c.to_string());
    }
    console.send("\r");
    console.wait_for("Who takes Scribe from lee?");
    console.send("z");
    console.send("o");
    console.send("e");
    console.send("\r");
    console.wait_for("zoe holds Scribe.");

    // Another process writes; the console shows it without a key press.
    cli(dir.path())
        .args(["log", "written by the command line"])
        .assert()
        .success();
    console.wait_for("written by the command line");

    console.send("?");
    console.wait_for("any key closes");
    console.send(" ");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
    let screen = console.drain();
    let parser = screen.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "the alternate screen was left"
    );
    assert!(!parser.screen().hide_cursor(), "the cursor is shown again");

    let status = cli(dir.path()).arg("status").assert().success();
    let out = String::from_utf8(status.get_output().stdout.clone()).unwrap();
    assert!(
        out.lines()
            .any(|l| l.contains("Scribe") && l.contains("zoe")),
        "{out}"
    );
}

/// The text a base64 clipboard payload holds.
fn decoded(payload: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn ctrl_o_in_the_update_form_puts_the_update_on_the_terminals_clipboard() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path())
        .args(["declare", "Checkout failing", "-s", "P1"])
        .args(["--summary", "5% of card payments fail"])
        .assert()
        .success();
    let mut console = Console::start(dir.path(), 120, 40);
    console.wait_for("Checkout failing");
    console.send("u");
    console.wait_for("Stakeholder update");
    console.send("\x0f");
    console.wait_for("Update copied.");
    let copied = console.copied();
    assert_eq!(copied.len(), 1, "{copied:?}");
    let text = decoded(&copied[0]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Status: P1 Checkout failing: Detect. Open since"),
        "{text}"
    );
    assert_eq!(
        lines[1..3],
        [
            "Impact: 5% of card payments fail",
            "Action: Responders are investigating."
        ]
    );
    assert!(lines[3].starts_with("Next update: "), "{text}");
    assert_eq!(console.bells(), 0, "the copy rings no bell");
    console.send("\x1b");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
}

#[test]
fn update_copy_on_a_terminal_puts_the_update_on_its_clipboard() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path())
        .args(["declare", "Checkout failing", "-s", "P1"])
        .assert()
        .success();
    let mut run = Console::command(
        dir.path(),
        &["update", "--copy", "--status", "Rolling back"],
    );
    assert_eq!(run.wait_exit(), 0);
    let screen = run.drain();
    let parser = screen.lock().unwrap();
    let copied = &parser.callbacks().copies;
    assert_eq!(copied.len(), 1);
    let text = decoded(std::str::from_utf8(&copied[0].1).unwrap());
    assert!(text.starts_with("Status: Rolling back\nImpact: "), "{text}");
    assert!(parser.screen().contents().contains("Update copied."));
}

#[test]
fn a_small_terminal_asks_to_be_bigger_and_a_resize_brings_the_console_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::start(dir.path(), 60, 20);
    console.wait_for("Make the terminal bigger.");
    console.resize(80, 24);
    console.wait_for("No incident is open.");
    console.wait_for("fireground demo");
    console.send("q");
    assert_eq!(console.wait_exit(), 0);
    let screen = console.drain();
    assert!(!screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn without_a_terminal_it_says_to_use_a_command_instead() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path()).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        err,
        "fireground: the console needs a terminal; in scripts use a command such as `fireground status`\n"
    );
    assert!(
        out.get_output().stdout.is_empty(),
        "no escape sequences written"
    );
}

/// Every cell's colours: (foreground, background) not the terminal's own.
fn coloured_cells(screen: &Screen) -> usize {
    let parser = screen.lock().unwrap();
    let s = parser.screen();
    let (rows, cols) = s.size();
    let (rows, cols) = (rows.get(), cols.get());
    let mut n = 0;
    for row in 0..rows {
        for col in 0..cols {
            if let Some(cell) = s.cell(row, col)
                && (cell.fgcolor() != vt100::Color::Default
                    || cell.bgcolor() != vt100::Color::Default)
            {
                n += 1;
            }
        }
    }
    n
}

/// Cells drawn in one of the six plain (dim on most terminals) colours.
fn plain_coloured_cells(screen: &Screen) -> usize {
    let parser = screen.lock().unwrap();
    let s = parser.screen();
    let (rows, cols) = s.size();
    (0..rows.get())
        .flat_map(|row| (0..cols.get()).map(move |col| (row, col)))
        .filter_map(|(row, col)| s.cell(row, col))
        .filter(|cell| matches!(cell.fgcolor(), vt100::Color::Idx(1..=6)))
        .count()
}

#[test]
fn no_color_is_honoured_over_any_theme_and_high_contrast_brightens_every_colour() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path()).arg("demo").assert().success();
    let mut console = Console::start(dir.path(), 120, 40);
    console.wait_for("Comms cadence");
    assert!(
        plain_coloured_cells(&console.screen) > 0,
        "the default theme"
    );
    console.send("\x03");
    assert_eq!(console.wait_exit(), 0);

    let config = dir.path().join("fireground");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "theme = \"high-contrast\"\n").unwrap();
    let mut console = Console::start(dir.path(), 120, 40);
    console.wait_for("Comms cadence");
    assert!(coloured_cells(&console.screen) > 0);
    assert_eq!(plain_coloured_cells(&console.screen), 0);
    console.send("\x03");
    assert_eq!(console.wait_exit(), 0);

    let mut console = Console::start_with(dir.path(), 120, 40, &[("NO_COLOR", "1")]);
    console.wait_for("Comms cadence");
    assert_eq!(coloured_cells(&console.screen), 0);
    console.send("\x03");
    assert_eq!(console.wait_exit(), 0);
}

#[test]
fn an_unknown_incident_is_one_sentence_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["--incident", "zzzz"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.starts_with("fireground: ") && err.contains("zzzz"),
        "{err}"
    );
    assert!(out.get_output().stdout.is_empty());
}

#[test]
fn an_overdue_update_is_red_and_rings_the_bell_once() {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path())
        .args(["declare", "Search down", "--severity", "P1", "--at", "-31m"])
        .assert()
        .success();
    let mut console = Console::start(dir.path(), 100, 30);
    console.wait_for("update OVERDUE by 01:0");
    // Three ticks later it is still late, and has rung only once.
    std::thread::sleep(Duration::from_millis(3200));
    assert!(console.contents().contains("update OVERDUE by 01:0"));
    assert_eq!(console.bells(), 1);
    {
        let parser = console.screen.lock().unwrap();
        let screen = parser.screen();
        let row = (0..30)
            .find(|&r| screen.contents_between(r, 0, r, 100).contains("OVERDUE"))
            .unwrap();
        let line = screen.contents_between(row, 0, row, 100);
        let at = line.find("update OVERDUE").unwrap();
        let col = line[..at].chars().count();
        let cell = screen.cell(row, col as u16).unwrap();
        assert_eq!(cell.fgcolor(), vt100::Color::Idx(1), "red");
    }
    // Run at night, the 31 minutes held also pass the night break
    // threshold: the break prompt is up, and takes no q. Ctrl-C quits
    // from anywhere.
    console.send("\x03");
    assert_eq!(console.wait_exit(), 0);
}

#[test]
fn being_terminated_or_hung_up_still_restores_the_terminal() {
    for signal in ["TERM", "HUP"] {
        let dir = tempfile::tempdir().unwrap();
        cli(dir.path()).arg("demo").assert().success();
        let mut console = Console::start(dir.path(), 100, 30);
        console.wait_for("Comms cadence");
        let pid = console.child.process_id().expect("a running console");
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        console.wait_exit();
        let screen = console.drain();
        let parser = screen.lock().unwrap();
        assert!(
            !parser.screen().alternate_screen(),
            "SIG{signal}: the alternate screen was left"
        );
        assert!(
            !parser.screen().hide_cursor(),
            "SIG{signal}: the cursor is shown again"
        );
    }
}

#[test]
fn without_a_name_to_record_under_it_says_so_before_the_terminal_is_touched() {
    // No --as, no $USER and a user id the password database does not know:
    // only root can be one, so elsewhere this has nothing to try.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to run as a user with no name");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fireground"));
    std::os::unix::process::CommandExt::uid(&mut cmd, 4_242_424);
    let out = cmd
        .env("FIREGROUND_DB", dir.path().join("fg.db"))
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env_remove("FIREGROUND_USER")
        .env_remove("USER")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--as NAME"), "{err}");
    assert!(out.stdout.is_empty());
}
