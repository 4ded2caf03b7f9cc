//! What every command needs: the store, who is acting, which incident, and
//! the playbooks.

use chrono::{DateTime, Local, Utc};

use super::{Cli, CliError, When};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
use crate::domain::playbook::Playbook;
use crate::domain::when::parse_time;
use crate::paths;
use crate::playbooks::Catalog;
use crate::store::Store;

pub struct Context {
    pub store: Store,
    pub catalog: Catalog,
    user: Option<String>,
    incident: Option<String>,
}

impl Context {
    pub fn open(cli: &Cli) -> Result<Context, CliError> {
        let path = cli.db.clone().unwrap_or_else(paths::default_db);
        let store = Store::open(&path)?;
        let user = cli
            .user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        Ok(Context {
            store,
            catalog: Catalog::load(&paths::playbook_dir()),
            user,
            incident: cli.incident.clone().filter(|r| !r.trim().is_empty()),
        })
    }

    /// The name events are recorded under.
    pub fn author(&self) -> Result<String, CliError> {
        self.user.clone().ok_or_else(|| {
            CliError::Input("who is recording? pass --as NAME or set FIREGROUND_USER".into())
        })
    }

    /// The incident named by --incident, or the current one.
    pub fn incident(&self) -> Result<Incident, CliError> {
        match &self.incident {
            Some(r) => {
                let id = self.store.resolve(r)?;
                Ok(self
                    .store
                    .incident(id)?
                    .ok_or_else(|| CliError::Input(format!("incident '{r}' has no declaration")))?)
            }
            None => Ok(self.store.current()?),
        }
    }

    /// The playbook an incident runs by.
    pub fn playbook(&self, incident: &Incident) -> Result<&Playbook, CliError> {
        self.catalog.get(&incident.playbook).map_err(|e| {
            CliError::Input(format!(
                "incident {} runs by playbook '{}', which cannot be used here: {e}",
                incident.id.short(),
                incident.playbook
            ))
        })
    }

    /// The playbook for display: the incident's own, else the default, so a
    /// missing custom playbook never hides the state.
    pub fn playbook_or_default(&self, incident: &Incident) -> Result<&Playbook, CliError> {
        self.playbook(incident)
            .or_else(|_| self.catalog.get("default").map_err(CliError::from))
    }

    /// The moment given by --at, if any.
    pub fn at(&self, when: &When) -> Result<Option<DateTime<Utc>>, CliError> {
        when.at
            .as_deref()
            .map(|s| parse_time(s, &Local::now()).map_err(CliError::Input))
            .transpose()
    }

    /// Records an event for an incident as the current user.
    pub fn record(
        &mut self,
        incident: IncidentId,
        when: &When,
        kind: EventKind,
    ) -> Result<Event, CliError> {
        let at = self.at(when)?;
        let author = self.author()?;
        Ok(self.store.append(incident, at, &author, kind)?)
    }
}
