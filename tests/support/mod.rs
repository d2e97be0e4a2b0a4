//! Shared test support: a faithful fake of Spotify, scripted users (browser and terminal), and
//! throwaway homes on the real keychain. Each test file uses a subset, hence dead_code.
#![allow(dead_code)]
pub mod cli_user;
pub mod fake_spotify;
pub mod home;
pub mod user;
