//! The console's state and the one place it changes: `update` takes an
//! action, writes any event through the store exactly as the command line
//! would, and leaves the state for `draw` to show.

use chrono::{DateTime, Duration, Local, Utc};
use crossterm::event::Event as TermEvent;

use super::form::{Field, Form, Purpose as FormPurpose};
use super::keys;
use super::picker::{Choice, Picked, Picker, Purpose as PickPurpose};
use super::sync_state::SyncState;
use super::text_input::Edit;
use super::theme::Theme;
use crate::cli::{CliError, Context, When};
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::draft::update_draft;
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::incident::{Entry, EntryKind, Incident};
use crate::domain::input::{
    InputError, declaration, next_update_by_cadence, optional, parse_due, required,
};
use crate::domain::playbook::Playbook;
use crate::domain::roster::role_rows;
use crate::domain::when::{human_duration, parse_time_or_duration};
use crate::playbooks::Catalog;
use crate::store::StoreError;
use crate::zone::Zone;

/// How long a message stays in the footer.
const FLASH_FOR: Duration = Duration::seconds(10);
/// How far PgUp/PgDn move the timeline selection.
const PAGE: usize = 10;

/// Everything that can happen to the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The 1-second timer: clocks move, other writers are noticed.
    Tick,
    /// The terminal changed size: draw again.
    Redraw,
    Quit,
    Open(Open),
    Help,
    Pin,
    ToggleOlderCan,
    Select(Select),
    ClearSelection,
    Edit(Edit),
    /// Moves a picker's highlight.
    Move(i32),
    NextField,
    PrevField,
    Submit,
    Cancel,
    Background(Background),
}

/// The pickers and forms a key opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    Assign,
    Release,
    Note,
    Can,
    Update,
    Severity,
    Stage,
    Link,
    ActionItem,
    Checklist,
    Resolve,
    Switch,
    Declare,
    Filter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
}

/// Results of work done off the event loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Background {
    Sync(SyncState),
}

/// What is in front of the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Normal,
    Help,
    Picker(Picker),
    Form(Form),
}

/// A message in the footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

pub struct App {
    ctx: Context,
    pub incident: Option<Incident>,
    /// The incident's playbook (the default one where it has none usable).
    pub playbook: Playbook,
    pub now: DateTime<Utc>,
    pub zone: Zone,
    pub theme: Theme,
    pub mode: Mode,
    /// The selected timeline entry; `None` follows the newest.
    pub selected: Option<EventId>,
    /// Only entries of this kind are shown.
    pub filter: Option<EntryKind>,
    /// Every CAN report rather than the latest from each reporter.
    pub older_can: bool,
    pub sync: SyncState,
    pub flash: Option<Flash>,
    pub quit: bool,
    bell: bool,
    /// The deadline the bell last rang for: once per deadline.
    rung_for: Option<DateTime<Utc>>,
    data_version: i64,
    /// How many times the incident was folded from the store.
    pub folds: u64,
}

/// What `update` reports an error as, in the footer or the form.
fn say(e: CliError) -> String {
    e.to_string()
}

impl App {
    /// Opens the console on the incident named by --incident, or the current
    /// one; with none open, on the welcome screen.
    pub fn new(ctx: Context) -> Result<App, CliError> {
        let incident = match ctx.incident() {
            Ok(i) => Some(i),
            Err(CliError::Store(StoreError::NoOpenIncident)) => None,
            Err(e) => return Err(e),
        };
        let playbook = playbook_for(&ctx, incident.as_ref());
        let data_version = ctx.store.data_version()?;
        let now = ctx.store.now();
        let mut app = App {
            ctx,
            incident,
            playbook,
            now,
            zone: Zone::Local,
            theme: Theme::from_env(),
            mode: Mode::Normal,
            selected: None,
            filter: None,
            older_can: false,
            sync: SyncState::default(),
            flash: None,
            quit: false,
            bell: false,
            rung_for: None,
            data_version,
            folds: 1,
        };
        app.check_bell();
        Ok(app)
    }

    /// The store, for tests and for the event loop's own reads.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    pub fn context_mut(&mut self) -> &mut Context {
        &mut self.ctx
    }

    /// Whether the terminal bell should ring now (it rings once).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// The comms cadence at this moment.
    pub fn cadence(&self) -> Cadence {
        self.incident.as_ref().map_or(Cadence::None, |inc| {
            next_update(inc, &self.playbook, self.now)
        })
    }

    /// The timeline as shown: filtered by kind.
    pub fn visible_timeline(&self) -> Vec<&Entry> {
        self.incident.as_ref().map_or_else(Vec::new, |inc| {
            inc.timeline
                .iter()
                .filter(|e| self.filter.is_none_or(|k| e.kind == k))
                .collect()
        })
    }

    /// A terminal event: a key becomes an action; a resize redraws.
    pub fn handle_event(&mut self, event: TermEvent) {
        match event {
            TermEvent::Key(key) => {
                if let Some(action) = keys::action(&self.mode, key) {
                    self.update(action);
                }
            }
            TermEvent::Resize(..) => self.update(Action::Redraw),
            _ => {}
        }
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Tick => self.tick(),
            Action::Redraw => {}
            Action::Quit => self.quit = true,
            Action::Background(Background::Sync(state)) => self.sync = state,
            Action::Open(what) => self.open(what),
            Action::Help => {
                self.mode = match self.mode {
                    Mode::Help => Mode::Normal,
                    _ => Mode::Help,
                }
            }
            Action::Pin => self.pin(),
            Action::ToggleOlderCan => self.older_can = !self.older_can,
            Action::Select(s) => self.select(s),
            Action::ClearSelection => {
                if self.selected.is_some() {
                    self.selected = None;
                } else {
                    self.filter = None;
                }
            }
            Action::Edit(e) => match &mut self.mode {
                Mode::Picker(p) => p.edit(e),
                Mode::Form(f) => f.edit(e),
                _ => {}
            },
            Action::Move(d) => {
                if let Mode::Picker(p) = &mut self.mode {
                    p.move_by(d);
                }
            }
            Action::NextField | Action::PrevField => {
                if let Mode::Form(f) = &mut self.mode {
                    f.next_field(action == Action::NextField);
                }
            }
            Action::Submit => self.submit(),
            Action::Cancel => {
                if matches!(self.mode, Mode::Form(_) | Mode::Picker(_)) {
                    self.info("Cancelled; nothing recorded.");
                }
                self.mode = Mode::Normal;
            }
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
            at: self.now,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: true,
            at: self.now,
        });
    }

    fn tick(&mut self) {
        self.now = self.ctx.store.now();
        match self.ctx.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.refresh();
            }
            Ok(_) => {}
            Err(e) => self.error(format!("cannot read the log: {e}")),
        }
        if self
            .flash
            .as_ref()
            .is_some_and(|f| self.now - f.at > FLASH_FOR)
        {
            self.flash = None;
        }
        self.check_bell();
    }

    /// Folds the incident again from the store: after our own writes and
    /// when another process wrote.
    fn refresh(&mut self) {
        let loaded = match &self.incident {
            Some(inc) => self.ctx.store.incident(inc.id).map_err(CliError::from),
            None => match self.ctx.incident() {
                Ok(i) => Ok(Some(i)),
                Err(CliError::Store(StoreError::NoOpenIncident)) => Ok(None),
                Err(e) => Err(e),
            },
        };
        match loaded {
            Ok(inc) => self.show(inc),
            Err(e) => self.error(say(e)),
        }
    }

    fn show(&mut self, incident: Option<Incident>) {
        if incident.as_ref().map(|i| i.id) != self.incident.as_ref().map(|i| i.id) {
            self.selected = None;
            self.filter = None;
        }
        self.folds += 1;
        self.playbook = playbook_for(&self.ctx, incident.as_ref());
        self.incident = incident;
        self.check_bell();
    }

    fn check_bell(&mut self) {
        if let Cadence::Due {
            due_at, remaining, ..
        } = self.cadence()
            && remaining < Duration::zero()
            && self.rung_for != Some(due_at)
        {
            self.rung_for = Some(due_at);
            self.bell = true;
        }
    }

    fn select(&mut self, s: Select) {
        let visible = self.visible_timeline();
        let n = visible.len();
        if n == 0 {
            return;
        }
        let current = self
            .selected
            .and_then(|id| visible.iter().position(|e| e.id == id));
        let next = match (s, current) {
            (Select::Last, _) => None,
            (Select::First, _) => Some(0),
            (Select::Up, None) => Some(n - 1),
            (Select::PageUp, None) => Some(n.saturating_sub(PAGE)),
            (Select::Up, Some(i)) => Some(i.saturating_sub(1)),
            (Select::PageUp, Some(i)) => Some(i.saturating_sub(PAGE)),
            (Select::Down | Select::PageDown, None) => None,
            (Select::Down, Some(i)) => (i + 1 < n).then_some(i + 1),
            (Select::PageDown, Some(i)) => (i + PAGE < n).then_some(i + PAGE),
        };
        self.selected = next.map(|i| visible[i].id);
    }

    fn pin(&mut self) {
        let Some(inc) = &self.incident else {
            return self.no_incident();
        };
        let Some(entry) = self
            .selected
            .and_then(|id| inc.timeline.iter().find(|e| e.id == id))
        else {
            return self.error("Select an entry with ↑/↓ first, then press p to pin it.");
        };
        if entry.pinned {
            return self.info("That entry is already pinned.");
        }
        let id = inc.id;
        let target = entry.id;
        match self.record(id, EventKind::Pinned { target }) {
            Ok(()) => self.info("Pinned."),
            Err(e) => self.error(say(e)),
        }
    }

    fn no_incident(&mut self) {
        self.error("No incident is open: press D to declare one, or i to open another.");
    }

    /// Records an event as the current user, then shows the result.
    fn record(&mut self, incident: IncidentId, kind: EventKind) -> Result<(), CliError> {
        self.ctx.record(incident, &When { at: None }, kind)?;
        self.now = self.ctx.store.now();
        let inc = self.ctx.store.incident(incident)?;
        self.show(inc);
        Ok(())
    }

    fn me(&self) -> String {
        self.ctx.author().unwrap_or_default()
    }

    fn open(&mut self, what: Open) {
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
                let choices = role_rows(inc, pb)
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
                    Picker::new(title, PickPurpose::AssignRole, choices).accepting_typed("role"),
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
                Mode::Picker(
                    Picker::new("Move to stage", PickPurpose::Stage, choices)
                        .highlighting(&inc.stage),
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
                        let done = ticked(inc, &stage.id, item);
                        let mark = if done { "x" } else { " " };
                        Choice::new(format!("[{mark}] {}. {item}", n + 1), item)
                    })
                    .collect();
                Mode::Picker(Picker::new(
                    format!("Tick an item of {}", stage.name),
                    PickPurpose::Checklist,
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
                let draft = update_draft(inc, pb, self.now);
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
                        "Send it, then save to record it and restart the timer ({}: {every}).",
                        inc.severity
                    )),
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

    fn open_declare(&mut self) {
        let severities = self
            .playbook
            .severities
            .iter()
            .map(|s| Choice::new(format!("{} {}", s.id, s.name), &s.id))
            .collect();
        let first = self
            .playbook
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
            .with_note(format!("Runs by the '{}' playbook.", self.playbook.name)),
        );
    }

    fn open_switch(&mut self) {
        let incidents = match self.ctx.store.incidents() {
            Ok(all) => all,
            Err(e) => return self.error(format!("cannot list incidents: {e}")),
        };
        if incidents.is_empty() {
            return self.error("There are no incidents yet: press D to declare one.");
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

    fn submit(&mut self) {
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
        let Some(picked) = p.picked() else {
            return Err("Nothing matches; change the filter or press Esc.".to_string());
        };
        let value = match &picked {
            Picked::Existing(v) | Picked::Typed(v) => v.clone(),
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
            PickPurpose::Checklist => {
                let said = format!("Ticked: {value}");
                (
                    EventKind::ChecklistTicked {
                        stage: inc.stage.clone(),
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
            FormPurpose::Declare => unreachable!("handled above"),
        };
        let id = inc.id;
        self.record(id, kind).map_err(say)?;
        self.info(said);
        Ok(())
    }
}

/// Whether a checklist item of a stage has been ticked.
pub fn ticked(inc: &Incident, stage: &str, item: &str) -> bool {
    inc.ticks.iter().any(|t| t.stage == stage && t.item == item)
}

/// The incident's playbook, else the default one, so a missing custom
/// playbook never hides the state.
fn playbook_for(ctx: &Context, incident: Option<&Incident>) -> Playbook {
    let found = match incident {
        Some(inc) => ctx.playbook_or_default(inc).ok(),
        None => ctx.catalog.get("default").ok(),
    };
    found.cloned().unwrap_or_else(|| {
        Catalog::built_in()
            .get("default")
            .cloned()
            .expect("the built-in default playbook is valid")
    })
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
