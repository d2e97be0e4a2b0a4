//! Where status changes go in the desktop app: the window (a `status` event), the tray (icon,
//! tooltip, menu) and desktop notifications.
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt as _;

use super::tray;
use crate::app::{tray_menu, AppStatus, StatusSink};

pub struct TauriSink {
    pub app: AppHandle,
}

impl StatusSink for TauriSink {
    fn status_changed(&self, status: &AppStatus) {
        if let Err(e) = self.app.emit("status", status) {
            tracing::debug!(error = %e, "status event not delivered");
        }
        // On the main thread, where the tray is built too (late, at a start with the window):
        // an update either finds the tray or comes before it, and the tray is then built from
        // the newest status.
        let (app, view) = (self.app.clone(), tray_menu::view(status));
        if let Err(e) = self.app.run_on_main_thread(move || tray::show(&app, &view)) {
            tracing::debug!(error = %e, "tray not updated");
        }
    }

    fn notify(&self, title: &str, body: &str) {
        // Without a notification service (minimal desktops, CI) this fails; the window and
        // tray still show the same news.
        if let Err(e) = self
            .app
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            tracing::debug!(error = %e, "desktop notification not shown");
        }
    }
}
