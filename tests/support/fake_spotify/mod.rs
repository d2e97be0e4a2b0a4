//! A faithful fake of Spotify's accounts service (`/authorize`, `/api/token`) and Web API
//! (`/v1/me`, playlists, following, search, the player) for tests and manual runs, with fault
//! injection. Owns the public API; the endpoint
//! logic lives in the submodules. Depends only on std, tiny_http, url, serde_json, sha2, base64
//! and rand, so `examples/fake_spotify.rs` can include it by path.
#![allow(dead_code)]

mod api;
mod authorize;
mod catalog;
mod library;
mod paging;
mod player;
mod proxy;
mod search;
mod server;
mod state;
mod token;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;

use state::{RefreshStatus, Shared, State};

/// A registered Spotify app.
#[derive(Clone, Debug)]
pub struct FakeClient {
    pub id: String,
    pub secret: Option<String>,
    /// As entered in the dashboard; a loopback literal without a port accepts any port.
    pub redirect_uris: Vec<String>,
}

/// How the fake "user" answers the consent screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Consent {
    /// 302 back with a code at once.
    Approve,
    /// 302 back with `error=access_denied`.
    Deny,
    /// A consent page with `<button id="approve">` and `<button id="deny">`.
    Page,
    /// A "Waiting…" page that never redirects (the user walked away).
    Ignore,
}

/// A failure injected into the next matching request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// This status with a Spotify-like error body.
    Status(u16),
    /// 429 with `Retry-After`.
    TooManyRequests { retry_after: u64 },
    /// Send nothing for this long, then close the connection.
    Hang(Duration),
    /// Close the connection without any response bytes.
    DropConnection,
    /// 200 with a truncated JSON body.
    MalformedJson,
    /// Process the request (rotating the refresh token) but close the connection instead of
    /// replying.
    LoseResponseAfterRotation,
    /// HTTP 400 with an OAuth error body carrying these `error` and `error_description` values
    /// verbatim: what a hostile network, proxy or server could put in Spotify's place.
    OAuthError { error: String, description: String },
    /// 302 to this location (another host, say).
    Redirect(String),
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Without the query.
    pub path: String,
    pub query: BTreeMap<String, String>,
    /// The body, if it was `application/x-www-form-urlencoded`.
    pub form: BTreeMap<String, String>,
    /// Lower-cased names; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// The body as received.
    pub body: Vec<u8>,
}

pub struct FakeConfig {
    pub clients: Vec<FakeClient>,
    /// `expires_in` of access tokens, in seconds.
    pub access_token_ttl: u64,
    pub code_ttl: Duration,
    pub consent: Consent,
    /// What /v1/me returns; `http://127.0.0.1:PORT` in it is replaced by the fake's address.
    pub profile: serde_json::Value,
}

impl Default for FakeConfig {
    fn default() -> FakeConfig {
        FakeConfig {
            clients: vec![FakeClient {
                id: "test-client".into(),
                secret: Some("test-secret".into()),
                redirect_uris: vec!["http://127.0.0.1/callback".into()],
            }],
            access_token_ttl: 3600,
            code_ttl: Duration::from_secs(600),
            consent: Consent::Approve,
            profile: default_profile(),
        }
    }
}

/// A development-mode /v1/me (Feb 2026: no email, country or product).
fn default_profile() -> serde_json::Value {
    json!({
        "id": "fakeuser",
        "account_id": "acc_5f2b9c",
        "display_name": "Fake User",
        "images": [{"url": "http://127.0.0.1:PORT/avatar.png", "height": 300, "width": 300}],
        "external_urls": {"spotify": "https://open.spotify.com/user/fakeuser"},
        "href": "https://api.spotify.com/v1/users/fakeuser",
        "type": "user",
        "uri": "spotify:user:fakeuser"
    })
}

/// A /v1/me for an app with extended quota: email, country and plan are there.
pub fn extended_quota_profile() -> serde_json::Value {
    json!({
        "id": "ada_l",
        "display_name": "Ada",
        "email": "ada@example.com",
        "country": "SE",
        "product": "premium",
        "images": [],
        "type": "user",
        "uri": "spotify:user:ada_l"
    })
}

/// The running fake. Dropping it stops the server and closes every open connection.
pub struct FakeSpotify {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl FakeSpotify {
    pub fn start() -> FakeSpotify {
        FakeSpotify::start_with(FakeConfig::default())
    }

    pub fn start_with(config: FakeConfig) -> FakeSpotify {
        FakeSpotify::start_on(config, 0)
    }

    /// Like `start_with`, on 127.0.0.1:`port` (0: any free port).
    pub fn start_on(config: FakeConfig, port: u16) -> FakeSpotify {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the fake's port");
        let addr = listener.local_addr().expect("local address");
        let backend = tiny_http::Server::http("127.0.0.1:0").expect("start tiny_http");
        let backend_addr = backend.server_addr().to_ip().expect("IP listener");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(config, &format!("http://{addr}"))),
            conns: Arc::default(),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let threads = vec![
            server::spawn(backend, shared.clone(), stop.clone()),
            proxy::spawn(listener, backend_addr, shared.conns.clone(), stop.clone()),
        ];
        FakeSpotify {
            shared,
            addr,
            stop,
            threads,
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn accounts_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn api_url(&self) -> String {
        format!("{}/v1", self.accounts_url())
    }

    pub fn set_consent(&self, consent: Consent) {
        self.state().consent = consent;
    }

    /// Applies to access tokens issued from now on.
    pub fn set_access_token_ttl(&self, secs: u64) {
        self.state().access_token_ttl = secs;
    }

    /// Queue a fault for the next POST /api/token (FIFO, one per request).
    pub fn push_token_fault(&self, fault: Fault) {
        self.state().token_faults.push_back(fault);
    }

    /// Queue a fault for the next GET /v1/me (FIFO, one per request).
    pub fn push_me_fault(&self, fault: Fault) {
        self.state().me_faults.push_back(fault);
    }

    /// Queue a fault for the next Web API request other than GET /v1/me (FIFO, one per
    /// request).
    pub fn push_api_fault(&self, fault: Fault) {
        self.state().api_faults.push_back(fault);
    }

    /// Paging objects' links (`next`, `previous`, `href`) point to `base` instead of the fake
    /// (None: the fake again), as a hostile or misconfigured server might.
    pub fn set_link_base(&self, base: Option<String>) {
        self.state().next_base = base;
    }

    /// What GET /v1/me/player/currently-playing answers (None: 204, nothing plays).
    pub fn set_now_playing(&self, playing: Option<serde_json::Value>) {
        self.state().now_playing = playing;
    }

    /// The Web API requests (`/v1/…`) so far with this method and path.
    pub fn api_requests(&self, method: &str, path: &str) -> Vec<Recorded> {
        let st = self.state();
        let matches = |r: &&Recorded| r.method == method && r.path == path;
        st.requests.iter().filter(matches).cloned().collect()
    }

    /// A live access token for `client_id`, as a sign-in would have issued it (for checks of
    /// the Web API alone).
    pub fn issue_access_token(&self, client_id: &str) -> String {
        self.state().issue_access(client_id)
    }

    /// Every request so far, in arrival order (faulted ones included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// How many POST /api/token requests had this `grant_type`.
    pub fn token_requests(&self, grant_type: &str) -> usize {
        let st = self.state();
        let is_token = |r: &&Recorded| r.method == "POST" && r.path == "/api/token";
        let matches =
            |r: &&Recorded| r.form.get("grant_type").map(String::as_str) == Some(grant_type);
        st.requests.iter().filter(is_token).filter(matches).count()
    }

    /// The user removed the app at spotify.com/account/apps: every refresh token is now invalid.
    pub fn revoke_refresh_tokens(&self) {
        for grant in self.state().refresh.values_mut() {
            grant.status = RefreshStatus::Revoked;
        }
    }

    /// Every access token issued so far is now expired.
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for grant in self.state().access.values_mut() {
            grant.expires = now;
        }
    }

    /// Spotify invalidated every access token issued so far before its expiry (as it may at
    /// any time): /v1/me answers `401 {"error":{"status":401,"message":"Invalid access token"}}`.
    pub fn invalidate_access_tokens(&self) {
        self.state().access.clear();
    }

    /// Token responses from now on carry this raw JSON as `expires_in` (None: the TTL again).
    /// The issued tokens still live `access_token_ttl` seconds.
    pub fn set_expires_in_json(&self, value: Option<serde_json::Value>) {
        self.state().expires_in_override = value;
    }

    pub fn live_refresh_tokens(&self) -> usize {
        let st = self.state();
        let live = |g: &&state::RefreshGrant| g.status == RefreshStatus::Live;
        st.refresh.values().filter(live).count()
    }

    /// Every code, access token and refresh token issued and every code_verifier received.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state().secrets.clone()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }
}

impl Drop for FakeSpotify {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes the accept loop
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        self.shared.conns.sever_all();
    }
}
