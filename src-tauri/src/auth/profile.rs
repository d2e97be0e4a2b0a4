//! `GET {api}/me`: who is signed in. Since Feb 2026 development-mode apps no longer get email,
//! country or product, and since May 2026 there is an immutable `account_id`: all optional.
use serde::{Deserialize, Serialize};

use super::config::Endpoints;
use super::error::AuthError;
use super::http;
use super::secret::AccessToken;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub width: Option<u32>,
}

impl Profile {
    /// The name to greet the user by: display name, else the Spotify id.
    pub fn name(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.id)
    }

    /// The largest image, if any.
    pub fn avatar_url(&self) -> Option<&str> {
        self.images
            .iter()
            .max_by_key(|i| i.width.unwrap_or(0))
            .map(|i| i.url.as_str())
    }
}

pub async fn fetch(
    http: &http::LazyClient,
    endpoints: &Endpoints,
    token: &AccessToken,
) -> Result<Profile, AuthError> {
    let response = http
        .get()?
        .get(endpoints.me())
        .bearer_auth(token.expose_secret())
        .send()
        .await
        .map_err(http::network_error)?;
    let status = response.status().as_u16();
    let retry_after = http::retry_after(response.headers());
    let body = response.bytes().await.map_err(http::network_error)?;
    parse_profile(status, retry_after, &body)
}

/// The Web API refused the access token itself (401: invalid, revoked early or expired), as
/// opposed to any other refusal: only this is worth one refresh and one retry.
pub fn is_token_rejected(e: &AuthError) -> bool {
    matches!(e, AuthError::ApiRejected { status: 401, .. })
}

#[derive(Deserialize)]
struct WebApiError {
    error: WebApiErrorBody,
}

#[derive(Deserialize)]
struct WebApiErrorBody {
    #[serde(default)]
    message: Option<String>,
}

pub fn parse_profile(
    status: u16,
    retry_after: Option<std::time::Duration>,
    body: &[u8],
) -> Result<Profile, AuthError> {
    match status {
        200 => serde_json::from_slice(body).map_err(|_| AuthError::UnexpectedResponse {
            detail: "the profile is not the JSON Spotify documents".into(),
        }),
        429 => Err(AuthError::RateLimited { retry_after }),
        500..=599 => Err(AuthError::ServerError { status }),
        _ => {
            let message = serde_json::from_slice::<WebApiError>(body)
                .ok()
                .and_then(|e| e.error.message)
                .unwrap_or_default();
            Err(AuthError::ApiRejected {
                status,
                message: message.chars().take(120).collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_mode_profile_without_email() {
        let body = br#"{"id":"u1","account_id":"acc","display_name":null,"images":[{"url":"a","height":64,"width":64},{"url":"b","height":300,"width":300}],"type":"user"}"#;
        let p = parse_profile(200, None, body).unwrap();
        assert_eq!(p.name(), "u1");
        assert_eq!(p.avatar_url(), Some("b"));
        assert_eq!(p.email, None);
    }

    #[test]
    fn expired_token_is_a_typed_error() {
        let e = parse_profile(
            401,
            None,
            br#"{"error":{"status":401,"message":"The access token expired"}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(e, AuthError::ApiRejected { status: 401, ref message } if message == "The access token expired")
        );
        assert!(is_token_rejected(&e));
        let forbidden = parse_profile(403, None, br#"{"error":{"status":403,"message":"x"}}"#);
        assert!(!is_token_rejected(&forbidden.unwrap_err()));
    }
}
