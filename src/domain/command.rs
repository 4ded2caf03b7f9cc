//! Every change a person can make to an incident, as they asked for it:
//! names and references as typed, not yet checked. The command line builds
//! these from its arguments and the console from its forms and pickers;
//! [`super::decide::decide`] turns one into an event or a refusal.

use super::event::NoteKind;
use super::ids::EventId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Declare {
        title: String,
        /// A severity id or name; `None` for the playbook's first.
        severity: Option<String>,
        summary: String,
        /// Who holds the commander role; `None` for the person acting.
        commander: Option<String>,
        /// The playbook it runs by, by name.
        playbook: String,
    },
    Note {
        kind: NoteKind,
        text: String,
    },
    Assign {
        role: String,
        person: String,
    },
    Release {
        role: String,
    },
    Severity {
        level: String,
    },
    Stage {
        stage: String,
    },
    Can {
        conditions: String,
        actions: String,
        needs: String,
        /// The role reported for; `None` for the first the reporter holds.
        role: Option<String>,
    },
    /// A stakeholder update sent; a part left `None` is the draft's.
    Update {
        status: Option<String>,
        impact: Option<String>,
        action: Option<String>,
        /// When the next is promised: a duration or a time; `None` (or
        /// nothing typed) for the cadence.
        next: Option<String>,
    },
    Link {
        label: String,
        url: String,
    },
    AddActionItem {
        text: String,
        owner: Option<String>,
        /// `YYYY-MM-DD` or `+Nd`.
        due: Option<String>,
    },
    /// An action item done, by its `#ref`.
    FinishActionItem {
        item: String,
    },
    /// A checklist item, by number or text.
    Tick {
        item: String,
        /// The stage whose checklist it is; `None` for the current one. A
        /// list shown for one stage ticks that stage's item even if the
        /// incident moved on meanwhile.
        stage: Option<String>,
    },
    /// Timeline entries are named by their `#ref` or full id.
    Amend {
        entry: String,
        text: String,
    },
    Redact {
        entry: String,
        reason: String,
    },
    Pin {
        entry: String,
    },
    Resolve {
        summary: String,
    },
    Reopen {
        reason: String,
    },
    /// The impact: who is affected, how many (as typed: `1,200`, or
    /// `none` to clear it) and the category (id or name, `none` to clear
    /// it). A part left `None` keeps what the incident holds.
    SetImpact {
        affected: Option<String>,
        count: Option<String>,
        category: Option<String>,
    },
    /// A destructive step `fireground run` will take after a countdown
    /// unless someone objects; a destructive note is one done by hand.
    Announce {
        command: String,
        /// Seconds to wait for objections; `None` for the playbook's.
        countdown_s: Option<u32>,
    },
    /// An objection to an announced step, by its `#ref`.
    Object {
        step: String,
        reason: String,
    },
    /// A command run through `fireground run`, as it ended.
    RecordRun {
        command: String,
        cwd: String,
        duration_ms: u64,
        exit: Option<i32>,
        signal: Option<i32>,
        not_started: Option<String>,
        output: String,
        destructive: bool,
        /// The step it was announced as, if it was.
        announced: Option<EventId>,
    },
    /// What became of posting an update to a channel: recorded by the
    /// replica that posted it, never typed by a person.
    RecordDelivery {
        update: EventId,
        channel: String,
        delivered: bool,
        detail: String,
    },
}

/// A text the person may have left out, as [`Command::texts_mut`] lists it.
fn optional<'a>(
    field: &'static str,
    text: &'a mut Option<String>,
) -> Option<(&'static str, &'a mut String)> {
    text.as_mut().map(|t| (field, t))
}

impl Command {
    /// Whether the command acts on a resolved incident: the latest one
    /// where none is named, rather than the open one.
    pub fn acts_on_resolved(&self) -> bool {
        matches!(self, Command::Reopen { .. })
    }

    /// Each text the command records as a person typed it, with what the
    /// person calls that field: what is scanned, and masked, for secrets.
    /// Names of roles, severities, stages and entries are looked up rather
    /// than recorded, and times are read; neither is listed.
    pub fn texts_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        let mut texts = Vec::new();
        match self {
            Command::Declare {
                title,
                summary,
                commander,
                ..
            } => {
                texts.extend([("the title", title), ("the summary", summary)]);
                texts.extend(optional("the commander", commander));
            }
            Command::Note { text, .. } => texts.push(("the note", text)),
            Command::Can {
                conditions,
                actions,
                needs,
                ..
            } => texts.extend([
                ("the conditions", conditions),
                ("the actions", actions),
                ("the needs", needs),
            ]),
            Command::Update {
                status,
                impact,
                action,
                ..
            } => {
                texts.extend(optional("the status", status));
                texts.extend(optional("the impact", impact));
                texts.extend(optional("the action", action));
            }
            Command::Link { label, url } => {
                texts.extend([("the label", label), ("the URL", url)]);
            }
            Command::AddActionItem { text, owner, .. } => {
                texts.push(("the action item", text));
                texts.extend(optional("the owner", owner));
            }
            Command::Amend { text, .. } => texts.push(("the new text", text)),
            Command::SetImpact { affected, .. } => {
                texts.extend(optional("who is affected", affected));
            }
            Command::RecordRun {
                command, output, ..
            } => texts.extend([("the command", command), ("its output", output)]),
            Command::Announce { command, .. } => texts.push(("the command", command)),
            Command::Redact { reason, .. }
            | Command::Reopen { reason }
            | Command::Object { reason, .. } => {
                texts.push(("the reason", reason));
            }
            Command::Resolve { summary } => texts.push(("the summary", summary)),
            Command::Assign { .. }
            | Command::Release { .. }
            | Command::Severity { .. }
            | Command::Stage { .. }
            | Command::FinishActionItem { .. }
            | Command::Tick { .. }
            | Command::Pin { .. }
            | Command::RecordDelivery { .. } => {}
        }
        texts
    }

    /// The timeline entry the command names, as typed: what an amendment,
    /// a redaction or a pin is decided against besides the state without
    /// its notes ([`super::incident::Incident::without_notes`]).
    pub fn names_entry(&self) -> Option<&str> {
        match self {
            Command::Amend { entry, .. }
            | Command::Redact { entry, .. }
            | Command::Pin { entry } => Some(entry),
            _ => None,
        }
    }
}
