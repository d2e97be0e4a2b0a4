//! Whole sign-ins against the fake Spotify on 127.0.0.1, with the real keychain: what a user
//! sees when they approve, decline, wander off, or when something else pokes the listener.
mod support;

use std::time::Duration;

use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{AuthError, CancelHandle, SignInObserver, Status};
use support::fake_spotify::{Consent, FakeConfig, FakeSpotify};
use support::home::TestHome;
use support::user::{self, IdleUser, ScriptedUser};

/// Remembers the authorize URL spotkey showed.
#[derive(Default)]
struct SeenUrl(std::sync::Mutex<Option<String>>);
impl SignInObserver for SeenUrl {
    fn url_ready(&self, url: &str) {
        *self.0.lock().unwrap() = Some(url.to_string());
    }
}
impl SeenUrl {
    async fn wait(&self) -> String {
        for _ in 0..1500 {
            if let Some(u) = self.0.lock().unwrap().clone() {
                return u;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("spotkey never showed the sign-in URL");
    }
}

#[tokio::test]
async fn pkce_sign_in_stores_the_grant_and_shows_who_signed_in() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = home.account(&fake);
    let browser = ScriptedUser::new();

    let outcome = account
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .unwrap();

    assert_eq!(
        outcome.profile.as_ref().unwrap().display_name.as_deref(),
        Some("Fake User")
    );
    let (status, page) = browser.landed().await.unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("You can close this tab"), "{page}");
    let opened = browser.opened.lock().unwrap()[0].clone();
    assert!(
        user::redirect_uri_of(&opened).starts_with("http://127.0.0.1:"),
        "loopback literal, never localhost"
    );
    let exchange = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/token")
        .unwrap();
    assert_eq!(exchange.form["client_id"], "test-client");
    assert!(exchange.form.contains_key("code_verifier"));
    assert!(
        !exchange.headers.contains_key("authorization"),
        "PKCE sends no Basic auth"
    );
    assert_eq!(
        home.keychain_item_count(),
        1,
        "the session is in the real keychain"
    );
    match account.status().await.unwrap() {
        Status::SignedIn(s) => {
            assert_eq!(s.profile.unwrap().id, "fakeuser");
            assert!(s.access_valid);
            assert_eq!(s.scopes.to_param(), "user-read-email user-read-private");
        }
        Status::SignedOut { .. } => panic!("should be signed in"),
    }
}

#[tokio::test]
async fn a_second_run_reads_the_keychain_without_asking_again() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    home.account(&fake)
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();

    let restarted = home.account(&fake);
    let token = restarted.access_token().await.unwrap();

    assert!(token.expose_secret().starts_with("BQD_"));
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.path == "/authorize")
            .count(),
        1,
        "no new consent"
    );
    assert_eq!(
        fake.token_requests("refresh_token"),
        0,
        "the cached access token is still valid"
    );
}

#[tokio::test]
async fn secret_flow_uses_basic_auth_and_no_pkce() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut config = home.config(&fake, "test-client");
    config.client_secret = Some(spotkey::auth::secret::ClientSecret::new("test-secret"));
    let account = home.account_with(config);
    let browser = ScriptedUser::new();

    account
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .unwrap();

    let authorize = &browser.opened.lock().unwrap()[0];
    assert!(!authorize.contains("code_challenge"));
    let exchange = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/token")
        .unwrap();
    assert!(exchange.headers["authorization"].starts_with("Basic "));
    assert!(!exchange.form.contains_key("client_id"));
    assert!(!exchange.form.contains_key("code_verifier"));
}

#[tokio::test]
async fn declining_consent_ends_with_you_declined_and_stores_nothing() {
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Deny);
    let home = TestHome::new();
    let browser = ScriptedUser::new();

    let err = home
        .account(&fake)
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .err()
        .unwrap();

    assert!(matches!(err, AuthError::Denied), "{err:?}");
    assert!(err.to_string().contains("You declined access"));
    assert!(browser
        .landed()
        .await
        .unwrap()
        .1
        .contains("You declined access"));
    assert_eq!(home.keychain_item_count(), 0);
}

#[tokio::test]
async fn a_wrong_state_gets_an_error_page_and_the_real_sign_in_still_completes() {
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Ignore);
    let home = TestHome::new();
    let account = home.account(&fake);
    let seen = SeenUrl::default();
    let cancel = CancelHandle::new();
    let sign_in = account.sign_in(&IdleUser, &seen, &cancel);
    let attacker_and_user = async {
        let url = seen.wait().await;
        let redirect = user::redirect_uri_of(&url);
        // A hostile page injects its own code with a guessed state, then no state at all.
        let (status, page) = user::follow(&format!("{redirect}?code=EVIL&state=guess"))
            .await
            .unwrap();
        assert_eq!(status, 400);
        assert!(page.contains("state mismatch"), "{page}");
        let (status, _) = user::follow(&format!("{redirect}?code=EVIL"))
            .await
            .unwrap();
        assert_eq!(status, 400);
        // The real user now approves in their browser.
        fake.set_consent(Consent::Approve);
        user::follow(&url).await.unwrap()
    };
    let (result, (status, page)) = tokio::join!(sign_in, attacker_and_user);

    result.unwrap();
    assert_eq!(status, 200, "{page}");
    let exchanges: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/token")
        .collect();
    assert_eq!(exchanges.len(), 1);
    assert_ne!(
        exchanges[0].form["code"], "EVIL",
        "the injected code was never exchanged"
    );
}

#[tokio::test]
async fn favicon_other_paths_methods_and_foreign_hosts_are_refused_while_waiting() {
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Ignore);
    let home = TestHome::new();
    let account = home.account(&fake);
    let seen = SeenUrl::default();
    let cancel = CancelHandle::new();
    let sign_in = account.sign_in(&IdleUser, &seen, &cancel);
    let pokes = async {
        let url = seen.wait().await;
        let redirect = user::redirect_uri_of(&url);
        let base = redirect.trim_end_matches("/callback").to_string();
        let state = user::state_of(&url);
        let client = user::http();
        assert_eq!(
            client
                .get(format!("{base}/favicon.ico"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            client
                .get(format!("{base}/callback/"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let post = client
            .post(format!("{redirect}?code=x&state={state}"))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 405);
        // DNS rebinding: a page on another name that resolves to 127.0.0.1.
        let rebound = client
            .get(format!("{redirect}?code=x&state={state}"))
            .header("Host", "evil.example:80")
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), 400);
        // Unknown extra parameters (e.g. `iss`) are fine on the real redirect.
        fake.set_consent(Consent::Approve);
        let authorize = client.get(&url).send().await.unwrap();
        let location = authorize.headers()["location"]
            .to_str()
            .unwrap()
            .to_string();
        client
            .get(format!("{location}&iss=https%3A%2F%2Faccounts.spotify.com"))
            .send()
            .await
            .unwrap()
            .status()
    };
    let (result, final_status) = tokio::join!(sign_in, pokes);

    result.unwrap();
    assert_eq!(final_status, 200);
    assert_eq!(fake.token_requests("authorization_code"), 1);
}

#[tokio::test]
async fn no_answer_times_out_with_what_to_check_and_frees_the_port() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut config = home.config(&fake, "test-client");
    config.timeout = Duration::from_millis(400);
    let account = home.account_with(config);
    let seen = SeenUrl::default();

    let err = account
        .sign_in(&IdleUser, &seen, &CancelHandle::new())
        .await
        .err()
        .unwrap();

    assert!(matches!(err, AuthError::TimedOut { .. }), "{err:?}");
    assert!(err.to_string().contains("http://127.0.0.1/callback"));
    let redirect = user::redirect_uri_of(&seen.wait().await);
    assert!(
        user::follow(&redirect).await.is_none(),
        "the listener is closed after the attempt"
    );
}

#[tokio::test]
async fn cancel_ends_the_wait_promptly() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = home.account(&fake);
    let cancel = CancelHandle::new();
    let seen = SeenUrl::default();
    // A user can only press Cancel once the "approve in your browser" link is on screen.
    let canceller = async {
        seen.wait().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
        std::time::Instant::now()
    };

    let (result, cancelled_at) =
        tokio::join!(account.sign_in(&IdleUser, &seen, &cancel), canceller);
    let took = cancelled_at.elapsed();

    assert!(matches!(result, Err(AuthError::Cancelled)), "{result:?}");
    // The wait polls every 50 ms; the rest is one keychain delete of the probe entry.
    assert!(took < Duration::from_secs(2), "cancel took {took:?}");
    assert_eq!(home.keychain_item_count(), 0);
    let redirect = user::redirect_uri_of(&seen.wait().await);
    assert!(
        user::follow(&redirect).await.is_none(),
        "the listener is closed after a cancel"
    );
}

#[tokio::test]
async fn a_cancel_before_the_link_is_ready_opens_no_browser() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let account = home.account(&fake);
    let cancel = CancelHandle::new();
    cancel.cancel();
    let browser = ScriptedUser::new();

    let result = account.sign_in(&browser, &Quiet, &cancel).await;

    assert!(matches!(result, Err(AuthError::Cancelled)), "{result:?}");
    assert_eq!(
        browser.opened_count(),
        0,
        "no consent page for a cancelled sign-in"
    );
    assert_eq!(home.keychain_item_count(), 0);
}

#[tokio::test]
async fn a_fixed_port_already_in_use_is_a_clear_error_before_any_browser() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut config = home.config(&fake, "test-client");
    config.port = Some(port);
    let browser = ScriptedUser::new();

    let err = home
        .account_with(config)
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .err()
        .unwrap();

    assert!(
        matches!(err, AuthError::PortInUse { port: p } if p == port),
        "{err:?}"
    );
    assert!(err.to_string().contains(&port.to_string()));
    assert_eq!(browser.opened_count(), 0);
}

#[tokio::test]
async fn a_fixed_free_port_is_used_in_the_redirect_uri() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut config = home.config(&fake, "test-client");
    config.port = Some(port);
    let browser = ScriptedUser::new();

    home.account_with(config)
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .unwrap();

    assert_eq!(
        user::redirect_uri_of(&browser.opened.lock().unwrap()[0]),
        format!("http://127.0.0.1:{port}/callback")
    );
}

#[tokio::test]
async fn a_spotify_error_during_exchange_is_shown_in_the_browser_and_stores_nothing() {
    let fake = FakeSpotify::start_with(FakeConfig {
        code_ttl: Duration::from_millis(0),
        ..FakeConfig::default()
    });
    let home = TestHome::new();
    let browser = ScriptedUser::new();

    let err = home
        .account(&fake)
        .sign_in(&browser, &Quiet, &CancelHandle::new())
        .await
        .err()
        .unwrap();

    assert!(matches!(err, AuthError::Rejected { .. }), "{err:?}");
    let (status, page) = browser.landed().await.unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("sign in again"), "{page}");
    assert_eq!(home.keychain_item_count(), 0);
}

#[tokio::test]
async fn a_stalled_profile_request_cannot_hold_up_the_sign_in() {
    let fake = FakeSpotify::start();
    // Longer than any request timeout spotkey has: only a deadline of its own ends the wait.
    fake.push_me_fault(support::fake_spotify::Fault::Hang(Duration::from_secs(40)));
    let home = TestHome::new();
    let account = home.account(&fake);
    let browser = ScriptedUser::new();

    // The profile may take 3 s; 12 s leaves room for a busy machine and stays under the 15 s
    // request timeout a sign-in without its own deadline would wait for.
    let outcome = tokio::time::timeout(
        Duration::from_secs(12),
        account.sign_in(&browser, &Quiet, &CancelHandle::new()),
    )
    .await
    .expect("the sign-in answered while the profile request was still stalled")
    .unwrap();

    assert!(
        outcome.profile.is_none(),
        "signed in without a name to show"
    );
    let status = home.account(&fake).status().await.unwrap();
    assert!(matches!(status, Status::SignedIn(_)), "the grant is stored");
}
