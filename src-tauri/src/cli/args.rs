//! The command line, as clap sees it. `spotkey` alone opens the desktop app.
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "spotkey",
    version,
    about = "Connect your Spotify account once; get a fresh access token whenever you need one."
)]
pub struct Cli {
    /// Start in the system tray without opening the window.
    #[arg(long)]
    pub hidden: bool,
    /// Set by the desktop app when it starts itself again in the tray after its window closed.
    #[arg(long, hide = true, requires = "hidden")]
    pub restarted: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign in with Spotify in your browser and store the grant in the system keychain.
    Login(LoginArgs),
    /// Show who is signed in (exit 0), signed out (exit 1) or an error (exit 2).
    Status {
        /// Print machine-readable JSON (stable; see the README).
        #[arg(long)]
        json: bool,
    },
    /// Print a valid access token, refreshing it first if needed (for scripts).
    Token {
        /// The Web API answered 401 to the current token: refresh it now, unless it was
        /// issued within the last minute (another script already did).
        #[arg(long)]
        fresh: bool,
    },
    /// Sign out: delete the stored grant and cached profile.
    Logout {
        /// Also forget the app's client ID (settings) and client secret (keychain).
        #[arg(long)]
        forget_app: bool,
    },
    /// Call the Spotify Web API with your token, like `gh api`: refreshes after a 401, waits
    /// out short rate limits, follows pages with --paginate.
    Api(crate::cli::api::ApiCall),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug, Default)]
pub struct LoginArgs {
    /// Don't open a browser; only print the sign-in link.
    #[arg(long)]
    pub no_browser: bool,
    /// Scope to request (repeatable, or space/comma separated). Default: user-read-private user-read-email.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Ask Spotify to show the consent dialog even if you approved before.
    #[arg(long)]
    pub show_dialog: bool,
    /// Give up waiting for the browser after this many seconds (default 300).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Listen on this loopback port instead of one the OS picks.
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// Your Spotify app's client ID (overrides SPOTKEY_CLIENT_ID and the settings file).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read the app's client secret from standard input (confidential flow instead of PKCE).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Remember the client ID, scopes, port and show-dialog choice in the settings file, and the
    /// client secret in the keychain.
    #[arg(long)]
    pub save: bool,
}
