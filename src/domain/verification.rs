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

/// A run of one writer's signed events, each linking to the one before,
/// whose last signature is still to be checked: it covers them all.
struct Segment {
    replica: ReplicaId,
    from: u64,
    last: Event,
    digest: Digest,
    key: KnownKey,
    /// How many of its events are counted (of the incident asked about).
    counted: u64,
}

/// A run whose last signature did not check: its events are checked one
/// by one (see [`Verifier::recheck`]) to name those that fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suspect {
    pub replica: ReplicaId,
    pub from: u64,
    pub to: u64,
}

/// Checks writers' events, in (replica, seq) order. Checking a signature
/// costs as much as hashing thousands of events, so one is checked per run
/// of linked events: the last, whose digest covers the rest through
/// their links.
pub struct Verifier {
    only: Option<IncidentId>,
    writers: BTreeMap<ReplicaId, Writer>,
    /// The current writer's digests at the last sequence number seen.
    last: Option<(ReplicaId, u64, Vec<Digest>)>,
    previous: Vec<Digest>,
    segment: Option<Segment>,
    suspects: Vec<Suspect>,
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
            segment: None,
            suspects: Vec::new(),
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
        let counted = self.only.is_none_or(|i| i == e.incident);
        let signed = match key {
            Some(k) if flaw.is_none() && e.seal.sig.is_some() => Some(k),
            _ => None,
        };
        if counted {
            let w = self.writer(e, key);
            w.events += 1;
            match flaw {
                Some(f) => w.flawed.push((e.id, f)),
                // Counted once the run's signature checks.
                None if signed.is_some() => {}
                None => w.unverified += 1,
            }
        }
        let Some(key) = signed else {
            self.close();
            return;
        };
        match &mut self.segment {
            Some(s)
                if s.replica == e.replica
                    && s.last.seq + 1 == e.seq
                    && e.seal.prev == Some(s.digest) =>
            {
                s.last = e.clone();
                s.digest = digest;
                s.counted += u64::from(counted);
            }
            _ => {
                self.close();
                self.segment = Some(Segment {
                    replica: e.replica,
                    from: e.seq,
                    last: e.clone(),
                    digest,
                    key,
                    counted: u64::from(counted),
                });
            }
        }
    }

    fn writer(&mut self, e: &Event, key: Option<KnownKey>) -> &mut Writer {
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
        w
    }

    /// Checks the signature that closes the current run.
    fn close(&mut self) {
        let Some(s) = self.segment.take() else {
            return;
        };
        if verify(&s.last, &s.key.key) {
            if let Some(w) = self.writers.get_mut(&s.replica) {
                w.signed += s.counted;
            }
        } else {
            self.suspects.push(Suspect {
                replica: s.replica,
                from: s.from,
                to: s.last.seq,
            });
        }
    }

    /// What is cheap to tell without checking a signature.
    fn flaw(&self, e: &Event, key: Option<KnownKey>) -> Option<Flaw> {
        let known = key?;
        if e.seal.sig.is_none() {
            return (e.seq >= known.first_signed).then_some(Flaw::Unsigned);
        }
        (!follows_on(e, &self.previous)).then_some(Flaw::BrokenChain)
    }

    /// The writers, and the runs whose closing signature failed.
    pub fn finish(mut self) -> (Vec<Writer>, Vec<Suspect>) {
        self.close();
        (self.writers.into_values().collect(), self.suspects)
    }

    /// Checks, on its own, an event of a suspect run.
    pub fn recheck(writers: &mut [Writer], only: Option<IncidentId>, e: &Event, key: &KnownKey) {
        if only.is_some_and(|i| i != e.incident) {
            return;
        }
        let Some(w) = writers.iter_mut().find(|w| w.replica == e.replica) else {
            return;
        };
        if verify(e, &key.key) {
            w.signed += 1;
        } else {
            w.flawed.push((e.id, Flaw::BadSignature));
        }
    }
}

/// One sentence for a review: whether the log verified, and how much of
/// it is vouched for; `kept_apart` counts events refused at import.
pub fn statement(writers: &[Writer], kept_apart: u64) -> String {
    let events: u64 = writers.iter().map(|w| w.events).sum();
    let signed: u64 = writers.iter().map(|w| w.signed).sum();
    let flawed: usize = writers.iter().map(|w| w.flawed.len()).sum();
    let plural = |n: u64, what: &str| super::text::plural(n, what, &format!("{what}s"));
    let mut said = if flawed > 0 {
        format!(
            "does NOT verify: {} changed since it was recorded; `fireground verify` names them",
            plural(flawed as u64, "event")
        )
    } else if signed == events {
        format!(
            "verified: {} from {}, each signed by its writer and chained to the one before",
            plural(events, "event"),
            plural(writers.len() as u64, "writer")
        )
    } else {
        format!(
            "verified: {signed} of {} signed and chained; {} unsigned (written before signing, or by a writer whose key is not known)",
            plural(events, "event"),
            events - signed
        )
    };
    if kept_apart > 0 {
        said += &format!(
            "; {} from other replicas kept out of it at import",
            plural(kept_apart, "event")
        );
    }
    said
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
        let (mut writers, suspects) = v.finish();
        for s in suspects {
            for e in events
                .iter()
                .filter(|e| e.replica == s.replica && (s.from..=s.to).contains(&e.seq))
            {
                Verifier::recheck(&mut writers, None, e, key.as_ref().unwrap());
            }
        }
        writers
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
        let mut writers = check(&log, &ana);
        writers[0].flawed.sort();
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
