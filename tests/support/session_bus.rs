//! A private D-Bus session bus for one test (no service files, so nothing is ever activated on
//! it), and a fake tray: a process-local StatusNotifierWatcher that reports a host registered,
//! the way a panel's watcher does.
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dbus::arg::Variant;
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver as _, Sender as _};
use dbus::message::MatchRule;
use dbus::Message;

const WATCHER: &str = "org.kde.StatusNotifierWatcher";

pub struct SessionBus {
    child: Child,
    address: String,
    _stdout: ChildStdout,
    _dir: tempfile::TempDir,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        let dir = tempfile::tempdir().expect("a temp dir for the bus");
        let config = dir.path().join("bus.conf");
        let socket = dir.path().join("bus");
        std::fs::write(&config, config_text(&socket.to_string_lossy())).expect("bus config");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon (scripts/install-deps.sh --test installs dbus)");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut address = String::new();
        // Printed once the bus listens; EOF (0 bytes) at once if it exits instead.
        let _ = stdout.read_line(&mut address);
        let address = address.trim().to_string();
        if address.is_empty() {
            let _ = child.kill();
            panic!("dbus-daemon printed no address: {:?}", child.wait());
        }
        SessionBus {
            child,
            address,
            _stdout: stdout.into_inner(),
            _dir: dir,
        }
    }

    /// What `DBUS_SESSION_BUS_ADDRESS` is set to for a process on this bus.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Waits until a spotkey on this bus is up and reachable by a second launch (the
    /// single-instance name it owns is on the bus).
    pub fn wait_for_single_instance(&self, timeout: Duration) {
        if let Err(e) = wait_for_single_instance(self.address(), timeout) {
            panic!("{e}");
        }
    }
}

/// Waits until a spotkey on the bus at `address` owns its single-instance name (it is up and
/// reachable by a second launch), for at most `timeout`.
pub fn wait_for_single_instance(address: &str, timeout: Duration) -> Result<(), String> {
    let conn =
        Connection::new_address(address).map_err(|e| format!("connect to {address}: {e}"))?;
    let bus = conn.with_proxy("org.freedesktop.DBus", "/", Duration::from_secs(5));
    let deadline = Instant::now() + timeout;
    loop {
        let names: Result<(Vec<String>,), _> =
            bus.method_call("org.freedesktop.DBus", "ListNames", ());
        let names = names.map(|(n,)| n).unwrap_or_default();
        if names.iter().any(|n| n.ends_with(".SingleInstance")) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "no spotkey on the bus after {timeout:?}: {names:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config_text(socket: &str) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
    )
}

/// A panel's tray as the app sees it on the bus: owns the watcher name and answers
/// `IsStatusNotifierHostRegistered = true`. Dropping it leaves the bus (the tray goes away).
pub struct FakeTray {
    /// How many tray items asked to be shown (RegisterStatusNotifierItem).
    items: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeTray {
    /// Returns once the watcher name is owned, so anything started after sees the tray.
    pub fn start(bus: &SessionBus) -> FakeTray {
        Self::on_address(bus.address())
    }

    /// On the test environment's own session bus (`DBUS_SESSION_BUS_ADDRESS`): spotkey started
    /// there lives in a tray, as on a desktop with a panel.
    pub fn on_session_bus() -> FakeTray {
        let address = std::env::var("DBUS_SESSION_BUS_ADDRESS")
            .expect("DBUS_SESSION_BUS_ADDRESS: run inside scripts/test-env.sh");
        Self::on_address(&address)
    }

    /// On any bus, e.g. the whole test environment's (`DBUS_SESSION_BUS_ADDRESS`), for a
    /// measurement of spotkey living in the tray.
    pub fn on_address(address: &str) -> FakeTray {
        let conn = Connection::new_address(address).expect("connect to the bus");
        let reply = conn
            .request_name(WATCHER, false, false, true)
            .expect("ask for the StatusNotifierWatcher name");
        // Another test's panel still there would answer for this one, then vanish under it.
        assert_eq!(
            reply,
            dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply::PrimaryOwner,
            "the StatusNotifierWatcher name is taken: another fake tray is still up"
        );
        let items = Arc::new(AtomicUsize::new(0));
        let counted = items.clone();
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |call, conn| {
                if call.member().as_deref() == Some("RegisterStatusNotifierItem") {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
                answer(call, conn)
            }),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Acquire) {
                let _ = conn.process(Duration::from_millis(50));
            }
        });
        FakeTray {
            items,
            stop,
            thread: Some(thread),
        }
    }

    /// Returns once a tray item has asked to be shown; panics after `timeout`.
    pub fn wait_for_item(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.items.load(Ordering::SeqCst) == 0 {
            assert!(
                Instant::now() < deadline,
                "no tray item registered in {timeout:?}"
            );
            std::thread::sleep(super::wait::POLL);
        }
    }
}

impl Drop for FakeTray {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Properties.Get of the watcher's host flag answers true; every other call gets an error
/// reply, so no caller waits for its timeout.
fn answer(call: Message, conn: &Connection) -> bool {
    let is_get = call.interface().as_deref() == Some("org.freedesktop.DBus.Properties")
        && call.member().as_deref() == Some("Get");
    let asked = call.read2::<&str, &str>().ok();
    let reply = match asked {
        Some((WATCHER, "IsStatusNotifierHostRegistered")) if is_get => {
            call.method_return().append1(Variant(true))
        }
        _ => call.error(
            &"org.freedesktop.DBus.Error.UnknownMethod".into(),
            c"not in this fake",
        ),
    };
    let _ = conn.send(reply);
    true
}
