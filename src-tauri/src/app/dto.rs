//! The only shapes that leave Rust for the window (docs/IPC.md). None of them has a field that
//! could hold a token, code, verifier or secret: only names, times, scopes and messages.
use serde::Serialize;

use crate::auth::{AuthError, SignedIn};
use crate::countries;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    SignedOut,
    Connecting,
    SignedIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppStatus {
    /// Grows with every change sent; the window ignores anything older than what it shows
    /// (a command's reply and an event can arrive in either order).
    pub revision: u64,
    pub setup_needed: bool,
    pub client_id: Option<String>,
    pub connection: Connection,
    pub problem: Option<Problem>,
    pub account: Option<AccountDto>,
    pub sign_in: Option<SignInDto>,
    pub last_error: Option<ErrorDto>,
}

impl AppStatus {
    /// Before the first keychain read: signed out, nothing known yet.
    pub fn placeholder() -> Self {
        Self {
            revision: 0,
            setup_needed: false,
            client_id: None,
            connection: Connection::SignedOut,
            problem: None,
            account: None,
            sign_in: None,
            last_error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Offline,
    Keychain,
    ConnectionEnded,
}

/// The one action that helps, as the banner's button. `UnlockKeychain` is a retry whose
/// banner also tells how to unlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemAction {
    Retry,
    Reconnect,
    UnlockKeychain,
}

impl ProblemAction {
    /// The button's words: the window shows them as they are.
    pub fn label(self) -> &'static str {
        match self {
            Self::Retry | Self::UnlockKeychain => "Retry",
            Self::Reconnect => "Reconnect",
        }
    }
}

/// A standing problem: the banner shows `message`, a button labelled `action_label`, and
/// `detail` (the platform's own words, when kept) only behind a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub code: String,
    pub message: String,
    pub action: ProblemAction,
    pub action_label: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountDto {
    pub display_name: String,
    pub id: Option<String>,
    pub account_id: Option<String>,
    pub avatar_url: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
    /// How the country reads: "Sweden (SE)", or the code when it is not a known one.
    pub country_label: Option<String>,
    pub product: Option<String>,
    pub scopes: Vec<String>,
    pub access_expires_at: u64,
    pub connection_expires_at: u64,
    pub connection_expiring_soon: bool,
    pub keychain: String,
    pub needs_consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInDto {
    /// The authorize URL (public: it carries the client ID, state and PKCE challenge, never
    /// the verifier). None for the instant before the listener is bound.
    pub url: Option<String>,
    pub started_at: u64,
}

/// What a command rejects with, and `last_error` in the status: a sentence a person can act
/// on, and the platform's own words (if any) for a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
}

impl ErrorDto {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
            detail: None,
        }
    }
}

/// A keychain failure gets the window's own sentence (the same as its banner); everything
/// else is the error's own sentence.
impl From<&AuthError> for ErrorDto {
    fn from(e: &AuthError) -> Self {
        match e {
            AuthError::Keychain(k) => {
                let problem = super::problem::keychain(k);
                Self {
                    code: problem.code,
                    message: problem.message,
                    detail: problem.detail,
                }
            }
            _ => Self::new(e.code(), e.to_string()),
        }
    }
}

impl From<AuthError> for ErrorDto {
    fn from(e: AuthError) -> Self {
        Self::from(&e)
    }
}

impl AccountDto {
    pub fn from_signed_in(s: &SignedIn) -> Self {
        let profile = s.profile.as_ref();
        Self {
            display_name: profile.map_or_else(|| "Spotify user".into(), |p| p.name().to_string()),
            id: profile.map(|p| p.id.clone()),
            account_id: profile.and_then(|p| p.account_id.clone()),
            avatar_url: profile.and_then(|p| p.avatar_url().map(String::from)),
            email: profile.and_then(|p| p.email.clone()),
            country: profile.and_then(|p| p.country.clone()),
            country_label: profile.and_then(|p| p.country.as_deref().map(countries::describe)),
            product: profile.and_then(|p| p.product.clone()),
            scopes: s.scopes.as_slice().to_vec(),
            access_expires_at: s.access_expires_at,
            connection_expires_at: s.grant_expires_at,
            connection_expiring_soon: s.grant_expiring_soon,
            keychain: s.keychain.clone(),
            needs_consent: s.needs_consent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeInfo {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingsDto {
    pub client_id: Option<String>,
    pub has_client_secret: bool,
    pub scopes: Vec<String>,
    pub available_scopes: Vec<ScopeInfo>,
    /// Filled in by the desktop shell (the OS login-item lives there).
    pub autostart: bool,
    pub start_hidden: bool,
    /// Filled in by the desktop shell: None when the desktop has a tray; else why "start at
    /// login" and "start in the tray" do nothing here (the page disables them and shows this).
    pub tray_unavailable: Option<String>,
}
