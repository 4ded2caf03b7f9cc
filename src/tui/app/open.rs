//! What each key opens: the pickers and forms, filled from the incident and
//! its playbook.

use super::{App, Mode};
use crate::domain::draft::update_draft;
use crate::domain::event::NoteKind;
use crate::domain::incident::EntryKind;
use crate::domain::roster::role_rows;
use crate::domain::text::thousands;
use crate::domain::when::human_duration;
use crate::keymap::ConsoleCommand;
use crate::tui::action::Open;
use crate::tui::form::{Field, Form, Purpose as FormPurpose};
use crate::tui::picker::{Choice, Picker, Purpose as PickPurpose};

impl App {
    pub(super) fn open(&mut self, what: Open) {
        let needs_incident = !matches!(what, Open::Declare | Open::Switch);
        let Some(inc) = self.incident.as_ref().filter(|_| needs_incident) else {
            if needs_incident {
                return self.no_incident();
            }
            return match what {
                Open::Declare => self.open_declare(),
                _ => self.open_switch(),
            };
        };
        let pb = &self.playbook;
        self.mode = match what {
            Open::Assign => {
                // Unfilled roles first: they are what an assignment usually
                // fills, and a stray Enter then never hands over the
                // commander's role.
                let mut rows = role_rows(inc, pb);
                rows.sort_by_key(|r| r.holder.is_some());
                let choices = rows
                    .into_iter()
                    .map(|r| {
                        let holder = r.holder.as_deref().unwrap_or("unfilled");
                        Choice::new(format!("{} — {holder}", r.name), r.role)
                    })
                    .collect();
                let families: Vec<String> = pb
                    .roles
                    .iter()
                    .filter(|r| r.free_form)
                    .map(|r| format!("{}:<area>", r.id))
                    .collect();
                let title = if families.is_empty() {
                    "Assign which role?".to_string()
                } else {
                    format!("Assign which role? (or type {})", families.join(", "))
                };
                Mode::Picker(
                    Picker::new(title, PickPurpose::AssignRole, choices)
                        .accepting_typed_with("role", ':'),
                )
            }
            Open::Release => {
                if inc.roles.is_empty() {
                    return self.error("Nobody holds a role yet.");
                }
                let choices = inc
                    .roles
                    .iter()
                    .map(|(role, h)| {
                        Choice::new(format!("{} — {}", pb.role_name(role), h.person), role)
                    })
                    .collect();
                Mode::Picker(Picker::new(
                    "Release which role?",
                    PickPurpose::Release,
                    choices,
                ))
            }
            Open::Severity => {
                let choices = pb
                    .severities
                    .iter()
                    .map(|s| {
                        let cadence = s
                            .update_minutes
                            .map_or("no fixed cadence".to_string(), |m| {
                                format!("updates every {m} min")
                            });
                        Choice::new(format!("{} {} — {cadence}", s.id, s.name), &s.id)
                    })
                    .collect();
                Mode::Picker(
                    Picker::new("Severity", PickPurpose::Severity, choices)
                        .highlighting(&inc.severity),
                )
            }
            Open::Stage => {
                let choices = pb
                    .stages
                    .iter()
                    .map(|s| Choice::new(format!("{} — {}", s.name, s.description), &s.id))
                    .collect();
                // Moving on is what the key is for: start on the stage after
                // this one, so Enter never asks for the stage it is in.
                let next = pb
                    .stages
                    .iter()
                    .skip_while(|s| s.id != inc.stage)
                    .nth(1)
                    .map_or(inc.stage.as_str(), |s| s.id.as_str());
                Mode::Picker(
                    Picker::new("Move to stage", PickPurpose::Stage, choices).highlighting(next),
                )
            }
            Open::Checklist => {
                let Some(stage) = pb.stage(&inc.stage) else {
                    return self.error(format!(
                        "The playbook has no stage '{}', so no checklist.",
                        inc.stage
                    ));
                };
                let choices = stage
                    .checklist
                    .iter()
                    .enumerate()
                    .map(|(n, item)| {
                        let done = inc.is_ticked(&stage.id, item);
                        let mark = if done { "x" } else { " " };
                        Choice::new(format!("[{mark}] {}. {item}", n + 1), item)
                    })
                    .collect();
                Mode::Picker(Picker::new(
                    format!("Tick an item of {}", stage.name),
                    PickPurpose::Checklist {
                        stage: stage.id.clone(),
                    },
                    choices,
                ))
            }
            Open::Filter => {
                let mut choices = vec![Choice::new("everything", "")];
                choices.extend(
                    EntryKind::ALL
                        .iter()
                        .map(|k| Choice::new(k.label(), k.label())),
                );
                Mode::Picker(Picker::new(
                    "Show only entries of kind",
                    PickPurpose::Filter,
                    choices,
                ))
            }
            Open::Note => {
                let kinds = NoteKind::ALL
                    .iter()
                    .map(|k| Choice::new(k.name(), k.name()))
                    .collect();
                Mode::Form(Form::new(
                    "Add to the timeline",
                    FormPurpose::Note,
                    vec![
                        Field::choice("kind", "Kind", kinds, "note"),
                        Field::lines("text", "Text", ""),
                    ],
                ))
                .focus(1)
            }
            Open::Can => {
                let me = self.me();
                let reporting = match inc.role_held_by(&me) {
                    Some(role) => format!("Reporting as {me} ({})", pb.role_name(role)),
                    None => format!("Reporting as {me}"),
                };
                Mode::Form(
                    Form::new(
                        "CAN report",
                        FormPurpose::Can,
                        vec![
                            Field::lines("conditions", "Conditions", "")
                                .hint("what is the situation?"),
                            Field::lines("actions", "Actions", "").hint("what are you doing?"),
                            Field::lines("needs", "Needs", "").hint("what do you need?"),
                        ],
                    )
                    .with_note(reporting),
                )
            }
            Open::Update => {
                let draft = update_draft(inc, pb, &self.zone.at(self.now));
                let every = pb
                    .cadence_minutes(&inc.severity)
                    .map_or("no fixed cadence".to_string(), |m| format!("every {m} min"));
                Mode::Form(
                    Form::new(
                        "Stakeholder update",
                        FormPurpose::Update,
                        vec![
                            Field::lines("status", "Status", &draft.status),
                            Field::lines("impact", "Impact", &draft.impact),
                            Field::lines("action", "Action", &draft.action),
                            Field::line("next", "Next update", "")
                                .hint("empty: by the cadence; or 45m, 14:30"),
                        ],
                    )
                    .with_note(format!(
                        "Ctrl-O copies it. Send it, then save to record it and restart the timer ({}: {every}).",
                        inc.severity
                    )),
                )
            }
            Open::Impact => {
                let held = inc.impact.as_ref();
                let affected = held.map(|i| i.affected_words()).unwrap_or_default();
                let count = held.and_then(|i| i.count).map(thousands);
                let mut fields = vec![
                    Field::line("affected", "Who is affected", affected)
                        .hint("e.g. checkout customers in the EU"),
                    Field::line("count", "How many", count.as_deref().unwrap_or_default())
                        .hint("optional: 1,200; empty when not known"),
                ];
                if !pb.categories.is_empty() {
                    let mut choices = vec![Choice::new("none", "")];
                    choices.extend(
                        pb.categories
                            .iter()
                            .map(|c| Choice::new(format!("{} — {}", c.name, c.description), &c.id)),
                    );
                    let category = held.and_then(|i| i.category.as_deref()).unwrap_or_default();
                    if !category.is_empty() && pb.category(category).is_none() {
                        choices.push(Choice::new(
                            format!("{category} (not in this playbook)"),
                            category,
                        ));
                    }
                    fields.push(Field::choice("category", "Category", choices, category));
                }
                Mode::Form(
                    Form::new("Impact", FormPurpose::Impact, fields)
                        .with_note("Saving sets the whole impact; the timeline keeps each change."),
                )
            }
            Open::Link => Mode::Form(Form::new(
                "Command-center link",
                FormPurpose::Link,
                vec![
                    Field::line("label", "Label", "").hint("call, channel, doc…"),
                    Field::line("url", "URL", ""),
                ],
            )),
            Open::ActionItem => Mode::Form(Form::new(
                "Action item",
                FormPurpose::ActionItem,
                vec![
                    Field::lines("text", "What", ""),
                    Field::line("owner", "Owner", "").hint("optional"),
                    Field::line("due", "Due", "").hint("optional: YYYY-MM-DD or +7d"),
                ],
            )),
            Open::Resolve if inc.is_resolved() => Mode::Form(Form::new(
                format!("Reopen {}", inc.id.short()),
                FormPurpose::Reopen,
                vec![Field::lines("reason", "Why", "").hint("optional")],
            )),
            Open::Resolve => Mode::Form(
                Form::new(
                    format!("Resolve {}", inc.id.short()),
                    FormPurpose::Resolve,
                    vec![Field::lines("summary", "Summary", "").hint("optional")],
                )
                .with_note("Saving marks the incident resolved; R again reopens it."),
            ),
            Open::Declare | Open::Switch => unreachable!("handled above"),
        };
    }

    /// After a move to a new stage, the update form, its draft saying the
    /// stage: stakeholders are told when the incident enters a new stage.
    /// Enter records it, Ctrl-O copies it, Esc declines.
    pub(super) fn offer_stage_update(&mut self) {
        self.open(Open::Update);
        let Some(inc) = &self.incident else { return };
        let stage = self
            .playbook
            .stage(&inc.stage)
            .map_or_else(|| inc.stage.clone(), |s| s.name.clone());
        if let Mode::Form(form) = &mut self.mode {
            form.title = format!("Now in {stage}: tell stakeholders?");
            form.note =
                Some("Enter records the update, Ctrl-O copies it, Esc sends none.".to_string());
        }
        self.form_opened();
    }

    /// A new incident runs by the default playbook (the config file's),
    /// whichever incident is on screen.
    fn open_declare(&mut self) {
        let playbook = self.ctx.default_playbook();
        let severities = playbook
            .severities
            .iter()
            .map(|s| Choice::new(format!("{} {}", s.id, s.name), &s.id))
            .collect();
        let first = playbook
            .severities
            .first()
            .map_or(String::new(), |s| s.id.clone());
        let me = self.me();
        self.mode = Mode::Form(
            Form::new(
                "Declare an incident",
                FormPurpose::Declare,
                vec![
                    Field::line("title", "Title", "").hint("what is broken, for whom"),
                    Field::choice("severity", "Severity", severities, &first),
                    Field::lines("summary", "Summary", "").hint("optional"),
                    Field::line("commander", "Incident commander", &me),
                ],
            )
            .with_note(declare_note(
                &playbook.name,
                self.ctx.default_playbook_name(),
            )),
        );
    }

    fn open_switch(&mut self) {
        let incidents = match self.ctx.store.incidents() {
            Ok(all) => all,
            Err(e) => return self.error(format!("cannot list incidents: {e}")),
        };
        if incidents.is_empty() {
            let d = self.keys.key(ConsoleCommand::Declare);
            return self.error(format!(
                "There are no incidents yet: press {d} to declare one."
            ));
        }
        let mut incidents = incidents;
        // Open ones first, each group most recently active first.
        incidents.sort_by_key(|i| i.is_resolved());
        let choices = incidents
            .iter()
            .map(|i| {
                let state = match i.resolved_at {
                    Some(_) => "resolved".to_string(),
                    None => format!("open {}", human_duration(self.now - i.declared_at)),
                };
                Choice::new(
                    format!("{} {} {} ({state})", i.id.short(), i.severity, i.title),
                    i.id.to_string(),
                )
            })
            .collect();
        let current = self
            .incident
            .as_ref()
            .map(|i| i.id.to_string())
            .unwrap_or_default();
        self.mode = Mode::Picker(
            Picker::new("Switch to incident", PickPurpose::Switch, choices).highlighting(&current),
        );
    }
}

impl Mode {
    /// Starts a form on another field than the first.
    fn focus(self, field: usize) -> Mode {
        match self {
            Mode::Form(mut f) => {
                f.focus = field.min(f.fields.len().saturating_sub(1));
                Mode::Form(f)
            }
            other => other,
        }
    }
}

/// Which playbook a new incident runs by, and, where the config file names
/// one that does not load, that it is not the one named: `declare` on the
/// command line refuses there, the console must not switch unsaid.
fn declare_note(runs_by: &str, configured: &str) -> String {
    if runs_by == configured {
        format!("Runs by the '{runs_by}' playbook.")
    } else {
        format!(
            "Runs by the '{runs_by}' playbook: the config file's '{}' is not one here.",
            crate::domain::text::single_line(configured)
        )
    }
}
