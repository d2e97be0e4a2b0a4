//! Whether this desktop has a tray to show spotkey's icon in: a StatusNotifierWatcher with a
//! host registered on the session bus (followed by one thread that sleeps until the bus says
//! something changed), or an XEmbed tray (the `_NET_SYSTEM_TRAY_S<n>` selection owner, which the
//! appindicator library falls back to), looked up at the moments it matters. What to do about
//! it is `app::tray_host`'s decision.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use dbus::blocking::stdintf::org_freedesktop_dbus::Properties as _;
use dbus::blocking::Connection;
use dbus::channel::MatchingReceiver as _;
use dbus::message::MatchRule;

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";
/// Each call to the bus or the watcher: a watcher that hangs cannot hold the follower longer.
const CALL_TIMEOUT: Duration = Duration::from_secs(1);
/// The follower sleeps in the kernel until the bus sends a change; this only bounds one sleep
/// (one wake-up an hour when nothing happens).
const IDLE_WAIT: Duration = Duration::from_secs(3600);
/// After a query the bus or the watcher did not answer in time: the first retry; each next one
/// waits twice as long (up to `IDLE_WAIT`), so a hung watcher costs almost nothing.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// How long after the start a caller may wait for the follower's first answer (connecting to
/// the bus, one query); a bus that never answers costs at most this, once.
const FIRST_ANSWER: Duration = Duration::from_secs(2);

/// The bus's changes the follower wakes for: the watcher coming and going, and its hosts.
const MATCHES: [&str; 3] = [
    "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',\
     member='NameOwnerChanged',arg0='org.kde.StatusNotifierWatcher'",
    "type='signal',interface='org.kde.StatusNotifierWatcher'",
    "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',\
     path='/StatusNotifierWatcher'",
];

/// The StatusNotifier answer the follower keeps current: None until its first query.
#[derive(Default)]
struct Shared {
    host: Mutex<Option<bool>>,
    changed: Condvar,
}

impl Shared {
    fn set(&self, host: bool) {
        let mut slot = self.host.lock().unwrap_or_else(PoisonError::into_inner);
        if *slot != Some(host) {
            tracing::info!(present = host, "StatusNotifier tray host changed");
        }
        *slot = Some(host);
        self.changed.notify_all();
    }

    /// The first answer, unless one is known already.
    fn set_if_unknown(&self, host: bool) {
        let known = self
            .host
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        if !known {
            self.set(host);
        }
    }

    /// Waits until `until` for an answer that satisfies `done`; returns the last answer.
    fn wait(&self, until: Instant, done: impl Fn(Option<bool>) -> bool) -> bool {
        let mut slot = self.host.lock().unwrap_or_else(PoisonError::into_inner);
        while !done(*slot) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            slot = match self.changed.wait_timeout(slot, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        *slot == Some(true)
    }
}

/// Knows whether a tray host is there. Cheap to ask: the D-Bus side is kept current by its
/// follower thread; the X side is one round trip to the X server.
pub struct TrayHostWatch {
    shared: Arc<Shared>,
    started: Instant,
}

impl TrayHostWatch {
    pub fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let for_thread = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("tray-host".into())
            .spawn(move || follow(&for_thread));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot follow the tray host; assuming none");
            shared.set(false);
        }
        Self {
            shared,
            started: Instant::now(),
        }
    }

    /// Whether a tray host is there now.
    pub fn present(&self) -> bool {
        let until = self.started + FIRST_ANSWER;
        self.shared.wait(until, |host| host.is_some()) || xembed_tray()
    }

    /// Returns once a StatusNotifier tray that was there has gone (a panel quit or crashed).
    /// Waits on the follower's news, never on a timer of its own. `seen`: the caller already
    /// knows one was there (a start in the tray), so it does not wait to see it first: a tray
    /// gone in between (e.g. while the app started itself again) counts.
    pub fn wait_until_gone(&self, seen: bool) {
        let wanted: &[bool] = if seen { &[false] } else { &[true, false] };
        for &wanted in wanted {
            while self
                .shared
                .wait(Instant::now() + IDLE_WAIT, |h| h == Some(wanted))
                != wanted
            {}
        }
    }

    /// For a start with nothing to show: waits up to `grace` for a tray host to appear.
    pub fn wait_for_host(&self, grace: Duration) -> bool {
        let until = Instant::now() + grace;
        if self.present() {
            return true;
        }
        self.shared.wait(until, |host| host == Some(true)) || xembed_tray()
    }
}

fn follow(shared: &Shared) {
    let conn = match Connection::new_session() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::info!(error = %e, "no session bus: no StatusNotifier tray");
            return shared.set(false);
        }
    };
    // Subscribed before the first query, so no change can fall between the two.
    let dirty = Arc::new(AtomicBool::new(true));
    for rule in MATCHES {
        if let Err(e) = conn.add_match_no_cb(rule) {
            tracing::warn!(error = %e, "cannot follow the tray host");
        }
    }
    let flag = dirty.clone();
    conn.start_receive(
        MatchRule::new(),
        Box::new(move |_, _| {
            flag.store(true, Ordering::Release);
            true
        }),
    );
    let mut retry = FIRST_RETRY;
    loop {
        let mut wait = IDLE_WAIT;
        if dirty.swap(false, Ordering::AcqRel) {
            match status_notifier_host(&conn) {
                Some(host) => {
                    shared.set(host);
                    retry = FIRST_RETRY;
                }
                // No answer is no news: ask again soon (less often while it lasts), meanwhile
                // "none" only if nothing better was ever known.
                None => {
                    shared.set_if_unknown(false);
                    dirty.store(true, Ordering::Release);
                    wait = retry;
                    retry = (retry * 2).min(IDLE_WAIT);
                }
            }
        }
        if let Err(e) = conn.process(wait) {
            tracing::info!(error = %e, "session bus gone: no StatusNotifier tray");
            return shared.set(false);
        }
    }
}

/// A watcher alone shows nothing: a host (the panel) must have registered with it. Asking the
/// bus first avoids starting a watcher through D-Bus activation just by looking. None: the bus
/// or the watcher did not answer in time (a busy machine), which says nothing either way.
fn status_notifier_host(conn: &Connection) -> Option<bool> {
    let bus = conn.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        CALL_TIMEOUT,
    );
    let owned: Result<(bool,), _> =
        bus.method_call("org.freedesktop.DBus", "NameHasOwner", (WATCHER,));
    match owned {
        Ok((true,)) => {}
        Ok((false,)) => return Some(false),
        Err(_) => return None,
    }
    let watcher = conn.with_proxy(WATCHER, WATCHER_PATH, CALL_TIMEOUT);
    watcher
        .get::<bool>(WATCHER, "IsStatusNotifierHostRegistered")
        .ok()
}

/// Whether an XEmbed tray owns `_NET_SYSTEM_TRAY_S<screen>` on the X display (none on Wayland
/// without X). One short connection of its own, so GTK's is never touched.
fn xembed_tray() -> bool {
    use x11_dl::xlib::Xlib;
    let Ok(xlib) = Xlib::open() else {
        return false;
    };
    // SAFETY: a private display connection, used and closed on this thread only; every
    // pointer passed is either null (the default display) or a NUL-terminated string we own.
    unsafe {
        let display = (xlib.XOpenDisplay)(std::ptr::null());
        if display.is_null() {
            return false;
        }
        let screen = (xlib.XDefaultScreen)(display);
        let owner = std::ffi::CString::new(format!("_NET_SYSTEM_TRAY_S{screen}"))
            .map(|name| {
                // only_if_exists: a selection nobody ever took has no atom, and no owner.
                let atom = (xlib.XInternAtom)(display, name.as_ptr(), 1);
                if atom == 0 {
                    0
                } else {
                    (xlib.XGetSelectionOwner)(display, atom)
                }
            })
            .unwrap_or(0);
        (xlib.XCloseDisplay)(display);
        owner != 0
    }
}
