//! The desktop app on desktops with and without a tray (stock GNOME has none): each test runs
//! spotkey-desktop on its own X display and its own session bus, where a fake panel's
//! StatusNotifierWatcher is there or not. Without a tray no spotkey is ever left running unseen,
//! and Settings says why the tray options are off.
#![cfg(target_os = "linux")]

mod support;

use support::bare_desktop::{Desk, FakeXembedTray, AUTOSTART_WAIT, WINDOW_WAIT};
use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::session_bus::{FakeTray, SessionBus};

#[test]
fn without_a_tray_closing_the_window_quits_spotkey() {
    let desk = Desk::new();
    let mut app = desk.launch_window();

    desk.close_window();

    let status = app.assert_ends(WINDOW_WAIT);
    assert!(status.success(), "{status}: {}", app.log());
}

#[test]
fn with_a_tray_closing_the_window_keeps_spotkey_in_the_tray() {
    let desk = Desk::new();
    let _tray = FakeTray::start(&desk.bus);

    closing_the_window_keeps_spotkey_in_the_tray(&desk);
}

#[test]
fn with_an_xembed_tray_closing_the_window_keeps_spotkey_in_the_tray() {
    let desk = Desk::new();
    let _tray = FakeXembedTray::start(desk.display());

    closing_the_window_keeps_spotkey_in_the_tray(&desk);
}

/// Closed, the window goes; a second launch brings it back from the spotkey still running.
fn closing_the_window_keeps_spotkey_in_the_tray(desk: &Desk) {
    let mut app = desk.launch_window();
    desk.close_and_wait(&app);
    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_tray_that_appears_after_the_start_is_noticed() {
    let desk = Desk::new();
    let mut app = desk.launch_window();

    let _tray = FakeTray::start(&desk.bus);
    app.wait_noticed(true);
    desk.close_and_wait(&app);

    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_tray_that_goes_away_after_the_start_is_noticed() {
    let desk = Desk::new();
    let tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch_window();

    drop(tray);
    app.wait_noticed(false);
    desk.close_window();

    app.assert_ends(WINDOW_WAIT);
}

#[test]
fn a_tray_that_goes_for_good_takes_a_windowless_spotkey_with_it() {
    let desk = Desk::new();
    let tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch_window();
    desk.close_and_wait(&app);
    assert!(app.running(), "spotkey left the tray: {}", app.log());

    drop(tray);

    app.assert_ends(AUTOSTART_WAIT);
}

#[test]
fn autostart_without_a_tray_exits_instead_of_running_unseen() {
    let desk = Desk::new();
    let mut app = desk.launch(&["--hidden"]);

    let status = app.assert_ends(AUTOSTART_WAIT);

    assert!(status.success(), "{status}: {}", app.log());
    let log = app.log();
    assert!(log.contains("no tray"), "no line says why: {log}");
    assert!(!desk.window_shown(), "a login item opened a window");
}

#[test]
fn autostart_with_a_tray_stays_in_the_tray_without_a_window() {
    let desk = Desk::new();
    let _tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&["--hidden"]);
    desk.bus.wait_for_single_instance(WINDOW_WAIT);
    assert!(!desk.window_shown(), "a login item opened a window");

    desk.reopen_through_second_launch(&mut app);
}

/// A person who chose to start in the tray: with one, no window (a second launch shows it);
/// without one, the window all the same, since nothing else would show that spotkey runs.
#[test]
fn a_user_who_prefers_the_tray_starts_in_it_when_there_is_one() {
    let desk = Desk::new();
    desk.prefer_the_tray();
    let tray = FakeTray::start(&desk.bus);
    let mut app = desk.launch(&[]);
    // A start with the window builds it before its tray icon; this one has only the icon.
    tray.wait_for_item(WINDOW_WAIT);
    assert!(
        !desk.window_shown(),
        "the window opened for a user who prefers the tray"
    );

    desk.reopen_through_second_launch(&mut app);
}

#[test]
fn a_user_who_prefers_the_tray_sees_the_window_when_there_is_none() {
    let desk = Desk::new();
    desk.prefer_the_tray();
    let app = desk.launch(&[]);
    desk.wait_window(&app, true);
}

/// Settings read on a desktop with or without a tray: the tray note's text (None when hidden)
/// and whether "Start spotkey when I log in" can be ticked.
async fn startup_settings(with_tray: bool) -> (Option<String>, bool) {
    let (bus, fake, home) = (SessionBus::start(), FakeSpotify::start(), TestHome::new());
    let _tray = with_tray.then(|| FakeTray::start(&bus));
    let mut env = home.env(&fake);
    env.push(("DBUS_SESSION_BUS_ADDRESS", bus.address().into()));
    let desktop = Desktop::launch(env, &[]).await;
    desktop.click("#open-settings").await;
    // Filled once the settings arrived: the client ID the environment gives.
    support::wait::until("the settings arrived", WAIT, || async {
        let field = desktop.wait_for("#settings-client-id").await;
        field.prop("value").await.ok().flatten() == Some("test-client".into())
    })
    .await;
    let note = desktop.wait_for("#tray-unavailable").await;
    let shown = note.is_displayed().await.unwrap_or(false);
    let text = note.text().await.unwrap_or_default();
    let can_tick = desktop.wait_for("#autostart").await.is_enabled().await;
    desktop.quit().await;
    (shown.then_some(text), can_tick.unwrap_or(false))
}

#[tokio::test]
async fn settings_say_why_the_tray_options_are_off_without_a_tray() {
    let (note, can_tick) = startup_settings(false).await;

    let note = note.expect("no note about the tray in Settings");
    assert!(note.contains("No tray on this desktop"), "{note}");
    assert!(!can_tick, "launch at login can be turned on with no tray");
}

#[tokio::test]
async fn settings_offer_the_tray_options_with_a_tray() {
    let (note, can_tick) = startup_settings(true).await;

    assert_eq!(note, None);
    assert!(can_tick);
}
