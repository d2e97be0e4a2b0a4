//! What one request head means for the pending sign-in: a page to answer and keep waiting,
//! the authorization code, or the end of the attempt. Pure: no I/O, no logging (the request
//! line carries the code).
use super::super::callback_page::{self, Page};
use super::super::error::AuthError;
use super::super::secret::{AuthCode, State};
use super::head::Head;

/// The only request that counts: `GET /callback` addressed to our own `host`, with `state`.
pub struct Route {
    host: String,
    state: State,
}

pub enum Verdict {
    /// Answer with this page; the sign-in keeps waiting.
    Reply(Page),
    /// The valid callback: the attempt continues with this code.
    Code(AuthCode),
    /// Spotify's redirect says the attempt is over (the user declined, or an error).
    End(AuthError),
}

impl Route {
    pub fn new(host: String, state: State) -> Self {
        Self { host, state }
    }

    pub fn classify(&self, head: &Head<'_>) -> Verdict {
        if head.path != "/callback" {
            return Verdict::Reply(callback_page::not_found());
        }
        if head.method != "GET" {
            return Verdict::Reply(callback_page::method_not_allowed());
        }
        // DNS-rebinding guard: a page on evil.example resolving to 127.0.0.1 sends its own Host.
        if head.host != Some(self.host.as_str()) {
            return Verdict::Reply(callback_page::bad_host());
        }
        let params = CallbackParams::parse(head.query);
        if !params
            .state
            .as_deref()
            .is_some_and(|s| self.state.matches(s))
        {
            // RFC 9700 §2.1: a wrong state must neither complete nor abort the pending sign-in.
            return Verdict::Reply(callback_page::state_mismatch());
        }
        match (params.code, params.error) {
            (_, Some(e)) if e == "access_denied" => Verdict::End(AuthError::Denied),
            (_, Some(e)) => Verdict::End(AuthError::AuthorizeFailed {
                error: e.chars().take(64).collect(),
            }),
            (Some(code), None) if !code.is_empty() => Verdict::Code(AuthCode::new(code)),
            _ => Verdict::Reply(callback_page::failure(
                "Spotify's redirect carried no authorization code. Start the sign-in again from spotkey.",
            )),
        }
    }
}

/// The parameters we read from the redirect; unknown extras (e.g. `iss`) are ignored.
#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

impl CallbackParams {
    fn parse(query: &str) -> Self {
        let mut p = Self::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "code" => p.code = Some(v.into_owned()),
                "state" => p.state = Some(v.into_owned()),
                "error" => p.error = Some(v.into_owned()),
                _ => {}
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> Route {
        Route::new("127.0.0.1:4242".into(), State::new("st"))
    }

    fn head<'a>(method: &'a str, path: &'a str, query: &'a str, host: &'a str) -> Head<'a> {
        Head {
            method,
            path,
            query,
            host: Some(host),
        }
    }

    fn status(verdict: Verdict) -> u16 {
        match verdict {
            Verdict::Reply(page) => page.status(),
            Verdict::Code(_) => 0,
            Verdict::End(_) => 1,
        }
    }

    #[test]
    fn only_a_get_to_our_own_host_with_the_right_state_counts() {
        let r = route();
        let ours = Some("127.0.0.1:4242");
        let refused = [
            ("GET", "/favicon.ico", "", ours, 404),
            ("GET", "/callback/", "code=c&state=st", ours, 404),
            ("POST", "/callback", "code=c&state=st", ours, 405),
            (
                "GET",
                "/callback",
                "code=c&state=st",
                Some("evil.example:4242"),
                400,
            ),
            ("GET", "/callback", "code=c&state=st", None, 400),
            ("GET", "/callback", "code=c&state=s", ours, 400),
            ("GET", "/callback", "state=st", ours, 400),
        ];
        for (method, path, query, host, expected) in refused {
            let verdict = r.classify(&Head {
                method,
                path,
                query,
                host,
            });
            assert_eq!(
                status(verdict),
                expected,
                "{method} {path}?{query} {host:?}"
            );
        }
        let valid = head(
            "GET",
            "/callback",
            "code=c&state=st&iss=x",
            "127.0.0.1:4242",
        );
        match r.classify(&valid) {
            Verdict::Code(code) => assert_eq!(code.expose_secret(), "c"),
            _ => panic!("the valid callback must yield its code"),
        }
    }

    #[test]
    fn spotify_errors_end_the_attempt() {
        let r = route();
        let host = "127.0.0.1:4242";
        let denied = r.classify(&head(
            "GET",
            "/callback",
            "error=access_denied&state=st",
            host,
        ));
        assert!(matches!(denied, Verdict::End(AuthError::Denied)));
        let other = r.classify(&head(
            "GET",
            "/callback",
            "error=server_error&state=st",
            host,
        ));
        assert!(matches!(
            other,
            Verdict::End(AuthError::AuthorizeFailed { .. })
        ));
    }
}
