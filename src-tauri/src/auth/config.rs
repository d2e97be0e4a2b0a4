//! Where spotkey talks to and as whom: endpoints, client identity, scopes and sign-in options,
//! resolved from flags > environment > settings file > defaults. No secrets are read from or
//! written to the settings file (the client secret lives in the keychain).
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::error::AuthError;
use super::scopes::Scopes;
use super::secret::ClientSecret;
use super::settings::Settings;

pub const DEFAULT_ACCOUNTS_URL: &str = "https://accounts.spotify.com";
pub const DEFAULT_API_URL: &str = "https://api.spotify.com/v1";
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest a sign-in may wait for the browser (as `login --timeout` allows); a larger
/// `SPOTKEY_SIGN_IN_TIMEOUT` is clamped to it, so no deadline arithmetic can overflow.
pub const MAX_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(3600);
/// Keychain "service" under which every spotkey entry is stored.
pub const DEFAULT_KEYCHAIN_SERVICE: &str = "spotkey";

/// Base URLs of Spotify's accounts service and Web API. Data, not literals in the flow, so the
/// whole flow runs against a fake on 127.0.0.1 in tests and `make demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub accounts: Url,
    pub api: Url,
}

impl Endpoints {
    pub fn new(accounts: &str, api: &str) -> Result<Self, AuthError> {
        Ok(Self {
            accounts: parse_base(accounts, "SPOTKEY_ACCOUNTS_URL")?,
            api: parse_base(api, "SPOTKEY_API_URL")?,
        })
    }

    pub fn spotify() -> Self {
        Self::new(DEFAULT_ACCOUNTS_URL, DEFAULT_API_URL).expect("built-in URLs are valid")
    }

    pub fn authorize(&self) -> Url {
        join(&self.accounts, &["authorize"])
    }

    pub fn token(&self) -> Url {
        join(&self.accounts, &["api", "token"])
    }

    pub fn me(&self) -> Url {
        join(&self.api, &["me"])
    }
}

/// An endpoint must be https: the code, the client secret and tokens travel to it. Plain http
/// is allowed only to a loopback IP literal (127.0.0.0/8, [::1]) for tests and the demo; the
/// name `localhost` is refused, since a resolver or hosts file may send it elsewhere.
fn parse_base(raw: &str, name: &str) -> Result<Url, AuthError> {
    let url = Url::parse(raw)
        .map_err(|e| AuthError::InvalidConfig(format!("{name} is not a valid URL ({e})")))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "https" | "http") {
        return Err(AuthError::InvalidConfig(format!(
            "{name} must be an https:// URL"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AuthError::InvalidConfig(format!(
            "{name} must not contain a user name or password"
        )));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    };
    if url.scheme() == "http" && !loopback {
        return Err(AuthError::InvalidConfig(format!("{name} must be an https:// URL (plain http is allowed only for a loopback address such as http://127.0.0.1:8080, not for {})", url.host_str().unwrap_or("this host"))));
    }
    Ok(url)
}

/// Appends path segments to a base URL (unlike `Url::join`, keeps the base's last segment).
fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// A Spotify app's client ID: 32 hex characters on the dashboard; we only insist on a sane token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        let id = raw.trim();
        let ok = !id.is_empty()
            && id.len() <= 128
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(id.to_string()))
        } else {
            Err(AuthError::InvalidConfig("the client ID must be the one shown on your app's Spotify dashboard page (letters, digits, '-' or '_'; at most 128)".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Everything the sign-in and refresh need to know, after resolution.
#[derive(Debug, Clone)]
pub struct Config {
    pub client_id: ClientId,
    /// From a flag or the environment; otherwise the keychain is asked (see `Account`).
    pub client_secret: Option<ClientSecret>,
    pub scopes: Scopes,
    pub show_dialog: bool,
    /// Fixed loopback port; None lets the OS pick (Spotify allows any port on 127.0.0.1).
    pub port: Option<u16>,
    pub endpoints: Endpoints,
    pub timeout: Duration,
    /// Total time for one request to Spotify (token or profile).
    pub request_timeout: Duration,
    pub keychain_service: String,
}

/// Values given on the command line (or by the GUI); each wins over env and file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    pub scopes: Vec<String>,
    pub show_dialog: Option<bool>,
    pub port: Option<u16>,
    pub timeout: Option<Duration>,
}

/// The process environment, read once so resolution stays a pure function.
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    pub accounts_url: Option<String>,
    pub api_url: Option<String>,
    pub keychain_service: Option<String>,
    /// `SPOTKEY_SIGN_IN_TIMEOUT` (seconds): how long a sign-in waits for the browser.
    pub sign_in_timeout: Option<Duration>,
}

impl Env {
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            client_id: var("SPOTKEY_CLIENT_ID"),
            client_secret: var("SPOTKEY_CLIENT_SECRET").map(ClientSecret::new),
            accounts_url: var("SPOTKEY_ACCOUNTS_URL"),
            api_url: var("SPOTKEY_API_URL"),
            // Set but empty is refused (by `Config::resolve`), not silently the default.
            keychain_service: std::env::var("SPOTKEY_KEYCHAIN_SERVICE").ok(),
            sign_in_timeout: var("SPOTKEY_SIGN_IN_TIMEOUT")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|secs| *secs > 0)
                .map(|secs| Duration::from_secs(secs).min(MAX_SIGN_IN_TIMEOUT)),
        }
    }

    /// The keychain service name: `SPOTKEY_KEYCHAIN_SERVICE` or "spotkey", unchecked
    /// (`Config::resolve` and `sign_out_local` refuse a bad one; see `check_keychain_service`).
    pub fn keychain_service_name(&self) -> String {
        self.keychain_service
            .clone()
            .unwrap_or_else(|| DEFAULT_KEYCHAIN_SERVICE.into())
    }
}

/// The service name also names the refresh lock file, so it must be one plain file name:
/// 1-64 of `A-Z a-z 0-9 . _ -`, not starting with a dot (no `/`, no `..`, no hidden file).
pub fn check_keychain_service(name: &str) -> Result<(), AuthError> {
    let ok = (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::InvalidConfig("SPOTKEY_KEYCHAIN_SERVICE must be 1-64 letters, digits, dots, dashes or underscores, not starting with a dot".into()))
    }
}

impl Config {
    /// # Errors
    /// `MissingClientId` (with dashboard instructions) when no source names a client ID;
    /// `InvalidConfig` for a malformed ID, URL or scope.
    pub fn resolve(flags: &Overrides, env: &Env, file: &Settings) -> Result<Self, AuthError> {
        let raw_id = flags
            .client_id
            .clone()
            .or_else(|| env.client_id.clone())
            .or_else(|| file.client_id.clone());
        let client_id = ClientId::parse(&raw_id.ok_or(AuthError::MissingClientId)?)?;
        let scopes = if !flags.scopes.is_empty() {
            Scopes::parse(&flags.scopes)?
        } else if let Some(saved) = file.scopes.as_ref().filter(|s| !s.is_empty()) {
            Scopes::parse(saved)?
        } else {
            Scopes::defaults()
        };
        let keychain_service = env.keychain_service_name();
        check_keychain_service(&keychain_service)?;
        let endpoints = Endpoints::new(
            env.accounts_url.as_deref().unwrap_or(DEFAULT_ACCOUNTS_URL),
            env.api_url.as_deref().unwrap_or(DEFAULT_API_URL),
        )?;
        Ok(Self {
            client_id,
            client_secret: flags
                .client_secret
                .clone()
                .or_else(|| env.client_secret.clone()),
            scopes,
            show_dialog: flags.show_dialog.or(file.show_dialog).unwrap_or(false),
            port: flags.port.or(file.port),
            endpoints,
            timeout: flags
                .timeout
                .or(env.sign_in_timeout)
                .unwrap_or(DEFAULT_SIGN_IN_TIMEOUT)
                .min(MAX_SIGN_IN_TIMEOUT),
            request_timeout: super::http::REQUEST_TIMEOUT,
            keychain_service,
        })
    }
}

/// Where spotkey keeps its non-secret files. XDG variables move them (tests use temp dirs).
#[derive(Debug, Clone)]
pub struct Paths {
    /// settings.json (non-secret configuration).
    pub config_dir: PathBuf,
    /// profile and status caches (non-secret).
    pub cache_dir: PathBuf,
    /// the cross-process refresh lock.
    pub runtime_dir: PathBuf,
}

impl Paths {
    pub fn from_platform() -> Result<Self, AuthError> {
        let missing = || {
            AuthError::InvalidConfig(
                "cannot find the home directory for spotkey's settings (is $HOME set?)".into(),
            )
        };
        let config_dir = dirs::config_dir().ok_or_else(missing)?.join("spotkey");
        let cache_dir = dirs::cache_dir().ok_or_else(missing)?.join("spotkey");
        let runtime_dir = dirs::runtime_dir()
            .map(|d| d.join("spotkey"))
            .unwrap_or_else(|| cache_dir.clone());
        Ok(Self {
            config_dir,
            cache_dir,
            runtime_dir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_append_paths_to_any_base() {
        let e = Endpoints::new("http://127.0.0.1:9/prefix", "http://127.0.0.1:9/v1").unwrap();
        assert_eq!(
            e.authorize().as_str(),
            "http://127.0.0.1:9/prefix/authorize"
        );
        assert_eq!(e.token().as_str(), "http://127.0.0.1:9/prefix/api/token");
        assert_eq!(e.me().as_str(), "http://127.0.0.1:9/v1/me");
        assert_eq!(
            Endpoints::spotify().token().as_str(),
            "https://accounts.spotify.com/api/token"
        );
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let file = Settings {
            client_id: Some("fromfile".into()),
            port: Some(1),
            ..Default::default()
        };
        let env = Env {
            client_id: Some("fromenv".into()),
            ..Default::default()
        };
        let flags = Overrides {
            port: Some(2),
            ..Default::default()
        };
        let c = Config::resolve(&flags, &env, &file).unwrap();
        assert_eq!(c.client_id.as_str(), "fromenv");
        assert_eq!(c.port, Some(2));
        assert_eq!(c.scopes, Scopes::defaults());
        let c = Config::resolve(
            &Overrides {
                client_id: Some("fromflag".into()),
                ..Default::default()
            },
            &env,
            &file,
        )
        .unwrap();
        assert_eq!(c.client_id.as_str(), "fromflag");
    }

    #[test]
    fn missing_client_id_explains_the_dashboard() {
        let err = Config::resolve(&Overrides::default(), &Env::default(), &Settings::default())
            .unwrap_err();
        assert!(matches!(err, AuthError::MissingClientId));
        assert!(err.to_string().contains("developer.spotify.com/dashboard"));
    }

    #[test]
    fn bad_urls_are_named() {
        let env = Env {
            client_id: Some("abc".into()),
            accounts_url: Some("not a url".into()),
            ..Default::default()
        };
        let err = Config::resolve(&Overrides::default(), &env, &Settings::default()).unwrap_err();
        assert!(err.to_string().contains("SPOTKEY_ACCOUNTS_URL"));
    }

    fn resolve_urls(accounts: &str, api: &str) -> Result<Config, AuthError> {
        let env = Env {
            client_id: Some("abc".into()),
            accounts_url: Some(accounts.into()),
            api_url: Some(api.into()),
            ..Default::default()
        };
        Config::resolve(&Overrides::default(), &env, &Settings::default())
    }

    #[test]
    fn clear_text_endpoints_are_refused_naming_the_variable() {
        let ok = "https://accounts.example.com";
        for bad in [
            "http://example.com",
            "http://localhost:8080",
            "http://10.0.0.1",
            "http://[::2]",
            "ftp://127.0.0.1",
            "https://user:pw@example.com",
        ] {
            let e = resolve_urls(bad, ok).unwrap_err().to_string();
            assert!(
                e.contains("SPOTKEY_ACCOUNTS_URL") && !e.contains('\n'),
                "{bad}: {e}"
            );
            let e = resolve_urls(ok, bad).unwrap_err().to_string();
            assert!(e.contains("SPOTKEY_API_URL"), "{bad}: {e}");
        }
    }

    #[test]
    fn https_and_loopback_literals_are_accepted() {
        for good in [
            "https://accounts.spotify.com",
            "http://127.0.0.1:9",
            "http://127.5.6.7",
            "http://[::1]:9/v1",
        ] {
            assert!(resolve_urls(good, good).is_ok(), "{good}");
        }
    }

    #[test]
    fn keychain_service_names_are_plain_file_names() {
        for good in ["spotkey", "spotkey-test-1_2.x", &"a".repeat(64)] {
            assert!(check_keychain_service(good).is_ok(), "{good}");
        }
        for bad in ["", "../x", "a/b", ".hidden", "a b", "a\\b", &"a".repeat(65)] {
            let e = check_keychain_service(bad).unwrap_err();
            assert!(e.to_string().contains("SPOTKEY_KEYCHAIN_SERVICE"), "{bad}");
        }
    }

    #[test]
    fn a_huge_sign_in_timeout_is_clamped() {
        let env = Env {
            client_id: Some("abc".into()),
            sign_in_timeout: Some(Duration::from_secs(u64::MAX)),
            ..Default::default()
        };
        let c = Config::resolve(&Overrides::default(), &env, &Settings::default()).unwrap();
        assert_eq!(c.timeout, MAX_SIGN_IN_TIMEOUT);
    }

    #[test]
    fn env_debug_never_shows_the_client_secret() {
        let env = Env {
            client_secret: Some(ClientSecret::new("s3cr3t-value")),
            ..Default::default()
        };
        assert!(!format!("{env:?}").contains("s3cr3t-value"));
    }
}
