//! The loopback listener under attack from other local programs: stalled connections, request
//! heads announcing bodies that never come, pipelined floods nobody reads, a 32 MB header
//! line. None of it may hold up the real callback, the sign-in's timeout or its Cancel.
//! The tests in this file run one at a time: they load the machine, and one measures memory.
mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use spotkey::auth::{AuthError, CancelHandle, SignInObserver, SignInOutcome};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::user::{self, IdleUser};
use tokio::sync::watch;

/// Longer than any bound asserted below, so a stuck listener fails by the bound, not this.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a test waits for an answer before calling the listener stuck.
const STUCK: Duration = Duration::from_secs(10);
/// How long a whole sign-in may take in a test: longer than every wait of the test's own, so
/// a stuck listener fails the assertion about what the user saw first.
const SIGN_IN_STUCK: Duration = Duration::from_secs(30);

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Publishes the authorize link the moment spotkey shows it.
struct LinkShown(watch::Sender<Option<String>>);

impl LinkShown {
    fn new() -> Self {
        Self(watch::channel(None).0)
    }

    async fn link(&self) -> String {
        let mut seen = self.0.subscribe();
        let shown = tokio::time::timeout(STUCK, seen.wait_for(Option::is_some)).await;
        let link = shown.ok().and_then(|r| r.ok().and_then(|l| l.clone()));
        link.expect("spotkey never showed the sign-in link")
    }
}

impl SignInObserver for LinkShown {
    fn url_ready(&self, url: &str) {
        self.0.send_replace(Some(url.to_string()));
    }
}

/// Cancels the sign-in when a test ends early, so a stuck listener cannot outlive it.
struct CancelOnDrop(CancelHandle);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The listener's socket address and `Host` value, from the authorize link.
fn listener_of(link: &str) -> (SocketAddr, String) {
    let redirect = url::Url::parse(&user::redirect_uri_of(link)).unwrap();
    let addr = redirect.socket_addrs(|| None).unwrap()[0];
    (
        addr,
        format!("{}:{}", redirect.host_str().unwrap(), addr.port()),
    )
}

/// Hostile local clients; all of them stop and disconnect when dropped.
struct Attack {
    addr: SocketAddr,
    host: String,
    held: Vec<TcpStream>,
    stop: Arc<AtomicBool>,
    flooders: Vec<JoinHandle<()>>,
}

impl Attack {
    fn on(link: &str) -> Self {
        let (addr, host) = listener_of(link);
        Self {
            addr,
            host,
            held: Vec::new(),
            stop: Arc::default(),
            flooders: Vec::new(),
        }
    }

    /// Sends `bytes` and then nothing more, keeping the connection open.
    fn stall_after(&mut self, bytes: &str) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.write_all(bytes.as_bytes()).unwrap();
        self.held.push(stream);
    }

    /// `count` connections, a third each: a head announcing a 1 MB body that never comes, the
    /// same as a POST to /callback, and a head that never ends.
    fn stall(&mut self, count: usize) {
        let host = self.host.clone();
        for i in 0..count {
            self.stall_after(&match i % 3 {
                0 => format!("GET /favicon.ico HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n"),
                1 => format!("POST /callback?code=x&state=y HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n"),
                _ => format!("GET /callback?state=y HTTP/1.1\r\nHost: {host}\r\nX-Slow: "),
            });
        }
    }

    /// Like the first kind of `stall`, but returns only once the listener has answered the
    /// head: by then a listener that waits for the body is stuck in that wait.
    fn stall_until_answered(&mut self) {
        let host = self.host.clone();
        self.stall_after(&format!(
            "GET /favicon.ico HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n"
        ));
        let stream = self.held.last_mut().unwrap();
        stream.set_read_timeout(Some(STUCK)).unwrap();
        let mut answer = Vec::new();
        let mut byte = [0u8];
        while !answer.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => answer.push(byte[0]),
                _ => panic!("the listener never answered a stalled request's head"),
            }
        }
        assert!(answer.starts_with(b"HTTP/1.1 404 "));
    }

    /// A client pipelining `GET /favicon.ico` as fast as it can and never reading an answer;
    /// when the listener closes one connection it opens the next.
    fn flood(&mut self) {
        let (addr, stop) = (self.addr, Arc::clone(&self.stop));
        let burst = format!("GET /favicon.ico HTTP/1.1\r\nHost: {}\r\n\r\n", self.host).repeat(256);
        self.flooders.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1))
                else {
                    std::thread::yield_now();
                    continue;
                };
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                while !stop.load(Ordering::Relaxed) && stream.write_all(burst.as_bytes()).is_ok() {}
            }
        }));
    }
}

impl Drop for Attack {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for flooder in self.flooders.drain(..) {
            let _ = flooder.join();
        }
    }
}

/// The user approves on the (fake) consent page and their browser follows the redirect to
/// the listener: the callback's status, page, and time from request to page.
async fn approve_and_time_the_callback(link: &str) -> (u16, String, Duration) {
    let client = user::http();
    let consent = client.get(link).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_string();
    let sent = Instant::now();
    let answered = tokio::time::timeout(STUCK, async {
        let response = client.get(&callback).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    })
    .await;
    let (status, page) = answered.expect("the browser's callback got no answer");
    (status, page, sent.elapsed())
}

/// A sign-in nobody approves unless `user` does, with `user` running alongside it from the
/// moment the link is shown. Returns the sign-in's result, when it came, and `user`'s answer.
async fn sign_in_alongside<T>(
    timeout: Duration,
    user: impl AsyncFnOnce(String, &CancelHandle) -> T,
) -> (Result<SignInOutcome, AuthError>, Instant, T) {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut config = home.config(&fake, "test-client");
    config.timeout = timeout;
    let account = home.account_with(config);
    let (shown, cancel) = (LinkShown::new(), CancelOnDrop(CancelHandle::new()));
    let sign_in = async {
        let result = account.sign_in(&IdleUser, &shown, &cancel.0);
        let result = tokio::time::timeout(SIGN_IN_STUCK, result);
        (result.await.expect("the sign-in is stuck"), Instant::now())
    };
    let user = async { user(shown.link().await, &cancel.0).await };
    let ((result, ended), answer) = tokio::join!(sign_in, user);
    (result, ended, answer)
}

/// One sign-in whose callback arrives while `attack` runs: the callback's latency, and the
/// part of it spotkey spent on the code exchange and the keychain.
async fn callback_latency(attack: impl FnOnce(&str) -> Option<Attack>) -> (Duration, Duration) {
    let (result, _, (status, page, latency)) =
        sign_in_alongside(SIGN_IN_TIMEOUT, async |link, _| {
            let _attack = attack(&link);
            approve_and_time_the_callback(&link).await
        })
        .await;
    let outcome = result.unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
    (latency, outcome.callback_to_stored)
}

#[tokio::test]
async fn the_real_callback_is_answered_promptly_through_50_stalled_connections_and_a_flood() {
    let _serial = ONE_AT_A_TIME.lock().await;

    let quiet = callback_latency(|_| None).await;
    let attacked = callback_latency(|link| {
        let mut attack = Attack::on(link);
        attack.stall(50);
        attack.flood();
        Some(attack)
    })
    .await;

    let ((quiet, quiet_stored), (attacked, attacked_stored)) = (quiet, attacked);
    println!("callback to success page: {quiet:?} quiet (exchange + keychain {quiet_stored:?}), {attacked:?} with 50 stalled connections and a flood (exchange + keychain {attacked_stored:?})");
    // Well under 1 s on a quiet machine; the bound leaves room for a busy CI machine, while a
    // listener that can be held up never answers at all.
    assert!(attacked < Duration::from_secs(5), "took {attacked:?}");
}

/// Stalls connections on the listener of a sign-in nobody approves, then lets the test `act`.
async fn stalled_while(
    timeout: Duration,
    act: impl FnOnce(&CancelHandle),
) -> (Result<SignInOutcome, AuthError>, Instant) {
    let (result, ended, _attack) = sign_in_alongside(timeout, async |link, cancel| {
        let mut attack = Attack::on(&link);
        attack.stall_until_answered();
        attack.stall(3);
        act(cancel);
        attack
    })
    .await;
    (result, ended)
}

#[tokio::test]
async fn cancel_ends_the_wait_promptly_while_connections_stall() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let mut cancelled_at = None;

    let (result, ended) = stalled_while(SIGN_IN_TIMEOUT, |cancel| {
        cancelled_at = Some(Instant::now());
        cancel.cancel();
    })
    .await;

    assert!(matches!(result, Err(AuthError::Cancelled)), "{result:?}");
    let took = ended.duration_since(cancelled_at.unwrap());
    assert!(took < Duration::from_secs(3), "cancel took {took:?}");
}

#[tokio::test]
async fn the_sign_in_timeout_holds_while_connections_stall() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();

    let (result, ended) = stalled_while(Duration::from_secs(2), |_| {}).await;

    assert!(
        matches!(result, Err(AuthError::TimedOut { .. })),
        "{result:?}"
    );
    let took = ended.duration_since(started);
    assert!(took < Duration::from_secs(5), "a 2 s timeout took {took:?}");
}

/// One field of /proc/self/status, in KiB.
fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Sends a request head whose one header line is 32 MB long, as fast as the listener takes
/// it; returns how many bytes it took before closing the connection, and what it answered.
fn send_a_32_mb_header_line(addr: SocketAddr, host: &str) -> (usize, String) {
    const LINE: usize = 32 * 1024 * 1024;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let head = format!("GET /callback HTTP/1.1\r\nHost: {host}\r\nX-Filler: ");
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    if stream.write_all(head.as_bytes()).is_ok() {
        while sent < LINE && stream.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (sent, String::from_utf8_lossy(&answer).into_owned())
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_32_mb_header_line_is_refused_without_being_buffered() {
    let _serial = ONE_AT_A_TIME.lock().await;

    let (result, _, (status, page, _)) = sign_in_alongside(SIGN_IN_TIMEOUT, async |link, _| {
        let (addr, host) = listener_of(&link);
        // Peak memory from here on (writing 5 resets VmHWM to the current RSS).
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let before = proc_status_kib("VmRSS:");
        let sender = tokio::task::spawn_blocking(move || send_a_32_mb_header_line(addr, &host));
        let (sent, answer) = sender.await.unwrap();
        let growth_kib = proc_status_kib("VmHWM:").saturating_sub(before);
        println!("32 MB header line: listener took {sent} bytes; peak RSS growth {growth_kib} KiB");
        let refused = answer.is_empty() || answer.starts_with("HTTP/1.1 431 ");
        assert!(refused, "{answer:.200}");
        assert!(sent < 32 * 1024 * 1024, "the listener took the whole line");
        assert!(growth_kib < 16 * 1024, "memory grew by {growth_kib} KiB");
        approve_and_time_the_callback(&link).await
    })
    .await;

    result.unwrap();
    assert_eq!(status, 200, "{page}");
}

/// Sends a POST head announcing a 1 MB body that never comes; returns the answer, whether it
/// was still incomplete (no end of connection) after `STUCK`, how long it took, and the
/// connection, which stays open on this side.
fn post_a_head_without_its_body(
    addr: SocketAddr,
    host: &str,
) -> (String, bool, Duration, TcpStream) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(STUCK)).unwrap();
    let head = format!("POST /callback HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let sent = Instant::now();
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let timed_out =
        matches!(&read, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut));
    let answer = String::from_utf8_lossy(&answer).into_owned();
    (answer, timed_out, sent.elapsed(), stream)
}

#[tokio::test]
async fn a_request_body_is_never_waited_for() {
    let _serial = ONE_AT_A_TIME.lock().await;

    let (result, _, (status, page, _)) = sign_in_alongside(SIGN_IN_TIMEOUT, async |link, _| {
        let (addr, host) = listener_of(&link);
        let poster = tokio::task::spawn_blocking(move || post_a_head_without_its_body(addr, &host));
        let (answer, timed_out, took, _still_open) = poster.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 405 "), "{answer:.200}");
        let closed = !timed_out && took < Duration::from_secs(3);
        assert!(closed, "answered and closed after {took:?}");
        approve_and_time_the_callback(&link).await
    })
    .await;

    result.unwrap();
    assert_eq!(status, 200, "{page}");
}

/// Threads of this test process.
fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn two_hundred_stalled_connections_take_a_bounded_number_of_threads() {
    let _serial = ONE_AT_A_TIME.lock().await;

    let (result, _, (status, page, _)) = sign_in_alongside(SIGN_IN_TIMEOUT, async |link, _| {
        let before = thread_count();
        let mut attack = Attack::on(&link);
        for _ in 0..200 {
            attack.stall_after("GET /callback?state=y HTTP/1.1\r\nX-Slow: ");
        }
        // Connections are taken in order: once this one is answered, all 200 were taken.
        attack.stall_until_answered();
        let during = thread_count();
        println!("threads: {before} before 200 stalled connections, {during} with them");
        // At most 64 serve connections, whatever the attack; one thread each would be 200.
        assert!(during < before + 70, "{before} threads became {during}");
        approve_and_time_the_callback(&link).await
    })
    .await;

    result.unwrap();
    assert_eq!(status, 200, "{page}");
}

/// Trickles a request head one byte every 100 ms; how long until the listener hangs up.
fn trickle_a_head(addr: SocketAddr) -> Duration {
    let mut stream = TcpStream::connect(addr).unwrap();
    let started = Instant::now();
    stream.write_all(b"GET /callback?state=").unwrap();
    while started.elapsed() < STUCK && stream.write_all(b"a").is_ok() {
        std::thread::sleep(Duration::from_millis(100));
    }
    started.elapsed()
}

#[tokio::test]
async fn a_trickled_request_head_is_cut_off_after_a_few_seconds() {
    let _serial = ONE_AT_A_TIME.lock().await;

    let (result, _, (status, page, _)) = sign_in_alongside(SIGN_IN_TIMEOUT, async |link, _| {
        let (addr, _) = listener_of(&link);
        // Before the callback: once the attempt is decided every connection is cut anyway.
        let trickle = tokio::task::spawn_blocking(move || trickle_a_head(addr));
        let hung_up_after = trickle.await.unwrap();
        println!("a trickled head was cut off after {hung_up_after:?}");
        let cut = hung_up_after < Duration::from_secs(6);
        assert!(cut, "still open after {hung_up_after:?}");
        approve_and_time_the_callback(&link).await
    })
    .await;

    result.unwrap();
    assert_eq!(status, 200, "{page}");
}
