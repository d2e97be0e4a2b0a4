//! spotkey-desktop started as a person or a login item starts it, on its own X display and
//! session bus (no WebDriver in between), and looked at the way a person would: is a window
//! shown, does the process still run, does a second launch bring it back.
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::desktop::Xvfb;
use super::fake_spotify::FakeSpotify;
use super::home::TestHome;
use super::session_bus::SessionBus;

/// A window's first start in a debug build on 2 busy cores can take several seconds.
pub const WINDOW_WAIT: Duration = Duration::from_secs(40);
/// The login item waits 10 s for a panel before it gives up; room for a slow machine on top.
pub const AUTOSTART_WAIT: Duration = Duration::from_secs(40);
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");

/// One desktop: an X display and a session bus, with spotkey's user and fake Spotify.
pub struct Desk {
    pub bus: SessionBus,
    xvfb: Xvfb,
    home: TestHome,
    fake: FakeSpotify,
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            bus: SessionBus::start(),
            xvfb: Xvfb::start(),
            home: TestHome::new(),
            fake: FakeSpotify::start(),
        }
    }

    pub fn launch(&self, args: &[&str]) -> Spotkey {
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

    /// What the user chose in Settings: "Start in the tray" (saved as the app saves it).
    pub fn prefer_the_tray(&self) {
        let settings = spotkey::auth::Settings {
            start_hidden: Some(true),
            ..Default::default()
        };
        settings
            .save(&self.home.paths().config_dir)
            .expect("save the settings");
    }

    /// The X display, e.g. `:3`.
    pub fn display(&self) -> &str {
        self.xvfb.display()
    }

    /// Whether a mapped window titled "spotkey" is on the display.
    pub fn window_shown(&self) -> bool {
        let script = PathBuf::from(SCRIPTS).join("x11-window-exists.py");
        run_x11_script(&script, self.xvfb.display())
    }

    pub fn wait_window(&self, app: &Spotkey, shown: bool) {
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
    pub fn close_window(&self) {
        let script = PathBuf::from(SCRIPTS).join("x11-close-window.py");
        assert!(
            run_x11_script(&script, self.xvfb.display()),
            "no spotkey window to close"
        );
    }

    /// Starts spotkey as a person does and waits for its window.
    pub fn launch_window(&self) -> Spotkey {
        let app = self.launch(&[]);
        self.wait_window(&app, true);
        app
    }

    /// The close button, then the window's going.
    pub fn close_and_wait(&self, app: &Spotkey) {
        self.close_window();
        self.wait_window(app, false);
    }

    /// A second launch hands over to the running spotkey, which opens its window: the proof,
    /// as a user would see it, that the first one was still alive and reachable.
    pub fn reopen_through_second_launch(&self, first: &mut Spotkey) {
        let mut second = self.launch(&[]);
        self.wait_window(first, true);
        // Normally the second launch hands over and exits. One that comes while the first is
        // starting itself again in the tray (its single-instance name briefly free) is the
        // spotkey from then on, and the first hands over to it: either way one spotkey runs.
        let deadline = Instant::now() + WINDOW_WAIT;
        loop {
            let (first_runs, second_runs) = (first.running(), second.running());
            if first_runs != second_runs {
                break;
            }
            assert!(
                first_runs,
                "no spotkey runs after a second launch: {}",
                first.log()
            );
            assert!(
                Instant::now() < deadline,
                "two spotkeys run {WINDOW_WAIT:?} after a second launch: {}",
                first.log()
            );
            std::thread::sleep(super::wait::POLL);
        }
        if second.running() {
            std::mem::swap(first, &mut second);
        }
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

pub struct Spotkey {
    child: Child,
    logs: tempfile::NamedTempFile,
}

impl Spotkey {
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
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

    /// Waits for spotkey to end by itself, as it must when nothing of it can be seen.
    pub fn assert_ends(&mut self, timeout: Duration) -> ExitStatus {
        match self.wait_exit(timeout) {
            Some(status) => status,
            None => panic!("spotkey lives on unseen after {timeout:?}: {}", self.log()),
        }
    }

    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.logs.path()).unwrap_or_default()
    }

    /// Waits until spotkey has noticed the tray host come (`true`) or go (`false`).
    pub fn wait_noticed(&self, present: bool) {
        let note = format!("present={present}");
        let deadline = Instant::now() + WINDOW_WAIT;
        while !self
            .log()
            .lines()
            .any(|l| l.contains("tray host") && l.ends_with(&note))
        {
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

/// An XEmbed tray (what `trayer` is to the app): the owner of `_NET_SYSTEM_TRAY_S0` on the
/// display, for as long as this value lives. Dock requests are left unanswered.
pub struct FakeXembedTray {
    xlib: x11_dl::xlib::Xlib,
    display: *mut x11_dl::xlib::Display,
}

impl FakeXembedTray {
    pub fn start(display: &str) -> FakeXembedTray {
        let xlib = x11_dl::xlib::Xlib::open().expect("libX11");
        let name = std::ffi::CString::new(display).expect("a display name");
        // SAFETY: one connection used on this thread only; the strings are NUL-terminated.
        unsafe {
            let display = (xlib.XOpenDisplay)(name.as_ptr());
            assert!(!display.is_null(), "cannot open the X display");
            let root = (xlib.XDefaultRootWindow)(display);
            let window = (xlib.XCreateSimpleWindow)(display, root, 0, 0, 1, 1, 0, 0, 0);
            let atom = (xlib.XInternAtom)(display, c"_NET_SYSTEM_TRAY_S0".as_ptr(), 0);
            (xlib.XSetSelectionOwner)(display, atom, window, 0);
            // Returns once the server has made us the owner.
            (xlib.XSync)(display, 0);
            FakeXembedTray { xlib, display }
        }
    }
}

impl Drop for FakeXembedTray {
    fn drop(&mut self) {
        // SAFETY: the connection opened in `start`, closed once (its selection goes with it).
        unsafe {
            (self.xlib.XCloseDisplay)(self.display);
        }
    }
}
