//! The desktop app's behaviour, without the GUI toolkit: one place that owns the account, the
//! pending sign-in and the standing problem, and that every window command and tray action
//! goes through. The shell (gui/) only adapts it to Tauri; the tests drive it directly.
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::dto::{AppStatus, Connection, ErrorDto, Problem};
use super::keychain_guard::PatientKeychain;
use super::pending::PendingSignIn;
use super::problem;
use super::sink::StatusSink;
use super::status_view::{compose, setup_needed, Parts};
use crate::auth::cache::{Cache, CacheFiles};
use crate::auth::vault::Vault;
use crate::auth::{
    Account, AuthError, Browser, Config, CredentialStore, Env, Overrides, Paths, Settings,
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
    /// Wakes the refresher early: when a sign-in ends, after a sign-out, a Retry or new
    /// settings, and when a keychain that kept a call waiting answers. One waiter (the
    /// refresher), so `notify_one`: its stored permit cannot be missed between two waits.
    pub(super) wake: Arc<Notify>,
    /// Re-arms the refresher's timer from the session in memory, without a refresh: another
    /// process signed in or out (following.rs).
    pub(super) rearm: Notify,
    /// The token-free files as last followed; held while a change is followed, one at a time.
    pub(super) followed: tokio::sync::Mutex<CacheFiles>,
    publishing: tokio::sync::Mutex<()>,
    /// Announces that the controller may have become quiet (quiet.rs).
    pub(super) settled: Notify,
}

/// Where a published status comes from.
pub(super) enum Read {
    /// The keychain (the truth).
    Keychain,
    /// The keychain, and the session kept in memory follows it (another process changed
    /// it); the rest from the files as followed.
    Reload(CacheFiles),
    /// The token-free files alone.
    Files(CacheFiles),
}

#[derive(Default)]
pub(super) struct Shared {
    /// None until a client ID is configured (first run) or after "Forget app credentials".
    account: Option<Arc<Account>>,
    /// A configuration that exists but cannot be used (bad URL in the environment…).
    config_error: Option<ErrorDto>,
    /// The one sign-in in progress (its lifecycle: signing_in.rs).
    pub(super) pending: Option<PendingSignIn>,
    pub(super) problem: Option<Problem>,
    pub(super) last_error: Option<ErrorDto>,
    /// The last status sent, with revision 0 (compared for changes).
    pub(super) last_sent: Option<AppStatus>,
    revision: u64,
    pub(super) attempts: u64,
    /// What of the settings file the account was made from (following.rs compares a changed
    /// file with it: another process's `login --save` or `logout --forget-app`).
    pub(super) account_settings: Settings,
    /// Changes and refreshes in flight (quiet.rs).
    pub(super) working: usize,
}

pub(super) fn setup_needed_error() -> ErrorDto {
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
        let wake = Arc::new(Notify::new());
        let store = Arc::new(PatientKeychain::new(store, Arc::clone(&wake)));
        let followed = Cache::new(&paths.cache_dir).read_all();
        let controller = Self {
            inner: Arc::new(Inner {
                paths,
                env,
                store,
                browser,
                sink,
                shared: Mutex::new(Shared::default()),
                wake,
                rearm: Notify::new(),
                followed: tokio::sync::Mutex::new(followed),
                publishing: tokio::sync::Mutex::new(()),
                settled: Notify::new(),
            }),
        };
        // Nothing can be pending yet.
        drop(controller.reload_account());
        controller
    }

    pub(super) fn shared(&self) -> MutexGuard<'_, Shared> {
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
    /// A sign-in still pending belongs to the old account: it is taken out with the swap and
    /// returned, for the caller to close (see `replace_account`).
    fn reload_account(&self) -> Option<PendingSignIn> {
        let settings = self.settings_file();
        let account_settings = settings.account_part();
        let resolved =
            Config::resolve(&Overrides::default(), &self.inner.env, &settings).and_then(|config| {
                Account::new(
                    config,
                    self.inner.paths.clone(),
                    Arc::clone(&self.inner.store),
                )
            });
        let mut shared = self.shared();
        shared.problem = None;
        shared.account_settings = account_settings;
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
        shared.pending.take()
    }

    /// New settings take effect: a fresh Account, no sign-in of the old one left, the
    /// refresher woken to look at the new state.
    pub(super) async fn replace_account(&self) {
        if let Some(stale) = self.reload_account() {
            stale.close().await;
        }
        self.inner.wake.notify_one();
    }

    /// What the status is made of besides the account's own state.
    pub(super) fn parts(&self) -> (Option<Arc<Account>>, Parts) {
        let s = self.shared();
        let parts = Parts {
            sign_in: s.pending.as_ref().map(PendingSignIn::dto),
            problem: s.problem.clone(),
            last_error: s.last_error.clone(),
            config_error: s.config_error.clone(),
        };
        (s.account.clone(), parts)
    }

    /// The whole picture for the window and tray. Reads the keychain and the profile cache;
    /// no network request.
    pub async fn status(&self) -> AppStatus {
        self.status_from(Read::Keychain).await
    }

    pub(super) async fn status_from(&self, read: Read) -> AppStatus {
        match self.parts() {
            (Some(account), parts) => {
                let read = match read {
                    Read::Keychain => account.status().await,
                    Read::Reload(files) => account.reload(files).await,
                    Read::Files(files) => Ok(account.status_from_files(files)),
                };
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
        self.publish_from(Read::Keychain).await
    }

    pub(super) async fn publish_from(&self, read: Read) -> AppStatus {
        let _turn = self.inner.publishing.lock().await;
        let mut status = self.status_from(read).await;
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
        self.inner.settled.notify_one();
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

    pub(super) fn set_problem(&self, problem: Option<Problem>) {
        self.shared().problem = problem;
    }

    pub(super) fn set_last_error(&self, error: Option<ErrorDto>) {
        self.shared().last_error = error;
    }

    /// Retry after "offline" or a keychain problem: renew now if due, fetch the profile.
    pub async fn retry(&self) -> AppStatus {
        let _working = self.working();
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
    /// A pending sign-in ends first, so no grant it might still store survives the sign-out.
    pub async fn sign_out(&self) -> Result<AppStatus, ErrorDto> {
        let _working = self.working();
        self.end_sign_in().await;
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
