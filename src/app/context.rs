//! What every command needs: the store, who is acting, which incident, and
//! the playbooks.

use std::path::PathBuf;

use chrono::{DateTime, Local};

use super::AppError;
use crate::config::Config;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Incident;
use crate::domain::playbook::Playbook;
use crate::paths;
use crate::playbooks::Catalog;
use crate::store::{Store, StoreError};
use crate::zone::Zone;

/// What a front end was told about where and as whom to work; each is
/// `None` for the default.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The database file.
    pub db: Option<PathBuf>,
    /// Who is recording.
    pub user: Option<String>,
    /// The incident to act on, by ref or id.
    pub incident: Option<String>,
}

pub struct Context {
    pub store: Store,
    pub catalog: Catalog,
    /// The user's config file, as the front end loaded it; empty until it
    /// does, so a command that posts nothing never reads it.
    config: Config,
    fallback: Playbook,
    user: Option<String>,
    incident: Option<String>,
}

impl Context {
    pub fn open(options: &Options) -> Result<Context, AppError> {
        let path = options.db.clone().unwrap_or_else(paths::default_db);
        Context::with_store(options, Store::open(&path)?)
    }

    /// As [`Context::open`], for what mostly reads (the console, `status`,
    /// `print`, `list`): a database that cannot be written is opened for
    /// reading, with one warning, so a full disk never hides the state.
    pub fn open_for_reading(options: &Options) -> Result<Context, AppError> {
        let path = options.db.clone().unwrap_or_else(paths::default_db);
        let store = Store::open_for_reading(&path)?;
        if let Some(why) = store.read_only() {
            eprintln!("warning: showing {} read-only: {why}", path.display());
        }
        Context::with_store(options, store)
    }

    fn with_store(options: &Options, store: Store) -> Result<Context, AppError> {
        let user = options.user.clone().and_then(named).or_else(system_user);
        Ok(Context {
            store,
            catalog: Catalog::load(&paths::playbook_dir()),
            config: Config::empty(),
            fallback: Catalog::fallback(),
            user,
            incident: options.incident.clone().filter(|r| !r.trim().is_empty()),
        })
    }

    /// Uses `config`: its channels are where updates go from now on.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The names of the channels an update to `incident` goes to.
    pub fn channels(&self, incident: &Incident) -> Vec<String> {
        let playbook = self.playbook_or_default(incident);
        let channels = self.config.channels_for(playbook);
        channels.into_iter().map(|c| c.name).collect()
    }

    /// The name events are recorded under.
    pub fn author(&self) -> Result<String, AppError> {
        self.user.clone().ok_or_else(|| {
            AppError::Input("who is recording? pass --as NAME or set FIREGROUND_USER".into())
        })
    }

    /// The id of the incident named by --incident, or of the current one.
    pub fn incident_id(&self) -> Result<IncidentId, AppError> {
        match &self.incident {
            Some(r) => Ok(self.store.resolve(r)?),
            None => Ok(self.store.current()?),
        }
    }

    /// The incident --incident names, if it names one.
    pub fn named_incident(&self) -> Result<Option<IncidentId>, AppError> {
        match &self.incident {
            Some(r) => Ok(Some(self.store.resolve(r)?)),
            None => Ok(None),
        }
    }

    /// As [`Context::incident_id`], but with no open incident falls back to
    /// the most recent resolved one: for commands that only read.
    pub fn incident_id_to_show(&self) -> Result<IncidentId, AppError> {
        match &self.incident {
            Some(_) => self.incident_id(),
            None => Ok(self.store.current_or_latest()?),
        }
    }

    /// The incident named by --incident, or the current one.
    pub fn incident(&self) -> Result<Incident, AppError> {
        self.declared(self.store.incident(self.incident_id()?)?)
    }

    /// As [`Context::incident`], but with no open incident falls back to the
    /// most recent resolved one: for commands that only read.
    pub fn incident_to_show(&self) -> Result<Incident, AppError> {
        self.declared(self.store.incident(self.incident_id_to_show()?)?)
    }

    /// The incident [`Context::incident`] gives, without the notes of its
    /// timeline: all the rules and the state's summary read, and on a long
    /// incident a small part of the rows.
    pub fn incident_without_notes(&self) -> Result<Incident, AppError> {
        let id = self.incident_id()?;
        self.declared(self.store.incident_without_notes(id, None)?)
    }

    /// As [`Context::incident_without_notes`], falling back as
    /// [`Context::incident_to_show`] does.
    pub fn incident_to_show_without_notes(&self) -> Result<Incident, AppError> {
        let id = self.incident_id_to_show()?;
        self.declared(self.store.incident_without_notes(id, None)?)
    }

    /// As [`Context::incident`], as a screen first shows it: without the
    /// notes older than its `newest` newest entries (see
    /// [`Store::incident_newest`]); and how many entries were left out.
    pub fn incident_newest(&self, newest: usize) -> Result<(Incident, usize), AppError> {
        let id = self.incident_id()?;
        let read = self.store.incident_newest(id, newest)?;
        let left_out = read.as_ref().map_or(0, |(_, n)| *n);
        Ok((self.declared(read.map(|(i, _)| i))?, left_out))
    }

    /// The incident a reference resolved to, which has a declaration.
    pub(super) fn declared(&self, incident: Option<Incident>) -> Result<Incident, AppError> {
        incident.ok_or_else(|| self.undeclared())
    }

    /// Why the incident a reference resolved to cannot be read: it has no
    /// declaration.
    pub fn undeclared(&self) -> AppError {
        match &self.incident {
            Some(r) => AppError::Input(format!("incident '{r}' has no declaration")),
            None => StoreError::NoOpenIncident.into(),
        }
    }

    /// The playbook an incident runs by.
    pub fn playbook(&self, incident: &Incident) -> Result<&Playbook, AppError> {
        self.catalog.get(&incident.playbook).map_err(|e| {
            AppError::Input(format!(
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

    /// The playbook a new incident runs by unless told another: the config
    /// file's `playbook`, else `default`.
    pub fn default_playbook_name(&self) -> &str {
        self.config
            .settings
            .playbook
            .as_deref()
            .unwrap_or("default")
    }

    /// The default playbook (the user's, if theirs loads), for a new
    /// incident or a screen with none. A configured one that does not load
    /// falls back to `default`: `declare` says why, the screen just shows.
    pub fn default_playbook(&self) -> &Playbook {
        self.catalog
            .get(self.default_playbook_name())
            .or_else(|_| self.catalog.get("default"))
            .unwrap_or(&self.fallback)
    }

    /// The zone times are shown in: the config file's, else local time.
    pub fn zone(&self) -> Zone {
        self.config.settings.zone.unwrap_or(Zone::Local)
    }

    /// This moment by the store's clock, in local time: what the rules
    /// read clock times like "14:30" against.
    pub fn now(&self) -> DateTime<Local> {
        self.store.now().with_timezone(&Local)
    }
}

/// A name trimmed, if anything is left.
fn named(name: String) -> Option<String> {
    Some(name.trim().to_string()).filter(|u| !u.is_empty())
}

/// Who records when nobody says: `$USER`, else the login name.
pub fn system_user() -> Option<String> {
    std::env::var("USER")
        .ok()
        .and_then(named)
        .or_else(|| login_name().and_then(named))
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
