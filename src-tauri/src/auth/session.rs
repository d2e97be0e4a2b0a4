//! The stored session (what the keychain holds): the tokens, their times and how a token
//! response is merged into it. The time rules themselves live in `expiry::Expiry`.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize};
use zeroize::Zeroizing;

use super::expiry::{Expiry, LATEST_TIME};
use super::scopes::Scopes;
use super::secret::{AccessToken, RefreshToken};
use super::token::TokenResponse;

/// The keychain item's format version written today (2 added `access_issued_at`).
const WIRE_VERSION: u64 = 2;

/// The clock in unix seconds: 0 before 1970, never past what RFC 3339 can print.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .min(LATEST_TIME)
}

#[derive(Debug)]
pub struct StoredSession {
    /// The client the grant belongs to; a different configured client means "not signed in".
    pub client_id: String,
    pub refresh_token: RefreshToken,
    pub access_token: Option<AccessToken>,
    /// When the access token was issued; 0 for items stored before this was recorded.
    pub access_issued_at: u64,
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
        let expiry = Expiry::issued(now, response.expires_in.as_secs(), now);
        Some(Self {
            client_id: client_id.to_string(),
            refresh_token: response.refresh_token?,
            access_token: Some(response.access_token),
            access_issued_at: expiry.issued_at,
            access_expires_at: expiry.expires_at,
            scopes: response.scope.unwrap_or_else(|| requested.clone()),
            authorized_at: expiry.authorized_at,
        })
    }

    /// Merges a refresh response. RFC 6749 §6: a new refresh token replaces the old one; when
    /// none comes back, the old one stays (it was not rotated).
    pub fn after_refresh(&self, response: TokenResponse, now: u64) -> Self {
        let expiry = Expiry::issued(now, response.expires_in.as_secs(), self.authorized_at);
        Self {
            client_id: self.client_id.clone(),
            refresh_token: response
                .refresh_token
                .unwrap_or_else(|| self.refresh_token.clone()),
            access_token: Some(response.access_token),
            access_issued_at: expiry.issued_at,
            access_expires_at: expiry.expires_at,
            scopes: response.scope.unwrap_or_else(|| self.scopes.clone()),
            authorized_at: expiry.authorized_at,
        }
    }

    /// The time rules for this session's numbers.
    pub fn expiry(&self) -> Expiry {
        Expiry {
            issued_at: self.access_issued_at,
            expires_at: self.access_expires_at,
            authorized_at: self.authorized_at,
        }
    }

    pub fn needs_refresh(&self, now: u64) -> bool {
        self.access_token.is_none() || self.expiry().needs_refresh(now)
    }

    /// Still usable for a request right now (a little slack for the request's own flight).
    pub fn usable_access_token(&self, now: u64) -> Option<&AccessToken> {
        self.access_token
            .as_ref()
            .filter(|_| self.expiry().usable(now))
    }

    /// The same session without a single secret (cached on disk for an instant status).
    pub fn summary(&self) -> super::cache::SessionSummary {
        super::cache::SessionSummary {
            client_id: self.client_id.clone(),
            scopes: self.scopes.as_slice().to_vec(),
            access_issued_at: self.access_issued_at,
            access_expires_at: self.access_expires_at,
            authorized_at: self.authorized_at,
        }
    }

    pub fn grant_expires_at(&self) -> u64 {
        self.expiry().grant_ends_at()
    }

    pub fn grant_expiring_soon(&self, now: u64) -> bool {
        self.expiry().grant_expiring_soon(now)
    }

    /// When a background refresher should wake next (now, when there is no access token).
    pub fn refresh_due_in(&self, now: u64) -> Duration {
        match self.access_token {
            Some(_) => self.expiry().refresh_due_in(now),
            None => Duration::ZERO,
        }
    }

    /// # Security
    /// The result holds the tokens; it goes only to the keychain and is zeroized on drop.
    pub fn to_secret_json(&self) -> Zeroizing<String> {
        let wire = Wire {
            v: WIRE_VERSION,
            client_id: self.client_id.clone(),
            refresh_token: Zeroizing::new(self.refresh_token.expose_secret().to_string()),
            access_token: self
                .access_token
                .as_ref()
                .map(|t| Zeroizing::new(t.expose_secret().to_string())),
            access_issued_at: self.access_issued_at,
            access_expires_at: self.access_expires_at,
            scopes: self.scopes.as_slice().to_vec(),
            authorized_at: self.authorized_at,
        };
        Zeroizing::new(serde_json::to_string(&wire).unwrap_or_default())
    }

    /// None for anything unreadable or with an empty refresh token. Times that are not
    /// believable numbers (negative, fractional, huge) are clamped, not a reason to sign out.
    pub fn from_secret_json(text: &str) -> Option<Self> {
        let wire: Wire = serde_json::from_str(text).ok()?;
        if wire.refresh_token.trim().is_empty() {
            return None;
        }
        let expiry = Expiry {
            issued_at: wire.access_issued_at,
            expires_at: wire.access_expires_at,
            authorized_at: wire.authorized_at,
        }
        .clamped();
        Some(Self {
            client_id: wire.client_id.clone(),
            refresh_token: RefreshToken::new(wire.refresh_token.as_str()),
            access_token: wire
                .access_token
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| AccessToken::new(t.as_str())),
            access_issued_at: expiry.issued_at,
            access_expires_at: expiry.expires_at,
            scopes: Scopes::from_granted(&wire.scopes.join(" ")),
            authorized_at: expiry.authorized_at,
        })
    }
}

/// The keychain item's JSON shape. No Debug: it holds tokens. Every number is read leniently
/// (any version is accepted: fields are only ever added, with defaults).
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(default, deserialize_with = "lenient_u64")]
    v: u64,
    client_id: String,
    refresh_token: Zeroizing<String>,
    #[serde(default)]
    access_token: Option<Zeroizing<String>>,
    #[serde(default, deserialize_with = "lenient_u64")]
    access_issued_at: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    access_expires_at: u64,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    authorized_at: u64,
}

/// Any JSON value as a u64: numbers saturate into range (negative → 0), anything else is 0.
pub(super) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(match value {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as u64))
            .unwrap_or(0),
        _ => 0,
    })
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
        assert!(!s.needs_refresh(4_600 - 300 - 1));
        assert!(s.needs_refresh(4_600 - 300));
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
        use crate::auth::expiry::GRANT_WARNING;
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

    #[test]
    fn absurd_keychain_numbers_load_clamped_and_due() {
        for item in [
            r#"{"v":1,"client_id":"c","refresh_token":"r","access_token":"a","access_expires_at":18446744073709551615,"authorized_at":18446744073709551615}"#,
            r#"{"v":-3,"client_id":"c","refresh_token":"r","access_token":"a","access_expires_at":1e300,"authorized_at":0}"#,
            r#"{"v":99999999999999999999,"client_id":"c","refresh_token":"r","access_token":"a","access_expires_at":-1,"authorized_at":"soon"}"#,
            r#"{"client_id":"c","refresh_token":"r","access_token":"a"}"#,
        ] {
            let s = StoredSession::from_secret_json(item).expect(item);
            assert!(s.needs_refresh(1_800_000_000), "{item}");
            assert!(s.usable_access_token(1_800_000_000).is_none(), "{item}");
            assert!(s.access_expires_at <= LATEST_TIME && s.grant_expires_at() <= LATEST_TIME);
            assert_eq!(s.refresh_due_in(1_800_000_000), Duration::ZERO);
        }
    }

    #[test]
    fn an_item_without_issue_time_still_loads_and_keeps_it_on_save() {
        let old = r#"{"v":1,"client_id":"c","refresh_token":"r","access_token":"a","access_expires_at":5000,"scopes":[],"authorized_at":1000}"#;
        let s = StoredSession::from_secret_json(old).unwrap();
        assert_eq!(s.access_issued_at, 0);
        assert!(!s.needs_refresh(4_000));
        let saved = s.after_refresh(response(None, None), 4_800);
        let back = StoredSession::from_secret_json(&saved.to_secret_json()).unwrap();
        assert_eq!(back.access_issued_at, 4_800);
        assert_eq!(back.access_expires_at, 8_400);
    }
}
