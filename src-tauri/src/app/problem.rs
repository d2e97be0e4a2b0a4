//! Which banner an error deserves: offline (Retry), keychain (unlock it, or start one), or
//! Spotify ended the connection (Reconnect). Anything else is a one-off error, not a standing
//! problem. The window's own words: no command-line hints; raw platform text only as `detail`,
//! which the window keeps behind a disclosure.
use super::dto::{Problem, ProblemAction, ProblemKind};
use crate::auth::{AuthError, KeychainError};

fn problem(kind: ProblemKind, code: &str, message: &str, action: ProblemAction) -> Problem {
    Problem {
        kind,
        code: code.into(),
        message: message.into(),
        action,
        action_label: action.label().into(),
        detail: None,
    }
}

pub fn offline() -> Problem {
    problem(
        ProblemKind::Offline,
        "offline",
        "Can’t reach Spotify — you’re still signed in, and spotkey keeps trying by itself.",
        ProblemAction::Retry,
    )
}

pub fn connection_ended(message: &str) -> Problem {
    problem(
        ProblemKind::ConnectionEnded,
        "connection_ended",
        message,
        ProblemAction::Reconnect,
    )
}

/// A locked keychain is the user's to fix; a missing or failing one needs a look at the system.
/// The platform's text (a D-Bus error name, say) is kept only as `detail`.
pub fn keychain(e: &KeychainError) -> Problem {
    let (message, action) = match e {
        KeychainError::Locked => (
            "Unlock your keychain: spotkey keeps your Spotify sign-in there. It carries on by \
             itself as soon as the keychain is unlocked.",
            ProblemAction::UnlockKeychain,
        ),
        KeychainError::TimedOut { .. } => (
            "Unlock your keychain: it is not answering, most likely because it is waiting for \
             your password. spotkey carries on by itself as soon as it is unlocked.",
            ProblemAction::UnlockKeychain,
        ),
        KeychainError::PromptDismissed => (
            "Unlock your keychain: its password prompt was closed or could not be shown, and \
             spotkey keeps your Spotify sign-in there. It carries on by itself as soon as the \
             keychain is unlocked.",
            ProblemAction::UnlockKeychain,
        ),
        KeychainError::NotAnswering => (
            "The system keychain is not answering. Restart it (or log out and back in), then \
             press Retry.",
            ProblemAction::Retry,
        ),
        KeychainError::Unavailable { .. } => (
            "No system keychain is running, and spotkey keeps your Spotify sign-in only there. \
             Start one in your session (GNOME Keyring or KeePassXC), then press Retry.",
            ProblemAction::Retry,
        ),
        KeychainError::Other { .. } => (
            "The system keychain refused spotkey's request. Press Retry; if it keeps \
             happening, restart your keychain (GNOME Keyring or KeePassXC).",
            ProblemAction::Retry,
        ),
    };
    let detail = match e {
        KeychainError::Unavailable { detail } | KeychainError::Other { detail } => {
            Some(crate::inert::line(detail, crate::inert::DESCRIPTION).into_owned())
        }
        _ => None,
    };
    Problem {
        detail,
        ..problem(ProblemKind::Keychain, e.code(), message, action)
    }
}

/// A standing problem for errors that keep happening until something changes.
pub fn from_error(e: &AuthError) -> Option<Problem> {
    match e {
        AuthError::Keychain(k) => Some(keychain(k)),
        AuthError::ConnectionEnded => Some(connection_ended(&e.to_string())),
        e if e.is_temporary() => Some(offline()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn banner(e: KeychainError) -> Problem {
        from_error(&AuthError::Keychain(e)).expect("a keychain banner")
    }

    #[test]
    fn a_locked_or_silent_keychain_asks_to_be_unlocked() {
        let after = Duration::from_secs(5);
        for problem in [
            banner(KeychainError::Locked),
            banner(KeychainError::TimedOut { after }),
        ] {
            assert!(
                problem.message.starts_with("Unlock your keychain"),
                "{problem:?}"
            );
            assert_eq!(problem.action, ProblemAction::UnlockKeychain);
        }
        assert_eq!(banner(KeychainError::Locked).code, "keychain_locked");
    }

    #[test]
    fn a_missing_keychain_is_not_an_unlock_and_shows_no_platform_text() {
        let detail = "org.freedesktop.secrets was not provided by any .service files";
        let missing = banner(KeychainError::Unavailable {
            detail: detail.into(),
        });
        assert_eq!(missing.code, "keychain_unavailable");
        assert_eq!(missing.action, ProblemAction::Retry);
        assert!(
            !missing.message.to_lowercase().contains("unlock"),
            "{missing:?}"
        );
        assert!(!missing.message.contains("freedesktop"), "{missing:?}");
        let other = banner(KeychainError::Other {
            detail: detail.into(),
        });
        assert!(!other.message.contains("freedesktop"), "{other:?}");
    }

    #[test]
    fn platform_text_stays_out_of_the_sentence_and_a_failed_attempt_reads_like_the_banner() {
        let detail = "org.freedesktop.DBus.Error.ServiceUnknown: no such name";
        let e = AuthError::Keychain(KeychainError::Unavailable {
            detail: detail.into(),
        });
        let error = crate::app::ErrorDto::from(&e);
        let problem = from_error(&e).expect("a keychain banner");
        assert_eq!(error.message, problem.message);
        assert_eq!(error.code, problem.code);
        assert!(!error.message.contains("org.freedesktop"), "{error:?}");
        assert!(
            error.detail.as_deref().is_some_and(|d| d.contains(detail)),
            "{error:?}"
        );
        assert_eq!(problem.action_label, "Retry");
        assert_eq!(
            connection_ended("Spotify ended it.").action_label,
            "Reconnect"
        );
    }
}
