//! TCP front door of the fake. Every client connection is piped to the tiny_http backend, and a
//! handler can sever it (close it with zero response bytes), which tiny_http alone cannot do.

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// Live connections, keyed by the backend leg's local address (what tiny_http reports as the
/// request's `remote_addr`).
#[derive(Default)]
pub(super) struct Conns(Mutex<HashMap<SocketAddr, (TcpStream, TcpStream)>>);

impl Conns {
    fn insert(&self, key: SocketAddr, client: TcpStream, backend: TcpStream) {
        self.0.lock().unwrap().insert(key, (client, backend));
    }

    fn forget(&self, key: &SocketAddr) {
        self.0.lock().unwrap().remove(key);
    }

    /// Close the client connection whose backend leg is `key`, without sending anything.
    pub(super) fn sever(&self, key: &SocketAddr) {
        if let Some((client, backend)) = self.0.lock().unwrap().remove(key) {
            let _ = client.shutdown(Shutdown::Both);
            let _ = backend.shutdown(Shutdown::Both);
        }
    }

    pub(super) fn sever_all(&self) {
        let keys: Vec<SocketAddr> = self.0.lock().unwrap().keys().copied().collect();
        keys.iter().for_each(|k| self.sever(k));
    }
}

/// Accept clients on `listener` until `stop` is set (wake the accept with a dummy connection).
pub(super) fn spawn(
    listener: TcpListener,
    backend: SocketAddr,
    conns: Arc<Conns>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        for client in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            if let Ok(client) = client {
                let _ = pipe(client, backend, &conns);
            }
        }
    })
}

fn pipe(client: TcpStream, backend_addr: SocketAddr, conns: &Arc<Conns>) -> io::Result<()> {
    let backend = TcpStream::connect(backend_addr)?;
    let _ = client.set_nodelay(true);
    let _ = backend.set_nodelay(true);
    let key = backend.local_addr()?;
    conns.insert(key, client.try_clone()?, backend.try_clone()?);
    pump(client.try_clone()?, backend.try_clone()?, None);
    pump(backend, client, Some((key, conns.clone())));
    Ok(())
}

/// Copy `from` → `to` until EOF, then pass the EOF on.
fn pump(mut from: TcpStream, mut to: TcpStream, done: Option<(SocketAddr, Arc<Conns>)>) {
    thread::spawn(move || {
        let _ = io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
        if let Some((key, conns)) = done {
            conns.forget(&key);
        }
    });
}
