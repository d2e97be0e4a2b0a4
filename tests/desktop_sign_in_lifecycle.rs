//! The desktop sign-in's whole life below the window: however a pending sign-in ends — it
//! succeeds, fails, is cancelled, is replaced by new settings, or the user signs out or quits —
//! its loopback listener is gone and the background refresher carries on.
mod support;

use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use spotkey::app::{Connection, TrayAction, TrayOutcome};
use spotkey::auth::Settings;
use support::app::{app, App, WAIT};
use support::fake_spotify::{Consent, FakeSpotify};
use support::home::TestHome;
use support::user::{follow, redirect_uri_of};

/// How soon a closed listener's port must refuse connections (it closes within milliseconds;
/// a leaked one would answer until the sign-in times out, 30 s in these tests).
const CLOSE_WAIT: Duration = Duration::from_secs(3);
/// Every access token comes due this long after it is issued: a token that lives twice as long
/// is renewed when half of its lifetime is left (the margin never exceeds half a lifetime).
const DUE_AFTER_SECS: u64 = 2;

fn now_unix() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.unwrap().as_secs()
}

fn callback_port(link: &str) -> u16 {
    let uri = url::Url::parse(&redirect_uri_of(link)).unwrap();
    uri.port().expect("a loopback redirect URI has a port")
}

/// Nothing accepts connections on the sign-in's callback port any more.
async fn assert_listener_closed(link: &str) {
    let port = callback_port(link);
    let deadline = Instant::now() + CLOSE_WAIT;
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the sign-in listener on port {port} is still open after {CLOSE_WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts a sign-in the user has not answered yet; returns its link.
async fn connecting(app: &App, fake: &FakeSpotify) -> String {
    fake.set_consent(Consent::Ignore);
    let status = app.controller.sign_in().await.unwrap();
    assert_eq!(status.connection, Connection::Connecting);
    app.sign_in_link().await
}

/// A browser tab left open on the old consent page, approved late.
async fn approve_late(fake: &FakeSpotify, link: &str) -> Option<(u16, String)> {
    fake.set_consent(Consent::Approve);
    follow(link).await
}

async fn wait_for_refreshes(fake: &FakeSpotify, at_least: usize, why: &str) {
    let deadline = Instant::now() + WAIT;
    while fake.token_requests("refresh_token") < at_least {
        assert!(
            Instant::now() < deadline,
            "no refresh within {WAIT:?}: {why}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Signed in, every access token Spotify issues coming due a few seconds after it is issued,
/// a background refresher running, and a renewal sign-in pending while a refresh comes due.
async fn renewing_while_a_refresh_comes_due(
    app: &App,
    fake: &FakeSpotify,
) -> (String, tokio::task::JoinHandle<()>) {
    fake.set_access_token_ttl(2 * DUE_AFTER_SECS);
    app.signed_in().await;
    let refresher = tokio::spawn(app.controller.clone().keep_fresh(Duration::ZERO));
    let link = connecting(app, fake).await;
    // Every token issued so far comes due while the sign-in is pending.
    let until = now_unix() + DUE_AFTER_SECS + 1;
    while now_unix() <= until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (link, refresher)
}

#[derive(Debug, Clone, Copy)]
enum End {
    Success,
    Failure,
    Cancel,
    Replace,
    SignOut,
    Quit,
}

/// Ends a pending renewal one way; then its listener must be closed and, while a session
/// remains, the refresher must still refresh.
async fn end_of_a_pending_sign_in(end: End) {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = app(&home, &fake, Some("test-client"));
    let (link, refresher) = renewing_while_a_refresh_comes_due(&app, &fake).await;

    match end {
        End::Success => {
            let page = approve_late(&fake, &link).await.expect("the callback page");
            assert_eq!(page.0, 200, "{page:?}");
        }
        End::Failure => {
            fake.set_consent(Consent::Deny);
            follow(&link).await.expect("the callback page");
        }
        End::Cancel => {
            app.controller.cancel_sign_in().await;
        }
        End::Replace => {
            let fewer = ["user-read-email".to_string()];
            app.controller.save_scopes(&fewer).await.unwrap();
        }
        End::SignOut => {
            app.controller.sign_out().await.unwrap();
        }
        End::Quit => {
            let outcome = app.controller.handle_tray(TrayAction::Quit).await;
            assert_eq!(outcome, TrayOutcome::Quit);
        }
    }
    assert_listener_closed(&link).await;
    let status = match end {
        End::SignOut => app.wait_for(Connection::SignedOut).await,
        _ => app.wait_for(Connection::SignedIn).await,
    };
    assert!(status.sign_in.is_none(), "{end:?} left {status:?}");
    let seen = fake.token_requests("refresh_token");
    match end {
        End::SignOut => assert_eq!(home.keychain_item_count(), 0, "a late grant was stored"),
        End::Quit => {}
        _ => wait_for_refreshes(&fake, seen + 1, &format!("after {end:?}")).await,
    }
    if matches!(end, End::Failure) {
        assert_eq!(status.last_error.unwrap().code, "access_denied");
    }
    refresher.abort();
}

#[tokio::test]
async fn a_successful_renewal_closes_its_listener_and_the_refresher_carries_on() {
    end_of_a_pending_sign_in(End::Success).await;
}

#[tokio::test]
async fn a_refresh_due_during_a_declined_renewal_still_happens() {
    end_of_a_pending_sign_in(End::Failure).await;
}

#[tokio::test]
async fn a_refresh_due_during_a_cancelled_renewal_still_happens() {
    end_of_a_pending_sign_in(End::Cancel).await;
}

#[tokio::test]
async fn new_settings_end_a_pending_renewal_and_the_refresher_carries_on() {
    end_of_a_pending_sign_in(End::Replace).await;
}

#[tokio::test]
async fn signing_out_during_a_renewal_closes_its_listener() {
    end_of_a_pending_sign_in(End::SignOut).await;
}

#[tokio::test]
async fn quitting_during_a_sign_in_closes_its_listener() {
    end_of_a_pending_sign_in(End::Quit).await;
}

/// After new settings ended a sign-in, the tab left on the old consent page cannot sign in.
async fn assert_old_link_is_dead(app: &App, home: &TestHome, fake: &FakeSpotify, link: &str) {
    assert_listener_closed(link).await;
    let late = approve_late(fake, link).await;
    assert!(
        late.is_none(),
        "the old link still reached spotkey: {late:?}"
    );
    assert_eq!(home.keychain_item_count(), 0, "a grant was stored");
    assert!(!app.recorder.notified("Connected"));
    let status = app.controller.status().await;
    assert_eq!(status.connection, Connection::SignedOut, "{status:?}");
    assert!(status.sign_in.is_none() && status.last_error.is_none());
}

#[tokio::test]
async fn saving_scopes_while_connecting_cancels_the_sign_in() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = app(&home, &fake, Some("test-client"));
    let link = connecting(&app, &fake).await;

    let more = ["user-read-email".to_string(), "user-top-read".to_string()];
    let saved = app.controller.save_scopes(&more).await.unwrap();

    assert_eq!(saved.connection, Connection::SignedOut);
    assert_old_link_is_dead(&app, &home, &fake, &link).await;
}

#[tokio::test]
async fn saving_credentials_while_connecting_cancels_the_sign_in() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = app(&home, &fake, None);
    app.controller
        .save_credentials("test-client", None, false)
        .await
        .unwrap();
    let link = connecting(&app, &fake).await;

    let saved = app
        .controller
        .save_credentials("test-client", None, false)
        .await
        .unwrap();

    assert_eq!(saved.connection, Connection::SignedOut);
    assert_old_link_is_dead(&app, &home, &fake, &link).await;
}

#[tokio::test]
async fn with_a_fixed_port_connect_again_after_new_scopes_works() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = Settings {
        port: Some(port),
        ..Settings::default()
    };
    settings.save(&home.paths().config_dir).unwrap();
    let app = app(&home, &fake, Some("test-client"));
    let link = connecting(&app, &fake).await;
    assert_eq!(callback_port(&link), port);

    let more = ["user-read-email".to_string(), "user-top-read".to_string()];
    app.controller.save_scopes(&more).await.unwrap();
    fake.set_consent(Consent::Approve);
    let status = app.signed_in().await;

    assert_eq!(status.last_error, None);
    assert!(status
        .account
        .unwrap()
        .scopes
        .contains(&"user-top-read".to_string()));
}
