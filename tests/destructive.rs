//! `fireground run --destructive`: a step announced in the log, open to
//! objection during its countdown (from a teammate's own process), then
//! y/N; and `fireground object`, refused once the step has run.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;

fn declared() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P1"]);
    s
}

/// A file the step creates, so a test can tell whether it ran.
fn marker(s: &Sandbox) -> PathBuf {
    s.dir.path().join("restarted")
}

/// `fireground run --destructive ARGS -- touch MARKER` as devi, started.
fn start_step(s: &Sandbox, args: &[&str], stdin: Stdio) -> Child {
    s.process("devi")
        .arg("run")
        .arg("--destructive")
        .args(args)
        .arg("--")
        .arg("touch")
        .arg(marker(s))
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("starts")
}

/// Reads the step's stderr until it says its ref; the rest of its stderr
/// is given back when it ends.
fn step_ref(child: &mut Child) -> (String, BufReader<std::process::ChildStderr>) {
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "ended before announcing"
        );
        if let Some(rest) = line.split("announced step #").nth(1) {
            let r = rest.split(':').next().unwrap().to_string();
            return (r, err);
        }
    }
}

fn finish(mut child: Child, mut err: BufReader<std::process::ChildStderr>) -> (i32, String) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), rest)
}

fn events(s: &Sandbox, kind: &str) -> Vec<serde_json::Value> {
    s.events_of(kind)
}

fn timeline(s: &Sandbox) -> String {
    s.timeline_texts()
}

#[test]
fn a_teammate_objects_from_a_second_process_and_the_step_does_not_run() {
    let s = declared();
    let started = Instant::now();
    let mut child = start_step(&s, &["--countdown", "60"], Stdio::null());
    let (step, err) = step_ref(&mut child);
    let status = s.as_user("lee").arg("status").output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains(&format!(
            "to object (fireground object {step}): devi will run $ touch"
        )),
        "{status}"
    );
    s.as_user("lee")
        .args(["object", &step, "the backup is still running"])
        .assert()
        .success();
    let (code, said) = finish(child, err);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("not run: lee objected: the backup is still running"),
        "{said}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it stops when the objection comes, not at the end of the countdown"
    );
    assert!(!marker(&s).exists(), "the step did not run");
    let ran = events(&s, "command_ran");
    assert_eq!(ran.len(), 1);
    let announced = &events(&s, "step_announced")[0];
    assert_eq!(ran[0]["announced"], announced["id"]);
    assert_eq!(
        ran[0]["not_started"],
        "lee objected: the backup is still running"
    );
    assert!(ran[0].get("exit").is_none());
    let timeline = timeline(&s);
    assert!(
        timeline.contains(
            "→ announced (60 s to object), not run: lee objected: the backup is still running"
        ),
        "{timeline}"
    );
}

#[test]
fn an_unopposed_step_asks_y_n_and_runs_on_y_telling_the_whole_story() {
    let s = declared();
    let mut child = start_step(&s, &["--countdown", "1"], Stdio::piped());
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let (_, err) = step_ref(&mut child);
    let (code, said) = finish(child, err);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Run it now? [y/N]"), "{said}");
    assert!(marker(&s).exists(), "the step ran");
    let ran = &events(&s, "command_ran")[0];
    assert_eq!(ran["exit"], 0);
    assert_eq!(ran["destructive"], true);
    let timeline = timeline(&s);
    assert!(
        timeline.contains("→ announced (1 s to object; no objection), ran: exit 0 after"),
        "{timeline}"
    );
}

#[test]
fn n_or_no_answer_at_the_prompt_does_not_run_the_step() {
    let s = declared();
    for (stdin, why) in [
        (&b"n\n"[..], "declined at the prompt"),
        (&b""[..], "no answer at the y/N prompt"),
    ] {
        let mut child = start_step(&s, &["--countdown", "0"], Stdio::piped());
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let (_, err) = step_ref(&mut child);
        let (code, said) = finish(child, err);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains(&format!("not run: {why}")), "{said}");
    }
    assert!(!marker(&s).exists());
    let reasons: Vec<_> = events(&s, "command_ran")
        .iter()
        .map(|e| e["not_started"].clone())
        .collect();
    assert_eq!(
        reasons,
        ["declined at the prompt", "no answer at the y/N prompt"]
    );
}

#[test]
fn yes_skips_the_question_but_not_the_countdown() {
    let s = declared();
    let started = Instant::now();
    let mut child = start_step(&s, &["--countdown", "2", "--yes"], Stdio::null());
    let (_, err) = step_ref(&mut child);
    let (code, said) = finish(child, err);
    assert_eq!(code, 0, "{said}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(marker(&s).exists());
}

#[test]
fn ctrl_c_during_the_countdown_withdraws_the_step_and_records_it() {
    let s = declared();
    let mut child = start_step(&s, &["--countdown", "60"], Stdio::null());
    let (_, err) = step_ref(&mut child);
    // As a terminal does: SIGINT to the whole foreground process group.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGINT);
    }
    let (code, said) = finish(child, err);
    assert_eq!(code, 130, "{said}");
    assert!(!marker(&s).exists());
    assert_eq!(
        events(&s, "command_ran")[0]["not_started"],
        "withdrawn during the countdown"
    );
}

#[test]
fn an_objection_to_a_step_that_already_ran_is_refused_and_recorded_nowhere() {
    let s = declared();
    let mut child = start_step(&s, &["--countdown", "0", "--yes"], Stdio::null());
    let (step, err) = step_ref(&mut child);
    assert_eq!(finish(child, err).0, 0);
    let before = events(&s, "objected").len();
    let out = s
        .as_user("lee")
        .args(["object", &step, "too late"])
        .assert()
        .failure()
        .code(2)
        .get_output()
        .clone();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("step #{step} already ran (exit 0 after"))
            && said.contains("an objection can no longer stop it"),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "one sentence: {said}");
    assert_eq!(events(&s, "objected").len(), before);
}

#[test]
fn an_objection_to_an_entry_that_is_not_a_step_is_refused() {
    let s = declared();
    s.ok(&["log", "checking the dashboards"]);
    let doc = s.json(&["print", "--format", "json"]);
    let note = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "note")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let said = s.fails(&["object", &note]);
    assert!(
        said.contains("is not an announced destructive step"),
        "{said}"
    );
}

#[test]
fn a_step_killed_during_its_countdown_stays_open_to_objection() {
    let s = declared();
    let mut child = start_step(&s, &["--countdown", "60"], Stdio::null());
    let (step, _err) = step_ref(&mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!marker(&s).exists());
    assert!(
        events(&s, "command_ran").is_empty(),
        "nothing claims it ran"
    );
    s.as_user("lee").args(["object", &step]).assert().success();
    assert_eq!(events(&s, "objected").len(), 1);
}

#[test]
fn a_destructive_note_is_announced_and_a_teammate_can_object_to_it() {
    let s = declared();
    let out = s.ok(&["log", "--kind", "destructive", "flush the CDN cache"]);
    let step = events(&s, "step_announced")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let short = &step[10..16].to_ascii_lowercase();
    assert!(
        out.contains(&format!(
            "Announced step #{short}; anyone may object within 60 s: fireground object {short}"
        )),
        "{out}"
    );
    let out = s
        .as_user("lee")
        .args(["object", &step, "wait"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(timeline(&s).contains("Objected to #"), "{}", timeline(&s));
}

#[test]
fn an_objection_made_on_another_laptop_arrives_by_sync_and_stops_the_step() {
    let devi = declared();
    let lee = Sandbox::new();
    let shared = devi.dir.path().join("shared.jsonl");
    let shared = shared.to_str().unwrap();
    devi.ok(&["sync", shared]);
    let mut child = start_step(&devi, &["--countdown", "60"], Stdio::null());
    let (step, err) = step_ref(&mut child);
    // The announcement reaches lee's laptop through the shared file, and
    // lee's objection comes back the same way while the step waits.
    devi.ok(&["sync", shared]);
    lee.as_user("lee").args(["sync", shared]).assert().success();
    lee.as_user("lee")
        .args(["object", &step, "db-2 is still catching up"])
        .assert()
        .success();
    lee.as_user("lee").args(["sync", shared]).assert().success();
    devi.ok(&["sync", shared]);
    let (code, said) = finish(child, err);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("not run: lee objected: db-2 is still catching up"),
        "{said}"
    );
    assert!(!marker(&devi).exists());
}
