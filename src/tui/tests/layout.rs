//! What the console shows at its smallest (80x24) and at 120x40: nothing
//! hidden without saying so, the demo incident as snapshots, and an entry
//! read whole in its pop-up.

use chrono::Duration;
use crossterm::event::KeyCode;

use super::{Fixture, t0, text};
use crate::cli::demo::script;
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::EntryKind;
use crate::tui::Action;
use crate::tui::app::Mode;
use crate::tui::keys::KEYS;

/// The demo incident as `fireground demo` records it, an hour in at t0,
/// with a fixed incident id.
fn demo() -> Fixture {
    let mut f = Fixture::empty();
    let id = IncidentId::from_parts(
        t0().timestamp_millis() as u64,
        0x00C0_FFEE_0000_0000_0000_0042,
    );
    for (minutes, author, kind) in script(t0()) {
        *f.clock.lock().unwrap() = t0() - Duration::minutes(minutes);
        f.write(id, author, kind);
    }
    *f.clock.lock().unwrap() = t0();
    f.id = Some(id);
    f.app.update(Action::Tick);
    f
}

/// The screen's text with the random parts (the action items' refs, made
/// from event ids) replaced by fixed ones of the same width.
fn redacted(f: &Fixture, width: u16, height: u16) -> String {
    let mut screen = text(&f.draw(width, height));
    let items = f
        .events()
        .into_iter()
        .filter(|e| matches!(e.known(), Some(EventKind::ActionItemAdded { .. })));
    for (n, e) in items.enumerate() {
        screen = screen.replace(&format!("#{}", e.id.short()), &format!("#item{n:02}"));
    }
    screen
}

/// The rows of the right-hand column (roles, CAN reports) at 80x24.
fn right_column(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.chars().skip(48).collect::<String>())
        .collect()
}

/// A console on an incident with one note by `author`.
fn one_note(author: &str, note: NoteKind, text: &str) -> Fixture {
    let text = text.to_string();
    Fixture::with("P2", vec![(author, EventKind::Note { note, text })])
}

fn select(f: &mut Fixture, pick: impl Fn(&crate::domain::incident::Entry) -> bool) {
    let inc = f.app.incident.as_ref().unwrap();
    f.app.selected = Some(inc.timeline.iter().find(|e| pick(e)).unwrap().id);
}

#[test]
fn the_demo_at_80x24() {
    let f = demo();
    insta::assert_snapshot!(redacted(&f, 80, 24));
}

#[test]
fn the_demo_at_120x40() {
    let f = demo();
    insta::assert_snapshot!(redacted(&f, 120, 40));
}

/// Forty minutes on, the commander and the first responders are past the
/// playbook's 90 minutes: their times warn and the checklist says who to
/// relieve.
#[test]
fn the_demo_forty_minutes_later_at_80x24_and_120x40() {
    let mut f = demo();
    f.advance(Duration::minutes(40));
    insta::assert_snapshot!("demo_later_80x24", redacted(&f, 80, 24));
    insta::assert_snapshot!("demo_later_120x40", redacted(&f, 120, 40));
}

#[test]
fn the_demo_with_an_entry_read_whole_at_80x24() {
    let mut f = demo();
    select(&mut f, |e| e.kind == EntryKind::Can && e.author == "devi");
    f.key(KeyCode::Enter);
    insta::assert_snapshot!(redacted(&f, 80, 24));
}

#[test]
fn the_demo_with_an_entry_selected_at_80x24() {
    let mut f = demo();
    select(&mut f, |e| e.kind == EntryKind::Can && e.author == "devi");
    insta::assert_snapshot!(redacted(&f, 80, 24));
}

#[test]
fn two_experts_are_told_apart_at_80x24() {
    let mut f = demo();
    let id = f.id.unwrap();
    let (role, person) = ("sme:network".to_string(), "bo".to_string());
    f.write(id, "maria", EventKind::RoleAssigned { role, person });
    f.advance(Duration::seconds(1));
    let screen = text(&f.draw(80, 24));
    let right = right_column(&screen);
    let row = |s: &str| right.iter().find(|l| l.contains(s)).cloned();
    let db = row("sme:database").expect(&screen);
    let net = row("sme:network").expect(&screen);
    assert!(db.contains("omar"), "{screen}");
    assert!(net.contains("bo"), "{screen}");
    assert!(!screen.contains("Subject-matte…"), "{screen}");
    // Where there is room, the playbook's names come back.
    let screen = text(&f.draw(120, 40));
    assert!(
        screen.contains("Subject-matter expert (database) omar"),
        "{screen}"
    );
    assert!(
        screen.contains("Subject-matter expert (network)  bo"),
        "{screen}"
    );
}

#[test]
fn the_can_pane_shows_conditions_actions_and_needs_at_80x24() {
    let f = demo();
    let screen = text(&f.draw(80, 24));
    let right = right_column(&screen);
    let at = |s: &str| right.iter().position(|l| l.contains(s));
    let header = at("omar (sme:database)").expect(&screen);
    let c = at("│C Connections back to 140").expect(&screen);
    let a = at("│A Watching the pool").expect(&screen);
    let n = at("│N Nothing.").expect(&screen);
    assert_eq!((c, a, n), (header + 1, header + 2, header + 3), "{screen}");
    // The report that does not fit is counted, not dropped in silence.
    assert!(right[n + 1].contains("… 1 more"), "{screen}");
}

#[test]
fn a_long_entry_is_readable_to_its_last_word() {
    let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
    let long = format!("{} the-last-word", words.join(" "));
    let mut f = one_note("bo", NoteKind::Note, &long);
    f.app.screen = Some((80, 24));
    f.key(KeyCode::Up);
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("… Enter: read all"), "{screen}");
    assert!(!screen.contains("the-last-word"), "{screen}");

    f.key(KeyCode::Enter);
    assert!(matches!(f.app.mode, Mode::Detail(_)));
    let mut seen = String::new();
    for _ in 0..20 {
        let screen = text(&f.draw(80, 24));
        assert!(
            screen.contains("bo · note"),
            "who and what stay in view: {screen}"
        );
        seen.push_str(&screen);
        if screen.contains("the-last-word") {
            break;
        }
        f.key(KeyCode::PageDown);
    }
    let shown: std::collections::HashSet<&str> = seen
        .split(|c: char| c.is_whitespace() || c == '│')
        .collect();
    for w in &words {
        assert!(shown.contains(w.as_str()), "{w} was never shown");
    }
    assert!(seen.contains("the-last-word"), "{seen}");
    let screen = text(&f.draw(80, 24));
    assert!(
        screen.contains("lines 10–26 of 26 · Esc closes"),
        "{screen}"
    );

    // Back to the top, and closed with Esc, saying nothing.
    f.key(KeyCode::Home);
    assert!(text(&f.draw(80, 24)).contains("│w0 w1 w2"));
    f.key(KeyCode::Esc);
    assert_eq!(f.app.mode, Mode::Normal);
    assert!(f.app.flash.is_none());
}

#[test]
fn enter_with_nothing_selected_reads_the_newest_entry_and_enter_closes_it() {
    let mut f = one_note("bo", NoteKind::Decision, "roll back now");
    f.key(KeyCode::Enter);
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("Timeline entry 2 of 2"), "{screen}");
    assert!(screen.contains("UTC · bo · decision"), "{screen}");
    assert!(screen.contains("roll back now"), "{screen}");
    f.key(KeyCode::Enter);
    assert_eq!(f.app.mode, Mode::Normal);
}

#[test]
fn escape_sequences_never_reach_the_entry_pop_up() {
    let note = "hi\u{1b}]0;owned\u{7}\u{1b}[2Jthere\nline\u{9b}2J two";
    let mut f = one_note("mal\u{1b}[2Jlory", NoteKind::Note, note);
    f.key(KeyCode::Enter);
    let buf = f.draw(80, 24);
    let screen = text(&buf);
    assert!(screen.contains("hithere"), "{screen}");
    assert!(screen.contains("line two"), "{screen}");
    assert!(screen.contains("mallory"), "{screen}");
    for cell in buf.content() {
        assert!(!cell.symbol().chars().any(|c| c.is_control()), "{screen}");
    }
}

#[test]
fn every_cut_says_so_with_an_ellipsis() {
    let mut f = demo();
    let screen = text(&f.draw(80, 24));
    let lines: Vec<&str> = screen.lines().collect();
    // The header's impact cut, and room left to count the links.
    assert!(
        lines[1].ends_with("impact 1,300 shoppers paying by card…   2 links"),
        "{screen}"
    );
    // Every timeline row shows its text whole or ends with …; no kind is
    // cut (the narrow timeline marks kinds with one glyph).
    let inc = f.app.incident.clone().unwrap();
    for e in &inc.timeline {
        let head = format!("{} {:<5} ", f.app.zone.hm(e.at), e.author);
        let Some(row) = lines.iter().find(|l| {
            l.contains(&head)
                && l.contains(
                    &e.text_for(&f.app.playbook)
                        .chars()
                        .take(8)
                        .collect::<String>(),
                )
        }) else {
            continue;
        };
        let cell: String = row.chars().skip(1).take(46).collect();
        let whole = e.text_for(&f.app.playbook);
        assert!(
            cell.contains(whole.as_ref()) || cell.trim_end().ends_with('…'),
            "cut without …: {row}"
        );
    }
    assert!(!screen.contains("DESTRUC"), "{screen}");
    // A CAN report's fields too.
    assert!(
        screen.contains("│C Connections back to 140 of…"),
        "{screen}"
    );

    // A filter keeps its closing bracket.
    f.app.filter = Some(EntryKind::Note(NoteKind::Destructive));
    let screen = text(&f.draw(80, 24));
    assert!(screen.contains("only destructive (Esc: all)"), "{screen}");
    // A title that cannot fit at all is cut with ….
    f.app.older_can = true;
    let mut long = f.app.playbook.clone();
    long.stages.iter_mut().for_each(|s| s.name = "s".repeat(60));
    f.app.playbook = long;
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&f.draw(w, h));
        for line in screen.lines().filter(|l| l.contains("ssssssssss")) {
            assert!(line.contains('…'), "{line}");
        }
    }
}

#[test]
fn the_footer_keeps_the_most_used_keys_at_80_columns() {
    let mut f = demo();
    let footer = |f: &Fixture| text(&f.draw(80, 24)).lines().nth(22).unwrap().to_string();
    let shown = footer(&f);
    for key in [
        "a assign", "n note", "c CAN", "u update", "? more", "q quit",
    ] {
        assert!(shown.contains(key), "{key}: {shown}");
    }
    // With an entry selected, what acts on it joins them.
    f.key(KeyCode::Up);
    let shown = footer(&f);
    for key in [
        "a assign",
        "n note",
        "c CAN",
        "u update",
        "Enter read",
        "p pin",
        "? more",
        "q quit",
    ] {
        assert!(shown.contains(key), "{key}: {shown}");
    }
    // Every key, the ones left out included, is one ? away.
    f.key(KeyCode::Esc);
    f.key(KeyCode::Char('?'));
    let help = text(&f.draw(80, 24));
    for k in KEYS {
        assert!(
            help.contains(&format!("{} {}", k.label(&f.app.keys), k.short)),
            "{} missing: {help}",
            k.short
        );
    }
    // Where every key fits, the footer says help, not more.
    f.key(KeyCode::Char(' '));
    let wide = text(&f.draw(240, 40));
    assert!(wide.contains("? help  q quit"), "{wide}");
}
