//! The desktop app's behaviour, without the GUI toolkit: one place that owns the account, the
//! pending sign-in and the standing problem, and that every window command and tray action
//! goes through. The shell (gui/) only adapts it to Tauri; the tests drive it directly.
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::dto::{AccountDto, AppStatus, Connection, ErrorDto, Problem, SignInDto};
use super::problem;
use super::sink::StatusSink;
use crate::auth::cache::SignedOutReason;
use crate::auth::sign_in::SignInObserver;
use crate::auth::vault::Vault;
use crate::auth::{
    Account, AuthError, Browser, CancelHandle, Config, CredentialStore, Env, Overrides, Paths,
    Settings, Status,
};

#[derive(Clone)]
pub struct Controller {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) paths: Paths,
    env: Env,
    store: Arc<dyn CredentialStore>,
    pub(super) browser: Arc<dyn Browser>,
    pub(super) sink: Arc<dyn StatusSink>,
    shared: Mutex<Shared>,
    /// Wakes the refresher early: after a sign-in, a sign-out, a Retry or new settings.
    pub(super) wake: Notify,
    publishing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Shared {
    /// None until a client ID is configured (first run) or after "Forget app credentials".
    account: Option<Arc<Account>>,
    /// A configuration that exists but cannot be used (bad URL in the environment…).
    config_error: Option<ErrorDto>,
    pending: Option<Pending>,
    problem: Option<Problem>,
    last_error: Option<ErrorDto>,
    /// The last status sent, with revision 0 (compared for changes).
    last_sent: Option<AppStatus>,
    revision: u64,
    attempts: u64,
}

struct Pending {
    attempt: u64,
    url: Option<String>,
    started_at: u64,
    cancel: CancelHandle,
}

fn setup_needed_error() -> ErrorDto {
    ErrorDto::new(
        "setup_needed",
        "Add your Spotify app's Client ID first (the setup screen shows how to create one).",
    )
}

impl Controller {
    pub fn new(
        paths: Paths,
        env: Env,
        store: Arc<dyn CredentialStore>,
        browser: Arc<dyn Browser>,
        sink: Arc<dyn StatusSink>,
    ) -> Self {
        let controller = Self {
            inner: Arc::new(Inner {
                paths,
                env,
                store,
                browser,
                sink,
                shared: Mutex::new(Shared::default()),
                wake: Notify::new(),
                publishing: tokio::sync::Mutex::new(()),
            }),
        };
        controller.reload_account();
        controller
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        // A panic elsewhere must not take the whole app down with a poisoned lock.
        self.inner
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn account(&self) -> Option<Arc<Account>> {
        self.shared().account.clone()
    }

    pub fn vault(&self) -> Vault {
        Vault::new(Arc::clone(&self.inner.store))
    }

    pub fn settings_file(&self) -> Settings {
        Settings::load(&self.inner.paths.config_dir)
    }

    /// (Re)reads settings + environment into a fresh Account; a missing client ID is first run.
    /// Callers that change it later wake the refresher themselves.
    pub(super) fn reload_account(&self) {
        let settings = self.settings_file();
        let resolved =
            Config::resolve(&Overrides::default(), &self.inner.env, &settings).and_then(|config| {
                Account::new(
                    config,
                    self.inner.paths.clone(),
                    Arc::clone(&self.inner.store),
                )
            });
        let mut shared = self.shared();
        shared.pending = None;
        shared.problem = None;
        match resolved {
            Ok(account) => {
                shared.account = Some(Arc::new(account));
                shared.config_error = None;
            }
            Err(AuthError::MissingClientId) => {
                shared.account = None;
                shared.config_error = None;
            }
            Err(e) => {
                shared.account = None;
                shared.config_error = Some(ErrorDto::from(&e));
            }
        }
    }

    /// What the status is made of besides the account's own state.
    fn parts(&self) -> (Option<Arc<Account>>, Parts) {
        let s = self.shared();
        let parts = Parts {
            sign_in: s.pending.as_ref().map(|p| SignInDto {
                url: p.url.clone(),
                started_at: p.started_at,
            }),
            problem: s.problem.clone(),
            last_error: s.last_error.clone(),
            config_error: s.config_error.clone(),
        };
        (s.account.clone(), parts)
    }

    /// The whole picture for the window and tray. Reads the keychain and the profile cache;
    /// no network request.
    pub async fn status(&self) -> AppStatus {
        match self.parts() {
            (Some(account), parts) => {
                let read = account.status().await;
                compose(&account, read, parts)
            }
            (None, parts) => setup_needed(parts),
        }
    }

    /// The status from the caches alone (no keychain read): what a new window paints first.
    pub fn cached_status(&self) -> AppStatus {
        match self.parts() {
            (Some(account), parts) => compose(&account, Ok(account.cached_status()), parts),
            (None, parts) => setup_needed(parts),
        }
    }

    /// Sends the status to the sink when it changed; returns it with its revision. One at a
    /// time, so what is sent is always at least as new as what was sent before.
    pub async fn publish(&self) -> AppStatus {
        let _turn = self.inner.publishing.lock().await;
        let mut status = self.status().await;
        let changed = {
            let mut s = self.shared();
            let changed = s.last_sent.as_ref() != Some(&status);
            if changed {
                s.revision += 1;
                s.last_sent = Some(status.clone());
            }
            status.revision = s.revision;
            changed
        };
        if changed {
            self.inner.sink.status_changed(&status);
        }
        status
    }

    /// The last status sent, if any (for a window being opened: no keychain read).
    pub fn last_status(&self) -> Option<AppStatus> {
        let s = self.shared();
        s.last_sent.clone().map(|mut status| {
            status.revision = s.revision;
            status
        })
    }

    /// What the window shows at once: the last status sent (kept current by every change
    /// in this process) or, before any, the cached one; then a fresh keychain read in the
    /// background — an event follows if anything changed (say, `spotkey logout` in a terminal).
    pub async fn status_now(&self) -> AppStatus {
        let shown = self.last_status().unwrap_or_else(|| self.cached_status());
        let this = self.clone();
        tokio::spawn(async move {
            this.publish().await;
        });
        shown
    }

    fn set_problem(&self, problem: Option<Problem>) {
        self.shared().problem = problem;
    }

    fn set_last_error(&self, error: Option<ErrorDto>) {
        self.shared().last_error = error;
    }

    /// Starts a sign-in in the background and returns at once (connection = "connecting");
    /// progress and the end arrive through the sink. A second call while one is pending
    /// returns the pending one.
    pub async fn sign_in(&self) -> Result<AppStatus, ErrorDto> {
        let account = self.account().ok_or_else(setup_needed_error)?;
        let started = {
            let mut s = self.shared();
            if s.pending.is_some() {
                None
            } else {
                s.attempts += 1;
                let cancel = CancelHandle::new();
                s.pending = Some(Pending {
                    attempt: s.attempts,
                    url: None,
                    started_at: crate::auth::session::now_unix(),
                    cancel: cancel.clone(),
                });
                s.last_error = None;
                Some((s.attempts, cancel))
            }
        };
        let Some((attempt, cancel)) = started else {
            return Ok(self.status().await);
        };
        let this = self.clone();
        tokio::spawn(async move {
            let observer = UrlObserver {
                controller: this.clone(),
                attempt,
            };
            let result = account
                .sign_in(this.inner.browser.as_ref(), &observer, &cancel)
                .await;
            this.finish_sign_in(attempt, result).await;
        });
        Ok(self.publish().await)
    }

    async fn finish_sign_in(
        &self,
        attempt: u64,
        result: Result<crate::auth::SignInOutcome, AuthError>,
    ) {
        {
            let mut s = self.shared();
            if s.pending.as_ref().is_some_and(|p| p.attempt == attempt) {
                s.pending = None;
            }
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
                    &format!("spotkey is signed in as {name}."),
                );
                self.inner.wake.notify_one();
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
        self.publish().await;
    }

    fn url_ready(&self, attempt: u64, url: &str) {
        let mut s = self.shared();
        if let Some(p) = s.pending.as_mut().filter(|p| p.attempt == attempt) {
            p.url = Some(url.to_string());
        }
        drop(s);
        let this = self.clone();
        tokio::spawn(async move {
            this.publish().await;
        });
    }

    /// Takes the pending sign-in's cancel handle (Quit ends a pending wait cleanly).
    pub(super) fn shared_cancel_pending(&self) -> Option<CancelHandle> {
        self.shared().pending.take().map(|p| p.cancel)
    }

    pub async fn cancel_sign_in(&self) -> AppStatus {
        let pending = self.shared().pending.take();
        if let Some(p) = pending {
            p.cancel.cancel();
        }
        self.publish().await
    }

    /// The pending authorize URL (to copy or open again).
    pub fn sign_in_link(&self) -> Option<String> {
        self.shared().pending.as_ref().and_then(|p| p.url.clone())
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

    /// Retry after "offline" or a keychain problem: renew now if due, fetch the profile.
    pub async fn retry(&self) -> AppStatus {
        if let Some(account) = self.account() {
            let result = account.retry_now().await;
            self.apply_refresh(&account, result, true).await;
        }
        self.inner.wake.notify_one();
        self.publish().await
    }

    /// Keeps `problem` in line with a token attempt. Returns whether a session exists.
    pub(super) async fn apply_refresh(
        &self,
        account: &Account,
        result: Result<crate::auth::secret::AccessToken, AuthError>,
        fetch_profile: bool,
    ) -> bool {
        let was_signed_in = self
            .shared()
            .last_sent
            .as_ref()
            .is_some_and(|s| s.connection == Connection::SignedIn);
        match result {
            Ok(_) => {
                let offline = account.offline_until().await.map(|_| problem::offline());
                self.set_problem(offline);
                if fetch_profile {
                    if let Err(e) = account.refresh_profile().await {
                        tracing::debug!(code = e.code(), "profile not refreshed");
                    }
                }
                true
            }
            Err(AuthError::NotSignedIn) => {
                self.set_problem(None);
                false
            }
            Err(AuthError::ConnectionEnded) => {
                self.set_problem(None);
                if was_signed_in {
                    self.inner.sink.notify(
                        "Spotify connection lost",
                        "Spotify ended spotkey's connection. Open spotkey to reconnect.",
                    );
                }
                false
            }
            Err(e) => {
                self.set_problem(problem::from_error(&e));
                true
            }
        }
    }

    /// Local sign-out: keychain entries and cached profile go (Spotify has no revoke API).
    pub async fn sign_out(&self) -> Result<AppStatus, ErrorDto> {
        let pending = self.shared().pending.take();
        if let Some(p) = pending {
            p.cancel.cancel();
        }
        if let Some(account) = self.account() {
            account.sign_out().await.map_err(ErrorDto::from)?;
        } else {
            let service = self.inner.env.keychain_service_name();
            crate::auth::account::sign_out_local(&self.inner.paths, &service, &self.vault())
                .await
                .map_err(ErrorDto::from)?;
        }
        self.set_problem(None);
        self.set_last_error(None);
        self.inner.wake.notify_one();
        Ok(self.publish().await)
    }
}

struct Parts {
    sign_in: Option<SignInDto>,
    problem: Option<Problem>,
    last_error: Option<ErrorDto>,
    config_error: Option<ErrorDto>,
}

fn setup_needed(parts: Parts) -> AppStatus {
    AppStatus {
        setup_needed: true,
        last_error: parts.config_error.or(parts.last_error),
        ..AppStatus::placeholder()
    }
}

fn compose(account: &Account, read: Result<Status, AuthError>, parts: Parts) -> AppStatus {
    let Parts {
        sign_in,
        problem,
        last_error,
        ..
    } = parts;
    let (connection, account_dto, problem) = match read {
        Ok(Status::SignedIn(s)) => (
            Connection::SignedIn,
            Some(AccountDto::from_signed_in(&s)),
            problem,
        ),
        Ok(Status::SignedOut { reason }) => {
            let ended = reason
                .filter(|r| *r == SignedOutReason::ConnectionEnded)
                .map(|r| problem::connection_ended(r.message()));
            // "Offline" means nothing without a session; an ended connection says why.
            let problem = problem.filter(|p| p.kind != super::dto::ProblemKind::Offline);
            (Connection::SignedOut, None, problem.or(ended))
        }
        Err(e) => (Connection::SignedOut, None, problem::from_error(&e)),
    };
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
