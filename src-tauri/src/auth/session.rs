//! The stored session (what the keychain holds) and the pure time rules around it:
//! when to refresh, when the grant itself runs out, and how a refresh response is merged.
//! Time is always a parameter (`now`, unix seconds) so tests need no sleeps.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::scopes::Scopes;
use super::secret::{AccessToken, RefreshToken};
use super::token::TokenResponse;

/// Refresh when fewer than this many seconds remain (the issue: "< 5 min").
pub const REFRESH_MARGIN: u64 = 5 * 60;
/// Spotify refresh tokens end 6 months after the user's consent (mid-2026 change); refreshing
/// does not extend it. 182 days errs on the early side.
pub const GRANT_LIFETIME: u64 = 182 * 24 * 3600;
/// Warn in the last 14 days of the grant.
pub const GRANT_WARNING: u64 = 14 * 24 * 3600;

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[derive(Debug)]
pub struct StoredSession {
    /// The client the grant belongs to; a different configured client means "not signed in".
    pub client_id: String,
    pub refresh_token: RefreshToken,
    pub access_token: Option<AccessToken>,
    pub access_expires_at: u64,
    pub scopes: Scopes,
    pub authorized_at: u64,
}

impl StoredSession {
    /// A fresh session from the code exchange. None when Spotify sent no refresh token: a
    /// session that cannot be refreshed is not worth storing (and an empty token never is).
    pub fn from_exchange(
        client_id: &str,
        response: TokenResponse,
        requested: &Scopes,
        now: u64,
    ) -> Option<Self> {
        Some(Self {
            client_id: client_id.to_string(),
            refresh_token: response.refresh_token?,
            access_token: Some(response.access_token),
            access_expires_at: now + response.expires_in.as_secs(),
            scopes: response.scope.unwrap_or_else(|| requested.clone()),
            authorized_at: now,
        })
    }

    /// Merges a refresh response. RFC 6749 §6: a new refresh token replaces the old one; when
    /// none comes back, the old one stays (it was not rotated).
    pub fn after_refresh(&self, response: TokenResponse, now: u64) -> Self {
        Self {
            client_id: self.client_id.clone(),
            refresh_token: response
                .refresh_token
                .unwrap_or_else(|| self.refresh_token.clone()),
            access_token: Some(response.access_token),
            access_expires_at: now + response.expires_in.as_secs(),
            scopes: response.scope.unwrap_or_else(|| self.scopes.clone()),
            authorized_at: self.authorized_at,
        }
    }

    pub fn needs_refresh(&self, now: u64) -> bool {
        self.access_token.is_none() || self.access_expires_at <= now + REFRESH_MARGIN
    }

    /// Still usable for a request right now (a little slack for the request's own flight).
    pub fn usable_access_token(&self, now: u64) -> Option<&AccessToken> {
        self.access_token
            .as_ref()
            .filter(|_| self.access_expires_at > now + 10)
    }

    /// The same session without a single secret (cached on disk for an instant status).
    pub fn summary(&self) -> super::cache::SessionSummary {
        super::cache::SessionSummary {
            client_id: self.client_id.clone(),
            scopes: self.scopes.as_slice().to_vec(),
            access_expires_at: self.access_expires_at,
            authorized_at: self.authorized_at,
        }
    }

    pub fn grant_expires_at(&self) -> u64 {
        self.authorized_at + GRANT_LIFETIME
    }

    pub fn grant_expiring_soon(&self, now: u64) -> bool {
        self.grant_expires_at() <= now + GRANT_WARNING
    }

    /// When a background refresher should wake next.
    pub fn refresh_due_in(&self, now: u64) -> Duration {
        Duration::from_secs(self.access_expires_at.saturating_sub(now + REFRESH_MARGIN))
    }

    /// # Security
    /// The result holds the tokens; it goes only to the keychain and is zeroized on drop.
    pub fn to_secret_json(&self) -> Zeroizing<String> {
        let wire = Wire {
            v: 1,
            client_id: self.client_id.clone(),
            refresh_token: Zeroizing::new(self.refresh_token.expose_secret().to_string()),
            access_token: self
                .access_token
                .as_ref()
                .map(|t| Zeroizing::new(t.expose_secret().to_string())),
            access_expires_at: self.access_expires_at,
            scopes: self.scopes.as_slice().to_vec(),
            authorized_at: self.authorized_at,
        };
        Zeroizing::new(serde_json::to_string(&wire).unwrap_or_default())
    }

    /// None for anything unreadable or with an empty refresh token.
    pub fn from_secret_json(text: &str) -> Option<Self> {
        let wire: Wire = serde_json::from_str(text).ok()?;
        if wire.refresh_token.trim().is_empty() {
            return None;
        }
        Some(Self {
            client_id: wire.client_id.clone(),
            refresh_token: RefreshToken::new(wire.refresh_token.as_str()),
            access_token: wire
                .access_token
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| AccessToken::new(t.as_str())),
            access_expires_at: wire.access_expires_at,
            scopes: Scopes::from_granted(&wire.scopes.join(" ")),
            authorized_at: wire.authorized_at,
        })
    }
}

/// The keychain item's JSON shape. No Debug: it holds tokens.
#[derive(Serialize, Deserialize)]
struct Wire {
    v: u32,
    client_id: String,
    refresh_token: Zeroizing<String>,
    #[serde(default)]
    access_token: Option<Zeroizing<String>>,
    #[serde(default)]
    access_expires_at: u64,
    #[serde(default)]
    scopes: Vec<String>,
    authorized_at: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(refresh: Option<&str>, scope: Option<&str>) -> TokenResponse {
        TokenResponse {
            access_token: AccessToken::new("new-access"),
            expires_in: Duration::from_secs(3600),
            scope: scope.map(Scopes::from_granted),
            refresh_token: refresh.map(RefreshToken::new),
        }
    }

    fn session() -> StoredSession {
        StoredSession::from_exchange(
            "cid",
            response(Some("rt1"), Some("user-read-email")),
            &Scopes::defaults(),
            1_000,
        )
        .unwrap()
    }

    #[test]
    fn refresh_is_due_five_minutes_before_expiry() {
        let s = session();
        assert_eq!(s.access_expires_at, 4_600);
        assert!(!s.needs_refresh(4_600 - REFRESH_MARGIN - 1));
        assert!(s.needs_refresh(4_600 - REFRESH_MARGIN));
        assert!(s.usable_access_token(4_500).is_some());
        assert!(s.usable_access_token(4_600).is_none());
        assert_eq!(s.refresh_due_in(1_000), Duration::from_secs(3_300));
    }

    #[test]
    fn rotation_replaces_and_absence_keeps_the_refresh_token() {
        let s = session();
        let rotated = s.after_refresh(response(Some("rt2"), None), 2_000);
        assert_eq!(rotated.refresh_token.expose_secret(), "rt2");
        assert_eq!(
            rotated.scopes, s.scopes,
            "no scope in the response keeps the granted scopes"
        );
        let kept = s.after_refresh(response(None, None), 2_000);
        assert_eq!(kept.refresh_token.expose_secret(), "rt1");
        assert_eq!(
            kept.authorized_at, 1_000,
            "refreshing does not extend the grant"
        );
    }

    #[test]
    fn a_grant_without_refresh_token_is_not_stored() {
        assert!(
            StoredSession::from_exchange("cid", response(None, None), &Scopes::defaults(), 0)
                .is_none()
        );
    }

    #[test]
    fn grant_warning_starts_fourteen_days_before_the_end() {
        let s = session();
        assert!(!s.grant_expiring_soon(s.grant_expires_at() - GRANT_WARNING - 1));
        assert!(s.grant_expiring_soon(s.grant_expires_at() - GRANT_WARNING));
    }

    #[test]
    fn secret_json_round_trips_and_rejects_empty_tokens() {
        let s = session();
        let back = StoredSession::from_secret_json(&s.to_secret_json()).unwrap();
        assert_eq!(back.refresh_token.expose_secret(), "rt1");
        assert_eq!(back.access_token.unwrap().expose_secret(), "new-access");
        assert_eq!(back.scopes, s.scopes);
        assert!(StoredSession::from_secret_json(
            r#"{"v":1,"client_id":"c","refresh_token":"","authorized_at":1}"#
        )
        .is_none());
        assert!(StoredSession::from_secret_json("garbage").is_none());
    }
}
