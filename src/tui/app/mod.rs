//! The console's state and the one place it changes: `update` takes an
//! action, writes any event through the store exactly as the command line
//! would, and leaves the state for `draw` to show.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::Event as TermEvent;

mod copy;
mod detail;
mod drafts;
mod open;
mod save;
mod secret_prompt;
mod shown;
mod wellbeing;

pub use detail::Detail;
pub use shown::Visible;
pub use wellbeing::Wellbeing;

use super::action::{Action, Background, Open, Select};
use super::background_outbox::OutboxState;
use super::form::Form;
use super::keys;
use super::picker::Picker;
use super::sync_state::{SyncHealth, SyncState};
use super::theme::Theme;
use crate::app::{AppError, Command, Context, Secrets};
use crate::domain::breaks::HandOver;
use crate::domain::cadence::{Cadence, next_update};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::incident::{Entry, EntryKind, Incident, Projection};
use crate::domain::playbook::Playbook;
use crate::keymap::{ConsoleCommand, KeyMap};
use crate::store::StoreError;
use crate::zone::Zone;
use drafts::Ask;

/// How long a message stays in the footer.
const FLASH_FOR: Duration = Duration::seconds(10);
/// How many of the newest entries the console opens with, loading the
/// rest once the first frame is drawn: more than any screen shows.
const FIRST_SCREEN: usize = 500;
/// How far PgUp/PgDn move the timeline selection.
const PAGE: usize = 10;

/// The message shown while a sync asked for by key runs.
const SYNCING: &str = "Syncing…";

/// What is in front of the console.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Normal,
    Help,
    Picker(Picker),
    Form(Form),
    /// One timeline entry read whole.
    Detail(Detail),
    /// Someone has been on shift past the limit holding a role: hand it
    /// over? Put to the commander once (see `wellbeing`).
    BreakPrompt(HandOver),
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
    /// Which key starts each console command (the config file's `[keys]`).
    pub keys: KeyMap,
    pub mode: Mode,
    /// The selected timeline entry; `None` follows the newest.
    pub selected: Option<EventId>,
    /// Only entries of this kind are shown.
    pub filter: Option<EntryKind>,
    /// Every CAN report rather than the latest from each reporter.
    pub older_can: bool,
    pub sync: SyncState,
    sync_requested: bool,
    /// Updates not yet delivered to their channels, as last reported.
    pub outbox: OutboxState,
    /// An update was recorded: the outbox worker should post it now.
    post_requested: bool,
    /// The terminal's size, when known (the event loop tells it).
    pub screen: Option<(u16, u16)>,
    pub flash: Option<Flash>,
    pub quit: bool,
    bell: bool,
    /// An OSC 52 sequence waiting to be written to the terminal: the
    /// clipboard is set by the event loop, as the bell is rung.
    clipboard: Option<String>,
    /// The deadline the bell last rang for: once per deadline.
    rung_for: Option<DateTime<Utc>>,
    data_version: i64,
    /// The open form's values when it opened, and as its draft last kept.
    form_start: Vec<(String, String)>,
    draft_kept: Vec<(String, String)>,
    /// A question waiting for y or another key.
    asking: Option<Ask>,
    /// How many times the incident was folded from the store.
    pub folds: u64,
    /// How many of the incident's oldest entries are not loaded yet: the
    /// console opens on the newest and loads the rest after the first
    /// frame. Zero once the timeline is whole.
    pub older_unloaded: usize,
    /// What frames read, worked out once per fold and filter.
    memo: shown::Memo,
    /// Time on shift across the day's incidents.
    pub wellbeing: Wellbeing,
}

impl App {
    /// Opens the console on the incident named by --incident, or the current
    /// one; with none open, on the welcome screen.
    pub fn new(ctx: Context) -> Result<App, AppError> {
        // On a long incident the first screen needs only the newest
        // entries; the rest follow once it is drawn (`load_older`).
        let (incident, older_unloaded) = match ctx.incident_newest(FIRST_SCREEN) {
            Ok((i, left_out)) => (Some(i), left_out),
            Err(AppError::Store(StoreError::NoOpenIncident)) => (None, 0),
            Err(e) => return Err(e),
        };
        let playbook = playbook_for(&ctx, incident.as_ref());
        let data_version = ctx.store.data_version()?;
        let now = ctx.store.now();
        let zone = ctx.zone();
        let theme = Theme::new(ctx.config().settings.contrast);
        let keys = ctx.config().settings.keys.clone();
        let mut app = App {
            ctx,
            incident,
            playbook,
            now,
            zone,
            theme,
            keys,
            mode: Mode::Normal,
            selected: None,
            filter: None,
            older_can: false,
            sync: SyncState::default(),
            sync_requested: false,
            outbox: OutboxState::default(),
            post_requested: false,
            screen: None,
            flash: None,
            quit: false,
            bell: false,
            clipboard: None,
            rung_for: None,
            data_version,
            form_start: Vec::new(),
            draft_kept: Vec::new(),
            asking: None,
            folds: 1,
            older_unloaded,
            memo: shown::Memo::default(),
            wellbeing: Wellbeing::default(),
        };
        app.check_bell();
        app.read_day();
        if let Some(why) = app.ctx.store.read_only() {
            let said = format!("Showing the log read-only: {why}");
            app.error(said);
        } else if let Some(unreadable) = app.ctx.store.unreadable() {
            app.error(unreadable.to_string());
        }
        Ok(app)
    }

    /// The store, for tests and for the event loop's own reads.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Whether the terminal bell should ring now (it rings once).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// The OSC 52 sequence to write to the terminal now, if a copy was
    /// asked for (written once).
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    /// Whether the screen is below the console's minimum size.
    pub fn too_small(&self) -> bool {
        self.screen
            .is_some_and(|(w, h)| w < super::view::MIN_WIDTH || h < super::view::MIN_HEIGHT)
    }

    /// Whether the user asked for a sync since the last call; the event
    /// loop passes it to the background worker.
    pub fn take_sync_request(&mut self) -> bool {
        std::mem::take(&mut self.sync_requested)
    }

    /// Whether an update was recorded since the last call; the event loop
    /// wakes the outbox worker.
    pub fn take_post_request(&mut self) -> bool {
        std::mem::take(&mut self.post_requested)
    }

    /// Says at once that the config file could not be used, so its
    /// channels get nothing.
    pub fn config_unusable(&mut self, why: &str) {
        self.error(format!(
            "{why}; updates are recorded but not posted to any channel"
        ));
    }

    /// The comms cadence at this moment.
    pub fn cadence(&self) -> Cadence {
        self.incident.as_ref().map_or(Cadence::None, |inc| {
            next_update(inc, &self.playbook, self.now)
        })
    }

    /// A terminal event: a key becomes an action; a resize redraws.
    /// Returns whether the screen may have changed.
    pub fn handle_event(&mut self, event: TermEvent) -> bool {
        // A question takes the next key press; a paste is not an answer,
        // and a resize still resizes.
        if let Some(ask) = self.asking {
            match &event {
                TermEvent::Key(key) if key.kind != crossterm::event::KeyEventKind::Release => {
                    self.answer(ask, key.code);
                    return true;
                }
                TermEvent::Resize(..) => {}
                _ => return false,
            }
        }
        let action = match event {
            // Behind "make the terminal bigger" nothing is visible, so only
            // quitting works: no blind writes.
            TermEvent::Key(key) => keys::action(&self.mode, key, &self.keys)
                .filter(|a| !self.too_small() || *a == Action::Quit),
            TermEvent::Paste(text) if !self.too_small() => Some(Action::Paste(text)),
            TermEvent::Resize(w, h) => {
                self.screen = Some((w, h));
                Some(Action::Redraw)
            }
            _ => None,
        };
        action.map(|a| self.update(a)).is_some()
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Tick => self.tick(),
            Action::Redraw => {}
            Action::Quit => {
                if !self.leave_form(Ask::Quit) {
                    self.keep_draft();
                    self.quit = true;
                }
            }
            Action::Background(Background::Sync(state)) => {
                // Answer a pending "Syncing…" with how it went.
                if self.flash.as_ref().is_some_and(|f| f.text == SYNCING) {
                    match &state.health {
                        SyncHealth::Failing(why) => self.error(format!("Sync failed: {why}")),
                        _ => self.info(format!(
                            "Synced: {} in, {} out.",
                            state.events_in, state.events_out
                        )),
                    }
                }
                self.sync = state;
            }
            Action::Background(Background::Outbox(state)) => {
                // The newest outcome is what the person wants to know.
                if let Some(said) = state.said.last() {
                    match said.starts_with("Update delivered") {
                        true => self.info(format!("{said}.")),
                        false => self.error(format!("{said}.")),
                    }
                }
                self.outbox = state;
            }
            Action::SyncNow => {
                self.sync_requested = true;
                match self.sync.health {
                    SyncHealth::NotConfigured => self.error(
                        "Sync has no target yet: run `fireground sync FILE_OR_GIT_REMOTE` once.",
                    ),
                    _ => self.info(SYNCING),
                }
            }
            Action::Open(what) => {
                self.open(what);
                self.form_opened();
            }
            Action::Help => {
                self.mode = match self.mode {
                    Mode::Help => Mode::Normal,
                    _ => Mode::Help,
                }
            }
            Action::Read => self.read(),
            Action::Scroll(s) => self.scroll(s),
            Action::Pin => self.pin(),
            Action::Redact => self.ask_redact(),
            Action::Object => self.ask_object(),
            Action::Copy => self.copy(),
            Action::ToggleOlderCan => self.older_can = !self.older_can,
            Action::Select(s) => self.select(s),
            Action::ClearSelection => {
                if self.selected.is_some() {
                    self.selected = None;
                } else {
                    self.filter = None;
                }
            }
            Action::Edit(e) => {
                let edited = match &mut self.mode {
                    Mode::Picker(p) => p.edit(e),
                    Mode::Form(f) => f.edit(e),
                    _ => Ok(()),
                };
                if let Err(full) = edited {
                    self.refuse_once(full.to_string());
                }
            }
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
            Action::Submit => match &self.mode {
                Mode::BreakPrompt(h) => {
                    let h = h.clone();
                    self.hand_over(&h);
                }
                _ => self.submit(),
            },
            Action::Paste(text) => self.paste(&text),
            Action::Cancel => {
                if self.leave_form(Ask::Discard) {
                    return;
                }
                if matches!(self.mode, Mode::Form(_) | Mode::Picker(_)) {
                    self.info("Cancelled; nothing recorded.");
                }
                if matches!(self.mode, Mode::BreakPrompt(_)) {
                    self.info("Not asked again; the checklist keeps the reminder.");
                }
                self.mode = Mode::Normal;
            }
        }
    }

    /// A paste goes into the field or query being typed; on the main
    /// screen it starts a note holding it, to save or cancel.
    fn paste(&mut self, text: &str) {
        if self.mode == Mode::Normal || self.mode == Mode::Help {
            if self.incident.is_none() {
                return self.no_incident();
            }
            self.mode = Mode::Normal;
            self.open(Open::Note);
            self.form_opened();
        }
        let pasted = match &mut self.mode {
            Mode::Form(f) => f.paste(text),
            Mode::Picker(p) => p.paste(text),
            _ => Ok(()),
        };
        if let Err(full) = pasted {
            self.refuse_once(full.to_string());
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

    /// An error shown once for a run of refused keys, as a paste into a
    /// full field is: every key after the first would say the same.
    fn refuse_once(&mut self, text: String) {
        if self.flash.as_ref().is_none_or(|f| f.text != text) {
            self.error(text);
        }
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
        self.keep_draft();
        self.measure_shifts();
        self.offer_break();
    }

    /// Folds the incident again from the store: after our own writes and
    /// when another process wrote.
    fn refresh(&mut self) {
        let loaded = match &self.incident {
            Some(inc) => self.ctx.store.incident(inc.id).map_err(AppError::from),
            None => match self.ctx.incident() {
                Ok(i) => Ok(Some(i)),
                Err(AppError::Store(StoreError::NoOpenIncident)) => Ok(None),
                Err(e) => Err(e),
            },
        };
        match loaded {
            Ok(inc) => self.show(inc),
            Err(e) => self.error(e.to_string()),
        }
        // Someone else wrote: perhaps in another of the day's incidents.
        self.read_day();
    }

    /// Loads the entries the first frame left out, if any: the event loop
    /// calls it once that frame is drawn.
    pub fn load_older(&mut self) {
        if self.older_unloaded > 0 {
            self.refresh();
        }
    }

    fn show(&mut self, incident: Option<Incident>) {
        if incident.as_ref().map(|i| i.id) != self.incident.as_ref().map(|i| i.id) {
            self.selected = None;
            self.filter = None;
        }
        self.folds += 1;
        self.older_unloaded = 0;
        self.playbook = playbook_for(&self.ctx, incident.as_ref());
        self.incident = incident;
        self.check_bell();
        // The day read holds every incident active today, and this
        // console's own writes are counted as made: the shown incident
        // in place of its copy is all that changed.
        self.measure_shifts();
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
            .and_then(|id| self.position_shown(&visible, id));
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
        let next = next.and_then(|i| Some((i, visible.get(i)?.id)));
        if let Some((i, id)) = next {
            self.found(id, i, &visible);
        }
        self.selected = next.map(|(_, id)| id);
    }

    /// The incident and the selected timeline entry, or what to do first.
    fn selected_entry(&self, key: ConsoleCommand, to: &str) -> Result<(IncidentId, Entry), String> {
        let inc = self
            .incident
            .as_ref()
            .ok_or_else(|| self.no_incident_said())?;
        self.selected
            .and_then(|id| self.entry(id))
            .map(|e| (inc.id, e.clone()))
            .ok_or_else(|| select_first(self.keys.key(key), to))
    }

    fn pin(&mut self) {
        let entry = match self.selected_entry(ConsoleCommand::Pin, "pin") {
            Ok((_, entry)) => entry,
            Err(e) => return self.error(e),
        };
        let pin = Command::Pin {
            entry: entry.id.to_string(),
        };
        if let Err(e) = self.execute(pin) {
            self.error(e);
        }
    }

    /// A redaction cannot be taken back, so it asks first, with a reason,
    /// once the door says it could be made.
    fn ask_redact(&mut self) {
        let (id, entry) = match self.selected_entry(ConsoleCommand::Redact, "redact") {
            Ok(found) => found,
            Err(e) => return self.error(e),
        };
        let redact = Command::Redact {
            entry: entry.id.to_string(),
            reason: String::new(),
        };
        if let Err(e) = self.ctx.check(Some(id), &redact) {
            return self.error(e.to_string());
        }
        let shown = crate::domain::text::truncate(
            &crate::domain::text::single_line(&entry.text_for(&self.playbook)),
            60,
        );
        let mut note = format!("{} {}: {shown}", self.zone.hm(entry.at), entry.author);
        if let Some(caveat) = crate::sync::redaction_caveat(&self.ctx.store) {
            note.push_str(" · Note: ");
            note.push_str(caveat);
        }
        let form = Form::new(
            "Redact this entry? Its text is hidden everywhere, for good",
            super::form::Purpose::Redact { target: entry.id },
            vec![
                super::form::Field::line("reason", "Reason", "")
                    .hint("optional, e.g. a pasted secret"),
            ],
        )
        .with_note(note);
        self.mode = Mode::Form(form);
        self.form_opened();
    }

    /// An objection to the step the banner shows (the newest waiting),
    /// with a reason, once the door says it could be made.
    fn ask_object(&mut self) {
        let Some(inc) = &self.incident else {
            return self.no_incident();
        };
        let Some(step) = inc.waiting_steps(self.now).first().copied() else {
            return self.error("No destructive step is waiting: there is nothing to object to.");
        };
        let (id, step_id) = (inc.id, step.id);
        let object = Command::Object {
            step: step_id.to_string(),
            reason: String::new(),
        };
        if let Err(e) = self.ctx.check(Some(id), &object) {
            return self.error(e.to_string());
        }
        let shown = crate::domain::text::truncate(&step.text, 60);
        let note = format!("{} announced: {shown}", step.author);
        let form = Form::new(
            format!("Object to step #{}? It will not run", step_id.short()),
            super::form::Purpose::Object { step: step_id },
            vec![super::form::Field::line("reason", "Why", "").hint("optional, a few words")],
        )
        .with_note(note);
        self.mode = Mode::Form(form);
        self.form_opened();
    }

    fn no_incident(&mut self) {
        self.error(self.no_incident_said());
    }

    /// What to do with no incident open, on the keys that do it.
    fn no_incident_said(&self) -> String {
        format!(
            "No incident is open: press {} to declare one, or {} to open another.",
            self.keys.key(ConsoleCommand::Declare),
            self.keys.key(ConsoleCommand::Incidents)
        )
    }

    /// Hands a command to the door for the incident on screen, then shows
    /// the result; a refusal comes back in the door's words.
    fn execute(&mut self, command: Command) -> Result<(), String> {
        self.record(command, Secrets::Refuse)
            .map_err(|e| e.to_string())
    }

    /// As [`App::execute`], with a likely secret in the command's text
    /// refused, masked or kept as `secrets` says.
    fn record(&mut self, command: Command, secrets: Secrets) -> Result<(), AppError> {
        let on = self.incident.as_ref().map(|i| i.id);
        let outcome = self.ctx.execute(on, command, None, secrets)?;
        self.now = self.ctx.store.now();
        self.wellbeing.saw(&outcome.event);
        let shown = match self.fold_own(&outcome.event) {
            Some(folded) => Some(folded),
            None => self.ctx.store.incident(outcome.incident)?,
        };
        self.show(shown);
        let said = match outcome.event.known() {
            Some(EventKind::UpdateSent {
                next_update: Some(t),
                ..
            }) => format!("{}; next one due at {}.", outcome.said, self.zone.hm(*t)),
            _ => format!("{}.", outcome.said),
        };
        if let Some(EventKind::UpdateSent { .. }) = outcome.event.known() {
            self.post_requested = true;
        }
        self.info(said);
        Ok(())
    }

    /// The incident on screen with our own event just recorded folded in,
    /// when that is what the log now gives: the whole timeline is at hand,
    /// the event sorts after everything shown, and it corrects nothing (a
    /// correction may scrub stored words, which only the store knows).
    /// Reading the incident back instead costs its whole timeline: 90 ms at
    /// 100,000 entries, after every save. A write from elsewhere meanwhile
    /// is caught up with at the next tick, as always.
    fn fold_own(&mut self, e: &Event) -> Option<Incident> {
        let shown = self.incident.as_ref()?;
        let fits = shown.id == e.incident
            && self.older_unloaded == 0
            && Projection::touches(e).is_none()
            && Projection::comes_last(shown, e);
        if !fits {
            return None;
        }
        let mut folded = Projection::resume(self.incident.take()?);
        folded.next(e);
        Some(folded.incident)
    }

    /// The name this console records under.
    pub fn me(&self) -> String {
        self.ctx.author().unwrap_or_default()
    }
}

/// The incident's playbook, else the default one, so a missing custom
/// playbook never hides the state.
fn playbook_for(ctx: &Context, incident: Option<&Incident>) -> Playbook {
    match incident {
        Some(inc) => ctx.playbook_or_default(inc),
        None => ctx.default_playbook(),
    }
    .clone()
}

/// What to do before a key that acts on the selected entry.
fn select_first(key: char, to: &str) -> String {
    format!("Select an entry with ↑/↓ first, then press {key} to {to} it.")
}
