//! Stakeholder updates posted to webhook channels, through the real binary
//! and a loopback endpoint: what each kind of channel receives, a channel
//! that fails in each way a real one does, the outbox that keeps what did
//! not go out, secret URLs kept out of every output, and `sync --watch`
//! retrying and keeping the status page.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Sandbox;
use common::webhook::{Hook, Reply, Request};

/// The secret part of a webhook URL, as Slack's carry it in the path.
const SECRET: &str = "T0FIRE/B0GROUND/zzSECRETzzTOKENzz";

/// What a run said and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn said(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn run(s: &Sandbox, args: &[&str]) -> Run {
    let out = s.cmd().args(args).output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs expecting success.
fn ok(s: &Sandbox, args: &[&str]) -> Run {
    let r = run(s, args);
    assert_eq!(
        r.code,
        Some(0),
        "fireground {args:?} failed: {}{}",
        r.stdout,
        r.stderr
    );
    r
}

fn config_path(s: &Sandbox) -> PathBuf {
    s.dir.path().join("xdg-config/fireground/config.toml")
}

/// Writes the sandbox's config file (where fireground reads it by default).
fn write_config(s: &Sandbox, text: &str) {
    let path = config_path(s);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A config with the one channel `inc` of `kind` posting to `url`.
fn one_channel(s: &Sandbox, kind: &str, url: &str) {
    write_config(
        s,
        &format!("[channels.inc]\nkind = \"{kind}\"\nurl = \"{url}\"\ntimeout_seconds = 5\n"),
    );
}

/// A sandbox with a P1 declared and one channel of `kind` posting to
/// `path` on a fresh loopback endpoint.
fn declared_with_channel(kind: &str, path: &str) -> (Sandbox, Hook) {
    let s = Sandbox::new();
    let hook = Hook::start();
    declare(&s);
    one_channel(&s, kind, &hook.url(path));
    (s, hook)
}

/// A P1 incident, declared before any config exists.
fn declare(s: &Sandbox) {
    ok(
        s,
        &[
            "declare",
            "Checkout failing",
            "--severity",
            "P1",
            "--summary",
            "EU customers cannot pay",
        ],
    );
}

/// Records an update with this status, expecting success; what it said.
fn update(s: &Sandbox, status: &str) -> Run {
    ok(
        s,
        &[
            "update",
            "--status",
            status,
            "--impact",
            "EU customers cannot pay",
        ],
    )
}

/// The incident's events as `print --format json` gives them.
fn events(s: &Sandbox) -> Vec<serde_json::Value> {
    let doc: serde_json::Value =
        serde_json::from_str(&ok(s, &["print", "--format", "json"]).stdout).unwrap();
    doc["events"].as_array().unwrap().clone()
}

/// Fails unless the printed timeline holds `text`.
fn assert_printed(s: &Sandbox, text: &str) {
    let printed = ok(s, &["print"]).stdout;
    assert!(printed.contains(text), "{text:?} not in:\n{printed}");
}

fn of_kind(s: &Sandbox, kind: &str) -> Vec<serde_json::Value> {
    events(s)
        .into_iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

/// The outbox's rows, as `outbox --json` lists them.
fn outbox(s: &Sandbox) -> Vec<serde_json::Value> {
    let out = ok(s, &["outbox", "--json"]);
    serde_json::from_str::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The requests the endpoint has seen, after giving a stray one a moment.
fn settled(hook: &Hook) -> Vec<Request> {
    std::thread::sleep(Duration::from_millis(200));
    hook.requests()
}

#[test]
fn an_update_recorded_from_the_cli_arrives_once_at_a_slack_channel() {
    let (s, hook) = declared_with_channel("slack", "services/inc");
    let told = update(&s, "Rolled back deploy 42 & <watching>");
    assert!(
        told.stderr.contains("Update delivered to inc (HTTP 200)"),
        "{}",
        told.stderr
    );
    let requests = settled(&hook);
    assert_eq!(requests.len(), 1, "posted once");
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/services/inc");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let text = r.json()["text"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("[P1] Checkout failing (incident "),
        "{text}"
    );
    assert!(
        text.contains("Rolled back deploy 42 &amp; &lt;watching&gt;"),
        "escaped for Slack: {text}"
    );
    assert!(text.contains("EU customers cannot pay"), "{text}");
    assert!(text.contains("Next update: "), "{text}");
    let printed = ok(&s, &["print"]).stdout;
    assert!(printed.contains("Update delivered to inc"), "{printed}");
    assert!(outbox(&s).is_empty());
}

#[test]
fn an_update_recorded_from_the_cli_arrives_at_a_teams_channel_as_an_adaptive_card() {
    let (s, hook) = declared_with_channel("teams", "webhookb2/inc");
    update(&s, "Rolled back deploy 42");
    let requests = settled(&hook);
    assert_eq!(requests.len(), 1);
    let card = requests[0].json();
    assert_eq!(card["type"], "message");
    let attachment = &card["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(attachment["content"]["type"], "AdaptiveCard");
    let blocks: Vec<&str> = attachment["content"]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert!(blocks[0].starts_with("[P1] Checkout failing"), "{blocks:?}");
    assert!(
        blocks.iter().any(|b| b.contains("Rolled back deploy 42")),
        "{blocks:?}"
    );
    assert_printed(&s, "Update delivered to inc");
}

#[test]
fn an_update_recorded_from_the_cli_arrives_at_a_json_channel_with_its_event() {
    let (s, hook) = declared_with_channel("json", "hooks/fireground");
    update(&s, "Rolled back deploy 42");
    let requests = settled(&hook);
    assert_eq!(requests.len(), 1);
    let body = requests[0].json();
    let sent = of_kind(&s, "update_sent");
    assert_eq!(sent.len(), 1);
    assert_eq!(body["event"]["kind"], "update_sent");
    assert_eq!(body["event"]["id"], sent[0]["id"]);
    assert_eq!(body["event"]["status"], "Rolled back deploy 42");
    assert_eq!(body["incident"]["title"], "Checkout failing");
    assert_eq!(body["incident"]["severity"], "P1");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("Rolled back deploy 42")
    );
    let delivered = of_kind(&s, "update_delivery");
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["delivered"], true);
    assert_eq!(delivered[0]["update"], sent[0]["id"]);
    assert_printed(&s, "Update delivered to inc");
}

#[test]
fn a_channel_answering_503_keeps_the_update_until_outbox_retry_delivers_it_once() {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(Reply::Status(503));
    declare(&s);
    one_channel(&s, "slack", &hook.url("services/inc"));
    let told = update(&s, "Rolled back deploy 42");
    assert!(
        told.stderr
            .contains("update not delivered to inc: HTTP 503, retrying"),
        "{}",
        told.stderr
    );
    assert_eq!(of_kind(&s, "update_sent").len(), 1, "recorded all the same");
    let listed = ok(&s, &["outbox"]).stdout;
    assert!(
        listed.contains("1 update waiting") && listed.contains("HTTP 503"),
        "{listed}"
    );
    let printed = ok(&s, &["print"]).stdout;
    assert_eq!(
        printed.matches("not delivered").count(),
        1,
        "the first failure alone is logged: {printed}"
    );
    assert_eq!(settled(&hook).len(), 1, "listing posts nothing");

    hook.reply(Reply::Status(200));
    let retried = ok(&s, &["outbox", "--retry"]);
    assert!(
        retried
            .stderr
            .contains("Update delivered to inc (HTTP 200)"),
        "{}",
        retried.stderr
    );
    let requests = settled(&hook);
    assert_eq!(requests.len(), 2, "one failed post and one delivered");
    assert_eq!(requests[0].body, requests[1].body, "the same update");
    assert!(outbox(&s).is_empty());

    let again = ok(&s, &["outbox", "--retry"]);
    assert!(again.stderr.contains("Nothing waiting"), "{}", again.stderr);
    assert_eq!(settled(&hook).len(), 2, "nothing more posted");
    let deliveries = of_kind(&s, "update_delivery");
    let outcomes: Vec<bool> = deliveries
        .iter()
        .map(|d| d["delivered"].as_bool().unwrap())
        .collect();
    assert_eq!(outcomes, [false, true]);
    let printed = ok(&s, &["print"]).stdout;
    assert!(printed.contains("Update delivered to inc"), "{printed}");
}

#[test]
fn a_hanging_endpoint_costs_the_update_command_its_timeout_and_no_more() {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(Reply::Hang);
    declare(&s);
    write_config(
        &s,
        &format!(
            "[channels.inc]\nkind = \"slack\"\nurl = \"{}\"\ntimeout_seconds = 1\n",
            hook.url("services/inc")
        ),
    );
    let start = Instant::now();
    let told = update(&s, "Rolled back deploy 42");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        told.stderr.contains("no answer within 1 s"),
        "{}",
        told.stderr
    );
    assert_eq!(of_kind(&s, "update_sent").len(), 1);
    let queued = outbox(&s);
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["last_error"], "no answer within 1 s");
}

/// Records an update to a channel answering as `reply` does (or at `url`
/// if given) and returns what `update` said on stderr and the outbox.
fn update_against(reply: Reply, url: Option<&str>) -> (Sandbox, String, Vec<serde_json::Value>) {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(reply);
    declare(&s);
    let url = url.map_or_else(|| hook.url("services/inc"), str::to_string);
    one_channel(&s, "slack", &url);
    let told = update(&s, "Rolled back deploy 42");
    assert_eq!(of_kind(&s, "update_sent").len(), 1, "recorded");
    let queued = outbox(&s);
    (s, told.stderr, queued)
}

#[test]
fn an_endpoint_that_redirects_is_not_followed_and_the_update_is_queued() {
    let (_s, said, queued) = update_against(Reply::Redirect, None);
    assert!(
        said.contains("HTTP 302: the endpoint redirects; configure the URL it redirects to"),
        "{said}"
    );
    assert_eq!(queued.len(), 1);
    assert!(
        queued[0]["last_error"]
            .as_str()
            .unwrap()
            .starts_with("HTTP 302")
    );
}

#[test]
fn an_endpoint_answering_ten_megabytes_is_delivered_without_reading_them() {
    let start = Instant::now();
    let (s, said, queued) = update_against(Reply::Huge, None);
    assert!(
        said.contains("Update delivered to inc (HTTP 200)"),
        "{said}"
    );
    assert!(queued.is_empty());
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_printed(&s, "Update delivered to inc");
}

#[test]
fn an_endpoint_that_drops_the_connection_leaves_the_update_queued() {
    let (s, said, queued) = update_against(Reply::Close, None);
    assert!(said.contains("update not delivered to inc: "), "{said}");
    assert!(said.contains("retrying"), "{said}");
    assert_eq!(queued.len(), 1);
    let why = queued[0]["last_error"].as_str().unwrap();
    assert!(
        why.contains("closed the connection") || why.contains("reset"),
        "{why}"
    );
    let printed = ok(&s, &["print"]).stdout;
    assert!(printed.contains("Update not delivered to inc"), "{printed}");
}

#[test]
fn a_port_with_nothing_listening_is_connection_refused_and_the_update_queued() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/services/inc");
    let (_s, said, queued) = update_against(Reply::Status(200), Some(&url));
    assert!(
        said.contains("update not delivered to inc: connection refused, retrying"),
        "{said}"
    );
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["last_error"], "connection refused");
}

/// Whether `needle` is anywhere in the file's bytes (none if it is absent).
fn file_holds(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[test]
fn the_webhook_urls_secret_path_is_never_printed_nor_stored() {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(Reply::Status(503));
    declare(&s);
    one_channel(&s, "slack", &hook.url(&format!("services/{SECRET}")));
    let segment = "zzSECRETzzTOKENzz";
    let mut said = vec![update(&s, "Rolled back deploy 42").said()];
    said.push(ok(&s, &["outbox"]).said());
    said.push(ok(&s, &["outbox", "--json"]).said());
    // Fails once more, then is delivered.
    said.push(run(&s, &["outbox", "--retry"]).said());
    hook.reply(Reply::Status(200));
    said.push(ok(&s, &["outbox", "--retry"]).said());
    for args in [
        &["print"][..],
        &["print", "--format", "json"],
        &["print", "--format", "markdown"],
        &["status"],
        &["status", "--json"],
        &["config", "check"],
    ] {
        said.push(ok(&s, args).said());
    }
    let requests = settled(&hook);
    assert_eq!(requests.len(), 3);
    assert!(
        requests[0].path.ends_with(segment),
        "posted to the secret URL"
    );
    for out in &said {
        assert!(!out.contains(segment), "the secret was shown: {out}");
    }
    let check = &said[said.len() - 1];
    assert!(check.contains("127.0.0.1"), "the host may show: {check}");
    let db = s.db();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    assert!(db.exists());
    for file in [&db, &wal] {
        assert!(
            !file_holds(file, segment),
            "{} holds the secret",
            file.display()
        );
    }
}

#[test]
fn an_update_redacted_while_queued_is_never_posted_and_leaves_the_outbox() {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(Reply::Status(503));
    declare(&s);
    one_channel(&s, "slack", &hook.url("services/inc"));
    update(&s, "Rolled back deploy 42, password hunter2");
    let queued = outbox(&s);
    assert_eq!(queued.len(), 1);
    let update = queued[0]["update"].as_str().unwrap().to_string();
    ok(&s, &["redact", &update, "--reason", "a password"]);
    hook.reply(Reply::Status(200));
    let retried = ok(&s, &["outbox", "--retry"]);
    assert!(
        !retried.stderr.contains("delivered to inc"),
        "{}",
        retried.stderr
    );
    assert_eq!(settled(&hook).len(), 1, "only the failed post before it");
    assert!(outbox(&s).is_empty());
    let deliveries = of_kind(&s, "update_delivery");
    assert!(deliveries.iter().all(|d| d["delivered"] == false));
    assert_eq!(
        deliveries.last().unwrap()["detail"],
        "redacted before it was posted",
        "the review reads it as never told, and why"
    );
}

#[test]
fn a_config_with_a_mistake_refuses_the_update_and_records_nothing() {
    let s = Sandbox::new();
    let hook = Hook::start();
    declare(&s);
    write_config(
        &s,
        &format!(
            "[channels.inc]\nkind = \"slak\"\nurl = \"{}\"\n",
            hook.url("services/inc")
        ),
    );
    let refused = run(&s, &["update", "--status", "x"]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("config.toml: line 2, column 8"),
        "{}",
        refused.stderr
    );
    assert!(of_kind(&s, "update_sent").is_empty(), "nothing recorded");
    assert!(settled(&hook).is_empty());
}

#[test]
fn a_channel_url_from_an_unset_variable_queues_the_update_and_says_why() {
    let s = Sandbox::new();
    declare(&s);
    write_config(
        &s,
        "[channels.inc]\nkind = \"slack\"\nurl_env = \"FIREGROUND_TEST_UNSET_HOOK\"\n",
    );
    let told = update(&s, "Rolled back deploy 42");
    assert!(
        told.stderr
            .contains("environment variable FIREGROUND_TEST_UNSET_HOOK is not set"),
        "{}",
        told.stderr
    );
    assert_eq!(of_kind(&s, "update_sent").len(), 1, "recorded");
    let queued = outbox(&s);
    assert_eq!(queued.len(), 1);
    assert!(
        queued[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("is not set")
    );
}

/// `fireground sync SHARED --watch --every 1s`, its stderr to `stderr`.
fn watch(s: &Sandbox, shared: &std::path::Path, stderr: Stdio) -> std::process::Child {
    s.process("ana")
        .args(["sync", shared.to_str().unwrap(), "--watch", "--every", "1s"])
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Waits up to 30 s for `done`, killing the watcher if it never comes.
fn wait_until(child: &mut std::process::Child, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sync_watch_writes_the_status_page_and_retries_a_due_update() {
    let s = Sandbox::new();
    let hook = Hook::start();
    hook.reply(Reply::Status(503));
    declare(&s);
    let page = s.dir.path().join("www/status.html");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    write_config(
        &s,
        &format!(
            "status_page = \"{}\"\n\n[channels.inc]\nkind = \"slack\"\nurl = \"{}\"\ntimeout_seconds = 5\n",
            page.display(),
            hook.url("services/inc")
        ),
    );
    update(&s, "Rolled back deploy 42");
    assert_eq!(settled(&hook).len(), 1);
    // As if the wait after the failure had passed: the row is due now.
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.execute("UPDATE outbox SET next_ms = 0", []).unwrap();
    drop(db);
    hook.reply(Reply::Status(200));

    let shared = s.dir.path().join("shared.fgsync");
    let mut watcher = watch(&s, &shared, Stdio::piped());
    wait_until(&mut watcher, "the status page", || page.exists());
    wait_until(&mut watcher, "the retry", || hook.requests().len() == 2);
    wait_until(&mut watcher, "the outbox to empty", || {
        outbox(&s).is_empty()
    });
    watcher.kill().unwrap();
    let out = watcher.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Update delivered to inc (HTTP 200)"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Rolled back deploy 42"), "{html}");
    assert!(html.contains("Checkout failing"));
    assert_eq!(settled(&hook).len(), 2, "posted once more, not again");
}

#[test]
fn sync_watch_refuses_a_config_with_a_mistake_before_syncing() {
    let s = Sandbox::new();
    declare(&s);
    write_config(&s, "status_page = 3\n");
    let shared = s.dir.path().join("shared.fgsync");
    let refused = run(
        &s,
        &["sync", shared.to_str().unwrap(), "--watch", "--every", "1s"],
    );
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("config.toml: line 1, column 15"),
        "{}",
        refused.stderr
    );
    assert!(!shared.exists(), "nothing synced");
}

#[test]
fn sync_watch_warns_of_a_status_page_it_cannot_write_and_writes_it_once_it_can() {
    let s = Sandbox::new();
    declare(&s);
    ok(&s, &["update", "--status", "Rolled back deploy 42"]);
    // The page's folder is a file: the page cannot be written for now.
    let folder = s.dir.path().join("www");
    std::fs::write(&folder, "not a folder").unwrap();
    let page = folder.join("status.html");
    write_config(&s, &format!("status_page = \"{}\"\n", page.display()));
    let shared = s.dir.path().join("shared.fgsync");
    let mut watcher = watch(&s, &shared, Stdio::piped());
    wait_until(&mut watcher, "the first round", || shared.exists());
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        watcher.try_wait().unwrap().is_none(),
        "the watch goes on without its page"
    );
    std::fs::remove_file(&folder).unwrap();
    std::fs::create_dir(&folder).unwrap();
    wait_until(&mut watcher, "the status page", || page.exists());
    watcher.kill().unwrap();
    let out = watcher.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("warning: the status page").count(),
        1,
        "said once, not every round: {stderr}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Rolled back deploy 42"));
}

#[test]
fn sync_watch_rewrites_the_status_page_after_an_update_recorded_in_another_terminal() {
    let s = Sandbox::new();
    declare(&s);
    ok(&s, &["update", "--status", "Investigating the card errors"]);
    let page = s.dir.path().join("status.html");
    write_config(&s, &format!("status_page = \"{}\"\n", page.display()));
    let shared = s.dir.path().join("shared.fgsync");
    let mut watcher = watch(&s, &shared, Stdio::null());
    let shows = |words: &str| std::fs::read_to_string(&page).is_ok_and(|h| h.contains(words));
    wait_until(&mut watcher, "the first page", || {
        shows("Investigating the card errors")
    });
    ok(&s, &["update", "--status", "Rolled back deploy 42"]);
    wait_until(&mut watcher, "the page to show the new update", || {
        shows("Rolled back deploy 42")
    });
    watcher.kill().unwrap();
    watcher.wait().unwrap();
}
