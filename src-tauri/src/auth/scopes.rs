//! Spotify OAuth scopes: the known list, parsing, and the "does this need new consent?" rule.
use super::error::AuthError;

/// Every scope Spotify documents (SPOTIFY.md, "Scopes").
pub const KNOWN_SCOPES: &[&str] = &[
    "ugc-image-upload",
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "app-remote-control",
    "streaming",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-follow-modify",
    "user-follow-read",
    "user-read-playback-position",
    "user-top-read",
    "user-read-recently-played",
    "user-library-modify",
    "user-library-read",
    "user-read-email",
    "user-read-private",
];

/// Ask for the fewest scopes that work (RFC 9700 §2.3).
pub const DEFAULT_SCOPES: &[&str] = &["user-read-private", "user-read-email"];

/// A sorted, de-duplicated set of valid scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Accepts space- or comma-separated lists; rejects unknown names with the valid list.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, AuthError> {
        let mut scopes = Vec::new();
        for item in items {
            for name in item.as_ref().split([' ', ',']).filter(|s| !s.is_empty()) {
                if !KNOWN_SCOPES.contains(&name) {
                    return Err(AuthError::InvalidConfig(format!(
                        "unknown scope \"{}\"; valid scopes are: {}",
                        name.chars().take(64).collect::<String>(),
                        KNOWN_SCOPES.join(", ")
                    )));
                }
                scopes.push(name.to_string());
            }
        }
        Ok(Self::from_vec(scopes))
    }

    /// From Spotify's space-separated `scope` field; unknown names are kept, not rejected,
    /// because they describe what was granted, not what we ask for.
    pub fn from_granted(field: &str) -> Self {
        Self::from_vec(
            field
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        )
    }

    pub fn defaults() -> Self {
        Self::from_vec(DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect())
    }

    fn from_vec(mut v: Vec<String>) -> Self {
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Space-separated, as the authorize request wants it.
    pub fn to_param(&self) -> String {
        self.0.join(" ")
    }

    /// True when `self` asks for something `granted` does not include: only then is a new
    /// consent needed (a narrower request is already covered).
    pub fn exceeds(&self, granted: &Scopes) -> bool {
        self.0.iter().any(|s| !granted.0.contains(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spaces_and_commas_and_dedups() {
        let s = Scopes::parse(&[
            "user-read-email user-read-private",
            "user-read-email,streaming",
        ])
        .unwrap();
        assert_eq!(s.to_param(), "streaming user-read-email user-read-private");
    }

    #[test]
    fn unknown_scope_is_named_in_the_error() {
        let err = Scopes::parse(&["user-read-emial"]).unwrap_err().to_string();
        assert!(err.contains("user-read-emial") && err.contains("user-read-email"));
    }

    #[test]
    fn only_growth_needs_new_consent() {
        let granted = Scopes::parse(&["user-read-email user-read-private"]).unwrap();
        assert!(!Scopes::parse(&["user-read-email"])
            .unwrap()
            .exceeds(&granted));
        assert!(Scopes::parse(&["streaming"]).unwrap().exceeds(&granted));
    }
}
