//! `make demo` (scripts/demo.sh) as a user meets it: it runs on a machine with or without a
//! Secret Service, signs in through the CLI line it prints with the user's own browser (in the
//! user's own environment), and when it ends it leaves nothing of itself behind: no keychain
//! item, no file in the user's home or XDG dirs, no process, no temp dir.
#![cfg(target_os = "linux")]
mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::cli_user::run_within;
use support::desktop::Xvfb;

/// Starting the private keyring, the fake and (debug) spotkey on a busy 2-core machine.
const START: Duration = Duration::from_secs(90);
/// Ending every process the demo started, with room for a slow machine.
const END: Duration = Duration::from_secs(30);

/// The user at their desk: their home and XDG dirs, their browser (which records the
/// environment it was started with, then follows the link and approves), their session bus.
struct User {
    dir: tempfile::TempDir,
    bus: String,
}

impl User {
    fn new(bus: String) -> Self {
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
        std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        Self { dir, bus }
    }

    fn desk(&self, sub: &str) -> PathBuf {
        self.dir.path().join("desk").join(sub)
    }

    /// The user's terminal: nothing inherited from the test run but PATH.
    fn env(&self, display: &str) -> Vec<(&'static str, String)> {
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
            ("BROWSER", self.dir.path().join("browser").display().to_string()),
            // The user's own spotkey settings must not leak into the demo.
            ("SPOTKEY_CLIENT_ID", "the-users-own-client".to_string()),
        ]
    }

    /// Every path under the user's home and XDG dirs (the demo's temp dir excepted).
    fn desk_contents(&self) -> BTreeSet<PathBuf> {
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
    fn browser_env(&self, name: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.dir.path().join("browser.env")).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")).map(String::from))
    }
}

/// `scripts/demo.sh` on the debug binaries, in its own process group; killed with its group
/// if the test fails before it ended.
struct Demo {
    child: Child,
    lines: mpsc::Receiver<String>,
    printed: Vec<String>,
}

impl Demo {
    fn start(user: &User, display: &str) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_spotkey")).parent().unwrap();
        assert!(
            bin_dir.join("examples/fake_spotify").exists(),
            "build the fake first: cargo build --example fake_spotify (make test does)"
        );
        let mut child = Command::new(root.join("scripts/demo.sh"))
            .env_clear()
            .envs(user.env(display))
            .env("SPOTKEY_DEMO_BIN_DIR", bin_dir)
            // The consent page is the fake's; this browser approves without reading it.
            .env("FAKE_CONSENT", "approve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .unwrap();
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
    fn wait_for_line<T>(&mut self, limit: Duration, pick: impl Fn(&str) -> Option<T>) -> T {
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

    fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not send {signal} to the demo");
    }

    /// Waits for the script to end; true if it did within `limit`.
    fn ended_within(&mut self, limit: Duration) -> bool {
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
    fn group_left(&self) -> Vec<String> {
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
fn processes_in(dir: &Path) -> Vec<String> {
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

/// The outer keyring's items (object paths only, never secrets).
fn outer_keyring_items(search: &[&str]) -> BTreeSet<String> {
    let out = Command::new("secret-tool")
        .args(["search", "--all"])
        .args(search)
        .output()
        .expect("secret-tool (libsecret-tools) is installed by make test");
    let text = String::from_utf8_lossy(&out.stdout).to_string()
        + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter(|l| l.starts_with('['))
        .map(String::from)
        .collect()
}

/// Starts the demo, signs in through its printed CLI line, checks `status`, ends the demo
/// with `signal`, and checks that it left nothing behind in the user's dirs or processes.
fn demo_signs_in_and_leaves_nothing(user: &User, signal: &str) {
    let xvfb = Xvfb::start();
    let desk_before = user.desk_contents();
    let mut demo = Demo::start(user, xvfb.display());
    let cli = demo.wait_for_line(START, |l| {
        l.trim().strip_suffix(" status").map(String::from)
    });
    let demo_home = PathBuf::from(cli.trim_end_matches("/spotkey"));
    assert!(demo_home.starts_with(user.desk("tmp")), "{cli}");

    let in_terminal = |args: &str| {
        let mut cmd = Command::new("bash");
        cmd.env_clear()
            .envs(user.env(xvfb.display()))
            .args(["-c", &format!("{cli} {args}")]);
        run_within(&mut cmd, START).expect("the CLI line finished")
    };
    let login = in_terminal("login");
    assert_eq!(login.code, 0, "login: {}{}", login.stdout, login.stderr);
    let link = demo.wait_for_line(START, |l| {
        l.strip_prefix("If your browser did not open: ").map(String::from)
    });
    assert!(link.contains("/authorize?"), "{link}");
    let status = in_terminal("status");
    assert!(
        status.stdout.contains("Signed in as Fake User"),
        "status: {}{}",
        status.stdout,
        status.stderr
    );
    // The browser had the user's environment, not the demo's.
    for name in ["HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"] {
        let expected = user.env(xvfb.display()).into_iter().find(|(n, _)| *n == name);
        assert_eq!(
            user.browser_env(name),
            expected.map(|(_, v)| v),
            "the browser's {name}"
        );
    }
    wait_for_window(xvfb.display());
    assert!(
        demo.child.try_wait().unwrap().is_none(),
        "the demo ended before it was asked to"
    );

    demo.signal(signal);
    assert!(demo.ended_within(END), "the demo did not end on {signal}");
    assert_eq!(demo.group_left(), Vec::<String>::new(), "demo processes left");
    assert_eq!(processes_in(&demo_home), Vec::<String>::new());
    assert!(!demo_home.exists(), "the demo's temp dir is still there");
    assert_eq!(user.desk_contents(), desk_before, "the user's dirs changed");
}

/// The demo's window is on the (test's) screen.
fn wait_for_window(display: &str) {
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
        assert!(Instant::now() < deadline, "the demo's window never appeared");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_demo_leaves_nothing_in_the_users_keyring_dirs_or_processes() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .expect("run inside scripts/test-env.sh (make test): it provides the user's keyring");
    let everything = ["target", "default"];
    let before = outer_keyring_items(&everything);
    let user = User::new(bus);
    demo_signs_in_and_leaves_nothing(&user, "-TERM");
    assert_eq!(outer_keyring_items(&["service", "spotkey-demo"]), BTreeSet::new());
    assert_eq!(outer_keyring_items(&everything), before, "the user's keyring changed");
}

#[test]
fn the_demo_works_without_a_secret_service_and_ends_on_ctrl_c() {
    let nowhere = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}/no-bus", nowhere.path().display());
    let user = User::new(bus);
    demo_signs_in_and_leaves_nothing(&user, "-INT");
}
