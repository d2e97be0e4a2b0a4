//! Sends one request with the account's token and answers what Spotify's answers ask for: a
//! 401 gets one fresh token and one retry, a 429 its Retry-After (if short), a 5xx a short
//! backoff; each with a bound. Every attempt has the core client's deadlines, covering a body
//! that dribbles forever, and its body is read up to a limit. The token goes nowhere but the
//! Web API's origin: redirects are never followed.
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{StatusCode, Version};

use super::origin::ApiBase;
use super::request::Prepared;
use super::retry::{self, Retry};
use crate::auth::secret::AccessToken;
use crate::auth::{http, Account, AuthError};

/// The most of one answer spotkey reads (Spotify's largest pages are well under 1 MiB).
pub const MAX_RESPONSE: usize = 32 * 1024 * 1024;

/// A complete answer.
pub struct Answer {
    pub status: StatusCode,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Why no answer could be had.
#[derive(Debug)]
pub enum Failure {
    /// The account could not give a token (signed out, keychain, refresh refused…).
    Auth(AuthError),
    /// Anything else, as one sentence (exit 2).
    Line(String),
    /// The reader of standard output went away (`| head`): nothing left to say (exit 2).
    Closed,
}

pub struct Sender<'a> {
    account: &'a Account,
    base: &'a ApiBase,
    client: reqwest::Client,
    token: Option<AccessToken>,
    /// The one fresh token a command may ask for after a 401.
    refreshed: bool,
}

impl<'a> Sender<'a> {
    pub fn new(account: &'a Account, base: &'a ApiBase) -> Result<Self, Failure> {
        let client = http::client(account.config().request_timeout).map_err(Failure::Auth)?;
        Ok(Self {
            account,
            base,
            client,
            token: None,
            refreshed: false,
        })
    }

    /// The final answer to `request` after the retries its answers allowed.
    ///
    /// # Errors
    /// `Auth` when no token can be had; `Line` for a refused URL or redirect, a network
    /// failure, a rate limit or server error that outlasted its retries, an oversized answer.
    pub async fn send(&mut self, request: &Prepared) -> Result<Answer, Failure> {
        if !self.base.allows(&request.url) {
            return Err(Failure::Line(self.base.refusal(&request.url, "")));
        }
        let mut retry = Retry::default();
        loop {
            let token = self.token().await?;
            let answer = self.once(request, &token).await?;
            match answer.status.as_u16() {
                401 if !self.refreshed => {
                    tracing::info!("the Web API refused the access token; refreshing once");
                    self.refreshed = true;
                    let fresh = self.account.fresh_access_token().await;
                    self.token = Some(fresh.map_err(Failure::Auth)?);
                }
                429 => {
                    let wait = retry
                        .rate_limited(http::retry_after(&answer.headers))
                        .map_err(Failure::Line)?;
                    eprintln!("{}", retry::waiting_line(wait));
                    tokio::time::sleep(wait).await;
                }
                500 | 502 | 503 | 504 => {
                    let wait = retry
                        .server_error(answer.status.as_u16())
                        .map_err(Failure::Line)?;
                    tokio::time::sleep(wait).await;
                }
                300..=399 => return self.redirected(request, answer),
                _ => return Ok(answer),
            }
        }
    }

    async fn token(&mut self) -> Result<AccessToken, Failure> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let token = self.account.access_token().await.map_err(Failure::Auth)?;
        self.token = Some(token.clone());
        Ok(token)
    }

    async fn once(&self, request: &Prepared, token: &AccessToken) -> Result<Answer, Failure> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers.clone())
            .bearer_auth(token.expose_secret());
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(unreachable)?;
        let too_big = || {
            Failure::Line(format!(
                "the answer is over {} MiB; spotkey stopped reading it",
                MAX_RESPONSE / (1024 * 1024)
            ))
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_RESPONSE as u64)
        {
            return Err(too_big());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            if body.len().saturating_add(chunk.len()) > MAX_RESPONSE {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
            body,
        })
    }

    /// A redirect is never followed with the token: one to elsewhere is refused outright; one
    /// within the Web API is shown as the answer it is.
    fn redirected(&self, request: &Prepared, answer: Answer) -> Result<Answer, Failure> {
        let target = answer
            .headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|location| request.url.join(location).ok());
        match target {
            Some(target) if !self.base.allows(&target) => Err(Failure::Line(
                self.base.refusal(&target, "Spotify redirected to "),
            )),
            _ => Ok(answer),
        }
    }
}

/// A transport failure as one sentence (the URL is never part of it).
fn unreachable(e: reqwest::Error) -> Failure {
    let detail = match http::network_error(e) {
        AuthError::Network { detail } => detail,
        other => other.to_string(),
    };
    Failure::Line(format!("could not reach the Spotify Web API: {detail}"))
}
