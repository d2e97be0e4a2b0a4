//! A locked keychain, in the desktop app, is something the user fixes: the window says
//! "Unlock your keychain" while the prompt is theirs to answer, no command waits longer than the
//! keychain's own deadline, and the app carries on by itself as soon as it is unlocked.
mod support;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use spotkey::app::Connection;
use spotkey::auth::{CredentialStore, KeychainError, KeychainStore};
use support::app::{app_on, App, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use zeroize::Zeroizing;

/// A command may wait this long for a keychain that does not answer: the keychain's own
/// 5 s deadline, plus room for a slow CI machine.
const COMMAND_DEADLINE: Duration = Duration::from_secs(9);

/// A keychain that can be locked. `Refusing`: every call fails at once, as a locked Secret
/// Service without a display does. `Prompting`: every call waits, as one showing a password
/// prompt does (the real keychain cannot be made to wait for a prompt in CI).
struct LockableStore {
    inner: KeychainStore,
    lock: Mutex<Lock>,
    changed: Condvar,
}

#[derive(Clone, Copy, PartialEq)]
enum Lock {
    Open,
    Refusing,
    Prompting,
}

impl LockableStore {
    fn new(inner: KeychainStore) -> Self {
        Self {
            inner,
            lock: Mutex::new(Lock::Open),
            changed: Condvar::new(),
        }
    }

    fn set(&self, lock: Lock) {
        *self.lock.lock().unwrap() = lock;
        self.changed.notify_all();
    }

    /// Waits while "prompting" (at most a minute, so a failed test cannot hang for ever).
    fn gate(&self) -> Result<(), KeychainError> {
        let mut lock = self.lock.lock().unwrap();
        let give_up = Instant::now() + Duration::from_secs(60);
        loop {
            match *lock {
                Lock::Open => return Ok(()),
                Lock::Refusing => return Err(KeychainError::Locked),
                Lock::Prompting if Instant::now() > give_up => return Err(KeychainError::Locked),
                Lock::Prompting => {
                    lock = self
                        .changed
                        .wait_timeout(lock, Duration::from_secs(1))
                        .unwrap()
                        .0
                }
            }
        }
    }
}

impl CredentialStore for LockableStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
        self.gate()?;
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.gate()?;
        self.inner.set(key, value)
    }
    fn delete(&self, key: &str) -> Result<(), KeychainError> {
        self.gate()?;
        self.inner.delete(key)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// The last status the window was sent.
fn last_event(app: &App) -> serde_json::Value {
    let events = app.recorder.events.lock().unwrap();
    serde_json::from_str(events.last().expect("a status event")).unwrap()
}

async fn wait_for_event(
    app: &App,
    within: Duration,
    what: &str,
    ok: impl Fn(&serde_json::Value) -> bool,
) {
    let deadline = Instant::now() + within;
    loop {
        if !app.recorder.events.lock().unwrap().is_empty() && ok(&last_event(app)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the window was never shown {what} within {within:?}; last: {}",
            last_event(app)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn asks_to_unlock(status: &serde_json::Value) -> bool {
    let problem = &status["problem"];
    problem["action"] == "unlock_keychain"
        && problem["message"]
            .as_str()
            .is_some_and(|m| m.contains("Unlock your keychain"))
}

fn signed_in_without_problem(status: &serde_json::Value) -> bool {
    status["connection"] == "signed_in" && status["problem"].is_null()
}

/// Signed in, then the keychain locks; the background refresher runs.
async fn locked_after_sign_in(
    lock: Lock,
) -> (
    FakeSpotify,
    TestHome,
    App,
    Arc<LockableStore>,
    tokio::task::JoinHandle<()>,
) {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let store = Arc::new(LockableStore::new(KeychainStore::new(home.service.clone())));
    let app = app_on(&home, &fake, Some("test-client"), store.clone());
    app.signed_in().await;
    store.set(lock);
    let refresher = tokio::spawn(app.controller.clone().keep_fresh(Duration::ZERO));
    (fake, home, app, store, refresher)
}

/// The user unlocks: with no action of theirs the window shows the account again. The
/// refresher looks every few seconds (a minute would be too long to stare at); the bound
/// leaves room for a slow machine.
async fn carries_on_once_unlocked(
    app: &App,
    store: &LockableStore,
    refresher: tokio::task::JoinHandle<()>,
) {
    store.set(Lock::Open);
    wait_for_event(
        app,
        Duration::from_secs(20),
        "signed in again",
        signed_in_without_problem,
    )
    .await;
    refresher.abort();
}

#[tokio::test]
async fn a_locked_keychain_asks_to_unlock_and_the_app_carries_on_once_it_is() {
    let (_fake, _home, app, store, refresher) = locked_after_sign_in(Lock::Refusing).await;

    wait_for_event(&app, WAIT, "the unlock banner", asks_to_unlock).await;
    assert_eq!(last_event(&app)["problem"]["code"], "keychain_locked");

    carries_on_once_unlocked(&app, &store, refresher).await;
}

#[tokio::test]
async fn a_keychain_waiting_for_its_password_prompt_never_freezes_the_app() {
    let (_fake, _home, app, store, refresher) = locked_after_sign_in(Lock::Prompting).await;

    wait_for_event(&app, COMMAND_DEADLINE, "the unlock banner", asks_to_unlock).await;
    let started = Instant::now();
    let (status, retried, settings, shown) = tokio::join!(
        app.controller.status(),
        app.controller.retry(),
        app.controller.settings(),
        app.controller.status_now(),
    );
    assert!(
        started.elapsed() < COMMAND_DEADLINE,
        "commands took {:?} with a keychain waiting for its prompt",
        started.elapsed()
    );
    let problem = status.problem.expect("the unlock banner");
    assert!(
        problem.message.contains("Unlock your keychain"),
        "{problem:?}"
    );
    assert!(retried.problem.is_some(), "{retried:?}");
    assert!(!settings.scopes.is_empty());
    assert_ne!(shown.connection, Connection::Connecting);

    carries_on_once_unlocked(&app, &store, refresher).await;
}
