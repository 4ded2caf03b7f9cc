//! Printing an incident for people and tools: the timeline as text, the
//! whole incident as JSON.

pub mod json;
pub mod text;
