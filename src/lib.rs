//! fireground: an incident command console backed by a local, syncable
//! event log.

pub mod domain;
pub mod store;
