//! What Enter records: the picked value or the filled form becomes a
//! [`Command`] for the one door the command line uses too, so both refuse
//! the same mistakes in the same words.

use super::{App, Mode};
use crate::app::{AppError, Command, Refusal, Secrets};
use crate::domain::event::NoteKind;
use crate::domain::incident::EntryKind;
use crate::tui::form::{Form, Purpose as FormPurpose};
use crate::tui::picker::{Choice, Picker, Purpose as PickPurpose};

impl App {
    pub(super) fn submit(&mut self) {
        self.submit_with(Secrets::Refuse);
    }

    /// Enter on a picker or a form, with a likely secret in a form's text
    /// refused (and asked about), masked or kept as `secrets` says.
    pub(super) fn submit_with(&mut self, secrets: Secrets) {
        let draft = self.open_draft();
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Picker(p) => {
                if let Err(e) = self.submit_picker(&p) {
                    self.error(e);
                    // A filter that matches nothing stays open to be
                    // mended; a pick the rules refused closes, so the next
                    // key is not eaten by a list still open.
                    if self.mode == Mode::Normal && p.picked().is_none() {
                        self.mode = Mode::Picker(p);
                    }
                }
            }
            Mode::Form(mut f) => match self.record(self.form_command(&f), secrets) {
                Ok(()) => self.discard_draft(draft),
                Err(AppError::Refused(refusal @ Refusal::Secret { .. })) => {
                    self.ask_secret(f, &refusal);
                }
                Err(e) => {
                    f.error = Some(e.to_string());
                    self.mode = Mode::Form(f);
                }
            },
            other => self.mode = other,
        }
    }

    fn submit_picker(&mut self, p: &Picker) -> Result<(), String> {
        let Some(value) = p.picked() else {
            // A role name nobody has: say which ones exist.
            if p.purpose == PickPurpose::AssignRole {
                self.playbook
                    .find_role(p.query.text())
                    .map_err(|e| e.to_string())?;
            }
            return Err("Nothing matches; change the filter or press Esc.".to_string());
        };
        let command = match &p.purpose {
            PickPurpose::Switch => return self.switch_to(&value),
            PickPurpose::Filter => {
                self.filter = EntryKind::from_label(&value);
                self.selected = None;
                return Ok(());
            }
            PickPurpose::AssignRole => return self.ask_person(&value),
            PickPurpose::AssignPerson { role } => Command::Assign {
                role: role.clone(),
                person: value,
            },
            PickPurpose::Release => Command::Release { role: value },
            PickPurpose::Severity => Command::Severity { level: value },
            PickPurpose::Stage => {
                self.execute(Command::Stage { stage: value })?;
                self.offer_stage_update();
                return Ok(());
            }
            PickPurpose::Checklist { stage } => Command::Tick {
                item: value,
                stage: Some(stage.clone()),
            },
        };
        self.execute(command)
    }

    /// The second step of an assignment: who takes the role picked.
    pub(super) fn ask_person(&mut self, role: &str) -> Result<(), String> {
        let inc = self
            .incident
            .as_ref()
            .ok_or_else(|| self.no_incident_said())?;
        let pb = &self.playbook;
        let role = pb.find_role(role).map_err(|e| e.to_string())?;
        let holder = inc.roles.get(&role).map(|h| h.person.clone());
        let mut choices: Vec<Choice> = inc
            .people
            .iter()
            .map(|person| Choice::new(person, person))
            .collect();
        choices.sort_by_key(|c| Some(&c.value) == holder.as_ref());
        let title = match &holder {
            Some(h) => format!(
                "Who takes {} from {h}? (or type a new name)",
                pb.role_name(&role)
            ),
            None => format!("Who takes {}? (or type a new name)", pb.role_name(&role)),
        };
        self.mode = Mode::Picker(
            Picker::new(title, PickPurpose::AssignPerson { role }, choices)
                .accepting_typed("new person"),
        );
        Ok(())
    }

    fn switch_to(&mut self, id: &str) -> Result<(), String> {
        let id = self.ctx.store.resolve(id).map_err(|e| e.to_string())?;
        let inc = self.ctx.store.incident(id).map_err(|e| e.to_string())?;
        let title = inc.as_ref().map(|i| i.title.clone()).unwrap_or_default();
        self.show(inc);
        self.info(format!("Showing {} {title}.", id.short()));
        Ok(())
    }

    /// What the filled form asks the door for.
    pub(super) fn form_command(&self, f: &Form) -> Command {
        let value = |name: &str| f.value(name).to_string();
        match &f.purpose {
            FormPurpose::Declare => Command::Declare {
                title: value("title"),
                severity: Some(value("severity")),
                summary: value("summary"),
                commander: Some(value("commander")),
                playbook: self.ctx.default_playbook().name.clone(),
            },
            FormPurpose::Note => Command::Note {
                kind: NoteKind::parse(f.value("kind")).unwrap_or(NoteKind::Note),
                text: value("text"),
            },
            FormPurpose::Can => Command::Can {
                conditions: value("conditions"),
                actions: value("actions"),
                needs: value("needs"),
                role: None,
            },
            FormPurpose::Update => Command::Update {
                status: Some(value("status")),
                impact: Some(value("impact")),
                action: Some(value("action")),
                next: Some(value("next")),
            },
            FormPurpose::Impact => Command::SetImpact {
                affected: Some(value("affected")),
                count: Some(value("count")),
                // A playbook without categories gives the form no field.
                category: f
                    .fields
                    .iter()
                    .any(|field| field.id == "category")
                    .then(|| value("category")),
            },
            FormPurpose::Link => Command::Link {
                label: value("label"),
                url: value("url"),
            },
            FormPurpose::ActionItem => Command::AddActionItem {
                text: value("text"),
                owner: Some(value("owner")),
                due: Some(value("due")),
            },
            FormPurpose::Resolve => Command::Resolve {
                summary: value("summary"),
            },
            FormPurpose::Reopen => Command::Reopen {
                reason: value("reason"),
            },
            FormPurpose::Redact { target } => Command::Redact {
                entry: target.to_string(),
                reason: value("reason"),
            },
            FormPurpose::Object { step } => Command::Object {
                step: step.to_string(),
                reason: value("reason"),
            },
        }
    }
}
