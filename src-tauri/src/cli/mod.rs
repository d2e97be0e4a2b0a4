//! `spotkey login|status|token|logout|api`: the same account the desktop app uses, for scripts.
//! Errors are one line on stderr and a non-zero exit; nothing here panics on bad input.
pub mod api;
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
use crate::inert;
pub use args::{Cli, Command};

/// Exit codes (documented in the README): 0 success / signed in; 1 signed out; 2 error;
/// 130 a sign-in interrupted with Ctrl-C (the shell's convention for SIGINT).
pub const EXIT_OK: u8 = 0;
pub const EXIT_SIGNED_OUT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn run(command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start: {e}")),
    };
    let code = runtime.block_on(dispatch(command));
    // Every answer is printed by now. A keychain call that never returns (an unlock prompt
    // nobody answers) may still occupy a blocking thread after its deadline, and dropping the
    // runtime would wait for that thread forever: leave it behind instead, and let the process
    // exit end it. (Flushing first, so `$(spotkey token)` gets every byte.)
    let _ = std::io::Write::flush(&mut std::io::stdout());
    runtime.shutdown_background();
    ExitCode::from(code)
}

async fn dispatch(command: Command) -> u8 {
    match command {
        Command::Login(args) => login::run(args).await,
        Command::Status { json } => status(json).await,
        Command::Token { fresh } => token(fresh).await,
        Command::Logout { forget_app } => logout(forget_app).await,
        Command::Completions { shell } => completions::print(shell),
        Command::Api(args) => api::run(args).await,
    }
}

pub(crate) fn open_account(overrides: &Overrides) -> Result<Account, AuthError> {
    let paths = Paths::from_platform()?;
    // An unusable settings file (a FIFO, huge, not JSON) is named, then left alone: flags and
    // the environment may still be all a command needs.
    let settings = Settings::try_load(&paths.config_dir).unwrap_or_else(|unusable| {
        eprintln!(
            "spotkey: ignoring the settings file: {}; remove or fix it.",
            inert::line(&unusable.to_string(), inert::SENTENCE)
        );
        Settings::default()
    });
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
            // Not a status line a script could parse: a problem to fix, so stderr.
            Err(AuthError::MissingClientId) => {
                eprintln!("Not set up. {}", AuthError::MissingClientId)
            }
            Err(e) => say_error(e),
        }
    }
    code
}

async fn token(fresh: bool) -> u8 {
    let account = match open_account(&Overrides::default()) {
        Ok(a) => a,
        Err(e) => return report(&e),
    };
    let result = if fresh {
        account.fresh_access_token().await
    } else {
        account.access_token().await
    };
    match result {
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
    let signed_out = match sign_out_local(&paths, &service, &vault).await {
        Ok(done) => done,
        Err(e) => return report(&e),
    };
    if let Some(e) = signed_out.without_lock {
        eprintln!(
            "spotkey: note: signed out without the refresh lock ({})",
            inert::line(&e.to_string(), inert::SENTENCE)
        );
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
    say_error(e);
    match e {
        AuthError::NotSignedIn | AuthError::ConnectionEnded | AuthError::MissingClientId => {
            EXIT_SIGNED_OUT
        }
        AuthError::Cancelled => EXIT_INTERRUPTED,
        _ => EXIT_ERROR,
    }
}

/// The error's sentence on one line of stderr. The sentence already makes the outside values
/// in it inert; this pass holds for every sentence, including ones added later.
fn say_error(e: &impl std::fmt::Display) {
    eprintln!("spotkey: {}", inert::line(&e.to_string(), inert::SENTENCE));
}

fn fail(message: &str) -> ExitCode {
    say_error(&message);
    ExitCode::from(EXIT_ERROR)
}
