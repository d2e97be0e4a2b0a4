//! `scripts/demo.sh` as a user meets it, for tests: the user's desk (home and XDG dirs, a
//! browser that records the environment it got, their session bus) and the demo script in its
//! own process group, with what it left running.
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Starting the private keyring, the fake and (debug) spotkey on a busy 2-core machine.
pub const START: Duration = Duration::from_secs(90);
/// Ending every process the demo started, with room for a slow machine.
pub const END: Duration = Duration::from_secs(30);

/// The user at their desk: their home and XDG dirs, their browser (which records the
/// environment it was started with, then follows the link and approves), their session bus.
pub struct User {
    dir: tempfile::TempDir,
    bus: String,
}

impl User {
    pub fn new(bus: String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["home", "config", "cache", "data", "state", "run", "tmp"] {
            std::fs::create_dir_all(dir.path().join("desk").join(sub)).unwrap();
        }
        let browser = dir.path().join("browser");
        let script = format!(
            "#!/bin/sh\nenv > '{}'\nexec curl -sSL --max-time 30 -o /dev/null \"$1\"\n",
            dir.path().join("browser.env").display()
        );
        std::fs::write(&browser, script).unwrap();
        std::fs::set_permissions(
            &browser,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        Self { dir, bus }
    }

    pub fn desk(&self, sub: &str) -> PathBuf {
        self.dir.path().join("desk").join(sub)
    }

    /// The user's terminal: nothing inherited from the test run but PATH.
    pub fn env(&self, display: &str) -> Vec<(&'static str, String)> {
        let path = |sub: &str| self.desk(sub).display().to_string();
        vec![
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("HOME", path("home")),
            ("XDG_CONFIG_HOME", path("config")),
            ("XDG_CACHE_HOME", path("cache")),
            ("XDG_DATA_HOME", path("data")),
            ("XDG_STATE_HOME", path("state")),
            ("XDG_RUNTIME_DIR", path("run")),
            ("TMPDIR", path("tmp")),
            ("DISPLAY", display.to_string()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.clone()),
            (
                "BROWSER",
                self.dir.path().join("browser").display().to_string(),
            ),
            // The user's own spotkey settings must not leak into the demo.
            ("SPOTKEY_CLIENT_ID", "the-users-own-client".to_string()),
        ]
    }

    /// Every path under the user's home and XDG dirs (the demo's temp dir excepted).
    pub fn desk_contents(&self) -> BTreeSet<PathBuf> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.desk("")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.starts_with(self.desk("tmp")) {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path.clone());
                }
                seen.insert(path);
            }
        }
        seen
    }

    /// What the user's browser was started with (empty until it ran).
    pub fn browser_env(&self, name: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.dir.path().join("browser.env")).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")).map(String::from))
    }
}

/// How a user ends the demo.
#[derive(Debug, Clone, Copy)]
pub enum Ending {
    /// `kill <script>` (or a service manager stopping it).
    Sigterm,
    /// Ctrl-C in its terminal: SIGINT to its whole process group.
    CtrlC,
}

/// `scripts/demo.sh` on the debug binaries, in its own process group; killed with its group
/// if the test fails before it ended.
pub struct Demo {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    printed: Vec<String>,
}

impl Demo {
    pub fn start(user: &User, display: &str) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_spotkey")).parent().unwrap();
        assert!(
            bin_dir.join("examples/fake_spotify").exists(),
            "build the fake first: cargo build --example fake_spotify (make test does)"
        );
        let mut command = Command::new(root.join("scripts/demo.sh"));
        command
            .env_clear()
            .envs(user.env(display))
            .env("SPOTKEY_DEMO_BIN_DIR", bin_dir)
            // The consent page is the fake's; this browser approves without reading it.
            .env("FAKE_CONSENT", "approve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0);
        // Started the way a script starts a background job: with SIGINT ignored, which a shell
        // cannot trap. Ctrl-C must end the demo all the same.
        // SAFETY: signal(2) only, between fork and exec; it is async-signal-safe.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                eprintln!("demo| {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Demo {
            child,
            lines,
            printed: Vec::new(),
        }
    }

    /// The first printed line for which `pick` says something, within `limit`.
    pub fn wait_for_line<T>(&mut self, limit: Duration, pick: impl Fn(&str) -> Option<T>) -> T {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(found) = self.printed.iter().find_map(|l| pick(l)) {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.printed.push(line),
                Err(_) => panic!("the demo never printed it; it printed {:?}", self.printed),
            }
        }
    }

    /// Asks the demo to end the way `how` says.
    pub fn end(&self, how: Ending) {
        let (pid, group) = (self.child.id().to_string(), format!("-{}", self.child.id()));
        let args = match how {
            Ending::Sigterm => ["-TERM", "--", &pid],
            Ending::CtrlC => ["-INT", "--", &group],
        };
        let ok = Command::new("kill")
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not end the demo with {how:?}");
    }

    /// Waits for the script to end; true if it did within `limit`.
    pub fn ended_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Processes still in the demo's process group.
    pub fn group_left(&self) -> Vec<String> {
        let group = self.child.id().to_string();
        let mut left = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid pgrp …; comm may hold spaces, so split after its ')'.
            let Some((head, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if fields.get(2) == Some(&group.as_str()) && fields.first() != Some(&"Z") {
                left.push(format!("{head})"));
            }
        }
        left
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// Processes whose environment mentions `dir` (what the demo started in its world).
pub fn processes_in(dir: &Path) -> Vec<String> {
    let needle = dir.display().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(environ) = std::fs::read(entry.path().join("environ")) {
            if String::from_utf8_lossy(&environ).contains(&needle) {
                let cmd = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                found.push(String::from_utf8_lossy(&cmd).replace('\0', " "));
            }
        }
    }
    found
}

/// The demo's window is on the (test's) screen.
pub fn wait_for_window(display: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/x11-window-exists.py");
    let deadline = Instant::now() + START;
    loop {
        let seen = Command::new("python3")
            .arg(&script)
            .arg("spotkey")
            .env("DISPLAY", display)
            .status()
            .is_ok_and(|s| s.success());
        if seen {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the demo's window never appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
