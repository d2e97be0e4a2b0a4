//! The one rule for where the bearer token may go: the configured Web API's origin (scheme,
//! host, port) and under its path. Every URL spotkey sends the token to — the user's, a
//! `next` link, a redirect target — is checked here. Pure.
use url::Url;

use crate::inert;

/// The Web API base (`SPOTKEY_API_URL`, already checked by the core's configuration).
#[derive(Debug, Clone)]
pub struct ApiBase {
    base: Url,
}

impl ApiBase {
    pub fn new(base: Url) -> Self {
        Self { base }
    }

    /// `/v1`, or "" for a base at the root; never ends with `/`.
    fn base_path(&self) -> &str {
        self.base.path().trim_end_matches('/')
    }

    /// `https://api.spotify.com`: what the token is bound to, for messages.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// The URL a command-line argument names: a path relative to the base (a leading copy of
    /// the base's path, such as `/v1`, is not doubled) or a full URL the token may go to.
    ///
    /// # Errors
    /// One sentence when the argument is empty, unparsable or outside the Web API.
    pub fn resolve(&self, arg: &str) -> Result<Url, String> {
        let arg = arg.trim();
        let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
        let url = if lower.starts_with("https://") || lower.starts_with("http://") {
            Url::parse(arg).map_err(|e| format!("{} is not a valid URL ({e})", shown(arg)))?
        } else {
            self.join(arg)?
        };
        if self.allows(&url) {
            Ok(url)
        } else {
            Err(self.refusal(&url, ""))
        }
    }

    fn join(&self, arg: &str) -> Result<Url, String> {
        let without_fragment = arg.split('#').next().unwrap_or("");
        let (path, query) = match without_fragment.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (without_fragment, None),
        };
        let path = format!("/{}", path.trim_start_matches('/'));
        let base_path = self.base_path();
        let relative = match path.strip_prefix(base_path) {
            Some(rest) if !base_path.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
                rest
            }
            _ => path.as_str(),
        };
        if relative.trim_matches('/').is_empty() {
            return Err("name a Web API path, such as /me or /me/playlists".into());
        }
        let mut url = self.base.clone();
        url.set_path(&format!("{base_path}{relative}"));
        url.set_query(query.filter(|q| !q.is_empty()));
        Ok(url)
    }

    /// Whether `url` may carry the token: same scheme, host and port as the base, no user
    /// name or password, and a path at or under the base's path.
    pub fn allows(&self, url: &Url) -> bool {
        let base_path = self.base_path();
        let path = url.path();
        let under = base_path.is_empty()
            || path == base_path
            || path
                .strip_prefix(base_path)
                .is_some_and(|rest| rest.starts_with('/'));
        url.scheme() == self.base.scheme()
            && url.host() == self.base.host()
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.username().is_empty()
            && url.password().is_none()
            && under
    }

    /// "refused: {what}https://x/ is not under https://api.spotify.com/v1; spotkey sends your
    /// token only there".
    pub fn refusal(&self, url: &Url, what: &str) -> String {
        format!(
            "refused: {what}{} is not under {}{}; spotkey sends your token only there",
            shown(url.as_str()),
            self.origin(),
            self.base_path()
        )
    }
}

fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    inert::line(text, inert::PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spotify() -> ApiBase {
        ApiBase::new(Url::parse("https://api.spotify.com/v1").unwrap())
    }

    fn resolved(arg: &str) -> String {
        spotify().resolve(arg).unwrap().to_string()
    }

    #[test]
    fn a_path_with_or_without_v1_names_the_same_endpoint() {
        for arg in ["/me", "me", "/v1/me", "v1/me", "//me"] {
            assert_eq!(resolved(arg), "https://api.spotify.com/v1/me", "{arg}");
        }
        assert_eq!(
            resolved("/me/playlists?limit=2&offset=4"),
            "https://api.spotify.com/v1/me/playlists?limit=2&offset=4"
        );
        assert_eq!(resolved("/v1x"), "https://api.spotify.com/v1/v1x");
        let slash = ApiBase::new(Url::parse("http://127.0.0.1:9/v1/").unwrap());
        assert_eq!(
            slash.resolve("/v1/me").unwrap().as_str(),
            "http://127.0.0.1:9/v1/me"
        );
        let root = ApiBase::new(Url::parse("http://127.0.0.1:9/").unwrap());
        assert_eq!(
            root.resolve("/v1/me").unwrap().as_str(),
            "http://127.0.0.1:9/v1/me"
        );
    }

    #[test]
    fn a_full_url_must_be_on_the_same_origin_and_under_the_base() {
        assert_eq!(
            resolved("https://api.spotify.com/v1/me?x=1"),
            "https://api.spotify.com/v1/me?x=1"
        );
        assert_eq!(
            resolved("HTTPS://API.SPOTIFY.COM:443/v1/me"),
            "https://api.spotify.com/v1/me"
        );
        for other in [
            "https://evil.example/v1/me",
            "http://api.spotify.com/v1/me",
            "https://api.spotify.com:8443/v1/me",
            "https://api.spotify.com/v2/me",
            "https://api.spotify.com/v1x",
            "https://user:pw@api.spotify.com/v1/me",
            "https://api.spotify.com.evil.example/v1/me",
        ] {
            let e = spotify().resolve(other).unwrap_err();
            assert!(e.starts_with("refused:"), "{other}: {e}");
        }
    }

    #[test]
    fn dot_segments_cannot_climb_out_of_the_base_path() {
        for arg in ["/v1/../me", "../me", "/%2e%2e/admin", "me/../../x"] {
            assert!(spotify().resolve(arg).is_err(), "{arg}");
        }
    }

    #[test]
    fn nothing_to_name_and_hostile_text_get_one_inert_line() {
        assert!(spotify().resolve("").is_err());
        assert!(spotify().resolve("/v1").is_err());
        let e = spotify()
            .resolve("https://e\u{1b}[31m.example/")
            .unwrap_err();
        assert!(!e.chars().any(inert::is_dangerous), "{e:?}");
    }
}
