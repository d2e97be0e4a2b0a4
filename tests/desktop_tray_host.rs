//! The desktop app on desktops with and without a tray (stock GNOME has none): each test runs
//! spotkey-desktop on its own X display and its own session bus, where a fake panel's
//! StatusNotifierWatcher is there or not. Without a tray no spotkey is ever left running unseen.
#![cfg(target_os = "linux")]

mod support;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use support::desktop::Xvfb;
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::session_bus::{FakeTray, SessionBus};

/// A window's first start in a debug build on 2 busy cores can take several seconds.
const WINDOW_WAIT: Duration = Duration::from_secs(40);
/// The login item waits 10 s for a panel before it gives up; room for a slow machine on top.
const AUTOSTART_WAIT: Duration = Duration::from_secs(40);
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");

/// One desktop: an X display and a session bus, with spotkey's user and fake Spotify.
struct Desk {
    bus: SessionBus,
    xvfb: Xvfb,
    home: TestHome,
    fake: FakeSpotify,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            bus: SessionBus::start(),
            xvfb: Xvfb::start(),
            home: TestHome::new(),
            fake: FakeSpotify::start(),
        }
    }

    fn launch(&self, args: &[&str]) -> Spotkey {
        let logs = tempfile::NamedTempFile::new().expect("a log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SPOTKEY_") {
                cmd.env_remove(key);
            }
        }
        cmd.args(args)
            .envs(self.home.env(&self.fake))
            .env_remove("WAYLAND_DISPLAY")
            .env("DISPLAY", self.xvfb.display())
            .env("DBUS_SESSION_BUS_ADDRESS", self.bus.address())
            // The tray host follower's notes: a test waits for them as events.
            .env("SPOTKEY_LOG", "spotkey::gui::tray_host=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(logs.reopen().expect("log file"))
            // Its own group, so the WebKit helpers go with it on drop.
            .process_group(0);
        let child = cmd.spawn().expect("start spotkey-desktop");
        Spotkey { child, logs }
    }

    /// Whether a mapped window titled "spotkey" is on the display.
    fn window_shown(&self) -> bool {
        let script = PathBuf::from(SCRIPTS).join("x11-window-exists.py");
        run_x11_script(&script, self.xvfb.display())
    }

    fn wait_window(&self, app: &Spotkey, shown: bool) {
        let deadline = Instant::now() + WINDOW_WAIT;
        while self.window_shown() != shown {
            assert!(
                Instant::now() < deadline,
                "the window was {} after {WINDOW_WAIT:?}: {}",
                if shown { "never shown" } else { "still shown" },
                app.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The close button, as a window manager sends it (WM_DELETE_WINDOW).
    fn close_window(&self) {
        let script = PathBuf::from(SCRIPTS).join("x11-close-window.py");
        assert!(
            run_x11_script(&script, self.xvfb.display()),
            "no spotkey window to close"
        );
    }

    /// A second launch hands over to the running spotkey, which opens its window: the proof,
    /// as a user would see it, that the first one was still alive and reachable.
    fn reopen_through_second_launch(&self, first: &mut Spotkey) {
        let mut second = self.launch(&[]);
        let status = second.wait_exit(WINDOW_WAIT);
        assert!(status.is_some(), "the second launch did not hand over and exit");
        self.wait_window(first, true);
        assert!(first.running(), "the first spotkey is gone: {}", first.log());
    }
}

fn run_x11_script(script: &PathBuf, display: &str) -> bool {
    Command::new(script)
        .arg("spotkey")
        .env("DISPLAY", display)
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {} ({e}); it needs python3", script.display()))
        .success()
}

struct Spotkey {
    child: Child,
    logs: tempfile::NamedTempFile,
}

impl Spotkey {
    fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.logs.path()).unwrap_or_default()
    }

    /// Waits until spotkey has noticed the tray host come (`true`) or go (`false`).
    fn wait_noticed(&self, present: bool) {
        let note = format!("present={present}");
        let deadline = Instant::now() + WINDOW_WAIT;
        while !self.log().lines().any(|l| l.contains("tray host") && l.ends_with(&note)) {
            assert!(
                Instant::now() < deadline,
                "spotkey never noticed {note}: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Spotkey {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            if self.wait_exit(Duration::from_secs(3)).is_some() {
                break;
            }
        }
    }
}

#[test]
fn without_a_tray_closing_the_window_quits_spotkey() {
    let desk = Desk::new();
    let mut app = desk.launch(&[]);
    desk.wait_window(&app, true);

    desk.close_window();

    let status = app.wait_exit(WINDOW_WAIT);
    let status = status.unwrap_or_else(|| panic!("spotkey lives on unseen: {}", app.log()));
    assert!(status.success(), "{status}: {}", app.log());
}

#[test]
fn with_a_tray_closing_the_window_keeps_spotkey_in_the_tray() {
    let desk = Desk::new();
    let _tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&[]);
    desk.wait_window(&app, true);

    desk.close_window();
    desk.wait_window(&app, false);

    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_tray_that_appears_after_the_start_is_noticed() {
    let desk = Desk::new();
    let mut app = desk.launch(&[]);
    desk.wait_window(&app, true);

    let _tray = FakeTray::start(&desk.bus);
    app.wait_noticed(true);
    desk.close_window();
    desk.wait_window(&app, false);

    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_tray_that_goes_away_after_the_start_is_noticed() {
    let desk = Desk::new();
    let tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&[]);
    desk.wait_window(&app, true);

    drop(tray);
    app.wait_noticed(false);
    desk.close_window();

    let status = app.wait_exit(WINDOW_WAIT);
    assert!(status.is_some(), "spotkey lives on unseen: {}", app.log());
}

#[test]
fn autostart_without_a_tray_exits_instead_of_running_unseen() {
    let desk = Desk::new();
    let mut app = desk.launch(&["--hidden"]);

    let status = app.wait_exit(AUTOSTART_WAIT);

    let status = status.unwrap_or_else(|| panic!("spotkey lives on unseen: {}", app.log()));
    assert!(status.success(), "{status}: {}", app.log());
    assert!(app.log().contains("no tray"), "no line says why: {}", app.log());
    assert!(!desk.window_shown(), "a login item opened a window");
}

#[test]
fn autostart_with_a_tray_stays_in_the_tray_without_a_window() {
    let desk = Desk::new();
    let _tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&["--hidden"]);
    desk.bus.wait_for_single_instance(WINDOW_WAIT);
    assert!(!desk.window_shown(), "a login item opened a window");

    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_tray_that_goes_for_good_takes_a_windowless_spotkey_with_it() {
    let desk = Desk::new();
    let tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&[]);
    desk.wait_window(&app, true);
    desk.close_window();
    desk.wait_window(&app, false);
    assert!(app.running(), "spotkey left the tray: {}", app.log());

    drop(tray);

    let status = app.wait_exit(AUTOSTART_WAIT);
    assert!(status.is_some(), "spotkey lives on unseen: {}", app.log());
}
