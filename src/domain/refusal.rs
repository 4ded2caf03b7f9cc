//! Why a command cannot be recorded as asked. Every rule of the incident
//! refuses with one of these, so the command line (one sentence, exit 2)
//! and the console (its status line) say the same words.

use std::fmt;

use super::playbook::UnknownName;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A field that must have text was left empty: the field's name.
    Empty(&'static str),
    /// A role, severity, stage or playbook name the playbook does not have.
    Unknown(UnknownName),
    /// The command acts on an incident and none was given.
    NoIncident,
    AlreadyHolds {
        person: String,
        role: String,
    },
    NobodyHolds {
        role: String,
    },
    SameSeverity(String),
    SameStage(String),
    NoChecklistItem {
        stage: String,
        item: String,
        count: usize,
    },
    AlreadyTicked(String),
    NoActionItem(String),
    /// A delivery names an update the incident does not have.
    NoUpdate(String),
    ActionItemDone(String),
    /// An objection names no announced step.
    NoStep(String),
    /// An objection to a step that already ran: the ref and how it went.
    StepRan {
        step: String,
        said: String,
    },
    /// An objection to a step that was settled without running.
    StepNotRun {
        step: String,
        said: String,
    },
    /// An objection to a step done by hand, after its countdown.
    StepUnderway {
        step: String,
        author: String,
    },
    /// A run names a step that is not its own to settle.
    StepSettled(String),
    NoEntry(String),
    AmbiguousEntry(String),
    AlreadyPinned,
    AlreadyRedacted,
    AlreadyResolved(String),
    NotResolved(String),
    /// A time or duration that cannot be read: the parser's sentence.
    BadTime(String),
    BadDue(String),
    PastDue(String),
    NextNotAfter,
    NextTooFar {
        days: i64,
    },
    AtInFuture(String),
    AtTooOld {
        at: String,
        days: i64,
    },
    AtBeforeDeclared(String),
    /// A count of people or things affected that cannot be read: as typed.
    BadCount(String),
    /// An impact that says nothing: no one affected, no count, no category.
    NoImpact,
    SameImpact,
    /// A category was given and the incident's playbook has none.
    NoCategories(String),
    /// A text holds what looks like a secret: which field, what it looks
    /// like and where (characters from 1), never the text itself, which
    /// would print the secret again.
    Secret {
        field: &'static str,
        rule: &'static str,
        first: usize,
        last: usize,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Empty(field) => write!(f, "{field} cannot be empty"),
            Refusal::Unknown(e) => write!(f, "{e}"),
            Refusal::NoIncident => f.write_str("no incident is open; declare one first"),
            Refusal::AlreadyHolds { person, role } => write!(f, "{person} already holds {role}"),
            Refusal::NobodyHolds { role } => write!(f, "nobody holds {role}"),
            Refusal::SameSeverity(s) => write!(f, "the severity is already {s}"),
            Refusal::SameStage(s) => write!(f, "the incident is already in {s}"),
            Refusal::NoChecklistItem { stage, item, count } => write!(
                f,
                "the {stage} checklist has no item '{item}'; give its number (1-{count}) or the start of its text"
            ),
            Refusal::AlreadyTicked(item) => write!(f, "'{item}' is already ticked"),
            Refusal::NoActionItem(r) => write!(
                f,
                "no action item '#{r}' in this incident; `fireground status` lists them"
            ),
            Refusal::NoUpdate(r) => write!(f, "no stakeholder update '#{r}' in this incident"),
            Refusal::ActionItemDone(r) => write!(f, "action item #{r} is already done"),
            Refusal::NoStep(r) => write!(
                f,
                "'#{r}' is not an announced destructive step; the timeline marks them with !"
            ),
            Refusal::StepRan { step, said } => write!(
                f,
                "step #{step} already ran ({said}); an objection can no longer stop it"
            ),
            Refusal::StepNotRun { step, said } => {
                write!(
                    f,
                    "step #{step} was not run ({said}); there is nothing to object to"
                )
            }
            Refusal::StepUnderway { step, author } => write!(
                f,
                "the countdown of step #{step} is over and {author} may have done it; tell them directly"
            ),
            Refusal::StepSettled(r) => {
                write!(f, "step #{r} is not an announced run waiting to be taken")
            }
            Refusal::NoEntry(r) => write!(
                f,
                "no timeline entry '#{r}' in this incident; `fireground print --refs` shows each entry's ref"
            ),
            Refusal::AmbiguousEntry(r) => {
                write!(f, "'#{r}' matches several entries; type more characters")
            }
            Refusal::AlreadyPinned => f.write_str("that entry is already pinned"),
            Refusal::AlreadyRedacted => f.write_str("that entry is already redacted"),
            Refusal::AlreadyResolved(id) => write!(f, "incident {id} is already resolved"),
            Refusal::NotResolved(id) => write!(f, "incident {id} is not resolved"),
            Refusal::BadTime(why) => f.write_str(why),
            Refusal::BadDue(s) => {
                write!(f, "cannot read the due date '{s}'; use YYYY-MM-DD or +Nd")
            }
            Refusal::PastDue(s) => write!(
                f,
                "the due date '{s}' is in the past; give today or later (YYYY-MM-DD or +Nd)"
            ),
            Refusal::NextNotAfter => f.write_str(
                "the next update must be after this one; give a duration like 30m or a later time",
            ),
            Refusal::NextTooFar { days } => write!(
                f,
                "the next update is more than {days} days away; promise it within a week, like 30m or 4h"
            ),
            Refusal::AtInFuture(at) => write!(
                f,
                "--at {at} is in the future; --at records when something already happened (HH:MM, -40m or RFC 3339)"
            ),
            Refusal::AtTooOld { at, days } => write!(
                f,
                "--at {at} is more than {days} days ago; --at records when something happened during the incident"
            ),
            Refusal::AtBeforeDeclared(at) => write!(
                f,
                "--at {at} is more than a day before the incident was declared; give a time during the incident"
            ),
            Refusal::BadCount(typed) => write!(
                f,
                "cannot read '{typed}' as how many are affected; give a whole number like 1200 or 1,200, or none"
            ),
            Refusal::NoImpact => f.write_str(
                "say who is affected, how many or the category; an impact cannot be empty",
            ),
            Refusal::SameImpact => f.write_str("the impact already says that"),
            Refusal::NoCategories(playbook) => write!(
                f,
                "playbook '{playbook}' defines no categories; leave the category out, or add [[categories]] to the playbook"
            ),
            Refusal::Secret {
                field,
                rule,
                first,
                last,
            } => write!(
                f,
                "characters {first}–{last} of {field} look like {rule}; pass --mask-secrets to record them as ****, or --allow-secret to record them as written"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<UnknownName> for Refusal {
    fn from(e: UnknownName) -> Self {
        Refusal::Unknown(e)
    }
}
