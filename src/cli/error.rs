//! The errors the command line reports, each one sentence with an exit code.

use crate::playbooks::LoadError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user asked for something that cannot be done as asked.
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Playbook(#[from] LoadError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(String),
}

impl CliError {
    /// 2 for bad input (as clap uses), 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) | CliError::Playbook(_) => 2,
            CliError::Store(
                StoreError::UnknownIncident(_)
                | StoreError::AmbiguousIncident { .. }
                | StoreError::NoOpenIncident
                | StoreError::TooLarge(_),
            ) => 2,
            CliError::Store(_) | CliError::Io(_) => 1,
        }
    }
}

impl From<crate::domain::playbook::UnknownName> for CliError {
    fn from(e: crate::domain::playbook::UnknownName) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<crate::domain::input::InputError> for CliError {
    fn from(e: crate::domain::input::InputError) -> Self {
        CliError::Input(e.0)
    }
}
