//! Every refusal through both front ends: the command line's sentence (exit
//! 2) and the console's status line say the same words, and neither writes
//! anything. Mistakes the console never offers (releasing a role nobody
//! holds, reopening an open incident: its lists and keys leave them out)
//! are refused by the same rule and covered by the command-line tests.

mod common;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use fireground::app::{Context, Options};
use fireground::tui::App;
use fireground::tui::app::Mode;

use common::Sandbox;

/// One mistake: what the user did, the command line that makes it, and
/// the keys that make it in the console. Keys are typed text, or one of
/// `<Enter>`, `<Tab>`, `<Up>`, `<BS>`.
struct Case {
    did: &'static str,
    cli: &'static [&'static str],
    keys: &'static [&'static str],
}

const PINNED: &str = "{pinned}";
const REDACTED: &str = "{redacted}";

const CASES: &[Case] = &[
    Case {
        did: "saved a note with no text",
        cli: &["log", "  "],
        keys: &["n", "<Enter>"],
    },
    Case {
        did: "filed a CAN report with no actions",
        cli: &[
            "can",
            "--conditions",
            "db slow",
            "--actions",
            " ",
            "--needs",
            "none",
        ],
        keys: &["c", "db slow", "<Enter>"],
    },
    Case {
        did: "set the severity it already has",
        cli: &["severity", "P2"],
        keys: &["v", "P2", "<Enter>"],
    },
    Case {
        did: "moved to the stage it is already in",
        cli: &["stage", "detect"],
        keys: &["s", "Detect", "<Enter>"],
    },
    Case {
        did: "gave a role to the person who holds it",
        cli: &["assign", "comms", "sam"],
        keys: &["a", "Communications", "<Enter>", "sam", "<Enter>"],
    },
    Case {
        did: "assigned a role the playbook does not have",
        cli: &["assign", "chef", "sam"],
        keys: &["a", "chef", "<Enter>"],
    },
    Case {
        did: "ticked an item already ticked",
        cli: &["tick", "1"],
        keys: &["x", "<Enter>"],
    },
    Case {
        did: "pinned an entry already pinned",
        cli: &["pin", PINNED],
        keys: &["<Up>", "p"],
    },
    Case {
        did: "redacted an entry already redacted",
        cli: &["redact", REDACTED],
        keys: &["<Up>", "<Up>", "X"],
    },
    Case {
        did: "promised the next update before this one",
        cli: &[
            "update",
            "--status",
            "Investigating",
            "--next",
            "2026-01-01T00:00:00Z",
        ],
        keys: &[
            "u",
            "<Tab>",
            "<Tab>",
            "<Tab>",
            "2026-01-01T00:00:00Z",
            "<Enter>",
        ],
    },
    Case {
        did: "promised the next update in ten days",
        cli: &["update", "--status", "Investigating", "--next", "240h"],
        keys: &["u", "<Tab>", "<Tab>", "<Tab>", "240h", "<Enter>"],
    },
    Case {
        did: "gave a due date that cannot be read",
        cli: &["action", "add", "fix it", "--due", "someday"],
        keys: &["t", "fix it", "<Tab>", "<Tab>", "someday", "<Enter>"],
    },
    Case {
        did: "gave a due date in the past",
        cli: &["action", "add", "fix it", "--due", "2020-01-01"],
        keys: &["t", "fix it", "<Tab>", "<Tab>", "2020-01-01", "<Enter>"],
    },
    Case {
        did: "gave a count of those affected that cannot be read",
        cli: &["impact", "--who", "shoppers", "--count", "lots"],
        keys: &["I", "shoppers", "<Tab>", "lots", "<Enter>"],
    },
    Case {
        did: "set an impact that says nothing",
        cli: &["impact", "--who", " "],
        keys: &["I", "<Enter>"],
    },
    Case {
        did: "added a link with no label",
        cli: &["link", " ", "https://call.example"],
        keys: &["l", "<Enter>"],
    },
    Case {
        did: "declared an incident with no title",
        cli: &["declare", " "],
        keys: &["D", "<Enter>"],
    },
    Case {
        did: "declared an incident with no commander",
        cli: &["declare", "Second outage", "--commander", " "],
        keys: &[
            "D",
            "Second outage",
            "<Tab>",
            "<Tab>",
            "<Tab>",
            "<BS>",
            "<BS>",
            "<BS>",
            "<Enter>",
        ],
    },
];

/// A P2 incident with comms held, the first checklist item ticked, one
/// entry redacted and the newest pinned: every refusal above has its
/// cause. Returns the refs of the pinned and the redacted entry.
fn incident(s: &Sandbox) -> (String, String) {
    s.ok(&["declare", "Checkout failing", "--severity", "P2"]);
    s.ok(&["assign", "comms", "sam"]);
    s.ok(&["tick", "1"]);
    s.ok(&["log", "token=hunter2", "--allow-secret"]);
    s.ok(&["log", "rolled back v2.31"]);
    let refs = s.ok(&["print", "--refs"]);
    let ref_of = |text: &str| {
        let line = refs.lines().find(|l| l.contains(text)).expect(text);
        line.split_whitespace().next().unwrap().to_string()
    };
    let (secret, pinned) = (ref_of("hunter2"), ref_of("rolled back"));
    s.ok(&["redact", &secret]);
    s.ok(&["pin", &pinned]);
    (pinned, secret)
}

fn events(s: &Sandbox) -> usize {
    s.json(&["print", "--format", "json"])["events"]
        .as_array()
        .expect("events")
        .len()
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_event(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// What the console says after the keys: the form's error, or the status
/// line's, which must be shown as an error.
fn console_says(s: &Sandbox, keys: &[&str]) -> String {
    let options = Options {
        db: Some(s.db()),
        user: Some("ana".into()),
        incident: None,
    };
    let mut app = App::new(Context::open(&options).expect("opens")).expect("console");
    app.handle_event(TermEvent::Resize(200, 50));
    for k in keys {
        match *k {
            "<Enter>" => press(&mut app, KeyCode::Enter),
            "<Tab>" => press(&mut app, KeyCode::Tab),
            "<Up>" => press(&mut app, KeyCode::Up),
            "<BS>" => press(&mut app, KeyCode::Backspace),
            text => text.chars().for_each(|c| press(&mut app, KeyCode::Char(c))),
        }
    }
    if let Mode::Form(form) = &app.mode
        && let Some(error) = &form.error
    {
        return error.clone();
    }
    let flash = app.flash.as_ref().expect("the console says something");
    assert!(flash.error, "shown as an error: {}", flash.text);
    flash.text.clone()
}

#[test]
fn every_refusal_says_the_same_sentence_on_the_command_line_and_in_the_console() {
    let s = Sandbox::new();
    let (pinned, redacted) = incident(&s);
    let recorded = events(&s);
    for case in CASES {
        let args: Vec<&str> = case
            .cli
            .iter()
            .map(|a| match *a {
                PINNED => pinned.as_str(),
                REDACTED => redacted.as_str(),
                a => a,
            })
            .collect();
        let stderr = s.fails(&args);
        let cli = stderr
            .trim_end()
            .strip_prefix("fireground: ")
            .unwrap_or_else(|| panic!("{}: one sentence: {stderr:?}", case.did));
        assert!(!cli.contains('\n'), "{}: one line: {cli:?}", case.did);
        assert_eq!(events(&s), recorded, "{}: the CLI wrote", case.did);
        let console = console_says(&s, case.keys);
        assert_eq!(console, cli, "{}: the console's words", case.did);
        assert_eq!(events(&s), recorded, "{}: the console wrote", case.did);
    }
}
