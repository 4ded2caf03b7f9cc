//! Half-written forms are never lost: what is typed is kept in the
//! database as a draft within a second, the same key reopens it, and Esc or
//! Ctrl-C on a form with something typed asks before anything goes.

use crossterm::event::KeyCode;

use super::{App, Mode};
use crate::tui::form::{Form, Purpose};

/// A question the console is waiting on, about the open form: the next
/// key answers it, and a key it does not expect goes back to the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Esc on a form with something typed: y discards.
    Discard,
    /// Ctrl-C on a form with something typed: y quits.
    Quit,
    /// Saving a form whose text holds a likely secret: Enter masks it, k
    /// keeps it (see `secret_prompt`).
    Secret,
}

impl Ask {
    pub(super) fn question(self) -> &'static str {
        match self {
            Ask::Discard => "Discard what you typed? y: discard · any other key: back",
            Ask::Quit => "Quit? What you typed stays a draft. y: quit · any other key: back",
            Ask::Secret => "Enter: mask it as **** · k: keep it as typed · Esc: back to the form",
        }
    }
}

/// Where a form's draft is kept: by what it records and for which
/// incident. A redaction's or an objection's reason is not worth keeping.
fn draft_key(form: &Form, incident: Option<&str>) -> Option<String> {
    let what = match form.purpose {
        Purpose::Declare => return Some("declare".to_string()),
        Purpose::Note => "note",
        Purpose::Can => "can",
        Purpose::Update => "update",
        Purpose::Impact => "impact",
        Purpose::Link => "link",
        Purpose::ActionItem => "action-item",
        Purpose::Resolve => "resolve",
        Purpose::Reopen => "reopen",
        Purpose::Redact { .. } | Purpose::Object { .. } => return None,
    };
    incident.map(|id| format!("{what}:{id}"))
}

impl App {
    fn draft_key(&self) -> Option<String> {
        let Mode::Form(form) = &self.mode else {
            return None;
        };
        let incident = self.incident.as_ref().map(|i| i.id.to_string());
        draft_key(form, incident.as_deref())
    }

    /// Called when a form opens: remembers what it opened with, and puts
    /// back the draft it was left with, if any.
    pub(super) fn form_opened(&mut self) {
        let Mode::Form(form) = &self.mode else {
            return;
        };
        self.form_start = form.values();
        self.draft_kept = self.form_start.clone();
        let Some(key) = self.draft_key() else { return };
        let Ok(Some(draft)) = self.ctx.store.draft(&key) else {
            return;
        };
        if let Mode::Form(form) = &mut self.mode {
            form.restore(&draft.values);
            self.draft_kept = form.values();
        }
        let at = self.zone.hm(draft.saved_at);
        self.info(format!(
            "Your draft from {at} is back; Esc then y discards it."
        ));
    }

    /// Whether the open form holds anything its opening did not.
    fn form_changed(&self) -> bool {
        matches!(&self.mode, Mode::Form(f) if f.values() != self.form_start)
    }

    /// Writes the open form's draft if it changed since last kept: on every
    /// tick, so a kill loses at most a second of typing.
    pub(super) fn keep_draft(&mut self) {
        let Some(key) = self.draft_key() else { return };
        let Mode::Form(form) = &self.mode else { return };
        let values = form.values();
        if values == self.draft_kept {
            return;
        }
        let kept = if values == self.form_start {
            self.ctx.store.discard_draft(&key)
        } else {
            self.ctx.store.save_draft(&key, &values)
        };
        match kept {
            Ok(()) => self.draft_kept = values,
            Err(e) => self.refuse_once(format!("Cannot keep a draft: {e}")),
        }
    }

    /// Drops the open form's draft: it was saved, or the user discarded it.
    pub(super) fn discard_draft(&mut self, key: Option<String>) {
        if let Some(key) = key {
            let _ = self.ctx.store.discard_draft(&key);
        }
        self.form_start.clear();
        self.draft_kept.clear();
    }

    /// The key of the open form's draft, to discard once it is saved.
    pub(super) fn open_draft(&self) -> Option<String> {
        self.draft_key()
    }

    /// Esc or Ctrl-C: on a form with something typed, asks first.
    pub(super) fn leave_form(&mut self, ask: Ask) -> bool {
        if !self.form_changed() {
            return false;
        }
        self.keep_draft();
        if let Mode::Form(form) = &mut self.mode {
            form.error = Some(ask.question().to_string());
        }
        self.asking = Some(ask);
        true
    }

    /// The answer to a question: y (or, about a secret, Enter or k) goes
    /// ahead, anything else goes back to the form as it was.
    pub(super) fn answer(&mut self, ask: Ask, key: KeyCode) {
        self.asking = None;
        if let Mode::Form(form) = &mut self.mode {
            form.error = None;
            form.marks.clear();
        }
        let yes = matches!(key, KeyCode::Char('y' | 'Y'));
        match ask {
            Ask::Secret => self.answer_secret(key),
            _ if !yes => {}
            Ask::Discard => {
                let key = self.draft_key();
                self.discard_draft(key);
                self.mode = Mode::Normal;
                self.info("Discarded; nothing recorded.");
            }
            Ask::Quit => self.quit = true,
        }
    }
}
