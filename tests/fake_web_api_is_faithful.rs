//! Proves the fake's Web API beyond /v1/me (tests/support/fake_spotify: library, search,
//! player) answers in the shapes Spotify documents: offset and cursor paging objects with
//! absolute links, nested search results, 204s, a created playlist echoing its body, and the
//! 400/401/403 answers.

mod support;

use reqwest::{Response, StatusCode};
use serde_json::Value;
use support::fake_spotify::FakeSpotify;
use support::user::http;

async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// A Web API call with a live access token.
async fn web_api(fake: &FakeSpotify, method: &str, path: &str, body: Option<Value>) -> Response {
    let token = fake.issue_access_token("test-client");
    let url = format!("{}{path}", fake.api_url());
    let request = http()
        .request(method.parse().unwrap(), url)
        .bearer_auth(token);
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(body.to_string()),
        None => request,
    };
    request.send().await.unwrap()
}

fn assert_offset_paging(page: &Value, total: usize, limit: usize, offset: usize) {
    for key in [
        "href", "items", "limit", "next", "offset", "previous", "total",
    ] {
        assert!(page.get(key).is_some(), "{key} in {page}");
    }
    assert_eq!(
        (
            page["total"].as_u64(),
            page["limit"].as_u64(),
            page["offset"].as_u64()
        ),
        (Some(total as u64), Some(limit as u64), Some(offset as u64))
    );
    assert_eq!(page["next"].is_null(), offset + limit >= total, "{page}");
    assert_eq!(page["previous"].is_null(), offset == 0, "{page}");
}

#[tokio::test]
async fn playlists_are_offset_paged_with_absolute_links() {
    let fake = FakeSpotify::start();
    let (status, page) = json(web_api(&fake, "GET", "/me/playlists?limit=2", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_offset_paging(&page, 5, 2, 0);
    assert_eq!(page["items"][0]["type"], "playlist");
    assert_eq!(page["items"][0]["owner"]["id"], "fakeuser");
    let next = page["next"].as_str().unwrap();
    assert!(
        next.starts_with(&fake.api_url()) && next.contains("offset=2") && next.contains("limit=2"),
        "{next}"
    );
    let (_, last) = json(web_api(&fake, "GET", "/me/playlists?limit=2&offset=4", None).await).await;
    assert_offset_paging(&last, 5, 2, 4);
    let (status, bad) = json(web_api(&fake, "GET", "/me/playlists?limit=51", None).await).await;
    assert_eq!(
        (status, &bad["error"]["message"]),
        (StatusCode::BAD_REQUEST, &Value::from("Invalid limit"))
    );
}

#[tokio::test]
async fn search_nests_one_paging_object_per_type_and_following_pages_by_cursor() {
    let fake = FakeSpotify::start();
    let (status, found) = json(
        web_api(
            &fake,
            "GET",
            "/search?q=abba&type=artist,track&limit=2",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_offset_paging(&found["artists"], 3, 2, 0);
    assert_offset_paging(&found["tracks"], 3, 2, 0);
    assert_eq!(found["tracks"]["items"][0]["type"], "track");
    let (status, _) = json(web_api(&fake, "GET", "/search?type=artist", None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, following) =
        json(web_api(&fake, "GET", "/me/following?type=artist&limit=2", None).await).await;
    assert_eq!(status, StatusCode::OK);
    let artists = &following["artists"];
    assert_eq!(
        (
            artists["total"].as_u64(),
            artists["items"].as_array().unwrap().len()
        ),
        (Some(5), 2)
    );
    let after = artists["cursors"]["after"].as_str().unwrap();
    assert_eq!(after, artists["items"][1]["id"].as_str().unwrap());
    assert!(artists["next"]
        .as_str()
        .unwrap()
        .contains(&format!("after={after}")));
    let (status, _) = json(web_api(&fake, "GET", "/me/following?type=user", None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_player_answers_204_and_a_created_playlist_echoes_its_body() {
    let fake = FakeSpotify::start();
    let nothing = web_api(&fake, "GET", "/me/player/currently-playing", None).await;
    assert_eq!(nothing.status(), StatusCode::NO_CONTENT);
    assert!(nothing.bytes().await.unwrap().is_empty());
    let pause = web_api(&fake, "PUT", "/me/player/pause", None).await;
    assert_eq!(pause.status(), StatusCode::NO_CONTENT);
    let play = web_api(
        &fake,
        "PUT",
        "/me/player/play",
        Some(serde_json::json!({"uris": ["spotify:track:1"]})),
    )
    .await;
    assert_eq!(play.status(), StatusCode::NO_CONTENT);
    let bad = web_api(
        &fake,
        "PUT",
        "/me/player/play",
        Some(serde_json::json!({"uris": ["nope"]})),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let body = serde_json::json!({"name": "Mix", "description": "d", "public": false});
    let (status, created) =
        json(web_api(&fake, "POST", "/users/fakeuser/playlists", Some(body)).await).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            &created["name"],
            &created["description"],
            &created["public"]
        ),
        (&Value::from("Mix"), &Value::from("d"), &Value::from(false))
    );
    assert_eq!(created["tracks"]["total"], 0);
    let (status, _) = json(
        web_api(
            &fake,
            "POST",
            "/users/fakeuser/playlists",
            Some(serde_json::json!({})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = json(
        web_api(
            &fake,
            "POST",
            "/users/someone/playlists",
            Some(serde_json::json!({"name": "x"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = http()
        .get(format!("{}/me/playlists", fake.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
