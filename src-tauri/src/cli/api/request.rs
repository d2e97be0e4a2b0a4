//! What to send: method, URL with query, headers and body, from the command line, by gh's
//! rules — GET unless fields or a body are given (then POST); fields go to the query string
//! for GET and with --input, else into a JSON body. Pure: files are read by the caller.
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use url::Url;

use super::fields::{self, Field};

/// The largest body spotkey sends (a file, standard input or the fields' JSON).
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// A request ready to send (and to send again on a retry).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
}

/// Headers spotkey owns: the token, the host it is bound to, and the framing of the body.
const RESERVED: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
];

/// # Errors
/// One sentence for a bad method, header, field combination or an oversized body.
pub fn prepare(
    method: Option<&str>,
    mut url: Url,
    fields: Vec<Field>,
    input: Option<Vec<u8>>,
    headers: &[String],
) -> Result<Prepared, String> {
    let method = match method {
        Some(m) => parse_method(m)?,
        None if !fields.is_empty() || input.is_some() => Method::POST,
        None => Method::GET,
    };
    let body = match input {
        Some(bytes) => {
            add_query(&mut url, &fields);
            Some(bytes)
        }
        None if method == Method::GET => {
            add_query(&mut url, &fields);
            None
        }
        None if fields.is_empty() => None,
        None => Some(fields::json_body(&fields)?.to_string().into_bytes()),
    };
    if body.as_ref().is_some_and(|b| b.len() > MAX_BODY) {
        return Err(too_big("the request body"));
    }
    let headers = header_map(body.is_some(), headers)?;
    Ok(Prepared {
        method,
        url,
        headers,
        body,
    })
}

/// The user's headers (a name given twice is sent twice), and JSON for `Accept` and, with a
/// body, `Content-Type` unless the user named them.
fn header_map(has_body: bool, raw: &[String]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for header in raw {
        let (name, value) = parse_header(header)?;
        map.append(name, value);
    }
    let json = HeaderValue::from_static("application/json");
    map.entry(ACCEPT).or_insert(json.clone());
    if has_body {
        map.entry(CONTENT_TYPE).or_insert(json);
    }
    Ok(map)
}

pub fn too_big(what: &str) -> String {
    format!(
        "{what} is over {} MiB; spotkey does not send that much",
        MAX_BODY / (1024 * 1024)
    )
}

fn parse_method(raw: &str) -> Result<Method, String> {
    let upper = raw.to_ascii_uppercase();
    let token =
        !upper.is_empty() && upper.len() <= 16 && upper.bytes().all(|b| b.is_ascii_uppercase());
    match token.then(|| Method::from_bytes(upper.as_bytes())) {
        Some(Ok(method)) => Ok(method),
        _ => Err(format!(
            "-X {} is not an HTTP method (GET, POST, PUT, DELETE, …)",
            crate::inert::line(raw, crate::inert::NAME)
        )),
    }
}

fn add_query(url: &mut Url, fields: &[Field]) {
    if fields.is_empty() {
        return;
    }
    let mut query = url.query_pairs_mut();
    for field in fields {
        query.append_pair(&field.key, &fields::query_value(&field.value));
    }
}

/// `Name: value`, a valid header name and value, and not one spotkey sets itself.
fn parse_header(raw: &str) -> Result<(HeaderName, HeaderValue), String> {
    let shown = || crate::inert::line(raw, crate::inert::NAME);
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| format!("the header {} must be `Name: value`", shown()))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("the header {} has an invalid name", shown()))?;
    if RESERVED.contains(&name.as_str()) {
        return Err(format!(
            "the {} header is spotkey's to set (it adds your token itself)",
            name.as_str()
        ));
    }
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the header {} has an invalid value", shown()))?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn url() -> Url {
        Url::parse("https://api.spotify.com/v1/search?market=SE").unwrap()
    }

    fn f(key: &str, value: Value) -> Field {
        Field {
            key: key.into(),
            value,
        }
    }

    fn body_json(p: &Prepared) -> Value {
        serde_json::from_slice(p.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn fields_without_a_method_make_a_post_with_a_json_body() {
        let p = prepare(
            None,
            url(),
            vec![f("name", json!("Mix")), f("public", json!(false))],
            None,
            &[],
        )
        .unwrap();
        assert_eq!(p.method, Method::POST);
        assert_eq!(body_json(&p), json!({"name": "Mix", "public": false}));
        assert_eq!(p.headers[CONTENT_TYPE], "application/json");
        assert_eq!(p.url.query(), Some("market=SE"));
        let bare = prepare(None, url(), vec![], None, &[]).unwrap();
        assert_eq!((bare.method, bare.body), (Method::GET, None));
    }

    #[test]
    fn get_puts_fields_in_the_query_string() {
        let fields = vec![
            f("q", json!("abba & co")),
            f("type", json!("artist")),
            f("limit", json!(5)),
        ];
        let p = prepare(Some("get"), url(), fields, None, &[]).unwrap();
        assert_eq!(p.method, Method::GET);
        assert_eq!(p.body, None);
        assert_eq!(
            p.url.query(),
            Some("market=SE&q=abba+%26+co&type=artist&limit=5")
        );
    }

    #[test]
    fn input_is_sent_as_is_and_fields_go_to_the_query() {
        let p = prepare(
            Some("PUT"),
            url(),
            vec![f("device_id", json!("d1"))],
            Some(b"{\"uris\":[]}".to_vec()),
            &[],
        )
        .unwrap();
        assert_eq!(p.method, Method::PUT);
        assert_eq!(p.body.as_deref(), Some(&b"{\"uris\":[]}"[..]));
        assert_eq!(p.url.query(), Some("market=SE&device_id=d1"));
        let posted = prepare(None, url(), vec![], Some(vec![]), &[]).unwrap();
        assert_eq!(posted.method, Method::POST);
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        let e = prepare(
            Some("PUT"),
            url(),
            vec![],
            Some(vec![b' '; MAX_BODY + 1]),
            &[],
        )
        .unwrap_err();
        assert!(e.contains("10 MiB"), "{e}");
        assert!(prepare(Some("PUT"), url(), vec![], Some(vec![b' '; MAX_BODY]), &[]).is_ok());
    }

    #[test]
    fn headers_are_checked_and_the_token_headers_are_spotkeys() {
        let p = prepare(
            None,
            url(),
            vec![],
            None,
            &[
                "Accept-Language: sv".into(),
                "Content-Type: text/plain".into(),
            ],
        )
        .unwrap();
        assert_eq!(p.headers["accept-language"], "sv");
        assert_eq!(p.headers[ACCEPT], "application/json");
        let own = prepare(
            None,
            url(),
            vec![f("a", json!(1))],
            None,
            &[
                "content-type: text/plain".into(),
                "X-A: 1".into(),
                "x-a: 2".into(),
            ],
        )
        .unwrap();
        assert_eq!(own.headers[CONTENT_TYPE], "text/plain");
        assert_eq!(own.headers.get_all("x-a").iter().count(), 2);
        for bad in [
            "Authorization: Bearer x",
            "host: evil",
            "HOST:x",
            "Content-Length: 3",
            "No colon",
            "Bad Name: x",
            "X: a\u{1b}b",
            "X: a\nb",
        ] {
            assert!(
                prepare(None, url(), vec![], None, &[bad.into()]).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn methods_are_plain_tokens() {
        assert_eq!(
            prepare(Some("delete"), url(), vec![], None, &[])
                .unwrap()
                .method,
            Method::DELETE
        );
        for bad in ["", "G ET", "GET\r\n", "ÄÖ", "VERYLONGMETHODNAMEHERE"] {
            assert!(
                prepare(Some(bad), url(), vec![], None, &[]).is_err(),
                "{bad:?}"
            );
        }
    }
}
