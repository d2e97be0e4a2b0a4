//! The pages the browser shows after Spotify redirects to the loopback listener.
//! Self-contained (no external resources, RFC 9700 §4.2.4), reflected text HTML-escaped,
//! never cached, never sending a Referer.
use tiny_http::{Header, Response, StatusCode};

pub type Page = Response<std::io::Cursor<Vec<u8>>>;

pub fn success() -> Page {
    page(
        200,
        "Connected to Spotify",
        "spotkey is connected to your Spotify account. You can close this tab.",
    )
}

pub fn failure(message: &str) -> Page {
    page(400, "spotkey could not connect", message)
}

pub fn state_mismatch() -> Page {
    page(400, "This sign-in link is not the one spotkey is waiting for", "The state does not match the sign-in in progress (state mismatch). If you started a sign-in, finish it from the link spotkey showed you; your pending sign-in is still waiting.")
}

pub fn not_found() -> Page {
    page(
        404,
        "Not found",
        "spotkey only answers Spotify's redirect to /callback.",
    )
}

pub fn method_not_allowed() -> Page {
    let mut p = page(
        405,
        "Method not allowed",
        "spotkey only answers GET /callback.",
    );
    p.add_header(header("Allow", "GET"));
    p
}

pub fn bad_host() -> Page {
    page(
        400,
        "Wrong host",
        "spotkey only answers requests addressed to its loopback address.",
    )
}

fn page(status: u16, title: &str, message: &str) -> Page {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#191414}}\
h1{{font-size:1.4rem;border-left:4px solid #1db954;padding-left:.6rem}}@media(prefers-color-scheme:dark){{body{{background:#121212;color:#eee}}}}</style></head>\
<body><h1>{title}</h1><p>{message}</p></body></html>",
        title = escape_html(title),
        message = escape_html(message)
    );
    Response::from_data(html.into_bytes())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
        ))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and values are valid")
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflected_text_is_escaped() {
        assert_eq!(
            escape_html("<script>\"x\"&'y'</script>"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn pages_are_private_and_self_contained() {
        let p = failure("<img src=https://evil.example/x>");
        let headers: Vec<String> = p
            .headers()
            .iter()
            .map(|h| format!("{}: {}", h.field, h.value))
            .collect();
        assert!(headers.contains(&"Referrer-Policy: no-referrer".to_string()));
        assert!(headers.contains(&"Cache-Control: no-store".to_string()));
        assert_eq!(p.status_code().0, 400);
    }
}
