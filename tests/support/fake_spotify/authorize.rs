//! GET /authorize and the consent page's POST /authorize/decision, with Spotify's checks:
//! client, redirect URI (loopback literal, any port, no `localhost`), response type, scopes, PKCE.

use std::collections::BTreeMap;

use super::server::{html_reply, redirect_reply, Reply};
use super::state::{AuthRequest, Shared, State};
use super::{Consent, FakeClient};

/// Spotify's scopes (SPOTIFY.md).
pub(super) const SCOPES: &[&str] = &[
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

pub(super) fn authorize(rq: &super::Recorded, shared: &Shared) -> Reply {
    let mut st = shared.lock();
    match validate(&st, &rq.query) {
        Ok(auth) => decide(&mut st, auth),
        Err(reply) => reply,
    }
}

/// Turn the query into an `AuthRequest`, or the error Spotify shows / redirects with.
fn validate(st: &State, q: &BTreeMap<String, String>) -> Result<AuthRequest, Reply> {
    let client = q.get("client_id").and_then(|id| st.client(id));
    let client = client.ok_or_else(|| invalid_client_page("Invalid client"))?;
    let redirect_uri =
        check_redirect_uri(client, q.get("redirect_uri")).map_err(invalid_client_page)?;
    let state = q.get("state").cloned();
    let back = |error: &str, description: Option<&str>| {
        let mut params = vec![("error", error)];
        params.extend(description.map(|d| ("error_description", d)));
        redirect_back(&redirect_uri, &params, state.as_deref())
    };
    if q.get("response_type").map(String::as_str) != Some("code") {
        return Err(back("unsupported_response_type", None));
    }
    let scope = parse_scope(q.get("scope")).ok_or_else(|| back("invalid_scope", None))?;
    let challenge = check_pkce(client, q).map_err(|d| back("invalid_request", Some(d)))?;
    Ok(AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.clone(),
        scope,
        challenge,
        state,
    })
}

fn decide(st: &mut State, auth: AuthRequest) -> Reply {
    match st.consent {
        Consent::Approve => approve(st, &auth),
        Consent::Deny => deny(&auth),
        Consent::Page => {
            let scope = auth.scope.clone();
            let client_id = auth.client_id.clone();
            let id = st.park_consent(auth);
            html_reply(200, consent_page(&id, &client_id, &scope))
        }
        Consent::Ignore => html_reply(200, waiting_page()),
    }
}

fn approve(st: &mut State, auth: &AuthRequest) -> Reply {
    let code = st.issue_code(auth);
    redirect_back(
        &auth.redirect_uri,
        &[("code", &code)],
        auth.state.as_deref(),
    )
}

fn deny(auth: &AuthRequest) -> Reply {
    let params = [("error", "access_denied")];
    redirect_back(&auth.redirect_uri, &params, auth.state.as_deref())
}

/// POST /authorize/decision from the consent page: `request_id` + `decision=approve|deny`.
pub(super) fn decision(rq: &super::Recorded, shared: &Shared) -> Reply {
    let mut st = shared.lock();
    let id = rq.form.get("request_id").cloned().unwrap_or_default();
    let Some(auth) = st.pending.remove(&id) else {
        return html_reply(400, page("Error", "<h1>Oops! Something went wrong</h1>"));
    };
    match rq.form.get("decision").map(String::as_str) {
        Some("approve") => approve(&mut st, &auth),
        _ => deny(&auth),
    }
}

/// Registered-URI match: exact, or a loopback literal whose registered form has no port.
fn check_redirect_uri(client: &FakeClient, raw: Option<&String>) -> Result<String, &'static str> {
    let raw = raw.ok_or("Invalid redirect URI")?;
    let url = url::Url::parse(raw).map_err(|_| "Invalid redirect URI")?;
    let host = url.host_str().unwrap_or("");
    if host.eq_ignore_ascii_case("localhost") {
        return Err("Invalid redirect URI");
    }
    if url.scheme() == "http" && host != "127.0.0.1" && host != "[::1]" {
        return Err("Insecure redirect URI");
    }
    let portless = without_loopback_port(raw);
    let registered = client
        .redirect_uris
        .iter()
        .any(|r| r == raw || portless.as_deref() == Some(r.as_str()));
    if registered {
        Ok(raw.clone())
    } else {
        Err("Invalid redirect URI")
    }
}

/// `http://127.0.0.1:PORT/rest` → `http://127.0.0.1/rest` (same for `[::1]`).
fn without_loopback_port(raw: &str) -> Option<String> {
    ["http://127.0.0.1", "http://[::1]"]
        .iter()
        .find_map(|origin| {
            let rest = raw.strip_prefix(origin)?.strip_prefix(':')?;
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            (digits > 0).then(|| format!("{origin}{}", &rest[digits..]))
        })
}

/// Space-separated known scopes (none is fine); `None` if any is unknown.
fn parse_scope(raw: Option<&String>) -> Option<String> {
    let mut granted: Vec<&str> = Vec::new();
    for scope in raw.map(String::as_str).unwrap_or("").split_whitespace() {
        if !SCOPES.contains(&scope) {
            return None;
        }
        if !granted.contains(&scope) {
            granted.push(scope);
        }
    }
    Some(granted.join(" "))
}

/// S256 only; a request without a challenge is fine only for a client that has a secret.
fn check_pkce(
    client: &FakeClient,
    q: &BTreeMap<String, String>,
) -> Result<Option<String>, &'static str> {
    let method = q.get("code_challenge_method").map(String::as_str);
    match (q.get("code_challenge"), method) {
        (Some(challenge), Some("S256")) if !challenge.is_empty() => Ok(Some(challenge.clone())),
        (Some(_), _) => Err("code_challenge_method must be S256"),
        (None, Some(_)) => Err("code_challenge required"),
        (None, None) if client.secret.is_some() => Ok(None),
        (None, None) => Err("code_challenge required"),
    }
}

fn redirect_back(redirect_uri: &str, params: &[(&str, &str)], state: Option<&str>) -> Reply {
    let mut url = url::Url::parse(redirect_uri).expect("validated redirect URI");
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    redirect_reply(url.as_str())
}

fn invalid_client_page(message: &str) -> Reply {
    let body = format!("<h1>INVALID_CLIENT: {}</h1>", escape(message));
    html_reply(400, page("Error", &body))
}

fn consent_page(request_id: &str, client_id: &str, scope: &str) -> String {
    let scopes: String = scope
        .split_whitespace()
        .map(|s| format!("<li class=\"scope\">{}</li>", escape(s)))
        .collect();
    let form = |decision: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/authorize/decision\">\
             <input type=\"hidden\" name=\"request_id\" value=\"{}\">\
             <input type=\"hidden\" name=\"decision\" value=\"{decision}\">\
             <button id=\"{decision}\" type=\"submit\">{label}</button></form>",
            escape(request_id)
        )
    };
    let body = format!(
        "<h1>Connect <span id=\"client\">{}</span> to your Spotify account</h1>\
         <p>The app will be able to:</p><ul id=\"scopes\">{scopes}</ul>{}{}",
        escape(client_id),
        form("approve", "Agree"),
        form("deny", "Cancel"),
    );
    page("Authorize - Spotify", &body)
}

fn waiting_page() -> String {
    page("Spotify", "<h1 id=\"waiting\">Waiting…</h1>")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body>{body}</body></html>",
        escape(title)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
