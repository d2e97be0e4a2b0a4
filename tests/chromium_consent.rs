//! A whole sign-in through a real browser: spotkey's `Account::sign_in` hands the authorize URL
//! to headless Chromium (driven over WebDriver), Chromium shows the fake Spotify's consent page,
//! the test clicks a button, and Chromium itself follows the 302 to spotkey's loopback listener.
//! Proves that what a real browser does with the redirect (not just a scripted HTTP client)
//! completes the sign-in, stores the grant in the real keychain, and ends on spotkey's page.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them these tests fail, never skip.
#![cfg(target_os = "linux")]

mod support;

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{Account, AuthError, Browser, CancelHandle, SignInOutcome};
use support::fake_spotify::{Consent, FakeSpotify};
use support::home::TestHome;
use tokio::sync::mpsc;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const INSTALL_HINT: &str = "install the Debian packages: apt-get install chromium chromium-driver";

/// One Chromium at a time: `make test` runs tests on 4 threads and this machine has 2 cores.
/// A tokio mutex, so a failed test does not poison it for the next one.
static ONE_CHROMIUM_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn approving_in_chromium_signs_in_and_ends_on_the_success_page() {
    let _turn = ONE_CHROMIUM_AT_A_TIME.lock().await;
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Page);
    let home = TestHome::new();
    let chromium = Chromium::launch().await;
    let user = UserAtConsentPage {
        clicks: "#approve",
        expects_to_read: "You can close this tab",
        screenshots: Some(("consent-chromium.png", "callback-success.png")),
    };

    let (result, page) = sign_in_in_chromium(&home.account(&fake), &chromium.client, &user).await;

    let outcome = result.expect("sign-in through Chromium");
    let profile = outcome
        .profile
        .expect("the profile was read after the grant was stored");
    assert_eq!(profile.display_name.as_deref(), Some("Fake User"));
    assert!(page.contains("You can close this tab"), "{page}");
    assert_eq!(
        home.keychain_item_count(),
        1,
        "the grant is in the real keychain"
    );
    chromium.quit().await;
}

#[tokio::test]
async fn declining_in_chromium_ends_with_you_declined_and_stores_nothing() {
    let _turn = ONE_CHROMIUM_AT_A_TIME.lock().await;
    let fake = FakeSpotify::start();
    fake.set_consent(Consent::Page);
    let home = TestHome::new();
    let chromium = Chromium::launch().await;
    let user = UserAtConsentPage {
        clicks: "#deny",
        expects_to_read: "You declined access",
        screenshots: None,
    };

    let (result, page) = sign_in_in_chromium(&home.account(&fake), &chromium.client, &user).await;

    let err = result.expect_err("declining must not sign in");
    assert!(matches!(err, AuthError::Denied), "{err:?}");
    assert!(page.contains("You declined access"), "{page}");
    assert_eq!(home.keychain_item_count(), 0);
    chromium.quit().await;
}

/// What the person at the consent page does, and what they should end up reading.
struct UserAtConsentPage {
    /// CSS selector of the button they click.
    clicks: &'static str,
    expects_to_read: &'static str,
    /// File names for (consent page, final page) in docs/screenshots/, taken only when
    /// `SPOTKEY_SCREENSHOTS` is set so that normal runs write nothing in the repository.
    screenshots: Option<(&'static str, &'static str)>,
}

/// Runs spotkey's sign-in and the user's clicks in Chromium side by side; returns spotkey's
/// result and the text of the page Chromium ends on.
async fn sign_in_in_chromium(
    account: &Account,
    client: &Client,
    user: &UserAtConsentPage,
) -> (Result<SignInOutcome, AuthError>, String) {
    let (browser, mut opened) = HandsUrlToChromium::new();
    let cancel = CancelHandle::new();
    let sign_in = account.sign_in(&browser, &Quiet, &cancel);
    let user_in_chromium = async {
        let url = tokio::time::timeout(Duration::from_secs(10), opened.recv())
            .await
            .ok()
            .flatten()
            .expect("spotkey never asked the browser to open the authorize URL");
        act_at_consent_page(client, &url, user).await
    };
    // Bounded, so a hang shows up as a failure instead of a stuck `cargo test`.
    tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(sign_in, user_in_chromium)
    })
    .await
    .expect("the sign-in through Chromium finished within 60 s")
}

/// Opens the authorize URL, clicks the user's button, and waits for spotkey's answer page.
async fn act_at_consent_page(client: &Client, url: &str, user: &UserAtConsentPage) -> String {
    client
        .goto(url)
        .await
        .expect("Chromium opens the authorize URL");
    let button = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(user.clicks))
        .await
        .unwrap_or_else(|e| panic!("the consent page shows {}: {e}", user.clicks));
    if let Some((consent_shot, _)) = user.screenshots {
        save_screenshot_if_asked(client, consent_shot).await;
    }
    button.click().await.expect("click the consent button");
    let page = wait_for_body_text(client, user.expects_to_read).await;
    if let Some((_, final_shot)) = user.screenshots {
        save_screenshot_if_asked(client, final_shot).await;
    }
    page
}

/// Polls the page text until it contains `expected` (10 s). Errors while the page is still
/// navigating (stale or missing body) just mean "not yet".
async fn wait_for_body_text(client: &Client, expected: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(body) = client.find(Locator::Css("body")).await {
            if let Ok(text) = body.text().await {
                if text.contains(expected) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = client.current_url().await.map(|u| u.to_string());
    panic!("Chromium never showed {expected:?}; at {url:?} it shows: {last}");
}

async fn save_screenshot_if_asked(client: &Client, name: &str) {
    if std::env::var_os("SPOTKEY_SCREENSHOTS").is_none() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).expect("create docs/screenshots");
    let png = client
        .screenshot()
        .await
        .expect("Chromium takes a screenshot");
    std::fs::write(dir.join(name), png).expect("write the screenshot");
}

/// spotkey's browser hook for these tests: `open` must return at once (sign_in waits on the
/// listener right after), so it only passes the URL on to the test, which drives Chromium.
struct HandsUrlToChromium(mpsc::UnboundedSender<String>);

impl HandsUrlToChromium {
    fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self(tx), rx)
    }
}

impl Browser for HandsUrlToChromium {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0.send(url.to_string()).map_err(|e| e.to_string())
    }
}

/// Headless Chromium in a WebDriver session, with its own chromedriver and a fresh profile.
struct Chromium {
    client: Client,
    // Declared after `client`: dropped (killed) last, and also when a test panics.
    _driver: Chromedriver,
}

impl Chromium {
    async fn launch() -> Chromium {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: {INSTALL_HINT}"
        );
        let driver = Chromedriver::start();
        let client = ClientBuilder::rustls()
            .expect("rustls for the WebDriver client")
            .capabilities(capabilities(driver.profile.path()))
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"));
        Chromium {
            client,
            _driver: driver,
        }
    }

    /// Ends the session the polite way; the driver guard still kills whatever is left.
    async fn quit(self) {
        let _ = self.client.close().await;
    }
}

/// Headless, and quiet on the network: this machine has no internet, and Chromium's own
/// background requests (updates, sync, QUIC probes) would only slow it down or stall it.
fn capabilities(profile: &Path) -> fantoccini::wd::Capabilities {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let options = json!({ "binary": CHROMIUM, "args": args });
    let capabilities = json!({ "browserName": "chrome", "goog:chromeOptions": options });
    match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// A chromedriver process on a free port. Dropping it kills its whole process group, so the
/// Chromium it started goes too, even when the test panicked before `quit`.
struct Chromedriver {
    child: Child,
    url: String,
    /// Chromium's `--user-data-dir`, removed after the processes are gone.
    profile: tempfile::TempDir,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        let port = free_port();
        let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so Drop can end chromedriver and Chromium together.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER} ({e}): {INSTALL_HINT}"));
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        };
        driver.wait_until_listening(port);
        driver
    }

    /// chromedriver takes a moment to open its port; give it up to 20 s on a busy machine.
    fn wait_until_listening(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{CHROMEDRIVER} exited at start ({status}): {INSTALL_HINT}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{CHROMEDRIVER} did not listen on port {port} within 20 s");
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // kill(1) on the negative pid: the group we created in `start`, nothing else.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now (bind to 0, read it, let it go).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}
