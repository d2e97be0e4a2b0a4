//! The app's own credentials (client ID in settings.json, optional client secret in the
//! keychain): saving and forgetting them, shared by `spotkey logout --forget-app` and the
//! desktop settings screen.
use super::config::{ClientId, Paths};
use super::error::AuthError;
use super::secret::ClientSecret;
use super::settings::Settings;
use super::vault::Vault;

/// What to do with the client secret when credentials are saved.
pub enum SecretChange {
    Keep,
    /// Back to PKCE.
    Remove,
    Replace(ClientSecret),
}

/// Saves the client ID (settings file) and applies `secret` (keychain). A different client ID
/// drops the old ID's secret: a secret never outlives the app it belongs to.
pub async fn save(
    paths: &Paths,
    vault: &Vault,
    client_id: &ClientId,
    secret: SecretChange,
) -> Result<(), AuthError> {
    save_with(paths, vault, client_id, secret, |_| {}).await
}

/// `save`, plus other choices written in the same settings update (`spotkey login --save`
/// also keeps scopes, port and show-dialog): one rule for the secret, whoever saves.
pub async fn save_with(
    paths: &Paths,
    vault: &Vault,
    client_id: &ClientId,
    secret: SecretChange,
    edit: impl FnOnce(&mut Settings),
) -> Result<(), AuthError> {
    let mut settings = Settings::load(&paths.config_dir);
    if let Some(old) = settings
        .client_id
        .as_deref()
        .filter(|old| *old != client_id.as_str())
    {
        vault.delete_client_secret(old).await?;
    }
    match secret {
        SecretChange::Keep => {}
        SecretChange::Remove => vault.delete_client_secret(client_id.as_str()).await?,
        SecretChange::Replace(s) => vault.save_client_secret(client_id.as_str(), &s).await?,
    }
    settings.client_id = Some(client_id.as_str().to_string());
    edit(&mut settings);
    settings.save(&paths.config_dir)
}

/// Forgets the client ID and its secret (the account itself is signed out separately).
pub async fn forget(paths: &Paths, vault: &Vault) -> Result<(), AuthError> {
    let mut settings = Settings::load(&paths.config_dir);
    if let Some(id) = settings.client_id.take() {
        vault.delete_client_secret(&id).await?;
    }
    settings.save(&paths.config_dir)
}
