//! The errors the auth core can end in. Each has a stable `code()` for scripts and the webview
//! and a Display sentence a person can act on. None of them ever carries a secret, a callback
//! URL or a raw token-endpoint body. Values that came from outside (Spotify's descriptions, the
//! callback's `error`, platform and file-system messages, paths) are made inert in the sentence:
//! no control or bidi character, and a bounded length, wherever the sentence is shown.
use std::time::Duration;

use crate::inert::{self, DESCRIPTION, PATH, SENTENCE};

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
    #[error("The system keychain is not available ({}). On Linux, spotkey needs a Secret Service provider such as GNOME Keyring or KeePassXC running in your session; spotkey never falls back to a plain file.", inert::line(.detail, DESCRIPTION))]
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
    #[error("The system keychain refused the operation: {}", inert::line(.detail, DESCRIPTION))]
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
    #[error("Invalid configuration: {}", inert::line(.0, SENTENCE))]
    InvalidConfig(String),
    #[error("Port {port} on 127.0.0.1 is already in use, so spotkey cannot receive Spotify's redirect. Close the program using it or leave the port unset to let spotkey pick a free one.")]
    PortInUse { port: u16 },
    #[error("Could not open a loopback listener on {addr}: {}", inert::line(&.source.to_string(), DESCRIPTION))]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("spotkey's sign-in listener ended unexpectedly ({reason}). Start the sign-in again; if this keeps happening, please report it.")]
    ListenerFailed { reason: &'static str },
    #[error("You declined access in the browser, so spotkey is not connected. Sign in again when you are ready.")]
    Denied,
    #[error("Spotify refused the sign-in request ({}). Check the requested scopes and the app's settings on the Spotify dashboard.", inert::line(.error, DESCRIPTION))]
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
    #[error("{}; {KEPT}", self.outage().unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("{}; {KEPT}", self.outage().unwrap_or_default())]
    ServerError { status: u16 },
    #[error("{}; {KEPT}", self.outage().unwrap_or_default())]
    Network { detail: String },
    /// An outage (`cause`: rate limit, server error, network) while the authorization code was
    /// being exchanged: there is no new connection to keep yet, so the sentence says so.
    #[error("{} while spotkey was finishing your sign-in; nothing was stored. Sign in again in a moment.", .cause.outage().unwrap_or_default())]
    SignInInterrupted { cause: Box<AuthError> },
    #[error("Spotify sent a response spotkey could not understand ({detail}); nothing stored was changed, try again in a moment.")]
    UnexpectedResponse { detail: String },
    #[error("The Spotify Web API refused the request (HTTP {status}{}).", if .message.is_empty() { String::new() } else { format!(": {}", inert::line(.message, DESCRIPTION)) })]
    ApiRejected { status: u16, message: String },
    #[error("Not signed in. Run `spotkey login` (or use Connect Spotify in the app).")]
    NotSignedIn,
    #[error("Spotify ended this connection (the app was removed or the grant expired); please reconnect with `spotkey login`.")]
    ConnectionEnded,
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("Could not write spotkey's files in {}: {}", inert::line(.path, PATH), inert::line(.detail, DESCRIPTION))]
    Files { path: String, detail: String },
}

/// What an outage means for a stored connection (not for a sign-in still under way).
const KEPT: &str = "spotkey keeps your connection and will try again.";

fn rejected_sentence(code: &OAuthErrorCode, description: Option<&str>) -> String {
    let why = description
        .map(|d| format!(": {}", inert::line(d, DESCRIPTION)))
        .unwrap_or_default();
    match code {
        OAuthErrorCode::InvalidClient => format!("Spotify rejected the client ID or client secret{why}. Check them against your app on the Spotify dashboard."),
        OAuthErrorCode::InvalidGrant => format!("Spotify rejected the authorization{why}. Please sign in again."),
        other => format!(
            "Spotify rejected the request ({}{why}).",
            inert::line(other.as_str(), DESCRIPTION)
        ),
    }
}

fn retry_sentence(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {}s)", d.as_secs()))
        .unwrap_or_default()
}

impl AuthError {
    /// The exchange of an authorization code failed: an outage there ends this sign-in attempt
    /// and keeps nothing, so it must not promise to keep a connection. Other errors pass through.
    pub fn during_sign_in(self) -> Self {
        if matches!(
            self,
            Self::RateLimited { .. } | Self::ServerError { .. } | Self::Network { .. }
        ) {
            Self::SignInInterrupted {
                cause: Box::new(self),
            }
        } else {
            self
        }
    }

    /// What went wrong in an outage (rate limit, server error, network), without its consequence.
    fn outage(&self) -> Option<String> {
        match self {
            Self::RateLimited { retry_after } => Some(format!(
                "Spotify is rate limiting requests{}",
                retry_sentence(retry_after)
            )),
            Self::ServerError { status } => Some(format!(
                "Spotify answered with a server error (HTTP {status})"
            )),
            Self::Network { detail } => Some(format!(
                "Could not reach Spotify ({})",
                inert::line(detail, DESCRIPTION)
            )),
            Self::SignInInterrupted { cause } => cause.outage(),
            _ => None,
        }
    }

    /// A stable machine-readable code (used by `status --json` and the webview).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingClientId => "missing_client_id",
            Self::InvalidConfig(_) => "invalid_config",
            Self::PortInUse { .. } => "port_in_use",
            Self::Bind { .. } => "bind_failed",
            Self::ListenerFailed { .. } => "listener_failed",
            Self::Denied => "access_denied",
            Self::AuthorizeFailed { .. } => "authorize_failed",
            Self::TimedOut { .. } => "timed_out",
            Self::Cancelled => "cancelled",
            Self::Rejected { .. } => "rejected",
            Self::RateLimited { .. } => "rate_limited",
            Self::ServerError { .. } => "server_error",
            Self::Network { .. } => "offline",
            Self::SignInInterrupted { cause } => cause.code(),
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
            Self::RateLimited { .. }
                | Self::ServerError { .. }
                | Self::Network { .. }
                | Self::SignInInterrupted { .. }
                | Self::UnexpectedResponse { .. }
        )
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
    fn an_outage_while_signing_in_keeps_its_code_but_promises_no_connection() {
        let outages = [
            AuthError::Network {
                detail: "could not connect".into(),
            },
            AuthError::ServerError { status: 503 },
            AuthError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
        ];
        for outage in outages {
            let (code, fact) = (outage.code(), outage.outage().unwrap_or_default());
            assert!(outage.to_string().contains("keeps your connection"));
            let during = outage.during_sign_in();
            assert_eq!(during.code(), code, "stable codes");
            assert!(during.is_temporary());
            let sentence = during.to_string();
            assert!(sentence.starts_with(&fact), "{sentence}");
            assert!(!sentence.contains("keeps your connection"), "{sentence}");
            assert!(sentence.contains("nothing was stored"), "{sentence}");
        }
        let rejected = AuthError::Rejected {
            code: OAuthErrorCode::InvalidGrant,
            description: None,
        }
        .during_sign_in();
        assert!(
            rejected.is_permanent_rejection(),
            "other errors pass through"
        );
    }

    #[test]
    fn outside_values_in_sentences_cannot_reach_a_terminal_raw() {
        let hostile = "x\x1b[2J\r\nspotkey: forged\u{202E}";
        let errors = [
            AuthError::Rejected {
                code: OAuthErrorCode::parse(hostile),
                description: Some(hostile.into()),
            },
            AuthError::AuthorizeFailed {
                error: hostile.into(),
            },
            AuthError::ApiRejected {
                status: 403,
                message: hostile.into(),
            },
            AuthError::Files {
                path: hostile.repeat(100),
                detail: hostile.into(),
            },
            AuthError::InvalidConfig(hostile.into()),
            AuthError::Keychain(KeychainError::Other {
                detail: hostile.into(),
            }),
        ];
        for e in errors {
            let sentence = e.to_string();
            assert!(
                !sentence.chars().any(|c| c.is_control() || c == '\u{202E}'),
                "{sentence:?}"
            );
            assert!(sentence.chars().count() < 700, "{sentence:?}");
        }
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
