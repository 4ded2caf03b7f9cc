//! Identifiers: ULIDs for incidents, events and replicas, and the short,
//! typeable references people use for incidents.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ulid::Ulid;

/// How many characters of an id's random part make its short reference.
/// 32^6 is about a billion, so collisions between incidents are rare; when
/// one happens, resolution asks for more characters.
pub const SHORT_REF_LEN: usize = 6;

macro_rules! ulid_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Ulid);

        impl $name {
            /// A fresh id, time-ordered by its creation time.
            pub fn generate() -> Self {
                Self(Ulid::generate())
            }

            /// Builds an id from its parts; used by tests and demos that
            /// want reproducible ids.
            pub fn from_parts(timestamp_ms: u64, random: u128) -> Self {
                Self(Ulid::from_parts(timestamp_ms, random))
            }

            /// The random part (after the 10 timestamp characters),
            /// lower-case: ids made in the same second differ here.
            pub fn short(&self) -> String {
                self.0.to_string()[10..10 + SHORT_REF_LEN].to_ascii_lowercase()
            }

            /// Whether `input` (already trimmed) names this id: the whole id,
            /// or a prefix of at least four characters of its random part.
            pub fn matches_ref(&self, input: &str) -> bool {
                let full = self.0.to_string();
                if input.eq_ignore_ascii_case(&full) {
                    return true;
                }
                input.len() >= 4
                    && input.len() <= 16
                    && full[10..].to_ascii_lowercase().starts_with(&input.to_ascii_lowercase())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = ulid::DecodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ulid::from_string(s).map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

ulid_newtype!(
    /// One incident.
    IncidentId
);
ulid_newtype!(
    /// One event in the log, globally unique.
    EventId
);
ulid_newtype!(
    /// One database (one responder's log); created once per database.
    ReplicaId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ref_is_the_random_part_and_matches_case_insensitively() {
        let id = IncidentId::from_parts(1_700_000_000_000, 0x00AB_CDEF_0123_4567_89AB);
        let short = id.short();
        assert_eq!(short.len(), SHORT_REF_LEN);
        assert!(id.matches_ref(&short));
        assert!(id.matches_ref(&short.to_uppercase()));
        assert!(id.matches_ref(&id.to_string()));
        assert!(!id.matches_ref(&short[..3]), "too short to be unambiguous");
        assert!(!id.matches_ref("zzzzzz"));
    }

    #[test]
    fn ids_round_trip_through_json() {
        let id = EventId::generate();
        let json = serde_json::to_string(&id).unwrap();
        let back: EventId = serde_json::from_str(&json).unwrap();
        assert_eq!(id, back);
        assert!(serde_json::from_str::<EventId>("\"not-an-id\"").is_err());
    }
}
