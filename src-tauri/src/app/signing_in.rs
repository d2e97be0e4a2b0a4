//! The desktop sign-in's lifecycle. `PendingSignIn` lives in one slot of the controller; it
//! is put there only by `sign_in` and taken out only by `finish_sign_in` (the attempt ended
//! by itself), `end_sign_in` (cancel, sign-out, quit) or the account swap of new settings.
//! Every one of them wakes the refresher, which holds off while a sign-in is pending.
use super::controller::{setup_needed_error, Controller};
use super::dto::{AppStatus, ErrorDto};
use super::pending::{PendingSignIn, Running};
use super::problem;
use crate::auth::sign_in::SignInObserver;
use crate::auth::{Account, AuthError, SignInOutcome};
use std::sync::Arc;

impl Controller {
    /// Starts a sign-in in the background and returns at once (connection = "connecting");
    /// progress and the end arrive through the sink. A second call while one is pending
    /// returns the pending one.
    pub async fn sign_in(&self) -> Result<AppStatus, ErrorDto> {
        let account = self.account().ok_or_else(setup_needed_error)?;
        {
            let mut s = self.shared();
            if s.pending.is_none() {
                s.attempts = s.attempts.wrapping_add(1);
                s.last_error = None;
                let started_at = crate::auth::session::now_unix();
                // Spawned under the lock: the task reports back through the same lock, so it
                // always finds its attempt in the slot.
                s.pending = Some(PendingSignIn::start(s.attempts, started_at, |running| {
                    tokio::spawn(self.clone().run_sign_in(account, running))
                }));
            }
        }
        Ok(self.publish().await)
    }

    async fn run_sign_in(self, account: Arc<Account>, running: Running) {
        let Running {
            attempt,
            cancel,
            stopped,
        } = running;
        let observer = UrlObserver {
            controller: self.clone(),
            attempt,
        };
        let result = account
            .sign_in(self.inner.browser.as_ref(), &observer, &cancel)
            .await;
        drop(stopped); // the listener is closed: whoever ends this attempt may go on
                       // Taken while the attempt is still pending: its outcome is never half announced.
        let _working = self.working();
        self.finish_sign_in(attempt, result).await;
    }

    /// The attempt ended by itself. If it was ended from outside first (cancelled, replaced),
    /// its outcome is not announced: that end already decided what the user sees.
    async fn finish_sign_in(&self, attempt: u64, result: Result<SignInOutcome, AuthError>) {
        let ended = {
            let mut s = self.shared();
            s.pending.take_if(|p| p.attempt() == attempt)
        };
        if ended.is_none() {
            tracing::debug!("a sign-in that was already ended has stopped");
            return;
        }
        match result {
            Ok(outcome) => {
                self.set_problem(None);
                let name = outcome
                    .profile
                    .as_ref()
                    .map_or("your Spotify account", |p| p.name())
                    .to_string();
                tracing::info!("desktop sign-in finished");
                self.inner.sink.notify(
                    "Connected to Spotify",
                    &format!(
                        "spotkey is signed in as {}.",
                        crate::inert::line(&name, crate::inert::NAME)
                    ),
                );
            }
            // The user's own choice is not an error to show.
            Err(AuthError::Cancelled) => {}
            Err(e) => {
                tracing::info!(code = e.code(), "desktop sign-in did not finish");
                // A keychain failure stays a banner (how to unlock); the rest is this attempt's.
                if matches!(e, AuthError::Keychain(_)) {
                    self.set_problem(problem::from_error(&e));
                }
                self.set_last_error(Some(ErrorDto::from(&e)));
            }
        }
        self.inner.wake.notify_one();
        self.publish().await;
    }

    /// Ends the pending sign-in, if any, from outside: cancels it, returns once its listener
    /// is closed (bounded), and wakes the refresher. Its outcome, if any, is dropped.
    pub(super) async fn end_sign_in(&self) {
        let pending = self.shared().pending.take();
        if let Some(pending) = pending {
            pending.close().await;
            self.inner.wake.notify_one();
        }
    }

    pub async fn cancel_sign_in(&self) -> AppStatus {
        self.end_sign_in().await;
        self.publish().await
    }

    pub(super) fn is_signing_in(&self) -> bool {
        self.shared().pending.is_some()
    }

    fn url_ready(&self, attempt: u64, url: &str) {
        let mut s = self.shared();
        if let Some(p) = s.pending.as_mut().filter(|p| p.attempt() == attempt) {
            p.set_url(url);
        }
        drop(s);
        let this = self.clone();
        tokio::spawn(async move {
            this.publish().await;
        });
    }

    /// The pending authorize URL (to copy or open again).
    pub fn sign_in_link(&self) -> Option<String> {
        let s = self.shared();
        s.pending.as_ref().and_then(|p| p.url().map(String::from))
    }

    pub fn open_sign_in_link(&self) -> Result<(), ErrorDto> {
        let url = self.sign_in_link().ok_or_else(|| {
            ErrorDto::new(
                "no_sign_in",
                "No sign-in is waiting. Press Connect Spotify to start one.",
            )
        })?;
        self.inner.browser.open(&url).map_err(|e| {
            ErrorDto::new(
                "browser_failed",
                format!("{e}. Copy the link and open it in your browser."),
            )
        })
    }
}

/// Puts the authorize URL into the status as soon as it exists.
struct UrlObserver {
    controller: Controller,
    attempt: u64,
}

impl SignInObserver for UrlObserver {
    fn url_ready(&self, url: &str) {
        self.controller.url_ready(self.attempt, url);
    }

    fn browser_failed(&self, error: &str) {
        tracing::warn!(
            error,
            "could not open the system browser; the link is on screen"
        );
    }
}
