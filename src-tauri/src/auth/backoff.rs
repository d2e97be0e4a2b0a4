//! When to try a failed refresh again: Spotify's Retry-After when given, else exponential
//! (30 s, 60 s, … capped at 15 min). Pure; time is a parameter; no wait can exceed an hour,
//! whatever the server says or the clock does.
use std::time::Duration;

const BASE: u64 = 30;
const CAP: u64 = 15 * 60;
/// The longest any wait may last (the same bound `http::retry_after` puts on Retry-After).
pub const MAX_WAIT: u64 = 3600;

#[derive(Debug, Default, Clone)]
pub struct Backoff {
    failures: u32,
    not_before: u64,
}

impl Backoff {
    pub fn failed(&mut self, now: u64, retry_after: Option<Duration>) {
        self.failures = self.failures.saturating_add(1);
        let exponential = BASE
            .saturating_mul(1u64 << (self.failures - 1).min(10))
            .min(CAP);
        let wait = retry_after.map_or(exponential, |d| d.as_secs().clamp(1, MAX_WAIT));
        self.not_before = now.saturating_add(wait);
    }

    /// The last refresh failed temporarily (and none has succeeded since).
    pub fn is_failing(&self) -> bool {
        self.failures > 0
    }

    /// When the next automatic try is allowed (unix seconds).
    pub fn not_before(&self) -> u64 {
        self.not_before
    }

    /// Allows a try right now but remembers that we are failing (Retry button).
    pub fn clear_wait(&mut self) {
        self.not_before = 0;
    }

    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// How long we must still wait, or None when a try is allowed now. A clock that jumped
    /// backwards cannot stretch the wait past `MAX_WAIT`.
    pub fn remaining(&self, now: u64) -> Option<Duration> {
        (self.not_before > now).then(|| Duration::from_secs((self.not_before - now).min(MAX_WAIT)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_wins_over_exponential() {
        let mut b = Backoff::default();
        b.failed(100, Some(Duration::from_secs(7)));
        assert_eq!(b.remaining(100), Some(Duration::from_secs(7)));
        assert_eq!(b.remaining(107), None);
    }

    #[test]
    fn exponential_doubles_and_caps() {
        let mut b = Backoff::default();
        b.failed(0, None);
        assert_eq!(b.remaining(0), Some(Duration::from_secs(30)));
        b.failed(0, None);
        assert_eq!(b.remaining(0), Some(Duration::from_secs(60)));
        for _ in 0..20 {
            b.failed(0, None);
        }
        assert_eq!(b.remaining(0), Some(Duration::from_secs(CAP)));
        b.reset();
        assert_eq!(b.remaining(0), None);
    }

    #[test]
    fn absurd_waits_and_clock_jumps_stay_bounded() {
        let mut b = Backoff::default();
        b.failed(u64::MAX, Some(Duration::from_secs(u64::MAX)));
        assert_eq!(b.not_before(), u64::MAX);
        let mut b = Backoff::default();
        b.failed(1_000_000, Some(Duration::from_secs(u64::MAX)));
        assert_eq!(b.remaining(1_000_000), Some(Duration::from_secs(MAX_WAIT)));
        // The clock jumped back a year: still at most an hour.
        assert_eq!(b.remaining(0), Some(Duration::from_secs(MAX_WAIT)));
    }
}
