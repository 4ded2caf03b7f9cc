//! The config file through the real binary: where it is read from, and
//! `config check` on a good file, a bad one, and secret URLs.

mod common;

use std::path::PathBuf;

use common::Sandbox;

/// Where the sandbox's fireground reads its config file by default.
fn default_path(s: &Sandbox) -> PathBuf {
    s.dir.path().join("xdg-config/fireground/config.toml")
}

fn write_config(s: &Sandbox, text: &str) -> PathBuf {
    let path = default_path(s);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `config check`, with `FIREGROUND_CONFIG` if given.
fn check(s: &Sandbox, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = s.cmd();
    cmd.envs(env.iter().copied()).args(["config", "check"]);
    cmd.output().expect("runs")
}

/// The stderr of a `config check` refused with exit code 2, which must
/// begin with `FILE: line L, column C: ` and print nothing on stdout.
fn refused_at(out: std::process::Output, file: &std::path::Path, at: &str) -> String {
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let expected = format!("fireground: {}: {at}", file.display());
    assert!(err.starts_with(&expected), "{err}");
    err
}

const SECRET: &str = "T000/B000/XXXXSECRETXXXX";

#[test]
fn config_path_prints_the_xdg_file_or_fireground_config() {
    let s = Sandbox::new();
    let out = s.ok(&["config", "path"]);
    assert_eq!(out.trim(), default_path(&s).display().to_string());
    let out = s
        .cmd()
        .env("FIREGROUND_CONFIG", "/etc/fireground.toml")
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "/etc/fireground.toml"
    );
}

#[test]
fn checking_without_a_config_file_says_none_is_needed() {
    let s = Sandbox::new();
    let out = s.ok(&["config", "check"]);
    assert!(out.contains("no config file (none is needed)"), "{out}");
}

#[test]
fn a_good_config_lists_each_channel_with_its_url_masked_and_where_it_comes_from() {
    let s = Sandbox::new();
    write_config(
        &s,
        &format!(
            r#"status_page = "~/pages/status.html"

[channels.inc]
kind = "slack"
url_env = "FIREGROUND_INC_WEBHOOK"

[channels.execs]
kind = "teams"
url = "https://example.webhook.office.com/webhookb2/{SECRET}"
timeout_seconds = 20

[channels.ops]
kind = "json"
url_file = "~/ops.url"
"#
        ),
    );
    let hook = format!("https://hooks.slack.com/services/{SECRET}");
    let out = check(&s, &[("FIREGROUND_INC_WEBHOOK", &hook)]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("valid, 3 channels"), "{text}");
    assert!(
        text.contains(
            "inc    slack  https://hooks.slack.com/…  (url from $FIREGROUND_INC_WEBHOOK)"
        ),
        "{text}"
    );
    assert!(
        text.contains("execs  teams  https://example.webhook.office.com/…  (url inline)"),
        "{text}"
    );
    assert!(
        text.contains("ops    json   ?  (url from ~/ops.url)  NOT RESOLVED: the URL file"),
        "{text}"
    );
    let page = s.dir.path().join("pages/status.html");
    assert!(
        text.contains(&format!("status page: {}", page.display())),
        "{text}"
    );
    assert!(
        !text.contains("SECRET"),
        "a webhook URL is never printed whole: {text}"
    );
}

#[test]
fn checking_as_json_shows_each_channel_and_whether_its_url_resolves() {
    let s = Sandbox::new();
    std::fs::write(
        s.dir.path().join("ops.url"),
        format!("https://hooks.example.com/{SECRET}\n"),
    )
    .unwrap();
    write_config(
        &s,
        "[channels.ops]\nkind = \"google-chat\"\nurl_file = \"~/ops.url\"\n\
         [channels.inc]\nkind = \"slack\"\nurl_env = \"UNSET_HOOK\"\n",
    );
    let out = s.ok(&["config", "check", "--json"]);
    assert!(!out.contains("SECRET"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["found"], true);
    let channels = json["channels"].as_array().unwrap();
    assert_eq!(channels[0]["channel"]["name"], "inc");
    assert_eq!(channels[0]["resolves"], false);
    assert_eq!(
        channels[0]["error"],
        "environment variable UNSET_HOOK is not set"
    );
    assert_eq!(channels[1]["channel"]["kind"], "slack");
    assert_eq!(channels[1]["resolves"], true);
    assert_eq!(channels[1]["resolved_url"], "https://hooks.example.com/…");
}

#[test]
fn a_config_with_a_typo_in_a_key_is_refused_at_its_line_and_column() {
    let s = Sandbox::new();
    let path = write_config(
        &s,
        "[channels.inc]\nkind = \"slack\"\n  url_evn = \"FIREGROUND_INC_WEBHOOK\"\n",
    );
    let err = refused_at(
        check(&s, &[]),
        &path,
        "line 3, column 3: unknown field `url_evn`",
    );
    assert!(
        err.contains("`url_env`"),
        "the known keys are listed: {err}"
    );
}

#[test]
fn a_config_with_an_unknown_top_level_key_is_refused_listing_the_known_ones() {
    let s = Sandbox::new();
    let path = write_config(&s, "\nstatus-page = \"x.html\"\n");
    let err = refused_at(check(&s, &[]), &path, "line 2, column 1:");
    assert!(
        err.contains("status_page") && err.contains("channels"),
        "{err}"
    );
}

#[test]
fn a_config_with_a_bad_inline_url_is_refused_without_printing_the_url() {
    let s = Sandbox::new();
    let path = write_config(
        &s,
        &format!(
            "[channels.inc]\nkind = \"slack\"\nurl = \"ftp://hooks.slack.com/services/{SECRET}\"\n"
        ),
    );
    let err = refused_at(check(&s, &[]), &path, "line 3, column 7: channel inc:");
    assert!(err.contains("ftp://hooks.slack.com/…"), "{err}");
    assert!(
        !err.contains("SECRET") && !err.contains("services"),
        "{err}"
    );
}

#[test]
fn a_config_named_by_fireground_config_is_the_one_checked() {
    let s = Sandbox::new();
    let path = s.dir.path().join("elsewhere.toml");
    std::fs::write(&path, "[channels.x]\nkind = \"slack\"\n").unwrap();
    let env = [("FIREGROUND_CONFIG", path.to_str().unwrap())];
    refused_at(
        check(&s, &env),
        &path,
        "line 1, column 11: channel x needs one of url, url_env or url_file",
    );
}

#[test]
fn a_playbook_s_channels_show_with_an_inline_url_masked() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("xdg-config/fireground/playbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let text =
        include_str!("../playbooks/default.toml").replace("name = \"default\"", "name = \"team\"");
    let text = format!(
        "{text}\n[channels.team]\nkind = \"rocketchat\"\nurl = \"https://chat.example.com/hooks/{SECRET}\"\n"
    );
    std::fs::write(dir.join("team.toml"), text).unwrap();
    for args in [
        &["playbook", "show", "team", "--json"][..],
        &["playbook", "list", "--json"],
    ] {
        let out = s.ok(args);
        assert!(out.contains("https://chat.example.com/…"), "{out}");
        assert!(!out.contains("SECRET"), "{args:?}: {out}");
    }
    let json = s.json(&["playbook", "show", "team", "--json"]);
    assert_eq!(json["channels"][0]["kind"], "slack");
}

#[test]
fn a_playbook_with_a_broken_channel_is_refused_at_its_line_and_column() {
    let s = Sandbox::new();
    let path = s.dir.path().join("team.toml");
    let text = include_str!("../playbooks/default.toml");
    let line = text.lines().count() + 5;
    std::fs::write(
        &path,
        format!(
            "{text}\n[channels.team]\nkind = \"slack\"\nurl_env = \"X\"\ntimeout_seconds = 600\n"
        ),
    )
    .unwrap();
    let err = s.fails(&["playbook", "check", path.to_str().unwrap()]);
    assert!(
        err.contains(&format!(
            "{}: line {line}, column 19: channel team: timeout_seconds must be from 1 to 120",
            path.display()
        )),
        "{err}"
    );
}

/// `fireground ARGS` with no `--as` and no FIREGROUND_USER: the name
/// comes from the config file or $USER.
fn unnamed(s: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut cmd = s.cmd();
    cmd.env_remove("FIREGROUND_USER")
        .env("USER", "login-name")
        .args(args);
    cmd.output().expect("runs")
}

#[test]
fn the_config_file_s_name_records_and_as_still_wins_over_it() {
    let s = Sandbox::new();
    write_config(&s, "as = \"Devi Rao\"\n");
    assert!(
        unnamed(&s, &["declare", "Checkout failing"])
            .status
            .success()
    );
    assert!(
        unnamed(&s, &["--as", "bo", "log", "paged"])
            .status
            .success()
    );
    let json = s.json(&["status", "--json"]);
    assert_eq!(json["roles"][0]["holder"], "Devi Rao", "{json}");
    let authors: Vec<String> = s
        .events_of("note")
        .iter()
        .map(|e| e["author"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(authors, ["bo"]);
    std::fs::remove_file(default_path(&s)).unwrap();
    assert!(unnamed(&s, &["log", "mine"]).status.success());
    let last = s.events_of("note").pop().unwrap();
    assert_eq!(
        last["author"], "login-name",
        "$USER once the file says nothing"
    );
}

#[test]
fn time_zone_utc_shows_utc_where_the_machine_is_elsewhere() {
    let s = Sandbox::new();
    s.ok(&[
        "declare",
        "Checkout failing",
        "--at",
        "2026-11-23T14:00:00Z",
    ]);
    // Five hours east of UTC, as POSIX writes it (no zone files needed).
    let status = |s: &Sandbox| {
        let out = s
            .cmd()
            .env("TZ", "<+05>-5")
            .args(["status"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        status(&s).contains("2026-11-23 19:00 UTC+05:00"),
        "{}",
        status(&s)
    );
    write_config(&s, "time_zone = \"utc\"\n");
    assert!(
        status(&s).contains("2026-11-23 14:00 UTC"),
        "{}",
        status(&s)
    );
}

#[test]
fn declare_runs_by_the_config_file_s_playbook_unless_told_another() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("xdg-config/fireground/playbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let team =
        include_str!("../playbooks/default.toml").replace("name = \"default\"", "name = \"team\"");
    std::fs::write(dir.join("team.toml"), team).unwrap();
    write_config(&s, "playbook = \"team\"\n");
    let first = s.ok(&["declare", "Checkout failing"]);
    let second = s.ok(&["declare", "Search slow", "--playbook", "default"]);
    let playbook = |r: &str| {
        s.json(&["--incident", r.trim(), "print", "--format", "json"])["events"][0]["playbook"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(playbook(&first), "team");
    assert_eq!(playbook(&second), "default");
    write_config(&s, "playbook = \"nope\"\n");
    let err = s.fails(&["declare", "Queue stuck"]);
    assert!(err.contains("nope"), "{err}");
    let checked = s.ok(&["config", "check"]);
    assert!(
        checked.contains("playbook: NOT FOUND: no playbook named 'nope'"),
        "{checked}"
    );
}

#[test]
fn sync_with_no_target_uses_the_config_file_s_beside_it() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing"]);
    let err = s.fails(&["sync"]);
    assert!(err.contains("set sync in the config file"), "{err}");
    write_config(&s, "sync = \"shared/incidents.jsonl\"\n");
    std::fs::create_dir_all(s.dir.path().join("xdg-config/fireground/shared")).unwrap();
    s.ok(&["sync"]);
    let shared = s
        .dir
        .path()
        .join("xdg-config/fireground/shared/incidents.jsonl");
    let text = std::fs::read_to_string(&shared).unwrap();
    assert!(text.contains("Checkout failing"), "{text}");
}

#[test]
fn a_config_with_a_mistake_refuses_a_note_but_status_still_shows_the_incident() {
    let s = Sandbox::new();
    s.ok(&["declare", "Checkout failing"]);
    let path = write_config(&s, "as = \"Devi\"\ntim_zone = \"utc\"\n");
    let out = s.cmd().args(["log", "rolled back"]).output().unwrap();
    let err = refused_at(out, &path, "line 2, column 1: unknown field `tim_zone`");
    assert!(err.contains("did you mean `time_zone`?"), "{err}");
    assert!(s.events_of("note").is_empty(), "nothing recorded");
    let out = s.cmd().args(["status"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Checkout failing"));
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("line 2, column 1")
            && warning.contains("going on without the config file"),
        "{warning}"
    );
}

#[test]
fn a_key_bound_twice_or_to_an_unknown_command_is_refused_where_it_is() {
    let s = Sandbox::new();
    let path = write_config(&s, "[keys]\nnote = \"N\"\npin = \"N\"\n");
    let err = refused_at(check(&s, &[]), &path, "line 3, column 7:");
    assert!(err.contains("\"N\" is bound to note too"), "{err}");
    let path = write_config(&s, "[keys]\nnote = \"a\"\n");
    let err = refused_at(check(&s, &[]), &path, "line 2, column 8:");
    assert!(err.contains("bind assign to another key as well"), "{err}");
    let path = write_config(&s, "[keys]\nnoet = \"N\"\n");
    let err = refused_at(check(&s, &[]), &path, "line 2, column 1:");
    assert!(err.contains("did you mean `note`?"), "{err}");
    let path = write_config(&s, "theme = \"dark\"\n");
    refused_at(
        check(&s, &[]),
        &path,
        "line 1, column 9: theme must be \"default\" or \"high-contrast\"",
    );
}

#[test]
fn config_show_says_each_setting_and_where_it_comes_from() {
    let s = Sandbox::new();
    let out = String::from_utf8(unnamed(&s, &["config", "show"]).stdout).unwrap();
    assert!(
        out.contains("no config file, so the built-in settings"),
        "{out}"
    );
    assert!(
        out.contains("login-name") && out.contains("($USER)"),
        "{out}"
    );
    write_config(
        &s,
        "as = \"Devi Rao\"\ntime_zone = \"utc\"\ntheme = \"high-contrast\"\n[keys]\nnote = \"N\"\n",
    );
    let out = String::from_utf8(unnamed(&s, &["config", "show"]).stdout).unwrap();
    for line in [
        "Devi Rao",
        "time_zone  utc",
        "theme      high-contrast",
        "keys       note N",
        "(config file)",
        "(built in)",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    let out = unnamed(&s, &["--as", "bo", "config", "show", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["settings"]["as"]["value"], "bo");
    assert_eq!(json["settings"]["as"]["from"], "--as or FIREGROUND_USER");
    assert_eq!(json["keys"]["note"], "N");
    assert_eq!(json["keys"]["assign"], "a");
}

#[test]
fn a_relative_xdg_config_home_is_ignored_as_the_spec_says() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .env("XDG_CONFIG_HOME", "relative/dir")
        .args(["config", "path"])
        .output()
        .unwrap();
    let home_config = s.dir.path().join(".config/fireground/config.toml");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        home_config.display().to_string()
    );
}
