//! The async, time-limited face of the keychain. Every call runs on a blocking thread with a
//! deadline, because a locked Secret Service with a display waits forever for a password prompt
//! (PLATFORM.md). What it stores: the session (refresh token + metadata + cached access token)
//! and, per client ID, an optional client secret.
use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use super::error::KeychainError;
use super::secret::ClientSecret;
use super::session::StoredSession;
use super::store::CredentialStore;

pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);
const SESSION_KEY: &str = "session";
const PROBE_KEY: &str = "probe";

fn client_secret_key(client_id: &str) -> String {
    format!("client-secret:{client_id}")
}

#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn CredentialStore>,
    timeout: Duration,
}

impl Vault {
    pub fn new(store: Arc<dyn CredentialStore>) -> Self {
        Self {
            store,
            timeout: KEYCHAIN_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn describe(&self) -> String {
        self.store.describe()
    }

    async fn run<T, F>(&self, op: F) -> Result<T, KeychainError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn CredentialStore) -> Result<T, KeychainError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        let task = tokio::task::spawn_blocking(move || op(store.as_ref()));
        match tokio::time::timeout(self.timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(KeychainError::Other {
                detail: format!("keychain worker failed: {join}"),
            }),
            Err(_) => Err(KeychainError::TimedOut {
                after: self.timeout,
            }),
        }
    }

    /// Proves the keychain can store a secret right now, before the user is sent to consent:
    /// a write is the only check that catches a locked collection. The entry is removed by
    /// `forget_probe` once the grant is stored (off the critical path) or at sign-out.
    pub async fn probe(&self) -> Result<(), KeychainError> {
        self.run(|s| s.set(PROBE_KEY, "ok")).await
    }

    pub async fn forget_probe(&self) -> Result<(), KeychainError> {
        self.run(|s| s.delete(PROBE_KEY)).await
    }

    /// An unreadable item (corrupt, or an empty refresh token) reads as "no session".
    pub async fn load_session(&self) -> Result<Option<StoredSession>, KeychainError> {
        let raw = self.run(|s| s.get(SESSION_KEY)).await?;
        Ok(raw.and_then(|text| StoredSession::from_secret_json(&text)))
    }

    /// One item, one write: a rotated refresh token and its access token land together.
    pub async fn save_session(&self, session: &StoredSession) -> Result<(), KeychainError> {
        let json = session.to_secret_json();
        self.run(move |s| s.set(SESSION_KEY, &json)).await
    }

    pub async fn delete_session(&self) -> Result<(), KeychainError> {
        self.run(|s| {
            s.delete(SESSION_KEY)?;
            s.delete(PROBE_KEY)
        })
        .await
    }

    pub async fn client_secret(
        &self,
        client_id: &str,
    ) -> Result<Option<ClientSecret>, KeychainError> {
        let key = client_secret_key(client_id);
        let raw: Option<Zeroizing<String>> = self.run(move |s| s.get(&key)).await?;
        Ok(raw
            .filter(|v| !v.is_empty())
            .map(|v| ClientSecret::new(v.as_str())))
    }

    pub async fn save_client_secret(
        &self,
        client_id: &str,
        secret: &ClientSecret,
    ) -> Result<(), KeychainError> {
        let key = client_secret_key(client_id);
        let value = Zeroizing::new(secret.expose_secret().to_string());
        self.run(move |s| s.set(&key, &value)).await
    }

    pub async fn delete_client_secret(&self, client_id: &str) -> Result<(), KeychainError> {
        let key = client_secret_key(client_id);
        self.run(move |s| s.delete(&key)).await
    }
}
