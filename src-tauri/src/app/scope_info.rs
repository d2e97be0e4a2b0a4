//! Plain-language descriptions of Spotify's scopes for the settings screen.
use super::dto::ScopeInfo;
use crate::auth::scopes::KNOWN_SCOPES;

fn describe(scope: &str) -> &'static str {
    match scope {
        "user-read-private" => "See your profile name, picture and subscription details",
        "user-read-email" => "See your email address",
        "ugc-image-upload" => "Upload images as playlist covers",
        "user-read-playback-state" => "See what is playing and on which device",
        "user-modify-playback-state" => "Control playback on your devices",
        "user-read-currently-playing" => "See the track you are listening to",
        "app-remote-control" => "Control the Spotify app on your phone",
        "streaming" => "Play music in this app (Premium)",
        "playlist-read-private" => "See your private playlists",
        "playlist-read-collaborative" => "See collaborative playlists",
        "playlist-modify-private" => "Create and change your private playlists",
        "playlist-modify-public" => "Create and change your public playlists",
        "user-follow-modify" => "Follow and unfollow artists and people",
        "user-follow-read" => "See who you follow",
        "user-read-playback-position" => "See where you are in episodes and audiobooks",
        "user-top-read" => "See your top artists and tracks",
        "user-read-recently-played" => "See what you played recently",
        "user-library-modify" => "Save and remove items in Your Library",
        "user-library-read" => "See what is in Your Library",
        _ => "A Spotify permission",
    }
}

/// Every scope spotkey can ask for, in the order the settings screen lists them.
pub fn available() -> Vec<ScopeInfo> {
    let mut all: Vec<&str> = KNOWN_SCOPES.to_vec();
    // The two defaults first: they are what most people keep.
    all.sort_by_key(|s| (!matches!(*s, "user-read-private" | "user-read-email"), *s));
    all.into_iter()
        .map(|name| ScopeInfo {
            name: name.to_string(),
            description: describe(name).to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_known_scope_has_its_own_description() {
        for info in super::available() {
            assert_ne!(info.description, "A Spotify permission", "{}", info.name);
        }
    }
}
