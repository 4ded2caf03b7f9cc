//! The playbook catalogue: the built-in playbooks embedded in the binary,
//! overridden by name by the user's own files.

use std::path::{Path, PathBuf};

use crate::domain::playbook::{Playbook, PlaybookError};

/// The built-in playbooks, as (file name, text).
const BUILT_IN: &[(&str, &str)] = &[("default.toml", include_str!("../playbooks/default.toml"))];

/// Where a playbook came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    BuiltIn,
    File(PathBuf),
}

/// A playbook that failed to load, with the file it came from.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: {error}")]
    Invalid { file: String, error: PlaybookError },
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("no playbook named '{name}'; available: {available}")]
    Unknown { name: String, available: String },
}

/// The playbooks available, by name.
pub struct Catalog {
    entries: Vec<(Source, Result<Playbook, LoadError>)>,
}

impl Catalog {
    /// The built-ins plus every `*.toml` in `dir` (missing dir: none).
    pub fn load(dir: &Path) -> Catalog {
        let mut entries: Vec<(Source, Result<Playbook, LoadError>)> = BUILT_IN
            .iter()
            .map(|(file, text)| {
                let parsed = Playbook::parse(text).map_err(|error| LoadError::Invalid {
                    file: (*file).to_string(),
                    error,
                });
                (Source::BuiltIn, parsed)
            })
            .collect();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for path in files {
            let loaded = load_file(&path);
            // A user playbook replaces any earlier one with the same `name`.
            if let Ok(p) = &loaded {
                entries.retain(|(_, e)| {
                    !e.as_ref()
                        .is_ok_and(|e| e.name.eq_ignore_ascii_case(&p.name))
                });
            }
            entries.push((Source::File(path), loaded));
        }
        Catalog { entries }
    }

    /// The built-ins alone.
    pub fn built_in() -> Catalog {
        Catalog::load(Path::new("/nonexistent/fireground/playbooks"))
    }

    /// Every entry, loaded or not.
    pub fn entries(&self) -> &[(Source, Result<Playbook, LoadError>)] {
        &self.entries
    }

    /// The playbook of that name (case-insensitive), or why not. A broken
    /// user file named like the playbook is reported rather than skipped:
    /// its owner meant it to be used.
    pub fn get(&self, name: &str) -> Result<&Playbook, LoadError> {
        for (source, entry) in &self.entries {
            if let Err(LoadError::Invalid { file, error }) = entry
                && file_stem_is(source, name)
            {
                return Err(LoadError::Invalid {
                    file: file.clone(),
                    error: error.clone(),
                });
            }
        }
        self.entries
            .iter()
            .find_map(|(_, p)| {
                p.as_ref()
                    .ok()
                    .filter(|p| p.name.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| LoadError::Unknown {
                name: name.to_string(),
                available: self
                    .entries
                    .iter()
                    .filter_map(|(_, p)| p.as_ref().ok().map(|p| p.name.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The built-in default, for showing an incident whose own playbook is
    /// missing or broken here: the state must never be hidden by a typo.
    pub fn fallback() -> Playbook {
        Playbook::parse(BUILT_IN[0].1).expect("the built-in default playbook is valid")
    }
}

fn file_stem_is(source: &Source, name: &str) -> bool {
    match source {
        Source::File(p) => p
            .file_stem()
            .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case(name)),
        Source::BuiltIn => false,
    }
}

/// Reads and validates one playbook file.
pub fn load_file(path: &Path) -> Result<Playbook, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        file: file.clone(),
        source,
    })?;
    Playbook::parse(&text).map_err(|error| LoadError::Invalid { file, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_playbook_has_the_documented_shape() {
        let c = Catalog::built_in();
        let p = c.get("default").unwrap();
        let ids = |v: Vec<&str>| v.join(",");
        assert_eq!(
            ids(p.severities.iter().map(|s| s.id.as_str()).collect()),
            "P1,P2,P3"
        );
        assert_eq!(
            p.severities
                .iter()
                .map(|s| s.update_minutes)
                .collect::<Vec<_>>(),
            vec![Some(30), Some(60), None]
        );
        assert_eq!(
            ids(p.roles.iter().map(|r| r.id.as_str()).collect()),
            "commander,comms,tech,scribe,sme"
        );
        assert_eq!(
            ids(p.stages.iter().map(|s| s.id.as_str()).collect()),
            "detect,assemble,verify,dispatch,mitigate,repair,review,action-items"
        );
        assert!(p.stages.iter().all(|s| !s.checklist.is_empty()));
    }

    #[test]
    fn a_user_file_overrides_by_name_and_a_broken_one_reports_file_line_column() {
        let dir = tempfile::tempdir().unwrap();
        let text = include_str!("../playbooks/default.toml")
            .replace("update_minutes = 30", "update_minutes = 15");
        std::fs::write(dir.path().join("default.toml"), text).unwrap();
        std::fs::write(
            dir.path().join("broken.toml"),
            "name = \"broken\"\nseverities = 3\n",
        )
        .unwrap();
        let renamed = include_str!("../playbooks/default.toml")
            .replace("name = \"default\"", "name = \"payments\"");
        std::fs::write(dir.path().join("pay.toml"), renamed).unwrap();
        let c = Catalog::load(dir.path());
        assert_eq!(c.get("default").unwrap().cadence_minutes("P1"), Some(15));
        assert!(
            c.get("payments").is_ok(),
            "found by its name, not its file name"
        );
        let defaults = c
            .entries()
            .iter()
            .filter(|(_, p)| p.as_ref().is_ok_and(|p| p.name == "default"));
        assert_eq!(defaults.count(), 1);
        let err = c.get("broken").err().unwrap().to_string();
        assert!(err.contains("broken.toml: line 2, column"), "{err}");
    }
}
