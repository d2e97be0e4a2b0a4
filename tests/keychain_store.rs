//! One suite, every store: the in-memory store and the real OS keychain (GNOME Keyring in a
//! private D-Bus session under `make test`) must behave the same. Without a keychain these
//! tests fail — they do not skip.
mod support;

use std::sync::Arc;

use spotkey::auth::vault::Vault;
use spotkey::auth::{CredentialStore, MemoryStore};
use support::home::TestHome;

fn suite(store: &dyn CredentialStore) {
    assert_eq!(store.get("missing").unwrap().map(|v| v.to_string()), None);
    store.set("a", "first").unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().as_str(), "first");
    store.set("a", "second — ünïcødé ✓").unwrap();
    assert_eq!(
        store.get("a").unwrap().unwrap().as_str(),
        "second — ünïcødé ✓"
    );
    let long = "x".repeat(4000);
    store.set("long", &long).unwrap();
    assert_eq!(store.get("long").unwrap().unwrap().as_str(), long);
    store.delete("a").unwrap();
    store.delete("a").unwrap();
    store.delete("long").unwrap();
    assert!(store.get("a").unwrap().is_none());
}

#[test]
fn memory_store_passes_the_suite() {
    suite(&MemoryStore::default());
}

#[test]
fn the_real_keychain_passes_the_suite() {
    let home = TestHome::new();
    suite(home.store().as_ref());
    assert_eq!(home.keychain_item_count(), 0);
}

#[test]
fn entries_persist_across_store_instances() {
    let home = TestHome::new();
    home.store().set("k", "v").unwrap();
    assert_eq!(home.store().get("k").unwrap().unwrap().as_str(), "v");
    assert_eq!(home.keychain_item_count(), 1);
    home.store().delete("k").unwrap();
}

#[tokio::test]
async fn client_secrets_are_kept_per_client_id() {
    let home = TestHome::new();
    let vault = Vault::new(home.store());
    let secret = spotkey::auth::secret::ClientSecret::new("s3cret");
    vault.save_client_secret("client-a", &secret).await.unwrap();
    assert_eq!(
        vault
            .client_secret("client-a")
            .await
            .unwrap()
            .unwrap()
            .expose_secret(),
        "s3cret"
    );
    assert!(vault.client_secret("client-b").await.unwrap().is_none());
    vault.delete_client_secret("client-a").await.unwrap();
    assert!(vault.client_secret("client-a").await.unwrap().is_none());
}

#[tokio::test]
async fn a_slow_keychain_times_out_instead_of_hanging() {
    struct Stuck;
    impl CredentialStore for Stuck {
        fn get(
            &self,
            _: &str,
        ) -> Result<Option<zeroize::Zeroizing<String>>, spotkey::auth::KeychainError> {
            std::thread::sleep(std::time::Duration::from_secs(2));
            Ok(None)
        }
        fn set(&self, _: &str, _: &str) -> Result<(), spotkey::auth::KeychainError> {
            std::thread::sleep(std::time::Duration::from_secs(2));
            Ok(())
        }
        fn delete(&self, _: &str) -> Result<(), spotkey::auth::KeychainError> {
            Ok(())
        }
        fn describe(&self) -> String {
            "stuck".into()
        }
    }
    let vault = Vault::new(Arc::new(Stuck)).with_timeout(std::time::Duration::from_millis(100));
    let err = vault.probe().await.unwrap_err();
    assert_eq!(err.code(), "keychain_timeout");
    assert!(err.to_string().contains("unlock"));
}
