//! What Enter records: the picked value or the filled form checked, turned
//! into the event the command line would write, and written.

use chrono::Local;

use super::{App, Mode, say, ticked};
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::EntryKind;
use crate::domain::input::{
    InputError, declaration, next_update_by_cadence, optional, parse_due, required,
};
use crate::domain::when::parse_time_or_duration;
use crate::tui::form::{Form, Purpose as FormPurpose};
use crate::tui::picker::{Choice, Picker, Purpose as PickPurpose};

impl App {
    pub(super) fn submit(&mut self) {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Picker(p) => {
                if let Err(e) = self.submit_picker(&p) {
                    self.error(e);
                    // Keep what was typed so it can be mended.
                    if self.mode == Mode::Normal {
                        self.mode = Mode::Picker(p);
                    }
                }
            }
            Mode::Form(mut f) => {
                if let Err(e) = self.submit_form(&f) {
                    f.error = Some(e);
                    self.mode = Mode::Form(f);
                }
            }
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
        if p.purpose == PickPurpose::Switch {
            return self.switch_to(&value);
        }
        if p.purpose == PickPurpose::Filter {
            self.filter = EntryKind::from_label(&value);
            self.selected = None;
            return Ok(());
        }
        let Some(inc) = &self.incident else {
            return Err("No incident is open.".to_string());
        };
        let pb = &self.playbook;
        let (kind, said) = match &p.purpose {
            PickPurpose::AssignRole => {
                let role = pb.find_role(&value).map_err(|e| e.to_string())?;
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
                return Ok(());
            }
            PickPurpose::AssignPerson { role } => {
                let person = required("the person", &value).map_err(|e| e.0)?;
                let said = format!("{person} holds {}.", pb.role_name(role));
                (
                    EventKind::RoleAssigned {
                        role: role.clone(),
                        person,
                    },
                    said,
                )
            }
            PickPurpose::Release => {
                if !inc.roles.contains_key(&value) {
                    return Err(format!("Nobody holds {} any more.", pb.role_name(&value)));
                }
                let said = format!("Released {}.", pb.role_name(&value));
                (EventKind::RoleReleased { role: value }, said)
            }
            PickPurpose::Severity => {
                let severity = pb
                    .find_severity(&value)
                    .map_err(|e| e.to_string())?
                    .id
                    .clone();
                if severity == inc.severity {
                    return Err(format!("The severity is already {severity}."));
                }
                let said = format!("Severity is now {severity}.");
                (EventKind::SeverityChanged { severity }, said)
            }
            PickPurpose::Stage => {
                let stage = pb.find_stage(&value).map_err(|e| e.to_string())?;
                if stage.id == inc.stage {
                    return Err(format!("The incident is already in {}.", stage.name));
                }
                let said = format!("Stage is now {}.", stage.name);
                (
                    EventKind::StageChanged {
                        stage: stage.id.clone(),
                    },
                    said,
                )
            }
            PickPurpose::Checklist { stage } => {
                if ticked(inc, stage, &value) {
                    return Err(format!("Already ticked: {value}"));
                }
                let said = format!("Ticked: {value}");
                (
                    EventKind::ChecklistTicked {
                        stage: stage.clone(),
                        item: value,
                    },
                    said,
                )
            }
            PickPurpose::Switch | PickPurpose::Filter => unreachable!("handled above"),
        };
        let id = inc.id;
        self.record(id, kind).map_err(say)?;
        self.info(said);
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

    fn submit_form(&mut self, f: &Form) -> Result<(), String> {
        let input = |e: InputError| e.0;
        if f.purpose == FormPurpose::Declare {
            let kind = declaration(
                &self.playbook,
                f.value("title"),
                Some(f.value("severity")),
                f.value("summary"),
                f.value("commander"),
            )
            .map_err(input)?;
            let id = IncidentId::generate();
            self.record(id, kind).map_err(say)?;
            self.info(format!("Declared incident {}.", id.short()));
            return Ok(());
        }
        let Some(inc) = &self.incident else {
            return Err("No incident is open.".to_string());
        };
        let (kind, said) = match f.purpose {
            FormPurpose::Note => {
                let note = NoteKind::parse(f.value("kind")).unwrap_or(NoteKind::Note);
                let text = required("the text", f.value("text")).map_err(input)?;
                (
                    EventKind::Note { note, text },
                    format!("Logged {}.", note.name()),
                )
            }
            FormPurpose::Can => {
                let conditions = required("Conditions", f.value("conditions")).map_err(input)?;
                let actions = required("Actions", f.value("actions")).map_err(input)?;
                let needs = required("Needs", f.value("needs")).map_err(input)?;
                let role = inc.role_held_by(&self.me()).map(str::to_string);
                (
                    EventKind::CanReport {
                        conditions,
                        actions,
                        needs,
                        role,
                    },
                    "Filed CAN report.".to_string(),
                )
            }
            FormPurpose::Update => {
                let status = required("the status", f.value("status")).map_err(input)?;
                let next_update = match optional(f.value("next")) {
                    Some(n) => Some(parse_time_or_duration(&n, &self.now.with_timezone(&Local))?),
                    None => next_update_by_cadence(&self.playbook, &inc.severity, self.now),
                };
                let said = match next_update {
                    Some(t) => format!("Update recorded; next one due at {}.", self.zone.hm(t)),
                    None => "Update recorded.".to_string(),
                };
                (
                    EventKind::UpdateSent {
                        status,
                        impact: f.value("impact").trim().to_string(),
                        action: f.value("action").trim().to_string(),
                        next_update,
                    },
                    said,
                )
            }
            FormPurpose::Link => (
                EventKind::LinkAdded {
                    label: required("the label", f.value("label")).map_err(input)?,
                    url: required("the URL", f.value("url")).map_err(input)?,
                },
                "Link added.".to_string(),
            ),
            FormPurpose::ActionItem => {
                let text = required("the action item", f.value("text")).map_err(input)?;
                let today = self.now.with_timezone(&Local).date_naive();
                let due = optional(f.value("due"))
                    .map(|d| parse_due(&d, today))
                    .transpose()
                    .map_err(input)?;
                (
                    EventKind::ActionItemAdded {
                        text,
                        owner: optional(f.value("owner")),
                        due,
                    },
                    "Action item added.".to_string(),
                )
            }
            FormPurpose::Resolve => (
                EventKind::Resolved {
                    summary: f.value("summary").trim().to_string(),
                },
                "Resolved.".to_string(),
            ),
            FormPurpose::Reopen => (
                EventKind::Reopened {
                    reason: f.value("reason").trim().to_string(),
                },
                "Reopened.".to_string(),
            ),
            FormPurpose::Redact { target } => (
                EventKind::Redacted {
                    target,
                    reason: f.value("reason").trim().to_string(),
                },
                "Redacted.".to_string(),
            ),
            FormPurpose::Declare => unreachable!("handled above"),
        };
        let id = inc.id;
        self.record(id, kind).map_err(say)?;
        self.info(said);
        Ok(())
    }
}
