//! Spotify may invalidate an access token before it expires (401 "Invalid access token"). The
//! desktop app answers with one refresh and one retry; scripts ask `spotkey token --fresh`, and
//! however many do at once, one refresh happens. `status` stays offline.
mod support;

use serde_json::json;
use spotkey::auth::session::now_unix;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{Account, CancelHandle};
use support::cli_user::run;
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::item::rewrite_session;
use support::user::ScriptedUser;

/// Signed in two minutes ago (so the token is not brand new), then Spotify invalidated it.
async fn signed_in_then_rejected(fake: &FakeSpotify, home: &TestHome) -> String {
    let account = home.account(fake);
    account
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
    let issued = now_unix() - 120;
    let times = json!({"access_issued_at": issued, "access_expires_at": issued + 3600});
    let token = rewrite_session(home, fake, times).await;
    fake.invalidate_access_tokens();
    token
}

fn me_requests(fake: &FakeSpotify) -> usize {
    let requests = fake.requests();
    requests.iter().filter(|r| r.path == "/v1/me").count()
}

#[tokio::test]
async fn the_app_answers_an_early_401_with_one_refresh_and_one_retry() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    signed_in_then_rejected(&fake, &home).await;
    let account: Account = home.account(&fake);
    let me_before = me_requests(&fake);

    let profile = account.refresh_profile().await.unwrap();

    assert_eq!(profile.id, "fakeuser");
    assert_eq!(fake.token_requests("refresh_token"), 1);
    assert_eq!(
        me_requests(&fake) - me_before,
        2,
        "the rejected call and one retry"
    );
}

#[tokio::test]
async fn five_scripts_that_saw_a_401_cause_exactly_one_refresh() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let rejected = signed_in_then_rejected(&fake, &home).await;
    let seen = fake.requests().len();

    // status never asks Spotify, so it cannot know; it still shows the stored token.
    let status = run(home.cli(&fake).args(["status", "--json"]));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(fake.requests().len(), seen, "status made no request");

    let children: Vec<_> = (0..5)
        .map(|_| {
            home.cli(&fake)
                .args(["token", "--fresh"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut tokens: Vec<_> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        })
        .collect();

    assert_eq!(
        fake.token_requests("refresh_token"),
        1,
        "one refresh across processes"
    );
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "all print the same new token");
    assert_ne!(tokens[0], rejected);
}

#[tokio::test]
async fn fresh_right_after_a_refresh_does_not_refresh_again() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let rejected = signed_in_then_rejected(&fake, &home).await;

    let first = run(home.cli(&fake).args(["token", "--fresh"]));
    let second = run(home.cli(&fake).args(["token", "--fresh"]));

    assert_eq!((first.code, second.code), (0, 0), "{}", second.stderr);
    assert_ne!(first.stdout.trim(), rejected);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(fake.token_requests("refresh_token"), 1);
}
