//! The one sign-in in progress: its attempt number, link and start time, the handle that
//! cancels its loopback listener, and the task running it. Ending it from outside (cancel,
//! new settings, sign-out, quit) goes through `close`, which returns only once the listener
//! is gone (bounded), so a fixed port is free again and a late browser tab reaches nothing.
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::dto::SignInDto;
use crate::auth::CancelHandle;

/// How long `close` waits for the attempt to stop. The listener looks at the cancel flag
/// every 50 ms; only a code exchange already under way takes longer, and it is then dropped.
const STOP_WAIT: Duration = Duration::from_secs(2);
/// The HTTP server closes its socket on its own thread just after the attempt returns.
const PORT_WAIT: Duration = Duration::from_secs(1);

pub(super) struct PendingSignIn {
    attempt: u64,
    url: Option<String>,
    started_at: u64,
    cancel: CancelHandle,
    /// Resolves (its sender is dropped) once the attempt has returned and the listener with it.
    stopped: oneshot::Receiver<()>,
    task: JoinHandle<()>,
}

/// What the task running an attempt holds; dropping it says "stopped".
pub(super) struct Running {
    pub attempt: u64,
    pub cancel: CancelHandle,
    pub stopped: oneshot::Sender<()>,
}

impl PendingSignIn {
    /// A new attempt; `spawn` starts its task with what it needs to run and report back.
    pub fn start(
        attempt: u64,
        started_at: u64,
        spawn: impl FnOnce(Running) -> JoinHandle<()>,
    ) -> Self {
        let cancel = CancelHandle::new();
        let (stopped_tx, stopped) = oneshot::channel();
        let task = spawn(Running {
            attempt,
            cancel: cancel.clone(),
            stopped: stopped_tx,
        });
        Self {
            attempt,
            url: None,
            started_at,
            cancel,
            stopped,
            task,
        }
    }

    pub fn attempt(&self) -> u64 {
        self.attempt
    }

    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    pub fn set_url(&mut self, url: &str) {
        self.url = Some(url.to_string());
    }

    pub fn dto(&self) -> SignInDto {
        SignInDto {
            url: self.url.clone(),
            started_at: self.started_at,
        }
    }

    /// Ends the attempt from outside and waits (bounded) until its listener is closed.
    pub async fn close(mut self) {
        self.cancel.cancel();
        if tokio::time::timeout(STOP_WAIT, &mut self.stopped)
            .await
            .is_err()
        {
            // A code exchange or keychain call still under way: drop it at its next await.
            tracing::warn!("a cancelled sign-in did not stop in time; abandoning it");
            self.task.abort();
            let _ = tokio::time::timeout(STOP_WAIT, &mut self.task).await;
        }
        if let Some(addr) = self.url.as_deref().and_then(callback_addr) {
            wait_until_refused(addr).await;
        }
    }
}

impl Drop for PendingSignIn {
    /// Dropped without `close` (the controller itself went away): the listener still stops.
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The loopback address the authorize URL sends the browser back to.
fn callback_addr(authorize_url: &str) -> Option<SocketAddr> {
    let url = url::Url::parse(authorize_url).ok()?;
    let redirect = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())?;
    let redirect = url::Url::parse(&redirect).ok()?;
    // Literals only: no name lookup, and nothing but loopback is ever probed.
    let ip: std::net::IpAddr = match redirect.host()? {
        url::Host::Ipv4(ip) => ip.into(),
        url::Host::Ipv6(ip) => ip.into(),
        url::Host::Domain(_) => return None,
    };
    ip.is_loopback()
        .then(|| SocketAddr::new(ip, redirect.port().unwrap_or(80)))
}

/// Polls until nothing accepts on `addr` (bounded): then the port can be bound again.
async fn wait_until_refused(addr: SocketAddr) {
    let probe = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + PORT_WAIT;
        while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    });
    if !matches!(probe.await, Ok(true)) {
        tracing::debug!("the old callback port still answers");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_address_comes_from_the_authorize_url() {
        let url = "https://accounts.example/authorize?client_id=x&redirect_uri=\
                   http%3A%2F%2F127.0.0.1%3A43123%2Fcallback&state=s";
        assert_eq!(
            callback_addr(url),
            Some(SocketAddr::from(([127, 0, 0, 1], 43123)))
        );
        assert_eq!(callback_addr("not a url"), None);
        let remote = "https://a.example/authorize?redirect_uri=http%3A%2F%2F10.0.0.1%3A80%2Fcb";
        assert_eq!(callback_addr(remote), None, "only loopback is probed");
    }

    #[tokio::test]
    async fn closing_stops_the_attempt_and_waits_for_it() {
        let pending = PendingSignIn::start(1, 0, |running| {
            tokio::spawn(async move {
                while !running.cancel.is_cancelled() {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                drop(running.stopped);
            })
        });
        let started = Instant::now();
        pending.close().await;
        assert!(started.elapsed() < STOP_WAIT);
    }

    #[tokio::test]
    async fn an_attempt_that_ignores_the_cancel_is_abandoned() {
        let (tx, rx) = oneshot::channel::<()>();
        let pending = PendingSignIn::start(1, 0, |running| {
            tokio::spawn(async move {
                let _running = running;
                let _dropped_on_abort = tx;
                std::future::pending::<()>().await;
            })
        });
        pending.close().await;
        assert!(rx.await.is_err(), "the task was dropped");
    }
}
