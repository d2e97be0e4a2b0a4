//! The loopback redirect listener (RFC 8252 §7.3): bound to the loopback literal only, only
//! while one sign-in is pending. It answers exactly one valid `GET /callback` and keeps
//! waiting through everything else (favicon, prefetch, a hostile page with a wrong `state`).
//! It never logs request lines or URLs: they carry the authorization code.
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tiny_http::{Method, Request, Server};

use super::callback_page::{self, Page};
use super::error::AuthError;
use super::secret::{AuthCode, State};

/// How often the wait loop looks at the cancel flag; a request wakes it at once.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// Cancels a pending sign-in from another thread or task (the GUI's Cancel button).
#[derive(Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Listener {
    server: Server,
    host: String,
}

/// The valid callback: the code, and the browser request still open so the page it gets can
/// say whether the connection really worked.
pub struct Callback {
    code: AuthCode,
    pending: Responder,
}

impl Callback {
    pub fn into_parts(self) -> (AuthCode, Responder) {
        (self.code, self.pending)
    }
}

/// The browser's callback request, answered once the outcome is known.
pub struct Responder(Request);

impl Responder {
    pub fn finish(self, page: Page) {
        // The browser may already have gone away; nothing to do about that.
        let _ = self.0.respond(page);
    }
}

impl Listener {
    /// Binds 127.0.0.1 (never `localhost`: Spotify rejects it), falling back to [::1] when IPv4
    /// loopback is missing. `port: None` lets the OS pick, which Spotify allows for loopback.
    ///
    /// # Errors
    /// `PortInUse` for a fixed port that is taken; `Bind` when no loopback address can be bound.
    pub fn bind(port: Option<u16>) -> Result<Self, AuthError> {
        let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0)));
        let listener = match TcpListener::bind(v4) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                return Err(AuthError::PortInUse {
                    port: port.unwrap_or(0),
                })
            }
            Err(v4_err) => {
                let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, port.unwrap_or(0)));
                TcpListener::bind(v6).map_err(|_| AuthError::Bind {
                    addr: v4.to_string(),
                    source: v4_err,
                })?
            }
        };
        let addr = listener.local_addr().map_err(|e| AuthError::Bind {
            addr: v4.to_string(),
            source: e,
        })?;
        let server = Server::from_listener(listener, None).map_err(|e| AuthError::Bind {
            addr: addr.to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(Self {
            server,
            host: addr.to_string(),
        })
    }

    /// `http://127.0.0.1:PORT/callback` (or `http://[::1]:PORT/callback`).
    pub fn redirect_uri(&self) -> String {
        format!("http://{}/callback", self.host)
    }

    /// Blocks until the one valid callback, the user's refusal, the deadline or a cancel.
    /// Dropping `self` afterwards closes the port.
    pub fn wait(
        &self,
        state: &State,
        timeout: Duration,
        cancel: &CancelHandle,
    ) -> Result<Callback, AuthError> {
        let deadline = Instant::now() + timeout;
        loop {
            if cancel.is_cancelled() {
                return Err(AuthError::Cancelled);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(AuthError::TimedOut { after: timeout });
            }
            match self.server.recv_timeout(left.min(CANCEL_POLL)) {
                Ok(Some(request)) => {
                    if let Some(outcome) = self.handle(request, state) {
                        return outcome;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::debug!(error = %e, "loopback listener error; still waiting");
                }
            }
        }
    }

    /// `None` = answered and keep waiting; `Some` = the attempt is decided.
    fn handle(&self, request: Request, state: &State) -> Option<Result<Callback, AuthError>> {
        let verdict = classify(&request, &self.host, state);
        match verdict {
            Verdict::Reply(page) => {
                let _ = request.respond(page);
                None
            }
            Verdict::Code(code) => Some(Ok(Callback {
                code,
                pending: Responder(request),
            })),
            Verdict::End(err) => {
                let _ = request.respond(callback_page::failure(&err.to_string()));
                Some(Err(err))
            }
        }
    }
}

enum Verdict {
    Reply(Page),
    Code(AuthCode),
    End(AuthError),
}

fn classify(request: &Request, host: &str, state: &State) -> Verdict {
    let url = request.url();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path != "/callback" {
        return Verdict::Reply(callback_page::not_found());
    }
    if request.method() != &Method::Get {
        return Verdict::Reply(callback_page::method_not_allowed());
    }
    // DNS-rebinding guard: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    let host_ok = request
        .headers()
        .iter()
        .any(|h| h.field.equiv("Host") && h.value.as_str() == host);
    if !host_ok {
        return Verdict::Reply(callback_page::bad_host());
    }
    let params = CallbackParams::parse(query);
    if !params.state.as_deref().is_some_and(|s| state.matches(s)) {
        // RFC 9700 §2.1: a wrong state must neither complete nor abort the pending sign-in.
        return Verdict::Reply(callback_page::state_mismatch());
    }
    match (params.code, params.error) {
        (_, Some(e)) if e == "access_denied" => Verdict::End(AuthError::Denied),
        (_, Some(e)) => Verdict::End(AuthError::AuthorizeFailed { error: e.chars().take(64).collect() }),
        (Some(code), None) if !code.is_empty() => Verdict::Code(AuthCode::new(code)),
        _ => Verdict::Reply(callback_page::failure("Spotify's redirect carried no authorization code. Start the sign-in again from spotkey.")),
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
