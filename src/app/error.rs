//! The errors of the application, each one sentence: the command line
//! prints it with an exit code, the console in its status line.

use crate::config::ConfigError;
use crate::domain::refusal::Refusal;
use crate::playbooks::LoadError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A rule of the incident refused the change.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The user asked for something that cannot be done as asked.
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Playbook(#[from] LoadError),
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(String),
    /// A command run for the person ended with this exit code, which is
    /// passed on; what happened was said already.
    #[error("the command exited with {0}")]
    Passed(i32),
}

impl AppError {
    /// 2 for bad input (as clap uses), 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Passed(code) => *code,
            AppError::Refused(_) | AppError::Input(_) | AppError::Playbook(_) => 2,
            AppError::Store(
                StoreError::UnknownIncident(_)
                | StoreError::AmbiguousIncident { .. }
                | StoreError::NoOpenIncident
                | StoreError::TooLarge(_),
            ) => 2,
            AppError::Config(ConfigError::Invalid { .. } | ConfigError::Url { .. }) => 2,
            AppError::Store(_) | AppError::Io(_) | AppError::Config(ConfigError::Read { .. }) => 1,
        }
    }
}

impl From<crate::domain::playbook::UnknownName> for AppError {
    fn from(e: crate::domain::playbook::UnknownName) -> Self {
        AppError::Refused(e.into())
    }
}
