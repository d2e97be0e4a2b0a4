//! The settings file (`settings.json` in the platform config dir): non-secret choices only.
//! A client secret is never a field here; it goes to the keychain.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::files;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_dialog: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// GUI: start in the tray only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_hidden: Option<bool>,
}

/// The settings file's name in the config dir.
pub const SETTINGS_FILE: &str = "settings.json";

impl Settings {
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join(SETTINGS_FILE)
    }

    /// The choices an account is made from (what the window's own start-up choices are not).
    pub fn account_part(&self) -> Self {
        Self {
            start_hidden: None,
            ..self.clone()
        }
    }

    /// Missing or unusable file → defaults (logged), never a failure to start.
    pub fn load(config_dir: &Path) -> Self {
        files::read_json(&Self::path(config_dir)).unwrap_or_default()
    }

    /// Like `load`, but says why a file that exists was not used (a FIFO, too big, not JSON),
    /// so a command line can tell the user instead of silently using the defaults.
    pub fn try_load(config_dir: &Path) -> Result<Self, files::Unusable> {
        Ok(files::read_json_checked(&Self::path(config_dir))?.unwrap_or_default())
    }

    pub fn save(&self, config_dir: &Path) -> Result<(), AuthError> {
        files::write_json(&Self::path(config_dir), self)
    }
}
