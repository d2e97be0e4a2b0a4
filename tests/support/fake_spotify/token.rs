//! POST /api/token: client authentication (Basic secret or PKCE `client_id`), the
//! authorization_code and refresh_token grants, Spotify's error bodies and rotation rules.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::server::{is_form, json_reply, Reply};
use super::state::{CodeGrant, RefreshStatus, Shared, State};
use super::Recorded;

/// Who is calling, and how.
struct ClientAuth {
    client_id: String,
    /// Authenticated by `client_id` alone (PKCE), not by a Basic secret.
    pkce: bool,
}

pub(super) fn token(rq: &Recorded, shared: &Shared) -> Reply {
    let content_type = rq.headers.get("content-type").map(String::as_str);
    if !content_type.is_some_and(is_form) {
        return oauth_error("invalid_request", Some("Unsupported content type"));
    }
    let mut st = shared.lock();
    if let Some(verifier) = rq.form.get("code_verifier") {
        st.remember(verifier);
    }
    let auth = match authenticate(&st, rq) {
        Ok(auth) => auth,
        Err(reply) => return reply,
    };
    match rq.form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(&mut st, rq, &auth),
        Some("refresh_token") => refresh(&mut st, rq, &auth),
        _ => oauth_error("unsupported_grant_type", None),
    }
}

fn authenticate(st: &State, rq: &Recorded) -> Result<ClientAuth, Reply> {
    let invalid_client = |d| oauth_error("invalid_client", Some(d));
    if let Some(header) = rq.headers.get("authorization") {
        let (id, secret) = parse_basic(header).ok_or_else(|| invalid_client("Invalid client"))?;
        let client = st
            .client(&id)
            .ok_or_else(|| invalid_client("Invalid client"))?;
        if client.secret.as_deref() != Some(secret.as_str()) {
            return Err(invalid_client("Invalid client secret"));
        }
        return Ok(ClientAuth {
            client_id: id,
            pkce: false,
        });
    }
    let id = rq
        .form
        .get("client_id")
        .filter(|id| st.client(id).is_some());
    let id = id.ok_or_else(|| invalid_client("Invalid client"))?;
    Ok(ClientAuth {
        client_id: id.clone(),
        pkce: true,
    })
}

fn parse_basic(header: &str) -> Option<(String, String)> {
    let encoded = header.strip_prefix("Basic ")?.trim();
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn exchange_code(st: &mut State, rq: &Recorded, auth: &ClientAuth) -> Reply {
    let code = rq.form.get("code").map(String::as_str).unwrap_or("");
    let grant = match consume_code(st, code) {
        Some(grant) => grant,
        None => return invalid_grant("Invalid authorization code"),
    };
    if let Err(description) = check_code(st, &grant, rq, auth) {
        return invalid_grant(description);
    }
    let scope = grant.auth.scope;
    let access = st.issue_access(&auth.client_id);
    let refresh = st.issue_refresh(&auth.client_id, &scope);
    token_reply(st, &access, &scope, Some(&refresh))
}

/// A code is single-use: consumed on first presentation, whatever happens next.
fn consume_code(st: &mut State, code: &str) -> Option<CodeGrant> {
    let grant = st.codes.get_mut(code).filter(|g| !g.used)?;
    grant.used = true;
    Some(grant.clone())
}

fn check_code(
    st: &State,
    grant: &CodeGrant,
    rq: &Recorded,
    auth: &ClientAuth,
) -> Result<(), &'static str> {
    if grant.auth.client_id != auth.client_id {
        return Err("Invalid authorization code");
    }
    if grant.issued.elapsed() > st.code_ttl {
        return Err("Authorization code expired");
    }
    if rq.form.get("redirect_uri") != Some(&grant.auth.redirect_uri) {
        return Err("Invalid redirect URI");
    }
    check_verifier(
        grant.auth.challenge.as_deref(),
        rq.form.get("code_verifier"),
        auth.pkce,
    )
}

fn check_verifier(
    challenge: Option<&str>,
    verifier: Option<&String>,
    pkce: bool,
) -> Result<(), &'static str> {
    match (challenge, verifier) {
        (Some(challenge), Some(verifier)) if valid_verifier(verifier, challenge) => Ok(()),
        (Some(_), _) => Err("code_verifier was incorrect"),
        (None, _) if pkce => Err("code_verifier was incorrect"),
        (None, _) => Ok(()),
    }
}

/// RFC 7636: 43–128 unreserved characters whose S256 is the challenge.
fn valid_verifier(verifier: &str, challenge: &str) -> bool {
    let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    (43..=128).contains(&verifier.len())
        && verifier.chars().all(unreserved)
        && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn refresh(st: &mut State, rq: &Recorded, auth: &ClientAuth) -> Reply {
    let token = rq
        .form
        .get("refresh_token")
        .map(String::as_str)
        .unwrap_or("");
    let grant = match st.refresh.get(token) {
        Some(grant) if grant.client_id == auth.client_id => grant.clone(),
        _ => return invalid_grant("Invalid refresh token"),
    };
    match grant.status {
        RefreshStatus::Live => {}
        RefreshStatus::Rotated => return invalid_grant("Refresh token revoked"),
        RefreshStatus::Revoked => return invalid_grant("Invalid refresh token"),
    }
    let access = st.issue_access(&auth.client_id);
    let rotated = auth
        .pkce
        .then(|| rotate(st, token, &grant.client_id, &grant.scope));
    token_reply(st, &access, &grant.scope, rotated.as_deref())
}

/// Strict rotation (PKCE): a new refresh token, the old one revoked at once.
fn rotate(st: &mut State, old: &str, client_id: &str, scope: &str) -> String {
    if let Some(grant) = st.refresh.get_mut(old) {
        grant.status = RefreshStatus::Rotated;
    }
    st.issue_refresh(client_id, scope)
}

fn token_reply(st: &State, access: &str, scope: &str, refresh: Option<&str>) -> Reply {
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("scope".into(), json!(scope));
    body.insert("expires_in".into(), expires_in(st));
    if let Some(refresh) = refresh {
        body.insert("refresh_token".into(), json!(refresh));
    }
    json_reply(200, &Value::Object(body))
}

/// The token lifetime as sent: the configured TTL, unless a test asked for an absurd value.
fn expires_in(st: &State) -> Value {
    st.expires_in_override
        .clone()
        .unwrap_or_else(|| json!(st.access_token_ttl))
}

fn invalid_grant(description: &str) -> Reply {
    oauth_error("invalid_grant", Some(description))
}

fn oauth_error(error: &str, description: Option<&str>) -> Reply {
    let body = match description {
        Some(d) => json!({"error": error, "error_description": d}),
        None => json!({"error": error}),
    };
    json_reply(400, &body)
}
