//! The window's page, served by spotkey on Tauri's own scheme (`tauri://localhost`). Tauri's
//! asset handler answers from a task on its async runtime and hands the answer back to the main
//! thread, which at start-up is busy building the window; this handler answers where WebKit
//! asks, at once, as hello-world's does. The page is the one file the build script makes (ui/
//! bundled: `page_bundle.rs`), with the app's CSP plus the hashes of its inline script and style.
use std::borrow::Cow;

use tauri::http::header::{HeaderValue, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use tauri::http::{Request, Response, StatusCode};
use tauri::{Runtime, UriSchemeContext};

/// Registering it takes the scheme over from Tauri's asset handler.
pub const SCHEME: &str = "tauri";

const PAGE: &str = include_str!(concat!(env!("OUT_DIR"), "/page/index.html"));
const SCRIPT_HASH: &str = env!("SPOTKEY_PAGE_SCRIPT_HASH");
const STYLE_HASH: &str = env!("SPOTKEY_PAGE_STYLE_HASH");

type Body = Cow<'static, [u8]>;

pub fn serve<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
) -> Response<Body> {
    let csp = context
        .app_handle()
        .config()
        .app
        .security
        .csp
        .as_ref()
        .map(|csp| with_page_hashes(&csp.to_string()));
    respond(request.uri().path(), csp.as_deref())
}

/// The page for `/` and `/index.html`; nothing else exists.
fn respond(path: &str, csp: Option<&str>) -> Response<Body> {
    if path != "/" && path != "/index.html" {
        return plain(StatusCode::NOT_FOUND, "not found");
    }
    let mut response = Response::new(Cow::Borrowed(PAGE.as_bytes()));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(csp) = csp {
        // No page rather than a page without its policy.
        let Ok(value) = HeaderValue::from_str(csp) else {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page's CSP is not a header",
            );
        };
        headers.insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Cow::Borrowed(text.as_bytes()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

/// The app's CSP with the page's inline script and style allowed by their hashes (a directive
/// the policy lacks is added with `'self'`), and nothing else loosened.
fn with_page_hashes(csp: &str) -> String {
    let mut directives: Vec<String> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    for (name, hash) in [("script-src", SCRIPT_HASH), ("style-src", STYLE_HASH)] {
        match directives
            .iter_mut()
            .find(|d| d.split_whitespace().next() == Some(name))
        {
            Some(directive) => {
                directive.push(' ');
                directive.push_str(hash);
            }
            None => directives.push(format!("{name} 'self' {hash}")),
        }
    }
    directives.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_inline_script_and_style_by_hash_only() {
        let csp = with_page_hashes("default-src 'self'; script-src 'self'; style-src 'self'");
        assert_eq!(
            csp,
            format!("default-src 'self'; script-src 'self' {SCRIPT_HASH}; style-src 'self' {STYLE_HASH}")
        );
        assert!(SCRIPT_HASH.starts_with("'sha256-") && STYLE_HASH.starts_with("'sha256-"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn a_policy_without_those_directives_gets_them() {
        let csp = with_page_hashes("default-src 'none'");
        assert!(
            csp.contains(&format!("script-src 'self' {SCRIPT_HASH}")),
            "{csp}"
        );
        assert!(
            csp.contains(&format!("style-src 'self' {STYLE_HASH}")),
            "{csp}"
        );
    }

    #[test]
    fn only_the_page_is_served_and_always_with_its_policy() {
        let page = respond("/", Some("default-src 'self'"));
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(
            page.headers()[CONTENT_SECURITY_POLICY],
            "default-src 'self'"
        );
        assert!(String::from_utf8_lossy(page.body()).contains("<script type=\"module\">"));
        assert_eq!(respond("/index.html", None).status(), StatusCode::OK);
        assert_eq!(respond("/app.css", None).status(), StatusCode::NOT_FOUND);
        assert_eq!(
            respond("/../etc/passwd", None).status(),
            StatusCode::NOT_FOUND
        );
        let broken = respond("/", Some("default-src 'self'\nX: y"));
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
