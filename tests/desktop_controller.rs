//! The desktop app's behaviour below the window: what the tray and the window's commands do,
//! driven through the same `Controller` the Tauri shell calls, with the real keychain and the
//! fake Spotify. (The window itself is driven by WebDriver in desktop_e2e.rs.)
mod support;

use std::time::{Duration, Instant};

use spotkey::app::{tray_menu, Connection, TrayAction, TrayIconKind, TrayOutcome};
use support::app::{app as desktop, WAIT};
use support::fake_spotify::{Consent, FakeSpotify, Fault};
use support::home::TestHome;

#[tokio::test]
async fn first_run_needs_a_client_id_then_connects() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, None);

    let first = app.controller.status().await;
    assert!(first.setup_needed);
    let refused = app.controller.sign_in().await.unwrap_err();
    assert_eq!(refused.code, "setup_needed");

    let bad = app
        .controller
        .save_credentials("not a client id!", None, false)
        .await
        .unwrap_err();
    assert_eq!(bad.code, "invalid_config", "{bad:?}");
    let saved = app
        .controller
        .save_credentials("test-client", Some(""), false)
        .await
        .unwrap();
    assert!(!saved.setup_needed);
    assert_eq!(saved.connection, Connection::SignedOut);
    assert_eq!(saved.client_id.as_deref(), Some("test-client"));

    let status = app.signed_in().await;
    let account = status.account.expect("account details");
    assert_eq!(account.display_name, "Fake User");
    assert!(account.keychain.contains("Secret Service"), "{account:?}");
    assert_eq!(
        home.keychain_item_count(),
        1,
        "one session entry, no probe left"
    );
    assert!(app.recorder.notified("Connected to Spotify"));
}

#[tokio::test]
async fn tray_actions_go_through_the_same_code_as_the_window() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));

    let menu = tray_menu::view(&app.controller.status().await);
    assert_eq!(menu.icon, TrayIconKind::NotConnected);
    assert_eq!(menu.items[0].label, "Connect Spotify…");
    assert_eq!(menu.items[0].action, Some(TrayAction::Connect));
    let sign_out = menu.items.iter().find(|i| i.label == "Sign out").unwrap();
    assert!(!sign_out.enabled, "nothing to sign out of yet");

    let connect = TrayAction::from_id(TrayAction::Connect.id()).unwrap();
    assert_eq!(app.controller.handle_tray(connect).await, TrayOutcome::Done);
    let status = app.wait_for(Connection::SignedIn).await;
    assert_eq!(app.browser.opened_count(), 1, "the system browser opened");
    let menu = tray_menu::view(&status);
    assert_eq!(menu.icon, TrayIconKind::Connected);
    assert_eq!(menu.items[0].label, "Signed in as Fake User");
    assert!(!menu.items[0].enabled);
    assert_eq!(menu.tooltip, "spotkey — signed in as Fake User");

    assert_eq!(
        app.controller.handle_tray(TrayAction::SignOut).await,
        TrayOutcome::Done
    );
    assert_eq!(home.keychain_item_count(), 0);
    let menu = tray_menu::view(&app.controller.status().await);
    assert_eq!(menu.items[0].label, "Connect Spotify…");
    assert_eq!(
        app.controller.handle_tray(TrayAction::Open).await,
        TrayOutcome::OpenWindow
    );
    assert_eq!(
        app.controller.handle_tray(TrayAction::Quit).await,
        TrayOutcome::Quit
    );
}

#[tokio::test]
async fn tray_connect_before_setup_opens_the_window_instead() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, None);
    assert_eq!(
        app.controller.handle_tray(TrayAction::Connect).await,
        TrayOutcome::OpenWindow
    );
    assert_eq!(app.browser.opened_count(), 0);
}

/// Access tokens due for renewal a second after they are issued.
const SHORT_TTL: u64 = 2;

/// The refresher's step, repeated after the sleep it asks for (as its timer would) until it
/// has tried a refresh. Returns what that try asked for.
async fn refresh_when_due(
    app: &support::app::App,
    fake: &FakeSpotify,
    profile: bool,
) -> Option<Duration> {
    let before = fake.requests().len();
    for _ in 0..10 {
        let next = app.controller.refresh_once(profile).await;
        match next {
            Some(wait) if fake.token_requests("refresh_token") == 0 => {
                assert!(wait <= Duration::from_secs(SHORT_TTL), "{wait:?}");
                tokio::time::sleep(wait).await;
            }
            _ => return next,
        }
    }
    panic!("no refresh was tried ({} requests before)", before)
}

#[tokio::test]
async fn no_token_or_secret_ever_reaches_the_window() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    fake.set_access_token_ttl(SHORT_TTL); // a refresh soon: rotation happens too

    let mut replies = vec![serde_json::to_string(&app.signed_in().await).unwrap()];
    refresh_when_due(&app, &fake, true).await;
    replies.push(serde_json::to_string(&app.controller.retry().await).unwrap());
    replies.push(serde_json::to_string(&app.controller.settings().await).unwrap());
    replies.push(serde_json::to_string(&app.controller.sign_out().await.unwrap()).unwrap());
    assert!(fake.token_requests("refresh_token") >= 1, "a refresh ran");

    let secrets = fake.issued_secrets();
    assert!(
        secrets.len() >= 4,
        "codes, access and refresh tokens were issued"
    );
    let events = app.recorder.events.lock().unwrap().clone();
    assert!(events.len() >= 3);
    for payload in replies.iter().chain(events.iter()) {
        for secret in &secrets {
            assert!(
                !payload.contains(secret.as_str()),
                "a token crossed into the webview: {payload}"
            );
        }
    }
}

#[tokio::test]
async fn offline_shows_a_retry_banner_and_keeps_the_sign_in() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    fake.set_access_token_ttl(SHORT_TTL);
    app.signed_in().await;

    fake.push_token_fault(Fault::Status(503));
    refresh_when_due(&app, &fake, false).await;
    let status = app.controller.status().await;
    assert_eq!(status.connection, Connection::SignedIn, "still signed in");
    let problem = status.problem.expect("an offline banner");
    assert_eq!(problem.code, "offline");
    assert_eq!(
        serde_json::to_value(problem.action).unwrap(),
        serde_json::json!("retry")
    );
    assert_eq!(
        tray_menu::view(&app.controller.status().await).icon,
        TrayIconKind::Problem
    );

    let recovered = app.controller.retry().await;
    assert!(recovered.problem.is_none(), "{recovered:?}");
    assert_eq!(recovered.connection, Connection::SignedIn);
}

#[tokio::test]
async fn spotify_ending_the_connection_asks_to_reconnect() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    fake.set_access_token_ttl(SHORT_TTL);
    app.signed_in().await;
    app.controller.publish().await; // the shell has shown "signed in"

    fake.revoke_refresh_tokens();
    let next = refresh_when_due(&app, &fake, false).await;
    assert_eq!(next, None, "no timer while signed out");

    let status = app.controller.status().await;
    assert_eq!(status.connection, Connection::SignedOut);
    let problem = status.problem.expect("a reconnect banner");
    assert_eq!(problem.code, "connection_ended");
    assert!(
        problem.message.to_lowercase().contains("reconnect"),
        "{problem:?}"
    );
    assert_eq!(home.keychain_item_count(), 0);
    assert!(app.recorder.notified("Spotify connection lost"));
}

#[tokio::test]
async fn declining_ends_in_a_clear_message_and_a_way_back() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    fake.set_consent(Consent::Deny);

    app.controller.sign_in().await.unwrap();
    let status = app.wait_for(Connection::SignedOut).await;
    let error = status.last_error.expect("the reason");
    assert_eq!(error.code, "access_denied");
    assert!(error.message.contains("declined"), "{error:?}");
    assert!(status.sign_in.is_none());

    fake.set_consent(Consent::Approve);
    app.signed_in().await;
    assert!(app.controller.status().await.last_error.is_none());
}

#[tokio::test]
async fn cancel_returns_to_signed_out_without_an_error() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    fake.set_consent(Consent::Ignore);

    let connecting = app.controller.sign_in().await.unwrap();
    assert_eq!(connecting.connection, Connection::Connecting);
    // The link comes after two keychain round trips: allow a slow, busy CI machine.
    let deadline = Instant::now() + WAIT;
    while app.controller.sign_in_link().is_none() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let link = app.controller.sign_in_link().expect("the link to copy");
    assert!(link.starts_with(&fake.accounts_url()));
    // The window hears about the link by an event (after one keychain read).
    let deadline = Instant::now() + WAIT;
    while !app.recorder.saw(&link) {
        assert!(
            Instant::now() < deadline,
            "the window was never sent the link"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = app.controller.cancel_sign_in().await;
    assert_eq!(status.connection, Connection::SignedOut);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let status = app.controller.status().await;
    assert!(status.last_error.is_none(), "{status:?}");
    assert_eq!(home.keychain_item_count(), 0);
}

#[tokio::test]
async fn changing_credentials_while_signed_in_asks_first_and_scopes_can_grow() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, None);
    app.controller
        .save_credentials("test-client", None, false)
        .await
        .unwrap();
    app.signed_in().await;

    let more = vec![
        "user-read-email".to_string(),
        "user-read-private".to_string(),
        "user-top-read".to_string(),
    ];
    let grown = app.controller.save_scopes(&more).await.unwrap();
    assert!(
        grown.account.unwrap().needs_consent,
        "more scopes need consent"
    );
    let fewer = app
        .controller
        .save_scopes(&["user-read-email".to_string()])
        .await
        .unwrap();
    assert!(!fewer.account.unwrap().needs_consent, "fewer scopes do not");
    assert!(app.controller.save_scopes(&[]).await.is_err());

    let asked = app
        .controller
        .save_credentials("other-client", None, false)
        .await
        .unwrap_err();
    assert_eq!(asked.code, "confirm_sign_out");
    assert_eq!(home.keychain_item_count(), 1, "nothing changed yet");

    let changed = app
        .controller
        .save_credentials("other-client", Some("s3cret"), true)
        .await
        .unwrap();
    assert_eq!(changed.connection, Connection::SignedOut);
    assert_eq!(changed.client_id.as_deref(), Some("other-client"));
    assert!(app.controller.settings().await.has_client_secret);
    assert_eq!(home.keychain_item_count(), 1, "only the new app's secret");

    let forgotten = app.controller.forget_app().await.unwrap();
    assert!(forgotten.setup_needed);
    assert_eq!(home.keychain_item_count(), 0);
}

/// After the window closes, the shell replaces the process with a fresh one in the tray
/// (lighter: no WebKit left behind), but only when that loses nothing the user still needs:
/// a sign-in waiting for the browser, or the message of one that failed.
#[tokio::test]
async fn the_app_starts_again_in_the_tray_only_when_that_loses_nothing() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    let quiet = || app.controller.while_quiet(|| ()).is_some();
    assert!(quiet(), "signed out and idle: nothing to lose");

    fake.set_consent(Consent::Ignore);
    app.controller.sign_in().await.unwrap();
    app.sign_in_link().await;
    assert!(!quiet(), "the pending sign-in (its listener) would be lost");
    app.controller.cancel_sign_in().await;

    fake.set_consent(Consent::Deny);
    app.controller.sign_in().await.unwrap();
    let controller = &app.controller;
    support::wait::until("the sign-in to fail", WAIT, || async move {
        controller.status().await.last_error.is_some()
    })
    .await;
    assert!(
        !quiet(),
        "the message saying the user declined would be lost"
    );

    fake.set_consent(Consent::Approve);
    app.signed_in().await;
    support::wait::until("quiet once signed in", WAIT, || async { quiet() }).await;
}
