//! spotkey: connect a Spotify account once and keep it connected. Wiring only: the auth core,
//! the CLI and the desktop shell live in their own modules.
pub mod app;
pub mod auth;
pub mod cli;
pub mod gui;
pub mod inert;
pub mod logging;
pub mod time_fmt;
