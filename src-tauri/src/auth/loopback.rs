//! The loopback redirect listener (RFC 8252 §7.3): bound to the loopback literal only, only
//! while one sign-in is pending. It hands over exactly one valid `GET /callback` and keeps
//! waiting through everything else (favicon, prefetch, a hostile page with a wrong `state`).
//! No connection can hold up the wait: each is served on its own thread under deadlines
//! (see `connection`), and the wait itself only accepts, watches the clock and the cancel
//! flag, and listens for a deciding outcome. It never logs request lines or URLs: they carry
//! the authorization code.
mod connection;
mod head;
mod route;

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::callback_page::Page;
use super::error::AuthError;
use super::secret::{AuthCode, State};
use connection::{Connections, Decided};
use route::Route;

/// How often the wait looks for new connections and at the cancel flag (the socket is
/// non-blocking so that no client can keep the wait inside `accept`); a deciding outcome
/// wakes it at once.
const POLL: Duration = Duration::from_millis(10);
/// Connections accepted in one go before the clock and the cancel flag are looked at again.
const ACCEPT_BATCH: usize = 64;
/// No sign-in waits longer than this, whatever the configuration says.
const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

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
    socket: TcpListener,
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
pub struct Responder(TcpStream);

impl Responder {
    /// Bounded by the write deadline; the page fits in the socket's empty send buffer, so in
    /// practice it never waits at all.
    pub fn finish(self, page: Page) {
        connection::answer(self.0, &page);
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
        let socket = match TcpListener::bind(v4) {
            Ok(l) => l,
            Err(e) if e.kind() == ErrorKind::AddrInUse => {
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
        let addr = socket
            .local_addr()
            .and_then(|addr| socket.set_nonblocking(true).map(|()| addr))
            .map_err(|e| AuthError::Bind {
                addr: v4.to_string(),
                source: e,
            })?;
        Ok(Self {
            socket,
            host: addr.to_string(),
        })
    }

    /// `http://127.0.0.1:PORT/callback` (or `http://[::1]:PORT/callback`).
    pub fn redirect_uri(&self) -> String {
        format!("http://{}/callback", self.host)
    }

    /// Blocks until the one valid callback, the user's refusal, the deadline or a cancel,
    /// whatever any connection does. Connections still being served when it returns are cut;
    /// dropping `self` afterwards closes the port.
    pub fn wait(
        &self,
        state: State,
        timeout: Duration,
        cancel: &CancelHandle,
    ) -> Result<Callback, AuthError> {
        let timeout = timeout.min(MAX_WAIT);
        let started = Instant::now();
        let (decided, outcomes) = mpsc::channel();
        let mut connections = Connections::new(Route::new(self.host.clone(), state), decided);
        loop {
            if cancel.is_cancelled() {
                return Err(AuthError::Cancelled);
            }
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(AuthError::TimedOut { after: timeout });
            }
            let more_waiting = self.admit_waiting(&mut connections);
            let pause = if more_waiting {
                Duration::ZERO
            } else {
                left.min(POLL)
            };
            match outcomes.recv_timeout(pause) {
                Ok(Decided::Code(code, stream)) => {
                    return Ok(Callback {
                        code,
                        pending: Responder(stream),
                    })
                }
                Ok(Decided::End(err)) => return Err(err),
                // Nothing decided yet (`connections` keeps a sender, so never disconnected).
                Err(_) => {}
            }
        }
    }

    /// Hands every waiting connection to `connections`; true when more may be waiting.
    fn admit_waiting(&self, connections: &mut Connections) -> bool {
        for _ in 0..ACCEPT_BATCH {
            match self.socket.accept() {
                Ok((stream, _peer)) => connections.admit(stream),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
                Err(e) => {
                    // E.g. out of file descriptors: try again after a pause.
                    tracing::debug!(error = %e, "loopback accept failed; still waiting");
                    return false;
                }
            }
        }
        true
    }
}
