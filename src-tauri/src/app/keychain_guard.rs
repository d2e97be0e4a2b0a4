//! The desktop app's keychain, with patience for a password prompt. A locked Secret Service
//! with a display holds a call until the user answers its prompt; the vault gives up after its
//! deadline but the blocking call goes on. While such a call is outstanding, new calls fail at
//! once (no pile of blocked threads, no second prompt), and when it finally returns — the
//! user unlocked — the refresher is woken so the app carries on by itself.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::Notify;
use zeroize::Zeroizing;

use crate::auth::vault::KEYCHAIN_TIMEOUT;
use crate::auth::{CredentialStore, KeychainError};

pub(super) struct PatientKeychain {
    inner: Arc<dyn CredentialStore>,
    calls: Mutex<Calls>,
    /// Notified when a call that outlived the deadline returns.
    answered: Arc<Notify>,
}

#[derive(Default)]
struct Calls {
    next: u64,
    /// Calls under way, by id, with when each started.
    started: BTreeMap<u64, Instant>,
}

impl Calls {
    fn one_is_stuck(&self, now: Instant) -> bool {
        self.started
            .values()
            .any(|t| now.saturating_duration_since(*t) >= KEYCHAIN_TIMEOUT)
    }
}

impl PatientKeychain {
    pub fn new(inner: Arc<dyn CredentialStore>, answered: Arc<Notify>) -> Self {
        Self {
            inner,
            calls: Mutex::new(Calls::default()),
            answered,
        }
    }

    fn calls(&self) -> MutexGuard<'_, Calls> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn call<T>(
        &self,
        op: impl FnOnce(&dyn CredentialStore) -> Result<T, KeychainError>,
    ) -> Result<T, KeychainError> {
        let id = {
            let mut calls = self.calls();
            if calls.one_is_stuck(Instant::now()) {
                return Err(KeychainError::TimedOut {
                    after: KEYCHAIN_TIMEOUT,
                });
            }
            calls.next = calls.next.wrapping_add(1);
            let id = calls.next;
            calls.started.insert(id, Instant::now());
            id
        };
        let result = op(self.inner.as_ref());
        let outlived_the_deadline = {
            let mut calls = self.calls();
            let started = calls.started.remove(&id);
            started.is_some_and(|t| t.elapsed() >= KEYCHAIN_TIMEOUT)
        };
        if outlived_the_deadline {
            tracing::info!("the keychain answered after a wait (unlocked?)");
            self.answered.notify_one();
        }
        result
    }
}

impl CredentialStore for PatientKeychain {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
        self.call(|s| s.get(key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.call(|s| s.set(key, value))
    }

    fn delete(&self, key: &str) -> Result<(), KeychainError> {
        self.call(|s| s.delete(key))
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::MemoryStore;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Blocks every call until told to go on.
    struct Prompting {
        go: Mutex<mpsc::Receiver<()>>,
    }

    impl CredentialStore for Prompting {
        fn get(&self, _: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
            let _ = self
                .go
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(30));
            Ok(None)
        }
        fn set(&self, _: &str, _: &str) -> Result<(), KeychainError> {
            Ok(())
        }
        fn delete(&self, _: &str) -> Result<(), KeychainError> {
            Ok(())
        }
        fn describe(&self) -> String {
            "prompting".into()
        }
    }

    #[test]
    fn calls_pass_through_while_the_keychain_answers() {
        let store = PatientKeychain::new(Arc::new(MemoryStore::default()), Arc::default());
        store.set("k", "v").unwrap();
        assert_eq!(
            store.get("k").unwrap().as_deref().map(String::as_str),
            Some("v")
        );
        store.delete("k").unwrap();
        assert!(store.calls().started.is_empty());
    }

    #[test]
    fn a_stuck_call_makes_others_fail_fast_and_its_answer_wakes_the_app() {
        let (go, wait) = mpsc::channel();
        let answered = Arc::new(Notify::new());
        let store = Arc::new(PatientKeychain::new(
            Arc::new(Prompting {
                go: Mutex::new(wait),
            }),
            answered.clone(),
        ));
        // Pretend the first call started longer ago than the deadline.
        let stuck = {
            let store = store.clone();
            std::thread::spawn(move || store.get("k"))
        };
        while store.calls().started.is_empty() {
            std::thread::yield_now();
        }
        for started in store.calls().started.values_mut() {
            *started = Instant::now()
                .checked_sub(KEYCHAIN_TIMEOUT)
                .unwrap_or_else(Instant::now);
        }
        let fast = store.set("k", "v").unwrap_err();
        assert_eq!(fast.code(), "keychain_timeout");

        go.send(()).unwrap();
        assert!(stuck.join().unwrap().is_ok());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let woken = rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(1), answered.notified()).await
        });
        assert!(woken.is_ok(), "the stored permit wakes the refresher");
        store.set("k", "v").unwrap();
    }
}
