//! `fireground run`: real commands run through the binary, and the event
//! each one leaves in the log.

mod common;

use std::os::unix::process::CommandExt;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;

fn declared() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    s
}

/// `fireground run ARGS` with the user's PATH, as from their shell.
fn run_cmd(s: &Sandbox) -> std::process::Command {
    let mut cmd = s.process("ana");
    cmd.arg("run")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn run(s: &Sandbox, args: &[&str]) -> Output {
    run_cmd(s).args(args).output().expect("runs")
}

/// The `command_ran` events of the open incident, oldest first.
fn ran(s: &Sandbox) -> Vec<serde_json::Value> {
    s.events_of("command_ran")
}

fn timeline(s: &Sandbox) -> String {
    s.timeline_texts()
}

#[test]
fn a_command_that_succeeds_passes_its_output_through_and_is_recorded_with_exit_0() {
    let s = declared();
    let out = run(&s, &["--", "sh", "-c", "echo deployed v42"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "deployed v42\n");
    let events = ran(&s);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["command"], "sh -c 'echo deployed v42'");
    assert_eq!(e["exit"], 0);
    assert_eq!(e["output"], "deployed v42");
    assert!(e["cwd"].as_str().unwrap().starts_with('/'));
    assert!(e["duration_ms"].as_u64().is_some());
    let timeline = timeline(&s);
    assert!(
        timeline.contains("$ sh -c 'echo deployed v42' → exit 0 after"),
        "{timeline}"
    );
}

#[test]
fn true_and_false_are_recorded_as_they_ended_and_false_s_code_is_passed_on() {
    let s = declared();
    assert_eq!(run(&s, &["--", "true"]).status.code(), Some(0));
    assert_eq!(run(&s, &["--", "false"]).status.code(), Some(1));
    let exits: Vec<_> = ran(&s).iter().map(|e| e["exit"].clone()).collect();
    assert_eq!(exits, [0, 1]);
}

#[test]
fn a_command_that_fails_with_output_on_both_streams_keeps_both_in_its_record() {
    let s = declared();
    let out = run(&s, &["--", "sh", "-c", "echo x; echo oops >&2; exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x\n");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("oops\n"));
    let e = &ran(&s)[0];
    assert_eq!(e["exit"], 3);
    let output = e["output"].as_str().unwrap();
    assert!(output.contains('x') && output.contains("oops"), "{output}");
    assert!(timeline(&s).contains("→ exit 3 after"));
}

#[test]
fn a_command_killed_by_sigterm_is_recorded_as_killed() {
    let s = declared();
    let out = run(&s, &["--", "sh", "-c", "echo bye; kill -TERM $$"]);
    assert_eq!(out.status.code(), Some(128 + 15));
    let e = &ran(&s)[0];
    assert_eq!(e["signal"], 15);
    assert!(e.get("exit").is_none(), "{e}");
    assert!(timeline(&s).contains("→ killed by SIGTERM after"));
}

#[test]
fn ctrl_c_stops_the_command_and_fireground_still_records_it() {
    let s = declared();
    // As a terminal does: SIGINT to the whole foreground process group.
    let mut child = run_cmd(&s)
        .args(["--", "sleep", "30"])
        .process_group(0)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: signalling the process group the test just made.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGINT);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "run did not end after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(128 + 2));
    let e = &ran(&s)[0];
    assert_eq!(e["signal"], 2);
    assert!(timeline(&s).contains("$ sleep 30 → killed by SIGINT"));
}

#[test]
fn a_command_that_does_not_exist_is_recorded_as_not_started_with_code_127() {
    let s = declared();
    let out = run(&s, &["--", "no-such-command-here"]);
    assert_eq!(out.status.code(), Some(127));
    let e = &ran(&s)[0];
    assert_eq!(e["not_started"], "command not found: no-such-command-here");
}

#[test]
fn run_with_no_command_is_refused_and_records_nothing() {
    let s = declared();
    assert_eq!(run(&s, &[]).status.code(), Some(2));
    assert!(ran(&s).is_empty());
}

#[test]
fn run_with_no_incident_open_refuses_before_running_anything() {
    let s = Sandbox::new();
    let marker = s.dir.path().join("ran");
    let out = run(&s, &["--", "touch", marker.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!marker.exists(), "the command did not run");
}

#[test]
fn a_masked_word_and_a_likely_secret_in_the_command_are_recorded_as_stars() {
    let s = declared();
    let out = run(
        &s,
        &[
            "--mask",
            "hunter2",
            "--",
            "sh",
            "-c",
            "echo login hunter2; echo key AKIAIOSFODNN7EXAMPLE",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let e = &ran(&s)[0];
    let recorded = e.to_string();
    assert!(!recorded.contains("hunter2"), "{recorded}");
    assert!(!recorded.contains("AKIAIOSFODNN7EXAMPLE"), "{recorded}");
    assert!(recorded.contains("****"), "{recorded}");
}

#[test]
fn binary_output_and_a_hundred_megabytes_keep_the_record_to_its_last_lines() {
    let s = declared();
    let out = run_cmd(&s)
        .args(["--", "sh", "-c"])
        .arg("head -c 100000000 /dev/zero | tr '\\0' 'x' | fold -w 1000; printf '\\n\\001\\377\\033[31mend\\n'")
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let e = &ran(&s)[0];
    let output = e["output"].as_str().unwrap();
    assert_eq!(output.lines().count(), 20, "the last 20 lines");
    assert!(output.len() < 20 * 1300, "{} bytes", output.len());
    let last = output.lines().last().unwrap();
    assert!(last.ends_with("end") && !last.contains('\x1b'), "{last:?}");
}
