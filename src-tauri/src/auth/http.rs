//! The one HTTP client configuration spotkey uses: rustls, no redirects (a token endpoint that
//! redirects is not to be followed with a code in hand), tight timeouts, env proxies honoured.
use std::sync::OnceLock;
use std::time::Duration;

use super::error::AuthError;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

pub fn client(timeout: Duration) -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .user_agent(concat!("spotkey/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AuthError::Network {
            detail: format!("cannot set up HTTPS: {}", e.without_url()),
        })
}

/// The client, built on first use. Building one loads every system CA root (~150 files), which
/// `spotkey status`, and `spotkey token` with a valid token, never need.
pub struct LazyClient {
    timeout: Duration,
    client: OnceLock<reqwest::Client>,
}

impl LazyClient {
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            client: OnceLock::new(),
        }
    }

    pub fn get(&self) -> Result<&reqwest::Client, AuthError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let built = client(self.timeout)?;
        // Two first uses at once build two clients; one is kept, both work.
        Ok(self.client.get_or_init(|| built))
    }
}

/// A transport failure as a user sentence, with the URL stripped (it never carries a secret
/// today, but errors are no place for URLs).
pub fn network_error(e: reqwest::Error) -> AuthError {
    let detail = if e.is_timeout() {
        "the request timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    tracing::debug!(error = %e.without_url(), "HTTP transport error");
    AuthError::Network { detail }
}

/// `Retry-After: <seconds>` (Spotify's 429), capped so a bogus value cannot park us for days.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.min(super::backoff::MAX_WAIT)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> Option<Duration> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
        retry_after(&headers)
    }

    #[test]
    fn retry_after_is_bounded_and_garbage_is_ignored() {
        assert_eq!(header("7"), Some(Duration::from_secs(7)));
        assert_eq!(header("999999999"), Some(Duration::from_secs(3600)));
        assert_eq!(
            header("18446744073709551615"),
            Some(Duration::from_secs(3600))
        );
        for garbage in [
            "-1",
            "1e9",
            "99999999999999999999999",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(header(garbage), None, "{garbage}");
        }
    }
}
