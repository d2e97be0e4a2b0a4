//! Proves the fake Spotify (tests/support/fake_spotify) behaves like the real accounts service
//! and Web API, so the app's tests against it mean something.

mod support;

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::fake_spotify::{Consent, FakeClient, FakeConfig, FakeSpotify, Fault};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier-of-fifty-chars";
const REDIRECT: &str = "http://127.0.0.1:43117/callback";

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The default secret client plus a PKCE-only client "pkce-client".
fn start() -> FakeSpotify {
    let mut config = FakeConfig::default();
    config.clients.push(FakeClient {
        id: "pkce-client".into(),
        secret: None,
        redirect_uris: vec!["http://127.0.0.1/callback".into()],
    });
    FakeSpotify::start_with(config)
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn get_authorize(fake: &FakeSpotify, params: &[(&str, &str)]) -> Response {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/authorize", fake.accounts_url()), params)
            .unwrap();
    client().get(url).send().await.unwrap()
}

fn location(response: &Response) -> reqwest::Url {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap();
    reqwest::Url::parse(location).unwrap()
}

fn query(url: &reqwest::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Authorize `client_id` (PKCE with VERIFIER) and return the code.
async fn code_for(fake: &FakeSpotify, client_id: &str) -> String {
    let challenge = challenge(VERIFIER);
    let params = [
        ("client_id", client_id),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "user-read-private user-read-email"),
        ("state", "st-1"),
        ("code_challenge_method", "S256"),
        ("code_challenge", &challenge),
    ];
    let url = location(&get_authorize(fake, &params).await);
    assert_eq!(query(&url, "state").as_deref(), Some("st-1"));
    query(&url, "code").expect("code in redirect")
}

async fn post_token(fake: &FakeSpotify, form: &[(&str, &str)], secret: bool) -> Response {
    let request = client().post(format!("{}/api/token", fake.accounts_url()));
    let request = if secret {
        request.basic_auth("test-client", Some("test-secret"))
    } else {
        request
    };
    request.form(form).send().await.unwrap()
}

async fn exchange(fake: &FakeSpotify, code: &str, verifier: &str) -> Response {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", "pkce-client"),
        ("code_verifier", verifier),
    ];
    post_token(fake, &form, false).await
}

async fn refresh(fake: &FakeSpotify, token: &str, secret: bool) -> Response {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    if !secret {
        form.push(("client_id", "pkce-client"));
    }
    post_token(fake, &form, secret).await
}

async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

async fn pkce_tokens(fake: &FakeSpotify) -> Value {
    let code = code_for(fake, "pkce-client").await;
    let (status, body) = json(exchange(fake, &code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn str_of<'a>(body: &'a Value, key: &str) -> &'a str {
    body[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {body}"))
}

#[tokio::test]
async fn localhost_and_insecure_redirects_get_the_invalid_client_page() {
    let fake = start();
    for (uri, message) in [
        (
            "http://localhost:8888/callback",
            "INVALID_CLIENT: Invalid redirect URI",
        ),
        (
            "http://example.com/callback",
            "INVALID_CLIENT: Insecure redirect URI",
        ),
        (
            "http://127.0.0.1:8888/callback/",
            "INVALID_CLIENT: Invalid redirect URI",
        ),
    ] {
        let params = [
            ("client_id", "test-client"),
            ("response_type", "code"),
            ("redirect_uri", uri),
        ];
        let response = get_authorize(&fake, &params).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains(message), "{uri}");
    }
    let params = [
        ("client_id", "nobody"),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
    ];
    let body = get_authorize(&fake, &params).await.text().await.unwrap();
    assert!(body.contains("INVALID_CLIENT: Invalid client"));
}

#[tokio::test]
async fn any_loopback_port_is_accepted_and_state_echoed() {
    let fake = start();
    for port in [1024, 43117, 65535] {
        let uri = format!("http://127.0.0.1:{port}/callback");
        let params = [
            ("client_id", "test-client"),
            ("response_type", "code"),
            ("redirect_uri", uri.as_str()),
            ("state", "a b&c=d"),
            ("show_dialog", "true"),
        ];
        let url = location(&get_authorize(&fake, &params).await);
        assert_eq!(url.port(), Some(port));
        assert_eq!(url.path(), "/callback");
        assert!(query(&url, "code").unwrap().starts_with("AQC_"));
        assert_eq!(query(&url, "state").as_deref(), Some("a b&c=d"));
    }
}

#[tokio::test]
async fn bad_scope_and_denial_redirect_back_with_errors() {
    let fake = start();
    let mut params = vec![
        ("client_id", "test-client"),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("state", "s"),
        ("scope", "user-read-private made-up-scope"),
    ];
    let url = location(&get_authorize(&fake, &params).await);
    assert_eq!(query(&url, "error").as_deref(), Some("invalid_scope"));
    params.pop();
    fake.set_consent(Consent::Deny);
    let url = location(&get_authorize(&fake, &params).await);
    assert_eq!(query(&url, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&url, "state").as_deref(), Some("s"));
}

#[tokio::test]
async fn consent_page_approve_button_redirects_with_a_code() {
    let fake = start();
    fake.set_consent(Consent::Page);
    let params = [
        ("client_id", "test-client"),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "user-top-read"),
        ("state", "s"),
    ];
    let page = get_authorize(&fake, &params).await.text().await.unwrap();
    assert!(page.contains("id=\"approve\"") && page.contains("id=\"deny\""));
    assert!(page.contains("user-top-read"));
    let id = page.split("name=\"request_id\" value=\"").nth(1).unwrap();
    let id = &id[..id.find('"').unwrap()];
    let response = client()
        .post(format!("{}/authorize/decision", fake.accounts_url()))
        .form(&[("request_id", id), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let url = location(&response);
    assert!(query(&url, "code").unwrap().starts_with("AQC_"));
    assert_eq!(query(&url, "state").as_deref(), Some("s"));
}

#[tokio::test]
async fn pkce_verifier_mismatch_is_invalid_grant() {
    let fake = start();
    let code = code_for(&fake, "pkce-client").await;
    let wrong = "x".repeat(50);
    let (status, body) = json(exchange(&fake, &code, &wrong).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "code_verifier was incorrect");
}

#[tokio::test]
async fn a_code_is_single_use() {
    let fake = start();
    let code = code_for(&fake, "pkce-client").await;
    let (status, body) = json(exchange(&fake, &code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "user-read-private user-read-email");
    assert!(str_of(&body, "access_token").starts_with("BQD_"));
    assert!(str_of(&body, "refresh_token").starts_with("AQD_"));
    let (status, body) = json(exchange(&fake, &code, VERIFIER).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Invalid authorization code");
    assert_eq!(fake.token_requests("authorization_code"), 2);
    assert!(fake.issued_secrets().contains(&code));
    assert!(fake.issued_secrets().iter().any(|s| s == VERIFIER));
}

#[tokio::test]
async fn pkce_refresh_rotates_and_the_old_token_is_revoked() {
    let fake = start();
    let tokens = pkce_tokens(&fake).await;
    let old = str_of(&tokens, "refresh_token");
    let (status, body) = json(refresh(&fake, old, false).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new = str_of(&body, "refresh_token");
    assert_ne!(new, old);
    assert_eq!(body["scope"], "user-read-private user-read-email");
    assert_eq!(fake.live_refresh_tokens(), 1);
    let (status, body) = json(refresh(&fake, old, false).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Refresh token revoked");
    assert_eq!(
        json(refresh(&fake, new, false).await).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn secret_refresh_has_no_refresh_token_and_keeps_the_old_one() {
    let fake = start();
    let params = [
        ("client_id", "test-client"),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
    ];
    let code = query(&location(&get_authorize(&fake, &params).await), "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
    ];
    let (status, tokens) = json(post_token(&fake, &form, true).await).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let token = str_of(&tokens, "refresh_token");
    for _ in 0..2 {
        let (status, body) = json(refresh(&fake, token, true).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("refresh_token").is_none(), "{body}");
    }
    fake.revoke_refresh_tokens();
    let (status, body) = json(refresh(&fake, token, true).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(fake.live_refresh_tokens(), 0);
}

#[tokio::test]
async fn wrong_secret_is_invalid_client() {
    let fake = start();
    let response = client()
        .post(format!("{}/api/token", fake.accounts_url()))
        .basic_auth("test-client", Some("nope"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "AQD_x")])
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_description"], "Invalid client secret");
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let fake = start();
    fake.push_token_fault(Fault::TooManyRequests { retry_after: 7 });
    let response = refresh(&fake, "AQD_whatever", false).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "7");
    let (_, body) = json(response).await;
    assert_eq!(body["error"]["reason"], "QUOTA_EXCEEDED");
}

#[tokio::test]
async fn drop_connection_is_a_connection_error_not_a_status() {
    let fake = start();
    let tokens = pkce_tokens(&fake).await;
    fake.push_token_fault(Fault::DropConnection);
    let http = client();
    let warm = http.get(format!("{}/avatar.png", fake.accounts_url()));
    assert!(warm.send().await.unwrap().status().is_success()); // the next request reuses the connection
    let started = Instant::now();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", str_of(&tokens, "refresh_token")),
        ("client_id", "pkce-client"),
    ];
    let result = http
        .post(format!("{}/api/token", fake.accounts_url()))
        .form(&form)
        .send()
        .await;
    let error = result.expect_err("a dropped connection must not look like a response");
    assert!(error.status().is_none());
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(fake.token_requests("refresh_token"), 1, "no hidden retry");
    assert_eq!(
        fake.live_refresh_tokens(),
        1,
        "nothing happened server-side"
    );
}

#[tokio::test]
async fn lost_response_after_rotation_leaves_the_old_token_revoked() {
    let fake = start();
    let tokens = pkce_tokens(&fake).await;
    let old = str_of(&tokens, "refresh_token");
    fake.push_token_fault(Fault::LoseResponseAfterRotation);
    let result = client()
        .post(format!("{}/api/token", fake.accounts_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", old),
            ("client_id", "pkce-client"),
        ])
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    let (status, body) = json(refresh(&fake, old, false).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        fake.live_refresh_tokens(),
        1,
        "the lost new token is still live"
    );
}

#[tokio::test]
async fn a_hang_does_not_block_other_requests() {
    let fake = start();
    fake.push_token_fault(Fault::Hang(Duration::from_secs(3)));
    let hanging = Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let url = format!("{}/api/token", fake.accounts_url());
    let slow = hanging
        .post(url)
        .form(&[("grant_type", "refresh_token")])
        .send();
    let fast = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        client()
            .get(format!("{}/avatar.png", fake.accounts_url()))
            .send()
            .await
    };
    let (slow, fast) = tokio::join!(slow, fast);
    assert!(slow.unwrap_err().is_timeout());
    let fast = fast.unwrap();
    assert_eq!(fast.headers()["content-type"], "image/png");
    assert!(fast
        .bytes()
        .await
        .unwrap()
        .starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[tokio::test]
async fn me_answers_like_the_web_api() {
    let fake = start();
    let tokens = pkce_tokens(&fake).await;
    let access = str_of(&tokens, "access_token");
    let me = |token: Option<&str>| {
        let request = client().get(format!("{}/me", fake.api_url()));
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move { json(request.send().await.unwrap()).await }
    };
    let (status, profile) = me(Some(access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["account_id"], "acc_5f2b9c");
    assert!(profile.get("email").is_none());
    let avatar = str_of(&profile["images"][0], "url");
    assert_eq!(avatar, format!("{}/avatar.png", fake.accounts_url()));
    let (status, body) = me(None).await;
    assert_eq!(
        (status, &body["error"]["message"]),
        (StatusCode::UNAUTHORIZED, &"No token provided".into())
    );
    let (_, body) = me(Some("BQD_unknown")).await;
    assert_eq!(body["error"]["message"], "Invalid access token");
    fake.expire_access_tokens();
    let (status, body) = me(Some(access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["message"], "The access token expired");
}

#[test]
fn dropped_and_hung_connections_close_with_zero_bytes() {
    use std::io::{Read, Write};
    let fake = start();
    fake.push_me_fault(Fault::DropConnection);
    fake.push_me_fault(Fault::Hang(Duration::from_millis(300)));
    let addr = fake.accounts_url().replace("http://", "");
    for expected in [Duration::ZERO, Duration::from_millis(300)] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let started = Instant::now();
        stream
            .write_all(b"GET /v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received); // EOF or reset, never a timeout
        let elapsed = started.elapsed();
        assert!(
            received.is_empty(),
            "{:?}",
            String::from_utf8_lossy(&received)
        );
        assert!(
            elapsed >= expected && elapsed < expected + Duration::from_secs(2),
            "{elapsed:?}"
        );
    }
    assert_eq!(fake.requests().len(), 2, "faulted requests are recorded");
}
