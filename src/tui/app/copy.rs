//! Copying to the terminal's clipboard: the update being written, as the
//! door would record it, or a timeline entry (an update whole, as Status /
//! Impact / Action / Next). The sequence waits in the state for the event
//! loop to write, as the bell does.

use super::{App, Mode};
use crate::app::Secrets;
use crate::clipboard::{osc52, said};
use crate::domain::draft::Draft;
use crate::domain::ids::EventId;
use crate::domain::incident::EntryKind;
use crate::keymap::ConsoleCommand;
use crate::tui::form::Purpose as FormPurpose;

impl App {
    pub(super) fn copy(&mut self) {
        match &self.mode {
            Mode::Form(f) if f.purpose == FormPurpose::Update => self.copy_update_form(),
            Mode::Form(_) => {
                let y = self.keys.key(ConsoleCommand::Copy);
                self.error(format!(
                    "Ctrl-O copies the update form; {y} copies the selected entry."
                ));
            }
            Mode::Detail(d) => self.copy_entry(d.entry),
            _ => match self.selected {
                Some(id) => self.copy_entry(id),
                None if self.incident.is_none() => self.no_incident(),
                None => self.error(super::select_first(
                    self.keys.key(ConsoleCommand::Copy),
                    "copy",
                )),
            },
        }
    }

    /// The update as saving it now would record it: the door decides, so
    /// the next update's time is worked out as it would be, and a mistake
    /// (a bad time) is said in the form as saving would say it. A copy
    /// goes where the log's rules do not follow it (a chat, a mail), so
    /// what looks like a secret is masked, and the console says so.
    fn copy_update_form(&mut self) {
        let Mode::Form(f) = &self.mode else {
            return;
        };
        let command = self.form_command(f);
        let on = self.incident.as_ref().map(|i| i.id);
        let text = |secrets| -> Result<Option<String>, String> {
            let decided = self
                .ctx
                .check_with(on, &command, secrets)
                .map_err(|e| e.to_string())?;
            Ok(Draft::sent(&decided.kind)
                .map(|(draft, next)| draft.plain_text(next, &self.zone.at(self.now))))
        };
        match (text(Secrets::Mask), text(Secrets::Keep)) {
            (Ok(Some(masked)), Ok(whole)) => {
                self.put("Update", &masked);
                if whole.as_ref() != Some(&masked) {
                    self.info("Update copied, with what looks like a secret masked as ****.");
                }
            }
            (Err(e), _) => {
                if let Mode::Form(f) = &mut self.mode {
                    f.error = Some(e);
                }
            }
            _ => {}
        }
    }

    fn copy_entry(&mut self, id: EventId) {
        let Some(entry) = self.entry(id) else {
            return self.error("That entry is no longer shown.");
        };
        let update = match entry.kind {
            // A correction's own text is what stands for it.
            EntryKind::Update if !entry.redacted && !entry.amended => self
                .incident
                .as_ref()
                .and_then(|inc| inc.updates.iter().find(|u| u.id == id)),
            _ => None,
        };
        let (what, text) = match update {
            Some(u) => (
                "Update",
                Draft::from(u).plain_text(u.next_update, &self.zone.at(self.now)),
            ),
            None => ("Entry", entry.text_for(&self.playbook).into_owned()),
        };
        self.put(what, &text);
    }

    fn put(&mut self, what: &str, text: &str) {
        let copy = osc52(text);
        self.clipboard = Some(copy.sequence.clone());
        self.info(format!("{}.", said(what, &copy)));
    }
}
