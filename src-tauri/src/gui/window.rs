//! The one window. Built anew each time it is opened and destroyed when closed, so a spotkey
//! living in the tray does not keep a webview in memory (PLATFORM.md: ~266 MB vs ~88 MB).
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

pub const MAIN_WINDOW: &str = "main";

pub fn open(app: &AppHandle) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.unminimize()?;
        window.show()?;
        return window.set_focus();
    }
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title("spotkey")
        .inner_size(480.0, 680.0)
        .min_inner_size(380.0, 520.0)
        .build()?;
    Ok(())
}
