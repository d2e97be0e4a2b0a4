//! Following what another spotkey process changed (`spotkey login`, `logout`, a refresh by
//! `token`): from two readings of the token-free cache files and whether the window already
//! shows what they say, what the desktop app has to do. Pure: no files, keychain or clock.
use crate::auth::cache::CacheFiles;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Follow {
    /// The window already shows this (the app's own write, or a burst that ended where it
    /// began): no keychain call, no event.
    Nothing,
    /// The same grant with new times or a new profile (another process refreshed the token or
    /// read the profile): show what the files say; the keychain is not needed for that.
    Repaint,
    /// The grant itself changed (signed in, out, or again; Spotify ended it): the keychain
    /// confirms once, and the app's refresh timer follows the session found there.
    Reload,
}

/// What identifies a grant in the summary. Only the keychain can say that it is real.
fn grant(files: &CacheFiles) -> Option<(&str, u64, &[String])> {
    files
        .summary
        .as_ref()
        .map(|s| (s.client_id.as_str(), s.authorized_at, s.scopes.as_slice()))
}

/// `before`: the files as last followed; `now`: as read after a change; `already_shown`: the
/// window shows exactly what `now` describes. Never asks for a refresh: a change made by
/// another process is followed, not repeated.
pub(super) fn decide(before: &CacheFiles, now: &CacheFiles, already_shown: bool) -> Follow {
    if before == now || already_shown {
        Follow::Nothing
    } else if grant(before) != grant(now) || before.signed_out != now.signed_out {
        Follow::Reload
    } else {
        Follow::Repaint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::cache::{SessionSummary, SignedOutReason};

    fn signed_in(authorized_at: u64, expires_at: u64) -> CacheFiles {
        CacheFiles {
            summary: Some(SessionSummary {
                client_id: "client".into(),
                scopes: vec!["user-read-email".into()],
                access_issued_at: expires_at - 3600,
                access_expires_at: expires_at,
                authorized_at,
            }),
            signed_out: None,
            profile: None,
        }
    }

    #[test]
    fn another_process_signing_out_or_in_is_confirmed_by_the_keychain() {
        let connected = signed_in(1_000, 10_000);
        let gone = CacheFiles::default();
        assert_eq!(decide(&connected, &gone, false), Follow::Reload);
        assert_eq!(decide(&gone, &connected, false), Follow::Reload);
        let again = signed_in(2_000, 12_000);
        assert_eq!(decide(&connected, &again, false), Follow::Reload);
        let ended = CacheFiles {
            signed_out: Some(SignedOutReason::ConnectionEnded),
            ..CacheFiles::default()
        };
        assert_eq!(decide(&gone, &ended, false), Follow::Reload);
    }

    #[test]
    fn another_process_refreshing_is_shown_without_the_keychain() {
        let before = signed_in(1_000, 10_000);
        let refreshed = signed_in(1_000, 13_600);
        assert_eq!(decide(&before, &refreshed, false), Follow::Repaint);
    }

    #[test]
    fn what_the_window_already_shows_is_left_alone() {
        let before = signed_in(1_000, 10_000);
        let own_write = CacheFiles::default();
        assert_eq!(decide(&before, &own_write, true), Follow::Nothing);
        assert_eq!(decide(&before, &before.clone(), false), Follow::Nothing);
    }
}
