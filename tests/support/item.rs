//! The stored session item rewritten as raw JSON, as an older spotkey, a corrupt keychain or
//! a long sleep would leave it: the real refresh token and client, with the given fields.
use serde_json::{json, Value};
use spotkey::auth::CredentialStore;

use super::fake_spotify::FakeSpotify;
use super::home::TestHome;

/// Replaces the session item; `fields` (e.g. `access_expires_at`) override the defaults.
/// Returns the access token stored before.
pub async fn rewrite_session(home: &TestHome, fake: &FakeSpotify, fields: Value) -> String {
    let vault = home.account(fake).vault().clone();
    let session = vault.load_session().await.unwrap().unwrap();
    let access = session.access_token.as_ref().unwrap().expose_secret();
    let mut item = json!({
        "v": 1,
        "client_id": session.client_id,
        "refresh_token": session.refresh_token.expose_secret(),
        "access_token": access,
        "scopes": session.scopes.as_slice(),
        "authorized_at": session.authorized_at,
    });
    for (k, v) in fields.as_object().unwrap() {
        item[k] = v.clone();
    }
    home.store().set("session", &item.to_string()).unwrap();
    access.to_string()
}
