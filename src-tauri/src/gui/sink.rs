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
        tray::show(&self.app, &tray_menu::view(status));
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
