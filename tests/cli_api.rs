//! `spotkey api` as scripts use it against the fake Spotify: the token, one refresh after a
//! 401, Retry-After and 5xx waits, pages followed into one array, bodies sent exactly, and the
//! exit codes (0 on 2xx, 1 signed out, 2 otherwise). No token shows in any output.
mod support;

use std::time::Instant;

use serde_json::{json, Value};
use support::api_cli::{api, api_with, assert_no_secret, signed_in_user, the_error_line};
use support::cli_user::run;
use support::fake_spotify::{FakeSpotify, Fault};
use support::home::TestHome;

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn names(items: &Value) -> Vec<&str> {
    let items = items
        .as_array()
        .unwrap_or_else(|| panic!("an array: {items}"));
    items.iter().map(|i| i["name"].as_str().unwrap()).collect()
}

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
async fn paginate_prints_every_page_as_one_array_in_order() {
    let (fake, home) = signed_in_user().await;

    let out = api(&home, &fake, &["--paginate", "/me/playlists?limit=2"]);

    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = json_of(&out.stdout);
    assert_eq!(
        names(&all),
        ["Morning", "Focus", "Running", "Dinner", "Late night"]
    );
    assert_eq!(fake.api_requests("GET", "/v1/me/playlists").len(), 3);
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn paginate_follows_nested_search_lists_and_cursor_pages() {
    let (fake, home) = signed_in_user().await;

    let search = api(
        &home,
        &fake,
        &[
            "--paginate",
            "-X",
            "GET",
            "/search",
            "-f",
            "q=abba",
            "-f",
            "type=track,artist",
            "-f",
            "limit=2",
        ],
    );
    assert_eq!(search.code, 0, "{}", search.stderr);
    let found = json_of(&search.stdout);
    assert_eq!(
        names(&found),
        [
            "Abba",
            "Abba Tribute",
            "Abbey",
            "Waterloo",
            "SOS",
            "Mamma Mia"
        ]
    );

    let following = api(
        &home,
        &fake,
        &["--paginate", "/me/following?type=artist&limit=2"],
    );
    assert_eq!(following.code, 0, "{}", following.stderr);
    let artists = json_of(&following.stdout);
    assert_eq!(
        names(&artists),
        [
            "Ada Band",
            "Byte Choir",
            "Cache Miss",
            "Deadlock",
            "Endianness"
        ]
    );
    assert_eq!(fake.api_requests("GET", "/v1/me/following").len(), 3);
    assert_no_secret(&fake, &[&search, &following]);
}

#[tokio::test]
async fn fields_and_input_reach_spotify_exactly() {
    let (fake, home) = signed_in_user().await;
    let description = home.root().join("description.txt");
    std::fs::write(&description, "for \"running\"\nfast").unwrap();

    let play = api(
        &home,
        &fake,
        &[
            "-X",
            "PUT",
            "/me/player/play",
            "-f",
            "uris[]=spotify:track:1",
            "-f",
            "uris[]=spotify:track:2",
        ],
    );
    assert_eq!(
        (play.code, play.stdout.as_str()),
        (0, ""),
        "{}",
        play.stderr
    );
    let sent = &fake.api_requests("PUT", "/v1/me/player/play")[0];
    assert_eq!(
        serde_json::from_slice::<Value>(&sent.body).unwrap(),
        json!({"uris": ["spotify:track:1", "spotify:track:2"]})
    );
    assert_eq!(sent.headers["content-type"], "application/json");

    let field = format!("description=@{}", description.display());
    let create = api(
        &home,
        &fake,
        &[
            "/users/fakeuser/playlists",
            "-f",
            "name=Mix",
            "-F",
            "public=false",
            "-F",
            &field,
        ],
    );
    assert_eq!(create.code, 0, "{}", create.stderr);
    let sent = &fake.api_requests("POST", "/v1/users/fakeuser/playlists")[0];
    let expected = json!({"name": "Mix", "public": false, "description": "for \"running\"\nfast"});
    assert_eq!(
        serde_json::from_slice::<Value>(&sent.body).unwrap(),
        expected
    );
    let created = json_of(&create.stdout);
    assert_eq!(
        (
            &created["name"],
            &created["public"],
            &created["description"]
        ),
        (
            &expected["name"],
            &expected["public"],
            &expected["description"]
        )
    );

    let input = br#"{"uris":["spotify:track:3"],"position_ms":0}"#;
    let piped = api_with(
        home.cli(&fake),
        &["-X", "PUT", "/me/player/play", "--input", "-"],
        input,
    );
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(
        fake.api_requests("PUT", "/v1/me/player/play")[1].body,
        input
    );
    assert_no_secret(&fake, &[&play, &create, &piped]);
}

#[tokio::test]
async fn include_shows_the_status_and_headers_and_204_prints_nothing() {
    let (fake, home) = signed_in_user().await;

    let included = api(&home, &fake, &["--include", "/me"]);
    assert_eq!(included.code, 0, "{}", included.stderr);
    let (head, body) = included
        .stdout
        .split_once("\n\n")
        .expect("a blank line after the head");
    assert!(head.starts_with("HTTP/1.1 200 OK\n"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(json_of(body)["id"], "fakeuser");

    let nothing = api(&home, &fake, &["/me/player/currently-playing"]);
    let paused = api(&home, &fake, &["-X", "PUT", "/me/player/pause"]);
    for out in [&nothing, &paused] {
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "", "")
        );
    }
    let silent = api(&home, &fake, &["--silent", "/me"]);
    assert_eq!((silent.code, silent.stdout.as_str()), (0, ""));
    assert_no_secret(&fake, &[&included, &nothing, &paused, &silent]);
}

#[tokio::test]
async fn an_http_error_exits_2_with_the_status_and_spotifys_message() {
    let (fake, home) = signed_in_user().await;

    let out = api(&home, &fake, &["/me/playlists?limit=99"]);

    assert_eq!(out.code, 2);
    assert_eq!(
        the_error_line(&out),
        "spotkey: Spotify answered HTTP 400 (Bad Request): Invalid limit"
    );
    assert_no_secret(&fake, &[&out]);
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

#[test]
fn bad_input_gets_one_line_and_sends_nothing() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let big = home.root().join("big.json");
    std::fs::write(&big, vec![b' '; 10 * 1024 * 1024 + 1]).unwrap();
    let big_input = big.display().to_string();
    let cases: &[&[&str]] = &[
        &["/me", "-F", "x=@/nonexistent/file"],
        &["/me", "-f", "novalue"],
        &["/me", "-f", "a[]]=1"],
        &["-X", "GE T", "/me"],
        &["--paginate", "/me/playlists", "-f", "limit=2"],
        &["-X", "PUT", "/me/player/play", "--input", &big_input],
        &["/me", "-F", "a=@-", "--input", "-"],
        &[""],
    ];
    for args in cases {
        let out = api(&home, &fake, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        the_error_line(&out);
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
}
