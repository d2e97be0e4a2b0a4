//! The listener's connections: each one served on its own short-lived thread that reads at
//! most one capped request head under a deadline, never a body, answers once with
//! `Connection: close`, and hands only a deciding outcome to the wait loop. The set of live
//! connections is bounded, and dropping it shuts every one of them down.
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::super::callback_page::{self, Page};
use super::super::error::AuthError;
use super::super::secret::AuthCode;
use super::head;
use super::route::{Route, Verdict};

/// A whole request head must arrive within this, however slowly its bytes trickle in.
const HEAD_DEADLINE: Duration = Duration::from_secs(3);
/// Writing one answer (a couple of KiB) must finish within this, read by the client or not.
const WRITE_DEADLINE: Duration = Duration::from_secs(3);
/// Browsers send every cookie set for 127.0.0.1 by any local server, so leave them room.
const MAX_HEAD: usize = 16 * 1024;
/// At most this many connections are served at once; a new one cuts the oldest. Slow
/// connections are what an attacker holds open, while a browser sends its whole request head
/// at once, so the oldest is the one to give up: holding the listener would take opening
/// this many connections faster than a browser's request is read.
const MAX_LIVE: usize = 32;
/// Cut connections' threads end at once, but under a flood on a busy machine they may not
/// have run yet; beyond this many threads new connections are closed without being read.
const MAX_THREADS: usize = 2 * MAX_LIVE;
/// Serving one request needs little stack; many idle threads should not reserve much.
const STACK_SIZE: usize = 256 * 1024;

/// What a connection tells the wait loop: only outcomes that decide the attempt.
pub enum Decided {
    /// The valid callback, with the browser's connection still open for the final page.
    Code(AuthCode, TcpStream),
    /// The attempt is over; the browser was already shown why.
    End(AuthError),
}

/// The live connections of one wait.
pub struct Connections {
    live: VecDeque<Live>,
    route: Arc<Route>,
    decided: Sender<Decided>,
}

struct Live {
    /// A second handle on the socket to shut it down from the wait loop. Taken (`None`) by
    /// the connection itself when it hands the socket over, so it can no longer be cut.
    cutter: Arc<Mutex<Option<TcpStream>>>,
    thread: JoinHandle<()>,
}

impl Live {
    /// Shuts the connection down; false when it was already cut or handed over.
    fn cut(&self) -> bool {
        match take(&self.cutter) {
            Some(stream) => {
                let _ = stream.shutdown(Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

fn take(cutter: &Mutex<Option<TcpStream>>) -> Option<TcpStream> {
    cutter.lock().unwrap_or_else(PoisonError::into_inner).take()
}

impl Connections {
    pub fn new(route: Route, decided: Sender<Decided>) -> Self {
        Self {
            live: VecDeque::new(),
            route: Arc::new(route),
            decided,
        }
    }

    /// Serves `stream` on its own thread, cutting the oldest live connection when all places
    /// are taken. Closes it at once when cut threads have not ended yet or the system
    /// refuses a thread.
    pub fn admit(&mut self, stream: TcpStream) {
        self.live.retain(|c| !c.thread.is_finished());
        if self.live.len() >= MAX_THREADS {
            return;
        }
        if self.live.len() >= MAX_LIVE {
            for c in &self.live {
                if c.cut() {
                    break;
                }
            }
        }
        // Accepted sockets may inherit the listener's non-blocking mode (BSD, macOS).
        if stream.set_nonblocking(false).is_err() {
            return;
        }
        let Ok(cutter) = stream.try_clone() else {
            return;
        };
        let cutter = Arc::new(Mutex::new(Some(cutter)));
        let (route, decided, own) = (
            Arc::clone(&self.route),
            self.decided.clone(),
            Arc::clone(&cutter),
        );
        let spawned = thread::Builder::new()
            .name("spotkey-loopback".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                serve(stream, &route, &own, &decided);
                // The socket closes with its last handle: let go of the cutter's too.
                drop(take(&own));
            });
        if let Ok(thread) = spawned {
            self.live.push_back(Live { cutter, thread });
        }
    }
}

impl Drop for Connections {
    /// The attempt is decided: every connection still being served ends now.
    fn drop(&mut self) {
        for c in &self.live {
            c.cut();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    route: &Route,
    cutter: &Mutex<Option<TcpStream>>,
    decided: &Sender<Decided>,
) {
    let raw = match read_head(&mut stream) {
        Ok(raw) => raw,
        Err(HeadError::TooLarge) => return answer(stream, &callback_page::head_too_large()),
        Err(HeadError::Gone) => return,
    };
    let verdict = match head::parse(&raw) {
        Some(head) => route.classify(&head),
        None => Verdict::Reply(callback_page::bad_request()),
    };
    match verdict {
        Verdict::Reply(page) => answer(stream, &page),
        Verdict::End(err) => {
            answer(stream, &callback_page::failure(&err.to_string()));
            let _ = decided.send(Decided::End(err));
        }
        Verdict::Code(code) => {
            // From here on the browser's connection belongs to the sign-in, which answers it
            // once the grant is stored (or not); nothing may cut it any more.
            drop(take(cutter));
            let _ = decided.send(Decided::Code(code, stream));
        }
    }
}

enum HeadError {
    /// Over `MAX_HEAD` without a blank line.
    TooLarge,
    /// Closed, failed, or too slow: nothing worth answering.
    Gone,
}

/// Reads up to the end of the request head (bytes after it, a body or a pipelined request,
/// are left unread and dropped with the connection).
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut buf = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    while filled < MAX_HEAD {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => {
                // The blank line may straddle two reads: look again from 3 bytes back.
                let from = filled.saturating_sub(3);
                filled += n;
                if let Some(end) = head::end_of_head(&buf[from..filled]) {
                    buf.truncate(from + end - 4);
                    return Ok(buf);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Gone),
        }
    }
    Err(HeadError::TooLarge)
}

/// Writes `page` within `WRITE_DEADLINE` in all (a client that reads a byte at a time cannot
/// stretch it), then closes the connection by dropping it. The client may already be gone;
/// nothing to do about that.
pub fn answer(mut stream: TcpStream, page: &Page) {
    let bytes = page.to_http();
    let deadline = Instant::now() + WRITE_DEADLINE;
    let mut sent = 0;
    while sent < bytes.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_write_timeout(Some(left)).is_err() {
            return;
        }
        match stream.write(&bytes[sent..]) {
            Ok(0) => return,
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
