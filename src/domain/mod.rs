//! The pure domain: events, the incident projection, playbooks and the
//! cadence. No I/O, no SQLite, no terminal.

pub mod admission;
pub mod breaks;
pub mod cadence;
pub mod channel;
pub mod clock;
pub mod command;
pub mod decide;
pub mod draft;
pub mod effect;
pub mod event;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod ids;
pub mod incident;
pub mod input;
pub mod limits;
pub mod metrics;
pub mod milestones;
pub mod playbook;
pub mod redaction;
pub mod refusal;
pub mod roster;
pub mod seal;
pub mod secrets;
pub mod shift;
pub mod suggest;
pub mod text;
pub mod verification;
pub mod wellbeing;
pub mod when;
