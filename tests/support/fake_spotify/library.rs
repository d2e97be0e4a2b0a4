//! The user's library on the Web API: `GET /v1/me/playlists` (offset paging),
//! `POST /v1/users/{id}/playlists` (201 with the playlist the body describes) and
//! `GET /v1/me/following?type=artist` (cursor paging), with Spotify's 400/403 answers.

use serde_json::{json, Value};

use super::catalog::{self, USER_ID};
use super::paging;
use super::server::{json_reply, web_api_error, Reply};
use super::state::Shared;
use super::Recorded;

pub(super) fn my_playlists(rq: &Recorded, shared: &Shared) -> Reply {
    let window = match paging::window(rq) {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    let st = shared.lock();
    let page = paging::offset_page(
        &st.playlists,
        window,
        &st.link_base(),
        "/v1/me/playlists",
        &[],
    );
    json_reply(200, &page)
}

pub(super) fn create_playlist(rq: &Recorded, shared: &Shared, user_id: &str) -> Reply {
    if user_id != USER_ID {
        return error(403, "You cannot create a playlist for another user");
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&rq.body) else {
        return error(400, "Error parsing JSON.");
    };
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return error(400, "Missing required field: name");
    };
    let flag = |key: &str, default: bool| body.get(key).and_then(Value::as_bool).unwrap_or(default);
    let description = body
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut st = shared.lock();
    let id = format!("7fakeCreated{:010}", st.playlists.len());
    let base = st.base.clone();
    let created = catalog::created_playlist(
        &base,
        &id,
        name,
        description,
        flag("public", true),
        flag("collaborative", false),
    );
    let listed = catalog::playlist(&base, &id, name, description, flag("public", true));
    st.playlists.insert(0, listed);
    json_reply(201, &created)
}

pub(super) fn following(rq: &Recorded, shared: &Shared) -> Reply {
    if rq.query.get("type").map(String::as_str) != Some("artist") {
        return error(400, "Only valid type is artist");
    }
    let limit = match paging::number(
        rq,
        "limit",
        paging::DEFAULT_LIMIT,
        1..=paging::MAX_LIMIT,
        "Invalid limit",
    ) {
        Ok(limit) => limit,
        Err(reply) => return reply,
    };
    let st = shared.lock();
    let after = rq.query.get("after").map(String::as_str);
    let params = [("type", "artist".to_string())];
    let page = paging::cursor_page(
        &st.followed,
        after,
        limit,
        &st.link_base(),
        "/v1/me/following",
        &params,
    );
    json_reply(200, &json!({ "artists": page }))
}

pub(super) fn error(status: u16, message: &str) -> Reply {
    json_reply(status, &web_api_error(status, message))
}
