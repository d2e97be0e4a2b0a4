//! The Web API side: Bearer access tokens and Spotify's 401 bodies for every endpoint, GET
//! /v1/me, the dispatch to the other endpoints (library, search, player), and the avatar image
//! the default profile points to.

use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::server::{bytes_reply, json_reply, web_api_error, with_header, Reply};
use super::state::Shared;
use super::{library, player, search, Recorded};

/// A 96×96 PNG portrait (generated), so the demo and screenshots show a real avatar.
const AVATAR_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAGAAAABgCAIAAABt+uBvAAAEaElEQVR42u3aZ3MURxCA4f6d5GgThHLOOYOQBMrx7pQjCCQkRLRFBhNsgw2ywTI5CYFIn9y7s666KuqGnbvr2ZvRVL2/4Kmrup3uhq/D674MYes/Y4MbPllt/DiAbVrF+jd/sNryvg/bumK1bSWw7V1gO7bs34G99e9869v5xvfDG9+Pr3uxXa+wnt0vrfZgL7r3Ys+74553xT3r2oc97YzHnnQmPOlIeNyRiP3bnoQttScvtacstaX805aKPWpNwx62pj9sSf+7JQP7qzkTW2zOWmzKetCUbZdz/zCW+yd2KO8Pq/x7jVjB3cbCuw2FvzcUYb/VF2O/1pdYHSy9Y1V2uw4rv4UdqLhpVfnLfqzqBlZbfd2qBowOR+d6bS0YHY7OtZpaMDocnWs1+8HocHSuIpDR4ehcrT4ARoejcwWBjA5H50p1HRgdjs7lqjowOhydy1UHwehwdC4hkNHh6FyqrAejw9G5iEBGh6NzsbIBjA5H50JFAxgdjs6FikYwOhydBQvI6ITWWag4BEaHo7NQbgMZnVA6P5cfBqPD0XGAjE4onZ/KmsBzndXll/w81LGBvNP5Lk1wnuicL2sGT3SEaIKTrHO+1AJSRoclU+dcaQvI1ImQJjg5OudKW0Gh305wcnTOlrSCijosCTpnS9pAUR0Wtc4ZBIrBf3QBIGKdM8XtoK4Oi1TnNAPy/Fs5MiBCndPFHaC0DotOxwEifYVKAKLTOVXUCdRvdBlAZDo2EPEEQwIQnc58URdQz3ekAFHpzBfaQKTTLwlAdDonC7uBejYoBYhKxwEinZxKAKLTmSvoAeq5sgwgMh0biHjqLgGITme2oBeodxJSgKh0ZvNtIOqNjbo6J/J9IGGfRQpEquMASdj2Kaozk+cHObtQMiBaHQYkaVOsos50XgBk7tGV05nO6wOZVwZRBJKjM51rA0m+wVDlt4M6x3P7wZMLFVV0HCCv7ndi7R/9W51jOQPg+XWT59/KHB0bSNnbLwk6UzmDYHQ4OlPZNpDRCaVzNHsIjA5HxwEyOqF0jmQNg9Hh6NhA3ukIfQd5ojOZNQLydSJ8asjUmcx0gCTpRPGxKkdnInMU5OgQDcyodSwgz18SkUenM5E5BqrrsIh0xjPGgEhHGk1wUdcZzxgHbXRY0dUZQyCddFhR1BlLnwDNdFjR0hlFIP10WFHRGU2fBC11HKOIdUbSJkFXHVaEOiNpR0Ct7x3RItQZTjsKGuuwItEZTrWBNNZhha0zlDoFsfkKjTpQeDoOkN46rPB0BlOOQYzMd6gLT+d/IN11WGHoDKQcB68mpx4BielYQGtEhyWqM5A8DeHtJJQFEtPpR6C1o8MS0ulPngHqfVasJaTTlzQDYexCFQcS0OlLOgFrSoflXieAQKJ7dA2A3OsEEmdB9MpAByDXOn4EEr3B0ADIvY4/cQ7Wmg7LpY4vYQ6E7nd0AnKj40s4CULXTdoAudTpRSCh2y+tgFzo9MbPg9BlnD5A7nR64uf/Ayc7DBsPE0ZlAAAAAElFTkSuQmCC";

pub(super) fn me(rq: &Recorded, shared: &Shared) -> Reply {
    match authorized(rq, shared) {
        Ok(()) => json_reply(200, &shared.lock().profile),
        Err(reply) => reply,
    }
}

/// Every Web API endpoint but /v1/me, behind the same bearer check.
pub(super) fn web_api(rq: &Recorded, shared: &Shared) -> Reply {
    if let Err(reply) = authorized(rq, shared) {
        return reply;
    }
    let segments: Vec<&str> = rq.path.trim_start_matches('/').split('/').collect();
    match (rq.method.as_str(), segments.as_slice()) {
        ("GET", ["v1", "me", "playlists"]) => library::my_playlists(rq, shared),
        ("POST", ["v1", "users", user, "playlists"]) => library::create_playlist(rq, shared, user),
        ("GET", ["v1", "me", "following"]) => library::following(rq, shared),
        ("GET", ["v1", "search"]) => search::search(rq, shared),
        ("GET", ["v1", "me", "player", "currently-playing"]) => player::currently_playing(shared),
        ("PUT", ["v1", "me", "player", "pause"]) => player::pause(),
        ("PUT", ["v1", "me", "player", "play"]) => player::play(rq),
        _ => json_reply(404, &web_api_error(404, "Service not found")),
    }
}

/// A live bearer token, or Spotify's 400/401.
fn authorized(rq: &Recorded, shared: &Shared) -> Result<(), Reply> {
    let Some(authorization) = rq.headers.get("authorization") else {
        return Err(unauthorized("No token provided"));
    };
    let Some(token) = authorization.strip_prefix("Bearer ") else {
        let body = web_api_error(400, "Only valid bearer authentication supported");
        return Err(json_reply(400, &body));
    };
    let st = shared.lock();
    match st.access.get(token.trim()) {
        None => Err(unauthorized("Invalid access token")),
        Some(grant) if Instant::now() >= grant.expires => {
            Err(unauthorized("The access token expired"))
        }
        Some(_) => Ok(()),
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
