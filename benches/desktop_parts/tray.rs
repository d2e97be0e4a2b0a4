//! spotkey in the tray, where it lives all day: after its window was closed (as a window
//! manager's close button does), and started with `--hidden` (never opened a window).
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::desktop::Desktop;
use crate::support::footprint::{app_only, spawn};

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
    while app_only(app.processes())
        .iter()
        .any(|(_, n)| n == WEB_PROCESS)
    {
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
