//! spotkey in the tray, where it lives all day, costs little: closing the window ends every
//! WebKit process (and a second launch still brings the window back), and an idle spotkey has
//! no thread that wakes on a timer of its own.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::footprint::{
    app_only, environ_var, restarted_in_the_tray, spawn, thread_names, wakeups, Hidden,
    COMPOSITING_OFF,
};
use support::home::TestHome;
use support::session_bus::FakeTray;

const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");
/// WebKit's processes end within a second of the window closing; room for a busy machine.
const GONE_WITHIN: Duration = Duration::from_secs(20);
/// One spotkey (and one tray) at a time: a second spotkey on the same session bus would hand
/// over to the first.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn webkit(processes: &[(u32, String)]) -> Vec<&str> {
    let names = processes.iter().map(|(_, n)| n.as_str());
    names.filter(|n| n.starts_with("WebKit")).collect()
}

/// The window manager's close button.
fn close_window(app: &Desktop) {
    let closed = Command::new(format!("{SCRIPTS}/x11-close-window.py"))
        .args(["spotkey", "20"])
        .env("DISPLAY", app.display())
        .status()
        .expect("run x11-close-window.py");
    assert!(closed.success(), "the window did not close ({closed})");
}

fn window_on_screen(display: &str) -> bool {
    Command::new(format!("{SCRIPTS}/x11-window-exists.py"))
        .arg("spotkey")
        .env("DISPLAY", display)
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn closing_the_window_ends_every_webkit_process_and_a_second_launch_brings_it_back() {
    let _turn = ONE_APP.lock().await;
    // A desktop with a panel: without a tray, closing the window quits spotkey.
    let _tray = FakeTray::on_session_bus();
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = Desktop::launch(home.env(&fake), &[]).await;
    app.wait_for_text("body", "spotkey", WAIT).await;

    close_window(&app);
    let deadline = Instant::now() + GONE_WITHIN;
    loop {
        let left = app_only(app.processes());
        if webkit(&left).is_empty() {
            assert!(
                left.iter().any(|(_, n)| n.starts_with("spotkey")),
                "spotkey itself must stay in the tray"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{GONE_WITHIN:?} after the window closed, still running: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Back in the tray, the process started itself again; a launch before it is up again would
    // become the spotkey itself (and this one hand over to it).
    let spotkey = spotkey_pid(app.processes());
    back_in_the_tray(spotkey).await;
    let program = Path::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
    let mut second = spawn(program, app.display(), &home.env(&fake), &[]).expect("second launch");
    let deadline = Instant::now() + WAIT;
    while !(window_on_screen(app.display()) && webkit(&app_only(app.processes())).len() >= 2) {
        assert!(
            Instant::now() < deadline,
            "no window with its web and network processes {WAIT:?} after a second launch: {:?}",
            app_only(app.processes())
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = second.wait();
    app.quit().await;
}

/// A timer that wakes a thread every half second costs a laptop's battery all day long.
#[tokio::test]
async fn idle_in_the_tray_no_thread_wakes_on_a_timer() {
    const WINDOW: Duration = Duration::from_secs(10);
    // A thread on a 500 ms timer wakes 20 times; a thread that ends (an idle pool thread)
    // or answers one late D-Bus message wakes once or twice.
    const MOST: u64 = 4;
    let _turn = ONE_APP.lock().await;
    // A desktop with a panel: without a tray, closing the window quits spotkey.
    let _tray = FakeTray::on_session_bus();
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = Hidden::start(&home.env(&fake))
        .await
        .expect("spotkey --hidden");
    // Two windows back to back, no settling time guessed: what start-up still does shows in
    // the first only; a thread on a timer wakes in both.
    let first = wakeups(&app.processes(), WINDOW).expect("count wake-ups with perf");
    let counts = wakeups(&app.processes(), WINDOW).expect("count wake-ups with perf");
    assert!(!counts.is_empty(), "perf saw no thread of spotkey at all");
    let busy_in_first = |thread| first.get(thread).is_some_and(|n| *n > MOST);
    let busy: Vec<_> = counts
        .iter()
        .filter(|(thread, n)| **n > MOST && busy_in_first(*thread))
        .collect();
    assert!(
        busy.is_empty(),
        "idle for {WINDOW:?}, these threads woke more than {MOST} times: {busy:?}"
    );
}

/// The process of spotkey itself among an app's processes.
fn spotkey_pid(processes: Vec<(u32, String)>) -> u32 {
    let found = app_only(processes)
        .into_iter()
        .find(|(_, n)| n.starts_with("spotkey"));
    found.expect("spotkey is running").0
}

/// Once its window was open, WebKit and GTK kept threads of their own in spotkey's process
/// (one polls memory pressure every 5 s), so spotkey in the tray woke ~25 times a minute
/// and held ~30 MB more than one that never opened a window. Closing the window must leave
/// only what a start in the tray runs, in the same process the tray and a second launch know.
#[tokio::test]
async fn closing_the_window_leaves_only_what_a_start_in_the_tray_runs() {
    let desk = TrayDesk::new().await;
    let (in_tray, app) = (&desk.in_tray, desk.launch().await);
    app.wait_for_text("body", "spotkey", WAIT).await;
    let spotkey = spotkey_pid(app.processes());
    let from_window = started_by_window(spotkey, in_tray);
    close_window(&app);

    threads_end(spotkey, &from_window).await;
    assert_eq!(
        spotkey_pid(app.processes()),
        spotkey,
        "spotkey must stay in the tray as the same process"
    );
    // It started itself again with the user's environment, not with what the first start set
    // for its own window (a browser it opens from the tray would inherit that). Waited for: the
    // window's threads end as the restart's exec begins, and the kernel writes the new command
    // line and environment a moment later (read in between, both are empty).
    back_in_the_tray(spotkey).await;
    assert_eq!(
        environ_var(spotkey, COMPOSITING_OFF),
        std::env::var(COMPOSITING_OFF).ok(),
        "the restarted spotkey's {COMPOSITING_OFF}"
    );
    app.quit().await;
}

/// Waits until spotkey `pid` has started itself again in the tray and is up.
async fn back_in_the_tray(pid: u32) {
    support::wait::until("spotkey back in the tray", WAIT, || {
        let up = restarted_in_the_tray(pid);
        async move { up }
    })
    .await;
}

/// A desktop with a panel, one spotkey at a time, and the threads `spotkey-desktop --hidden`
/// runs there (it never opened a window).
struct TrayDesk {
    _tray: FakeTray,
    fake: FakeSpotify,
    home: TestHome,
    in_tray: BTreeSet<String>,
    /// Last, so it is dropped last: the next test's panel must not start before this one's
    /// has gone (it could not take the watcher's name, and spotkey would see no tray).
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl TrayDesk {
    async fn new() -> TrayDesk {
        let turn = ONE_APP.lock().await;
        let tray = FakeTray::on_session_bus();
        let (fake, home) = (FakeSpotify::start(), TestHome::new());
        let hidden = Hidden::start(&home.env(&fake))
            .await
            .expect("spotkey --hidden");
        let in_tray = thread_names(spotkey_pid(hidden.processes()));
        drop(hidden);
        TrayDesk {
            _tray: tray,
            fake,
            home,
            in_tray,
            _turn: turn,
        }
    }

    /// spotkey as a person starts it, its window open.
    async fn launch(&self) -> Desktop {
        Desktop::launch(self.home.env(&self.fake), &[]).await
    }
}

/// The threads of `spotkey` that a start in the tray (`in_tray`) does not have.
fn started_by_window(spotkey: u32, in_tray: &BTreeSet<String>) -> BTreeSet<String> {
    let from_window: BTreeSet<String> =
        thread_names(spotkey).difference(in_tray).cloned().collect();
    assert!(
        !from_window.is_empty(),
        "the window started no thread of its own, so this test would prove nothing"
    );
    from_window
}

async fn threads_end(spotkey: u32, started: &BTreeSet<String>) {
    const BACK_WITHIN: Duration = Duration::from_secs(30);
    support::wait::until_ok("the window's threads to end", BACK_WITHIN, || {
        let now = thread_names(spotkey);
        let left: Vec<_> = now.intersection(started).collect();
        let answer = if left.is_empty() {
            Ok(())
        } else {
            Err(format!("still running: {left:?}"))
        };
        async move { answer }
    })
    .await;
}

/// The user closed the window while Spotify's consent page was still open in the browser:
/// spotkey must go on waiting in the tray, store the grant when the user approves, and only
/// then give back what the window took.
#[tokio::test]
async fn a_sign_in_still_in_the_browser_when_the_window_closes_finishes_in_the_tray() {
    let desk = TrayDesk::new().await;
    let (in_tray, app) = (&desk.in_tray, desk.launch().await);
    app.click("#connect").await;
    app.wait_for_text("#connecting-title", "Approve spotkey in your browser", WAIT)
        .await;
    let read_link = "return document.getElementById('sign-in-link').textContent;";
    let link = std::sync::Mutex::new(String::new());
    support::wait::until("the sign-in link on screen", WAIT, || {
        let shown = app.client.execute(read_link, vec![]);
        let link = &link;
        async move {
            let text = shown.await.ok().and_then(|v| v.as_str().map(String::from));
            let text = text.unwrap_or_default();
            let found = text.starts_with("http");
            *link.lock().unwrap() = text;
            found
        }
    })
    .await;
    let link = link.into_inner().unwrap();
    let spotkey = spotkey_pid(app.processes());
    let from_window = started_by_window(spotkey, in_tray);

    close_window(&app);
    support::wait::until("WebKit's processes to end", GONE_WITHIN, || {
        let left = webkit(&app_only(app.processes())).is_empty();
        async move { left }
    })
    .await;
    // The user approves in the browser now.
    let page = support::user::follow(&link).await;

    let (status, body) = page.expect("spotkey's listener answers after the window closed");
    assert_eq!(status, 200, "{body}");
    let signed_in = Command::new(env!("CARGO_BIN_EXE_spotkey"))
        .arg("status")
        .envs(desk.home.env(&desk.fake))
        .output()
        .expect("run spotkey status");
    assert!(
        signed_in.status.success(),
        "not signed in after approving: {}",
        String::from_utf8_lossy(&signed_in.stdout)
    );
    threads_end(spotkey, &from_window).await;
    assert_eq!(spotkey_pid(app.processes()), spotkey);
    app.quit().await;
}
