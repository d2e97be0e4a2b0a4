//! The account as the rest of spotkey sees it: status, a valid access token on demand (with
//! single-flight refresh across tasks and processes), and sign-out. Sign-in lives in sign_in.rs.
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Mutex, OnceCell};

use super::cache::{Cache, CacheFiles, SessionSummary, SignedOutReason};
use super::config::{Config, Paths};
use super::error::AuthError;
use super::expiry::Expiry;
use super::lock;
use super::profile::Profile;
use super::scopes::Scopes;
use super::secret::AccessToken;
use super::session::{now_unix, StoredSession};
use super::store::CredentialStore;
use super::token::{ClientAuth, TokenClient};
use super::vault::Vault;
use super::{backoff::Backoff, http};

pub struct Account {
    pub(super) config: Config,
    pub(super) paths: Paths,
    pub(super) vault: Vault,
    pub(super) cache: Cache,
    pub(super) http: http::LazyClient,
    tokens: OnceCell<TokenClient>,
    /// Serialises refreshes in this process and remembers the last good session and backoff.
    gate: Mutex<Gate>,
}

/// What a caller needs: any valid token, or one to replace a token Spotify rejected.
#[derive(Clone, Copy)]
enum Want {
    Valid,
    Fresh,
}

impl Want {
    /// The one rule for "reuse the stored token instead of refreshing".
    fn reuse(self, session: &StoredSession, now: u64) -> Option<AccessToken> {
        let token = session.access_token.as_ref()?;
        self.keeps(&session.expiry(), now).then(|| token.clone())
    }

    /// The same rule on times alone (a token-free summary can answer it too).
    fn keeps(self, expiry: &Expiry, now: u64) -> bool {
        let valid = !expiry.needs_refresh(now);
        match self {
            Self::Valid => valid,
            Self::Fresh => valid && expiry.recently_issued(now),
        }
    }

    /// During an outage a token that is still valid is better than an error, unless the
    /// caller is replacing exactly that token.
    fn fallback(
        self,
        session: &StoredSession,
        now: u64,
        error: AuthError,
    ) -> Result<AccessToken, AuthError> {
        match self {
            Self::Valid => session.usable_access_token(now).cloned().ok_or(error),
            Self::Fresh => Err(error),
        }
    }
}

#[derive(Default)]
struct Gate {
    session: Option<StoredSession>,
    /// A refreshed (maybe rotated) session the keychain refused to take: saved before any use.
    unsaved: bool,
    backoff: Backoff,
}

/// What the status screen and `spotkey status` show.
pub enum Status {
    SignedIn(Box<SignedIn>),
    SignedOut { reason: Option<SignedOutReason> },
}

pub struct SignedIn {
    pub client_id: String,
    pub profile: Option<Profile>,
    pub scopes: Scopes,
    pub access_expires_at: u64,
    pub access_valid: bool,
    pub authorized_at: u64,
    pub grant_expires_at: u64,
    pub grant_expiring_soon: bool,
    /// The configured scopes ask for more than was granted: a new consent is needed.
    pub needs_consent: bool,
    pub keychain: String,
}

impl Account {
    /// The HTTP client is built on first use (a sign-in builds it before the browser opens).
    pub fn new(
        config: Config,
        paths: Paths,
        store: Arc<dyn CredentialStore>,
    ) -> Result<Self, AuthError> {
        Ok(Self {
            cache: Cache::new(&paths.cache_dir),
            vault: Vault::new(store),
            http: http::LazyClient::new(config.request_timeout),
            tokens: OnceCell::new(),
            gate: Mutex::new(Gate::default()),
            config,
            paths,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// PKCE unless a client secret is configured (flag/env) or saved in the keychain.
    pub(super) async fn token_client(&self) -> Result<&TokenClient, AuthError> {
        self.tokens
            .get_or_try_init(|| async {
                let id = self.config.client_id.clone();
                let secret = match &self.config.client_secret {
                    Some(s) => Some(s.clone()),
                    None => self.vault.client_secret(id.as_str()).await?,
                };
                let auth = match secret {
                    Some(secret) => ClientAuth::Secret(id, secret),
                    None => ClientAuth::Pkce(id),
                };
                Ok(TokenClient::new(
                    self.http.get()?.clone(),
                    &self.config.endpoints,
                    auth,
                ))
            })
            .await
    }

    fn lock_path(&self) -> PathBuf {
        lock_path(&self.paths, &self.config.keychain_service)
    }

    /// The stored session if it belongs to the configured client.
    async fn load_session(&self) -> Result<Option<StoredSession>, AuthError> {
        let session = self.vault.load_session().await?;
        Ok(session.filter(|s| s.client_id == self.config.client_id.as_str()))
    }

    /// A valid access token, refreshed first when it is due (see `expiry::Expiry`).
    ///
    /// # Errors
    /// `NotSignedIn`; `ConnectionEnded` after Spotify rejected the grant (the session is then
    /// deleted); temporary errors (offline, 5xx, 429) only when the current token is already
    /// unusable; every token is kept in that case.
    pub async fn access_token(&self) -> Result<AccessToken, AuthError> {
        self.token(Want::Valid).await
    }

    /// A token to use after Spotify answered 401 to the current one: refreshed unless the
    /// stored token was issued in the last minute (then someone, maybe another process, has
    /// already replaced the rejected one). Same single flight as `access_token`.
    ///
    /// # Errors
    /// As `access_token`, except that during an outage the old token is not handed out again.
    pub async fn fresh_access_token(&self) -> Result<AccessToken, AuthError> {
        self.token(Want::Fresh).await
    }

    /// The critical path of a refresh is one keychain read (with the client secret read beside
    /// it), one POST and one keychain write. Whether a refresh is due is first judged from the
    /// token-free cached summary, so a due refresh takes the cross-process lock before reading
    /// the session, and reads it once, under the lock.
    async fn token(&self, want: Want) -> Result<AccessToken, AuthError> {
        let mut gate = self.gate.lock().await;
        let now = now_unix();
        self.save_unsaved(&mut gate).await?;
        if let Some(token) = gate.session.as_ref().and_then(|s| want.reuse(s, now)) {
            return Ok(token);
        }
        let backing_off = gate.backoff.remaining(now);
        if backing_off.is_some() || !self.refresh_looks_due(want, now) {
            let session = self.load_session().await?.ok_or(AuthError::NotSignedIn)?;
            if let Some(token) = want.reuse(&session, now) {
                gate.session = Some(session);
                return Ok(token);
            }
            if let Some(wait) = backing_off {
                let error = AuthError::RateLimited {
                    retry_after: Some(wait),
                };
                return want.fallback(&session, now, error);
            }
        }
        let _cross_process = lock::acquire(self.lock_path()).await?;
        // Under the lock: another process may have refreshed (and rotated) while we waited.
        // The client secret, when the flow needs one, is read beside the session.
        let (session, _) = tokio::join!(self.load_session(), self.token_client());
        let session = session?.ok_or(AuthError::NotSignedIn)?;
        if let Some(token) = want.reuse(&session, now) {
            gate.session = Some(session);
            return Ok(token);
        }
        self.refresh_locked(&mut gate, session, now, want).await
    }

    /// A refreshed session the keychain refused earlier is saved before anything else.
    async fn save_unsaved(&self, gate: &mut Gate) -> Result<(), AuthError> {
        if gate.unsaved {
            if let Some(session) = &gate.session {
                self.vault.save_session(session).await?;
                self.note_summary(session);
            }
            gate.unsaved = false;
        }
        Ok(())
    }

    /// Judged from the cached summary alone (no keychain): would the stored token be replaced?
    /// No summary, or one of another client, counts as due; the keychain answer under the lock
    /// corrects a stale summary either way.
    fn refresh_looks_due(&self, want: Want, now: u64) -> bool {
        self.cache
            .summary()
            .filter(|s| s.client_id == self.config.client_id.as_str())
            .is_none_or(|summary| !want.keeps(&summary.expiry(), now))
    }

    async fn refresh_locked(
        &self,
        gate: &mut Gate,
        session: StoredSession,
        now: u64,
        want: Want,
    ) -> Result<AccessToken, AuthError> {
        let tokens = self.token_client().await?;
        match tokens.refresh(&session.refresh_token).await {
            Ok(response) => {
                let fresh = session.after_refresh(response, now);
                // Persist the (possibly rotated) refresh token BEFORE the new access token is
                // used. If the keychain refuses, keep it in memory (the old one may be dead
                // already) and try the save again on the next call.
                let saved = self.vault.save_session(&fresh).await;
                if saved.is_ok() {
                    self.note_summary(&fresh);
                }
                let token = fresh.access_token.clone().ok_or(AuthError::NotSignedIn);
                gate.session = Some(fresh);
                gate.unsaved = saved.is_err();
                saved?;
                gate.backoff.reset();
                let token = token?;
                tracing::info!("access token refreshed");
                Ok(token)
            }
            Err(e) if e.is_permanent_rejection() => {
                tracing::warn!(
                    code = e.code(),
                    "Spotify rejected the refresh token; signing out locally"
                );
                gate.session = None;
                self.vault.delete_session().await?;
                // The keychain is the truth and is already right; the cache only explains it.
                let cached = self
                    .cache
                    .forget_summary()
                    .and_then(|()| self.cache.note_signed_out(SignedOutReason::ConnectionEnded));
                if let Err(e) = cached {
                    tracing::debug!(code = e.code(), "signed-out note not cached");
                }
                Err(AuthError::ConnectionEnded)
            }
            Err(e) => {
                let retry_after = match &e {
                    AuthError::RateLimited { retry_after } => *retry_after,
                    _ => None,
                };
                // Retry-After counts from the answer, not from when the caller asked.
                gate.backoff.failed(now_unix(), retry_after);
                tracing::warn!(
                    code = e.code(),
                    "refresh failed temporarily; keeping the session"
                );
                let result = want.fallback(&session, now, e);
                gate.session = Some(session);
                result
            }
        }
    }

    /// Takes a just-stored session as the current one (after sign-in; its summary is written).
    pub(super) async fn remember(&self, session: StoredSession) {
        let mut gate = self.gate.lock().await;
        *gate = Gate {
            session: Some(session),
            ..Gate::default()
        };
    }

    /// Seconds until the next refresh is due (for the GUI's timer); None when signed out.
    pub async fn refresh_due_in(&self) -> Option<std::time::Duration> {
        let gate = self.gate.lock().await;
        let now = now_unix();
        let due = gate.session.as_ref()?.refresh_due_in(now);
        Some(gate.backoff.remaining(now).map_or(due, |b| b.max(due)))
    }

    /// While refreshes fail temporarily (offline, 5xx, 429): when the next automatic try is
    /// due (unix seconds). None once a refresh has worked again.
    pub async fn offline_until(&self) -> Option<u64> {
        let gate = self.gate.lock().await;
        gate.backoff.is_failing().then(|| gate.backoff.not_before())
    }

    /// The user pressed Retry: forget the backoff and get a valid token now (refreshing if due).
    pub async fn retry_now(&self) -> Result<AccessToken, AuthError> {
        self.gate.lock().await.backoff.clear_wait();
        self.access_token().await
    }

    /// Reads the keychain and the profile cache; makes no network request.
    pub async fn status(&self) -> Result<Status, AuthError> {
        let session = self.load_session().await?;
        Ok(self.status_of(session.as_ref(), self.cache.read_all()))
    }

    /// Like `status`, and the session kept in memory follows the keychain too: another
    /// process signed in, out or again. `files`: the cache files as the caller last read
    /// them. Reads the keychain once; never refreshes.
    pub async fn reload(&self, files: CacheFiles) -> Result<Status, AuthError> {
        let mut gate = self.gate.lock().await;
        let session = self.load_session().await?;
        let status = self.status_of(session.as_ref(), files);
        // A rotated token the keychain refused is newer than anything stored: it stays.
        if !gate.unsaved {
            if session.is_none() {
                gate.backoff.reset();
            }
            gate.session = session;
        }
        Ok(status)
    }

    /// The keychain's session (the truth) told with the cache files' profile and notes; the
    /// summary on disk is corrected when it says something else.
    fn status_of(&self, session: Option<&StoredSession>, files: CacheFiles) -> Status {
        let Some(session) = session else {
            return Status::SignedOut {
                reason: files.signed_out,
            };
        };
        let summary = session.summary();
        if files.summary.as_ref() != Some(&summary) {
            self.note_summary(session);
        }
        self.signed_in(&summary, files.profile, session.access_token.is_some())
    }

    /// The status from the cache alone (no keychain, no network): what a window can paint
    /// at once, before `status` confirms it.
    pub fn cached_status(&self) -> Status {
        self.status_from_files(self.cache.read_all())
    }

    /// The status the token-free files describe. A summary of a different client is no session.
    pub fn status_from_files(&self, files: CacheFiles) -> Status {
        match files
            .summary
            .filter(|s| s.client_id == self.config.client_id.as_str())
        {
            Some(summary) => self.signed_in(&summary, files.profile, true),
            None => Status::SignedOut {
                reason: files.signed_out,
            },
        }
    }

    fn signed_in(
        &self,
        summary: &SessionSummary,
        profile: Option<Profile>,
        has_access_token: bool,
    ) -> Status {
        let now = now_unix();
        let expiry = summary.expiry();
        let scopes = Scopes::from_granted(&summary.scopes.join(" "));
        Status::SignedIn(Box::new(SignedIn {
            client_id: summary.client_id.clone(),
            profile,
            needs_consent: self.config.scopes.exceeds(&scopes),
            access_expires_at: expiry.expires_at,
            access_valid: has_access_token && expiry.usable(now),
            authorized_at: expiry.authorized_at,
            grant_expires_at: expiry.grant_ends_at(),
            grant_expiring_soon: expiry.grant_expiring_soon(now),
            scopes,
            keychain: self.vault.describe(),
        }))
    }

    /// Keeps the on-disk summary in line with what the keychain now holds (best effort: it is
    /// only a cache, and the keychain answer corrects it).
    pub(super) fn note_summary(&self, session: &StoredSession) {
        if let Err(e) = self.cache.save_summary(&session.summary()) {
            tracing::debug!(code = e.code(), "session summary not cached");
        }
    }

    /// Fetches the profile with a valid token and caches it. Spotify may invalidate a token
    /// before it expires: a 401 gets one refresh (unless the token is brand new) and one retry.
    pub async fn refresh_profile(&self) -> Result<Profile, AuthError> {
        let token = self.access_token().await?;
        let endpoints = &self.config.endpoints;
        let profile = match super::profile::fetch(&self.http, endpoints, &token).await {
            Err(e) if super::profile::is_token_rejected(&e) => {
                tracing::info!("Spotify rejected the access token early; refreshing once");
                let token = self.fresh_access_token().await?;
                super::profile::fetch(&self.http, endpoints, &token).await?
            }
            other => other?,
        };
        self.cache.save_profile(&profile)?;
        Ok(profile)
    }

    /// Local sign-out: every account entry in the keychain and every cached file goes.
    /// Spotify has no revocation endpoint; the user revokes at spotify.com/account/apps.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let mut gate = self.gate.lock().await;
        gate.session = None;
        gate.unsaved = false;
        gate.backoff.reset();
        // The gate stays held so no refresh in this process can slip in between.
        sign_out_local(&self.paths, &self.config.keychain_service, &self.vault).await?;
        Ok(())
    }
}

fn lock_path(paths: &Paths, service: &str) -> PathBuf {
    paths.runtime_dir.join(format!("{service}.lock"))
}

/// What a sign-out had to do without.
#[derive(Debug, Default)]
pub struct SignOutReport {
    /// The refresh lock could not be taken (its directory is unusable): the grant was deleted
    /// anyway, since a sign-out must not depend on a lock file.
    pub without_lock: Option<AuthError>,
}

/// Sign-out that needs no configured client (so `spotkey logout` always works): under the
/// refresh lock when it can be had, so it cannot interleave with another process's rotation;
/// without it when it cannot (an unusable directory, a holder past the deadline), because
/// signing out must never depend on a lock file.
pub async fn sign_out_local(
    paths: &Paths,
    service: &str,
    vault: &Vault,
) -> Result<SignOutReport, AuthError> {
    // The lock path is built from the name: never let one reach outside spotkey's directory.
    super::config::check_keychain_service(service)?;
    let (_cross_process, without_lock) = match lock::acquire(lock_path(paths, service)).await {
        Ok(held) => (Some(held), None),
        Err(e) => {
            tracing::warn!(code = e.code(), "signing out without the refresh lock");
            (None, Some(e))
        }
    };
    vault.delete_session().await?;
    Cache::new(&paths.cache_dir).clear()?;
    Ok(SignOutReport { without_lock })
}

pub const REVOKE_HINT: &str = "Spotify has no way for apps to revoke access; to remove spotkey's access completely, visit https://www.spotify.com/account/apps/.";
