//! What the fake user has and what the fake catalog finds, shaped as the Web API's objects:
//! simplified playlists, full playlists (as created), artists and tracks. `base` is the
//! fake's `http://127.0.0.1:PORT` (Spotify's own objects carry https://api.spotify.com links).

use serde_json::{json, Value};

pub(super) const USER_ID: &str = "fakeuser";

fn owner(base: &str) -> Value {
    json!({
        "display_name": "Fake User",
        "external_urls": {"spotify": format!("https://open.spotify.com/user/{USER_ID}")},
        "href": format!("{base}/v1/users/{USER_ID}"),
        "id": USER_ID,
        "type": "user",
        "uri": format!("spotify:user:{USER_ID}"),
    })
}

/// A SimplifiedPlaylistObject, as `GET /me/playlists` lists it.
pub(super) fn playlist(base: &str, id: &str, name: &str, description: &str, public: bool) -> Value {
    json!({
        "collaborative": false,
        "description": description,
        "external_urls": {"spotify": format!("https://open.spotify.com/playlist/{id}")},
        "href": format!("{base}/v1/playlists/{id}"),
        "id": id,
        "images": [],
        "name": name,
        "owner": owner(base),
        "primary_color": null,
        "public": public,
        "snapshot_id": format!("MSw{id}"),
        "tracks": {"href": format!("{base}/v1/playlists/{id}/tracks"), "total": 0},
        "type": "playlist",
        "uri": format!("spotify:playlist:{id}"),
    })
}

/// A PlaylistObject, as `POST /users/{id}/playlists` answers: the simplified fields, plus
/// followers and a paged (empty) track list.
pub(super) fn created_playlist(
    base: &str,
    id: &str,
    name: &str,
    description: &str,
    public: bool,
    collaborative: bool,
) -> Value {
    let mut full = playlist(base, id, name, description, public);
    full["collaborative"] = json!(collaborative);
    full["followers"] = json!({"href": null, "total": 0});
    full["tracks"] = json!({
        "href": format!("{base}/v1/playlists/{id}/tracks"),
        "items": [], "limit": 100, "next": null, "offset": 0, "previous": null, "total": 0
    });
    full
}

/// The user's five playlists, in Spotify's order (most recent first).
pub(super) fn my_playlists(base: &str) -> Vec<Value> {
    ["Morning", "Focus", "Running", "Dinner", "Late night"]
        .iter()
        .enumerate()
        .map(|(i, name)| playlist(base, &format!("37i9dQZF1DX{i:011}"), name, "", i % 2 == 0))
        .collect()
}

/// An ArtistObject.
pub(super) fn artist(base: &str, id: &str, name: &str) -> Value {
    json!({
        "external_urls": {"spotify": format!("https://open.spotify.com/artist/{id}")},
        "followers": {"href": null, "total": 1000},
        "genres": ["pop"],
        "href": format!("{base}/v1/artists/{id}"),
        "id": id,
        "images": [],
        "name": name,
        "popularity": 50,
        "type": "artist",
        "uri": format!("spotify:artist:{id}"),
    })
}

/// A TrackObject by `by` (an artist object).
pub(super) fn track(base: &str, id: &str, name: &str, by: &Value) -> Value {
    let simple_artist = json!({
        "external_urls": by["external_urls"], "href": by["href"], "id": by["id"],
        "name": by["name"], "type": "artist", "uri": by["uri"],
    });
    json!({
        "album": {"album_type": "album", "artists": [simple_artist], "id": format!("alb{id}"),
                   "name": format!("{name} (album)"), "type": "album", "uri": format!("spotify:album:alb{id}")},
        "artists": [simple_artist],
        "duration_ms": 215_000,
        "explicit": false,
        "external_urls": {"spotify": format!("https://open.spotify.com/track/{id}")},
        "href": format!("{base}/v1/tracks/{id}"),
        "id": id,
        "is_local": false,
        "name": name,
        "popularity": 60,
        "track_number": 1,
        "type": "track",
        "uri": format!("spotify:track:{id}"),
    })
}

/// The five artists the user follows, ordered by id (the order cursor paging walks).
pub(super) fn followed_artists(base: &str) -> Vec<Value> {
    [
        "Ada Band",
        "Byte Choir",
        "Cache Miss",
        "Deadlock",
        "Endianness",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| artist(base, &format!("0fA{i:019}"), name))
    .collect()
}

/// What a search for anything finds: three artists and three tracks.
pub(super) fn search_results(base: &str, kind: &str) -> Vec<Value> {
    let artists: Vec<Value> = ["Abba", "Abba Tribute", "Abbey"]
        .iter()
        .enumerate()
        .map(|(i, name)| artist(base, &format!("1sA{i:019}"), name))
        .collect();
    match kind {
        "artist" => artists,
        "track" => ["Waterloo", "SOS", "Mamma Mia"]
            .iter()
            .enumerate()
            .map(|(i, name)| track(base, &format!("2tT{i:019}"), name, &artists[0]))
            .collect(),
        _ => Vec::new(),
    }
}
