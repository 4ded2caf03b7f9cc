//! The rules of the incident, once: a [`Command`] checked against the
//! incident's state and its playbook becomes the event to record, or a
//! [`Refusal`] that says why not. Pure, so every front end and every test
//! gets the same answer for the same state.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::command::Command;
use super::draft::update_draft;
use super::event::{EventKind, NoteKind};
use super::incident::{Incident, delivery_line, entry_ref, impact_line, ran_phrase};
use super::input::{
    declaration, find_entry, next_update_by_cadence, optional, parse_count, parse_due,
    pick_checklist_item, required,
};
use super::playbook::Playbook;
use super::refusal::Refusal;
use super::secrets::{Secrets, mask, scan};
use super::when::{parse_past_time, parse_time_or_duration};

/// The furthest ahead a next update may be promised.
pub const MAX_NEXT_DAYS: i64 = 7;
/// How far back a change may be backfilled.
pub const MAX_BACKFILL_DAYS: i64 = 30;

/// When something already happened, as the person typed it and as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backfill {
    pub typed: String,
    pub at: DateTime<Utc>,
}

/// What a command is decided against.
pub struct Situation<'a, Tz: TimeZone> {
    /// The incident acted on; `None` only for a declaration.
    pub incident: Option<&'a Incident>,
    /// The incident's playbook, or the one a declaration runs by.
    pub playbook: &'a Playbook,
    /// Who is acting.
    pub actor: &'a str,
    /// This moment, in the zone the person reads clock times in.
    pub now: DateTime<Tz>,
    /// When it happened, if not now.
    pub backfill: Option<Backfill>,
    /// What to do with a text that holds a likely secret.
    pub secrets: Secrets,
}

/// The event a command records, and what to tell the person.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub kind: EventKind,
    pub said: String,
}

impl Decision {
    fn new(kind: EventKind, said: impl Into<String>) -> Decision {
        Decision {
            kind,
            said: said.into(),
        }
    }
}

/// Reads `--at`: a past time within the incident's span of days.
pub fn backfill_time<Tz: TimeZone>(typed: &str, now: &DateTime<Tz>) -> Result<Backfill, Refusal> {
    let at = parse_past_time(typed, now).map_err(Refusal::BadTime)?;
    let now = now.with_timezone(&Utc);
    // A minute of slack for clocks; anything later is a typo.
    if at > now + Duration::minutes(1) {
        return Err(Refusal::AtInFuture(typed.to_string()));
    }
    // An incident's log spans days at most; a year like 0000 is a typo
    // that would sort before everything, declarations included.
    if at < now - Duration::days(MAX_BACKFILL_DAYS) {
        return Err(Refusal::AtTooOld {
            at: typed.to_string(),
            days: MAX_BACKFILL_DAYS,
        });
    }
    Ok(Backfill {
        typed: typed.to_string(),
        at,
    })
}

/// Decides what `command` records in this situation. A likely secret in
/// its text is masked, kept or refused as the situation says; refused
/// only once every other rule would record it, so the person who masks or
/// keeps it is not refused next for something else.
pub fn decide<Tz: TimeZone>(s: &Situation<Tz>, command: &Command) -> Result<Decision, Refusal> {
    if s.secrets == Secrets::Mask {
        let mut masked = command.clone();
        for (_, text) in masked.texts_mut() {
            *text = mask(text);
        }
        return rules(s, &masked);
    }
    let decision = rules(s, command)?;
    if s.secrets == Secrets::Refuse
        && let Some(refusal) = first_secret(command)
    {
        return Err(refusal);
    }
    Ok(decision)
}

/// The refusal for the first likely secret in the command's texts.
fn first_secret(command: &Command) -> Option<Refusal> {
    let mut command = command.clone();
    command.texts_mut().into_iter().find_map(|(field, text)| {
        let found = scan(text).into_iter().next()?;
        let (first, last) = found.characters(text);
        Some(Refusal::Secret {
            field,
            rule: found.rule,
            first,
            last,
        })
    })
}

/// The rules of the incident, but secrets.
fn rules<Tz: TimeZone>(s: &Situation<Tz>, command: &Command) -> Result<Decision, Refusal> {
    let pb = s.playbook;
    if let Command::Declare {
        title,
        severity,
        summary,
        commander,
        ..
    } = command
    {
        let commander = commander.as_deref().unwrap_or(s.actor);
        let kind = declaration(pb, title, severity.as_deref(), summary, commander)?;
        return Ok(Decision::new(kind, "Declared"));
    }
    let inc = s.incident.ok_or(Refusal::NoIncident)?;
    if let Some(b) = &s.backfill
        && b.at < inc.declared_at - Duration::days(1)
    {
        return Err(Refusal::AtBeforeDeclared(b.typed.clone()));
    }
    // A backfill may restate what held then; a change made now may not
    // repeat what holds now, or the timeline fills with non-events.
    let now_only = s.backfill.is_none();
    let decision = match command {
        Command::Declare { .. } => unreachable!("decided above"),
        // A destructive step done by hand is announced as one, so anyone
        // can object during its countdown.
        Command::Note {
            kind: NoteKind::Destructive,
            text,
        } if now_only => announce(pb, required("the note", text)?, None, false),
        Command::Note { kind, text } => Decision::new(
            EventKind::Note {
                note: *kind,
                text: required("the note", text)?,
            },
            format!("Logged {}", kind.name()),
        ),
        Command::Announce {
            command,
            countdown_s,
        } => announce(pb, required("the command", command)?, *countdown_s, true),
        Command::Object { step, reason } => {
            let r = entry_ref(step);
            let found = inc
                .steps
                .iter()
                .filter(|s| s.id.matches_ref(r))
                .collect::<Vec<_>>();
            let step = match found.as_slice() {
                [one] => *one,
                [] => return Err(Refusal::NoStep(r.to_string())),
                _ => return Err(Refusal::AmbiguousEntry(r.to_string())),
            };
            let short = step.id.short();
            match &step.outcome {
                Some(o) if o.ran => {
                    let said = o.said.clone();
                    return Err(Refusal::StepRan { step: short, said });
                }
                Some(o) => {
                    let said = o.said.clone();
                    return Err(Refusal::StepNotRun { step: short, said });
                }
                None if !step.run && s.now.with_timezone(&Utc) > step.deadline() => {
                    let author = step.author.clone();
                    return Err(Refusal::StepUnderway {
                        step: short,
                        author,
                    });
                }
                None => {}
            }
            let said = match step.run {
                true => format!("Objected to step #{short} ({}): it will not run", step.text),
                false => format!("Objected to step #{short} ({})", step.text),
            };
            let kind = EventKind::Objected {
                target: step.id,
                reason: reason.trim().to_string(),
            };
            Decision::new(kind, said)
        }
        Command::Assign { role, person } => {
            let role = pb.find_role(role)?;
            let person = required("the person", person)?;
            let name = pb.role_name(&role);
            if now_only && inc.roles.get(&role).is_some_and(|h| h.person == person) {
                return Err(Refusal::AlreadyHolds { person, role: name });
            }
            let said = format!("{person} holds {name}");
            Decision::new(EventKind::RoleAssigned { role, person }, said)
        }
        Command::Release { role } => {
            let role = pb.find_role(role)?;
            let name = pb.role_name(&role);
            if !inc.roles.contains_key(&role) {
                return Err(Refusal::NobodyHolds { role: name });
            }
            Decision::new(EventKind::RoleReleased { role }, format!("Released {name}"))
        }
        Command::Severity { level } => {
            let severity = pb.find_severity(level)?.id.clone();
            if now_only && severity == inc.severity {
                return Err(Refusal::SameSeverity(severity));
            }
            let said = format!("Severity is now {severity}");
            Decision::new(EventKind::SeverityChanged { severity }, said)
        }
        Command::Stage { stage } => {
            let stage = pb.find_stage(stage)?;
            if now_only && stage.id == inc.stage {
                return Err(Refusal::SameStage(stage.name.clone()));
            }
            let said = format!("Stage is now {}", stage.name);
            let stage = stage.id.clone();
            Decision::new(EventKind::StageChanged { stage }, said)
        }
        Command::Can {
            conditions,
            actions,
            needs,
            role,
        } => {
            let role = match role {
                Some(r) => Some(pb.find_role(r)?),
                None => inc.role_held_by(s.actor).map(str::to_string),
            };
            let kind = EventKind::CanReport {
                conditions: required("the conditions", conditions)?,
                actions: required("the actions", actions)?,
                needs: required("the needs", needs)?,
                role,
            };
            Decision::new(kind, "Filed CAN report")
        }
        Command::Update {
            status,
            impact,
            action,
            next,
        } => update(s, inc, status, impact, action, next)?,
        Command::Link { label, url } => Decision::new(
            EventKind::LinkAdded {
                label: required("the label", label)?,
                url: required("the URL", url)?,
            },
            "Link added",
        ),
        Command::AddActionItem { text, owner, due } => {
            let today = s.now.date_naive();
            let due = due
                .as_deref()
                .and_then(optional)
                .map(|d| parse_due(&d, today))
                .transpose()?;
            let kind = EventKind::ActionItemAdded {
                text: required("the action item", text)?,
                owner: owner.as_deref().and_then(optional),
                due,
            };
            Decision::new(kind, "Action item added")
        }
        Command::FinishActionItem { item } => {
            let reference = item.trim().trim_start_matches('#');
            let found = inc
                .find_action_item(reference)
                .ok_or_else(|| Refusal::NoActionItem(reference.to_string()))?;
            if now_only && found.done_at.is_some() {
                return Err(Refusal::ActionItemDone(found.id.short()));
            }
            let said = format!("Action item #{} done", found.id.short());
            Decision::new(EventKind::ActionItemDone { item: found.id }, said)
        }
        Command::Tick { item, stage } => {
            let stage = pb.find_stage(stage.as_deref().unwrap_or(&inc.stage))?;
            let text = pick_checklist_item(&stage.checklist, item).ok_or_else(|| {
                Refusal::NoChecklistItem {
                    stage: stage.name.clone(),
                    item: item.trim().to_string(),
                    count: stage.checklist.len(),
                }
            })?;
            if inc.is_ticked(&stage.id, &text) {
                return Err(Refusal::AlreadyTicked(text));
            }
            let said = format!("Ticked: {text}");
            let kind = EventKind::ChecklistTicked {
                stage: stage.id.clone(),
                item: text,
            };
            Decision::new(kind, said)
        }
        Command::Amend { entry, text } => Decision::new(
            EventKind::Amended {
                target: find_entry(inc, entry)?,
                text: required("the new text", text)?,
            },
            "Amended",
        ),
        Command::Redact { entry, reason } => {
            let target = find_entry(inc, entry)?;
            if inc.timeline.iter().any(|e| e.id == target && e.redacted) {
                return Err(Refusal::AlreadyRedacted);
            }
            let reason = reason.trim().to_string();
            Decision::new(EventKind::Redacted { target, reason }, "Redacted")
        }
        Command::Pin { entry } => {
            let target = find_entry(inc, entry)?;
            if inc.timeline.iter().any(|e| e.id == target && e.pinned) {
                return Err(Refusal::AlreadyPinned);
            }
            Decision::new(EventKind::Pinned { target }, "Pinned")
        }
        Command::Resolve { summary } => {
            if inc.is_resolved() {
                return Err(Refusal::AlreadyResolved(inc.id.short()));
            }
            let summary = summary.trim().to_string();
            Decision::new(EventKind::Resolved { summary }, "Resolved")
        }
        Command::Reopen { reason } => {
            if !inc.is_resolved() {
                return Err(Refusal::NotResolved(inc.id.short()));
            }
            let reason = reason.trim().to_string();
            Decision::new(EventKind::Reopened { reason }, "Reopened")
        }
        Command::SetImpact {
            affected,
            count,
            category,
        } => set_impact(pb, inc, affected, count, category, now_only)?,
        Command::RecordRun {
            command,
            cwd,
            duration_ms,
            exit,
            signal,
            not_started,
            output,
            destructive,
            announced,
        } => {
            // Only the run that announced a step settles it, once.
            if let Some(a) = announced
                && !inc
                    .steps
                    .iter()
                    .any(|s| s.id == *a && s.run && s.outcome.is_none())
            {
                return Err(Refusal::StepSettled(a.short()));
            }
            let said = ran_phrase(*exit, *signal, not_started.as_deref(), *duration_ms);
            let kind = EventKind::CommandRan {
                command: required("the command", command)?,
                cwd: cwd.clone(),
                duration_ms: *duration_ms,
                exit: *exit,
                signal: *signal,
                not_started: not_started.clone(),
                output: output.clone(),
                destructive: *destructive,
                announced: *announced,
            };
            Decision::new(kind, format!("Recorded: {said}"))
        }
        Command::RecordDelivery {
            update,
            channel,
            delivered,
            detail,
        } => {
            if !inc.updates.iter().any(|u| u.id == *update) {
                return Err(Refusal::NoUpdate(update.short()));
            }
            let channel = required("the channel", channel)?;
            let detail = detail.trim().to_string();
            let said = delivery_line(&channel, *delivered, &detail);
            let kind = EventKind::UpdateDelivery {
                update: *update,
                channel,
                delivered: *delivered,
                detail,
            };
            Decision::new(kind, said)
        }
    };
    Ok(decision)
}

/// The impact as it will stand: each part given, else the one the
/// incident holds.
fn set_impact(
    pb: &Playbook,
    inc: &Incident,
    affected: &Option<String>,
    count: &Option<String>,
    category: &Option<String>,
    now_only: bool,
) -> Result<Decision, Refusal> {
    if affected.is_none() && count.is_none() && category.is_none() {
        return Err(Refusal::NoImpact);
    }
    let held = inc.impact.as_ref();
    let affected = match affected {
        Some(a) => a.trim().to_string(),
        None => held
            .map(|i| i.affected_words().to_string())
            .unwrap_or_default(),
    };
    let count = match count {
        Some(c) => parse_count(c)?,
        None => held.and_then(|i| i.count),
    };
    let held_category = held.and_then(|i| i.category.clone());
    let category = match category.as_deref().map(optional) {
        // Nothing typed, or `none`, clears it.
        Some(None) => None,
        Some(Some(c)) if c.eq_ignore_ascii_case("none") => None,
        // The one held stays, even where this playbook lacks it (set by a
        // replica with another version of it).
        Some(Some(c)) if held_category.as_deref() == Some(c.as_str()) => held_category,
        Some(Some(_)) if pb.categories.is_empty() => {
            return Err(Refusal::NoCategories(pb.name.clone()));
        }
        Some(Some(c)) => Some(pb.find_category(&c)?.id.clone()),
        None => held_category,
    };
    if affected.is_empty() && count.is_none() && category.is_none() {
        return Err(Refusal::NoImpact);
    }
    if now_only && held.is_some_and(|i| i.says(&affected, count, category.as_deref())) {
        return Err(Refusal::SameImpact);
    }
    let named = category.as_deref().map(|c| pb.category_name(c));
    let said = format!(
        "Impact: {}",
        impact_line(&affected, count, named.as_deref())
    );
    let kind = EventKind::ImpactSet {
        affected,
        count,
        category,
    };
    Ok(Decision::new(kind, said))
}

/// A destructive step announced, open to objection for the countdown
/// given or the playbook's.
fn announce(pb: &Playbook, text: String, countdown_s: Option<u32>, run: bool) -> Decision {
    let countdown_s = countdown_s.unwrap_or(pb.countdown_seconds);
    let said = match run {
        true => format!("Announced; it runs after {countdown_s} s unless someone objects"),
        false => format!("Announced; anyone may object for {countdown_s} s"),
    };
    let kind = EventKind::StepAnnounced {
        text,
        countdown_s,
        run,
    };
    Decision::new(kind, said)
}

/// A stakeholder update: what was left out is the draft's, and the next
/// one is promised after this one and within a week.
fn update<Tz: TimeZone>(
    s: &Situation<Tz>,
    inc: &Incident,
    status: &Option<String>,
    impact: &Option<String>,
    action: &Option<String>,
    next: &Option<String>,
) -> Result<Decision, Refusal> {
    let now = s.now.with_timezone(&Utc);
    let draft = update_draft(inc, s.playbook, &s.now);
    let sent_at = s.backfill.as_ref().map_or(now, |b| b.at);
    let next_update = match next.as_deref().and_then(optional) {
        Some(n) => Some(
            parse_time_or_duration(&n, &sent_at.with_timezone(&s.now.timezone()))
                .map_err(Refusal::BadTime)?,
        ),
        None => next_update_by_cadence(s.playbook, &inc.severity, sent_at),
    };
    if next_update.is_some_and(|t| t <= sent_at) {
        return Err(Refusal::NextNotAfter);
    }
    if next_update.is_some_and(|t| t > sent_at + Duration::days(MAX_NEXT_DAYS)) {
        return Err(Refusal::NextTooFar {
            days: MAX_NEXT_DAYS,
        });
    }
    let kind = EventKind::UpdateSent {
        status: required("the status", status.as_deref().unwrap_or(&draft.status))?,
        impact: impact
            .as_deref()
            .unwrap_or(&draft.impact)
            .trim()
            .to_string(),
        action: action
            .as_deref()
            .unwrap_or(&draft.action)
            .trim()
            .to_string(),
        next_update,
    };
    Ok(Decision::new(kind, "Update recorded"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{declared, incident, playbook, t};

    fn decide_at(
        inc: &Incident,
        command: Command,
        backfill: Option<Backfill>,
    ) -> Result<Decision, Refusal> {
        decide_by(&playbook(), inc, command, backfill)
    }

    /// As ana an hour in, by `pb`, refusing secrets.
    fn decide_by(
        pb: &Playbook,
        inc: &Incident,
        command: Command,
        backfill: Option<Backfill>,
    ) -> Result<Decision, Refusal> {
        let situation = Situation {
            incident: Some(inc),
            playbook: pb,
            actor: "ana",
            now: t(60),
            backfill,
            secrets: Secrets::Refuse,
        };
        decide(&situation, &command)
    }

    fn severity(level: &str) -> Command {
        Command::Severity {
            level: level.into(),
        }
    }

    #[test]
    fn a_backfill_may_restate_what_held_then_but_now_may_not_repeat_it() {
        let inc = incident(&[(0, declared("P2"))]);
        assert_eq!(
            decide_at(&inc, severity("P2"), None),
            Err(Refusal::SameSeverity("P2".into()))
        );
        let earlier = Backfill {
            typed: "-30m".into(),
            at: t(30),
        };
        assert!(decide_at(&inc, severity("P2"), Some(earlier)).is_ok());
    }

    #[test]
    fn a_backfill_long_before_the_declaration_is_refused() {
        let inc = incident(&[(0, declared("P2"))]);
        let long_before = Backfill {
            typed: "yesterday".into(),
            at: t(-2 * 24 * 60),
        };
        assert_eq!(
            decide_at(&inc, severity("P1"), Some(long_before)),
            Err(Refusal::AtBeforeDeclared("yesterday".into()))
        );
    }

    #[test]
    fn a_tick_from_a_list_shown_for_an_earlier_stage_ticks_that_stage() {
        let inc = incident(&[
            (0, declared("P2")),
            (
                1,
                EventKind::StageChanged {
                    stage: "mitigate".into(),
                },
            ),
        ]);
        let item = playbook().stage("detect").unwrap().checklist[0].clone();
        let tick = Command::Tick {
            item: item.clone(),
            stage: Some("detect".into()),
        };
        let Ok(Decision {
            kind: EventKind::ChecklistTicked { stage, item: got },
            ..
        }) = decide_at(&inc, tick, None)
        else {
            panic!("the tick is refused");
        };
        assert_eq!((stage.as_str(), got), ("detect", item));
    }

    #[test]
    fn a_secret_is_refused_after_every_other_rule_and_masked_or_kept_as_asked() {
        let inc = incident(&[(0, declared("P2"))]);
        let pb = playbook();
        let decide_with = |command: &Command, secrets| {
            let situation = Situation {
                incident: Some(&inc),
                playbook: &pb,
                actor: "ana",
                now: t(60),
                backfill: None,
                secrets,
            };
            decide(&situation, command)
        };
        let can = |actions: &str| Command::Can {
            conditions: format!("creds leaked: token={}", "q8".repeat(8)),
            actions: actions.into(),
            needs: "none".into(),
            role: None,
        };
        // The person mends what else is wrong first, not after masking.
        assert_eq!(
            decide_with(&can(" "), Secrets::Refuse),
            Err(Refusal::Empty("the actions"))
        );
        assert_eq!(
            decide_with(&can("rotating"), Secrets::Refuse),
            Err(Refusal::Secret {
                field: "the conditions",
                rule: "a credential",
                first: 21,
                last: 36,
            })
        );
        let conditions = |d: Result<Decision, Refusal>| match d {
            Ok(Decision {
                kind: EventKind::CanReport { conditions, .. },
                ..
            }) => conditions,
            other => panic!("not recorded: {other:?}"),
        };
        assert_eq!(
            conditions(decide_with(&can("rotating"), Secrets::Mask)),
            "creds leaked: token=****"
        );
        assert!(conditions(decide_with(&can("rotating"), Secrets::Keep)).ends_with("q8q8"));
    }

    fn set_impact(affected: Option<&str>, count: Option<&str>, category: Option<&str>) -> Command {
        Command::SetImpact {
            affected: affected.map(str::to_string),
            count: count.map(str::to_string),
            category: category.map(str::to_string),
        }
    }

    /// What the impact would be set to, or why not.
    fn impact_after(
        events: &[(i64, EventKind)],
        command: Command,
    ) -> Result<(String, Option<u64>, Option<String>), Refusal> {
        let inc = incident(&[&[(0, declared("P2"))], events].concat());
        match decide_at(&inc, command, None)?.kind {
            EventKind::ImpactSet {
                affected,
                count,
                category,
            } => Ok((affected, count, category)),
            other => panic!("not an impact: {other:?}"),
        }
    }

    #[test]
    fn setting_the_impact_reads_the_count_as_people_write_it() {
        for typed in ["1200", "1,200", " 1 200 "] {
            assert_eq!(
                impact_after(&[], set_impact(Some("EU shoppers"), Some(typed), None)),
                Ok(("EU shoppers".into(), Some(1200), None)),
                "{typed}"
            );
        }
        for typed in ["about 1200", "1,2", "12,00", "-5", "1.5k"] {
            assert_eq!(
                impact_after(&[], set_impact(Some("EU shoppers"), Some(typed), None)),
                Err(Refusal::BadCount(typed.into())),
                "{typed}"
            );
        }
        assert_eq!(
            Refusal::BadCount("lots".into()).to_string(),
            "cannot read 'lots' as how many are affected; give a whole number like 1200 or 1,200, or none"
        );
    }

    #[test]
    fn setting_part_of_the_impact_keeps_the_rest() {
        let held = [(
            1,
            EventKind::ImpactSet {
                affected: "EU shoppers".into(),
                count: Some(1200),
                category: Some("deployment".into()),
            },
        )];
        assert_eq!(
            impact_after(&held, set_impact(None, Some("3,400"), None)),
            Ok(("EU shoppers".into(), Some(3400), Some("deployment".into())))
        );
        assert_eq!(
            impact_after(
                &held,
                set_impact(Some("all shoppers"), Some("none"), Some("Data issue"))
            ),
            Ok(("all shoppers".into(), None, Some("data".into())))
        );
        assert_eq!(
            impact_after(&held, set_impact(None, None, Some("deploy"))),
            Err(Refusal::SameImpact)
        );
        let retired = [(
            1,
            EventKind::ImpactSet {
                affected: "EU shoppers".into(),
                count: None,
                category: Some("capacity".into()),
            },
        )];
        assert_eq!(
            impact_after(&retired, set_impact(None, Some("40"), Some("capacity"))),
            Ok(("EU shoppers".into(), Some(40), Some("capacity".into()))),
            "a category this playbook lacks is kept, not refused"
        );
    }

    #[test]
    fn setting_an_impact_that_says_nothing_or_names_no_category_is_refused() {
        assert_eq!(
            impact_after(&[], set_impact(None, None, None)),
            Err(Refusal::NoImpact)
        );
        assert_eq!(
            impact_after(&[], set_impact(Some(" "), Some(""), Some(""))),
            Err(Refusal::NoImpact)
        );
        let unknown = impact_after(&[], set_impact(Some("EU shoppers"), None, Some("dns")));
        assert_eq!(
            unknown.unwrap_err().to_string(),
            "unknown category 'dns'; valid categories are: deployment, infrastructure, third-party, data"
        );
        let mut pb = playbook();
        pb.categories.clear();
        let inc = incident(&[(0, declared("P2"))]);
        let none = decide_by(
            &pb,
            &inc,
            set_impact(Some("EU shoppers"), None, Some("data")),
            None,
        );
        assert_eq!(
            none.unwrap_err().to_string(),
            "playbook 'default' defines no categories; leave the category out, or add [[categories]] to the playbook"
        );
        assert!(decide_by(&pb, &inc, set_impact(Some("EU shoppers"), None, None), None).is_ok());
    }

    #[test]
    fn a_change_to_no_incident_is_refused_but_a_declaration_needs_none() {
        let pb = playbook();
        let mut situation = Situation {
            incident: None,
            playbook: &pb,
            actor: "ana",
            now: t(0),
            backfill: None,
            secrets: Secrets::Refuse,
        };
        assert_eq!(
            decide(&situation, &severity("P1")),
            Err(Refusal::NoIncident)
        );
        let declare = Command::Declare {
            title: "DB down".into(),
            severity: None,
            summary: String::new(),
            commander: None,
            playbook: "default".into(),
        };
        let decided = decide(&situation, &declare).unwrap();
        let EventKind::Declared { commander, .. } = decided.kind else {
            panic!("not a declaration");
        };
        assert_eq!(commander, "ana", "the person acting commands by default");
        situation.actor = "";
        assert_eq!(
            decide(&situation, &declare),
            Err(Refusal::Empty("the commander"))
        );
    }

    fn step_announced(run: bool) -> EventKind {
        EventKind::StepAnnounced {
            text: "restart the primary".into(),
            countdown_s: 60,
            run,
        }
    }

    /// The step announced second in each incident below.
    fn step_id() -> crate::domain::ids::EventId {
        crate::domain::ids::EventId::from_parts(1, 11)
    }

    /// How the run of the step ended.
    fn ran(not_started: Option<&str>) -> EventKind {
        EventKind::CommandRan {
            command: "restart".into(),
            cwd: String::new(),
            duration_ms: 1200,
            exit: not_started.is_none().then_some(0),
            signal: None,
            not_started: not_started.map(str::to_string),
            output: String::new(),
            destructive: true,
            announced: Some(step_id()),
        }
    }

    fn object() -> Command {
        Command::Object {
            step: step_id().to_string(),
            reason: "not now".into(),
        }
    }

    #[test]
    fn an_objection_is_refused_once_the_step_ran_or_was_not_run() {
        let open = incident(&[(0, declared("P1")), (59, step_announced(true))]);
        assert!(decide_at(&open, object(), None).is_ok());
        let after_it_ran = incident(&[
            (0, declared("P1")),
            (58, step_announced(true)),
            (59, ran(None)),
        ]);
        let refused = decide_at(&after_it_ran, object(), None).unwrap_err();
        assert!(matches!(refused, Refusal::StepRan { .. }), "{refused:?}");
        assert!(
            refused
                .to_string()
                .contains("already ran (exit 0 after 1.2 s)"),
            "{refused}"
        );
        let held = incident(&[
            (0, declared("P1")),
            (58, step_announced(true)),
            (59, ran(Some("bo objected"))),
        ]);
        let refused = decide_at(&held, object(), None).unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!(
                "step #{} was not run (bo objected); there is nothing to object to",
                step_id().short()
            )
        );
    }

    #[test]
    fn a_step_done_by_hand_takes_objections_only_during_its_countdown() {
        // Announced at minute 59 with 60 s to object; it is minute 60.
        let counting = incident(&[(0, declared("P1")), (59, step_announced(false))]);
        assert!(decide_at(&counting, object(), None).is_ok());
        let over = incident(&[(0, declared("P1")), (58, step_announced(false))]);
        let refused = decide_at(&over, object(), None).unwrap_err();
        assert!(
            refused.to_string().contains("ana may have done it"),
            "{refused}"
        );
    }

    #[test]
    fn only_the_run_that_announced_a_step_settles_it_and_only_once() {
        let settle = |inc: &Incident| {
            let run = Command::RecordRun {
                command: "restart".into(),
                cwd: String::new(),
                duration_ms: 1,
                exit: Some(0),
                signal: None,
                not_started: None,
                output: String::new(),
                destructive: true,
                announced: Some(step_id()),
            };
            decide_at(inc, run, None)
        };
        let waiting = incident(&[(0, declared("P1")), (59, step_announced(true))]);
        assert!(settle(&waiting).is_ok());
        let settled = incident(&[
            (0, declared("P1")),
            (58, step_announced(true)),
            (59, ran(None)),
        ]);
        assert!(matches!(settle(&settled), Err(Refusal::StepSettled(_))));
        let by_hand = incident(&[(0, declared("P1")), (59, step_announced(false))]);
        assert!(matches!(settle(&by_hand), Err(Refusal::StepSettled(_))));
    }

    #[test]
    fn a_destructive_note_now_is_announced_but_one_backfilled_is_a_note() {
        let inc = incident(&[(0, declared("P1"))]);
        let note = Command::Note {
            kind: NoteKind::Destructive,
            text: "flush the CDN".into(),
        };
        let now = decide_at(&inc, note.clone(), None).unwrap();
        assert_eq!(now.kind, step_announced_text("flush the CDN"));
        let earlier = Backfill {
            typed: "-10m".into(),
            at: t(50),
        };
        let then = decide_at(&inc, note, Some(earlier)).unwrap();
        assert!(
            matches!(then.kind, EventKind::Note { .. }),
            "{:?}",
            then.kind
        );
    }

    fn step_announced_text(text: &str) -> EventKind {
        EventKind::StepAnnounced {
            text: text.into(),
            countdown_s: playbook().countdown_seconds,
            run: false,
        }
    }
}
