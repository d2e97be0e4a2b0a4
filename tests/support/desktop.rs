//! The desktop window, driven over WebDriver: a private Xvfb, tauri-driver (proxying to
//! WebKitWebDriver, which starts the app) and a fantoccini session, all ended on drop.
//!
//! The app inherits tauri-driver's environment: that is how a test points the window at the
//! fake Spotify and a throwaway home (`TestHome::env`). Needs Xvfb, WebKitWebDriver and
//! `.ci/tools/bin/tauri-driver` (all installed by `make test`); without them a test fails.
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const TAURI_DRIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/tools/bin/tauri-driver");
const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";
const XVFB: &str = "Xvfb";
const HINT: &str = "run `make test` (scripts/install-deps.sh --test installs xvfb and \
                    webkit2gtk-driver, and tauri-driver into .ci/tools)";
/// How long `wait_for` polls: a debug build on 2 busy cores can be slow to render.
pub const WAIT: Duration = Duration::from_secs(15);

/// Once every running transition has ended: repaints a transparent 1-pixel box every frame
/// until `STOP_PAINTING`, and calls back when two frames have been painted with it.
const KEEP_PAINTING: &str = "const done = arguments[arguments.length - 1];
const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition);
Promise.all(transitions.map((a) => a.finished.catch(() => {}))).then(() => {
  const box = document.createElement('div');
  box.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
  document.documentElement.append(box);
  window.__spotkeyTestPainter = box;
  let frame = 0;
  const repaint = () => {
    if (!box.isConnected) return;
    box.style.backgroundColor = frame++ % 2 ? 'rgba(0,0,0,0)' : 'rgba(255,255,255,0)';
    requestAnimationFrame(repaint);
  };
  repaint();
  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
});";
const STOP_PAINTING: &str =
    "window.__spotkeyTestPainter?.remove(); delete window.__spotkeyTestPainter;";

/// One WebDriver session at a time in this process (PLATFORM.md: tauri-driver/WebKitWebDriver
/// do not cope with parallel sessions, and this machine has 2 cores). A tokio mutex, so a test
/// that panicked does not poison it for the next one.
static ONE_SESSION_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The app's window in a WebDriver session. Drop it (or `quit().await`, which is gentler)
/// before launching another one in the same test, or the launch waits forever for its turn.
pub struct Desktop {
    pub client: Client,
    program: PathBuf,
    /// When the app was asked to start (after Xvfb and tauri-driver were up): the zero for
    /// start-up timings.
    pub requested_at: Instant,
    env: Vec<(String, OsString)>,
    args: Vec<String>,
    // Dropped in declaration order: the driver (and the app) before the display it draws on,
    // and the turn last.
    driver: TauriDriver,
    xvfb: Xvfb,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Desktop {
    /// Starts `spotkey-desktop <args>` (no args: the window) with `env` added to this process's
    /// environment, minus any inherited `SPOTKEY_*` and display variables.
    pub async fn launch<K, V>(env: impl IntoIterator<Item = (K, V)>, args: &[&str]) -> Desktop
    where
        K: Into<String>,
        V: Into<OsString>,
    {
        Self::launch_program(Path::new(env!("CARGO_BIN_EXE_spotkey-desktop")), env, args).await
    }

    /// Like `launch`, for another Tauri program (the benchmark's hello-world baseline).
    pub async fn launch_program<K, V>(
        program: &Path,
        env: impl IntoIterator<Item = (K, V)>,
        args: &[&str],
    ) -> Desktop
    where
        K: Into<String>,
        V: Into<OsString>,
    {
        let env = env.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let args = args.iter().map(|a| a.to_string()).collect();
        Self::launch_owned(program.to_path_buf(), env, args).await
    }

    async fn launch_owned(
        program: PathBuf,
        env: Vec<(String, OsString)>,
        args: Vec<String>,
    ) -> Desktop {
        let turn = ONE_SESSION_AT_A_TIME.lock().await;
        for (path, what) in [
            (TAURI_DRIVER, "tauri-driver"),
            (WEBKIT_DRIVER, "WebKitWebDriver"),
        ] {
            assert!(
                Path::new(path).exists(),
                "{what} is missing ({path}): {HINT}"
            );
        }
        let started = Instant::now();
        let xvfb = Xvfb::start();
        let driver = TauriDriver::start(&xvfb.display, &env);
        let requested_at = Instant::now();
        let client = driver.connect(&program, &args).await;
        eprintln!(
            "desktop: session up in {:.1} s on {}",
            started.elapsed().as_secs_f64(),
            xvfb.display
        );
        Desktop {
            client,
            program,
            requested_at,
            env,
            args,
            driver,
            xvfb,
            _turn: turn,
        }
    }

    /// What tauri-driver and the app wrote to stdout and stderr so far.
    pub fn driver_log(&self) -> String {
        std::fs::read_to_string(&self.driver.log).unwrap_or_default()
    }

    /// Ends the session the WebDriver way (closes the window), then drops: the app may live on
    /// in the tray after its window closes, so the driver's drop ends whatever is left.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }

    /// Quits and starts the app again with the same environment and arguments: same home,
    /// same keychain, so a test can check what survives a restart.
    pub async fn restart(self) -> Desktop {
        let (program, env, args) = (self.program.clone(), self.env.clone(), self.args.clone());
        self.quit().await;
        Self::launch_owned(program, env, args).await
    }

    /// Waits until `css` matches an element; on timeout, panics with what the page shows.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                return element;
            }
            if Instant::now() > deadline {
                let why = format!("no element matches {css:?} after {WAIT:?}");
                panic!("{}", self.report(&why).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the rendered text of `css` contains `expected`; returns that text.
    pub async fn wait_for_text(&self, css: &str, expected: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut last = None;
        loop {
            // Re-found each time: the UI replaces elements as screens change.
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(expected) {
                        return text;
                    }
                    last = Some(text);
                }
            }
            if Instant::now() > deadline {
                let why =
                    format!("{css:?} never showed {expected:?} in {timeout:?}; last: {last:?}");
                panic!("{}", self.report(&why).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks `css` once it is visible and enabled, as a person would: screens appear only
    /// after the first status arrives, so a button can exist before it can be pressed.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(css).await;
            let ready = element.is_displayed().await.unwrap_or(false)
                && element.is_enabled().await.unwrap_or(false);
            let error = if ready {
                match element.click().await {
                    Ok(()) => return,
                    Err(e) => e.to_string(),
                }
            } else {
                "hidden or disabled".to_string()
            };
            if Instant::now() > deadline {
                let why = format!("cannot click {css:?} within {WAIT:?}: {error}");
                panic!("{}", self.report(&why).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The rendered (visible) text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => panic!(
                "{}",
                self.report(&format!("cannot read {css:?}: {e}")).await
            ),
        }
    }

    /// What a person sees: `document.body.innerText` (hidden screens excluded).
    pub async fn visible_text(&self) -> String {
        let script = "return document.body ? document.body.innerText : ''";
        match self.client.execute(script, vec![]).await {
            Ok(value) => value.as_str().unwrap_or_default().to_string(),
            Err(e) => format!("<cannot read the page: {e}>"),
        }
    }

    /// Saves a PNG of the window: into docs/screenshots/ with `SPOTKEY_SCREENSHOTS=1` (the
    /// committed pictures), else into target/screenshots/ so normal runs leave the repo alone.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = if std::env::var("SPOTKEY_SCREENSHOTS").as_deref() == Ok("1") {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
        } else {
            target_dir().join("screenshots")
        };
        std::fs::create_dir_all(&dir).expect("create the screenshot directory");
        // WebKit's screenshot waits for the next frame the page paints. The window paints
        // without accelerated compositing (gui/window.rs), and then a page with nothing to
        // redraw paints no frame, so the shot would wait forever. A 1-pixel transparent box
        // repainted every frame keeps frames coming while the shot is taken, and changes no
        // pixel. It starts once transitions have ended, so the shot shows the settled page.
        self.client
            .execute_async(KEEP_PAINTING, vec![])
            .await
            .expect("start painting frames for the screenshot");
        let shot = tokio::time::timeout(WAIT, self.client.screenshot()).await;
        self.client
            .execute(STOP_PAINTING, vec![])
            .await
            .expect("stop painting frames after the screenshot");
        let png = shot
            .unwrap_or_else(|_| panic!("no screenshot of the window in {WAIT:?}"))
            .expect("take a screenshot");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// The X display the app draws on (for starting a second spotkey next to it).
    pub fn display(&self) -> &str {
        &self.xvfb.display
    }

    /// Every process of this launch (tauri-driver's process group: the drivers, the app and
    /// its WebKit helpers) as (pid, name), e.g. to measure the app's memory.
    pub fn processes(&self) -> Vec<(u32, String)> {
        processes_in_group(self.driver.child.id())
    }

    /// A failure message with what the window shows and what tauri-driver logged.
    async fn report(&self, why: &str) -> String {
        let url = self.client.current_url().await.map(|u| u.to_string());
        format!(
            "{why}\n--- the window at {url:?} shows:\n{}\n--- tauri-driver log ({}):\n{}",
            self.visible_text().await,
            self.driver.log.display(),
            tail(&self.driver.log)
        )
    }
}

/// target/ of this build, found from the binary under test (works with CARGO_TARGET_DIR too).
fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_spotkey"));
    bin.ancestors()
        .nth(2)
        .expect("target/<profile>/spotkey")
        .into()
}

/// A private X server. `-displayfd` lets Xvfb pick a free display itself and tell us once it
/// accepts clients: no guessed numbers, no races with other Xvfbs, no sleep.
pub struct Xvfb {
    child: Child,
    display: String,
    // Xvfb's -displayfd end; kept open so a late write can never SIGPIPE it.
    _stdout: ChildStdout,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let mut child = Command::new(XVFB)
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {XVFB} ({e}): {HINT}"));
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        // Returns at once with 0 bytes if Xvfb exits instead (EOF), so this cannot hang.
        let _ = stdout.read_line(&mut line);
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            let status = child.try_wait();
            let _ = child.kill();
            panic!("{XVFB} did not report a display ({status:?}); try `Xvfb -displayfd 1` by hand");
        }
        Xvfb {
            display: format!(":{number}"),
            child,
            _stdout: stdout.into_inner(),
        }
    }
}

impl Xvfb {
    /// The X display, e.g. `:3`.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate(&mut self.child, Duration::from_secs(5));
    }
}

/// tauri-driver in its own process group, logging to a temp file.
struct TauriDriver {
    child: Child,
    url: String,
    log: PathBuf,
    _logs: tempfile::TempDir,
}

impl TauriDriver {
    fn start(display: &str, env: &[(String, OsString)]) -> TauriDriver {
        let (port, native_port) = two_free_ports();
        let logs = tempfile::tempdir().expect("a temp dir for the tauri-driver log");
        let log = logs.path().join("tauri-driver.log");
        let file = std::fs::File::create(&log).expect("create the tauri-driver log");
        let mut cmd = Command::new(TAURI_DRIVER);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .args(["--native-driver", WEBKIT_DRIVER])
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            // Its own group: on drop, whatever it leaves behind (the app when the session was
            // not closed) can be ended without touching anything else.
            .process_group(0);
        // The test process has no display (scripts/test-env.sh unsets it); only what we spawn
        // sees ours. Nothing inherited may redirect the app to the real Spotify or a real home.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SPOTKEY_") {
                cmd.env_remove(key);
            }
        }
        cmd.env_remove("WAYLAND_DISPLAY").env("DISPLAY", display);
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {TAURI_DRIVER} ({e}): {HINT}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("tauri-driver exited at start ({status}):\n{}", tail(&log));
            }
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port} in 20 s"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        TauriDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _logs: logs,
        }
    }

    /// Starts the app in a new session. The first attempts can fail with "webdriver server
    /// did not respond" while WebKitWebDriver is still starting (PLATFORM.md): retry for 30 s.
    async fn connect(&self, program: &Path, args: &[String]) -> Client {
        let options = json!({ "application": program, "args": args });
        let capabilities = match json!({ "browserName": "wry", "tauri:options": options }) {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut builder = ClientBuilder::rustls().expect("rustls for the WebDriver client");
            let attempt = builder
                .capabilities(capabilities.clone())
                .connect(&self.url);
            // A driver that took the request but never answers (an app that never showed a
            // window) must fail the test, not hold the whole run until CI's limit.
            let Ok(attempt) = tokio::time::timeout(SESSION_ANSWER, attempt).await else {
                panic!(
                    "the WebDriver session request got no answer in {SESSION_ANSWER:?}\n--- tauri-driver log:\n{}",
                    tail(&self.log)
                );
            };
            match attempt {
                Ok(client) => return client,
                Err(e) if Instant::now() > deadline => panic!(
                    "no WebDriver session with the app in 30 s: {e}\n--- tauri-driver log:\n{}",
                    tail(&self.log)
                ),
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }
}

/// The longest one session request may wait for its answer (a few seconds on a quiet machine).
const SESSION_ANSWER: Duration = Duration::from_secs(120);

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // SIGTERM: tauri-driver then stops WebKitWebDriver itself; SIGKILL would orphan it.
        let group = self.child.id();
        terminate(&mut self.child, Duration::from_secs(5));
        // Anything left in the group (the app, when the session was never closed) goes too.
        for signal in ["-TERM", "-KILL"] {
            if processes_in_group(group).is_empty() {
                break;
            }
            signal_pid(signal, &format!("-{group}"));
            let deadline = Instant::now() + Duration::from_secs(3);
            while !processes_in_group(group).is_empty() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// SIGTERM, then wait up to `grace` for the child to exit; SIGKILL only if it did not.
fn terminate(child: &mut Child, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    signal_pid("-TERM", &child.id().to_string());
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// kill(1) rather than libc: `target` is a pid, or `-pgid` for a whole process group.
fn signal_pid(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", target])
        .stderr(Stdio::null())
        .status();
}

/// Live (non-zombie) processes whose process group is `group`, from /proc.
fn processes_in_group(group: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp …": comm may contain spaces, so split after the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let (state, pgrp) = (fields.next(), fields.nth(1));
        if state != Some("Z") && pgrp == Some(group.to_string().as_str()) {
            let name = head.split_once('(').map_or("", |(_, n)| n).to_string();
            found.push((pid, name));
        }
    }
    found
}

/// Two distinct ports nobody listens on now (both bound before either is let go).
fn two_free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = |l: &TcpListener| l.local_addr().expect("local address").port();
    (port(&a), port(&b))
}

/// The end of a log file, for failure messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
