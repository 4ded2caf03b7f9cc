//! What a sync did, for the command line and the console to show.

use std::fmt;

use crate::domain::admission::{Quarantine, kept_apart};
use crate::domain::ids::ReplicaId;
use crate::domain::text::{plural, single_line};

/// A line of a sync file that was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file as the user knows it (a path, or a file in the repository).
    pub file: String,
    /// 1-based line number; 0 when the whole file was skipped.
    pub line: u64,
    pub reason: String,
}

impl Warning {
    pub fn new(file: &str, line: u64, reason: impl Into<String>) -> Warning {
        Warning {
            file: file.to_string(),
            line,
            reason: reason.into(),
        }
    }

    /// A whole file that was skipped (line 0 stands for no line).
    pub fn whole_file(file: &str, reason: impl Into<String>) -> Warning {
        Warning::new(file, 0, reason)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(
                f,
                "{}: skipped, {}",
                single_line(&self.file),
                single_line(&self.reason)
            );
        }
        write!(
            f,
            "{} line {}: skipped, {}",
            single_line(&self.file),
            self.line,
            single_line(&self.reason)
        )
    }
}

/// The events pulled from one replica in one sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulledFrom {
    pub replica: ReplicaId,
    pub events: usize,
    /// Who recorded them, in order of first appearance, sanitised.
    pub authors: Vec<String>,
}

/// The outcome of one sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events new to this database.
    pub pulled: usize,
    /// Events written to the target.
    pub pushed: usize,
    /// Whose the pulled events were, one entry per replica.
    pub sources: Vec<PulledFrom>,
    /// Pushes refused because another replica pushed first, and tried
    /// again.
    pub retried: usize,
    /// Lines skipped because they were not events.
    pub warnings: Vec<Warning>,
    /// Events dated too far ahead to let in yet (all of them, not just
    /// this sync's).
    pub held: Option<crate::store::Held>,
    /// Events refused and quarantined by this sync, by writer and reason.
    pub quarantined: Vec<Quarantined>,
    /// Every event kept apart so far (not just this sync's).
    pub kept_apart: u64,
}

/// Events of one writer refused for one reason in one sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    pub replica: ReplicaId,
    /// Who they claim to be by, sanitised.
    pub author: String,
    pub why: Quarantine,
    pub events: usize,
}

/// `replica 01M8… (mallory): 1 event conflicts with the copy you have;
/// kept apart, see `fireground verify``
impl fmt::Display for Quarantined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; kept apart, see `fireground verify`",
            kept_apart(self.replica, &self.author, self.events as u64, self.why)
        )
    }
}

impl SyncReport {
    pub(crate) fn tally(&mut self, replica: ReplicaId, author: &str) {
        self.pulled += 1;
        let author = single_line(author);
        let entry = match self.sources.iter_mut().position(|s| s.replica == replica) {
            Some(i) => &mut self.sources[i],
            None => {
                self.sources.push(PulledFrom {
                    replica,
                    events: 0,
                    authors: Vec::new(),
                });
                self.sources.last_mut().expect("just pushed")
            }
        };
        entry.events += 1;
        if !entry.authors.contains(&author) {
            entry.authors.push(author);
        }
    }
}

impl SyncReport {
    pub(crate) fn quarantine(&mut self, replica: ReplicaId, author: &str, why: Quarantine) {
        let author = single_line(author);
        match self
            .quarantined
            .iter_mut()
            .find(|q| q.replica == replica && q.why == why && q.author == author)
        {
            Some(q) => q.events += 1,
            None => self.quarantined.push(Quarantined {
                replica,
                author,
                why,
                events: 1,
            }),
        }
    }
}

/// `ana`, `ana and bo`, `ana, bo and 3 others`.
pub(crate) fn names(all: &[String]) -> String {
    const SHOWN: usize = 3;
    match all {
        [] => "unknown".to_string(),
        [one] => one.clone(),
        _ if all.len() <= SHOWN => {
            let (last, rest) = all.split_last().expect("not empty");
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {}",
            all[..SHOWN - 1].join(", "),
            plural((all.len() - (SHOWN - 1)) as u64, "other", "others")
        ),
    }
}

/// `pulled 12 events from 2 replicas (9 by ana, 3 by bo and cy), pushed 3`
impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pulled {}",
            plural(self.pulled as u64, "event", "events")
        )?;
        if !self.sources.is_empty() {
            let each: Vec<String> = self
                .sources
                .iter()
                .map(|s| format!("{} by {}", s.events, names(&s.authors)))
                .collect();
            write!(
                f,
                " from {} ({})",
                plural(self.sources.len() as u64, "replica", "replicas"),
                each.join(", ")
            )?;
        }
        write!(f, ", pushed {}", self.pushed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_many_and_whose() {
        let (a, b) = (ReplicaId::generate(), ReplicaId::generate());
        let mut r = SyncReport::default();
        assert_eq!(r.to_string(), "pulled 0 events, pushed 0");
        for author in ["ana", "ana", "bo"] {
            r.tally(a, author);
        }
        r.tally(b, "cy\u{1b}[2J");
        r.pushed = 3;
        assert_eq!(
            r.to_string(),
            "pulled 4 events from 2 replicas (3 by ana and bo, 1 by cy), pushed 3"
        );
    }

    #[test]
    fn a_file_skipped_whole_is_named_without_a_line() {
        let w = Warning::whole_file("events/x.jsonl", "it is a symbolic link");
        assert_eq!(
            w.to_string(),
            "events/x.jsonl: skipped, it is a symbolic link"
        );
    }

    #[test]
    fn long_lists_of_names_are_shortened() {
        let names_of = |n: usize| (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>();
        assert_eq!(names(&names_of(3)), "p0, p1 and p2");
        assert_eq!(names(&names_of(5)), "p0, p1 and 3 others");
    }
}
