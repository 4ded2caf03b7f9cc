//! `fireground completions SHELL` and `fireground man`: generated from the
//! command line's definitions, so they name every command, and printed on
//! a machine with no fireground data at all.

mod common;

use std::process::Command as Process;

use clap::CommandFactory;
use common::Sandbox;
use fireground::cli::Cli;

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// The top-level subcommands as the parser knows them: a command added
/// later is checked without this list changing.
fn subcommand_names() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() > 20, "found the subcommands: {names:?}");
    names
}

/// Runs in a sandbox whose database path cannot be created, and checks
/// that nothing was written into the sandbox: the command did not need,
/// or make, a data directory.
fn without_a_database(args: &[&str]) -> String {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .env("FIREGROUND_DB", "/dev/null/no-such-dir/fireground.db")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "fireground {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(s.dir.path())
        .expect("the sandbox")
        .collect();
    assert!(left.is_empty(), "fireground {args:?} wrote {left:?}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn completions_are_printed_for_every_shell_and_name_every_command() {
    let names = subcommand_names();
    for shell in SHELLS {
        let script = without_a_database(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: an empty script");
        assert!(script.contains("fireground"), "{shell}:\n{script}");
        for name in &names {
            assert!(
                script.contains(name.as_str()),
                "{shell}: the script does not mention `{name}`"
            );
        }
    }
}

#[test]
fn an_unknown_shell_is_refused_in_one_line_naming_the_choices() {
    let s = Sandbox::new();
    let e = s.fails(&["completions", "tcsh"]);
    let e = e.trim();
    assert!(!e.contains('\n'), "one line: {e:?}");
    assert_eq!(
        e,
        "error: invalid value 'tcsh' for '<SHELL>': valid shells are: bash, elvish, fish, powershell, zsh"
    );
    let e = s.fails(&["completions"]);
    assert!(e.contains("<SHELL>"), "{e}");
}

#[test]
fn the_man_page_is_roff_with_a_title_name_synopsis_and_the_commands() {
    let page = without_a_database(&["man"]);
    // clap_mangen first defines the string its apostrophes are written
    // with (`.ie`/`.el`); the title comes before any section.
    let requests: Vec<&str> = page.lines().filter(|l| l.starts_with('.')).collect();
    let title = requests
        .iter()
        .position(|l| l.starts_with(".TH "))
        .expect("a .TH title");
    assert!(
        requests[..title]
            .iter()
            .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")),
        "only string definitions before the title: {:?}",
        &requests[..title]
    );
    assert!(requests[title].starts_with(".TH fireground 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} in:\n{page}");
    }
    // `help` has no page of its own to point to.
    for name in subcommand_names().iter().filter(|n| *n != "help") {
        assert!(
            page.contains(&format!("fireground\\-{name}(1)")),
            "`{name}` in:\n{page}"
        );
    }
}

#[test]
fn the_man_page_renders_with_man_where_it_is_installed() {
    let page = without_a_database(&["man"]);
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("fireground.1");
    std::fs::write(&file, page).expect("the page written");
    let Ok(out) = Process::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
    else {
        eprintln!("man is not installed: the page is not rendered");
        return;
    };
    assert!(
        out.status.success(),
        "man -l failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("fireground"), "{shown}");
    assert!(shown.contains("SYNOPSIS"), "{shown}");
    assert!(shown.contains("Declare a new incident"), "{shown}");
}

#[test]
fn man_all_writes_a_page_for_every_command() {
    let s = Sandbox::new();
    let dir = s.dir.path().join("man/man1");
    s.ok(&["man", "--all", dir.to_str().expect("a utf-8 path")]);
    for name in subcommand_names().iter().filter(|n| *n != "help") {
        let page = std::fs::read_to_string(dir.join(format!("fireground-{name}.1")))
            .unwrap_or_else(|e| panic!("fireground-{name}.1: {e}"));
        assert!(
            page.contains(&format!(".TH fireground-{name} 1")),
            "{name}: {page}"
        );
    }
    let top = std::fs::read_to_string(dir.join("fireground.1")).expect("the top page");
    assert_eq!(top, s.ok(&["man"]), "the same page as printed");
    assert!(!top.contains("fireground\\-help"), "{top}");
    assert!(dir.join("fireground-action-add.1").exists());
}
