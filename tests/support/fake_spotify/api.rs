//! The Web API side: GET /v1/me (Bearer access tokens, Spotify's 401 bodies) and the avatar image
//! the default profile points to.

use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::server::{bytes_reply, json_reply, web_api_error, with_header, Reply};
use super::state::Shared;
use super::Recorded;

/// A valid 1×1 PNG.
const AVATAR_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

pub(super) fn me(rq: &Recorded, shared: &Shared) -> Reply {
    let Some(authorization) = rq.headers.get("authorization") else {
        return unauthorized("No token provided");
    };
    let Some(token) = authorization.strip_prefix("Bearer ") else {
        let body = web_api_error(400, "Only valid bearer authentication supported");
        return json_reply(400, &body);
    };
    let st = shared.lock();
    match st.access.get(token.trim()) {
        None => unauthorized("Invalid access token"),
        Some(grant) if Instant::now() >= grant.expires => unauthorized("The access token expired"),
        Some(_) => json_reply(200, &st.profile),
    }
}

fn unauthorized(message: &str) -> Reply {
    let challenge = format!(
        "Bearer realm=\"spotify\", error=\"invalid_token\", error_description=\"{message}\""
    );
    let reply = json_reply(401, &web_api_error(401, message));
    with_header(reply, "WWW-Authenticate", &challenge)
}

pub(super) fn avatar() -> Reply {
    let png = STANDARD.decode(AVATAR_PNG).expect("valid base64");
    bytes_reply(200, "image/png", png)
}
