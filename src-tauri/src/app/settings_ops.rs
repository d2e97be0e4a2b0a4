//! The settings screen's operations: app credentials, scopes, start-up preference, forgetting
//! the app. Each one that would change what an existing grant belongs to asks first.
use super::controller::Controller;
use super::dto::{AppStatus, Connection, ErrorDto, SettingsDto};
use super::scope_info;
use crate::auth::config::ClientId;
use crate::auth::credentials::{self, SecretChange};
use crate::auth::scopes::Scopes;
use crate::auth::secret::ClientSecret;

fn confirm_sign_out_error() -> ErrorDto {
    ErrorDto::new(
        "confirm_sign_out",
        "Saving a new Client ID or client secret signs you out of Spotify: your sign-in \
         belongs to the app it was given to.",
    )
}

impl Controller {
    pub async fn settings(&self) -> SettingsDto {
        let file = self.settings_file();
        let account = self.account();
        let has_client_secret = match &account {
            Some(a) => {
                a.config().client_secret.is_some()
                    || matches!(
                        self.vault()
                            .client_secret(a.config().client_id.as_str())
                            .await,
                        Ok(Some(_))
                    )
            }
            None => false,
        };
        let scopes = account.as_ref().map_or_else(
            || Scopes::defaults().as_slice().to_vec(),
            |a| a.config().scopes.as_slice().to_vec(),
        );
        SettingsDto {
            client_id: account.map(|a| a.config().client_id.as_str().to_string()),
            has_client_secret,
            scopes,
            available_scopes: scope_info::available(),
            autostart: false,
            start_hidden: file.start_hidden.unwrap_or(false),
            tray_unavailable: None,
        }
    }

    /// `client_secret`: None keeps the saved one, blank removes it (PKCE), text replaces it.
    /// Changing either while signed in needs `confirm_sign_out`, because the grant belongs to
    /// the app it was given to.
    pub async fn save_credentials(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        confirm_sign_out: bool,
    ) -> Result<AppStatus, ErrorDto> {
        let _working = self.working();
        let id = ClientId::parse(client_id).map_err(ErrorDto::from)?;
        let secret = match client_secret.map(str::trim) {
            None => SecretChange::Keep,
            Some("") => SecretChange::Remove,
            Some(s) => SecretChange::Replace(ClientSecret::new(s)),
        };
        let current = self.status().await;
        let same_id = current.client_id.as_deref() == Some(id.as_str());
        let changes_grant = !same_id || !matches!(secret, SecretChange::Keep);
        let signed_in = current.connection != Connection::SignedOut;
        if signed_in && changes_grant {
            if !confirm_sign_out {
                return Err(confirm_sign_out_error());
            }
            self.sign_out().await?;
        } else {
            // New settings replace a pending sign-in: it would store a grant for the old ones.
            self.end_sign_in().await;
        }
        credentials::save(&self.inner.paths, &self.vault(), &id, secret)
            .await
            .map_err(ErrorDto::from)?;
        self.replace_account().await;
        Ok(self.publish().await)
    }

    /// Saves the scopes to ask for. Fewer than granted needs nothing; more shows
    /// `needs_consent` so the user approves again in the browser.
    pub async fn save_scopes(&self, scopes: &[String]) -> Result<AppStatus, ErrorDto> {
        let _working = self.working();
        if scopes.is_empty() {
            return Err(ErrorDto::new(
                "invalid_config",
                "Choose at least one permission.",
            ));
        }
        let parsed = Scopes::parse(scopes).map_err(ErrorDto::from)?;
        // A pending sign-in asks for the old scopes: it ends before the new ones apply.
        self.end_sign_in().await;
        let mut file = self.settings_file();
        file.scopes = Some(parsed.as_slice().to_vec());
        file.save(&self.inner.paths.config_dir)
            .map_err(ErrorDto::from)?;
        self.replace_account().await;
        Ok(self.publish().await)
    }

    pub fn save_start_hidden(&self, start_hidden: bool) -> Result<(), ErrorDto> {
        let _working = self.working();
        let mut file = self.settings_file();
        file.start_hidden = Some(start_hidden);
        file.save(&self.inner.paths.config_dir)
            .map_err(ErrorDto::from)
    }

    /// Signs out, then forgets the client ID and its secret: back to the first-run screen.
    pub async fn forget_app(&self) -> Result<AppStatus, ErrorDto> {
        let _working = self.working();
        self.sign_out().await?;
        credentials::forget(&self.inner.paths, &self.vault())
            .await
            .map_err(ErrorDto::from)?;
        self.replace_account().await;
        Ok(self.publish().await)
    }
}
