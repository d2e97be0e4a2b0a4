//! What the window says when something is wrong, as a user reads it: one clear sentence per
//! error, the platform's own words folded away, and a confirmation that names what is being
//! changed. WebDriver drives the real window, as in desktop_e2e.rs.
#![cfg(target_os = "linux")]

mod support;

use std::ffi::OsString;

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::session_bus::SessionBus;

const APPROVING_BROWSER: &str = "curl -s -L -o /dev/null";

fn env(home: &TestHome, fake: &FakeSpotify) -> Vec<(String, OsString)> {
    let mut env: Vec<(String, OsString)> = home
        .env(fake)
        .into_iter()
        .filter(|(k, _)| *k != "BROWSER")
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.push(("BROWSER".into(), APPROVING_BROWSER.into()));
    env
}

/// How many times `needle` appears in what the window shows.
async fn shown_times(app: &Desktop, needle: &str) -> usize {
    app.visible_text().await.matches(needle).count()
}

/// Counts the times the "connecting" screen is shown or hidden from now on, so a test can wait
/// for a sign-in attempt to start and end however fast it goes.
async fn watch_connecting_screen(app: &Desktop) {
    let script = "window.__connectingChanges = 0;\
                  new MutationObserver((m) => { window.__connectingChanges += m.length; })\
                  .observe(document.getElementById('screen-connecting'), \
                           { attributes: true, attributeFilter: ['hidden'] });";
    app.client.execute(script, vec![]).await.unwrap();
}

async fn wait_until_an_attempt_ended(app: &Desktop) {
    let script = "return window.__connectingChanges >= 2 \
                  && document.getElementById('screen-connecting').hidden;";
    support::wait::until("the sign-in attempt ended", WAIT, || async {
        app.client.execute(script, vec![]).await.unwrap() == serde_json::json!(true)
    })
    .await;
}

#[tokio::test]
async fn a_missing_keychain_is_one_clear_sentence_without_dbus_text() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    // A private bus with no Secret Service on it, and none that can be started on demand.
    let bus = SessionBus::start();
    let mut env = env(&home, &fake);
    env.push(("DBUS_SESSION_BUS_ADDRESS".into(), bus.address().into()));
    let app = Desktop::launch(env, &[]).await;

    let sentence = "No system keychain is running";
    app.wait_for_text("#banner-message", sentence, WAIT).await;
    // A sign-in needs the keychain before the browser opens: it fails for the same reason.
    watch_connecting_screen(&app).await;
    app.click("#connect").await;
    wait_until_an_attempt_ended(&app).await;

    let page = app.visible_text().await;
    assert_eq!(shown_times(&app, sentence).await, 1, "shown once: {page}");
    let attempt_error = app.wait_for("#last-error").await;
    assert!(
        !attempt_error.is_displayed().await.unwrap(),
        "the failed attempt repeats the banner's error below it: {page}"
    );
    for raw in ["org.freedesktop", "DBus", "D-Bus", "ServiceUnknown"] {
        assert!(
            !page.contains(raw),
            "platform text {raw:?} on screen: {page}"
        );
    }
    assert!(
        page.contains("Technical details"),
        "the platform's words are kept, folded away: {page}"
    );
    assert_eq!(
        authorize_requests(&fake),
        0,
        "no browser without a keychain"
    );
    app.quit().await;
}

fn authorize_requests(fake: &FakeSpotify) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/authorize"))
        .count()
}

#[tokio::test]
async fn a_new_client_secret_while_signed_in_asks_first_and_says_why() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = Desktop::launch(env(&home, &fake), &[]).await;
    app.click("#connect").await;
    app.wait_for_text("#display-name", "Fake User", WAIT).await;

    app.click("#open-settings").await;
    app.wait_for_text("#settings-title", "Settings", WAIT).await;
    app.wait_for("#settings-client-secret")
        .await
        .send_keys("a-new-secret")
        .await
        .unwrap();
    app.click("#save-settings-credentials").await;
    let dialog = app
        .wait_for_text("#confirm-dialog", "signs you out", WAIT)
        .await;
    assert!(
        dialog.contains("client secret"),
        "the question names the change being made: {dialog}"
    );
    assert_eq!(
        home.keychain_item_count(),
        1,
        "nothing changed before the answer"
    );
    app.click("#confirm-ok").await;
    app.wait_for_text("#connect", "Connect Spotify", WAIT).await;
    app.quit().await;
}
