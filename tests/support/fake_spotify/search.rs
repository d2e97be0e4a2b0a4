//! `GET /v1/search?q=…&type=artist,track`: one offset paging object per requested type, under
//! its plural (`artists`, `tracks`), each with its own `next` link; Spotify's 400s for a
//! missing query or a bad type.

use serde_json::{Map, Value};

use super::catalog;
use super::library::error;
use super::paging;
use super::server::{json_reply, Reply};
use super::state::Shared;
use super::Recorded;

const TYPES: &[&str] = &[
    "album",
    "artist",
    "playlist",
    "track",
    "show",
    "episode",
    "audiobook",
];

pub(super) fn search(rq: &Recorded, shared: &Shared) -> Reply {
    // Spotify's own `next` links spell the query `query=`; both are accepted.
    let Some(query) = rq.query.get("q").or_else(|| rq.query.get("query")) else {
        return error(400, "No search query");
    };
    let Some(types) = rq.query.get("type") else {
        return error(400, "Missing parameter type");
    };
    let window = match paging::window(rq) {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    let base = shared.lock().link_base();
    let mut answer = Map::new();
    for kind in types.split(',') {
        if !TYPES.contains(&kind) {
            return error(400, &format!("Bad search type field {kind}"));
        }
        let params = [("query", query.clone()), ("type", kind.to_string())];
        let found = catalog::search_results(&shared.lock().base, kind);
        let page = paging::offset_page(&found, window, &base, "/v1/search", &params);
        answer.insert(format!("{kind}s"), page);
    }
    json_reply(200, &Value::Object(answer))
}
