//! A private Secret Service for one test: its own D-Bus session bus and GNOME Keyring daemon
//! (unlocked, no display), which the test can then lock, freeze (SIGSTOP), or give a screen so
//! that its unlock prompt really appears and waits for a person. Everything it started is
//! stopped when it drops; it never touches the keyring `make test` provides.
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use super::desktop::Xvfb;
use super::home::TestHome;

const HINT: &str = "run the tests with `make test` (it installs dbus, gnome-keyring, \
                    libsecret-tools and xvfb)";

pub struct PrivateKeyring {
    bus: Child,
    // dbus-daemon's --print-address pipe, kept open so it can never SIGPIPE it.
    _bus_out: ChildStdout,
    address: String,
    data: PathBuf,
    runtime: PathBuf,
    daemon: Option<u32>,
    xvfb: Option<Xvfb>,
}

impl PrivateKeyring {
    /// A bus and an unlocked keyring that takes writes (checked, not assumed).
    pub fn start(home: &TestHome) -> Self {
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            // Prompts get a screen only when a test gives them one.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start dbus-daemon ({e}): {HINT}"));
        let mut out = BufReader::new(bus.stdout.take().expect("piped stdout"));
        let mut address = String::new();
        // EOF at once if the daemon dies, so this cannot hang.
        let _ = out.read_line(&mut address);
        assert!(address.starts_with("unix:"), "dbus-daemon gave no address");
        let mut keyring = Self {
            bus,
            _bus_out: out.into_inner(),
            address: address.trim().to_string(),
            data: home.root().join("keyring-data"),
            runtime: home.root().join("keyring-run"),
            daemon: None,
            xvfb: None,
        };
        keyring.start_daemon();
        keyring
    }

    fn start_daemon(&mut self) {
        for dir in [&self.data, &self.runtime] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
                .unwrap();
        }
        let started = self
            .command("sh")
            .args([
                "-c",
                "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null",
            ])
            .status()
            .unwrap_or_else(|e| panic!("cannot start gnome-keyring-daemon ({e}): {HINT}"));
        assert!(started.success(), "gnome-keyring-daemon failed: {HINT}");
        // A write that arrives while the daemon still sets the keyring up asks for a prompt.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.store("spotkey-test-ready", "ready") {
            assert!(
                Instant::now() < deadline,
                "the private keyring never took a write"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        self.daemon = Some(self.daemon_pid());
    }

    /// A command on this bus and keyring, with no display of its own.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.envs(self.env()).env_remove("DISPLAY");
        cmd
    }

    /// What makes a process use this keyring.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone().into()),
            ("XDG_DATA_HOME", self.data.clone().into()),
            ("XDG_RUNTIME_DIR", self.runtime.clone().into()),
        ]
    }

    /// Stores an item the way keyring 3 does (service, username, target=default).
    pub fn store(&self, service: &str, username: &str) -> bool {
        let script = "printf x | timeout 5 secret-tool store --label=spotkey-test \
                      service \"$1\" username \"$2\" target default";
        self.command("sh")
            .args(["-c", script, "sh", service, username])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Locks the login keyring, as a screen lock or a fresh login would.
    pub fn lock(&self) {
        let ok = self
            .dbus_send(&[
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .is_some();
        assert!(ok, "could not lock the private keyring");
    }

    /// From now on the keyring's unlock prompt appears on a (private) screen and waits there
    /// for a person, as on a desktop: the prompter is started by the bus with this DISPLAY.
    pub fn show_prompts_on_a_screen(&mut self) {
        let xvfb = Xvfb::start();
        let display = format!("dict:string:string:DISPLAY,{}", xvfb.display());
        let ok = self
            .dbus_send(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.UpdateActivationEnvironment",
                &display,
            ])
            .is_some();
        assert!(ok, "could not give the bus a DISPLAY");
        self.xvfb = Some(xvfb);
    }

    /// The daemon stops answering (SIGSTOP) but keeps its name on the bus: a hung keyring.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    fn daemon_pid(&self) -> u32 {
        let reply = self
            .dbus_send(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
                "string:org.freedesktop.secrets",
            ])
            .expect("the keyring daemon owns org.freedesktop.secrets");
        reply
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .expect("a process id")
    }

    fn dbus_send(&self, args: &[&str]) -> Option<String> {
        let out = self
            .command("timeout")
            .args(["5", "dbus-send", "--session", "--print-reply"])
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn signal(&self, signal: &str) {
        if let Some(pid) = self.daemon {
            let _ = Command::new("kill")
                .args([signal, &pid.to_string()])
                .status();
        }
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        self.signal("-CONT");
        self.signal("-KILL");
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
