//! spotkey: connect a Spotify account once and keep it connected. Wiring only: the auth core,
//! the CLI and the desktop shell live in their own modules. The Tauri shell (`gui`) exists only
//! with the `desktop` feature, so the CLI can be built and linked without any GUI library.
pub mod app;
pub mod auth;
pub mod cli;
pub mod countries;
#[cfg(feature = "desktop")]
pub mod gui;
pub mod inert;
pub mod launcher;
pub mod logging;
pub mod own_env;
/// The build script bundles the window's page with it; compiled here only for its tests.
#[cfg(test)]
mod page_bundle;
pub mod time_fmt;
