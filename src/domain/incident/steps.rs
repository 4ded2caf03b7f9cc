//! Destructive steps: announced first, open to objection for a countdown,
//! then run (or not). The record keeps the whole story of one step so the
//! console's banner, the run waiting on it and the timeline tell it alike.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::EventId;
use crate::domain::when::clock_duration;

/// How long after its countdown a step run by `fireground run` is still
/// shown as waiting: the person is answering y/N, or their process died
/// and the step will never be settled; it should not haunt the banner.
pub const RUN_GRACE: Duration = Duration::minutes(10);
/// How long after its countdown a step done by hand is shown as clear to
/// go ahead: nothing records that it was done.
pub const BY_HAND_GRACE: Duration = Duration::minutes(1);

/// One announced step and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    /// What will be done: the command line for a run, or the person's words.
    pub text: String,
    pub countdown_s: u32,
    /// Taken by `fireground run`, which records how it went.
    pub run: bool,
    pub objections: Vec<Objection>,
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub reason: String,
}

/// How a run step ended: whether the command ran, and in a few words how
/// ("exit 0 after 2.1 s", "did not start: lee objected").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub at: DateTime<Utc>,
    pub ran: bool,
    pub said: String,
}

/// Where a step stands at a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepState {
    /// Objections are open for this long yet.
    Counting(Duration),
    /// Somebody objected and it has not been settled.
    Objected,
    /// The countdown ended with no objection; not settled yet.
    Clear,
    /// It ran, was not run, or is too old to wait on.
    Settled,
}

impl Step {
    /// When objections close.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.at + Duration::seconds(i64::from(self.countdown_s))
    }

    pub fn state(&self, now: DateTime<Utc>) -> StepState {
        let grace = if self.run { RUN_GRACE } else { BY_HAND_GRACE };
        if self.outcome.is_some() || now > self.deadline() + grace {
            StepState::Settled
        } else if !self.objections.is_empty() {
            StepState::Objected
        } else if now < self.deadline() {
            // Announced from a clock ahead of ours, it still waits no
            // longer than its countdown.
            let whole = Duration::seconds(i64::from(self.countdown_s));
            StepState::Counting((self.deadline() - now).min(whole))
        } else {
            StepState::Clear
        }
    }

    /// What a banner or a status line says of it at `now`, with how to
    /// object after "to object"; empty once it is settled.
    pub fn says(&self, now: DateTime<Utc>, how_to_object: &str) -> String {
        let who = &self.author;
        let what = match self.run {
            true => format!("run $ {}", self.text),
            false => self.text.clone(),
        };
        match (self.state(now), self.objection()) {
            (StepState::Objected, Some(o)) => {
                let said = objected_phrase(&o.author, &o.reason);
                match self.run {
                    true => format!("⊘ {said} · {who}'s step will not {what}"),
                    false => format!("⊘ {said} · {who}, hold off: {what}"),
                }
            }
            (StepState::Counting(left), _) => {
                let left = clock_duration(left);
                match self.run {
                    true => format!("! {left} to object{how_to_object}: {who} will {what}"),
                    false => {
                        format!("! {left} to object{how_to_object}: {who} is about to: {what}")
                    }
                }
            }
            (StepState::Clear, _) => match self.run {
                true => format!("! no objection: {who} may now {what}"),
                false => format!("! no objection: {who} may go ahead: {what}"),
            },
            (StepState::Objected | StepState::Settled, _) => String::new(),
        }
    }

    /// The latest objection, if any.
    pub fn objection(&self) -> Option<&Objection> {
        self.objections.last()
    }
}

impl super::Incident {
    /// The steps not yet settled at `now`, newest first: what the console's
    /// banner shows and what an objection from it is for.
    pub fn waiting_steps(&self, now: DateTime<Utc>) -> Vec<&Step> {
        self.steps
            .iter()
            .rev()
            .filter(|s| s.state(now) != StepState::Settled)
            .collect()
    }
}

/// The words of an objection, for a sentence: "lee objected: not now".
pub fn objected_phrase(who: &str, reason: &str) -> String {
    match reason.is_empty() {
        true => format!("{who} objected"),
        false => format!("{who} objected: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::t;

    fn step(run: bool) -> Step {
        Step {
            id: EventId::from_parts(1, 1),
            at: t(10),
            author: "devi".into(),
            text: "$ systemctl restart db".into(),
            countdown_s: 60,
            run,
            objections: Vec::new(),
            outcome: None,
        }
    }

    #[test]
    fn a_step_counts_down_then_is_clear_then_stops_waiting() {
        let s = step(true);
        let at = s.at;
        assert_eq!(
            s.state(at + Duration::seconds(18)),
            StepState::Counting(Duration::seconds(42))
        );
        assert_eq!(s.state(at + Duration::seconds(61)), StepState::Clear);
        assert_eq!(s.state(at + Duration::minutes(12)), StepState::Settled);
        let by_hand = step(false);
        assert_eq!(by_hand.state(at + Duration::minutes(3)), StepState::Settled);
    }

    #[test]
    fn an_objection_holds_the_step_until_it_is_settled() {
        let mut s = step(true);
        s.objections.push(Objection {
            id: EventId::from_parts(2, 1),
            at: s.at + Duration::seconds(5),
            author: "lee".into(),
            reason: "replica lag".into(),
        });
        assert_eq!(s.state(s.at + Duration::seconds(6)), StepState::Objected);
        assert_eq!(s.state(s.deadline()), StepState::Objected);
        s.outcome = Some(Outcome {
            at: s.deadline(),
            ran: false,
            said: "did not start: lee objected".into(),
        });
        assert_eq!(s.state(s.deadline()), StepState::Settled);
    }

    #[test]
    fn redacting_an_announcement_hides_the_step_from_the_banner_too() {
        use crate::domain::event::EventKind;
        use crate::domain::fixtures::{declared, incident};
        let target = EventId::from_parts(1, 11);
        let inc = incident(&[
            (0, declared("P1")),
            (
                1,
                EventKind::StepAnnounced {
                    text: "rotate key AKIA-secret".into(),
                    countdown_s: 600,
                    run: true,
                },
            ),
            (
                2,
                EventKind::Redacted {
                    target,
                    reason: String::new(),
                },
            ),
        ]);
        assert_eq!(inc.steps[0].text, crate::domain::redaction::REDACTED);
        assert!(!format!("{inc:?}").contains("AKIA"));
    }

    #[test]
    fn an_objection_from_a_clock_behind_still_holds_the_step() {
        use crate::domain::event::EventKind;
        use crate::domain::fixtures::{declared, incident};
        let step = EventId::from_parts(1, 12);
        let inc = incident(&[
            (0, declared("P1")),
            // lee's clock is two minutes behind devi's: the objection
            // sorts before the announcement it answers.
            (
                1,
                EventKind::Objected {
                    target: step,
                    reason: "backup running".into(),
                },
            ),
            (
                3,
                EventKind::StepAnnounced {
                    text: "restart".into(),
                    countdown_s: 600,
                    run: true,
                },
            ),
        ]);
        let s = &inc.steps[0];
        assert_eq!(s.id, step);
        assert_eq!(s.state(s.at), StepState::Objected);
        assert_eq!(s.objection().unwrap().reason, "backup running");
    }

    #[test]
    fn a_step_from_a_clock_ahead_counts_down_no_longer_than_its_countdown() {
        let s = step(true);
        // Our clock reads five minutes before the announcer's.
        let ours = s.at - Duration::minutes(5);
        assert_eq!(s.state(ours), StepState::Counting(Duration::seconds(60)));
    }
}
