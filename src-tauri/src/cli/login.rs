//! `spotkey login`: resolve the configuration, optionally save it, then run the core sign-in
//! with the system browser, printing the link so it also works over SSH or with no browser.
use std::future::Future;
use std::io::Read;
use std::time::Duration;

use super::args::LoginArgs;
use super::{open_account, report, text, EXIT_OK};
use crate::auth::credentials::{self, SecretChange};
use crate::auth::secret::ClientSecret;
use crate::auth::{
    Account, AuthError, Browser, CancelHandle, NoBrowser, Overrides, SignInObserver, SignInOutcome,
    SystemBrowser,
};
use crate::inert::{self, DESCRIPTION};

/// Tells the person at the terminal what is happening, in words that match what spotkey does.
struct Terminal {
    /// `--no-browser`: nothing is opened, the person opens the link.
    opens_browser: bool,
    /// Where the grant went, for the answer.
    keychain: String,
}

impl SignInObserver for Terminal {
    fn url_ready(&self, url: &str) {
        // The URL is spotkey's own, built and percent-encoded by `url`: printed exactly.
        let lead = if self.opens_browser {
            "Opening Spotify in your browser. If it does not open, visit this link:"
        } else {
            "Open this link in your browser to sign in with Spotify:"
        };
        eprintln!("{lead}\n\n  {url}\n\nWaiting for you to approve spotkey…");
    }

    fn browser_failed(&self, error: &str) {
        let error = inert::line(error, DESCRIPTION);
        eprintln!("(Could not open a browser: {error}. Open the link above by hand.)");
    }

    /// The answer as soon as the grant is stored: the cached files are written after it.
    fn signed_in(&self, outcome: &SignInOutcome) {
        let who = outcome
            .profile
            .as_ref()
            .map(text::who)
            .unwrap_or_else(|| "your Spotify account".into());
        println!("Signed in as {who}.");
        eprintln!(
            "Scopes: {}. The grant is stored in the system keychain ({}).",
            text::scopes(&outcome.scopes),
            inert::line(&self.keychain, DESCRIPTION)
        );
        // Scripts reading stdout get the line now, not at exit.
        let _ = std::io::Write::flush(&mut std::io::stdout());
    }
}

pub async fn run(args: LoginArgs) -> u8 {
    match login(args).await {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

async fn login(args: LoginArgs) -> Result<u8, AuthError> {
    let overrides = overrides(&args)?;
    let account = open_account(&overrides)?;
    if args.save {
        save(&account, &overrides).await?;
    }
    let browser: &dyn Browser = if args.no_browser {
        &NoBrowser
    } else {
        &SystemBrowser
    };
    let cancel = CancelHandle::new();
    let terminal = Terminal {
        opens_browser: !args.no_browser,
        keychain: account.vault().describe(),
    };
    let sign_in = account.sign_in(browser, &terminal, &cancel);
    until_interrupted(sign_in, &cancel).await?;
    Ok(EXIT_OK)
}

/// Ctrl-C cancels the sign-in instead of killing the process, so the sign-in cleans up after
/// itself (the keychain probe entry, the listener) before spotkey exits with 130. Every step
/// it still takes has its own deadline; a second Ctrl-C stops waiting for them.
async fn until_interrupted<T>(
    sign_in: impl Future<Output = Result<T, AuthError>>,
    cancel: &CancelHandle,
) -> Result<T, AuthError> {
    tokio::pin!(sign_in);
    // Polled first, so the handler is installed before the sign-in prints its link.
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    tokio::select! {
        biased;
        // No handler could be installed: Ctrl-C keeps its default meaning.
        signal = &mut interrupted => if signal.is_err() { return sign_in.await },
        result = &mut sign_in => return result,
    }
    cancel.cancel();
    tokio::select! {
        result = &mut sign_in => result.map_err(|_| AuthError::Cancelled),
        _ = tokio::signal::ctrl_c() => Err(AuthError::Cancelled),
    }
}

fn overrides(args: &LoginArgs) -> Result<Overrides, AuthError> {
    let client_secret = if args.client_secret_stdin {
        Some(read_secret_from_stdin()?)
    } else {
        None
    };
    Ok(Overrides {
        client_id: args.client_id.clone(),
        client_secret,
        scopes: args.scopes.clone(),
        show_dialog: args.show_dialog.then_some(true),
        port: args.port,
        timeout: args.timeout.map(Duration::from_secs),
    })
}

/// A secret on the command line would show in `ps` and shell history, so it comes on stdin.
fn read_secret_from_stdin() -> Result<ClientSecret, AuthError> {
    let mut raw = zeroize::Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut raw).map_err(|e| {
        AuthError::InvalidConfig(format!(
            "could not read the client secret from standard input ({e})"
        ))
    })?;
    let secret = raw.trim();
    if secret.is_empty() {
        return Err(AuthError::InvalidConfig(
            "--client-secret-stdin was given but standard input was empty".into(),
        ));
    }
    Ok(ClientSecret::new(secret))
}

/// `--save`: non-secret choices to the settings file; the secret to the keychain only, by the
/// same rule as the desktop settings screen (a new client ID drops the old one's secret).
async fn save(account: &Account, overrides: &Overrides) -> Result<(), AuthError> {
    let config = account.config();
    let paths = crate::auth::Paths::from_platform()?;
    let secret = match &overrides.client_secret {
        Some(secret) => SecretChange::Replace(secret.clone()),
        None => SecretChange::Keep,
    };
    credentials::save_with(
        &paths,
        account.vault(),
        &config.client_id,
        secret,
        |settings| {
            if !overrides.scopes.is_empty() {
                settings.scopes = Some(config.scopes.as_slice().to_vec());
            }
            if overrides.port.is_some() {
                settings.port = config.port;
            }
            if overrides.show_dialog.is_some() {
                settings.show_dialog = Some(config.show_dialog);
            }
        },
    )
    .await
}
