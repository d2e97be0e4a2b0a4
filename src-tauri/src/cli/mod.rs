//! `spotkey login|status|token|logout`: the same account the desktop app uses, for scripts.
//! Errors are one line on stderr and a non-zero exit; nothing here panics on bad input.
pub mod args;
mod completions;
mod json;
mod login;
mod text;

use std::process::ExitCode;
use std::sync::Arc;

use crate::auth::account::sign_out_local;
use crate::auth::vault::Vault;
use crate::auth::{
    Account, AuthError, Config, Env, KeychainStore, Overrides, Paths, Settings, Status, REVOKE_HINT,
};
pub use args::{Cli, Command};

/// Exit codes (documented in the README): 0 success / signed in; 1 signed out; 2 error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_SIGNED_OUT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start: {e}")),
    };
    ExitCode::from(runtime.block_on(dispatch(command)))
}

async fn dispatch(command: Command) -> u8 {
    match command {
        Command::Login(args) => login::run(args).await,
        Command::Status { json } => status(json).await,
        Command::Token => token().await,
        Command::Logout { forget_app } => logout(forget_app).await,
        Command::Completions { shell } => completions::print(shell),
    }
}

pub(crate) fn open_account(overrides: &Overrides) -> Result<Account, AuthError> {
    let paths = Paths::from_platform()?;
    let settings = Settings::load(&paths.config_dir);
    let config = Config::resolve(overrides, &Env::from_process(), &settings)?;
    let store = Arc::new(KeychainStore::new(config.keychain_service.clone()));
    Account::new(config, paths, store)
}

fn keychain_service() -> String {
    Env::from_process().keychain_service_name()
}

async fn status(as_json: bool) -> u8 {
    let result = match open_account(&Overrides::default()) {
        Ok(account) => account.status().await,
        Err(e) => Err(e),
    };
    let code = match &result {
        Ok(Status::SignedIn(_)) => EXIT_OK,
        Ok(Status::SignedOut { .. }) | Err(AuthError::MissingClientId) => EXIT_SIGNED_OUT,
        Err(_) => EXIT_ERROR,
    };
    if as_json {
        println!("{}", json::status(&result));
    } else {
        match &result {
            Ok(status) => print!("{}", text::status(status)),
            Err(AuthError::MissingClientId) => {
                println!("Not set up. {}", AuthError::MissingClientId)
            }
            Err(e) => eprintln!("spotkey: {e}"),
        }
    }
    code
}

async fn token() -> u8 {
    let account = match open_account(&Overrides::default()) {
        Ok(a) => a,
        Err(e) => return report(&e),
    };
    match account.access_token().await {
        Ok(token) => {
            println!("{}", token.expose_secret());
            EXIT_OK
        }
        Err(e) => report(&e),
    }
}

async fn logout(forget_app: bool) -> u8 {
    let paths = match Paths::from_platform() {
        Ok(p) => p,
        Err(e) => return report(&e),
    };
    let service = keychain_service();
    let vault = Vault::new(Arc::new(KeychainStore::new(service.clone())));
    if let Err(e) = sign_out_local(&paths, &service, &vault).await {
        return report(&e);
    }
    if forget_app {
        if let Err(e) = crate::auth::credentials::forget(&paths, &vault).await {
            return report(&e);
        }
    }
    eprintln!("Signed out: the grant and cached profile were deleted from this computer.");
    eprintln!("{REVOKE_HINT}");
    EXIT_OK
}

/// One line on stderr; exit 1 for "not signed in" (scripts branch on it), else 2.
pub(crate) fn report(e: &AuthError) -> u8 {
    eprintln!("spotkey: {e}");
    match e {
        AuthError::NotSignedIn | AuthError::ConnectionEnded | AuthError::MissingClientId => {
            EXIT_SIGNED_OUT
        }
        _ => EXIT_ERROR,
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("spotkey: {message}");
    ExitCode::from(EXIT_ERROR)
}
