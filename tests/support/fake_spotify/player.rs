//! The player on the Web API: `GET /v1/me/player/currently-playing` (204 with no body when
//! nothing plays), `PUT /v1/me/player/pause` and `PUT /v1/me/player/play` (204; play takes an
//! optional JSON body `{context_uri, uris, offset, position_ms}`).

use serde_json::Value;

use super::library::error;
use super::server::{bytes_reply, json_reply, Reply};
use super::state::Shared;
use super::Recorded;

pub(super) fn currently_playing(shared: &Shared) -> Reply {
    match &shared.lock().now_playing {
        Some(playing) => json_reply(200, playing),
        None => no_content(),
    }
}

pub(super) fn pause() -> Reply {
    no_content()
}

pub(super) fn play(rq: &Recorded) -> Reply {
    if rq.body.is_empty() {
        return no_content();
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&rq.body) else {
        return error(400, "Error parsing JSON.");
    };
    if let Some(uris) = body.get("uris") {
        let Some(uris) = uris.as_array() else {
            return error(400, "uris must be an array");
        };
        for uri in uris {
            let valid = uri.as_str().is_some_and(|u| {
                u.starts_with("spotify:track:") || u.starts_with("spotify:episode:")
            });
            if !valid {
                return error(
                    400,
                    &format!("Invalid track uri: {}", uri.as_str().unwrap_or("")),
                );
            }
        }
    }
    no_content()
}

fn no_content() -> Reply {
    bytes_reply(204, "application/json", Vec::new())
}
