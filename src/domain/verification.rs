//! Checking a whole log after the fact: every writer's chain and signatures,
//! for `fireground verify` and for the review's statement that the log
//! verified. Fed one writer's events at a time in sequence order.

use std::collections::BTreeMap;

use super::admission::{KnownKey, follows_on};
use super::event::Event;
use super::ids::{EventId, IncidentId, ReplicaId};
use super::seal::{Digest, event_digest, verify};

/// What is wrong with one stored event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flaw {
    BadSignature,
    Unsigned,
    BrokenChain,
}

impl Flaw {
    pub fn says(self) -> &'static str {
        match self {
            Flaw::BadSignature => "its signature does not match its writer's key",
            Flaw::Unsigned => "it is unsigned, from a writer that signs",
            Flaw::BrokenChain => "it does not follow on from its writer's previous event",
        }
    }
}

/// One writer's part of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    pub replica: ReplicaId,
    /// The names it recorded under, in order of first appearance.
    pub authors: Vec<String>,
    pub key: Option<KnownKey>,
    /// Events counted (of the incident asked about, if one was).
    pub events: u64,
    /// Of those, signed and checked against the key.
    pub signed: u64,
    /// Of those, written before the writer signed, or by a writer whose key
    /// is not known: kept, not vouched for.
    pub unverified: u64,
    pub flawed: Vec<(EventId, Flaw)>,
}

/// Checks writers' events, in (replica, seq) order.
pub struct Verifier {
    only: Option<IncidentId>,
    writers: BTreeMap<ReplicaId, Writer>,
    /// The current writer's digests at the last sequence number seen.
    last: Option<(ReplicaId, u64, Vec<Digest>)>,
    previous: Vec<Digest>,
}

impl Verifier {
    /// Counts only `only`'s events when given, though every event is
    /// read: a chain runs through all of its writer's incidents.
    pub fn new(only: Option<IncidentId>) -> Verifier {
        Verifier {
            only,
            writers: BTreeMap::new(),
            last: None,
            previous: Vec::new(),
        }
    }

    /// The next event, with its writer's known key.
    pub fn feed(&mut self, e: &Event, key: Option<KnownKey>) {
        let digest = event_digest(e);
        // Move the window: `previous` holds the digests one seq before.
        match &mut self.last {
            Some((r, seq, digests)) if *r == e.replica && *seq == e.seq => digests.push(digest),
            Some((r, seq, digests)) if *r == e.replica && *seq + 1 == e.seq => {
                self.previous = std::mem::replace(digests, vec![digest]);
                *seq = e.seq;
            }
            _ => {
                self.previous.clear();
                self.last = Some((e.replica, e.seq, vec![digest]));
            }
        }
        let flaw = self.flaw(e, key);
        if self.only.is_some_and(|i| i != e.incident) {
            return;
        }
        let w = self.writers.entry(e.replica).or_insert_with(|| Writer {
            replica: e.replica,
            authors: Vec::new(),
            key,
            events: 0,
            signed: 0,
            unverified: 0,
            flawed: Vec::new(),
        });
        if !w.authors.contains(&e.author) {
            w.authors.push(e.author.clone());
        }
        w.events += 1;
        match flaw {
            Some(f) => w.flawed.push((e.id, f)),
            None if key.is_some() && e.seal.sig.is_some() => w.signed += 1,
            None => w.unverified += 1,
        }
    }

    fn flaw(&self, e: &Event, key: Option<KnownKey>) -> Option<Flaw> {
        let linked = follows_on(e, &self.previous);
        let known = key?;
        if e.seal.sig.is_none() {
            return (e.seq >= known.first_signed).then_some(Flaw::Unsigned);
        }
        if !verify(e, &known.key) {
            return Some(Flaw::BadSignature);
        }
        (!linked).then_some(Flaw::BrokenChain)
    }

    pub fn finish(self) -> Vec<Writer> {
        self.writers.into_values().collect()
    }
}

/// Whether nothing stored is flawed.
pub fn sound(writers: &[Writer]) -> bool {
    writers.iter().all(|w| w.flawed.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, EventKind, NoteKind};
    use crate::domain::fixtures;
    use crate::domain::seal::Keys;

    fn chain(keys: &Keys, texts: &[&str]) -> Vec<Event> {
        let mut prev = None;
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut e = fixtures::event(
                    i as u128 + 1,
                    EventKind::Note {
                        note: NoteKind::Note,
                        text: t.to_string(),
                    },
                );
                keys.seal(&mut e, prev);
                prev = Some(event_digest(&e));
                e
            })
            .collect()
    }

    fn check(events: &[Event], keys: &Keys) -> Vec<Writer> {
        let key = Some(KnownKey {
            key: keys.public(),
            first_signed: 1,
            pinned: false,
        });
        let mut v = Verifier::new(None);
        events.iter().for_each(|e| v.feed(e, key));
        v.finish()
    }

    #[test]
    fn an_honest_chain_verifies_and_an_edited_event_is_named() {
        let ana = Keys::from_secret(&[3; 32]);
        let mut log = chain(&ana, &["paged", "rolled back", "recovered"]);
        let writers = check(&log, &ana);
        assert!(sound(&writers));
        assert_eq!(writers[0].signed, 3);

        log[1].body = Body::Known(EventKind::Note {
            note: NoteKind::Note,
            text: "did not roll back".into(),
        });
        let writers = check(&log, &ana);
        // The next event vouched for the original words, so it no longer
        // follows on either.
        assert_eq!(
            writers[0].flawed,
            vec![
                (log[1].id, Flaw::BadSignature),
                (log[2].id, Flaw::BrokenChain)
            ]
        );
    }

    #[test]
    fn an_event_dropped_from_the_middle_breaks_the_chain_after_it() {
        let ana = Keys::from_secret(&[3; 32]);
        let mut log = chain(&ana, &["paged", "rolled back", "recovered"]);
        // A replacement for the second event, signed by its writer but not
        // the one the third follows on from.
        let first = event_digest(&log[0]);
        log[1] = chain(&ana, &["paged", "other"])[1].clone();
        ana.seal(&mut log[1], Some(first));
        let writers = check(&log, &ana);
        assert_eq!(writers[0].flawed, vec![(log[2].id, Flaw::BrokenChain)]);
    }
}
