//! The sign-in, start to finish: keychain check → loopback listener → authorize URL → system
//! browser → one valid callback → code exchange → keychain (the profile read beside it) →
//! the answer → cached files. Each step is its own
//! module; this file only orders them and keeps the rules that span steps.
use std::time::{Duration, Instant};

use super::account::Account;
use super::browser::Browser;
use super::callback_page;
use super::error::AuthError;
use super::loopback::{CancelHandle, Listener, Responder};
use super::profile::{self, Profile};
use super::request::{LoginParams, LoginRequest};
use super::scopes::Scopes;
use super::secret::{AccessToken, AuthCode, PkceVerifier};
use super::session::{now_unix, StoredSession};
use super::token::{ClientAuth, TokenClient};

/// Hears about the steps a user should see (the CLI prints, the GUI shows).
pub trait SignInObserver: Send + Sync {
    /// Always called: the user can open this URL by hand if no browser appears.
    fn url_ready(&self, _url: &str) {}
    fn browser_failed(&self, _error: &str) {}
    /// The grant is stored: the answer can be given now, before the cached files are written.
    fn signed_in(&self, _outcome: &SignInOutcome) {}
}

/// How long the profile (only a name to show) may take; past it the sign-in is answered
/// without one and the profile is read on a later use.
pub const PROFILE_WAIT: Duration = Duration::from_secs(3);
/// The cached files after the answer: never allowed to hold the sign-in up longer than this.
pub const FILES_WAIT: Duration = Duration::from_secs(1);

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
        // The probe has proven the keychain writable; its entry goes while the user consents,
        // so removing it never delays the answer, and nothing is left after any outcome.
        let (result, probe_gone) = tokio::join!(
            self.attempt(tokens, browser, observer, cancel),
            self.vault.forget_probe()
        );
        if let Err(e) = probe_gone {
            tracing::debug!(
                code = e.code(),
                "could not remove the keychain probe entry; sign-out removes it"
            );
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

        let exchanged = self.exchange(&tokens, code, &redirect_uri, verifier).await;
        let (stored, profile) = self
            .store_beside_profile(exchanged, responder, received)
            .await;
        drop(listener); // RFC 8252 §8.3: the port closes as soon as the attempt is decided.
        let (session, callback_to_stored) = stored?;
        tracing::info!(
            elapsed_ms = callback_to_stored.as_millis() as u64,
            "signed in; grant stored in the keychain"
        );
        let outcome = SignInOutcome {
            profile,
            scopes: session.scopes.clone(),
            callback_to_stored,
        };
        observer.signed_in(&outcome);
        self.after_sign_in(session, outcome.profile.clone()).await;
        Ok(outcome)
    }

    async fn exchange(
        &self,
        tokens: &TokenClient,
        code: AuthCode,
        redirect_uri: &str,
        verifier: Option<PkceVerifier>,
    ) -> Result<StoredSession, AuthError> {
        let response = tokens.exchange_code(code, redirect_uri, verifier).await?;
        StoredSession::from_exchange(
            self.config.client_id.as_str(),
            response,
            &self.config.scopes,
            now_unix(),
        )
        .ok_or_else(|| AuthError::UnexpectedResponse {
            detail: "Spotify sent no refresh token".into(),
        })
    }

    /// Stores the grant and answers the browser; the profile is read beside the keychain
    /// write, not after it, and the browser's page waits only for the write.
    async fn store_beside_profile(
        &self,
        exchanged: Result<StoredSession, AuthError>,
        responder: Responder,
        received: Instant,
    ) -> (
        Result<(StoredSession, Duration), AuthError>,
        Option<Profile>,
    ) {
        let token = exchanged.as_ref().ok().and_then(|s| s.access_token.clone());
        let stored = async {
            let stored = match exchanged {
                Ok(session) => (self.vault.save_session(&session).await)
                    .map(|()| session)
                    .map_err(AuthError::from),
                Err(e) => Err(e),
            };
            let callback_to_stored = received.elapsed();
            responder.finish(match &stored {
                Ok(_) => callback_page::success(),
                Err(e) => callback_page::failure(&e.to_string()),
            });
            stored.map(|session| (session, callback_to_stored))
        };
        let profile = async {
            match &token {
                Some(token) => self.profile_soon(token).await,
                None => None,
            }
        };
        tokio::join!(stored, profile)
    }

    /// The profile within `PROFILE_WAIT`, or None (the sign-in counts without it).
    async fn profile_soon(&self, token: &AccessToken) -> Option<Profile> {
        let fetch = profile::fetch(&self.http, &self.config.endpoints, token);
        let fetched = tokio::time::timeout(PROFILE_WAIT, fetch)
            .await
            .unwrap_or_else(|_| {
                Err(AuthError::Network {
                    detail: "the request timed out".into(),
                })
            });
        fetched
            .inspect_err(|e| {
                tracing::warn!(
                    code = e.code(),
                    "signed in, but the profile could not be read"
                )
            })
            .ok()
    }

    /// The grant is in the keychain: from here on the sign-in has worked. The files are only a
    /// cache (status corrects them from the keychain), so failing to write them is logged,
    /// never the sign-in's result, and a stalled disk cannot hold the sign-in past `FILES_WAIT`.
    async fn after_sign_in(&self, session: StoredSession, profile: Option<Profile>) {
        let (cache, summary) = (self.cache.clone(), session.summary());
        let written = tokio::task::spawn_blocking(move || {
            let profile_saved = profile.map_or(Ok(()), |p| cache.save_profile(&p));
            [
                cache.clear_note(),
                profile_saved,
                cache.save_summary(&summary),
            ]
        });
        match tokio::time::timeout(FILES_WAIT, written).await {
            Ok(Ok(results)) => {
                for e in results.iter().filter_map(|r| r.as_ref().err()) {
                    tracing::debug!(code = e.code(), "a cached file was not written");
                }
            }
            Ok(Err(_)) | Err(_) => tracing::debug!("the cached files were not written in time"),
        }
        self.remember(session).await;
    }
}
