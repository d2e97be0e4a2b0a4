//! The sign-in, start to finish: keychain check → loopback listener → authorize URL → system
//! browser → one valid callback → code exchange → keychain → profile. Each step is its own
//! module; this file only orders them and keeps the rules that span steps.
use std::time::{Duration, Instant};

use super::account::Account;
use super::browser::Browser;
use super::callback_page;
use super::error::AuthError;
use super::loopback::{CancelHandle, Listener};
use super::profile::{self, Profile};
use super::request::{LoginParams, LoginRequest};
use super::scopes::Scopes;
use super::session::{now_unix, StoredSession};
use super::token::{ClientAuth, TokenClient};

/// Hears about the steps a user should see (the CLI prints, the GUI shows).
pub trait SignInObserver: Send + Sync {
    /// Always called: the user can open this URL by hand if no browser appears.
    fn url_ready(&self, _url: &str) {}
    fn browser_failed(&self, _error: &str) {}
}

pub struct Quiet;
impl SignInObserver for Quiet {}

#[derive(Debug)]
pub struct SignInOutcome {
    /// None when /me failed after the grant was safely stored (the sign-in still counts).
    pub profile: Option<Profile>,
    pub scopes: Scopes,
    /// From the moment the callback arrived to the refresh token being in the keychain.
    pub callback_to_stored: Duration,
}

impl Account {
    /// # Errors
    /// Keychain errors come first, before any browser opens, so nobody consents for nothing.
    /// Then `PortInUse`/`Bind`, `Denied`, `AuthorizeFailed`, `TimedOut`, `Cancelled`, and the
    /// token endpoint's errors. A wrong `state` never ends the wait.
    pub async fn sign_in(
        &self,
        browser: &dyn Browser,
        observer: &dyn SignInObserver,
        cancel: &CancelHandle,
    ) -> Result<SignInOutcome, AuthError> {
        // Both are keychain round trips (~12 ms each on Secret Service): run them side by side.
        let (tokens, probe) = tokio::join!(self.token_client(), self.vault.probe());
        let tokens = tokens?.clone();
        probe?;
        let result = self.attempt(tokens, browser, observer, cancel).await;
        if result.is_err() {
            // Leave nothing behind after a failed attempt (best effort; sign-out also removes it).
            let _ = self.vault.forget_probe().await;
        }
        result
    }

    async fn attempt(
        &self,
        tokens: TokenClient,
        browser: &dyn Browser,
        observer: &dyn SignInObserver,
        cancel: &CancelHandle,
    ) -> Result<SignInOutcome, AuthError> {
        let listener = Listener::bind(self.config.port)?;
        let redirect_uri = listener.redirect_uri();
        let request = LoginRequest::new(&LoginParams {
            endpoints: &self.config.endpoints,
            client_id: &self.config.client_id,
            redirect_uri: &redirect_uri,
            scopes: &self.config.scopes,
            show_dialog: self.config.show_dialog,
            pkce: matches!(tokens.auth(), ClientAuth::Pkce(_)),
        });
        if cancel.is_cancelled() {
            // Cancelled while the keychain was being checked: no consent page for nothing.
            return Err(AuthError::Cancelled);
        }
        observer.url_ready(request.url.as_str());
        if let Err(e) = browser.open(request.url.as_str()) {
            observer.browser_failed(&e);
        }
        let LoginRequest {
            state, verifier, ..
        } = request;
        let (timeout, cancel) = (self.config.timeout, cancel.clone());
        let waited = tokio::task::spawn_blocking(move || {
            let callback = listener.wait(state, timeout, &cancel);
            (listener, callback)
        })
        .await
        .map_err(|e| AuthError::ListenerFailed {
            // Only the kind: a panic's message is not ours to show.
            reason: if e.is_panic() {
                "it crashed"
            } else {
                "it was stopped"
            },
        })?;
        let (listener, callback) = waited;
        let (code, responder) = callback?.into_parts();
        let received = Instant::now();

        let stored = async {
            let response = tokens.exchange_code(code, &redirect_uri, verifier).await?;
            let now = now_unix();
            let session = StoredSession::from_exchange(
                self.config.client_id.as_str(),
                response,
                &self.config.scopes,
                now,
            )
            .ok_or_else(|| AuthError::UnexpectedResponse {
                detail: "Spotify sent no refresh token".into(),
            })?;
            self.vault.save_session(&session).await?;
            Ok::<_, AuthError>(session)
        }
        .await;
        let callback_to_stored = received.elapsed();
        responder.finish(match &stored {
            Ok(_) => callback_page::success(),
            Err(e) => callback_page::failure(&e.to_string()),
        });
        drop(listener); // RFC 8252 §8.3: the port closes as soon as the attempt is decided.
        let session = stored?;
        tracing::info!(
            elapsed_ms = callback_to_stored.as_millis() as u64,
            "signed in; grant stored in the keychain"
        );
        self.after_sign_in(session, callback_to_stored).await
    }

    async fn after_sign_in(
        &self,
        session: StoredSession,
        callback_to_stored: Duration,
    ) -> Result<SignInOutcome, AuthError> {
        // The grant is in the keychain: from here on the sign-in has worked. The files below
        // are only a cache, so failing to write them is logged, never the sign-in's result.
        if let Err(e) = self.cache.clear_note() {
            tracing::debug!(code = e.code(), "could not clear the signed-out note");
        }
        let (fetched, probe_gone) = match &session.access_token {
            Some(token) => tokio::join!(
                profile::fetch(&self.http, &self.config.endpoints, token),
                self.vault.forget_probe()
            ),
            None => (Err(AuthError::NotSignedIn), self.vault.forget_probe().await),
        };
        if let Err(e) = probe_gone {
            tracing::debug!(
                code = e.code(),
                "could not remove the keychain probe entry; sign-out removes it"
            );
        }
        let profile = match fetched {
            Ok(p) => {
                if let Err(e) = self.cache.save_profile(&p) {
                    tracing::debug!(code = e.code(), "profile not cached");
                }
                Some(p)
            }
            Err(e) => {
                tracing::warn!(
                    code = e.code(),
                    "signed in, but the profile could not be read"
                );
                None
            }
        };
        let scopes = session.scopes.clone();
        self.remember(session).await;
        Ok(SignInOutcome {
            profile,
            scopes,
            callback_to_stored,
        })
    }
}
