//! Secrets caught before they are written, from the command line: a likely
//! secret in any text a command records is refused in one sentence that
//! names what and where but never repeats it, and nothing is written,
//! unless --allow-secret keeps it or --mask-secrets masks it. Test secrets
//! are put together from pieces, so the repository holds none a scanner
//! would flag.

mod common;

use common::Sandbox;

fn github_token() -> String {
    format!("ghp_{}", "aB3dE5".repeat(6))
}

fn events(s: &Sandbox) -> usize {
    s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .expect("events")
        .len()
}

fn notes(s: &Sandbox) -> Vec<String> {
    s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "note")
        .filter_map(|e| e["text"].as_str().map(str::to_string))
        .collect()
}

fn declared() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "P2"]);
    s
}

#[test]
fn a_github_token_pasted_into_a_note_from_the_cli_is_refused() {
    let s = declared();
    let before = events(&s);
    let note = format!("rotated; the new one is {}", github_token());
    let said = s.fails(&["log", &note]);
    assert_eq!(
        said.trim_end(),
        "fireground: characters 25–64 of the note look like a GitHub token; \
         pass --mask-secrets to record them as ****, or --allow-secret to record them as written"
    );
    assert!(
        !said.contains(&github_token()[4..]),
        "the refusal repeats it"
    );
    assert_eq!(events(&s), before, "something was recorded");
}

#[test]
fn allow_secret_records_the_text_as_written() {
    let s = declared();
    let note = format!("the bot uses {}", github_token());
    s.ok(&["log", &note, "--allow-secret"]);
    assert_eq!(notes(&s), [note]);
}

#[test]
fn mask_secrets_records_the_text_with_the_secret_masked() {
    let s = declared();
    let url = format!("postgres://app:{}@db1:5432/main", "s3".repeat(5));
    s.ok(&["log", &format!("failover to {url}"), "--mask-secrets"]);
    assert_eq!(notes(&s), ["failover to postgres://app:****@db1:5432/main"]);
}

#[test]
fn prose_that_mentions_passwords_is_recorded_from_the_cli_without_a_flag() {
    let s = declared();
    s.ok(&["log", "the password rotation failed; token bucket drained"]);
    s.ok(&["log", "password= left empty in the config"]);
    assert_eq!(notes(&s).len(), 2);
}

#[test]
fn every_command_that_records_text_refuses_a_secret_and_takes_allow_secret() {
    let s = declared();
    s.ok(&["log", "an entry to amend"]);
    let refs = s.ok(&["print", "--refs"]);
    let entry = refs
        .lines()
        .find(|l| l.contains("an entry to amend"))
        .and_then(|l| l.split_whitespace().next())
        .expect("the entry's ref")
        .to_string();
    let secret = format!("api_key={}", "k7".repeat(8));
    let secret = secret.as_str();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("the title", vec!["declare", secret]),
        (
            "the needs",
            vec![
                "can",
                "--conditions",
                "c",
                "--actions",
                "a",
                "--needs",
                secret,
            ],
        ),
        ("the status", vec!["update", "--status", secret]),
        ("the URL", vec!["link", "grafana", secret]),
        ("the action item", vec!["action", "add", secret]),
        ("the new text", vec!["amend", &entry, secret]),
        ("the reason", vec!["redact", &entry, "--reason", secret]),
        ("the summary", vec!["resolve", "--summary", secret]),
    ];
    for (field, args) in cases {
        let before = events(&s);
        let said = s.fails(&args);
        assert!(
            said.contains(&format!("of {field} look like a credential")),
            "{args:?}: {said}"
        );
        assert!(
            !said.contains("k7k7"),
            "{args:?} repeats the secret: {said}"
        );
        assert_eq!(events(&s), before, "{args:?} recorded");
    }
    // And each takes the flag that records it anyway.
    for args in [
        vec!["link", "grafana", secret, "--allow-secret"],
        vec!["action", "add", secret, "--allow-secret"],
        vec!["resolve", "--summary", secret, "--allow-secret"],
    ] {
        s.ok(&args);
    }
}

#[test]
fn allow_secret_and_mask_secrets_together_are_refused() {
    let s = declared();
    let out = s
        .cmd()
        .args(["log", "x", "--allow-secret", "--mask-secrets"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}
