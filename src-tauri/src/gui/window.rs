//! The one window. Built anew each time it is opened and destroyed when closed, so a spotkey
//! living in the tray does not keep a webview in memory (`after_close` gives back the rest).
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

use crate::app::Controller;

pub const MAIN_WINDOW: &str = "main";

/// Puts back the font lists the page saved on an earlier start, before its first style pass.
/// Injected rather than loaded by index.html: a script there would hold up the parse until the
/// main thread served it.
const SAVED_FONT_LISTS: &str = include_str!("../../../ui/early.js");

/// Whether the window exists, from the moment it is asked for until it is destroyed. Owned
/// here rather than read from Tauri's window list, which drops a closing window at a moment
/// of its own: a restart in the tray (back_to_tray.rs) must know for sure.
static OPEN: AtomicBool = AtomicBool::new(false);

pub fn is_open() -> bool {
    OPEN.load(Ordering::SeqCst)
}

/// Called once the window has been destroyed.
pub fn closed() {
    OPEN.store(false, Ordering::SeqCst);
}

pub fn open(app: &AppHandle) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.unminimize()?;
        window.show()?;
        return window.set_focus();
    }
    let mut builder =
        WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
            .title("spotkey")
            .inner_size(480.0, 680.0)
            .min_inner_size(380.0, 520.0);
    builder = builder.initialization_script(SAVED_FONT_LISTS);
    if let Some(script) = initial_status_script(app) {
        builder = builder.initialization_script(script);
    }
    OPEN.store(true, Ordering::SeqCst);
    tracing::debug!("start-up (or a reopen): building the window");
    match builder.build() {
        Ok(window) => paint_without_compositing(&window),
        Err(e) => {
            OPEN.store(false, Ordering::SeqCst);
            return Err(e);
        }
    }
    Ok(())
}

/// The same choice as `paint_without_compositing`, made before the web view exists: WebKit's
/// own variable, inherited by its web process, which then starts without setting up GL at all.
/// Set only through the web view's settings, the choice came after the web process had
/// started with compositing on, and the window's navigation started ~30 ms later (the page
/// harness, 15 starts each). The settings
/// call stays: it is the API, and it applies even if WebKit stops reading this variable.
/// Call while the process has one thread.
pub fn paint_without_compositing_from_the_start() {
    if cfg!(target_os = "linux") {
        crate::own_env::set_unless_given("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// By default WebKitGTK paints the page in composited layers through Skia's GPU path. Where
/// that GPU is software GL (no GPU: virtual machines, remote desktops, the test machines) it
/// cost the web process ~40 MiB more than a hello-world page, and the first paint waited for
/// its shaders to compile. This page is small and still (no 3D, video or WebGL), so painted
/// on the CPU it looks the same on every machine. Applied as soon as the web view exists, while
/// its first page loads. (A page that composites nothing paints no frame while nothing
/// changes; WebDriver screenshots wait for one, see the tests' `Desktop::screenshot`.)
#[cfg(target_os = "linux")]
fn paint_without_compositing(window: &tauri::WebviewWindow) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
    let applied = window.with_webview(|webview| {
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        tracing::debug!(error = %e, "the window paints with compositing");
    }
}

#[cfg(not(target_os = "linux"))]
fn paint_without_compositing(_window: &tauri::WebviewWindow) {}

/// The page paints the account from the status Rust already has, with no IPC round trip
/// first (~100 ms at start); `status` and events then keep it current. A status DTO holds no
/// secret, so it may sit in the page.
fn initial_status_script(app: &AppHandle) -> Option<String> {
    let controller = app.try_state::<Controller>()?;
    // At start nothing was sent yet: the cached profile and session summary (no keychain).
    let status = controller
        .last_status()
        .unwrap_or_else(|| controller.cached_status());
    let json = serde_json::to_string(&status).ok()?;
    Some(format!("window.__SPOTKEY_STATUS__ = {json};"))
}
