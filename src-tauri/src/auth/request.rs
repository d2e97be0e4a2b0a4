//! The authorize URL (what the system browser opens): response_type=code, client_id,
//! redirect_uri, scope, state, PKCE S256 and show_dialog. Pure; no I/O.
use url::Url;

use super::config::{ClientId, Endpoints};
use super::pkce;
use super::scopes::Scopes;
use super::secret::{PkceVerifier, State};

/// One sign-in attempt's secrets and the URL built from them.
pub struct LoginRequest {
    pub url: Url,
    pub state: State,
    /// None in the client-secret flow, which Spotify documents without PKCE.
    pub verifier: Option<PkceVerifier>,
    pub redirect_uri: String,
}

pub struct LoginParams<'a> {
    pub endpoints: &'a Endpoints,
    pub client_id: &'a ClientId,
    pub redirect_uri: &'a str,
    pub scopes: &'a Scopes,
    pub show_dialog: bool,
    pub pkce: bool,
}

impl LoginRequest {
    /// Fresh state and verifier every call: nothing is reused between attempts (RFC 7636 §4.1).
    pub fn new(p: &LoginParams<'_>) -> Self {
        let state = pkce::new_state();
        let verifier = p.pkce.then(pkce::new_verifier);
        let mut url = p.endpoints.authorize();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", p.client_id.as_str())
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", p.redirect_uri)
                .append_pair("state", state.expose_secret());
            if let Some(verifier) = &verifier {
                q.append_pair("code_challenge_method", "S256");
                q.append_pair("code_challenge", &pkce::challenge_s256(verifier));
            }
            if !p.scopes.is_empty() {
                q.append_pair("scope", &p.scopes.to_param());
            }
            if p.show_dialog {
                q.append_pair("show_dialog", "true");
            }
        }
        Self {
            url,
            state,
            verifier,
            redirect_uri: p.redirect_uri.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn url_carries_every_parameter_spotify_needs() {
        let endpoints = Endpoints::new("http://127.0.0.1:9", "http://127.0.0.1:9/v1").unwrap();
        let client_id = ClientId::parse("abc123").unwrap();
        let scopes = Scopes::defaults();
        let req = LoginRequest::new(&LoginParams {
            endpoints: &endpoints,
            client_id: &client_id,
            redirect_uri: "http://127.0.0.1:5555/callback",
            scopes: &scopes,
            show_dialog: true,
            pkce: true,
        });
        let q: HashMap<_, _> = req.url.query_pairs().into_owned().collect();
        assert_eq!(req.url.path(), "/authorize");
        assert_eq!(q["client_id"], "abc123");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5555/callback");
        assert_eq!(q["scope"], "user-read-email user-read-private");
        assert_eq!(q["show_dialog"], "true");
        assert_eq!(q["code_challenge_method"], "S256");
        let verifier = req.verifier.as_ref().unwrap();
        assert_eq!(q["code_challenge"], pkce::challenge_s256(verifier));
        assert!(req.state.matches(&q["state"]));
        assert!(
            !req.url.as_str().contains(verifier.expose_secret()),
            "the verifier never leaves the app"
        );
    }
}
