//! The CLI's sentences match what actually happened: no browser claimed when none opens, the
//! same identifier for the user everywhere, "not set up" as a problem on stderr, and no promise
//! to keep a connection that does not exist yet.
mod support;

use serde_json::Value;
use support::cli_user::{login_without_browser, run};
use support::fake_spotify::{FakeSpotify, Fault};
use support::home::TestHome;

#[tokio::test]
async fn login_without_a_browser_asks_to_open_the_link_instead_of_claiming_to_open_one() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let login = login_without_browser(home.cli(&fake)).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert!(!login.stderr.contains("Opening"), "{}", login.stderr);
    assert!(
        login.stderr.contains("Open this link in your browser"),
        "{}",
        login.stderr
    );
}

#[tokio::test]
async fn login_and_status_name_the_user_by_the_same_spotify_id() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let login = login_without_browser(home.cli(&fake)).await;
    assert!(
        login.stdout.contains("Signed in as Fake User (fakeuser)."),
        "{}",
        login.stdout
    );
    let status = run(home.cli(&fake).arg("status"));
    assert!(
        status
            .stdout
            .contains("Signed in as Fake User (fakeuser)\n"),
        "{}",
        status.stdout
    );
    assert!(!status.stdout.contains("acc_5f2b9c"), "{}", status.stdout);
    let json = run(home.cli(&fake).args(["status", "--json"]));
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["user"]["account_id"], "acc_5f2b9c", "JSON keeps both");
    assert_eq!(json["user"]["id"], "fakeuser");
}

#[test]
fn status_without_setup_says_not_set_up_on_stderr() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let status = run(home
        .cli(&fake)
        .env_remove("SPOTKEY_CLIENT_ID")
        .arg("status"));
    assert_eq!(status.code, 1);
    assert_eq!(status.stdout, "", "nothing for a script to parse on stdout");
    assert!(
        status.stderr.starts_with("Not set up."),
        "{}",
        status.stderr
    );
    let json = run(home
        .cli(&fake)
        .env_remove("SPOTKEY_CLIENT_ID")
        .args(["status", "--json"]));
    assert_eq!(json.code, 1);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["reason"], "missing_client_id",
        "--json stays on stdout"
    );
}

#[tokio::test]
async fn an_outage_promises_to_keep_the_connection_only_when_there_is_one() {
    let fake = FakeSpotify::start();
    for fault in [Fault::Status(503), Fault::DropConnection] {
        let home = TestHome::new();
        fake.push_token_fault(fault.clone());
        let first = login_without_browser(home.cli(&fake)).await;
        assert_eq!(first.code, 2, "{fault:?}: {}", first.stderr);
        assert!(
            !first.stderr.contains("keeps your connection"),
            "a first sign-in has no connection to keep ({fault:?}): {}",
            first.stderr
        );
        assert!(
            first.stderr.contains("nothing was stored. Sign in again"),
            "{fault:?}: {}",
            first.stderr
        );
        assert_eq!(home.keychain_item_count(), 0, "{fault:?}");
    }

    let home = TestHome::new();
    assert_eq!(login_without_browser(home.cli(&fake)).await.code, 0);
    let vault = home.account(&fake).vault().clone();
    let mut session = vault.load_session().await.unwrap().unwrap();
    session.access_expires_at = 1;
    vault.save_session(&session).await.unwrap();
    fake.push_token_fault(Fault::Status(503));
    let token = run(home.cli(&fake).arg("token"));
    assert_eq!(token.code, 2, "{}", token.stderr);
    assert!(
        token.stderr.contains("spotkey keeps your connection"),
        "{}",
        token.stderr
    );
    assert_eq!(
        run(home.cli(&fake).arg("status")).code,
        0,
        "still signed in"
    );
}
