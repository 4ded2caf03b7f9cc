//! fireground: an incident command console backed by a local, syncable
//! event log.

pub mod app;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod deliver;
pub mod domain;
pub mod file_kind;
pub mod keymap;
pub mod output_file;
pub mod paths;
pub mod playbooks;
pub mod report;
pub mod store;
pub mod sync;
pub mod tui;
pub mod zone;
