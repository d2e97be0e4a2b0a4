//! The desktop window end to end, as a user meets it: WebDriver (tauri-driver +
//! WebKitWebDriver on a private Xvfb) clicks the real window of the real binary, which talks to
//! the fake Spotify on 127.0.0.1 and keeps its grant in the real (test) keychain. The "system
//! browser" is curl following the consent redirect, as a user's browser would.
#![cfg(target_os = "linux")]

mod support;

use std::ffi::OsString;
use std::time::Duration;

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::{extended_quota_profile, Consent, FakeConfig, FakeSpotify, Fault};
use support::footprint::{environ_var, COMPOSITING_OFF};
use support::home::TestHome;

/// A browser that approves: writes down the environment it was started with (to
/// `browser_env`), then fetches the authorize URL and follows the redirect to spotkey.
fn approving_browser(home: &TestHome) -> OsString {
    let script = home.root().join("browser");
    let text = format!(
        "#!/bin/sh\nenv > '{}'\nexec curl -s -L -o /dev/null \"$1\"\n",
        home.root().join("browser.env").display()
    );
    std::fs::write(&script, text).expect("write the browser script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("make the browser script executable");
    script.into()
}

/// The environment the last browser started with, as `env` printed it.
fn browser_env(home: &TestHome) -> String {
    std::fs::read_to_string(home.root().join("browser.env")).expect("the browser ran")
}

fn env(home: &TestHome, fake: &FakeSpotify, with_client_id: bool) -> Vec<(String, OsString)> {
    let mut env: Vec<(String, OsString)> = home
        .env(fake)
        .into_iter()
        .filter(|(k, _)| with_client_id || *k != "SPOTKEY_CLIENT_ID")
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.retain(|(k, _)| k != "BROWSER");
    env.push(("BROWSER".into(), approving_browser(home)));
    env
}

fn authorize_requests(fake: &FakeSpotify) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/authorize"))
        .count()
}

/// `css` is whole inside the window as it opens (default size, not scrolled): no scrolling
/// needed to find it.
async fn assert_within_the_window(app: &Desktop, css: &str) {
    let script = "const r = document.querySelector(arguments[0]).getBoundingClientRect();\
                  return [r.top, r.bottom, r.left, r.right, innerHeight, innerWidth, scrollY];";
    let found = app.client.execute(script, vec![css.into()]).await;
    let numbers: Vec<f64> = found
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let [top, bottom, left, right, height, width, scrolled] = numbers[..] else {
        panic!("cannot measure {css}: {numbers:?}");
    };
    assert!(
        scrolled == 0.0 && top >= 0.0 && left >= 0.0 && bottom <= height && right <= width,
        "{css} is outside the {width}x{height} window: top {top}, bottom {bottom}, left {left}, \
         right {right} (scrolled {scrolled})"
    );
}

async fn connect(app: &Desktop) {
    app.click("#connect").await;
    app.wait_for_text("#display-name", "Fake User", WAIT).await;
}

#[tokio::test]
async fn first_run_connect_restart_and_sign_out() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = Desktop::launch(env(&home, &fake, false), &[]).await;

    // First run: the three steps and the exact redirect URI to register.
    app.wait_for_text("#setup-title", "Set up spotkey", WAIT)
        .await;
    assert_eq!(app.text("#redirect-uri").await, "http://127.0.0.1/callback");
    assert_within_the_window(&app, "#save-credentials").await;
    app.screenshot("1-first-run-setup").await;
    app.wait_for("#client-id")
        .await
        .send_keys("test-client")
        .await
        .unwrap();
    app.click("#save-credentials").await;

    app.wait_for_text("#connect", "Connect Spotify", WAIT).await;
    app.screenshot("2-signed-out").await;
    connect(&app).await;
    assert_eq!(authorize_requests(&fake), 1);
    let page = app.visible_text().await;
    assert!(
        page.contains("See your email address"),
        "granted scopes shown: {page}"
    );
    assert!(
        page.contains("Secret Service"),
        "where the token lives: {page}"
    );
    assert!(page.contains("Stays connected until"), "{page}");
    app.screenshot("3-signed-in").await;
    // The window's web process paints without compositing from its start; the browser it
    // opened got the user's environment, not spotkey's choice for its own window.
    let web_process = app
        .processes()
        .into_iter()
        .find(|(_, name)| name == "WebKitWebProces")
        .expect("the window's web process runs");
    assert!(
        environ_var(web_process.0, COMPOSITING_OFF).is_some(),
        "the web process started with compositing on"
    );
    let users_own = std::env::var(COMPOSITING_OFF).ok();
    let browsers = browser_env(&home).lines().find_map(|l| {
        l.strip_prefix(&format!("{COMPOSITING_OFF}="))
            .map(String::from)
    });
    assert_eq!(browsers, users_own, "the browser's {COMPOSITING_OFF}");
    assert_eq!(home.keychain_item_count(), 1);

    // Restart: straight back to the account, no new consent.
    let app = app.restart().await;
    app.wait_for_text("#display-name", "Fake User", WAIT).await;
    assert_eq!(
        authorize_requests(&fake),
        1,
        "no consent request after a restart"
    );

    // Settings → Sign out (confirmed) → keychain empty.
    app.click("#open-settings").await;
    app.wait_for_text("#settings-title", "Settings", WAIT).await;
    app.screenshot("4-settings").await;
    app.click("#sign-out").await;
    let dialog = app
        .wait_for_text("#confirm-dialog", "spotify.com/account/apps", WAIT)
        .await;
    assert!(dialog.to_lowercase().contains("sign out"), "{dialog}");
    app.click("#confirm-ok").await;
    app.wait_for_text("#connect", "Connect Spotify", WAIT).await;
    assert_eq!(
        home.keychain_item_count(),
        0,
        "sign-out empties the keychain"
    );
    app.quit().await;
}

#[tokio::test]
async fn declined_consent_says_so_and_offers_a_way_back() {
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Deny);
    let home = TestHome::new();
    let app = Desktop::launch(env(&home, &fake, true), &[]).await;

    app.click("#connect").await;
    app.wait_for_text("#last-error", "declined", WAIT).await;
    app.screenshot("5-declined").await;
    assert!(app.text("#connect").await.contains("Connect Spotify"));
    assert_eq!(home.keychain_item_count(), 0);
    app.quit().await;
}

#[tokio::test]
async fn a_sign_in_nobody_finishes_times_out_with_a_message() {
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Ignore);
    let home = TestHome::new();
    let mut env = env(&home, &fake, true);
    env.push(("SPOTKEY_SIGN_IN_TIMEOUT".into(), "4".into()));
    let app = Desktop::launch(env, &[]).await;

    app.click("#connect").await;
    app.wait_for_text("#connecting-title", "Approve spotkey in your browser", WAIT)
        .await;
    // Read through innerText: WebKitWebDriver's element text drops a wrapped long URL.
    let link = format!("{}/authorize?", fake.accounts_url());
    let deadline = std::time::Instant::now() + WAIT;
    while !app.visible_text().await.contains(&link) {
        assert!(
            std::time::Instant::now() < deadline,
            "the sign-in link never showed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("6-connecting").await;
    let script = "const l = document.getElementById('sign-in-link');\
                  return [l.hasAttribute('title'), l.scrollWidth <= l.clientWidth];";
    let link_fits = app.client.execute(script, vec![]).await.unwrap();
    assert_eq!(
        link_fits,
        serde_json::json!([false, true]),
        "the link is shown whole in the window, with no tooltip to run off it"
    );
    // The 4 s timeout ends it with what to check, back on the Connect screen.
    let message = app
        .wait_for_text("#last-error", "No answer from the browser", WAIT)
        .await;
    assert!(message.contains("http://127.0.0.1/callback"), "{message}");
    assert!(app.text("#connect").await.contains("Connect Spotify"));
    app.screenshot("9-timed-out").await;
    app.quit().await;
}

#[tokio::test]
async fn offline_banner_then_recovery() {
    let fake = FakeSpotify::start();
    // Tokens that are due for renewal 3 s after sign-in (a 6 s lifetime, half of it left).
    fake.set_access_token_ttl(6);
    let home = TestHome::new();
    let app = Desktop::launch(env(&home, &fake, true), &[]).await;
    connect(&app).await;

    fake.push_token_fault(Fault::Status(503));
    app.wait_for_text("#banner-message", "Can’t reach Spotify", WAIT)
        .await;
    assert!(
        app.text("#display-name").await.contains("Fake User"),
        "still signed in"
    );
    app.screenshot("7-offline").await;

    app.click("#banner-action").await;
    let deadline = std::time::Instant::now() + WAIT;
    while app.wait_for("#banner").await.is_displayed().await.unwrap() {
        assert!(
            std::time::Instant::now() < deadline,
            "the banner never went away"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        fake.token_requests("refresh_token") >= 2,
        "retried the refresh"
    );
    app.quit().await;
}

#[tokio::test]
async fn spotify_ending_the_connection_shows_reconnect() {
    let fake = FakeSpotify::start();
    fake.set_access_token_ttl(6);
    let home = TestHome::new();
    let app = Desktop::launch(env(&home, &fake, true), &[]).await;
    connect(&app).await;

    fake.revoke_refresh_tokens();
    app.wait_for_text("#banner-action", "Reconnect", WAIT).await;
    app.wait_for_text("#connect", "Connect Spotify", WAIT).await;
    app.screenshot("8-connection-ended").await;
    assert_eq!(home.keychain_item_count(), 0);

    // Reconnect works from the same screen.
    app.click("#banner-action").await;
    app.wait_for_text("#display-name", "Fake User", WAIT).await;
    app.quit().await;
}

#[tokio::test]
async fn a_second_launch_focuses_the_first_and_exits() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let env = env(&home, &fake, true);
    let app = Desktop::launch(env.clone(), &[]).await;
    app.wait_for_text("#connect", "Connect Spotify", WAIT).await;

    let started = std::time::Instant::now();
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_spotkey"))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("DISPLAY", app.display())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let exited = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(15) {
            let _ = second.kill();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let status = exited.expect("the second spotkey kept running: two instances");
    assert!(status.success(), "{status}");

    // The first one is untouched and still works.
    connect(&app).await;
    assert_eq!(authorize_requests(&fake), 1);
    app.quit().await;
}

/// An app with extended quota gets the email, country and plan: the window shows them as a
/// person reads them (the country by its name, from Rust), and the end of the connection as a
/// date in words.
#[tokio::test]
async fn an_extended_quota_account_shows_its_email_country_and_plan() {
    let fake = FakeSpotify::start_with(FakeConfig {
        profile: extended_quota_profile(),
        ..FakeConfig::default()
    });
    let home = TestHome::new();
    let login = support::cli_user::login_without_browser(home.cli(&fake)).await;
    assert_eq!(login.code, 0, "{}", login.stderr);

    let app = Desktop::launch(env(&home, &fake, true), &[]).await;
    app.wait_for_text("#display-name", "Ada", WAIT).await;
    app.wait_for_text("#email", "ada@example.com", WAIT).await;
    app.wait_for_text("#country", "Sweden (SE)", WAIT).await;
    app.wait_for_text("#product", "Premium", WAIT).await;
    let expiry = app.text("#connection-expiry").await;
    let date = expiry
        .strip_prefix("Stays connected until ")
        .and_then(|rest| rest.split(" (").next())
        .unwrap_or_default();
    let words: Vec<&str> = date.split(' ').collect();
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    assert!(
        words.len() == 3
            && months.contains(&words[0])
            && words[1].trim_end_matches(',').parse::<u8>().is_ok()
            && words[2].parse::<u16>().is_ok(),
        "{expiry:?}"
    );
    app.quit().await;
}
