//! The one place for time rules: when an access token is due for refresh, still usable or
//! issued too recently to refresh again, and when the grant itself ends. Every value may come
//! from a hostile file, server or clock, so all arithmetic saturates and absurd values can
//! never pin a token (an expiry too far ahead counts as due now). Time is a parameter (unix s).

/// The longest access-token lifetime believed: a day (Spotify issues one hour). A longer
/// `expires_in` is clamped to this; a stored expiry further ahead than that is not trusted.
pub const MAX_ACCESS_LIFETIME: u64 = 86_400;
/// The shortest lifetime: a server saying 0 or less gets one second (refreshed on next use).
pub const MIN_ACCESS_LIFETIME: u64 = 1;
/// Refresh at most this long before expiry (five minutes, for Spotify's one-hour tokens).
pub const MAX_REFRESH_MARGIN: u64 = 5 * 60;
/// Below this margin a request in flight could outlive the token; capped at half the lifetime.
pub const MIN_REFRESH_MARGIN: u64 = 10;
/// A token handed out is expected to survive a request's flight by this much.
const USABLE_SLACK: u64 = 10;
/// `spotkey token --fresh` reuses a token issued this recently: whoever saw a 401 first has
/// already replaced it, so five scripts that all saw the 401 cause one refresh.
pub const RECENTLY_ISSUED: u64 = 60;
/// Spotify refresh tokens end 6 months after the user's consent (mid-2026 change); refreshing
/// does not extend it. 182 days errs on the early side.
pub const GRANT_LIFETIME: u64 = 182 * 24 * 3600;
/// Warn in the last 14 days of the grant.
pub const GRANT_WARNING: u64 = 14 * 24 * 3600;
/// 9999-12-31T23:59:59Z: the last instant RFC 3339 can write; every stored time is clamped to it.
pub const LATEST_TIME: u64 = 253_402_300_799;

/// An access token's issue and expiry times and the grant's consent time (unix seconds).
/// `issued_at` is 0 for sessions stored before it was recorded (lifetime then counts as long).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub issued_at: u64,
    pub expires_at: u64,
    pub authorized_at: u64,
}

impl Expiry {
    /// A token issued `now` for `expires_in` seconds (clamped into the believable range).
    pub fn issued(now: u64, expires_in: u64, authorized_at: u64) -> Self {
        let lifetime = expires_in.clamp(MIN_ACCESS_LIFETIME, MAX_ACCESS_LIFETIME);
        Self {
            issued_at: now,
            expires_at: now.saturating_add(lifetime),
            authorized_at,
        }
        .clamped()
    }

    /// The same times, each within what can be stored and printed.
    pub fn clamped(self) -> Self {
        Self {
            issued_at: self.issued_at.min(LATEST_TIME),
            expires_at: self.expires_at.min(LATEST_TIME),
            authorized_at: self.authorized_at.min(LATEST_TIME),
        }
    }

    /// How long the token was issued for, within the believable range.
    pub fn lifetime(&self) -> u64 {
        self.expires_at
            .saturating_sub(self.issued_at)
            .clamp(MIN_ACCESS_LIFETIME, MAX_ACCESS_LIFETIME)
    }

    /// A fifth of the lifetime, at most five minutes, at least ten seconds but never more than
    /// half the lifetime. Being at most half, two refreshes are always at least half a lifetime
    /// apart (a 60 s token: refreshed after 48 s, not on every call).
    pub fn refresh_margin(&self) -> u64 {
        let lifetime = self.lifetime();
        (lifetime / 5)
            .max(MIN_REFRESH_MARGIN.min(lifetime / 2))
            .min(MAX_REFRESH_MARGIN)
    }

    /// An expiry further ahead than one lifetime (plus a minute for clock steps) cannot be
    /// right: a corrupt item, or a clock that jumped backwards. It must not pin the token.
    fn trusted(&self, now: u64) -> bool {
        let horizon = self.lifetime().saturating_add(RECENTLY_ISSUED);
        self.expires_at <= now.saturating_add(horizon)
    }

    /// The unix time from which a refresh is due.
    fn due_at(&self) -> u64 {
        self.expires_at.saturating_sub(self.refresh_margin())
    }

    pub fn needs_refresh(&self, now: u64) -> bool {
        !self.trusted(now) || now >= self.due_at()
    }

    /// Still good for a request right now. A token that does not need a refresh is usable.
    pub fn usable(&self, now: u64) -> bool {
        let slack = USABLE_SLACK.min(self.refresh_margin());
        self.trusted(now) && self.expires_at > now.saturating_add(slack)
    }

    /// How long a background refresher may sleep (zero when due now).
    pub fn refresh_due_in(&self, now: u64) -> std::time::Duration {
        let secs = if self.trusted(now) {
            self.due_at().saturating_sub(now)
        } else {
            0
        };
        std::time::Duration::from_secs(secs)
    }

    /// Issued within the last minute (by this clock): too recent to be worth replacing.
    pub fn recently_issued(&self, now: u64) -> bool {
        self.issued_at != 0 && now.abs_diff(self.issued_at) < RECENTLY_ISSUED
    }

    pub fn grant_ends_at(&self) -> u64 {
        self.authorized_at
            .saturating_add(GRANT_LIFETIME)
            .min(LATEST_TIME)
    }

    pub fn grant_expiring_soon(&self, now: u64) -> bool {
        self.grant_ends_at() <= now.saturating_add(GRANT_WARNING)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn an_hour_token_is_refreshed_five_minutes_before_expiry() {
        let e = Expiry::issued(NOW, 3600, NOW);
        assert_eq!(e.refresh_margin(), 300);
        assert!(!e.needs_refresh(NOW + 3600 - 301));
        assert!(e.needs_refresh(NOW + 3600 - 300));
        assert_eq!(e.refresh_due_in(NOW).as_secs(), 3300);
        assert!(e.usable(NOW + 3589));
        assert!(!e.usable(NOW + 3590));
    }

    #[test]
    fn short_lived_tokens_are_refreshed_at_most_every_half_lifetime() {
        for lifetime in [1, 2, 5, 10, 19, 20, 21, 60, 600, 1499, 1500, 86_400] {
            let e = Expiry::issued(NOW, lifetime, NOW);
            let due = e.refresh_due_in(NOW).as_secs();
            assert!(due >= lifetime / 2, "{lifetime}: due after {due}");
            assert!(!e.needs_refresh(NOW + due.saturating_sub(1)) || due == 0);
            assert!(e.needs_refresh(NOW + due));
            // Whatever is handed out without a refresh is usable.
            assert!(due == 0 || e.usable(NOW + due - 1), "{lifetime}");
        }
        let sixty = Expiry::issued(NOW, 60, NOW);
        assert_eq!(sixty.refresh_due_in(NOW).as_secs(), 48);
        assert!(sixty.usable(NOW + 47));
    }

    #[test]
    fn absurd_lifetimes_are_clamped() {
        assert_eq!(Expiry::issued(NOW, 0, NOW).lifetime(), 1);
        assert_eq!(Expiry::issued(NOW, u64::MAX, NOW).lifetime(), 86_400);
        assert_eq!(
            Expiry::issued(u64::MAX, u64::MAX, u64::MAX).expires_at,
            LATEST_TIME
        );
    }

    #[test]
    fn an_expiry_too_far_ahead_is_due_now_and_not_usable() {
        for expires_at in [NOW + 86_400 + 61, u64::MAX, LATEST_TIME] {
            let e = Expiry {
                issued_at: 0,
                expires_at,
                authorized_at: NOW,
            };
            assert!(e.needs_refresh(NOW), "{expires_at}");
            assert!(!e.usable(NOW));
            assert_eq!(e.refresh_due_in(NOW).as_secs(), 0);
        }
        // A clock that jumped back an hour after the refresh: due now, not in two hours.
        let e = Expiry::issued(NOW, 3600, NOW);
        assert!(e.needs_refresh(NOW - 3600));
        // An old item without an issue time keeps the five-minute rule.
        let old = Expiry {
            issued_at: 0,
            expires_at: NOW + 3600,
            authorized_at: NOW,
        };
        assert!(!old.needs_refresh(NOW));
        assert!(!old.recently_issued(NOW));
    }

    #[test]
    fn recently_issued_means_within_a_minute_either_way() {
        let e = Expiry::issued(NOW, 3600, NOW);
        assert!(e.recently_issued(NOW + 59));
        assert!(!e.recently_issued(NOW + 60));
        assert!(!e.recently_issued(NOW - 3600), "a clock jump cannot pin it");
        assert!(!e.recently_issued(0) && !e.recently_issued(u64::MAX));
    }

    #[test]
    fn grant_rules_saturate() {
        let e = Expiry::issued(NOW, 3600, NOW);
        assert!(!e.grant_expiring_soon(e.grant_ends_at() - GRANT_WARNING - 1));
        assert!(e.grant_expiring_soon(e.grant_ends_at() - GRANT_WARNING));
        let absurd = Expiry {
            issued_at: u64::MAX,
            expires_at: u64::MAX,
            authorized_at: u64::MAX,
        };
        assert_eq!(absurd.grant_ends_at(), LATEST_TIME);
        assert!(absurd.grant_expiring_soon(u64::MAX));
        assert!(absurd.needs_refresh(0) && absurd.needs_refresh(u64::MAX));
        assert!(!absurd.usable(u64::MAX));
    }
}
