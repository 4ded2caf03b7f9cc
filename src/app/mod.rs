//! The one door every change goes through. The command line and the
//! console turn what a person did into a [`Command`]; [`Context::execute`]
//! finds the incident and its playbook, lets the domain decide, and records
//! the event or returns the refusal. Neither front end holds a rule.

mod context;
mod error;
mod working_day;

pub use crate::domain::command::Command;
pub use crate::domain::decide::Decision;
use crate::domain::decide::{Backfill, Situation, backfill_time, decide};
use crate::domain::effect::superseded;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
pub use crate::domain::refusal::Refusal;
pub use crate::domain::secrets::Secrets;
pub use context::{Context, Options, system_user};
pub use error::AppError;
pub use working_day::WorkingDay;

/// What a change recorded.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub incident: IncidentId,
    /// The incident's title, to say which one changed.
    pub title: String,
    pub event: Event,
    /// What happened, in a few words.
    pub said: String,
    /// A backfilled change that a later one overrules: why it shows no
    /// effect.
    pub overruled: Option<String>,
}

impl Context {
    /// Decides `command` against the incident's state now without recording
    /// it: for a front end that asks more (a reason, a confirmation) only
    /// when the change could be made. `on` is the incident acted on; `None`
    /// is the one the context names.
    pub fn check(&self, on: Option<IncidentId>, command: &Command) -> Result<Decision, AppError> {
        self.check_with(on, command, Secrets::Refuse)
    }

    /// As [`Context::check`], with a likely secret in the command's text
    /// refused, masked or kept as `secrets` says: what recording it so
    /// would record, for a front end that shows or copies it first.
    pub fn check_with(
        &self,
        on: Option<IncidentId>,
        command: &Command,
        secrets: Secrets,
    ) -> Result<Decision, AppError> {
        let incident = self.acted_on(on, command)?;
        self.decide(incident.as_ref(), command, None, secrets)
    }

    /// Records `command` as the person acting, at `at` (as typed: HH:MM,
    /// -15m, RFC 3339) or now, with a likely secret in its text refused,
    /// masked or kept as `secrets` says.
    pub fn execute(
        &mut self,
        on: Option<IncidentId>,
        command: Command,
        at: Option<&str>,
        secrets: Secrets,
    ) -> Result<Outcome, AppError> {
        let incident = self.acted_on(on, &command)?;
        let backfill = at.map(|t| backfill_time(t, &self.now())).transpose()?;
        let backfilled = backfill.as_ref().map(|b| b.at);
        let decision = self.decide(incident.as_ref(), &command, backfill, secrets)?;
        let author = self.author()?;
        let (id, title, said) = match (&incident, &decision.kind) {
            (Some(inc), _) => (inc.id, inc.title.clone(), decision.said),
            (
                None,
                EventKind::Declared {
                    title,
                    severity,
                    commander,
                    ..
                },
            ) => {
                let id = IncidentId::generate();
                let said = format!(
                    "Declared {severity} incident {}: {title} (incident commander: {commander})",
                    id.short()
                );
                (id, title.clone(), said)
            }
            (None, _) => return Err(Refusal::NoIncident.into()),
        };
        // An update is queued for its channels with it, in one transaction.
        let channels = match (&incident, &decision.kind) {
            (Some(inc), EventKind::UpdateSent { .. }) => self.channels(inc),
            _ => Vec::new(),
        };
        let event =
            self.store
                .append_update(id, backfilled, &author, decision.kind.clone(), &channels)?;
        // Only a backfill can sort behind a change already recorded: a
        // change made now is timed after everything this replica has seen.
        let overruled = match backfilled {
            Some(_) => self
                .store
                .incident_without_notes(id, None)?
                .and_then(|now| superseded(&now, &decision.kind)),
            None => None,
        };
        Ok(Outcome {
            incident: id,
            title,
            event,
            said,
            overruled,
        })
    }

    /// The incident a command acts on, as it stands in the store now (none
    /// for a declaration): without the notes of its timeline, save the entry
    /// the command names, since no rule reads the others. On a long
    /// incident that is a small part of it, so a change costs about the
    /// same however long the log.
    fn acted_on(
        &self,
        on: Option<IncidentId>,
        command: &Command,
    ) -> Result<Option<Incident>, AppError> {
        if matches!(command, Command::Declare { .. }) {
            return Ok(None);
        }
        let id = match on {
            Some(id) => id,
            None if command.acts_on_resolved() => self.incident_id_to_show()?,
            None => self.incident_id()?,
        };
        let incident = self
            .store
            .incident_without_notes(id, command.names_entry())?;
        let incident = match on {
            Some(_) => incident.ok_or(Refusal::NoIncident)?,
            None => self.declared(incident)?,
        };
        Ok(Some(incident))
    }

    fn decide(
        &self,
        incident: Option<&Incident>,
        command: &Command,
        backfill: Option<Backfill>,
        secrets: Secrets,
    ) -> Result<Decision, AppError> {
        let playbook = match (incident, command) {
            (Some(inc), _) => self.playbook(inc)?,
            (None, Command::Declare { playbook, .. }) => self.catalog.get(playbook)?,
            (None, _) => return Err(Refusal::NoIncident.into()),
        };
        let situation = Situation {
            incident,
            playbook,
            actor: &self.author()?,
            now: self.now(),
            backfill,
            secrets,
        };
        Ok(decide(&situation, command)?)
    }
}
