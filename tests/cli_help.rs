//! The command line explains itself: every argument of every subcommand
//! says what it is, the playbook's ids can be listed, and a role can be
//! named the way people say it.

mod common;

use common::Sandbox;

/// The subcommands a help text lists under `Commands:`, but `help`.
fn subcommands(help: &str) -> Vec<String> {
    section(help, "Commands:")
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The lines of a help text under a heading, up to the blank line.
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

/// Every argument, option or command a help text lists, under any heading,
/// with whether it says what it is: on its own line (`-h`, and `--help`
/// mostly) or on the lines below it (`--help` where there is more to say).
fn listed(help: &str) -> Vec<(&str, bool)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let lines: Vec<&str> = help.lines().collect();
    let mut in_list = false;
    let mut listed = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if indent(line) == 0 {
            in_list = line.ends_with(':') && !line.starts_with("Usage:");
        } else if in_list && indent(line) <= 6 {
            let inline = line
                .trim()
                .split_once("  ")
                .is_some_and(|(_, said)| describes(said));
            let below = lines
                .get(i + 1)
                .is_some_and(|next| indent(next) > 6 && describes(next));
            listed.push((*line, inline || below));
        }
    }
    listed
}

/// Whether text says something of its own, not only what clap adds
/// (`[default: …]`, `[possible values: …]`, `Possible values:`).
fn describes(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && !text.starts_with('[') && !text.starts_with("Possible values:")
}

/// Every command path with its help, depth first: `[]`, `["declare"]`,
/// `["action", "add"]`…
fn every_help(s: &Sandbox) -> Vec<(Vec<String>, String)> {
    let mut todo = vec![Vec::<String>::new()];
    let mut all = Vec::new();
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = s.ok(&args);
        for sub in subcommands(&help) {
            let mut deeper = path.clone();
            deeper.push(sub);
            todo.push(deeper);
        }
        all.push((path, help));
    }
    all
}

#[test]
fn every_argument_of_every_subcommand_says_what_it_is() {
    let s = Sandbox::new();
    let all = every_help(&s);
    assert!(all.len() > 20, "found the subcommands: {}", all.len());
    for (path, help) in &all {
        let lines = listed(help);
        assert!(!lines.is_empty(), "{path:?} lists something:\n{help}");
        for (line, said) in lines {
            assert!(
                said,
                "`fireground {}` has an argument without a description: {line:?}\n{help}",
                path.join(" ")
            );
        }
    }
}

#[test]
fn the_global_options_read_as_optional() {
    let s = Sandbox::new();
    let help = s.ok(&["assign", "--help"]);
    assert!(
        help.contains("Usage: fireground assign [OPTIONS] <ROLE> <PERSON>\n"),
        "{help}"
    );
    let globals = section(&help, "Global options (optional):").join("\n");
    for option in ["--db <PATH>", "--as <NAME>", "--incident <REF>"] {
        assert!(
            globals.contains(option),
            "{option} under its heading: {help}"
        );
    }
    let options = section(&help, "Options:").join("\n");
    assert!(!options.contains("--db"), "{help}");
}

#[test]
fn the_help_of_assign_severity_and_stage_says_where_the_ids_are_listed() {
    let s = Sandbox::new();
    for command in ["assign", "severity", "stage"] {
        let help = s.ok(&[command, "--help"]);
        assert!(help.contains("`fireground playbook show`"), "{help}");
    }
}

#[test]
fn playbook_show_lists_the_severities_roles_and_stages() {
    let s = Sandbox::new();
    let out = s.ok(&["playbook", "show"]);
    for shown in [
        "Severities",
        "P1  Critical  every 30 min",
        "P3  Minor     no fixed cadence",
        "comms",
        "Communications lead",
        "sme:<area>",
        "detect",
        "3 items",
        "action-items  Action items  2 items",
        "due after 90 min on shift without one; 30 at night (22:00-06:00)",
    ] {
        assert!(out.contains(shown), "{shown:?} in:\n{out}");
    }
    assert_eq!(s.ok(&["playbook", "show", "DEFAULT"]), out);
    let doc = s.json(&["playbook", "show", "--json"]);
    assert_eq!(doc["name"], "default");
    assert_eq!(doc["severities"][0]["id"], "P1");
    assert_eq!(doc["severities"][0]["update_minutes"], 30);
    assert!(doc["severities"][2]["update_minutes"].is_null());
    assert_eq!(doc["roles"][1]["id"], "comms");
    assert_eq!(doc["roles"][4]["assign_as"], "sme:<area>");
    assert_eq!(doc["stages"][0]["id"], "detect");
    assert_eq!(doc["stages"][0]["checklist_items"], 3);
    assert_eq!(doc["wellbeing"]["break_after_minutes"], 90);
    let e = s.fails(&["playbook", "show", "nope"]);
    assert!(
        e.contains("no playbook named 'nope'; available: default"),
        "{e}"
    );
}

#[test]
fn a_role_is_assigned_by_the_words_people_call_it() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing"]);
    s.ok(&["assign", "comms lead", "sam"]);
    s.ok(&["assign", "technical", "devi"]);
    s.ok(&["assign", "expert: Database", "omar"]);
    let status = s.json(&["status", "--json"]);
    let holder = |role: &str| common::holder(&status, role);
    assert_eq!(holder("comms").as_deref(), Some("sam"), "{status}");
    assert_eq!(holder("tech").as_deref(), Some("devi"), "{status}");
    assert_eq!(holder("sme:database").as_deref(), Some("omar"), "{status}");
    let e = s.fails(&["assign", "communications", "sam"]);
    assert!(e.contains("sam already holds"), "the same role: {e}");
}

#[test]
fn a_role_that_could_be_several_or_none_is_refused_with_the_choices() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing"]);
    let e = s.fails(&["assign", "lead", "sam"]);
    assert!(
        e.contains(
            "role 'lead' could be more than one: comms (Communications lead), tech (Technical lead)"
        ),
        "{e}"
    );
    let e = s.fails(&["assign", "janitor", "sam"]);
    assert!(
        e.contains(
            "unknown role 'janitor'; valid roles are: commander, comms, tech, scribe, sme:<area>"
        ),
        "{e}"
    );
}

#[test]
fn severities_and_stages_are_found_by_the_start_of_their_names_too() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing", "--severity", "major"]);
    s.ok(&["severity", "crit"]);
    s.ok(&["stage", "mitig"]);
    let status = s.json(&["status", "--json"]);
    assert_eq!(status["severity"], "P1");
    assert_eq!(status["stage"], "mitigate");
    let e = s.fails(&["severity", "m"]);
    assert!(e.contains("P2 (Major), P3 (Minor)"), "{e}");
}
