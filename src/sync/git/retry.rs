//! When a push refused because someone else pushed first is tried again,
//! after how long, and when it is given up.
//!
//! Every refusal of that kind means another replica's push went in, so the
//! team as a whole is getting on: a push is retried for as long as the
//! remote branch keeps moving between attempts (up to [`MOST`] attempts),
//! and given up after [`STUCK`] refusals in a row with the branch where it
//! was (a lock on the remote that nobody releases). The pauses are random
//! and double with each refusal, in units of how long an attempt takes
//! here: with many replicas pushing at once they spread out until about one
//! pushes at a time, instead of all of them fetching and pushing in vain.
//! A branch that did not move is not busy, only locked for a moment: its
//! pauses stay short.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

/// Refusals in a row, with the remote branch unmoved, before giving up.
pub(super) const STUCK: u32 = 8;

/// Attempts in all, however busy the remote.
pub(super) const MOST: u32 = 200;

/// The shortest unit of pause, and the longest pause while the branch is
/// busy and while it is locked.
const SLOT: Duration = Duration::from_millis(50);
const LONGEST_BUSY: Duration = Duration::from_secs(8);
const LONGEST_LOCKED: Duration = Duration::from_secs(1);

pub(super) struct Retry {
    /// Attempts so far, this one included.
    pub(super) attempts: u32,
    stuck: u32,
    /// The remote branch the last refused push was made onto.
    onto: Option<Option<String>>,
    /// Whether the branch moved since the last refused push (or there was
    /// none yet: a push refused the first time lost a race).
    moved: bool,
    began: Instant,
    took: Duration,
}

impl Retry {
    pub(super) fn new() -> Retry {
        Retry {
            attempts: 0,
            stuck: 0,
            onto: None,
            moved: true,
            began: Instant::now(),
            took: Duration::ZERO,
        }
    }

    /// An attempt starts.
    pub(super) fn attempt(&mut self) {
        self.attempts += 1;
        self.began = Instant::now();
    }

    /// The attempt fetched the remote branch at `upstream`.
    pub(super) fn fetched(&mut self, upstream: &Option<String>) {
        self.moved = self.onto.as_ref().is_none_or(|onto| onto != upstream);
        if self.moved {
            self.stuck = 0;
        }
    }

    /// The attempt's push onto `upstream` was refused because someone
    /// pushed first: pauses and says true to try again, or says false to
    /// give up.
    pub(super) fn refused(&mut self, upstream: Option<String>) -> bool {
        if self.gives_up(upstream) {
            return false;
        }
        std::thread::sleep(self.pause());
        true
    }

    fn gives_up(&mut self, upstream: Option<String>) -> bool {
        self.took = self.began.elapsed();
        self.onto = Some(upstream);
        self.stuck += 1;
        self.stuck >= STUCK || self.attempts >= MOST
    }

    /// Anywhere up to 2, 4, 8… times as long as an attempt takes.
    fn pause(&self) -> Duration {
        let slot = self.took.max(SLOT);
        let longest = if self.moved {
            LONGEST_BUSY
        } else {
            LONGEST_LOCKED
        };
        let most = slot.saturating_mul(1 << self.attempts.min(16)).min(longest);
        let jitter = RandomState::new().hash_one(self.attempts) % 1_000;
        most.mul_f64(jitter as f64 / 1_000.0).max(SLOT / 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attempts made before giving up, the remote branch at `upstreams(n)`
    /// when attempt `n` fetched it.
    fn refusals_until_given_up(upstreams: impl Fn(u32) -> &'static str) -> u32 {
        let mut retry = Retry::new();
        loop {
            retry.attempt();
            let upstream = Some(upstreams(retry.attempts).to_string());
            retry.fetched(&upstream);
            if retry.gives_up(upstream) {
                return retry.attempts;
            }
        }
    }

    #[test]
    fn a_remote_that_keeps_moving_is_tried_longer_than_one_that_is_stuck() {
        assert_eq!(refusals_until_given_up(|_| "same"), STUCK);
        // The first refusal lost a race; after that a branch that does not
        // move is only locked.
        let mut retry = Retry::new();
        retry.attempt();
        retry.fetched(&None);
        assert!(retry.moved);
        retry.gives_up(None);
        retry.attempt();
        retry.fetched(&None);
        assert!(!retry.moved);
        let moving = ["a", "b"];
        assert_eq!(refusals_until_given_up(|n| moving[n as usize % 2]), MOST);
    }

    #[test]
    fn pauses_grow_and_stay_bounded() {
        let mut retry = Retry::new();
        retry.took = Duration::from_millis(100);
        for n in 1..=MOST {
            retry.attempts = n;
            let p = retry.pause();
            assert!(p >= SLOT / 5 && p <= LONGEST_BUSY, "{p:?}");
            assert!(p <= Duration::from_millis(100) * (1 << n.min(16)));
        }
    }
}
