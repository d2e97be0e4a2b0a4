//! Shared test support: a faithful fake of Spotify, scripted users (browser and terminal), and
//! throwaway homes on the real keychain. Each test file uses a subset, hence dead_code.
#![allow(dead_code)]
pub mod api_cli;
pub mod app;
#[cfg(target_os = "linux")]
pub mod bare_desktop;
pub mod cli_user;
#[cfg(target_os = "linux")]
pub mod demo;
#[cfg(target_os = "linux")]
pub mod desktop;
pub mod fake_spotify;
#[cfg(target_os = "linux")]
pub mod footprint;
pub mod home;
pub mod item;
#[cfg(target_os = "linux")]
pub mod keyring;
#[cfg(target_os = "linux")]
pub mod session_bus;
pub mod user;
pub mod wait;
