//! Secret newtypes: every token, code, verifier and state the flow handles.
//! Debug prints `[redacted]`; there is no Display and no Serialize; the one way in is
//! `expose_secret()`, so every use is greppable; memory is zeroized on drop.
use std::fmt;
use zeroize::Zeroizing;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        pub struct $name(Zeroizing<String>);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The raw value. # Security: never log it, put it in an error or send it to the webview.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// Bearer token for the Web API, valid about an hour.
    #[derive(Clone)]
    AccessToken
);
secret_type!(
    /// Long-lived grant (6 months since mid-2026); lives only in the keychain.
    #[derive(Clone)]
    RefreshToken
);
secret_type!(
    /// Optional client secret for the confidential flow (RFC 8252 §8.5: not really secret in a
    /// desktop app, but still never written to the settings file).
    #[derive(Clone)]
    ClientSecret
);
secret_type!(
    /// The one-time authorization code from the redirect.
    AuthCode
);
secret_type!(
    /// PKCE code verifier (RFC 7636 §4.1). Not Clone: one per attempt.
    PkceVerifier
);
secret_type!(
    /// Anti-CSRF `state`, bound to one pending attempt (RFC 6749 §10.12).
    State
);

impl State {
    /// Constant-time comparison, so a hostile page cannot learn the state byte by byte.
    pub fn matches(&self, candidate: &str) -> bool {
        let a = self.expose_secret().as_bytes();
        let b = candidate.as_bytes();
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// True when `text` contains none of the given secrets; used before any text leaves the core.
pub fn is_free_of(text: &str, secrets: &[&str]) -> bool {
    secrets.iter().all(|s| s.is_empty() || !text.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let token = RefreshToken::new("AQD_very_secret");
        assert_eq!(format!("{token:?}"), "RefreshToken([redacted])");
        assert_eq!(
            format!("{:?}", AccessToken::new("x")),
            "AccessToken([redacted])"
        );
    }

    #[test]
    fn state_matches_only_the_exact_value() {
        let state = State::new("abc123");
        assert!(state.matches("abc123"));
        assert!(!state.matches("abc124"));
        assert!(!state.matches("abc12"));
        assert!(!state.matches(""));
    }

    #[test]
    fn is_free_of_spots_a_secret() {
        assert!(!is_free_of("token=AQD_x here", &["AQD_x"]));
        assert!(is_free_of("nothing", &["AQD_x", ""]));
    }
}
