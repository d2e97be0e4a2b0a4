//! `spotkey api` against the fake Spotify when things go wrong: one refresh after a 401,
//! Retry-After and 5xx waits with their bounds, dropped and silent connections, and signed
//! out (exit 1). No token shows in any output.
mod support;

use std::time::Instant;

use support::api_cli::{api, api_with, assert_no_secret, json_of, signed_in_user, the_error_line};
use support::cli_user::run;
use support::fake_spotify::{FakeSpotify, Fault};
use support::home::TestHome;

#[tokio::test]
async fn an_early_401_gets_exactly_one_refresh_and_one_retry() {
    let (fake, home) = signed_in_user().await;
    fake.invalidate_access_tokens();
    let before = fake.api_requests("GET", "/v1/me").len();

    let mut cmd = home.cli(&fake);
    cmd.env("SPOTKEY_LOG", "trace");
    let out = api_with(cmd, &["/me"], b"");

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("TRACE") || out.stderr.contains("DEBUG"),
        "logging was on"
    );
    assert_eq!(json_of(&out.stdout)["id"], "fakeuser");
    assert_eq!(fake.token_requests("refresh_token"), 1);
    let calls = fake.api_requests("GET", "/v1/me").len() - before;
    assert_eq!(calls, 2, "the refused call and one retry");
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_second_401_ends_with_spotifys_message_and_no_more_refreshes() {
    let (fake, home) = signed_in_user().await;
    fake.push_me_fault(Fault::Status(401));
    fake.push_me_fault(Fault::Status(401));
    let before = fake.api_requests("GET", "/v1/me").len();

    let out = api(&home, &fake, &["/v1/me"]);

    assert_eq!(out.code, 2, "{}", out.stderr);
    let line = the_error_line(&out);
    assert!(
        line.contains("HTTP 401") && line.contains("Unauthorized"),
        "{line}"
    );
    assert_eq!(fake.token_requests("refresh_token"), 1);
    assert_eq!(fake.api_requests("GET", "/v1/me").len() - before, 2);
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_429_is_waited_out_as_retry_after_asks_and_stderr_says_so() {
    let (fake, home) = signed_in_user().await;
    fake.push_api_fault(Fault::TooManyRequests { retry_after: 1 });

    let started = Instant::now();
    let out = api(&home, &fake, &["/me/playlists"]);

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        started.elapsed().as_millis() >= 1000,
        "waited {:?}",
        started.elapsed()
    );
    assert!(
        out.stderr
            .contains("Spotify asks to wait 1 s (rate limit); retrying"),
        "{}",
        out.stderr
    );
    assert_eq!(json_of(&out.stdout)["total"], 5);
    assert_eq!(fake.api_requests("GET", "/v1/me/playlists").len(), 2);
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_long_or_unusable_retry_after_says_when_to_try_again_without_waiting() {
    let (fake, home) = signed_in_user().await;
    fake.push_api_fault(Fault::TooManyRequests { retry_after: 3000 });

    let started = Instant::now();
    let out = api(&home, &fake, &["/me/playlists"]);

    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(started.elapsed().as_secs() < 30, "it did not wait 3000 s");
    assert!(
        the_error_line(&out).contains("try again in 3000 s"),
        "{}",
        out.stderr
    );
    assert_eq!(fake.api_requests("GET", "/v1/me/playlists").len(), 1);
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn server_errors_are_retried_briefly_then_reported() {
    let (fake, home) = signed_in_user().await;
    fake.push_api_fault(Fault::Status(503));
    fake.push_api_fault(Fault::Status(500));
    let recovered = api(&home, &fake, &["/me/playlists"]);
    assert_eq!(recovered.code, 0, "{}", recovered.stderr);
    assert_eq!(fake.api_requests("GET", "/v1/me/playlists").len(), 3);

    for _ in 0..4 {
        fake.push_api_fault(Fault::Status(502));
    }
    let gave_up = api(&home, &fake, &["/me/playlists"]);
    assert_eq!(gave_up.code, 2, "{}", gave_up.stderr);
    assert!(
        the_error_line(&gave_up).contains("HTTP 502"),
        "{}",
        gave_up.stderr
    );
    assert_eq!(fake.api_requests("GET", "/v1/me/playlists").len(), 3 + 4);
    assert_no_secret(&fake, &[&recovered, &gave_up]);
}

#[tokio::test]
async fn a_refresh_spotify_refuses_signs_out_with_exit_1() {
    let (fake, home) = signed_in_user().await;
    fake.invalidate_access_tokens();
    fake.revoke_refresh_tokens();

    let out = api(&home, &fake, &["/me"]);

    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        the_error_line(&out).contains("spotkey login"),
        "{}",
        out.stderr
    );
    assert_eq!(
        run(home.cli(&fake).arg("token")).code,
        1,
        "signed out for good"
    );
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_dropped_or_silent_connection_exits_2_with_one_line() {
    let (fake, home) = signed_in_user().await;
    fake.push_api_fault(Fault::DropConnection);
    let dropped = api(&home, &fake, &["/me/playlists"]);
    assert_eq!(dropped.code, 2, "{}", dropped.stderr);
    assert!(the_error_line(&dropped).contains("could not reach the Spotify Web API"));

    // Longer than the 15 s deadline of one request, shorter than the test's patience.
    fake.push_api_fault(Fault::Hang(std::time::Duration::from_secs(40)));
    let started = Instant::now();
    let silent = api(&home, &fake, &["/me/playlists"]);
    assert_eq!(silent.code, 2, "{}", silent.stderr);
    assert!(
        the_error_line(&silent).contains("timed out"),
        "{}",
        silent.stderr
    );
    assert!(
        started.elapsed().as_secs() < 35,
        "the deadline held: {:?}",
        started.elapsed()
    );
    assert_no_secret(&fake, &[&dropped, &silent]);
}

#[test]
fn signed_out_exits_1_with_the_line_spotkey_token_prints() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();

    let out = api(&home, &fake, &["/me"]);
    let token = run(home.cli(&fake).arg("token"));

    assert_eq!((out.code, token.code), (1, 1), "{}", out.stderr);
    assert_eq!(out.stderr, token.stderr);
    assert_eq!(out.stdout, "");
    assert!(fake.api_requests("GET", "/v1/me").is_empty());
}
