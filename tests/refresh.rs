//! Staying signed in: proactive refresh, rotation, outages that must not sign anyone out,
//! revocations that must, and one refresh at a time however many callers ask at once.
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use spotkey::auth::error::KeychainError;
use spotkey::auth::session::now_unix;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{Account, AuthError, CancelHandle, CredentialStore, Status};
use support::fake_spotify::{FakeSpotify, Fault};
use support::home::TestHome;
use support::user::ScriptedUser;
use zeroize::Zeroizing;

/// Signed in an hour ago: the stored access token has 60 s left, under the 5-minute margin,
/// so the next use refreshes (and Spotify's fresh tokens last the usual hour).
async fn signed_in(fake: &FakeSpotify, home: &TestHome) -> Account {
    let account = home.account(fake);
    account
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
    age_cached_access_token(home, fake, now_unix() + 60).await;
    home.account(fake)
}

/// Rewrites the stored session's access-token times (as after a night asleep): an hour-long
/// token that expires at `expires_at`.
async fn age_cached_access_token(home: &TestHome, fake: &FakeSpotify, expires_at: u64) {
    let vault = home.account(fake).vault().clone();
    let mut session = vault.load_session().await.unwrap().unwrap();
    session.access_expires_at = expires_at;
    session.access_issued_at = expires_at.saturating_sub(3600);
    vault.save_session(&session).await.unwrap();
}

async fn expire_cached_access_token(home: &TestHome, fake: &FakeSpotify) {
    age_cached_access_token(home, fake, 1).await;
}

fn is_signed_in(status: Status) -> bool {
    matches!(status, Status::SignedIn(_))
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_and_the_rotated_grant_persisted() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = signed_in(&fake, &home).await;
    let first_live = fake.live_refresh_tokens();

    let token = account.access_token().await.unwrap();

    assert_eq!(fake.token_requests("refresh_token"), 1);
    assert_eq!(
        fake.live_refresh_tokens(),
        first_live,
        "rotation: the old one died, a new one lives"
    );
    // A new process (fresh account, same keychain) must use the rotated refresh token.
    expire_cached_access_token(&home, &fake).await;
    let restarted = home.account(&fake);
    let again = restarted.access_token().await.unwrap();
    assert_eq!(
        fake.token_requests("refresh_token"),
        2,
        "rotated token accepted by Spotify"
    );
    assert_ne!(token.expose_secret(), again.expose_secret());
    assert!(is_signed_in(restarted.status().await.unwrap()));
}

#[tokio::test]
async fn secret_flow_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut config = home.config(&fake, "test-client");
    config.client_secret = Some(spotkey::auth::secret::ClientSecret::new("test-secret"));
    let account = home.account_with(config.clone());
    account
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();

    age_cached_access_token(&home, &fake, 1).await;
    home.account_with(config.clone())
        .access_token()
        .await
        .unwrap();
    age_cached_access_token(&home, &fake, 1).await;
    home.account_with(config).access_token().await.unwrap();

    assert_eq!(
        fake.token_requests("refresh_token"),
        2,
        "the kept refresh token still works"
    );
}

#[tokio::test]
async fn invalid_grant_signs_out_locally_and_says_spotify_ended_it() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = signed_in(&fake, &home).await;
    fake.revoke_refresh_tokens();

    let err = account.access_token().await.err().unwrap();

    assert!(matches!(err, AuthError::ConnectionEnded), "{err:?}");
    assert!(err.to_string().contains("reconnect"));
    assert_eq!(home.keychain_item_count(), 0, "a dead grant is not kept");
    match home.account(&fake).status().await.unwrap() {
        Status::SignedOut { reason: Some(r) } => {
            assert!(r.message().contains("Spotify ended this connection"))
        }
        _ => panic!("expected signed out with a reason"),
    }
}

#[tokio::test]
async fn invalid_client_also_ends_the_connection() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = signed_in(&fake, &home).await;
    let mut config = home.config(&fake, "test-client");
    config.client_secret = Some(spotkey::auth::secret::ClientSecret::new("wrong-secret"));
    let with_bad_secret = home.account_with(config);

    let err = with_bad_secret.access_token().await.err().unwrap();

    assert!(matches!(err, AuthError::ConnectionEnded), "{err:?}");
    assert!(!is_signed_in(account.status().await.unwrap()));
}

#[tokio::test]
async fn outages_keep_every_token_and_report_offline() {
    for fault in [
        Fault::Status(503),
        Fault::Status(500),
        Fault::DropConnection,
        Fault::MalformedJson,
        Fault::Hang(Duration::from_secs(20)),
    ] {
        let fake = FakeSpotify::start();
        let home = TestHome::new();
        let account = signed_in(&fake, &home).await;
        // Make the cached access token truly unusable, so the outage must surface.
        fake.push_token_fault(fault.clone());
        let err = {
            let mut config = home.config(&fake, "test-client");
            config.request_timeout = Duration::from_secs(1);
            let restarted = home.account_with(config);
            expire_cached_access_token(&home, &fake).await;
            restarted.access_token().await.err().unwrap()
        };

        assert!(err.is_temporary(), "{fault:?} gave {err:?}");
        assert!(
            err.to_string().contains("again"),
            "says it will be retried: {err}"
        );
        assert!(
            is_signed_in(account.status().await.unwrap()),
            "{fault:?} must not sign out"
        );
        assert_eq!(home.keychain_item_count(), 1);
        // Spotify recovers: the very same grant works again.
        home.account(&fake).access_token().await.unwrap();
    }
}

#[tokio::test]
async fn rate_limiting_honours_retry_after_and_keeps_a_still_valid_token() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = signed_in(&fake, &home).await;
    fake.push_token_fault(Fault::TooManyRequests { retry_after: 120 });

    // The 60-second token is still valid: the caller gets it despite the 429.
    account.access_token().await.unwrap();
    let answered = std::time::Instant::now();
    // Within Retry-After, no further request is made.
    account.access_token().await.unwrap();

    assert_eq!(fake.token_requests("refresh_token"), 1);
    let due = account.refresh_due_in().await.unwrap();
    // Counted from Spotify's answer: whatever time this (maybe busy) machine spent since then
    // is already off the wait; one more second for whole-second rounding.
    let waited = due + answered.elapsed() + Duration::from_secs(1);
    assert!(
        waited >= Duration::from_secs(120),
        "next try waits for Retry-After, got {due:?} after {:?}",
        answered.elapsed()
    );
    assert!(is_signed_in(account.status().await.unwrap()));
}

#[tokio::test]
async fn a_response_lost_after_rotation_keeps_the_session_until_spotify_says_otherwise() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    signed_in(&fake, &home).await;
    expire_cached_access_token(&home, &fake).await;
    fake.push_token_fault(Fault::LoseResponseAfterRotation);

    let first = home.account(&fake).access_token().await.err().unwrap();
    assert!(first.is_temporary(), "{first:?}");
    assert_eq!(
        home.keychain_item_count(),
        1,
        "a lost response is not a revocation"
    );

    // Spotify already rotated: the stored token is dead now, and only Spotify can say so.
    let second = home.account(&fake).access_token().await.err().unwrap();
    assert!(matches!(second, AuthError::ConnectionEnded), "{second:?}");
}

#[tokio::test]
async fn ten_tasks_asking_at_once_make_exactly_one_refresh() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    signed_in(&fake, &home).await;
    let account = Arc::new(home.account(&fake));

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let account = Arc::clone(&account);
            tokio::spawn(async move {
                account
                    .access_token()
                    .await
                    .map(|t| t.expose_secret().to_string())
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap().unwrap());
    }

    assert_eq!(fake.token_requests("refresh_token"), 1);
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "everyone got the same fresh token");
}

/// The real keychain, counting how often the stored session is read.
struct CountingStore {
    inner: Arc<spotkey::auth::KeychainStore>,
    session_reads: AtomicUsize,
}

impl CredentialStore for CountingStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, KeychainError> {
        if key == "session" {
            self.session_reads.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), KeychainError> {
        self.inner.set(key, value)
    }
    fn delete(&self, key: &str) -> Result<(), KeychainError> {
        self.inner.delete(key)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[tokio::test]
async fn a_due_refresh_reads_the_keychain_session_once() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    signed_in(&fake, &home).await;
    // What a later run sees: the cached summary agrees with the keychain that a refresh is due.
    home.account(&fake).status().await.unwrap();
    let store = Arc::new(CountingStore {
        inner: home.store(),
        session_reads: AtomicUsize::new(0),
    });
    let account = Account::new(
        home.config(&fake, "test-client"),
        home.paths(),
        store.clone(),
    )
    .unwrap();

    account.access_token().await.unwrap();

    assert_eq!(fake.token_requests("refresh_token"), 1);
    assert_eq!(
        store.session_reads.load(Ordering::SeqCst),
        1,
        "one keychain read of the session on the refresh's critical path"
    );
}

#[tokio::test]
async fn sign_out_deletes_the_grant_and_the_cached_profile() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = signed_in(&fake, &home).await;
    assert!(home.paths().cache_dir.join("profile.json").exists());

    account.sign_out().await.unwrap();

    assert_eq!(home.keychain_item_count(), 0);
    assert!(!home.paths().cache_dir.join("profile.json").exists());
    assert!(matches!(
        account.access_token().await,
        Err(AuthError::NotSignedIn)
    ));
    assert!(matches!(
        account.status().await.unwrap(),
        Status::SignedOut { reason: None }
    ));
}
