//! Files that are not what they seem: a shared sync file that is a symlink,
//! a device or a pipe, and `print --out` aimed at a device, a pipe, a
//! directory, a symlink or a private file.
//!
//! Every run of the binary has a deadline: a read of /dev/zero or a pipe
//! that never ends must show up as a failed test, not a hung one.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fireground::store::Store;
use fireground::tui::action::Background;
use fireground::tui::background_sync::SyncWorker;
use fireground::tui::sync_state::SyncHealth;

use crate::common::{Sandbox, declare, notes};

/// Long enough for a slow, shared machine; a spinning sync never gets there.
const DEADLINE: Duration = Duration::from_secs(30);

/// Runs `cmd` and waits at most [`DEADLINE`]; a run that overruns is killed
/// and fails the test, so a hang is reported as one.
fn run_with_deadline(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("fireground did not exit on its own within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `fireground ARGS` in the sandbox, with the deadline.
fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut cmd = sandbox.process("ana");
    cmd.args(args);
    run_with_deadline(cmd)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A sandbox whose log has something to push or print.
fn sandbox_with_an_incident() -> Sandbox {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.db().parent().unwrap()).unwrap();
    let mut store = Store::open(&sandbox.db()).unwrap();
    let inc = declare(&mut store, "ana");
    notes(&mut store, inc, "ana", 3);
    sandbox
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// A character device like /dev/`name` (major 1, `minor`). As root it is a
/// node of our own in `dir`, so that a regression replacing it with a
/// regular file harms nothing; otherwise the real one, which only root
/// could replace.
fn char_device(dir: &Path, name: &str, minor: u32) -> PathBuf {
    let node = dir.join(name);
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        node
    } else {
        PathBuf::from("/dev").join(name)
    }
}

// --- The shared sync file ---------------------------------------------------

#[test]
fn sync_through_a_symlink_to_a_copy_of_passwd_is_refused_and_appends_nothing() {
    let sandbox = sandbox_with_an_incident();
    let dir = sandbox.dir.path();
    let passwd = dir.join("passwd");
    let original = "root:x:0:0:root:/root:/bin/sh\n";
    std::fs::write(&passwd, original).unwrap();
    let link = dir.join("shared.jsonl");
    symlink(&passwd, &link).unwrap();

    let out = run(&sandbox, &["sync", path_str(&link)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains(path_str(&link)), "{message}");
    let real = passwd.canonicalize().unwrap();
    assert!(
        message.contains(&format!("pass the real path {} instead", real.display())),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "one sentence: {message}");
    assert_eq!(std::fs::read_to_string(&passwd).unwrap(), original);
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

#[test]
fn sync_with_the_real_path_behind_a_symlink_works() {
    let sandbox = sandbox_with_an_incident();
    let dir = sandbox.dir.path();
    let real = dir.join("real.jsonl");
    std::fs::write(&real, "").unwrap();
    let link = dir.join("shared.jsonl");
    symlink(&real, &link).unwrap();
    assert_eq!(
        run(&sandbox, &["sync", path_str(&link)]).status.code(),
        Some(2)
    );

    let out = run(&sandbox, &["sync", path_str(&real)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&real).unwrap().lines().count(), 4);
}

#[test]
fn sync_through_a_symlink_to_dev_zero_fails_at_once_instead_of_spinning() {
    let sandbox = sandbox_with_an_incident();
    let link = sandbox.dir.path().join("shared.jsonl");
    symlink("/dev/zero", &link).unwrap();
    let out = run(&sandbox, &["sync", path_str(&link)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
}

#[test]
fn sync_with_a_fifo_fails_at_once_instead_of_hanging() {
    let sandbox = sandbox_with_an_incident();
    let fifo = sandbox.dir.path().join("shared.jsonl");
    mkfifo(&fifo);
    let out = run(&sandbox, &["sync", path_str(&fifo)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains(path_str(&fifo)), "{message}");
    assert!(message.contains("named pipe"), "{message}");
    assert!(message.contains("regular file"), "{message}");
}

#[test]
fn sync_with_dev_null_is_refused_instead_of_pushing_into_nothing() {
    let sandbox = sandbox_with_an_incident();
    let out = run(&sandbox, &["sync", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("device"), "{}", stderr(&out));
    // Nothing was remembered: a bare `sync` still asks for a target.
    let again = run(&sandbox, &["sync"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("no sync target yet"));
}

#[test]
fn a_teammate_appending_a_huge_line_is_skipped_with_a_warning() {
    let sandbox = sandbox_with_an_incident();
    let shared = sandbox.dir.path().join("shared.jsonl");
    // Another responder's event after a line far bigger than any event.
    let mut other = Store::open_in_memory().unwrap();
    let inc = declare(&mut other, "bo");
    let theirs = other.events(inc).unwrap()[0].to_json();
    let huge = "x".repeat(5 << 20);
    std::fs::write(&shared, format!("{huge}\n{theirs}\n")).unwrap();

    let out = run(&sandbox, &["sync", path_str(&shared)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("line 1"), "names the line: {message}");
    assert!(message.contains("longer than any event"), "{message}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("pulled 1 event"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_console_shows_the_error_when_its_shared_file_became_a_symlink_to_dev_zero() {
    let sandbox = sandbox_with_an_incident();
    let link = sandbox.dir.path().join("shared.jsonl");
    symlink("/dev/zero", &link).unwrap();
    // Remembered from a time it was a real file.
    let store = Store::open(&sandbox.db()).unwrap();
    store
        .set_sync_target(&format!("file {}", link.display()))
        .unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _worker = SyncWorker::spawn(sandbox.db(), None, Duration::from_secs(3600), tx);
    let (first_tx, first) = mpsc::channel();
    std::thread::spawn(move || {
        if let Some(Background::Sync(state)) = rx.blocking_recv() {
            let _ = first_tx.send(state);
        }
    });
    let state = first
        .recv_timeout(DEADLINE)
        .expect("the background sync reports within the deadline");
    match state.health {
        SyncHealth::Failing(why) => {
            assert!(why.contains("symbolic link"), "{why}");
            assert!(why.contains("/dev/zero"), "{why}");
        }
        other => panic!("expected the error to be shown, got {other:?}"),
    }
}

// --- print --out -------------------------------------------------------------

fn print_to(sandbox: &Sandbox, out: &Path) -> Output {
    run(
        sandbox,
        &["print", "--format", "markdown", "--out", path_str(out)],
    )
}

#[test]
fn print_over_a_private_0600_file_keeps_it_0600_and_its_owner() {
    let sandbox = sandbox_with_an_incident();
    let draft = sandbox.dir.path().join("draft.md");
    std::fs::write(&draft, "old draft\n").unwrap();
    std::fs::set_permissions(&draft, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Only root can give the file away; elsewhere the owner is us anyway.
    let given_away = std::os::unix::fs::chown(&draft, Some(4242), Some(4343)).is_ok();

    let out = print_to(&sandbox, &draft);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::metadata(&draft).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    if given_away {
        assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
    }
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("Checkout failing"), "{text}");
}

#[test]
fn print_into_a_directory_is_refused() {
    let sandbox = sandbox_with_an_incident();
    let dir = sandbox.dir.path().join("drafts");
    std::fs::create_dir(&dir).unwrap();
    let out = print_to(&sandbox, &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("is a directory"), "{message}");
    assert!(message.contains("name a file"), "{message}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "left nothing");
}

#[test]
fn print_into_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    let sandbox = sandbox_with_an_incident();
    let fifo = sandbox.dir.path().join("pipe");
    mkfifo(&fifo);
    let (got_tx, got) = mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::fs::File::open(reader).and_then(|mut f| f.read_to_string(&mut text));
        let _ = got_tx.send(text);
    });

    let out = print_to(&sandbox, &fifo);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "still a pipe"
    );
    let text = got
        .recv_timeout(DEADLINE)
        .expect("the reader got the draft");
    assert!(text.contains("Checkout failing"), "{text}");
}

#[test]
fn print_into_dev_full_says_no_space_and_leaves_it_a_device() {
    let sandbox = sandbox_with_an_incident();
    let full = char_device(sandbox.dir.path(), "full", 7);
    let out = print_to(&sandbox, &full);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("no space"), "{message}");
    assert!(message.contains(path_str(&full)), "{message}");
    let kind = std::fs::symlink_metadata(&full).unwrap().file_type();
    assert!(kind.is_char_device(), "still a device");
}

#[test]
fn print_into_dev_null_succeeds_and_leaves_it_a_device() {
    let sandbox = sandbox_with_an_incident();
    let null = char_device(sandbox.dir.path(), "null", 3);
    let out = print_to(&sandbox, &null);
    assert!(out.status.success(), "{}", stderr(&out));
    let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
    assert!(kind.is_char_device(), "still a device");
}

#[test]
fn print_through_a_symlink_replaces_the_file_it_points_to_and_keeps_the_link() {
    let sandbox = sandbox_with_an_incident();
    let dir = sandbox.dir.path();
    std::fs::create_dir(dir.join("wiki")).unwrap();
    let real = dir.join("wiki/postmortem.md");
    std::fs::write(&real, "old draft\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("postmortem.md");
    symlink("wiki/postmortem.md", &link).unwrap();

    let out = print_to(&sandbox, &link);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains("Checkout failing"), "{text}");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("wiki")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn print_through_a_dangling_symlink_is_refused() {
    let sandbox = sandbox_with_an_incident();
    let link = sandbox.dir.path().join("postmortem.md");
    symlink("nowhere/postmortem.md", &link).unwrap();
    let out = print_to(&sandbox, &link);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}
