//! The tiny_http side of the fake: one thread per request, recording, routing, fault injection
//! and the response helpers shared by the endpoint modules.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{json, Value};
use tiny_http::{Header, Request, Response, Server};

use super::state::Shared;
use super::{api, authorize, token, Fault, Recorded};

/// What a handler wants done with the connection.
pub(super) enum Reply {
    Send(Response<Cursor<Vec<u8>>>),
    /// Close the connection without a single response byte.
    Drop,
    /// Say nothing for this long, then close.
    Hang(Duration),
}

/// Which error body shape a fault uses.
#[derive(Clone, Copy)]
enum Style {
    Accounts,
    WebApi,
}

pub(super) fn spawn(server: Server, shared: Arc<Shared>, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            if let Ok(Some(rq)) = server.recv_timeout(Duration::from_millis(50)) {
                let shared = shared.clone();
                thread::spawn(move || handle(rq, &shared));
            }
        }
    })
}

fn handle(mut rq: Request, shared: &Shared) {
    let recorded = record(&mut rq);
    shared.lock().requests.push(recorded.clone());
    match route(&recorded, shared) {
        Reply::Send(response) => {
            let _ = rq.respond(response);
        }
        Reply::Drop => sever(rq, shared),
        Reply::Hang(duration) => {
            thread::sleep(duration);
            sever(rq, shared);
        }
    }
}

/// Close the client's TCP connection first, then release the request without writing to it
/// (dropping a `Request` unanswered would make tiny_http send a 500).
fn sever(rq: Request, shared: &Shared) {
    if let Some(addr) = rq.remote_addr() {
        shared.conns.sever(addr);
    }
    drop(rq.into_writer());
}

fn record(rq: &mut Request) -> Recorded {
    let target = url::Url::parse(&format!("http://fake{}", rq.url()));
    let url = target.unwrap_or_else(|_| url::Url::parse("http://fake/").expect("valid URL"));
    let headers = headers(rq);
    let mut body = Vec::new();
    let _ = rq.as_reader().read_to_end(&mut body);
    let form = match headers.get("content-type") {
        Some(ct) if is_form(ct) => url::form_urlencoded::parse(&body).into_owned().collect(),
        _ => BTreeMap::new(),
    };
    Recorded {
        method: rq.method().as_str().to_owned(),
        path: url.path().to_owned(),
        query: url.query_pairs().into_owned().collect(),
        form,
        headers,
        body,
    }
}

fn headers(rq: &Request) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for h in rq.headers() {
        let name = h.field.as_str().as_str().to_ascii_lowercase();
        let value = h.value.as_str();
        map.entry(name)
            .and_modify(|v| *v = format!("{v}, {value}"))
            .or_insert_with(|| value.to_owned());
    }
    map
}

pub(super) fn is_form(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

fn route(rq: &Recorded, shared: &Shared) -> Reply {
    match (rq.method.as_str(), rq.path.as_str()) {
        ("GET", "/authorize") => authorize::authorize(rq, shared),
        ("POST", "/authorize/decision") => authorize::decision(rq, shared),
        ("POST", "/api/token") => {
            let fault = shared.lock().token_faults.pop_front();
            faulted(fault, Style::Accounts, || token::token(rq, shared))
        }
        ("GET", "/v1/me") => {
            let fault = shared.lock().me_faults.pop_front();
            faulted(fault, Style::WebApi, || api::me(rq, shared))
        }
        ("GET", "/avatar.png") => api::avatar(),
        (_, path) if path.starts_with("/v1/") => {
            let fault = shared.lock().api_faults.pop_front();
            faulted(fault, Style::WebApi, || api::web_api(rq, shared))
        }
        _ => json_reply(404, &web_api_error(404, "Service not found")),
    }
}

fn faulted(fault: Option<Fault>, style: Style, normal: impl FnOnce() -> Reply) -> Reply {
    match fault {
        None => normal(),
        Some(Fault::LoseResponseAfterRotation) => {
            let _ = normal();
            Reply::Drop
        }
        Some(Fault::DropConnection) => Reply::Drop,
        Some(Fault::Hang(duration)) => Reply::Hang(duration),
        Some(Fault::MalformedJson) => malformed(style),
        Some(Fault::TooManyRequests { retry_after }) => too_many(retry_after),
        Some(Fault::Status(code)) => status_fault(code, style),
        Some(Fault::Redirect(location)) => redirect_reply(&location),
        Some(Fault::OAuthError { error, description }) => json_reply(
            400,
            &json!({"error": error, "error_description": description}),
        ),
    }
}

fn malformed(style: Style) -> Reply {
    let body = match style {
        Style::Accounts => r#"{"access_token":"BQD_trunc"#,
        Style::WebApi => r#"{"id":"fakeuser","display_name":"Fa"#,
    };
    bytes_reply(200, "application/json", body.as_bytes().to_vec())
}

fn too_many(retry_after: u64) -> Reply {
    let body = json!({"error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}});
    with_header(
        json_reply(429, &body),
        "Retry-After",
        &retry_after.to_string(),
    )
}

fn status_fault(code: u16, style: Style) -> Reply {
    let reason = tiny_http::StatusCode(code).default_reason_phrase();
    let body = match style {
        Style::Accounts if code >= 500 => {
            json!({"error": "server_error", "error_description": format!("{code} {reason}")})
        }
        Style::Accounts => json!({"error": "invalid_request", "error_description": reason}),
        Style::WebApi => web_api_error(code, reason),
    };
    json_reply(code, &body)
}

pub(super) fn web_api_error(status: u16, message: &str) -> Value {
    json!({"error": {"status": status, "message": message}})
}

/// Add a header to a `Reply::Send` (other replies send nothing, so there is nothing to add to).
pub(super) fn with_header(reply: Reply, name: &str, value: &str) -> Reply {
    match reply {
        Reply::Send(response) => Reply::Send(response.with_header(header(name, value))),
        other => other,
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn response(status: u16, content_type: &str, body: Vec<u8>) -> Response<Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

pub(super) fn bytes_reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    Reply::Send(response(status, content_type, body))
}

pub(super) fn json_reply(status: u16, body: &Value) -> Reply {
    bytes_reply(status, "application/json", body.to_string().into_bytes())
}

pub(super) fn html_reply(status: u16, body: String) -> Reply {
    let reply = bytes_reply(status, "text/html; charset=utf-8", body.into_bytes());
    with_header(reply, "Referrer-Policy", "no-referrer")
}

pub(super) fn redirect_reply(location: &str) -> Reply {
    let response = Response::from_data(Vec::new())
        .with_status_code(302)
        .with_header(header("Location", location))
        .with_header(header("Cache-Control", "no-store"));
    Reply::Send(response)
}
