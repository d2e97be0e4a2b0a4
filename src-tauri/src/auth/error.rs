//! The errors the auth core can end in. Each has a stable `code()` for scripts and the webview
//! and a Display sentence a person can act on. None of them ever carries a secret, a callback
//! URL or a raw token-endpoint body.
use std::time::Duration;

/// Spotify's `error` field on the token endpoint; match on this, never on the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthErrorCode {
    InvalidGrant,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    Other(String),
}

impl OAuthErrorCode {
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" => Self::InvalidClient,
            "invalid_request" => Self::InvalidRequest,
            "invalid_scope" => Self::InvalidScope,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            other => Self::Other(other.chars().take(64).collect()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidScope => "invalid_scope",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::Other(s) => s,
        }
    }
}

/// Why the OS keychain could not be used. Decided from the keychain library's error variants
/// (store.rs), never from the wording of a platform message.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeychainError {
    #[error("The system keychain is not available ({detail}). On Linux, spotkey needs a Secret Service provider such as GNOME Keyring or KeePassXC running in your session; spotkey never falls back to a plain file.")]
    Unavailable { detail: String },
    #[error("The system keychain is locked. Unlock it (for GNOME Keyring: open \"Passwords and Keys\" and unlock the login keyring), then try again.")]
    Locked,
    /// The keychain asked for its password in a prompt that was dismissed or could not be shown.
    #[error("The system keychain is locked and its unlock prompt was dismissed or could not be shown. Unlock it (for GNOME Keyring: open \"Passwords and Keys\" and unlock the login keyring), then try again.")]
    PromptDismissed,
    /// spotkey's own deadline passed: usually an unlock prompt nobody has answered yet.
    #[error("The system keychain did not answer within {}s. It may be waiting for you to unlock it in a password prompt; unlock it and try again.", .after.as_secs())]
    TimedOut { after: Duration },
    /// The keychain service took the call but never replied (a frozen or overloaded daemon).
    #[error("The system keychain is not answering: its service (e.g. gnome-keyring-daemon) accepted the request but sent no reply. Restart it (or log out and back in), then try again.")]
    NotAnswering,
    #[error("The system keychain refused the operation: {detail}")]
    Other { detail: String },
}

impl KeychainError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable { .. } => "keychain_unavailable",
            Self::Locked | Self::PromptDismissed => "keychain_locked",
            Self::TimedOut { .. } | Self::NotAnswering => "keychain_timeout",
            Self::Other { .. } => "keychain_error",
        }
    }
}

pub const DASHBOARD_HINT: &str = "Create an app at https://developer.spotify.com/dashboard, add the redirect URI http://127.0.0.1/callback in its settings, then give spotkey its client ID (spotkey login --client-id <ID> --save, or SPOTKEY_CLIENT_ID).";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("No Spotify client ID is configured. {DASHBOARD_HINT}")]
    MissingClientId,
    #[error("Invalid configuration: {0}")]
    InvalidConfig(String),
    #[error("Port {port} on 127.0.0.1 is already in use, so spotkey cannot receive Spotify's redirect. Close the program using it or leave the port unset to let spotkey pick a free one.")]
    PortInUse { port: u16 },
    #[error("Could not open a loopback listener on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("You declined access in the browser, so spotkey is not connected. Sign in again when you are ready.")]
    Denied,
    #[error("Spotify refused the sign-in request ({error}). Check the requested scopes and the app's settings on the Spotify dashboard.")]
    AuthorizeFailed { error: String },
    #[error("No answer from the browser within {}s. Check that http://127.0.0.1/callback is registered as a redirect URI of your app on the Spotify dashboard (Spotify then shows \"INVALID_CLIENT: Invalid redirect URI\"), that the client ID is right, and that your Spotify account is on the app's user list (development mode allows 5 users).", .after.as_secs())]
    TimedOut { after: Duration },
    #[error("Sign-in was cancelled.")]
    Cancelled,
    #[error("{}", rejected_sentence(.code, .description.as_deref()))]
    Rejected {
        code: OAuthErrorCode,
        description: Option<String>,
    },
    #[error("Spotify is rate limiting requests{}; spotkey keeps your connection and will try again.", retry_sentence(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("Spotify answered with a server error (HTTP {status}); spotkey keeps your connection and will try again.")]
    ServerError { status: u16 },
    #[error(
        "Could not reach Spotify ({detail}); spotkey keeps your connection and will try again."
    )]
    Network { detail: String },
    #[error("Spotify sent a response spotkey could not understand ({detail}); nothing stored was changed, try again in a moment.")]
    UnexpectedResponse { detail: String },
    #[error("The Spotify Web API refused the request (HTTP {status}{}).", if .message.is_empty() { String::new() } else { format!(": {}", .message) })]
    ApiRejected { status: u16, message: String },
    #[error("Not signed in. Run `spotkey login` (or use Connect Spotify in the app).")]
    NotSignedIn,
    #[error("Spotify ended this connection (the app was removed or the grant expired); please reconnect with `spotkey login`.")]
    ConnectionEnded,
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("Could not write spotkey's files in {path}: {detail}")]
    Files { path: String, detail: String },
}

fn rejected_sentence(code: &OAuthErrorCode, description: Option<&str>) -> String {
    let why = description.map(|d| format!(": {d}")).unwrap_or_default();
    match code {
        OAuthErrorCode::InvalidClient => format!("Spotify rejected the client ID or client secret{why}. Check them against your app on the Spotify dashboard."),
        OAuthErrorCode::InvalidGrant => format!("Spotify rejected the authorization{why}. Please sign in again."),
        other => format!("Spotify rejected the request ({}{why}).", other.as_str()),
    }
}

fn retry_sentence(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {}s)", d.as_secs()))
        .unwrap_or_default()
}

impl AuthError {
    /// A stable machine-readable code (used by `status --json` and the webview).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingClientId => "missing_client_id",
            Self::InvalidConfig(_) => "invalid_config",
            Self::PortInUse { .. } => "port_in_use",
            Self::Bind { .. } => "bind_failed",
            Self::Denied => "access_denied",
            Self::AuthorizeFailed { .. } => "authorize_failed",
            Self::TimedOut { .. } => "timed_out",
            Self::Cancelled => "cancelled",
            Self::Rejected { .. } => "rejected",
            Self::RateLimited { .. } => "rate_limited",
            Self::ServerError { .. } => "server_error",
            Self::Network { .. } => "offline",
            Self::UnexpectedResponse { .. } => "unexpected_response",
            Self::ApiRejected { .. } => "api_rejected",
            Self::NotSignedIn => "signed_out",
            Self::ConnectionEnded => "connection_ended",
            Self::Keychain(k) => k.code(),
            Self::Files { .. } => "files",
        }
    }

    /// Spotify says the grant or client is dead: the stored session must go (SPOTIFY.md).
    pub fn is_permanent_rejection(&self) -> bool {
        matches!(
            self,
            Self::Rejected {
                code: OAuthErrorCode::InvalidGrant | OAuthErrorCode::InvalidClient,
                ..
            }
        )
    }

    /// Outages and throttling: keep every token, show offline, try again later.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::ServerError { .. } | Self::Network { .. }
        ) || matches!(self, Self::UnexpectedResponse { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanent_and_temporary_are_told_apart_by_the_error_field() {
        let grant = AuthError::Rejected {
            code: OAuthErrorCode::parse("invalid_grant"),
            description: Some("Refresh token revoked".into()),
        };
        assert!(grant.is_permanent_rejection());
        assert!(!grant.is_temporary());
        let scope = AuthError::Rejected {
            code: OAuthErrorCode::parse("invalid_scope"),
            description: None,
        };
        assert!(!scope.is_permanent_rejection());
        assert!(AuthError::ServerError { status: 503 }.is_temporary());
        assert!(AuthError::RateLimited { retry_after: None }.is_temporary());
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(AuthError::MissingClientId
            .to_string()
            .contains("http://127.0.0.1/callback"));
        assert!(AuthError::PortInUse { port: 8888 }
            .to_string()
            .contains("8888"));
        let locked = AuthError::from(KeychainError::Locked);
        assert_eq!(locked.code(), "keychain_locked");
        assert!(locked.to_string().contains("Unlock"));
    }
}
