//! Composes the one status the window and tray show from the account's own state and what
//! the controller knows besides (a pending sign-in, a standing problem, the last error).
use super::dto::{AccountDto, AppStatus, Connection, ErrorDto, Problem, ProblemKind, SignInDto};
use super::problem;
use crate::auth::cache::SignedOutReason;
use crate::auth::{Account, AuthError, Status};

/// What the status is made of besides the account's own state.
pub(super) struct Parts {
    pub sign_in: Option<SignInDto>,
    pub problem: Option<Problem>,
    pub last_error: Option<ErrorDto>,
    pub config_error: Option<ErrorDto>,
}

pub(super) fn setup_needed(parts: Parts) -> AppStatus {
    AppStatus {
        setup_needed: true,
        last_error: parts.config_error.or(parts.last_error),
        ..AppStatus::placeholder()
    }
}

/// `read`: the keychain's answer. When the keychain cannot answer (locked, waiting for its
/// password prompt), the cached summary says who is signed in and the banner says why the
/// keychain is needed — the window never shows "signed out" just because of a lock.
pub(super) fn compose(
    account: &Account,
    read: Result<Status, AuthError>,
    parts: Parts,
) -> AppStatus {
    let Parts {
        sign_in,
        mut problem,
        last_error,
        ..
    } = parts;
    let read = read.unwrap_or_else(|e| {
        problem = problem::from_error(&e).or(problem.take());
        account.cached_status()
    });
    let (connection, account_dto) = match read {
        Status::SignedIn(s) => (Connection::SignedIn, Some(AccountDto::from_signed_in(&s))),
        Status::SignedOut { reason } => {
            let ended = reason
                .filter(|r| *r == SignedOutReason::ConnectionEnded)
                .map(|r| problem::connection_ended(r.message()));
            // "Offline" means nothing without a session; an ended connection says why.
            problem = problem.filter(|p| p.kind != ProblemKind::Offline).or(ended);
            (Connection::SignedOut, None)
        }
    };
    // One error shows once: an attempt that failed for the reason the banner already gives
    // (a locked keychain, say) adds nothing below it.
    let last_error = last_error.filter(|e| problem.as_ref().is_none_or(|p| p.code != e.code));
    AppStatus {
        revision: 0,
        setup_needed: false,
        client_id: Some(account.config().client_id.as_str().to_string()),
        connection: if sign_in.is_some() {
            Connection::Connecting
        } else {
            connection
        },
        problem,
        account: account_dto,
        sign_in,
        last_error,
    }
}
