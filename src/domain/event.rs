//! The event envelope and the kinds of event. Every change to an incident is
//! one immutable event; this is also the sync wire format (one JSON object a
//! line), so field names here are a stable contract.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::Hlc;
use super::ids::{EventId, IncidentId, ReplicaId};
use super::seal::Seal;

/// The envelope version this build writes and understands.
pub const FORMAT_VERSION: u32 = 1;

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub v: u32,
    pub id: EventId,
    pub incident: IncidentId,
    pub replica: ReplicaId,
    pub seq: u64,
    pub hlc: Hlc,
    /// When the thing happened (may be backfilled), as opposed to `hlc`,
    /// which is when it was recorded.
    #[serde(serialize_with = "millis_rfc3339::serialize")]
    pub at: DateTime<Utc>,
    pub author: String,
    #[serde(flatten)]
    pub body: Body,
    /// Signature, chain link and scrub mark (see `seal`); last on the line.
    #[serde(flatten)]
    pub seal: Seal,
}

/// What an event says. Kinds this build does not know (from a newer
/// version) are kept whole so they survive storage and sync untouched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Body {
    Known(EventKind),
    Unknown(serde_json::Map<String, serde_json::Value>),
}

impl Body {
    /// The body of an envelope of version `v` from its fields (all but the
    /// envelope's); `None` without a `kind`.
    pub fn from_fields(v: u32, fields: serde_json::Map<String, serde_json::Value>) -> Option<Body> {
        if !fields.get("kind").is_some_and(|k| k.is_string()) {
            return None;
        }
        let fields = serde_json::Value::Object(fields);
        // A newer version may have added fields to a kind we know: keep it
        // whole rather than read it as ours and drop what we do not know.
        let known = (v == FORMAT_VERSION)
            .then(|| EventKind::deserialize(&fields).ok())
            .flatten();
        match (known, fields) {
            (Some(kind), _) => Some(Body::Known(kind)),
            (None, serde_json::Value::Object(m)) => Some(Body::Unknown(m)),
            (None, _) => None,
        }
    }

    /// The `kind` tag as written on the wire.
    pub fn kind_name(&self) -> &str {
        match self {
            Body::Known(k) => k.name(),
            Body::Unknown(map) => map.get("kind").and_then(|v| v.as_str()).unwrap_or("?"),
        }
    }
}

/// The sub-kinds of a timeline note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Note,
    Decision,
    Finding,
    Action,
    Command,
    /// Announced before doing something risky, so others can object.
    Destructive,
}

impl NoteKind {
    pub const ALL: [NoteKind; 6] = [
        NoteKind::Note,
        NoteKind::Decision,
        NoteKind::Finding,
        NoteKind::Action,
        NoteKind::Command,
        NoteKind::Destructive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Decision => "decision",
            NoteKind::Finding => "finding",
            NoteKind::Action => "action",
            NoteKind::Command => "command",
            NoteKind::Destructive => "destructive",
        }
    }

    pub fn parse(s: &str) -> Option<NoteKind> {
        NoteKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// Every kind of event this version understands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Declared {
        title: String,
        severity: String,
        #[serde(default)]
        summary: String,
        playbook: String,
        commander: String,
        /// The stage the incident starts in (the playbook's first).
        #[serde(default)]
        stage: String,
    },
    Note {
        note: NoteKind,
        text: String,
    },
    RoleAssigned {
        role: String,
        person: String,
    },
    RoleReleased {
        role: String,
    },
    SeverityChanged {
        severity: String,
    },
    StageChanged {
        stage: String,
    },
    CanReport {
        conditions: String,
        actions: String,
        needs: String,
        /// The reporter's role, when they hold one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    UpdateSent {
        status: String,
        impact: String,
        action: String,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "opt_millis_rfc3339"
        )]
        next_update: Option<DateTime<Utc>>,
    },
    LinkAdded {
        label: String,
        url: String,
    },
    ActionItemAdded {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
    },
    ActionItemDone {
        item: EventId,
    },
    ChecklistTicked {
        stage: String,
        item: String,
    },
    Resolved {
        #[serde(default)]
        summary: String,
    },
    Reopened {
        #[serde(default)]
        reason: String,
    },
    /// Replaces the text of an earlier event.
    Amended {
        target: EventId,
        text: String,
    },
    /// Hides the text of an earlier event (it stays in the log).
    Redacted {
        target: EventId,
        #[serde(default)]
        reason: String,
    },
    /// Marks an earlier event as part of the short story of the incident.
    Pinned {
        target: EventId,
    },
    /// A command run through `fireground run`: what ran, where, for how
    /// long and how it ended, with the end of its output. The event's
    /// `at` is when it started.
    CommandRan {
        command: String,
        #[serde(default)]
        cwd: String,
        duration_ms: u64,
        /// The exit status, when it exited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit: Option<i32>,
        /// The signal that ended it, when one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signal: Option<i32>,
        /// Why it could not be started, when it could not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_started: Option<String>,
        /// Its last lines of output, cleaned and capped.
        #[serde(default)]
        output: String,
        #[serde(default)]
        destructive: bool,
        /// The announcement this run followed, when it was announced
        /// first ([`EventKind::StepAnnounced`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        announced: Option<EventId>,
    },
    /// A destructive step announced before it is taken, so anyone can
    /// object during its countdown. `run` when `fireground run` takes it
    /// (and records how it went, naming this event); a step done by hand
    /// has only its countdown.
    StepAnnounced {
        text: String,
        countdown_s: u32,
        #[serde(default)]
        run: bool,
    },
    /// An objection to an announced step: a run waiting on it does not run.
    Objected {
        target: EventId,
        #[serde(default)]
        reason: String,
    },
    /// What became of posting a stakeholder update to one of its channels:
    /// when stakeholders were really told, or why they were not.
    UpdateDelivery {
        update: EventId,
        /// The channel's name, never its URL.
        channel: String,
        delivered: bool,
        /// What the endpoint answered ("HTTP 200") or why it could not
        /// ("timed out after 10 s").
        #[serde(default)]
        detail: String,
    },
    /// Who the incident affects, how many, and what kind of failure it
    /// is: the whole impact as it stands, so the latest one holds.
    ImpactSet {
        affected: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u64>,
        /// A category id of the incident's playbook.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
    },
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Declared { .. } => "declared",
            EventKind::Note { .. } => "note",
            EventKind::RoleAssigned { .. } => "role_assigned",
            EventKind::RoleReleased { .. } => "role_released",
            EventKind::SeverityChanged { .. } => "severity_changed",
            EventKind::StageChanged { .. } => "stage_changed",
            EventKind::CanReport { .. } => "can_report",
            EventKind::UpdateSent { .. } => "update_sent",
            EventKind::LinkAdded { .. } => "link_added",
            EventKind::ActionItemAdded { .. } => "action_item_added",
            EventKind::ActionItemDone { .. } => "action_item_done",
            EventKind::ChecklistTicked { .. } => "checklist_ticked",
            EventKind::Resolved { .. } => "resolved",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Amended { .. } => "amended",
            EventKind::Redacted { .. } => "redacted",
            EventKind::Pinned { .. } => "pinned",
            EventKind::UpdateDelivery { .. } => "update_delivery",
            EventKind::CommandRan { .. } => "command_ran",
            EventKind::ImpactSet { .. } => "impact_set",
            EventKind::StepAnnounced { .. } => "step_announced",
            EventKind::Objected { .. } => "objected",
        }
    }
}

impl Event {
    /// The order every replica agrees on: when it happened, then when it was
    /// recorded, then by whom, then the id as the final tie-breaker.
    pub fn order_key(&self) -> (DateTime<Utc>, Hlc, ReplicaId, EventId) {
        (self.at, self.hlc, self.replica, self.id)
    }

    /// The kind, if this build understands the event.
    pub fn known(&self) -> Option<&EventKind> {
        match &self.body {
            Body::Known(k) if self.v == FORMAT_VERSION => Some(k),
            _ => None,
        }
    }

    /// One line of JSON, the sync and storage format.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an event always serialises")
    }

    pub fn from_json(line: &str) -> Result<Event, serde_json::Error> {
        serde_json::from_str(line)
    }
}

impl EventKind {
    /// What a correction changes: the entry amended, redacted or pinned,
    /// the action item done, or the step objected to. `None` for every
    /// other kind.
    pub fn corrects(&self) -> Option<EventId> {
        match self {
            EventKind::Amended { target, .. }
            | EventKind::Redacted { target, .. }
            | EventKind::Pinned { target }
            | EventKind::Objected { target, .. } => Some(*target),
            EventKind::ActionItemDone { item } => Some(*item),
            _ => None,
        }
    }
}

/// Reads the envelope field by field and the body from what is left, rather
/// than through serde's flatten and untagged machinery, which buffers every
/// field twice: loading a 100,000-event incident is dominated by this.
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        d.deserialize_map(EventVisitor)
    }
}

struct EventVisitor;

impl<'de> serde::de::Visitor<'de> for EventVisitor {
    type Value = Event;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        use serde::de::Error;
        let (mut v, mut id, mut incident, mut replica, mut seq, mut hlc, mut at, mut author) =
            (None, None, None, None, None, None, None, None);
        let mut seal = Seal::default();
        let mut rest = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "v" => v = Some(map.next_value()?),
                "id" => id = Some(map.next_value()?),
                "incident" => incident = Some(map.next_value()?),
                "replica" => replica = Some(map.next_value()?),
                "seq" => seq = Some(map.next_value()?),
                "hlc" => hlc = Some(map.next_value()?),
                "at" => at = Some(map.next_value::<Rfc3339>()?.0),
                "author" => author = Some(map.next_value()?),
                "prev" => seal.prev = map.next_value()?,
                "sig" => seal.sig = map.next_value()?,
                "scrubbed" => seal.scrubbed = map.next_value()?,
                "key" => seal.key = map.next_value()?,
                _ => {
                    rest.insert(key.into_owned(), map.next_value()?);
                }
            }
        }
        let v: u32 = v.ok_or_else(|| A::Error::missing_field("v"))?;
        let body = Body::from_fields(v, rest).ok_or_else(|| A::Error::missing_field("kind"))?;
        Ok(Event {
            v,
            id: id.ok_or_else(|| A::Error::missing_field("id"))?,
            incident: incident.ok_or_else(|| A::Error::missing_field("incident"))?,
            replica: replica.ok_or_else(|| A::Error::missing_field("replica"))?,
            seq: seq.ok_or_else(|| A::Error::missing_field("seq"))?,
            hlc: hlc.ok_or_else(|| A::Error::missing_field("hlc"))?,
            at: at.ok_or_else(|| A::Error::missing_field("at"))?,
            author: author.ok_or_else(|| A::Error::missing_field("author"))?,
            body,
            seal,
        })
    }
}

/// A timestamp read through [`millis_rfc3339`].
struct Rfc3339(DateTime<Utc>);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Rfc3339, D::Error> {
        millis_rfc3339::deserialize(d).map(Rfc3339)
    }
}

/// RFC 3339 with milliseconds and a `Z`, so lines sort and diff well.
mod millis_rfc3339 {
    use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }

    /// Any RFC 3339 time, to the millisecond. Finer digits (from another
    /// writer) are dropped on reading, not on the next write: every replica
    /// must hold, order and pass on the same value.
    pub fn parse(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc).trunc_subsecs(3))
    }
}

mod opt_millis_rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::millis_rfc3339::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| super::millis_rfc3339::parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(body: Body) -> Event {
        Event {
            v: 1,
            id: EventId::from_parts(1, 1),
            incident: IncidentId::from_parts(1, 2),
            replica: ReplicaId::from_parts(1, 3),
            seq: 1,
            hlc: Hlc { ms: 10, c: 0 },
            at: DateTime::from_timestamp_millis(1_700_000_000_123).unwrap(),
            author: "ana".into(),
            body,
            seal: Default::default(),
        }
    }

    #[test]
    fn a_known_event_round_trips_with_stable_field_names() {
        let e = sample(Body::Known(EventKind::Note {
            note: NoteKind::Decision,
            text: "roll back".into(),
        }));
        let json = e.to_json();
        assert!(json.contains(r#""kind":"note""#), "{json}");
        assert!(json.contains(r#""note":"decision""#), "{json}");
        assert!(
            json.contains(r#""at":"2023-11-14T22:13:20.123Z""#),
            "{json}"
        );
        assert_eq!(Event::from_json(&json).unwrap(), e);
    }

    #[test]
    fn an_unknown_kind_is_kept_whole_and_not_projected() {
        let line = r#"{"v":1,"id":"00000000010000000000000001","incident":"00000000010000000000000002","replica":"00000000010000000000000003","seq":1,"hlc":{"ms":1,"c":0},"at":"2023-11-14T22:13:20.123Z","author":"bo","kind":"pager_escalated","to":"db-oncall"}"#;
        let e = Event::from_json(line).unwrap();
        assert!(e.known().is_none());
        assert_eq!(e.body.kind_name(), "pager_escalated");
        let again = e.to_json();
        assert!(again.contains(r#""to":"db-oncall""#), "{again}");
    }

    #[test]
    fn a_newer_version_is_kept_whole_with_fields_we_do_not_know() {
        let mut e = sample(Body::Known(EventKind::Resolved {
            summary: String::new(),
        }));
        e.v = 2;
        let line = e
            .to_json()
            .replace(r#""kind":"resolved""#, r#""kind":"resolved","cause":"dns""#);
        let back = Event::from_json(&line).unwrap();
        assert_eq!(back.v, 2);
        assert!(back.known().is_none());
        assert!(
            back.to_json().contains(r#""cause":"dns""#),
            "{}",
            back.to_json()
        );
    }

    #[test]
    fn a_line_without_a_kind_is_an_error_not_an_event() {
        let e = sample(Body::Known(EventKind::Resolved {
            summary: String::new(),
        }));
        let line = e.to_json().replace(r#""kind":"resolved","#, "");
        assert!(Event::from_json(&line).is_err());
    }
}
