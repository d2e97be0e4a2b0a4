//! When the keychain cannot take the grant, the user hears why and what to do — and is never
//! sent to Spotify's consent page for nothing (the check runs before any browser opens).
mod support;

use std::path::PathBuf;
use std::process::Command;

use support::cli_user::{run, Finished};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;

/// A $BROWSER that only leaves a mark, so the test can tell whether a browser was started.
fn marking_browser(home: &TestHome) -> (String, PathBuf) {
    let mark = home.root().join("browser-opened");
    let script = home.root().join("browser.sh");
    std::fs::write(&script, format!("#!/bin/sh\ntouch '{}'\n", mark.display())).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    (script.display().to_string(), mark)
}

fn assert_no_consent_was_asked(out: &Finished, fake: &FakeSpotify, mark: &std::path::Path) {
    assert!(
        !mark.exists(),
        "no browser may open when the grant could not be stored"
    );
    assert!(
        !out.stderr.contains("/authorize"),
        "no sign-in link either: {}",
        out.stderr
    );
    assert!(fake.requests().is_empty(), "Spotify was never contacted");
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn without_a_secret_service_login_says_so_and_opens_no_browser() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let (browser, mark) = marking_browser(&home);

    let out = run(home
        .cli(&fake)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("BROWSER", browser)
        .arg("login"));

    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("keychain is not available"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("never falls back to a plain file"));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_no_consent_was_asked(&out, &fake, &mark);
    let status = run(home
        .cli(&fake)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .args(["status", "--json"]));
    assert_eq!(status.code, 2);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(json["error"]["code"], "keychain_unavailable");
}

#[test]
fn with_a_locked_keyring_login_says_unlock_it_and_opens_no_browser() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let (browser, mark) = marking_browser(&home);
    // Its own D-Bus session and keyring daemon, with the login keyring locked and no display
    // for a password prompt (with one, the call would wait for the user: see the timeout test).
    let data = home.root().join("locked-data");
    std::fs::create_dir_all(&data).unwrap();
    let script = "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
        dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \
        org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null && \
        exec \"$0\" login";
    let mut cmd = Command::new("dbus-run-session");
    let spotkey = home.cli(&fake).get_program().to_owned();
    cmd.args(["--", "sh", "-c", script]).arg(spotkey);
    for (k, v) in home.cli(&fake).get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("XDG_DATA_HOME", &data)
        .env("BROWSER", browser)
        .env_remove("DISPLAY");

    let out = run(&mut cmd);

    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("spotkey: The system keychain is locked. Unlock it"),
        "{}",
        out.stderr
    );
    assert_no_consent_was_asked(&out, &fake, &mark);
}
