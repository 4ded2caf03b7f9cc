//! Playbooks: the severities, roles, stages, checklists, impact categories
//! and update template an incident runs by. Parsed from TOML text and validated here; where the text
//! comes from (embedded, user directory) is the caller's business.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::channel::{ChannelSpec, RawChannels, parse_channels};
use super::text::{is_printable, single_line};
use super::wellbeing::{RawWellbeing, Wellbeing, parse_wellbeing};

/// A validated playbook.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Playbook {
    pub name: String,
    pub description: String,
    pub severities: Vec<Severity>,
    pub roles: Vec<Role>,
    pub stages: Vec<Stage>,
    /// What kind of failure an incident was, for its impact and the report
    /// across incidents; a playbook may define none.
    pub categories: Vec<Category>,
    pub update_template: UpdateTemplate,
    /// The team's webhook channels for stakeholder updates; a user's config
    /// file may add to them or replace one by name.
    pub channels: Vec<ChannelSpec>,
    /// How long a destructive step is open to objection before it is taken.
    pub countdown_seconds: u32,
    /// When a continuous shift calls for a break.
    pub wellbeing: Wellbeing,
}

/// The countdown of a destructive step where the playbook sets none.
pub const DEFAULT_COUNTDOWN_SECONDS: u32 = 60;
/// The longest countdown: a step held back longer is a plan, not a step.
pub const MAX_COUNTDOWN_SECONDS: u32 = 3600;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Severity {
    pub id: String,
    pub name: String,
    pub description: String,
    /// How often stakeholders get an update; `None` means no fixed cadence.
    pub update_minutes: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    /// An unfilled required role stands out in the console and status.
    pub required: bool,
    /// A family of roles named `id:anything`, such as subject-matter experts
    /// (`sme:database`), rather than one seat.
    pub free_form: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    pub id: String,
    pub name: String,
    pub description: String,
    pub checklist: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: String,
}

/// The stakeholder update, with `{placeholders}` filled from the incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UpdateTemplate {
    pub status: String,
    pub impact: String,
    pub action: String,
}

impl Role {
    /// The id as a person types it: a free-form family as `id:<area>`.
    pub fn typed_id(&self) -> String {
        if self.free_form {
            format!("{}:<area>", self.id)
        } else {
            self.id.clone()
        }
    }
}

/// The role id of the incident commander, which every playbook must have.
pub const COMMANDER: &str = "commander";
/// The role id of the technical lead, where a playbook has one (the
/// default does): with the commander's, the CAN reports that speak for
/// the response in a stakeholder update.
pub const TECH_LEAD: &str = "tech";

/// A playbook that could not be used, with where in the text it went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaybookError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Something the user named that the playbook does not have, or that could
/// be more than one thing it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub plural: &'static str,
    pub given: String,
    pub valid: Vec<String>,
    /// What an ambiguous name could be, as `id (name)`; empty when it
    /// names nothing at all.
    pub could_be: Vec<String>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.could_be.is_empty() {
            return write!(
                f,
                "{} '{}' could be more than one: {}; type more of it",
                self.what,
                self.given,
                self.could_be.join(", ")
            );
        }
        write!(
            f,
            "unknown {} '{}'; valid {} are: {}",
            self.what,
            self.given,
            self.plural,
            self.valid.join(", ")
        )
    }
}

/// Text from the file, with where it is, so a refusal can point at it.
pub(crate) type Text = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    name: Text,
    #[serde(default)]
    description: Option<Text>,
    #[serde(default)]
    severities: Vec<RawSeverity>,
    #[serde(default)]
    roles: Vec<RawRole>,
    #[serde(default)]
    stages: Vec<RawStage>,
    #[serde(default)]
    categories: Vec<RawCategory>,
    update_template: RawUpdateTemplate,
    #[serde(default)]
    channels: RawChannels,
    #[serde(default)]
    destructive: Option<RawDestructive>,
    #[serde(default)]
    wellbeing: Option<RawWellbeing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDestructive {
    countdown_seconds: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdateTemplate {
    status: Text,
    impact: Text,
    action: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    id: Text,
    name: Text,
    #[serde(default)]
    description: Option<Text>,
    update_minutes: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    id: Text,
    name: Text,
    #[serde(default)]
    description: Option<Text>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    free_form: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    id: Text,
    name: Text,
    #[serde(default)]
    description: Option<Text>,
    #[serde(default)]
    checklist: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: Text,
    name: Text,
    #[serde(default)]
    description: Option<Text>,
}

fn position(text: &str, span: Range<usize>) -> (usize, usize) {
    let upto = &text[..span.start.min(text.len())];
    let line = upto.matches('\n').count() + 1;
    let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub(crate) fn error_at(
    text: &str,
    span: Range<usize>,
    message: impl Into<String>,
) -> PlaybookError {
    let (line, column) = position(text, span);
    PlaybookError {
        line,
        column,
        // Messages quote the file (a key, an id), and an error is printed.
        message: single_line(&message.into()),
    }
}

/// A TOML or schema mistake in `text`, where it is, with the name meant
/// where a misspelt key has a close one.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> PlaybookError {
    let span = e.span().unwrap_or(0..0);
    error_at(text, span, super::suggest::did_you_mean(e.message().trim()))
}

/// Refuses a character a terminal would act on. Playbooks are shared
/// files whose names and checklists reach every screen and printout, so a
/// hostile one is stopped at the door, pointing at the text that holds it.
fn check_plain(text: &str, what: &str, value: &Text) -> Result<(), PlaybookError> {
    match value.get_ref().chars().find(|&c| !is_printable(c)) {
        None => Ok(()),
        Some(c) => Err(error_at(
            text,
            value.span(),
            format!(
                "the {what} holds the control character U+{:04X}; playbook text must be plain, printable text",
                u32::from(c)
            ),
        )),
    }
}

impl RawPlaybook {
    /// Every piece of free text, with what it is called in an error.
    fn texts(&self) -> Vec<(&'static str, &Text)> {
        let mut all = vec![("playbook name", &self.name)];
        all.extend(self.description.iter().map(|d| ("playbook description", d)));
        for s in &self.severities {
            all.extend([("severity id", &s.id), ("severity name", &s.name)]);
            all.extend(s.description.iter().map(|d| ("severity description", d)));
        }
        for r in &self.roles {
            all.extend([("role id", &r.id), ("role name", &r.name)]);
            all.extend(r.description.iter().map(|d| ("role description", d)));
        }
        for s in &self.stages {
            all.extend([("stage id", &s.id), ("stage name", &s.name)]);
            all.extend(s.description.iter().map(|d| ("stage description", d)));
            all.extend(s.checklist.iter().map(|i| ("checklist item", i)));
        }
        for c in &self.categories {
            all.extend([("category id", &c.id), ("category name", &c.name)]);
            all.extend(c.description.iter().map(|d| ("category description", d)));
        }
        let t = &self.update_template;
        all.extend([
            ("update template status", &t.status),
            ("update template impact", &t.impact),
            ("update template action", &t.action),
        ]);
        all
    }
}

fn text_of(t: Option<Text>) -> String {
    t.map(Spanned::into_inner).unwrap_or_default()
}

/// Checks that ids are well-formed and unique within their list.
fn check_ids<'a>(
    text: &str,
    what: &str,
    ids: impl Iterator<Item = &'a Spanned<String>>,
) -> Result<(), PlaybookError> {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        let s = id.get_ref().as_str();
        let ok = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(error_at(
                text,
                id.span(),
                format!("{what} id '{s}' must be letters, digits, '-' or '_'"),
            ));
        }
        if seen.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            return Err(error_at(
                text,
                id.span(),
                format!("duplicate {what} id '{s}'"),
            ));
        }
        seen.push(s);
    }
    Ok(())
}

impl Playbook {
    /// Parses and validates playbook TOML.
    pub fn parse(text: &str) -> Result<Playbook, PlaybookError> {
        let raw: RawPlaybook = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        for (what, value) in raw.texts() {
            check_plain(text, what, value)?;
        }
        let whole = 0..0;
        if raw.severities.is_empty() {
            return Err(error_at(
                text,
                whole,
                "a playbook needs at least one [[severities]] entry",
            ));
        }
        if raw.stages.is_empty() {
            return Err(error_at(
                text,
                whole,
                "a playbook needs at least one [[stages]] entry",
            ));
        }
        check_ids(text, "severity", raw.severities.iter().map(|s| &s.id))?;
        check_ids(text, "role", raw.roles.iter().map(|r| &r.id))?;
        check_ids(text, "stage", raw.stages.iter().map(|s| &s.id))?;
        check_ids(text, "category", raw.categories.iter().map(|c| &c.id))?;
        if !raw.roles.iter().any(|r| r.id.get_ref() == COMMANDER) {
            return Err(error_at(
                text,
                raw.name.span(),
                format!("a playbook needs a role with id '{COMMANDER}' (the incident commander)"),
            ));
        }
        for s in &raw.severities {
            if let Some(m) = &s.update_minutes
                && *m.get_ref() == 0
            {
                return Err(error_at(
                    text,
                    m.span(),
                    "update_minutes must be at least 1 (leave it out for no fixed cadence)",
                ));
            }
        }
        let channels = parse_channels(raw.channels, text)?;
        let countdown_seconds = match raw.destructive {
            None => DEFAULT_COUNTDOWN_SECONDS,
            Some(d) if *d.countdown_seconds.get_ref() > MAX_COUNTDOWN_SECONDS => {
                return Err(error_at(
                    text,
                    d.countdown_seconds.span(),
                    format!(
                        "countdown_seconds must be at most {MAX_COUNTDOWN_SECONDS} (an hour); 0 asks y/N at once"
                    ),
                ));
            }
            Some(d) => d.countdown_seconds.into_inner(),
        };
        let wellbeing = parse_wellbeing(raw.wellbeing, text)?;
        Ok(Playbook {
            channels,
            countdown_seconds,
            wellbeing,
            name: raw.name.into_inner(),
            description: text_of(raw.description),
            severities: raw
                .severities
                .into_iter()
                .map(|s| Severity {
                    id: s.id.into_inner(),
                    name: s.name.into_inner(),
                    description: text_of(s.description),
                    update_minutes: s.update_minutes.map(Spanned::into_inner),
                })
                .collect(),
            roles: raw
                .roles
                .into_iter()
                .map(|r| Role {
                    id: r.id.into_inner(),
                    name: r.name.into_inner(),
                    description: text_of(r.description),
                    required: r.required,
                    free_form: r.free_form,
                })
                .collect(),
            stages: raw
                .stages
                .into_iter()
                .map(|s| Stage {
                    id: s.id.into_inner(),
                    name: s.name.into_inner(),
                    description: text_of(s.description),
                    checklist: s.checklist.into_iter().map(Spanned::into_inner).collect(),
                })
                .collect(),
            categories: raw
                .categories
                .into_iter()
                .map(|c| Category {
                    id: c.id.into_inner(),
                    name: c.name.into_inner(),
                    description: text_of(c.description),
                })
                .collect(),
            update_template: UpdateTemplate {
                status: raw.update_template.status.into_inner(),
                impact: raw.update_template.impact.into_inner(),
                action: raw.update_template.action.into_inner(),
            },
        })
    }

    pub fn severity(&self, id: &str) -> Option<&Severity> {
        self.severities
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// A category's name for people; its id where the playbook lacks it
    /// (an incident from a replica whose playbook has more).
    pub fn category_name(&self, id: &str) -> String {
        self.category(id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// The severity a user typed: see [`find`] for what it may be.
    pub fn find_severity(&self, input: &str) -> Result<&Severity, UnknownName> {
        find(&self.severities, input)
    }

    /// The stage a user typed: see [`find`] for what it may be.
    pub fn find_stage(&self, input: &str) -> Result<&Stage, UnknownName> {
        find(&self.stages, input)
    }

    /// The category a user typed: see [`find`] for what it may be.
    pub fn find_category(&self, input: &str) -> Result<&Category, UnknownName> {
        find(&self.categories, input)
    }

    /// The role id a user typed: see [`find`] for what it may be. A
    /// free-form family accepts `family:area`, the family typed the same
    /// ways (`sme: Database`, `expert:database`), which is returned
    /// normalised as `id:area`.
    pub fn find_role(&self, input: &str) -> Result<String, UnknownName> {
        let input = input.trim();
        if let Some((family, area)) = input.split_once(':') {
            let area = area.trim();
            let families: Vec<&Role> = matching(&self.roles, family)
                .into_iter()
                .filter(|r| r.free_form)
                .collect();
            if let [r] = families[..]
                && !area.is_empty()
            {
                return Ok(format!("{}:{}", r.id, area.to_lowercase()));
            }
        }
        let role = find(&self.roles, input)?;
        if role.free_form {
            return Err(UnknownName {
                valid: vec![format!("{}:<area>, e.g. {}:database", role.id, role.id)],
                ..unknown::<Role>(input)
            });
        }
        Ok(role.id.clone())
    }

    /// A human name for a role id, including free-form ones.
    pub fn role_name(&self, role_id: &str) -> String {
        if let Some(r) = self.role(role_id) {
            return r.name.clone();
        }
        if let Some((family, area)) = role_id.split_once(':')
            && let Some(r) = self.role(family)
        {
            return format!("{} ({area})", r.name);
        }
        role_id.to_string()
    }

    /// How often updates are due at this severity, if at all.
    pub fn cadence_minutes(&self, severity: &str) -> Option<u32> {
        self.severity(severity).and_then(|s| s.update_minutes)
    }
}

/// What a person may name by its id or its name.
trait Named {
    const WHAT: &'static str;
    const PLURAL: &'static str;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    /// The id as listed in a refusal.
    fn typed_id(&self) -> String {
        self.id().to_string()
    }
}

/// `Named` for a playbook item with `id` and `name` fields, and how its
/// id is listed if not as it is.
macro_rules! named {
    ($item:ty, $what:literal, $plural:literal $(, typed_id: $typed:path)?) => {
        impl Named for $item {
            const WHAT: &'static str = $what;
            const PLURAL: &'static str = $plural;
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
            $(
                fn typed_id(&self) -> String {
                    $typed(self)
                }
            )?
        }
    };
}

named!(Severity, "severity", "severities");
named!(Stage, "stage", "stages");
named!(Category, "category", "categories");
named!(Role, "role", "roles", typed_id: Role::typed_id);

/// The lowercase words of a text, split at anything not a letter or digit.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether every typed word begins a word of the item's id or name:
/// "comms lead" (`comms`, Communications lead), "communications", "tech l",
/// "crit". Any prefix of the id or the name is such a phrase.
fn words_begin<T: Named>(typed: &str, item: &T) -> bool {
    let typed = words(typed);
    let named = [words(item.id()), words(item.name())].concat();
    !typed.is_empty()
        && typed
            .iter()
            .all(|w| named.iter().any(|n| n.starts_with(w.as_str())))
}

/// What a typed name could mean: its id or its name, in any case, means
/// that one alone; otherwise every item whose id or name the typed words
/// begin (see [`words_begin`]).
fn matching<'a, T: Named>(items: &'a [T], input: &str) -> Vec<&'a T> {
    let input = input.trim();
    let exact = items
        .iter()
        .find(|t| t.id().eq_ignore_ascii_case(input))
        .or_else(|| items.iter().find(|t| t.name().eq_ignore_ascii_case(input)));
    match exact {
        Some(t) => vec![t],
        None => items.iter().filter(|t| words_begin(input, *t)).collect(),
    }
}

/// The one item a person named (see [`matching`]), or a refusal listing the
/// valid ids, or the candidates when it could be more than one.
fn find<'a, T: Named>(items: &'a [T], input: &str) -> Result<&'a T, UnknownName> {
    let input = input.trim();
    match matching(items, input)[..] {
        [one] => Ok(one),
        ref many => Err(UnknownName {
            valid: items.iter().map(T::typed_id).collect(),
            could_be: many
                .iter()
                .map(|t| format!("{} ({})", t.typed_id(), t.name()))
                .collect(),
            ..unknown::<T>(input)
        }),
    }
}

/// The refusal of a name, to fill in.
fn unknown<T: Named>(input: &str) -> UnknownName {
    UnknownName {
        what: T::WHAT,
        plural: T::PLURAL,
        given: input.to_string(),
        valid: Vec::new(),
        could_be: Vec::new(),
    }
}

/// Fills `{placeholder}`s; unknown placeholders are left as they are, so a
/// typo shows in the draft instead of vanishing.
pub fn fill_template(template: &str, values: &[(&str, String)]) -> String {
    // One pass over the template, so a value that itself contains `{…}`
    // (a note quoting a placeholder) is inserted as it is.
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..close])
                .map(|(_, v)| (close, v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "tiny"
[[severities]]
id = "P1"
name = "Critical"
update_minutes = 30
[[severities]]
id = "P3"
name = "Minor"
[[roles]]
id = "commander"
name = "Incident commander"
required = true
[[roles]]
id = "sme"
name = "Subject-matter expert"
free_form = true
[[stages]]
id = "mitigate"
name = "Mitigate"
checklist = ["Stop the bleeding"]
[update_template]
status = "{severity} {title}"
impact = ""
action = ""
"#;

    #[test]
    fn a_valid_playbook_parses_and_names_resolve_case_insensitively() {
        let p = Playbook::parse(MINIMAL).unwrap();
        assert_eq!(p.find_severity("p1").unwrap().id, "P1");
        assert_eq!(p.find_severity("critical").unwrap().id, "P1");
        assert_eq!(p.cadence_minutes("P1"), Some(30));
        assert_eq!(p.cadence_minutes("P3"), None);
        assert_eq!(p.find_role("Incident Commander").unwrap(), "commander");
        assert_eq!(p.find_role("sme: Database").unwrap(), "sme:database");
        assert!(
            p.find_role("sme")
                .unwrap_err()
                .to_string()
                .contains("sme:<area>")
        );
        assert_eq!(
            p.role_name("sme:database"),
            "Subject-matter expert (database)"
        );
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let p = Playbook::parse(MINIMAL).unwrap();
        let e = p.find_role("janitor").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown role 'janitor'; valid roles are: commander, sme:<area>"
        );
        let e = p.find_stage("explode").unwrap_err();
        assert!(e.to_string().contains("valid stages are: mitigate"));
    }

    #[test]
    fn a_role_is_found_by_the_words_people_call_it() {
        let p = crate::domain::fixtures::playbook();
        for typed in [
            "comms",
            "Communications lead",
            "communications",
            "comms lead",
            "Comms Lead",
            "COMMS L",
            "  comms  lead ",
        ] {
            assert_eq!(p.find_role(typed).as_deref(), Ok("comms"), "{typed}");
        }
        assert_eq!(p.find_role("tech lead").unwrap(), "tech");
        assert_eq!(p.find_role("incident comm").unwrap(), "commander");
        assert_eq!(p.find_role("scr").unwrap(), "scribe");
        assert_eq!(p.find_role("expert: Database").unwrap(), "sme:database");
        let e = p.find_role("subject matter").unwrap_err().to_string();
        assert!(e.contains("sme:<area>, e.g. sme:database"), "{e}");
    }

    #[test]
    fn a_name_that_could_be_several_roles_is_refused_listing_them() {
        let p = crate::domain::fixtures::playbook();
        assert_eq!(
            p.find_role("lead").unwrap_err().to_string(),
            "role 'lead' could be more than one: comms (Communications lead), tech (Technical lead); type more of it"
        );
        assert_eq!(
            p.find_role("s").unwrap_err().could_be,
            ["scribe (Scribe)", "sme:<area> (Subject-matter expert)"]
        );
        assert_eq!(
            p.find_role("lead janitor").unwrap_err().to_string(),
            "unknown role 'lead janitor'; valid roles are: commander, comms, tech, scribe, sme:<area>",
            "every word must begin a word of the role"
        );
    }

    #[test]
    fn an_exact_id_or_name_wins_over_a_longer_one_it_begins() {
        let text = MINIMAL.replace("id = \"P3\"", "id = \"P10\"").replace(
            "name = \"Mitigate\"",
            "name = \"Mitigate\"\n[[stages]]\nid = \"mitigate-fully\"\nname = \"Mitigate fully\"",
        );
        let p = Playbook::parse(&text).unwrap();
        assert_eq!(p.find_severity("p1").unwrap().id, "P1");
        assert_eq!(p.find_severity("p10").unwrap().id, "P10");
        assert_eq!(p.find_stage("MITIGATE").unwrap().id, "mitigate");
        assert_eq!(p.find_stage("mitigate f").unwrap().id, "mitigate-fully");
        assert!(p.find_stage("mit").unwrap_err().to_string().contains(
            "could be more than one: mitigate (Mitigate), mitigate-fully (Mitigate fully)"
        ));
    }

    #[test]
    fn severities_and_stages_are_found_by_a_prefix_too() {
        let p = crate::domain::fixtures::playbook();
        assert_eq!(p.find_severity("crit").unwrap().id, "P1");
        assert_eq!(p.find_stage("disp").unwrap().id, "dispatch");
        assert_eq!(p.find_stage("action").unwrap().id, "action-items");
        assert_eq!(
            p.find_severity("m").unwrap_err().could_be,
            ["P2 (Major)", "P3 (Minor)"]
        );
        assert!(p.find_stage("").is_err(), "nothing typed names nothing");
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let text = "name = \"x\"\n[[severities]\nid = 1\n";
        let e = Playbook::parse(text).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn an_unknown_key_is_an_error_at_its_line() {
        let text = MINIMAL.replace("update_minutes = 30", "update_minutez = 30");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(e.message.contains("update_minutez"), "{e}");
        assert_eq!(e.line, 6, "{e}");
    }

    #[test]
    fn a_duplicate_id_is_an_error_at_the_duplicate() {
        let text = MINIMAL.replace("id = \"P3\"", "id = \"p1\"");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(e.message.contains("duplicate severity id 'p1'"), "{e}");
        assert_eq!(e.line, 8, "{e}");
    }

    #[test]
    fn control_characters_anywhere_in_the_text_are_refused_where_they_are() {
        let text = MINIMAL.replace(
            "checklist = [\"Stop the bleeding\"]",
            "checklist = [\"Stop\", \"the \\u001b]0;x\\u0007\"]",
        );
        let e = Playbook::parse(&text).unwrap_err();
        assert_eq!((e.line, e.column), (21, 22), "{e}");
        assert_eq!(
            e.message,
            "the checklist item holds the control character U+001B; playbook text must be plain, printable text"
        );
        let text = MINIMAL.replace("Critical", "Crit\\u202Eical");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(
            e.message.contains("severity name holds") && e.message.contains("U+202E"),
            "{e}"
        );
        let text = MINIMAL.replace("[update_template]", "[update_template]\n\"\\u001b[2J\" = 1");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(
            !e.to_string().contains('\u{1b}'),
            "an error quoting the file is clean: {e}"
        );
    }

    #[test]
    fn a_playbook_may_name_channels_checked_where_they_are() {
        let text = format!("{MINIMAL}[channels.team]\nkind = \"slack\"\nurl_env = \"TEAM_HOOK\"\n");
        let p = Playbook::parse(&text).unwrap();
        assert_eq!(p.channels.len(), 1);
        assert_eq!(p.channels[0].name, "team");
        let text = text.replace("url_env", "url_envv");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(e.message.contains("url_envv"), "{e}");
        assert_eq!((e.line, e.column), (28, 1), "{e}");
    }

    #[test]
    fn categories_are_found_by_id_or_name_and_an_unknown_one_lists_them() {
        let p = crate::domain::fixtures::playbook();
        assert_eq!(p.find_category("DATA").unwrap().id, "data");
        assert_eq!(
            p.find_category("deployment regression").unwrap().id,
            "deployment"
        );
        assert_eq!(p.find_category("third").unwrap().id, "third-party");
        assert_eq!(
            p.find_category("network").unwrap_err().to_string(),
            "unknown category 'network'; valid categories are: deployment, infrastructure, third-party, data"
        );
        assert_eq!(p.category_name("infrastructure"), "Infrastructure failure");
        assert_eq!(p.category_name("retired"), "retired", "a category it lacks");
        assert!(
            Playbook::parse(MINIMAL).unwrap().categories.is_empty(),
            "a playbook may define none"
        );
    }

    #[test]
    fn a_bad_category_is_an_error_where_it_is() {
        let with = |category: &str| format!("{MINIMAL}[[categories]]\n{category}");
        let e = Playbook::parse(&with("id = \"dns\"\nnam = \"DNS\"\n")).unwrap_err();
        assert!(e.message.contains("nam"), "{e}");
        assert_eq!(e.line, 28, "{e}");
        let e = Playbook::parse(&with("id = \"dns fail\"\nname = \"DNS\"\n")).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                27,
                "category id 'dns fail' must be letters, digits, '-' or '_'"
            )
        );
        let twice =
            "id = \"dns\"\nname = \"DNS\"\n[[categories]]\nid = \"DNS\"\nname = \"Names\"\n";
        let e = Playbook::parse(&with(twice)).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (30, "duplicate category id 'DNS'")
        );
        let e = Playbook::parse(&with("id = \"dns\"\nname = \"D\\u001bNS\"\n")).unwrap_err();
        assert_eq!((e.line, e.column), (28, 8), "{e}");
        assert!(e.message.starts_with("the category name holds"), "{e}");
    }

    #[test]
    fn a_playbook_may_set_break_thresholds_and_a_typo_is_refused_at_its_line() {
        let text = format!("{MINIMAL}[wellbeing]\nbreak_after_minutes = 60\n");
        let p = Playbook::parse(&text).unwrap();
        assert_eq!(p.wellbeing.break_after_minutes, 60);
        assert_eq!(
            p.wellbeing.night_break_after_minutes, 30,
            "the default stays"
        );
        let e = Playbook::parse(&text.replace("break_after_minutes", "break_after")).unwrap_err();
        assert!(e.message.contains("break_after"), "{e}");
        assert_eq!((e.line, e.column), (27, 1), "{e}");
    }

    #[test]
    fn a_playbook_without_a_commander_is_refused() {
        let text = MINIMAL.replace("id = \"commander\"", "id = \"boss\"");
        let e = Playbook::parse(&text).unwrap_err();
        assert!(e.message.contains("'commander'"), "{e}");
    }

    #[test]
    fn templates_fill_known_placeholders_and_keep_unknown_ones() {
        let s = fill_template(
            "{severity}: {title} {nope}",
            &[("severity", "P1".into()), ("title", "x".into())],
        );
        assert_eq!(s, "P1: x {nope}");
        let s = fill_template(
            "{title}!",
            &[("title", "{severity}".into()), ("severity", "P1".into())],
        );
        assert_eq!(s, "{severity}!", "values are not expanded again");
    }
}
