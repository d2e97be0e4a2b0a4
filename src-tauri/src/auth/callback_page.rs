//! The pages the browser shows after Spotify redirects to the loopback listener, as complete
//! HTTP/1.1 responses. Self-contained (no external resources, RFC 9700 §4.2.4), reflected text
//! HTML-escaped, never cached, never sending a Referer, and always `Connection: close`: the
//! listener answers one request per connection and never reads a request body.

/// One complete answer: status line, headers and an HTML body.
pub struct Page {
    status: u16,
    extra_headers: &'static str,
    body: String,
}

impl Page {
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The bytes to write to the socket.
    pub fn to_http(&self) -> Vec<u8> {
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Length: {length}\r\n\
Connection: close\r\n\
Referrer-Policy: no-referrer\r\n\
Cache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\n\
Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\r\n\
{extra}\r\n",
            status = self.status,
            reason = reason(self.status),
            length = self.body.len(),
            extra = self.extra_headers,
        );
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(self.body.as_bytes());
        bytes
    }
}

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
    Page {
        extra_headers: "Allow: GET\r\n",
        ..page(
            405,
            "Method not allowed",
            "spotkey only answers GET /callback.",
        )
    }
}

pub fn bad_host() -> Page {
    page(
        400,
        "Wrong host",
        "spotkey only answers requests addressed to its loopback address.",
    )
}

pub fn bad_request() -> Page {
    page(400, "Bad request", "spotkey could not read this request.")
}

pub fn head_too_large() -> Page {
    page(
        431,
        "Request too large",
        "The request's headers are too large for spotkey's sign-in listener.",
    )
}

fn page(status: u16, title: &str, message: &str) -> Page {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#191414}}\
h1{{font-size:1.4rem;border-left:4px solid #1db954;padding-left:.6rem}}@media(prefers-color-scheme:dark){{body{{background:#121212;color:#eee}}}}</style></head>\
<body><h1>{title}</h1><p>{message}</p></body></html>",
        title = escape_html(title),
        message = escape_html(message)
    );
    Page {
        status,
        extra_headers: "",
        body,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
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

    fn head_of(page: &Page) -> String {
        let text = String::from_utf8(page.to_http()).unwrap();
        text.split("\r\n\r\n").next().unwrap().to_string()
    }

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
        let head = head_of(&p);
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("\r\nReferrer-Policy: no-referrer"));
        assert!(head.contains("\r\nCache-Control: no-store"));
        assert!(head.contains("\r\nConnection: close"));
        let body = String::from_utf8(p.to_http()).unwrap();
        assert!(!body.contains("<img"), "reflected markup is inert");
    }

    #[test]
    fn content_length_is_the_body_length_and_405_says_what_is_allowed() {
        let p = method_not_allowed();
        let bytes = p.to_http();
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(head.contains("\r\nAllow: GET"), "{head}");
        assert_eq!(p.status(), 405);
    }
}
