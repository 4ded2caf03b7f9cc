//! What every command needs: the store, who is acting, which incident, and
//! the playbooks.

use chrono::{DateTime, Local, Utc};

use super::{Cli, CliError, When};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
use crate::domain::playbook::Playbook;
use crate::domain::when::parse_past_time;
use crate::paths;
use crate::playbooks::Catalog;
use crate::store::Store;

/// How far back `--at` may reach.
const MAX_BACKFILL_DAYS: i64 = 30;

pub struct Context {
    pub store: Store,
    pub catalog: Catalog,
    fallback: Playbook,
    user: Option<String>,
    incident: Option<String>,
}

impl Context {
    pub fn open(cli: &Cli) -> Result<Context, CliError> {
        let path = cli.db.clone().unwrap_or_else(paths::default_db);
        Context::with_store(cli, Store::open(&path)?)
    }

    /// As [`Context::open`], for what mostly reads (the console, `status`,
    /// `print`, `list`): a database that cannot be written is opened for
    /// reading, with one warning, so a full disk never hides the state.
    pub fn open_for_reading(cli: &Cli) -> Result<Context, CliError> {
        let path = cli.db.clone().unwrap_or_else(paths::default_db);
        let store = Store::open_for_reading(&path)?;
        if let Some(why) = store.read_only() {
            eprintln!("warning: showing {} read-only: {why}", path.display());
        }
        Context::with_store(cli, store)
    }

    fn with_store(cli: &Cli, store: Store) -> Result<Context, CliError> {
        let named = |u: String| Some(u.trim().to_string()).filter(|u| !u.is_empty());
        let user = cli
            .user
            .clone()
            .and_then(named)
            .or_else(|| std::env::var("USER").ok().and_then(named))
            .or_else(|| login_name().and_then(named));
        Ok(Context {
            store,
            catalog: Catalog::load(&paths::playbook_dir()),
            fallback: Catalog::fallback(),
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

    /// As [`Context::incident`], but with no open incident falls back to the
    /// most recent resolved one: for commands that only read.
    pub fn incident_to_show(&self) -> Result<Incident, CliError> {
        match &self.incident {
            Some(_) => self.incident(),
            None => Ok(self.store.current_or_latest()?),
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
    pub fn playbook_or_default(&self, incident: &Incident) -> &Playbook {
        self.playbook(incident).unwrap_or(&self.fallback)
    }

    /// The `default` playbook (the user's, if theirs loads), for a new
    /// incident or a screen with none.
    pub fn default_playbook(&self) -> &Playbook {
        self.catalog.get("default").unwrap_or(&self.fallback)
    }

    /// The moment given by --at, if any.
    pub fn at(&self, when: &When) -> Result<Option<DateTime<Utc>>, CliError> {
        let now = Local::now();
        let Some(input) = when.at.as_deref() else {
            return Ok(None);
        };
        let at = parse_past_time(input, &now).map_err(CliError::Input)?;
        // A minute of slack for clocks; anything later is a typo.
        if at > now.with_timezone(&Utc) + chrono::Duration::minutes(1) {
            return Err(CliError::Input(format!(
                "--at {input} is in the future; --at records when something already happened (HH:MM, -40m or RFC 3339)"
            )));
        }
        // An incident's log spans days at most; a year like 0000 is a typo
        // that would sort before everything, declarations included.
        if at < now.with_timezone(&Utc) - chrono::Duration::days(MAX_BACKFILL_DAYS) {
            return Err(CliError::Input(format!(
                "--at {input} is more than {MAX_BACKFILL_DAYS} days ago; --at records when something happened during the incident"
            )));
        }
        Ok(Some(at))
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

/// The login name of the user running us, from the password database: what
/// `$USER` says where a minimal environment (cron, a container) left it out.
fn login_name() -> Option<String> {
    #[cfg(unix)]
    {
        // SAFETY: getpwuid returns a pointer into static storage or null; the
        // name is copied out at once, before any other call could reuse it.
        unsafe {
            let entry = libc::getpwuid(libc::geteuid());
            if entry.is_null() || (*entry).pw_name.is_null() {
                return None;
            }
            std::ffi::CStr::from_ptr((*entry).pw_name)
                .to_str()
                .ok()
                .map(str::to_string)
        }
    }
    #[cfg(not(unix))]
    None
}
