//! Where secrets rest. `CredentialStore` is the seam (blocking, one string per key);
//! `KeychainStore` is the OS keychain through keyring 3; `MemoryStore` is for unit tests only.
//! The async, time-limited face the rest of the core uses is `vault::Vault`.
use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::error::KeychainError;
pub use super::keychain_errors::map_keyring_error;

/// A blocking secret store. Implementations must never log values.
pub trait CredentialStore: Send + Sync + 'static {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError>;
    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError>;
    /// Deleting a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), KeychainError>;
    /// Where the secrets live, for the status screen ("Secret Service — login keyring").
    fn describe(&self) -> String;
}

/// The OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows
/// (keyring 3 with explicit platform features; with none it would silently use a memory mock).
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, key).map_err(map_keyring_error)
    }
}

impl CredentialStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.entry(key)?
            .set_password(value)
            .map_err(map_keyring_error)
    }

    fn delete(&self, key: &str) -> Result<(), KeychainError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn describe(&self) -> String {
        if cfg!(target_os = "macos") {
            "macOS Keychain".into()
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager".into()
        } else {
            "Secret Service (default keyring)".into()
        }
    }
}

/// In-memory store for unit tests of the logic above the store.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, Zeroizing<String>>>,
}

impl CredentialStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
        Ok(self
            .items
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.items
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.into(), Zeroizing::new(value.into()));
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), KeychainError> {
        self.items
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory (tests only)".into()
    }
}
