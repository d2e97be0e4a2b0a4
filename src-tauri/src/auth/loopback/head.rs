//! Parsing one HTTP/1.x request head (the bytes before the blank line) into the few parts the
//! listener looks at. Pure and strict: anything malformed or ambiguous is `None`, which the
//! listener answers with 400 and a closed connection. Bodies are never looked at.

/// The parts of a request head that decide its answer. Borrowed from the raw bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Head<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// The one `Host` header, trimmed; `None` when absent.
    pub host: Option<&'a str>,
}

/// `raw` is the head without its final blank line. `None` for anything that is not a plain
/// origin-form HTTP/1.0 or 1.1 request, for a header line without a name, for folded header
/// lines, and for more than one `Host` (RFC 9112 §3.2: such a request must be refused).
pub fn parse(raw: &[u8]) -> Option<Head<'_>> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut lines = text.split("\r\n");
    let (method, target) = request_line(lines.next()?)?;
    let mut host = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return None;
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return None;
            }
            host = Some(value.trim_matches([' ', '\t']));
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some(Head {
        method,
        path,
        query,
        host,
    })
}

fn request_line(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let plain = parts.next().is_none()
        && !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && target.starts_with('/')
        && matches!(version, "HTTP/1.1" | "HTTP/1.0");
    plain.then_some((method, target))
}

/// Where the head ends: the index just past its blank line, if it is complete in `buf`.
pub fn end_of_head(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_callback_is_read() {
        let head =
            parse(b"GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:4242\r\nAccept: */*")
                .unwrap();
        assert_eq!(
            head,
            Head {
                method: "GET",
                path: "/callback",
                query: "code=c&state=s",
                host: Some("127.0.0.1:4242"),
            }
        );
    }

    #[test]
    fn the_host_header_name_is_case_insensitive_and_its_value_trimmed() {
        let head = parse(b"GET / HTTP/1.0\r\nhOsT: \t[::1]:80 ").unwrap();
        assert_eq!(head.host, Some("[::1]:80"));
        assert_eq!(head.query, "");
        assert_eq!(parse(b"GET / HTTP/1.1").unwrap().host, None);
    }

    #[test]
    fn ambiguous_or_malformed_heads_are_refused() {
        for raw in [
            &b"GET /callback HTTP/1.1\r\nHost: a\r\nHost: b"[..],
            b"GET /callback HTTP/2.0",
            b"GET http://127.0.0.1/callback HTTP/1.1",
            b"GET  /callback HTTP/1.1",
            b"get /callback HTTP/1.1",
            b"GET /callback HTTP/1.1 extra",
            b"GET /callback HTTP/1.1\r\nHost : a",
            b"GET /callback HTTP/1.1\r\n folded",
            b"GET /callback HTTP/1.1\r\nno colon",
            b"GET /\xff HTTP/1.1",
            b"",
        ] {
            assert_eq!(parse(raw), None, "{}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn the_end_of_a_head_is_its_blank_line() {
        assert_eq!(end_of_head(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(end_of_head(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
        assert_eq!(end_of_head(b""), None);
    }
}
