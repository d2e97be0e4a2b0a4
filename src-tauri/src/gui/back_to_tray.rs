//! After the window closes, spotkey goes back to costing what a start in the tray costs. Once a
//! window was open, WebKit and GTK keep what they set up for it in this process for good (its
//! web context, a thread that polls memory pressure every 5 s, caches): ~30 MB and ~25 wake-ups
//! a minute that a `--hidden` start never has. So, when the controller is quiet (nothing
//! pending, nothing half done, nothing on show that only memory holds), the process replaces
//! itself with `spotkey-desktop --hidden`: same PID, same keychain and files, a fresh tray
//! icon. While something is in flight it waits for that to end first; if the window opens
//! again meanwhile, it stays as it is.
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Manager};
use tokio::sync::Notify;

use super::window;
use crate::app::Controller;

/// What the fresh process is started with: in the tray, and without the start-up profile
/// read the window's process already did.
pub const RESTARTED_FLAG: &str = "--restarted";

/// One waiter for the whole process, started at the first close.
static WAITING: AtomicBool = AtomicBool::new(false);
/// A close since the waiter last looked.
static CLOSED: Notify = Notify::const_new();
/// Set when replacing the process failed once: it is not tried again.
static GAVE_UP: AtomicBool = AtomicBool::new(false);

/// Called when the window has closed and spotkey stays in the tray.
pub fn window_closed(app: &AppHandle) {
    if !cfg!(target_os = "linux") {
        return;
    }
    CLOSED.notify_one();
    if WAITING.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(controller) = app.try_state::<Controller>().map(|c| c.inner().clone()) else {
            return;
        };
        loop {
            tokio::select! {
                () = CLOSED.notified() => {}
                () = controller.settled() => {}
            }
            if GAVE_UP.load(Ordering::SeqCst) {
                return;
            }
            // On the main thread, after the close has been processed there.
            let on_main = app.clone();
            if let Err(e) = app.run_on_main_thread(move || try_now(&on_main)) {
                tracing::debug!(error = %e, "the app is ending");
                return;
            }
        }
    });
}

/// Replaces the process if the window is closed and the controller quiet; otherwise returns.
fn try_now(app: &AppHandle) {
    let Some(controller) = app.try_state::<Controller>() else {
        return;
    };
    let failed = controller.while_quiet(|| {
        // Checked under the controller's lock, on the main thread where windows are built.
        if window::is_open() {
            return None;
        }
        tracing::info!("window closed and nothing in flight: starting again in the tray");
        Some(restart::in_the_tray())
    });
    if let Some(e) = failed.flatten() {
        GAVE_UP.store(true, Ordering::SeqCst);
        tracing::warn!(error = %e, "could not start again in the tray; staying as is");
    }
}

#[cfg(target_os = "linux")]
mod restart {
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    /// Executes this program again in place of this process (same PID); returns only on error.
    pub fn in_the_tray() -> std::io::Error {
        let program = std::env::args_os()
            .next()
            .unwrap_or_else(|| "spotkey-desktop".into());
        close_on_exec_from(3);
        // By its path, so `ps` and the tests still see its name; if a package upgrade removed
        // that file meanwhile, the running executable itself (the kernel names it "exe").
        let executable = std::env::current_exe()
            .ok()
            .filter(|path| path.exists())
            .unwrap_or_else(|| "/proc/self/exe".into());
        // It sets its own environment again, as this start did.
        crate::own_env::as_given(&mut Command::new(executable))
            .arg0(program)
            .args([super::super::HIDDEN_FLAG, super::RESTARTED_FLAG])
            .exec()
    }

    /// Descriptors that the toolkit's libraries opened without close-on-exec (sockets, the
    /// display) must not leak into the new process: it would keep them open for good.
    fn close_on_exec_from(first: libc::c_uint) {
        const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;
        // SAFETY: close_range(2) only changes flags of this process's own descriptors.
        let done = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                first,
                libc::c_uint::MAX,
                CLOSE_RANGE_CLOEXEC,
            )
        } == 0;
        if done {
            return;
        }
        // Kernels before 5.11: one descriptor at a time.
        let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
            return;
        };
        let fds: Vec<libc::c_int> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .filter(|fd| u32::try_from(*fd).is_ok_and(|fd| fd >= first))
            .collect();
        for fd in fds {
            // SAFETY: fcntl(2) on a descriptor number; an already closed one fails harmlessly.
            unsafe {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod restart {
    /// Elsewhere the process stays as it is.
    pub fn in_the_tray() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::Unsupported)
    }
}
