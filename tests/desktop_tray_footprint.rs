//! spotkey in the tray, where it lives all day, costs little: closing the window ends every
//! WebKit process (and a second launch still brings the window back), and an idle spotkey has
//! no thread that wakes on a timer of its own.
#![cfg(target_os = "linux")]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::footprint::{app_only, spawn, wakeups, Hidden};
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

    // The window manager's close button.
    let closed = Command::new(format!("{SCRIPTS}/x11-close-window.py"))
        .args(["spotkey", "20"])
        .env("DISPLAY", app.display())
        .status()
        .expect("run x11-close-window.py");
    assert!(closed.success(), "the window did not close ({closed})");
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
