//! A list to choose from that narrows as you type. Enter takes the
//! highlighted entry; where the picker allows it and nothing matches, the
//! typed text itself.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use super::popup;
use super::text_input::{Edit, Full, TextInput};
use super::theme::Theme;

thread_local! {
    /// The matcher's scratch space, made once: it is sized for long
    /// haystacks, and pickers filter on every key.
    static MATCHER: std::cell::RefCell<Matcher> = std::cell::RefCell::new(Matcher::new(Config::DEFAULT));
}

/// What a choice is matched on (its label and value), and the choice.
struct Hay<'a>(String, &'a Choice);

impl AsRef<str> for Hay<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One choice: what is shown and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub value: String,
}

impl Choice {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Choice {
        Choice {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// What the picked value is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// First step of assigning: which role.
    AssignRole,
    /// Second step: who takes the role.
    AssignPerson {
        role: String,
    },
    Release,
    Severity,
    Stage,
    /// Ticking an item of the stage the list was made for, even if the
    /// incident moved on while the picker was open.
    Checklist {
        stage: String,
    },
    Switch,
    Filter,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub purpose: Purpose,
    pub choices: Vec<Choice>,
    pub query: TextInput,
    /// Index into the filtered choices.
    pub highlight: usize,
    /// Whether typed text can be taken as is, and what to call it ("new
    /// person"): it is offered after the entries that match.
    pub typed_as: Option<&'static str>,
    /// A character typed text must hold to be offered (`:` for a free-form
    /// role such as `sme:database`), so nothing is offered that would only
    /// be refused.
    typed_needs: Option<char>,
}

impl Picker {
    pub fn new(title: impl Into<String>, purpose: Purpose, choices: Vec<Choice>) -> Picker {
        Picker {
            title: title.into(),
            purpose,
            choices,
            query: TextInput::single(""),
            highlight: 0,
            typed_as: None,
            typed_needs: None,
        }
    }

    pub fn accepting_typed(mut self, what: &'static str) -> Picker {
        self.typed_as = Some(what);
        self
    }

    /// As [`Picker::accepting_typed`], for typed text that holds `mark`.
    pub fn accepting_typed_with(mut self, what: &'static str, mark: char) -> Picker {
        self.typed_as = Some(what);
        self.typed_needs = Some(mark);
        self
    }

    /// Starts with the entry of that value highlighted.
    pub fn highlighting(mut self, value: &str) -> Picker {
        if let Some(i) = self.choices.iter().position(|c| c.value == value) {
            self.highlight = i;
        }
        self
    }

    /// The choices that match every typed word, best first (ties in the
    /// list's order), then the typed text itself where the picker takes it
    /// and no entry is exactly that.
    ///
    /// A closed list (roles, stages, severities…) matches fuzzily: "tl"
    /// finds Technical lead. Where typed text may be taken as new (a
    /// person), each word must appear whole, so a new name is not shadowed
    /// by someone whose name merely holds its letters in order.
    pub fn filtered(&self) -> Vec<Choice> {
        let kind = match self.typed_as {
            Some(_) => AtomKind::Substring,
            None => AtomKind::Fuzzy,
        };
        let pattern = Pattern::new(
            self.query.text(),
            CaseMatching::Ignore,
            Normalization::Smart,
            kind,
        );
        let hays = self
            .choices
            .iter()
            // The trailing space: nucleo-matcher 0.3.1 never tries the last
            // place a word could start in a non-ASCII haystack, so "comms"
            // ending "Communications lead — unfilled comms" went unfound
            // (helix-editor/nucleo#104).
            .map(|c| Hay(format!("{} {} ", c.label, c.value), c));
        let mut shown: Vec<Choice> = MATCHER.with_borrow_mut(|matcher| {
            pattern
                .match_list(hays, matcher)
                .into_iter()
                .map(|(hay, _)| hay.1.clone())
                .collect()
        });
        let typed = self.query.text().trim();
        if let Some(what) = self.typed_as
            && !typed.is_empty()
            && self.typed_needs.is_none_or(|m| typed.contains(m))
            && !self
                .choices
                .iter()
                .any(|c| c.value.eq_ignore_ascii_case(typed))
        {
            shown.push(Choice::new(format!("+ {what} '{typed}'"), typed));
        }
        shown
    }

    /// Pastes text into the query, on one line.
    pub fn paste(&mut self, text: &str) -> Result<(), Full> {
        self.highlight = 0;
        self.query.paste(text)
    }

    /// Applies an edit to the query; a full query refuses more. A query
    /// that changes starts the highlight again at the top.
    pub fn edit(&mut self, edit: Edit) -> Result<(), Full> {
        if edit.changes_text() {
            self.highlight = 0;
        }
        self.query.apply(edit)
    }

    pub fn move_by(&mut self, delta: i32) {
        let n = self.filtered().len();
        if n == 0 {
            return;
        }
        let i = self.highlight as i64 + i64::from(delta);
        self.highlight = i.rem_euclid(n as i64) as usize;
    }

    /// The value Enter takes now, if anything.
    pub fn picked(&self) -> Option<String> {
        self.filtered()
            .into_iter()
            .nth(self.highlight)
            .map(|c| c.value)
    }

    pub fn draw(&self, frame: &mut Frame, theme: Theme) {
        let area = frame.area();
        let filtered = self.filtered();
        let list_rows = (area.height.saturating_sub(8)).max(1) as usize;
        let shown = filtered.len().clamp(1, list_rows);
        let width = (area.width.saturating_sub(4)).min(72);
        let body = popup::open(
            frame,
            &self.title,
            (width, shown as u16 + 4),
            "type to filter · ↑↓ choose · Enter take · Esc cancel",
            theme,
        );
        // The query on one row: the row of it that holds the cursor.
        let (mut query, at) = self.query.rows(
            vec![Span::styled("› ", theme.key())],
            2,
            usize::from(width.saturating_sub(2)),
            ratatui::style::Style::new(),
            true,
            usize::from(width),
            (&[], ratatui::style::Style::new()),
        );
        let mut lines = vec![query.swap_remove(at)];
        // Keep the highlight in view when the list is longer than the box.
        let first = self.highlight.saturating_sub(shown.saturating_sub(1));
        for (i, c) in filtered.iter().enumerate().skip(first).take(shown) {
            let style = if i == self.highlight {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(Span::styled(format!(" {} ", c.label), style)));
        }
        if filtered.is_empty() {
            lines.push(Line::from(Span::styled(" nothing matches", theme.dim())));
        }
        frame.render_widget(Paragraph::new(lines), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Picker {
        Picker::new(
            "Who takes Scribe?",
            Purpose::AssignPerson {
                role: "scribe".into(),
            },
            ["ana", "bo", "maria"]
                .iter()
                .map(|p| Choice::new(*p, *p))
                .collect(),
        )
        .accepting_typed("new person")
    }

    #[test]
    fn typing_narrows_the_list_and_enter_takes_the_highlight() {
        let mut p = people();
        p.edit(Edit::Insert('r')).unwrap();
        assert_eq!(p.filtered().len(), 2, "maria, then 'r' as a new person");
        assert_eq!(p.picked().as_deref(), Some("maria"));
        p.move_by(1);
        assert_eq!(p.picked().as_deref(), Some("r"));
    }

    #[test]
    fn a_typed_name_is_offered_after_the_people_it_matches() {
        let mut p = people();
        for c in "zoe".chars() {
            p.edit(Edit::Insert(c)).unwrap();
        }
        assert_eq!(p.picked().as_deref(), Some("zoe"));
        // "bo" is someone, "b" may be someone new.
        let mut p = people();
        p.edit(Edit::Insert('b')).unwrap();
        let labels: Vec<String> = p.filtered().into_iter().map(|c| c.label).collect();
        assert_eq!(labels, ["bo", "+ new person 'b'"]);
        p.edit(Edit::Insert('o')).unwrap();
        let labels: Vec<String> = p.filtered().into_iter().map(|c| c.label).collect();
        assert_eq!(labels, ["bo"], "an exact name is not offered twice");
        let mut closed = Picker::new("Severity", Purpose::Severity, vec![Choice::new("P1", "P1")]);
        closed.edit(Edit::Insert('x')).unwrap();
        assert_eq!(closed.picked(), None);
    }

    fn roles() -> Picker {
        Picker::new(
            "Assign which role?",
            Purpose::AssignRole,
            [
                ("Incident commander", "commander"),
                ("Communications lead", "comms"),
                ("Technical lead", "tech"),
                ("Scribe", "scribe"),
            ]
            .iter()
            .map(|(l, v)| Choice::new(*l, *v))
            .collect(),
        )
    }

    fn typed(mut p: Picker, text: &str) -> Picker {
        for c in text.chars() {
            p.edit(Edit::Insert(c)).unwrap();
        }
        p
    }

    #[test]
    fn a_closed_list_matches_initials_and_puts_the_best_match_first() {
        assert_eq!(typed(roles(), "tl").picked().as_deref(), Some("tech"));
        assert_eq!(
            typed(roles(), "comm lead").picked().as_deref(),
            Some("comms")
        );
        // Both leads match "lead"; the list's order stands between equals.
        let leads: Vec<String> = typed(roles(), "lead")
            .filtered()
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(leads.len(), 2);
        assert!(leads.contains(&"comms".into()) && leads.contains(&"tech".into()));
        assert_eq!(typed(roles(), "SCRIBE").picked().as_deref(), Some("scribe"));
    }

    #[test]
    fn a_new_name_is_not_shadowed_by_someone_holding_its_letters_in_order() {
        let p = Picker::new(
            "Who takes Scribe?",
            Purpose::AssignPerson {
                role: "scribe".into(),
            },
            vec![
                Choice::new("Sarah Amsel — comms", "Sarah Amsel"),
                Choice::new("José", "José"),
            ],
        )
        .accepting_typed("new person");
        assert_eq!(
            typed(p.clone(), "amsel").picked().as_deref(),
            Some("Sarah Amsel"),
            "a word at the end of a non-ASCII label"
        );
        assert_eq!(typed(p.clone(), "sam").picked().as_deref(), Some("sam"));
        assert_eq!(
            typed(p, "jose").picked().as_deref(),
            Some("José"),
            "accents fold"
        );
    }
}
