//! `spotkey api` as scripts use it against the fake Spotify: pages followed into one array,
//! fields and bodies sent exactly, `--include`, 204s, HTTP errors and bad input (exit 0 on 2xx,
//! 2 otherwise). No token shows in any output.
mod support;

use serde_json::{json, Value};
use support::api_cli::{api, api_with, assert_no_secret, json_of, signed_in_user, the_error_line};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;

fn names(items: &Value) -> Vec<&str> {
    let items = items
        .as_array()
        .unwrap_or_else(|| panic!("an array: {items}"));
    items.iter().map(|i| i["name"].as_str().unwrap()).collect()
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
