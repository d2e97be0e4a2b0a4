//! Keeps the access token fresh in the background: confirms the session silently at start,
//! then sleeps until the next refresh is due (the only timer that wakes an idle spotkey).
use std::time::Duration;

use tokio::time::Instant;

use super::controller::Controller;
use super::dto::{AppStatus, ProblemAction};
use super::tray_menu::TrayAction;

/// When a try could not even read the keychain, look again after this long.
const RECHECK_AFTER_PROBLEM: Duration = Duration::from_secs(60);
/// While the keychain waits to be unlocked: soon enough that the app carries on by itself
/// moments after the user unlocks it, rare enough to cost nothing (one failed call each time;
/// a call stuck on a password prompt makes the next ones fail at once, without a new prompt).
const RECHECK_WHILE_LOCKED: Duration = Duration::from_secs(3);
/// While a sign-in is pending the refresher holds off (a refresh could overwrite the grant
/// being stored); the sign-in's end wakes it, and this bounds the wait all the same.
const RECHECK_WHILE_SIGNING_IN: Duration = Duration::from_secs(30);

/// The shortest sleep between two tries, however due a session says it is.
const MIN_WAIT: Duration = Duration::from_secs(1);

/// What a tray action asks of the shell after the controller did its part.
#[derive(Debug, PartialEq, Eq)]
pub enum TrayOutcome {
    Done,
    OpenWindow,
    Quit,
}

impl Controller {
    /// Runs forever; the shell spawns it once (single instance: one refresher per user).
    /// `first_after`: how long the first silent check waits (a wake-up starts it sooner).
    pub async fn keep_fresh(self, first_after: Duration) {
        self.keep_fresh_from(first_after, true).await;
    }

    /// For the app started again in the tray after its window closed: the window's process
    /// read the profile already, so the first check only confirms the session.
    pub async fn keep_fresh_after_restart(self) {
        self.keep_fresh_from(Duration::ZERO, false).await;
    }

    async fn keep_fresh_from(self, first_after: Duration, profile_first: bool) {
        if !first_after.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(first_after) => {}
                _ = self.inner.wake.notified() => {}
            }
        }
        let mut fetch_profile = profile_first;
        loop {
            let next = self.refresh_once(fetch_profile).await;
            fetch_profile = false;
            self.wait_until_due(next).await;
        }
    }

    /// Sleeps `next` long (None: until woken). When another process signed in or out, the
    /// timer is re-armed from the session now in memory: sooner if that one is due sooner,
    /// never later, and no refresh comes from the re-arming itself.
    async fn wait_until_due(&self, next: Option<Duration>) {
        let mut deadline = next.and_then(|wait| Instant::now().checked_add(wait));
        loop {
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = sleep => return,
                _ = self.inner.wake.notified() => return,
                _ = self.inner.rearm.notified() => {
                    let due = match self.account() {
                        Some(account) => account.refresh_due_in().await,
                        None => None,
                    };
                    let at = due.and_then(|d| Instant::now().checked_add(d.max(MIN_WAIT)));
                    deadline = match (deadline, at) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
        }
    }

    /// One silent check: a valid token (refreshed when due), the profile at start, the
    /// problem banner kept in line. Returns how long to sleep, or None to wait for a wake-up.
    pub async fn refresh_once(&self, fetch_profile: bool) -> Option<Duration> {
        let _working = self.working();
        let account = self.account()?;
        if self.is_signing_in() {
            self.publish().await;
            return Some(RECHECK_WHILE_SIGNING_IN);
        }
        let result = account.access_token().await;
        let failed = result.is_err();
        let has_session = self.apply_refresh(&account, result, fetch_profile).await;
        let shown = self.publish().await;
        if waits_for_unlock(&shown) {
            return Some(RECHECK_WHILE_LOCKED);
        }
        if !has_session {
            return None;
        }
        match account.refresh_due_in().await {
            Some(due) => Some(due.max(MIN_WAIT)),
            None if failed => Some(RECHECK_AFTER_PROBLEM),
            None => None,
        }
    }

    /// A tray menu item, through the same code as the window's buttons.
    pub async fn handle_tray(&self, action: TrayAction) -> TrayOutcome {
        match action {
            TrayAction::Connect => match self.sign_in().await {
                Ok(_) => TrayOutcome::Done,
                // First run: the window has the setup steps.
                Err(_) => TrayOutcome::OpenWindow,
            },
            TrayAction::SignOut => match self.sign_out().await {
                Ok(_) => TrayOutcome::Done,
                Err(_) => TrayOutcome::OpenWindow,
            },
            TrayAction::Open => TrayOutcome::OpenWindow,
            TrayAction::Quit => {
                // The listener closes before the process goes.
                self.end_sign_in().await;
                TrayOutcome::Quit
            }
        }
    }
}

/// The banner asks the user to unlock the keychain: look again soon.
fn waits_for_unlock(shown: &AppStatus) -> bool {
    shown
        .problem
        .as_ref()
        .is_some_and(|p| p.action == ProblemAction::UnlockKeychain)
}
