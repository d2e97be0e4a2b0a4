//! The desktop app below the window, for tests: a `Controller` over a throwaway home, the fake
//! Spotify and a scripted browser, with a sink that records what the shell would show.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use spotkey::app::{AppStatus, Connection, Controller, StatusSink};
use spotkey::auth::{CredentialStore, Env};

use super::fake_spotify::FakeSpotify;
use super::home::TestHome;
use super::user::ScriptedUser;

/// How long anything a user waits for may take on a slow, busy CI machine.
pub const WAIT: Duration = Duration::from_secs(15);

/// Records what the shell would show: every status event (as the JSON the webview gets) and
/// every desktop notification.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<String>>,
    pub notifications: Mutex<Vec<String>>,
}

impl StatusSink for Recorder {
    fn status_changed(&self, status: &AppStatus) {
        let json = serde_json::to_string(status).unwrap();
        self.events.lock().unwrap().push(json);
    }
    fn notify(&self, title: &str, body: &str) {
        self.notifications
            .lock()
            .unwrap()
            .push(format!("{title}: {body}"));
    }
}

impl Recorder {
    /// Some status event carried `text` (JSON-escaped the same way).
    pub fn saw(&self, text: &str) -> bool {
        let escaped = serde_json::to_string(text).unwrap();
        let escaped = escaped.trim_matches('"');
        let events = self.events.lock().unwrap();
        events.iter().any(|e| e.contains(escaped))
    }

    pub fn notified(&self, title: &str) -> bool {
        let shown = self.notifications.lock().unwrap();
        shown.iter().any(|n| n.starts_with(title))
    }
}

pub struct App {
    pub controller: Controller,
    pub recorder: Arc<Recorder>,
    pub browser: ScriptedUser,
}

pub fn env(home: &TestHome, fake: &FakeSpotify, client_id: Option<&str>) -> Env {
    Env {
        client_id: client_id.map(String::from),
        accounts_url: Some(fake.accounts_url()),
        api_url: Some(fake.api_url()),
        keychain_service: Some(home.service.clone()),
        // A failed test must not leave a listener waiting the default 5 minutes.
        sign_in_timeout: Some(Duration::from_secs(30)),
        ..Env::default()
    }
}

/// The app on the real (test) keychain.
pub fn app(home: &TestHome, fake: &FakeSpotify, client_id: Option<&str>) -> App {
    app_on(home, fake, client_id, home.store())
}

/// The app on a given store (e.g. one that can be locked).
pub fn app_on(
    home: &TestHome,
    fake: &FakeSpotify,
    client_id: Option<&str>,
    store: Arc<dyn CredentialStore>,
) -> App {
    let recorder = Arc::new(Recorder::default());
    let browser = ScriptedUser::new();
    let controller = Controller::new(
        home.paths(),
        env(home, fake, client_id),
        store,
        Arc::new(browser.clone()),
        recorder.clone(),
    );
    App {
        controller,
        recorder,
        browser,
    }
}

impl App {
    /// Waits until the controller reports `connection` (sign-in runs in the background).
    pub async fn wait_for(&self, connection: Connection) -> AppStatus {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let status = self.controller.status().await;
            if status.connection == connection {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "never reached {connection:?}; last: {:?}",
            self.controller.status().await
        );
    }

    pub async fn signed_in(&self) -> AppStatus {
        self.controller.sign_in().await.unwrap();
        self.wait_for(Connection::SignedIn).await
    }

    /// The pending sign-in's authorize URL, once the listener is up.
    pub async fn sign_in_link(&self) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(link) = self.controller.sign_in_link() {
                return link;
            }
            assert!(Instant::now() < deadline, "no sign-in link in {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
