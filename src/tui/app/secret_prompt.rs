//! Saving a form whose text holds a likely secret asks first: the secret
//! is marked in the form, Enter records the text with it masked (****), k
//! records it as typed, and Esc goes back to the form with nothing lost.

use crossterm::event::KeyCode;

use super::drafts::Ask;
use super::{App, Mode};
use crate::app::{Refusal, Secrets};
use crate::tui::form::Form;

impl App {
    /// The door refused the form's text for a likely secret: mark every
    /// one and ask what to do, saying where the first is (in the door's
    /// terms, never the text) and how many more there are.
    pub(super) fn ask_secret(&mut self, mut form: Form, refusal: &Refusal) {
        let Refusal::Secret {
            field,
            rule,
            first,
            last,
        } = refusal
        else {
            form.error = Some(refusal.to_string());
            self.mode = Mode::Form(form);
            return;
        };
        form.mark_secrets();
        let more = match form.marks.len() {
            0 | 1 => String::new(),
            2 => ", and 1 more".to_string(),
            n => format!(", and {} more", n - 1),
        };
        form.error = Some(format!(
            "Characters {first}–{last} of {field} look like {rule} (marked{more}). {}",
            Ask::Secret.question()
        ));
        self.mode = Mode::Form(form);
        self.asking = Some(Ask::Secret);
    }

    /// Enter masks (the default, the safe answer), k keeps; any other key
    /// is back to the form.
    pub(super) fn answer_secret(&mut self, key: KeyCode) {
        match key {
            KeyCode::Enter | KeyCode::Char('m' | 'M') => self.submit_with(Secrets::Mask),
            KeyCode::Char('k' | 'K') => self.submit_with(Secrets::Keep),
            _ => {}
        }
    }
}
