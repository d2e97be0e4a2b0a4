//! The running desktop app follows what another spotkey process changed: `spotkey logout`,
//! `login` and `token --fresh` in a terminal show in the open window within seconds, a refresh
//! made elsewhere is not made again, and garbage in the cache directory changes nothing. The
//! window is driven over WebDriver (desktop.rs); the controller below it records its events.
#![cfg(target_os = "linux")]

mod support;

use std::ffi::OsString;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use spotkey::app::Connection;
use spotkey::auth::session::now_unix;
use support::app::{app as desktop, App};
use support::cli_user::{login_with_input, login_without_browser, run};
use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::item::rewrite_session;

/// How long the window may take to follow on a slow, busy machine (about a second on a quiet
/// one). Without following it never changes, so this bound cannot be met by accident.
const FOLLOW_DEADLINE: Duration = Duration::from_secs(5);

fn env(home: &TestHome, fake: &FakeSpotify) -> Vec<(String, OsString)> {
    let env = home.env(fake).into_iter();
    env.map(|(k, v)| (k.to_string(), v)).collect()
}

fn me_requests(fake: &FakeSpotify) -> usize {
    let requests = fake.requests();
    requests.iter().filter(|r| r.path == "/v1/me").count()
}

/// The fake's request log announces nothing: polled until the deadline.
async fn wait_until(what: &str, deadline: Duration, mut done: impl FnMut() -> bool) {
    support::wait::until(what, deadline, || std::future::ready(done())).await;
}

async fn cli_login(fake: &FakeSpotify, home: &TestHome) {
    let login = login_without_browser(home.cli(fake)).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
}

/// Signed in from a terminal, then the window opened and its start-up check done (the check
/// ends by reading the profile), so whatever the window shows later it learnt by following.
async fn window_after_cli_login(fake: &FakeSpotify, home: &TestHome) -> Desktop {
    cli_login(fake, home).await;
    let app = Desktop::launch(env(home, fake), &[]).await;
    app.wait_for_text("#display-name", "Fake User", WAIT).await;
    wait_until("the app's start-up check", WAIT, || me_requests(fake) >= 2).await;
    app
}

async fn cli_logout(fake: &FakeSpotify, home: &TestHome) {
    let logout = run(home.cli(fake).arg("logout"));
    assert_eq!(logout.code, 0, "{}", logout.stderr);
}

/// Runs `act` in a terminal, then waits for the window to show `expected` in `css`.
async fn window_follows(app: &Desktop, act: impl std::future::Future, css: &str, expected: &str) {
    act.await;
    let started = Instant::now();
    app.wait_for_text(css, expected, FOLLOW_DEADLINE).await;
    eprintln!(
        "the window showed {expected:?} after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_logout_and_a_login_in_a_terminal_show_in_the_open_window() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = window_after_cli_login(&fake, &home).await;

    let signed_out = ("#connect", "Connect Spotify");
    let signed_in = ("#display-name", "Fake User");
    window_follows(&app, cli_logout(&fake, &home), signed_out.0, signed_out.1).await;
    window_follows(&app, cli_login(&fake, &home), signed_in.0, signed_in.1).await;
    // Long after the app's own start-up: only following can show this.
    window_follows(&app, cli_logout(&fake, &home), signed_out.0, signed_out.1).await;
    assert_eq!(fake.token_requests("refresh_token"), 0, "nothing refreshed");
    app.quit().await;
}

/// Minutes the window says the access token has left ("expires in 1 h 5 min").
fn minutes_left(text: &str) -> Option<u64> {
    let text = text.replace('\u{a0}', " ");
    let words: Vec<&str> = text.split("expires in ").nth(1)?.split(' ').collect();
    let mut total = None;
    for pair in words.windows(2) {
        let unit = match pair[1] {
            "h" => 60,
            "min" => 1,
            _ => continue,
        };
        let n: u64 = pair[0].parse().ok()?;
        total = Some(total.unwrap_or(0) + n * unit);
    }
    total
}

async fn wait_for_minutes_left(app: &Desktop, what: &str, ok: impl Fn(u64) -> bool) {
    let end = Instant::now() + FOLLOW_DEADLINE;
    loop {
        let text = app.text("#access-expiry").await;
        if minutes_left(&text).is_some_and(&ok) {
            return;
        }
        assert!(Instant::now() < end, "{what}: the window says {text:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_refresh_in_a_terminal_shows_in_the_window_without_a_second_refresh() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    cli_login(&fake, &home).await;
    // The token is 40 minutes old: 20 left, not yet due, but `token --fresh` replaces it.
    let issued = now_unix() - 40 * 60;
    let times = json!({"access_issued_at": issued, "access_expires_at": issued + 3600});
    rewrite_session(&home, &fake, times).await;
    let app = Desktop::launch(env(&home, &fake), &[]).await;
    wait_until("the app's start-up check", WAIT, || me_requests(&fake) >= 2).await;
    wait_for_minutes_left(&app, "the old token", |m| (15..=21).contains(&m)).await;

    let fresh = run(home.cli(&fake).args(["token", "--fresh"]));
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert_eq!(fake.token_requests("refresh_token"), 1);
    wait_for_minutes_left(&app, "the new token", |m| m >= 50).await;
    assert_eq!(
        fake.token_requests("refresh_token"),
        1,
        "the app followed the refresh instead of making another"
    );
    app.quit().await;
}

fn last_event(app: &App) -> serde_json::Value {
    let events = app.recorder.events.lock().unwrap();
    serde_json::from_str(events.last().expect("a status was sent")).unwrap()
}

/// Replaces `name` the way spotkey writes its files (a rename), with whatever `make` leaves at
/// the temporary path.
fn replace(dir: &Path, name: &str, make: impl FnOnce(&Path)) {
    let tmp = dir.join(format!("{name}.hostile"));
    make(&tmp);
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

fn scribble_over_the_cache(dir: &Path) {
    replace(dir, "session.json", |p| {
        std::fs::write(p, b"{not json").unwrap()
    });
    replace(dir, "profile.json", |p| {
        std::os::unix::fs::symlink("/dev/zero", p).unwrap()
    });
    replace(dir, "state.json", |p| {
        let made = std::process::Command::new("mkfifo").arg(p).status();
        assert!(made.unwrap().success());
    });
}

#[tokio::test]
async fn garbage_in_the_cache_changes_nothing_and_a_real_logout_still_shows() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    app.signed_in().await;
    let follower = tokio::spawn(app.controller.clone().follow_other_processes());
    let shown = app.controller.publish().await;
    let sent_before = app.recorder.events.lock().unwrap().len();
    let dir = home.paths().cache_dir;

    scribble_over_the_cache(&dir);
    // A huge summary, then one that names another grant: the keychain has the last word.
    replace(&dir, "session.json", |p| {
        let file = std::fs::File::create(p).unwrap();
        file.set_len(64 * 1024 * 1024).unwrap();
    });
    let forged = json!({"client_id": "test-client", "scopes": [], "authorized_at": 1});
    replace(&dir, "session.json", |p| {
        std::fs::write(p, forged.to_string()).unwrap()
    });
    // What a second launch does; serialised with the watcher, so all of the above is read.
    tokio::time::timeout(WAIT, app.controller.follow_files())
        .await
        .expect("reading hostile files never hangs");
    let now = app.controller.last_status().unwrap();
    assert_eq!(now.connection, Connection::SignedIn);
    assert_eq!(
        now.account, shown.account,
        "the window shows the same account"
    );
    let events = app.recorder.events.lock().unwrap()[sent_before..].to_vec();
    let out = events.iter().find(|e| e.contains("signed_out"));
    assert!(out.is_none(), "never shown as signed out: {out:?}");

    cli_logout(&fake, &home).await;
    wait_until("the logout followed", FOLLOW_DEADLINE, || {
        last_event(&app)["connection"] == "signed_out"
    })
    .await;
    follower.abort();
}

#[tokio::test]
async fn a_second_launch_rereads_what_another_process_changed() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    app.controller.publish().await;
    // No watcher here (as when the inotify limit is reached): the second launch's re-read.
    cli_login(&fake, &home).await;
    app.controller.follow_files().await;
    assert_eq!(last_event(&app)["connection"], "signed_in");
    cli_logout(&fake, &home).await;
    app.controller.follow_files().await;
    assert_eq!(last_event(&app)["connection"], "signed_out");
    assert_eq!(fake.token_requests("refresh_token"), 0, "nothing refreshed");
}

#[tokio::test]
async fn after_a_login_in_a_terminal_the_app_renews_that_session_when_due() {
    let fake = FakeSpotify::start();
    // A 20 s token is due for renewal 10 s after it was issued.
    fake.set_access_token_ttl(20);
    let home = TestHome::new();
    let app = desktop(&home, &fake, Some("test-client"));
    let refresher = tokio::spawn(app.controller.clone().keep_fresh(Duration::ZERO));
    let follower = tokio::spawn(app.controller.clone().follow_other_processes());
    // The refresher found no session: it waits for news instead of a timer.
    wait_until("the refresher's first check", WAIT, || {
        !app.recorder.events.lock().unwrap().is_empty()
    })
    .await;
    assert_eq!(last_event(&app)["connection"], "signed_out");

    cli_login(&fake, &home).await;
    wait_until("the app renews the new session", WAIT + WAIT, || {
        fake.token_requests("refresh_token") >= 1
    })
    .await;
    refresher.abort();
    follower.abort();
}

/// The CLI without the test's client ID in the environment: the settings file decides.
fn cli_by_settings(fake: &FakeSpotify, home: &TestHome, args: &[&str]) -> std::process::Command {
    let mut cmd = home.cli(fake);
    cmd.env_remove("SPOTKEY_CLIENT_ID").args(args);
    cmd
}

async fn wait_for_event(app: &App, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
    wait_until(what, FOLLOW_DEADLINE, || {
        let events = app.recorder.events.lock().unwrap();
        let last = events.last().and_then(|e| serde_json::from_str(e).ok());
        last.is_some_and(|e| done(&e))
    })
    .await;
}

#[tokio::test]
async fn an_app_saved_or_forgotten_in_a_terminal_shows_in_the_window() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    // First run: no client ID anywhere, the window shows the setup.
    let app = desktop(&home, &fake, None);
    assert!(app.controller.publish().await.setup_needed);
    let follower = tokio::spawn(app.controller.clone().follow_other_processes());

    let save = [
        "login",
        "--no-browser",
        "--client-id",
        "test-client",
        "--save",
    ];
    let login = login_with_input(cli_by_settings(&fake, &home, &save), None).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
    wait_for_event(&app, "the window shows the account signed in", |e| {
        e["setup_needed"] == false && e["connection"] == "signed_in"
    })
    .await;

    let forget = run(&mut cli_by_settings(
        &fake,
        &home,
        &["logout", "--forget-app"],
    ));
    assert_eq!(forget.code, 0, "{}", forget.stderr);
    wait_for_event(&app, "the window shows the setup again", |e| {
        e["setup_needed"] == true
    })
    .await;
    assert_eq!(fake.token_requests("refresh_token"), 0, "nothing refreshed");
    follower.abort();
}
