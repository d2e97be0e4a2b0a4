//! The token endpoint (`POST {accounts}/api/token`): code exchange and refresh, over reqwest.
//! Response and error parsing are pure functions so they are tested on fixtures.
use std::time::Duration;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::config::{ClientId, Endpoints};
use super::error::{AuthError, OAuthErrorCode};
use super::expiry::{MAX_ACCESS_LIFETIME, MIN_ACCESS_LIFETIME};
use super::http;
use super::scopes::Scopes;
use super::secret::{AccessToken, AuthCode, ClientSecret, PkceVerifier, RefreshToken};

/// How the client proves who it is: PKCE public client (client_id in the form) or the
/// confidential flow (HTTP Basic with the secret), as Spotify documents both.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    Pkce(ClientId),
    Secret(ClientId, ClientSecret),
}

impl ClientAuth {
    pub fn client_id(&self) -> &ClientId {
        match self {
            Self::Pkce(id) | Self::Secret(id, _) => id,
        }
    }
}

/// A successful token response. `refresh_token` is None when Spotify did not rotate it.
/// (Debug is safe: the secret fields print `[redacted]`.)
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    pub expires_in: Duration,
    pub scope: Option<Scopes>,
    pub refresh_token: Option<RefreshToken>,
}

/// Built once, before the callback arrives, so the exchange pays no client set-up.
#[derive(Clone)]
pub struct TokenClient {
    http: reqwest::Client,
    url: url::Url,
    auth: ClientAuth,
}

impl TokenClient {
    pub fn new(http: reqwest::Client, endpoints: &Endpoints, auth: ClientAuth) -> Self {
        Self {
            http,
            url: endpoints.token(),
            auth,
        }
    }

    pub fn auth(&self) -> &ClientAuth {
        &self.auth
    }

    /// # Security
    /// The code and verifier go only into this request's body; they are dropped (zeroized) after.
    pub async fn exchange_code(
        &self,
        code: AuthCode,
        redirect_uri: &str,
        verifier: Option<PkceVerifier>,
    ) -> Result<TokenResponse, AuthError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.expose_secret()),
            ("redirect_uri", redirect_uri),
        ];
        if let Some(v) = &verifier {
            form.push(("code_verifier", v.expose_secret()));
        }
        // No connection exists yet to "keep": an outage here ends the sign-in attempt.
        self.post(&form).await.map_err(AuthError::during_sign_in)
    }

    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenResponse, AuthError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        self.post(&form).await
    }

    async fn post(&self, form: &[(&str, &str)]) -> Result<TokenResponse, AuthError> {
        let mut body = Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish(),
        );
        let request = self.http.post(self.url.clone()).header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
        let request = match &self.auth {
            ClientAuth::Pkce(id) => {
                body.push_str("&client_id=");
                body.push_str(
                    &url::form_urlencoded::byte_serialize(id.as_str().as_bytes())
                        .collect::<String>(),
                );
                request
            }
            ClientAuth::Secret(id, secret) => {
                request.basic_auth(id.as_str(), Some(secret.expose_secret()))
            }
        };
        let response = request
            .body(body.as_bytes().to_vec())
            .send()
            .await
            .map_err(http::network_error)?;
        let status = response.status().as_u16();
        let retry_after = http::retry_after(response.headers());
        let bytes = Zeroizing::new(
            response
                .bytes()
                .await
                .map_err(http::network_error)?
                .to_vec(),
        );
        parse_token_response(status, retry_after, &bytes)
    }
}

/// Only the fields we use; Debug is deliberately not derived (it would print tokens).
#[derive(Deserialize)]
struct RawToken {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    /// Any JSON: a hostile or sloppy server may send a string, a float or a huge number.
    #[serde(default)]
    expires_in: serde_json::Value,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct RawOAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Status + body → typed result. Never copies the body into an error.
pub fn parse_token_response(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<TokenResponse, AuthError> {
    match status {
        200 => parse_success(body),
        429 => Err(AuthError::RateLimited { retry_after }),
        500..=599 => Err(AuthError::ServerError { status }),
        _ => Err(parse_oauth_error(status, body)),
    }
}

fn parse_success(body: &[u8]) -> Result<TokenResponse, AuthError> {
    // serde's messages can quote the offending value, so they are replaced, not forwarded.
    let raw: RawToken = serde_json::from_slice(body)
        .map_err(|_| unexpected("the token response is not the JSON Spotify documents"))?;
    if raw.access_token.is_empty() {
        return Err(unexpected("the token response has an empty access token"));
    }
    if !is_b64token(&raw.access_token) {
        // It is printed by `spotkey token` and sent in headers: nothing else may pass.
        return Err(unexpected(
            "the access token has characters or a length a bearer token cannot have",
        ));
    }
    if raw
        .token_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
    {
        return Err(unexpected("the token type is not Bearer"));
    }
    let expires_in = lifetime(&raw.expires_in)
        .ok_or_else(|| unexpected("the token response has no number of seconds in expires_in"))?;
    Ok(TokenResponse {
        access_token: AccessToken::new(raw.access_token),
        expires_in,
        scope: raw.scope.as_deref().map(Scopes::from_granted),
        // Rotation: an empty or null refresh_token means "keep the old one" (SpotifyAPI-NET #1046).
        refresh_token: raw
            .refresh_token
            .filter(|t| !t.trim().is_empty())
            .map(RefreshToken::new),
    })
}

/// Longest access token accepted; Spotify's are a few hundred characters.
const MAX_ACCESS_TOKEN_LEN: usize = 8 * 1024;

/// RFC 6750 §2.1 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && token.len() <= MAX_ACCESS_TOKEN_LEN
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// `expires_in` as a lifetime within `MIN..=MAX_ACCESS_LIFETIME`. A number (or a numeric
/// string) out of range is clamped rather than refused: the same response may carry a rotated
/// refresh token, and refusing it would lose the grant. Only a non-number is refused.
fn lifetime(value: &serde_json::Value) -> Option<Duration> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())?;
    let clamped = secs.clamp(MIN_ACCESS_LIFETIME as f64, MAX_ACCESS_LIFETIME as f64);
    Some(Duration::from_secs(clamped as u64))
}

fn parse_oauth_error(status: u16, body: &[u8]) -> AuthError {
    match serde_json::from_slice::<RawOAuthError>(body) {
        Ok(e) => AuthError::Rejected {
            code: OAuthErrorCode::parse(&e.error),
            description: e.error_description.map(|d| d.chars().take(200).collect()),
        },
        Err(_) => unexpected(&format!("HTTP {status} without an OAuth error body")),
    }
}

fn unexpected(detail: &str) -> AuthError {
    AuthError::UnexpectedResponse {
        detail: detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_with_rotation() {
        let body = br#"{"access_token":"BQD","token_type":"Bearer","scope":"user-read-email user-read-private","expires_in":3600,"refresh_token":"AQD"}"#;
        let t = parse_token_response(200, None, body).unwrap();
        assert_eq!(t.access_token.expose_secret(), "BQD");
        assert_eq!(t.expires_in, Duration::from_secs(3600));
        assert_eq!(t.refresh_token.unwrap().expose_secret(), "AQD");
        assert_eq!(t.scope.unwrap().as_slice().len(), 2);
    }

    #[test]
    fn missing_null_or_empty_refresh_token_means_keep_the_old_one() {
        for body in [
            &br#"{"access_token":"a","token_type":"Bearer","expires_in":3600}"#[..],
            br#"{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":null}"#,
            br#"{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":""}"#,
        ] {
            assert!(parse_token_response(200, None, body)
                .unwrap()
                .refresh_token
                .is_none());
        }
    }

    #[test]
    fn errors_are_keyed_on_the_error_field() {
        let e = parse_token_response(
            400,
            None,
            br#"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#,
        )
        .unwrap_err();
        assert!(e.is_permanent_rejection());
        let e = parse_token_response(401, None, br#"{"error":"invalid_client"}"#).unwrap_err();
        assert!(e.is_permanent_rejection());
        let e = parse_token_response(
            400,
            None,
            br#"{"error":"invalid_request","error_description":"x"}"#,
        )
        .unwrap_err();
        assert!(!e.is_permanent_rejection());
    }

    #[test]
    fn outages_and_throttling_are_temporary() {
        let e = parse_token_response(
            429,
            Some(Duration::from_secs(7)),
            br#"{"error":{"status":429,"message":"Too many requests"}}"#,
        )
        .unwrap_err();
        assert!(matches!(e, AuthError::RateLimited { retry_after: Some(d) } if d.as_secs() == 7));
        assert!(parse_token_response(503, None, b"<html>")
            .unwrap_err()
            .is_temporary());
    }

    #[test]
    fn an_access_token_a_terminal_or_header_could_choke_on_is_refused() {
        // JSON escapes: ESC, and CR LF forging a header line.
        for token in [r"a\u001b[31mb", "a b", r"a\r\nX-Evil: 1", "=", "a=b"] {
            let body =
                format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}"#);
            let e = parse_token_response(200, None, body.as_bytes()).unwrap_err();
            assert_eq!(e.code(), "unexpected_response", "{token:?}");
        }
        let long = "a".repeat(MAX_ACCESS_TOKEN_LEN + 1);
        let body =
            format!(r#"{{"access_token":"{long}","token_type":"Bearer","expires_in":3600}}"#);
        assert!(parse_token_response(200, None, body.as_bytes()).is_err());
        let ok = br#"{"access_token":"BQD-x_y.z~1+2/3==","token_type":"Bearer","expires_in":3600}"#;
        assert!(parse_token_response(200, None, ok).is_ok());
    }

    #[test]
    fn malformed_bodies_never_echo_their_content() {
        let e = parse_token_response(
            200,
            None,
            br#"{"access_token":"SECRETVALUE","expires_in":"soon"}"#,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("SECRETVALUE"));
        let e = parse_token_response(400, None, b"SECRETVALUE").unwrap_err();
        assert!(!e.to_string().contains("SECRETVALUE"));
    }

    fn expires_in(raw: &str) -> Result<Duration, AuthError> {
        let body = format!(r#"{{"access_token":"a","token_type":"Bearer","expires_in":{raw}}}"#);
        parse_token_response(200, None, body.as_bytes()).map(|t| t.expires_in)
    }

    #[test]
    fn absurd_expires_in_is_clamped_into_a_second_to_a_day() {
        let secs = |raw| expires_in(raw).unwrap().as_secs();
        assert_eq!(secs("3600"), 3600);
        assert_eq!(secs("\"3600\""), 3600);
        assert_eq!(secs("1"), 1);
        assert_eq!(secs("86400"), 86_400);
        assert_eq!(secs("86401"), 86_400);
        for low in ["0", "-1", "-1e30", "0.4"] {
            assert_eq!(secs(low), 1, "{low}");
        }
        for huge in [
            "1e30",
            "18446744073709551615",
            "18446744073709551616",
            "1e308",
            "\"99999999999999999999999\"",
        ] {
            assert_eq!(secs(huge), 86_400, "{huge}");
        }
    }

    #[test]
    fn expires_in_that_is_no_number_is_a_clear_error() {
        for raw in ["null", "\"soon\"", "\"NaN\"", "\"inf\"", "true", "{}"] {
            let e = expires_in(raw).unwrap_err();
            assert!(matches!(e, AuthError::UnexpectedResponse { .. }), "{raw}");
            assert!(e.to_string().contains("expires_in"), "{e}");
        }
    }
}
