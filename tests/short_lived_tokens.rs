//! Access tokens that live less than the usual five-minute refresh margin (other OAuth
//! servers, or Spotify should it change): no refresh on every call, no refresh every second.
mod support;

use std::time::Duration;

use serde_json::json;
use spotkey::auth::session::now_unix;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::CancelHandle;
use support::cli_user::run;
use support::fake_spotify::{FakeConfig, FakeSpotify};
use support::home::TestHome;
use support::item::rewrite_session;
use support::user::ScriptedUser;

const TTL: u64 = 60;

async fn signed_in_with_minute_tokens() -> (FakeSpotify, TestHome) {
    let fake = FakeSpotify::start_with(FakeConfig {
        access_token_ttl: TTL,
        ..FakeConfig::default()
    });
    let home = TestHome::new();
    home.account(&fake)
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
    (fake, home)
}

#[tokio::test]
async fn three_token_calls_in_a_row_make_at_most_one_refresh() {
    let (fake, home) = signed_in_with_minute_tokens().await;

    let tokens: Vec<_> = (0..3)
        .map(|_| {
            let out = run(home.cli(&fake).arg("token"));
            assert_eq!(out.code, 0, "{}", out.stderr);
            out.stdout
        })
        .collect();

    assert!(fake.token_requests("refresh_token") <= 1);
    assert_eq!(tokens[1], tokens[2], "the last two calls reuse one token");
}

#[tokio::test]
async fn the_desktop_refresher_waits_about_a_lifetime_between_refreshes() {
    let (fake, home) = signed_in_with_minute_tokens().await;
    let account = home.account(&fake);

    // What the refresher loop does: get a token, then sleep until the next refresh is due.
    for _ in 0..5 {
        account.access_token().await.unwrap();
        let due = account.refresh_due_in().await.unwrap();
        assert!(
            due >= Duration::from_secs(TTL / 2) && due <= Duration::from_secs(TTL),
            "the refresher would wake after {due:?}"
        );
    }
    assert_eq!(
        fake.token_requests("refresh_token"),
        0,
        "the new token is fresh"
    );

    // 55 s later (as after the refresher's sleep): one refresh, then again a long sleep.
    let now = now_unix();
    let times = json!({"access_issued_at": now - 55, "access_expires_at": now + 5});
    rewrite_session(&home, &fake, times).await;
    let restarted = home.account(&fake);
    for _ in 0..5 {
        restarted.access_token().await.unwrap();
        let due = restarted.refresh_due_in().await.unwrap();
        assert!(due >= Duration::from_secs(TTL / 2), "woke after {due:?}");
    }
    assert_eq!(fake.token_requests("refresh_token"), 1);
}
