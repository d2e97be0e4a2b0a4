//! spotkey in the tray, where it lives all day: after its window was closed (as a window
//! manager's close button does), and started with `--hidden` (never opened a window).
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::measure::{app_only, tree};
use crate::support::desktop::{Desktop, Xvfb};

pub type Env = [(&'static str, OsString)];
/// Memory settles (WebKit's processes start and go, caches fill) for this long before a sample.
pub const SETTLE: Duration = Duration::from_secs(3);
const WAIT: Duration = Duration::from_secs(20);
const WEB_PROCESS: &str = "WebKitWebProces";

/// spotkey launched with its window showing the account, then the window closed: returns once
/// the window is off screen and its web process has ended.
pub async fn launch_and_close(env: &Env) -> Result<Desktop, String> {
    let app = Desktop::launch(env.iter().cloned(), &[]).await;
    app.wait_for_text("#display-name", "Fake User", Duration::from_secs(30))
        .await;
    tokio::time::sleep(SETTLE).await;
    close_window(app.display())?;
    let deadline = Instant::now() + WAIT;
    while app_only(app.processes()).iter().any(|(_, n)| n == WEB_PROCESS) {
        if Instant::now() > deadline {
            return Err(format!("the web process outlived the window by {WAIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(app)
}

/// The window's close button: `scripts/x11-close-window.py` returns once it is off screen.
fn close_window(display: &str) -> Result<(), String> {
    let closer = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/x11-close-window.py");
    let status = Command::new(closer)
        .args(["spotkey", "20"])
        .env("DISPLAY", display)
        .status()
        .map_err(|e| format!("cannot run {closer}: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("could not close the window ({status})")),
    }
}

/// A second launch brings the window back: the time until it is on screen again.
pub fn reopen(app: &Desktop, env: &Env) -> Result<Duration, String> {
    let program = env!("CARGO_BIN_EXE_spotkey-desktop");
    let exists = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/x11-window-exists.py");
    let started = Instant::now();
    let mut second = spawn(Path::new(program), app.display(), env, &[])?;
    let on_screen = || {
        Command::new(exists)
            .arg("spotkey")
            .env("DISPLAY", app.display())
            .status()
            .is_ok_and(|s| s.success())
    };
    while !on_screen() {
        if started.elapsed() > WAIT {
            let _ = second.kill();
            return Err(format!("the window did not come back in {WAIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    // The second launch hands over to the first and exits by itself.
    let _ = second.wait();
    Ok(took)
}

/// `spotkey-desktop --hidden` on its own display: tray only, no window was ever opened.
pub struct Hidden {
    child: Child,
    _xvfb: Xvfb,
}

impl Hidden {
    pub async fn start(env: &Env) -> Result<Hidden, String> {
        let xvfb = Xvfb::start();
        let program = Path::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
        let child = spawn(program, xvfb.display(), env, &["--hidden"])?;
        tokio::time::sleep(SETTLE * 2).await;
        Ok(Hidden { child, _xvfb: xvfb })
    }

    pub fn processes(&self) -> Vec<(u32, String)> {
        app_only(tree(self.child.id()))
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(program: &Path, display: &str, env: &Env, args: &[&str]) -> Result<Child, String> {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SPOTKEY_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args)
        .env_remove("WAYLAND_DISPLAY")
        .env("DISPLAY", display)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))
}
