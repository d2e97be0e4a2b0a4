//! What the fake remembers: registered clients, pending consents, issued codes and tokens, queued
//! faults and the request log. All of it sits behind one mutex in `Shared`.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use rand::Rng;

use super::proxy::Conns;
use super::{Consent, FakeClient, FakeConfig, Fault, Recorded};

/// Everything the request handlers share.
pub(super) struct Shared {
    pub state: std::sync::Mutex<State>,
    pub conns: std::sync::Arc<Conns>,
}

impl Shared {
    /// The state, even if a handler panicked while holding it.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A validated GET /authorize, waiting for (or given) the user's consent.
#[derive(Clone, Debug)]
pub(super) struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub challenge: Option<String>,
    pub state: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct CodeGrant {
    pub auth: AuthRequest,
    pub issued: Instant,
    pub used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum RefreshStatus {
    Live,
    /// Replaced by a newer token (PKCE rotation): "Refresh token revoked".
    Rotated,
    /// The user removed the app: "Invalid refresh token".
    Revoked,
}

#[derive(Clone, Debug)]
pub(super) struct RefreshGrant {
    pub client_id: String,
    pub scope: String,
    pub status: RefreshStatus,
}

#[derive(Clone, Debug)]
pub(super) struct AccessGrant {
    pub client_id: String,
    pub expires: Instant,
}

pub(super) struct State {
    pub clients: Vec<FakeClient>,
    pub access_token_ttl: u64,
    /// Sent as `expires_in` instead of `access_token_ttl` (a misbehaving server).
    pub expires_in_override: Option<serde_json::Value>,
    pub code_ttl: Duration,
    pub consent: Consent,
    pub profile: serde_json::Value,
    pub pending: HashMap<String, AuthRequest>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub access: HashMap<String, AccessGrant>,
    pub token_faults: VecDeque<Fault>,
    pub me_faults: VecDeque<Fault>,
    /// Faults for the Web API beyond /v1/me (FIFO, one per request).
    pub api_faults: VecDeque<Fault>,
    /// `http://127.0.0.1:PORT`: where the fake is.
    pub base: String,
    /// Where paging links point instead of `base` (a hostile or broken server).
    pub next_base: Option<String>,
    /// What /v1/me/player/currently-playing answers; None: 204, nothing plays.
    pub now_playing: Option<serde_json::Value>,
    /// The user's playlists, newest first (created ones are added).
    pub playlists: Vec<serde_json::Value>,
    pub followed: Vec<serde_json::Value>,
    pub requests: Vec<Recorded>,
    pub secrets: Vec<String>,
}

impl State {
    /// `base` replaces the `http://127.0.0.1:PORT` placeholder in the profile.
    pub fn new(config: FakeConfig, base: &str) -> State {
        let profile = config
            .profile
            .to_string()
            .replace("http://127.0.0.1:PORT", base);
        State {
            clients: config.clients,
            access_token_ttl: config.access_token_ttl,
            expires_in_override: None,
            code_ttl: config.code_ttl,
            consent: config.consent,
            profile: serde_json::from_str(&profile).expect("profile stays valid JSON"),
            pending: HashMap::new(),
            codes: HashMap::new(),
            refresh: HashMap::new(),
            access: HashMap::new(),
            token_faults: VecDeque::new(),
            me_faults: VecDeque::new(),
            api_faults: VecDeque::new(),
            base: base.to_owned(),
            next_base: None,
            now_playing: None,
            playlists: super::catalog::my_playlists(base),
            followed: super::catalog::followed_artists(base),
            requests: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// Where `next`/`previous`/`href` links of paging objects point.
    pub fn link_base(&self) -> String {
        self.next_base.clone().unwrap_or_else(|| self.base.clone())
    }

    pub fn client(&self, id: &str) -> Option<&FakeClient> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// Remember a secret the fake issued or received, for leak tests.
    pub fn remember(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
        }
    }

    pub fn park_consent(&mut self, auth: AuthRequest) -> String {
        let id = random_token("req_", 24);
        self.pending.insert(id.clone(), auth);
        id
    }

    pub fn issue_code(&mut self, auth: &AuthRequest) -> String {
        let code = random_token("AQC_", 48);
        let grant = CodeGrant {
            auth: auth.clone(),
            issued: Instant::now(),
            used: false,
        };
        self.codes.insert(code.clone(), grant);
        self.remember(&code);
        code
    }

    pub fn issue_access(&mut self, client_id: &str) -> String {
        let token = random_token("BQD_", 96);
        let grant = AccessGrant {
            client_id: client_id.to_owned(),
            expires: Instant::now() + Duration::from_secs(self.access_token_ttl),
        };
        self.access.insert(token.clone(), grant);
        self.remember(&token);
        token
    }

    pub fn issue_refresh(&mut self, client_id: &str, scope: &str) -> String {
        let token = random_token("AQD_", 64);
        let grant = RefreshGrant {
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            status: RefreshStatus::Live,
        };
        self.refresh.insert(token.clone(), grant);
        self.remember(&token);
        token
    }
}

/// `prefix` followed by `len` random URL-safe characters.
pub(super) fn random_token(prefix: &str, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    let tail: String = (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect();
    format!("{prefix}{tail}")
}
