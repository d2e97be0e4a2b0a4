//! Windows and macOS always have a tray (the notification area, the menu bar).
use std::time::Duration;

pub struct TrayHostWatch;

impl TrayHostWatch {
    pub fn start() -> Self {
        Self
    }

    pub fn present(&self) -> bool {
        true
    }

    /// The tray never goes here.
    pub fn wait_until_gone(&self) {
        loop {
            std::thread::park();
        }
    }

    pub fn wait_for_host(&self, _grace: Duration) -> bool {
        true
    }
}
