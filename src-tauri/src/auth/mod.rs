//! THE CORE: Spotify sign-in (Authorization Code + PKCE or client secret) over a loopback
//! redirect, the grant in the OS keychain, and always-fresh access tokens. Pure Rust: this
//! module never depends on the GUI toolkit (a test greps for it), so the CLI, the desktop app
//! and the tests all drive the very same code.
pub mod account;
pub(crate) mod backoff;
pub mod browser;
pub mod cache;
mod callback_page;
pub mod config;
pub mod credentials;
pub mod error;
pub mod expiry;
mod files;
pub(crate) mod http;
mod keychain_errors;
mod lock;
pub mod loopback;
pub mod pkce;
pub mod profile;
pub mod request;
pub mod scopes;
pub mod secret;
pub mod session;
pub mod settings;
pub mod sign_in;
pub mod store;
pub mod token;
pub mod vault;

pub use account::{Account, SignedIn, Status, REVOKE_HINT};
pub use browser::{Browser, NoBrowser, SystemBrowser};
pub use config::{Config, Endpoints, Env, Overrides, Paths};
pub use error::{AuthError, KeychainError};
pub use files::Unusable;
pub use loopback::CancelHandle;
pub use settings::Settings;
pub use sign_in::{SignInObserver, SignInOutcome};
pub use store::{CredentialStore, KeychainStore, MemoryStore};
