//! Which banner an error deserves: offline (Retry), keychain (how to unlock), or Spotify ended
//! the connection (Reconnect). Anything else is a one-off error, not a standing problem.
use super::dto::{Problem, ProblemAction, ProblemKind};
use crate::auth::AuthError;

pub fn offline() -> Problem {
    Problem {
        kind: ProblemKind::Offline,
        code: "offline".into(),
        message: "Spotify can't be reached right now, so the access token can't be renewed. \
                  Your sign-in is kept, and spotkey keeps trying by itself."
            .into(),
        action: ProblemAction::Retry,
    }
}

pub fn connection_ended(message: &str) -> Problem {
    Problem {
        kind: ProblemKind::ConnectionEnded,
        code: "connection_ended".into(),
        message: message.into(),
        action: ProblemAction::Reconnect,
    }
}

/// A standing problem for errors that keep happening until something changes.
pub fn from_error(e: &AuthError) -> Option<Problem> {
    match e {
        AuthError::Keychain(k) => Some(Problem {
            kind: ProblemKind::Keychain,
            code: k.code().into(),
            message: e.to_string(),
            action: ProblemAction::UnlockKeychain,
        }),
        AuthError::ConnectionEnded => Some(connection_ended(&e.to_string())),
        e if e.is_temporary() => Some(offline()),
        _ => None,
    }
}
