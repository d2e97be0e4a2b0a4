//! How many times, and how long, `spotkey api` waits before asking again: a 429's Retry-After
//! when it is short, a brief backoff after a 5xx. Pure: the caller sleeps.
use std::time::Duration;

use crate::auth::backoff::MAX_WAIT;
use crate::time_fmt::rfc3339;

/// The longest Retry-After spotkey waits out by itself; a longer one is the script's to plan.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// 429s waited out per request.
const MAX_RATE_LIMITED: u32 = 3;
/// Waits after a 5xx: 0.5 s, 1 s, 2 s, then the error is the answer.
const SERVER_ERROR_WAITS: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// The retries one request has had.
#[derive(Debug, Default)]
pub struct Retry {
    rate_limited: u32,
    server_errors: usize,
}

impl Retry {
    /// How long to wait after a 429 with this (parsed, capped) Retry-After.
    ///
    /// # Errors
    /// The line to show when spotkey will not wait: no usable Retry-After, one over a minute,
    /// or too many 429s already.
    pub fn rate_limited(&mut self, retry_after: Option<Duration>) -> Result<Duration, String> {
        self.rate_limited = self.rate_limited.saturating_add(1);
        let Some(wait) = retry_after else {
            return Err("Spotify is rate limiting requests (HTTP 429) without saying for how long; try again in a minute".into());
        };
        if wait > MAX_RATE_LIMIT_WAIT || self.rate_limited > MAX_RATE_LIMITED {
            return Err(try_again_line(wait, crate::auth::session::now_unix()));
        }
        Ok(wait)
    }

    /// How long to wait after this 5xx, or the line to show when the retries are spent.
    pub fn server_error(&mut self, status: u16) -> Result<Duration, String> {
        let wait = SERVER_ERROR_WAITS.get(self.server_errors).copied();
        self.server_errors = self.server_errors.saturating_add(1);
        wait.ok_or_else(|| {
            format!(
                "Spotify answered with a server error (HTTP {status}) {} times in a row; try again later",
                self.server_errors
            )
        })
    }
}

/// What stderr says before a wait.
pub fn waiting_line(wait: Duration) -> String {
    format!(
        "Spotify asks to wait {} s (rate limit); retrying",
        seconds(wait)
    )
}

/// When to try again, for a Retry-After spotkey does not wait out itself. The core caps
/// Retry-After at an hour, so an hour means "at least an hour".
pub fn try_again_line(wait: Duration, now: u64) -> String {
    let secs = wait.as_secs();
    let at = rfc3339(now.saturating_add(secs));
    if secs >= MAX_WAIT {
        format!("Spotify is rate limiting requests (HTTP 429) for an hour or more; try again after {at}")
    } else {
        format!("Spotify is rate limiting requests (HTTP 429); try again in {secs} s (after {at})")
    }
}

/// Whole seconds, rounded up, so "0 s" is never shown for a real wait.
fn seconds(wait: Duration) -> u64 {
    wait.as_secs()
        .saturating_add(u64::from(wait.subsec_nanos() > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn a_short_retry_after_is_waited_out_a_few_times() {
        let mut retry = Retry::default();
        for _ in 0..MAX_RATE_LIMITED {
            assert_eq!(retry.rate_limited(Some(S(3))), Ok(S(3)));
        }
        let e = retry.rate_limited(Some(S(3))).unwrap_err();
        assert!(e.contains("try again in 3 s"), "{e}");
        assert_eq!(
            waiting_line(S(3)),
            "Spotify asks to wait 3 s (rate limit); retrying"
        );
    }

    #[test]
    fn long_absent_or_absurd_retry_after_is_not_waited_for() {
        assert!(Retry::default()
            .rate_limited(None)
            .unwrap_err()
            .contains("try again in a minute"));
        let e = Retry::default().rate_limited(Some(S(61))).unwrap_err();
        assert!(e.contains("try again in 61 s"), "{e}");
        let e = Retry::default()
            .rate_limited(Some(S(MAX_WAIT)))
            .unwrap_err();
        assert!(e.contains("an hour or more"), "{e}");
        assert!(try_again_line(S(u64::MAX), u64::MAX).contains("9999"));
        assert_eq!(Retry::default().rate_limited(Some(S(60))), Ok(S(60)));
    }

    #[test]
    fn server_errors_back_off_briefly_then_give_up() {
        let mut retry = Retry::default();
        let waits: Vec<_> = (0..3).map(|_| retry.server_error(503).unwrap()).collect();
        assert_eq!(waits, SERVER_ERROR_WAITS);
        let e = retry.server_error(502).unwrap_err();
        assert!(e.contains("HTTP 502") && e.contains("4 times"), "{e}");
    }
}
