//! How the controller tells the outside world about changes: the desktop shell turns these
//! into a webview event, a tray update and desktop notifications; tests record them.
use super::dto::AppStatus;

pub trait StatusSink: Send + Sync {
    /// Called with every status that differs from the last one sent.
    fn status_changed(&self, status: &AppStatus);
    /// A desktop notification (connected, connection lost).
    fn notify(&self, title: &str, body: &str);
}
