//! What makes an event evidence: its digest, the signature of the replica
//! that wrote it, and the link to that replica's previous event.
//!
//! The digest covers the envelope and the *hash* of the body, not the body
//! itself, so a body scrubbed after a redaction (its words replaced, the
//! original hash kept in `scrubbed`) still verifies, and every replica can
//! check that nothing but the words went.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::event::{Body, Event};

/// A SHA-256 hash, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

/// An ed25519 signature, written as 128 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

/// An ed25519 public key, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub [u8; 32]);

/// The fields of an event that vouch for it. All are optional on the wire:
/// events written before signing existed carry none.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Seal {
    /// The digest of the previous event of the same replica (by `seq`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Digest>,
    /// The writer's signature over [`event_digest`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sig: Option<Signature>,
    /// For a body whose words were scrubbed: the hash of the body as it
    /// was signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrubbed: Option<Digest>,
    /// The writer's public key, on the first event it signs: how other
    /// replicas learn it (trust on first use) unless it is pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<PublicKey>,
}

/// The hash of a body as the wire writes it. serde_json writes a known
/// kind's fields in declaration order and an unknown kind's in key order
/// (its maps are sorted), so every replica computes the same bytes.
pub fn body_hash(body: &Body) -> Digest {
    let json = serde_json::to_vec(body).expect("a body always serialises");
    Digest(Sha256::digest(json).into())
}

/// The hash the signature covers: a tag for this scheme, the envelope, the
/// link to the previous event and the body's hash (the original one, for a
/// scrubbed body).
pub fn event_digest(e: &Event) -> Digest {
    #[derive(Serialize)]
    struct Envelope<'a> {
        v: u32,
        id: String,
        incident: String,
        replica: String,
        seq: u64,
        hlc: (i64, u32),
        at_ms: i64,
        author: &'a str,
        prev: Option<Digest>,
    }
    let envelope = Envelope {
        v: e.v,
        id: e.id.to_string(),
        incident: e.incident.to_string(),
        replica: e.replica.to_string(),
        seq: e.seq,
        hlc: (e.hlc.ms, e.hlc.c),
        at_ms: e.at.timestamp_millis(),
        author: &e.author,
        prev: e.seal.prev,
    };
    let body = e.seal.scrubbed.unwrap_or_else(|| body_hash(&e.body));
    let mut h = Sha256::new();
    h.update(b"fireground event 1\n");
    h.update(serde_json::to_vec(&envelope).expect("an envelope always serialises"));
    h.update(b"\n");
    h.update(body.0);
    Digest(h.finalize().into())
}

/// A replica's key pair. Made from 32 random bytes the store keeps.
pub struct Keys(SigningKey);

impl Keys {
    pub fn from_secret(secret: &[u8; 32]) -> Keys {
        Keys(SigningKey::from_bytes(secret))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Links `e` to its replica's previous event and signs it.
    pub fn seal(&self, e: &mut Event, prev: Option<Digest>) {
        e.seal.prev = prev;
        e.seal.sig = None;
        let digest = event_digest(e);
        e.seal.sig = Some(Signature(self.0.sign(&digest.0).to_bytes()));
    }
}

/// Whether `e` carries a signature by `key` over its digest.
pub fn verify(e: &Event, key: &PublicKey) -> bool {
    let (Some(sig), Ok(key)) = (e.seal.sig, VerifyingKey::from_bytes(&key.0)) else {
        return false;
    };
    let sig = ed25519_dalek::Signature::from_bytes(&sig.0);
    key.verify(&event_digest(e).0, &sig).is_ok()
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

fn read_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; N];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

macro_rules! hex_type {
    ($t:ident, $n:literal, $what:literal) => {
        impl $t {
            pub fn parse(s: &str) -> Option<$t> {
                read_hex::<$n>(s).map($t)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(f, &self.0)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($t))
            }
        }
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                $t::parse(&s).ok_or_else(|| serde::de::Error::custom(concat!("not ", $what)))
            }
        }
    };
}

hex_type!(Digest, 32, "a SHA-256 hash in hex");
hex_type!(Signature, 64, "an ed25519 signature in hex");
hex_type!(PublicKey, 32, "an ed25519 public key in hex");

impl PublicKey {
    /// A short form for messages: the first 8 hex digits.
    pub fn short(&self) -> String {
        self.to_string()[..8].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, NoteKind};
    use crate::domain::fixtures;

    fn note(text: &str) -> Event {
        let mut e = fixtures::event(
            1,
            EventKind::Note {
                note: NoteKind::Note,
                text: text.into(),
            },
        );
        e.seal = Seal::default();
        e
    }

    #[test]
    fn a_signed_event_verifies_and_any_change_to_it_does_not() {
        let keys = Keys::from_secret(&[7; 32]);
        let mut e = note("roll back to v2.30");
        keys.seal(&mut e, Some(Digest([1; 32])));
        assert!(verify(&e, &keys.public()));

        let line = e.to_json();
        let back = Event::from_json(&line).unwrap();
        assert!(verify(&back, &keys.public()), "survives the wire: {line}");

        let forged = Event::from_json(&line.replace("v2.30", "v2.31")).unwrap();
        assert!(!verify(&forged, &keys.public()));
        let mut relinked = e.clone();
        relinked.seal.prev = Some(Digest([2; 32]));
        assert!(!verify(&relinked, &keys.public()));
        assert!(!verify(&e, &Keys::from_secret(&[8; 32]).public()));
    }

    #[test]
    fn a_scrubbed_body_still_verifies_with_the_hash_it_keeps() {
        let keys = Keys::from_secret(&[7; 32]);
        let mut e = note("password=hunter2");
        keys.seal(&mut e, None);
        let mut scrubbed = e.clone();
        scrubbed.seal.scrubbed = Some(body_hash(&e.body));
        scrubbed.body = note("[redacted]").body;
        assert!(verify(&scrubbed, &keys.public()));
        assert_eq!(event_digest(&scrubbed), event_digest(&e));
    }

    #[test]
    fn hex_fields_refuse_anything_but_their_length_of_hex() {
        assert!(Digest::parse(&"ab".repeat(32)).is_some());
        assert!(Digest::parse(&"ab".repeat(31)).is_none());
        assert!(Digest::parse(&"zz".repeat(32)).is_none());
        assert!(Signature::parse(&"0f".repeat(64)).is_some());
    }
}
