//! The faults fireground survives, each named after what a user (or a
//! hostile teammate) did. Read the module list as the list of faults; each
//! test drives the real binary or the real store the way it happened.

#[path = "../common/mod.rs"]
mod common;

mod clocks;
mod files;
mod git_sync;
mod hostile_text;
mod store;
