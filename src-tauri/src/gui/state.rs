//! What the shell keeps between commands: the account (or why there is none).
use std::sync::Arc;

use crate::auth::{Account, AuthError, Config, Env, KeychainStore, Overrides, Paths, Settings};

pub struct AppState {
    pub account: Result<Account, AuthError>,
}

impl AppState {
    pub fn load() -> Self {
        Self { account: open() }
    }
}

fn open() -> Result<Account, AuthError> {
    let paths = Paths::from_platform()?;
    let settings = Settings::load(&paths.config_dir);
    let config = Config::resolve(&Overrides::default(), &Env::from_process(), &settings)?;
    let store = Arc::new(KeychainStore::new(config.keychain_service.clone()));
    Account::new(config, paths, store)
}
