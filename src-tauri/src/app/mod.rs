//! The desktop app's behaviour with no GUI toolkit in it: status for the window and tray,
//! sign-in in the background, settings, the refresh timer, following what other spotkey
//! processes change. gui/ adapts it to Tauri; tests
//! drive it directly with the real keychain and the fake Spotify.
#[cfg(target_os = "linux")]
mod cache_watch;
mod controller;
pub mod dto;
mod follow;
mod following;
mod keychain_guard;
mod pending;
mod problem;
mod quiet;
mod refresher;
mod scope_info;
mod settings_ops;
mod signing_in;
pub mod sink;
mod status_view;
pub mod tray_host;
pub mod tray_menu;

pub use controller::Controller;
pub use dto::{AppStatus, Connection, ErrorDto, SettingsDto};
pub use refresher::TrayOutcome;
pub use sink::StatusSink;
pub use tray_menu::{TrayAction, TrayIconKind, TrayView};
