//! Which events from elsewhere enter the log: the rules that keep one
//! replica from forging, or quietly rewriting, another's events. The store
//! gathers what it knows of the writer and of the event's id and asks
//! [`admit`]; what is refused is kept apart (quarantined) and reported,
//! never applied.

use std::fmt;

use super::event::Event;
use super::ids::ReplicaId;
use super::seal::{Digest, PublicKey, event_digest, verify};

/// What this replica knows of a writer's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownKey {
    pub key: PublicKey,
    /// The writer's first signed sequence number: its events before it
    /// were written before it signed, and may stay unsigned.
    pub first_signed: u64,
    pub pinned: bool,
}

/// What is known around one incoming event.
#[derive(Clone, Debug, Default)]
pub struct Facts<'a> {
    /// The writer's key, if seen or pinned.
    pub key: Option<KnownKey>,
    /// The digest of the event already held under the same id.
    pub held: Option<Digest>,
    /// The digests of the writer's events one sequence number earlier
    /// (several only when a copied database wrote under the same id).
    pub before: &'a [Digest],
    /// The replica whose file the event was read from, where files are
    /// owned (git): its own events only.
    pub owner: Option<super::ids::ReplicaId>,
    /// Whether a later event of the same writer, whose signature was
    /// checked, links back to this one (see [`vouched`]): its words are
    /// then covered by that signature, and its own need not be checked.
    pub vouched: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// New, and as good as this replica can check.
    Admit,
    /// New, from a writer whose key it does not know (nor the event
    /// carries): kept, and counted as unverified.
    AdmitUnverified,
    /// New, carrying the writer's key, which is learned from it.
    Learn(PublicKey),
    /// Already held, the same event.
    Held,
    Refuse(Quarantine),
}

/// Why an event was quarantined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quarantine {
    /// The id is held with other content.
    Conflicts,
    /// The signature does not match the writer's key.
    BadSignature,
    /// It carries a key other than the one known for its writer.
    OtherKey,
    /// Unsigned, from a writer that signs.
    Unsigned,
    /// Its link to the writer's previous event matches none held.
    BrokenChain,
    /// Found in another replica's file.
    NotItsFile,
}

impl Quarantine {
    pub const ALL: [Quarantine; 6] = [
        Quarantine::Conflicts,
        Quarantine::BadSignature,
        Quarantine::OtherKey,
        Quarantine::Unsigned,
        Quarantine::BrokenChain,
        Quarantine::NotItsFile,
    ];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Quarantine::Conflicts => "conflicts",
            Quarantine::BadSignature => "bad_signature",
            Quarantine::OtherKey => "other_key",
            Quarantine::Unsigned => "unsigned",
            Quarantine::BrokenChain => "broken_chain",
            Quarantine::NotItsFile => "not_its_file",
        }
    }

    pub fn from_code(code: &str) -> Option<Quarantine> {
        Quarantine::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Completes "N event(s) …".
    pub fn says(self, many: bool) -> &'static str {
        match (self, many) {
            (Quarantine::Conflicts, false) => "conflicts with the copy you have",
            (Quarantine::Conflicts, true) => "conflict with the copies you have",
            (Quarantine::BadSignature, false) => {
                "has a signature that does not match its writer's key"
            }
            (Quarantine::BadSignature, true) => {
                "have signatures that do not match their writer's key"
            }
            (Quarantine::OtherKey, false) => "claims a key other than the one known for its writer",
            (Quarantine::OtherKey, true) => "claim a key other than the one known for their writer",
            (Quarantine::Unsigned, false) => "is unsigned, from a writer that signs",
            (Quarantine::Unsigned, true) => "are unsigned, from a writer that signs",
            (Quarantine::BrokenChain, false) => {
                "does not follow on from its writer's previous event"
            }
            (Quarantine::BrokenChain, true) => {
                "do not follow on from their writer's previous events"
            }
            (Quarantine::NotItsFile, false) => "was found in another replica's file",
            (Quarantine::NotItsFile, true) => "were found in another replica's file",
        }
    }
}

/// `replica 01M8ABCD… (mallory): 1 event conflicts with the copy you
/// have`: events of one writer kept apart for one reason. `author` must be
/// sanitised already.
pub fn kept_apart(replica: ReplicaId, author: &str, events: u64, why: Quarantine) -> String {
    let id = replica.to_string();
    format!(
        "replica {}… ({author}): {} {}",
        &id[..8],
        super::text::plural(events, "event", "events"),
        why.says(events != 1)
    )
}

impl fmt::Display for Quarantine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.says(false))
    }
}

/// Whether `e` may enter the log, given what is known around it.
pub fn admit(e: &Event, facts: &Facts<'_>) -> Verdict {
    if let Some(held) = facts.held {
        return if held == event_digest(e) {
            Verdict::Held
        } else {
            Verdict::Refuse(Quarantine::Conflicts)
        };
    }
    if facts.owner.is_some_and(|owner| owner != e.replica) {
        return Verdict::Refuse(Quarantine::NotItsFile);
    }
    let linked = follows_on(e, facts.before);
    let verify = |e: &Event, key: &PublicKey| facts.vouched || verify(e, key);
    let verdict = match (facts.key, e.seal.sig.is_some(), e.seal.key) {
        (Some(known), false, _) if e.seq >= known.first_signed => {
            Verdict::Refuse(Quarantine::Unsigned)
        }
        (_, false, _) => Verdict::AdmitUnverified,
        (Some(known), true, Some(carried)) if carried != known.key => {
            Verdict::Refuse(Quarantine::OtherKey)
        }
        (Some(known), true, _) if !verify(e, &known.key) => {
            Verdict::Refuse(Quarantine::BadSignature)
        }
        (Some(_), true, _) => Verdict::Admit,
        (None, true, Some(carried)) if verify(e, &carried) => Verdict::Learn(carried),
        (None, true, Some(_)) => Verdict::Refuse(Quarantine::BadSignature),
        (None, true, None) => Verdict::AdmitUnverified,
    };
    match verdict {
        Verdict::Refuse(_) => verdict,
        _ if !linked => Verdict::Refuse(Quarantine::BrokenChain),
        _ => verdict,
    }
}

/// Whether `e` links to one of `before`, the digests of its writer's
/// events one sequence number earlier (when none is held, it cannot be
/// told, and passes).
pub fn follows_on(e: &Event, before: &[Digest]) -> bool {
    match e.seal.prev {
        Some(prev) => before.is_empty() || before.contains(&prev),
        // Only a writer's first event, or one written before it signed,
        // links to nothing.
        None => e.seal.sig.is_none() || e.seq <= 1 || before.is_empty(),
    }
}

/// Which of a batch of events a checked signature covers. Each signed
/// event covers, through its digest, the previous event it links to, and
/// so back along its writer's chain; checking the signature of the last
/// event of each run of linked events vouches for the whole run, so a
/// batch costs one signature check per writer rather than one per event
/// (checking one takes as long as hashing a few thousand events). `key`
/// gives the writer's known key; a writer without one is checked against
/// the key the first event of the run carries. An event no checked
/// signature covers is left to be checked on its own.
pub fn vouched(
    events: &[&Event],
    digests: &[Digest],
    mut key: impl FnMut(super::ids::ReplicaId) -> Option<PublicKey>,
) -> Vec<bool> {
    use std::collections::HashMap;
    let at: HashMap<(super::ids::ReplicaId, u64, Digest), usize> = events
        .iter()
        .zip(digests)
        .enumerate()
        .map(|(i, (e, d))| ((e.replica, e.seq, *d), i))
        .collect();
    let before: Vec<Option<usize>> = events
        .iter()
        .map(|e| {
            let prev = e.seal.prev?;
            at.get(&(e.replica, e.seq.checked_sub(1)?, prev)).copied()
        })
        .collect();
    let mut followed = vec![false; events.len()];
    for j in before.iter().flatten() {
        followed[*j] = true;
    }
    let mut out = vec![false; events.len()];
    for tail in 0..events.len() {
        if followed[tail] || events[tail].seal.sig.is_none() {
            continue;
        }
        let mut run = vec![tail];
        let mut i = tail;
        while let Some(j) = before[i].filter(|&j| events[j].seal.sig.is_some() && !out[j]) {
            run.push(j);
            i = j;
        }
        let root = events[i];
        let Some(k) = key(root.replica).or(root.seal.key) else {
            continue;
        };
        if verify(events[tail], &k) {
            run.into_iter().for_each(|i| out[i] = true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, EventKind, NoteKind};
    use crate::domain::fixtures;
    use crate::domain::ids::ReplicaId;
    use crate::domain::seal::Keys;

    fn note(n: u128, text: &str) -> Event {
        fixtures::event(
            n,
            EventKind::Note {
                note: NoteKind::Note,
                text: text.into(),
            },
        )
    }

    fn known(keys: &Keys) -> Option<KnownKey> {
        Some(KnownKey {
            key: keys.public(),
            first_signed: 1,
            pinned: false,
        })
    }

    #[test]
    fn a_signed_first_event_teaches_its_key_and_later_ones_must_match_it() {
        let ana = Keys::from_secret(&[1; 32]);
        let mut first = note(1, "checking dashboards");
        first.seal.key = Some(ana.public());
        ana.seal(&mut first, None);
        assert_eq!(
            admit(&first, &Facts::default()),
            Verdict::Learn(ana.public())
        );

        let mut second = note(2, "rolled back");
        ana.seal(&mut second, Some(event_digest(&first)));
        let before = [event_digest(&first)];
        let facts = Facts {
            key: known(&ana),
            before: &before,
            ..Facts::default()
        };
        assert_eq!(admit(&second, &facts), Verdict::Admit);

        let mallory = Keys::from_secret(&[2; 32]);
        let mut forged = second.clone();
        mallory.seal(&mut forged, Some(event_digest(&first)));
        assert_eq!(
            admit(&forged, &facts),
            Verdict::Refuse(Quarantine::BadSignature)
        );
        forged.seal.key = Some(mallory.public());
        assert_eq!(
            admit(&forged, &facts),
            Verdict::Refuse(Quarantine::OtherKey)
        );
        let mut unsigned = second.clone();
        unsigned.seal = Default::default();
        assert_eq!(
            admit(&unsigned, &facts),
            Verdict::Refuse(Quarantine::Unsigned)
        );
    }

    #[test]
    fn one_checked_signature_vouches_for_the_run_it_closes_and_not_for_an_edited_event() {
        let ana = Keys::from_secret(&[1; 32]);
        let mut log: Vec<Event> = Vec::new();
        for n in 1..=4 {
            let mut e = note(n, &format!("step {n}"));
            e.seal.key = (n == 1).then(|| ana.public());
            ana.seal(&mut e, log.last().map(event_digest));
            log.push(e);
        }
        let vouch = |log: &[Event], key: Option<PublicKey>| {
            let events: Vec<&Event> = log.iter().collect();
            let digests: Vec<Digest> = log.iter().map(event_digest).collect();
            vouched(&events, &digests, |_| key)
        };
        // A newcomer checks against the key the first event carries.
        assert_eq!(vouch(&log, None), vec![true; 4]);

        // Mallory edits the second event's words and keeps its signature:
        // the run up to it no longer checks, and the run after it starts
        // without a key unless one is known.
        log[1].body = note(2, "step 2, forged").body;
        assert_eq!(vouch(&log, None), vec![false; 4]);
        assert_eq!(
            vouch(&log, Some(ana.public())),
            vec![false, false, true, true]
        );
        let facts = Facts::default();
        assert_eq!(
            admit(
                &log[1],
                &Facts {
                    key: known(&ana),
                    ..facts
                }
            ),
            Verdict::Refuse(Quarantine::BadSignature)
        );
    }

    #[test]
    fn an_event_whose_link_matches_nothing_held_breaks_the_chain() {
        let ana = Keys::from_secret(&[1; 32]);
        let mut e = note(2, "rolled back");
        ana.seal(&mut e, Some(Digest([9; 32])));
        let before = [Digest([8; 32])];
        let facts = Facts {
            key: known(&ana),
            before: &before,
            ..Facts::default()
        };
        assert_eq!(admit(&e, &facts), Verdict::Refuse(Quarantine::BrokenChain));
        let none_held = Facts {
            key: known(&ana),
            ..Facts::default()
        };
        assert_eq!(admit(&e, &none_held), Verdict::Admit, "cannot tell yet");
    }

    #[test]
    fn the_same_id_with_other_words_conflicts_and_the_same_event_is_held() {
        let e = note(1, "keep v2.30");
        let held = Facts {
            held: Some(event_digest(&e)),
            ..Facts::default()
        };
        assert_eq!(admit(&e, &held), Verdict::Held);
        let mut forged = e.clone();
        forged.body = Body::Known(EventKind::Note {
            note: NoteKind::Note,
            text: "keep v2.31".into(),
        });
        assert_eq!(
            admit(&forged, &held),
            Verdict::Refuse(Quarantine::Conflicts)
        );
    }

    #[test]
    fn events_from_before_signing_and_from_unknown_writers_are_kept_unverified() {
        let e = note(1, "old build");
        assert_eq!(admit(&e, &Facts::default()), Verdict::AdmitUnverified);
        let facts = Facts {
            owner: Some(ReplicaId::from_parts(9, 9)),
            ..Facts::default()
        };
        assert_eq!(admit(&e, &facts), Verdict::Refuse(Quarantine::NotItsFile));
    }
}
