//! What the app gives back when its window closes, so spotkey in the tray (where it lives all
//! day) costs about what a `--hidden` start does: WebKit's network process, and the heap the
//! page's process-side state left free.
use tauri::{Manager, Window, WindowEvent};

use super::window::MAIN_WINDOW;

/// How WebKitGTK names its network process (`/proc/<pid>/comm`, cut at 15 bytes).
#[cfg(target_os = "linux")]
const NETWORK_PROCESS: &str = "WebKitNetworkPr";

/// Called for every window event; acts once the last webview window is destroyed.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Destroyed) || window.label() != MAIN_WINDOW {
        return;
    }
    super::window::closed();
    let others = window.app_handle().webview_windows();
    if others.keys().any(|label| label != MAIN_WINDOW) {
        return;
    }
    release();
}

/// Tauri keeps WebKit's context for the app's lifetime, and WebKit keeps that context's
/// network process running with no page left (20-30 MB). With no page there is nothing it
/// could be doing for us: end it; WebKit starts a new one when the window opens again.
#[cfg(target_os = "linux")]
fn release() {
    let ours = std::process::id();
    for pid in children(ours, NETWORK_PROCESS) {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            continue;
        };
        // SAFETY: kill(2) takes plain integers; `pid` is our own child, which stays ours (a
        // zombie at worst, never reused) until WebKit reaps it.
        if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
            tracing::debug!(pid, "could not end WebKit's network process");
        }
    }
    give_back_free_heap();
}

#[cfg(not(target_os = "linux"))]
fn release() {}

/// Our child processes whose name is `name`, from /proc.
#[cfg(target_os = "linux")]
fn children(parent: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // "pid (comm) state ppid …": comm may hold ')' itself, so split at the last one.
            let Some((head, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let comm = head.split_once('(').map_or("", |(_, c)| c);
            let ppid = rest.split_whitespace().nth(1);
            comm == name && ppid == Some(parent.to_string().as_str())
        })
        .collect()
}

/// glibc keeps freed heap pages mapped; the closed page's are not needed again soon.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_free_heap() {
    // SAFETY: malloc_trim only releases free memory; it is thread-safe in glibc.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(all(target_os = "linux", not(target_env = "gnu")))]
fn give_back_free_heap() {}
