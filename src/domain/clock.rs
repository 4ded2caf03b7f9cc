//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that an
//! event recorded after seeing another always sorts after it, even when the
//! other replica's clock runs ahead.

use serde::{Deserialize, Serialize};

/// How far ahead of this replica's clock another replica's times may run
/// and still be taken as skew (the tolerance Kerberos uses). An event dated
/// further ahead is held back until this clock reaches it: a clock that far
/// off is broken, and its events would otherwise decide every value for
/// as long as they sort last.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// A hybrid logical timestamp. Ordered by wall time, then counter.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Hlc {
    /// Wall-clock milliseconds since the Unix epoch (or a later one seen).
    pub ms: i64,
    /// Tie-breaker within one millisecond.
    pub c: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc { ms: 0, c: 0 };

    /// The timestamp for a new local event, given the last one this replica
    /// issued or observed and the wall clock now. Never goes backwards.
    pub fn tick(last: Hlc, now_ms: i64) -> Hlc {
        if now_ms > last.ms {
            Hlc { ms: now_ms, c: 0 }
        } else {
            Hlc {
                ms: last.ms,
                c: last.c.saturating_add(1),
            }
        }
    }

    /// The clock after observing a remote timestamp: the later of the two,
    /// so the next local tick sorts after everything imported.
    pub fn observe(last: Hlc, remote: Hlc) -> Hlc {
        last.max(remote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_follows_the_wall_clock_when_it_moves_forward() {
        let t = Hlc::tick(Hlc { ms: 100, c: 7 }, 200);
        assert_eq!(t, Hlc { ms: 200, c: 0 });
    }

    #[test]
    fn tick_never_goes_backwards_when_the_wall_clock_does() {
        let last = Hlc { ms: 500, c: 2 };
        let t = Hlc::tick(last, 100);
        assert!(t > last);
        assert_eq!(t, Hlc { ms: 500, c: 3 });
    }

    #[test]
    fn after_observing_a_clock_an_hour_ahead_the_next_tick_sorts_after_it() {
        let local = Hlc { ms: 1_000, c: 0 };
        let remote = Hlc {
            ms: 1_000 + 3_600_000,
            c: 4,
        };
        let seen = Hlc::observe(local, remote);
        let next = Hlc::tick(seen, 1_001);
        assert!(next > remote);
    }
}
