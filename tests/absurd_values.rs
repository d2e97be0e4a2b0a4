//! Hostile numbers and settings: clear-text endpoints and path-like keychain names are refused
//! with one line; absurd lifetimes from Spotify, absurd times in the keychain item or the
//! session summary never crash `status`/`token` and never pin a token.
mod support;

use std::path::Path;

use serde_json::{json, Value};
use spotkey::auth::session::now_unix;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{CancelHandle, Status};
use support::cli_user::{run, Finished};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::item::rewrite_session;
use support::user::ScriptedUser;

async fn sign_in(fake: &FakeSpotify, home: &TestHome) {
    home.account(fake)
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
}

/// Every file and directory under the test home.
fn entries(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            out.push(entry.path().display().to_string());
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out
}

fn assert_one_line_naming(out: &Finished, variable: &str) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(variable), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn clear_text_endpoints_are_refused_naming_the_variable() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    for variable in ["SPOTKEY_ACCOUNTS_URL", "SPOTKEY_API_URL"] {
        for url in ["http://example.com", "http://localhost:8080"] {
            let out = run(home.cli(&fake).arg("token").env(variable, url));
            assert_one_line_naming(&out, variable);
        }
        // A loopback literal is accepted: status reads only the keychain (signed out: 1).
        for url in [
            "http://127.5.6.7:1",
            "http://[::1]:1/v1",
            "https://example.com",
        ] {
            let out = run(home.cli(&fake).arg("status").env(variable, url));
            assert_eq!(out.code, 1, "{url}: {}", out.stderr);
        }
    }
    assert!(fake.requests().is_empty(), "nothing was sent anywhere");
}

#[test]
fn a_path_like_keychain_service_is_refused_and_creates_nothing() {
    let fake = FakeSpotify::start();
    for service in ["../x", "a/b", "", &"a".repeat(65)] {
        for command in ["token", "logout", "status"] {
            let home = TestHome::new();
            let out = run(home
                .cli(&fake)
                .arg(command)
                .env("SPOTKEY_KEYCHAIN_SERVICE", service));
            assert_one_line_naming(&out, "SPOTKEY_KEYCHAIN_SERVICE");
            assert_eq!(
                entries(home.root()),
                Vec::<String>::new(),
                "{command} {service:?}"
            );
        }
    }
}

#[tokio::test]
async fn absurd_expires_in_neither_panics_nor_loses_the_grant() {
    for raw in [
        json!(0),
        json!(-1),
        json!(1e30),
        serde_json::from_str::<Value>("18446744073709551616").unwrap(),
        json!(u64::MAX),
        json!("3600"),
    ] {
        let fake = FakeSpotify::start();
        let home = TestHome::new();
        sign_in(&fake, &home).await;
        rewrite_session(&home, &fake, json!({"access_expires_at": 1})).await;
        fake.set_expires_in_json(Some(raw.clone()));
        let token = run(home.cli(&fake).arg("token"));
        assert_eq!(token.code, 0, "{raw}: {}", token.stderr);
        assert_eq!(fake.token_requests("refresh_token"), 1, "{raw}");
        let status = run(home.cli(&fake).args(["status", "--json"]));
        assert_eq!(status.code, 0, "{raw}: {}", status.stderr);
        let json: Value = serde_json::from_str(&status.stdout).unwrap();
        let expires = json["access_token_expires_at"].as_str().unwrap();
        assert!(expires.starts_with("20"), "{raw}: {expires}");

        // Whatever the lifetime said, the rotated grant was stored and still refreshes.
        fake.set_expires_in_json(None);
        rewrite_session(&home, &fake, json!({"access_expires_at": 1})).await;
        let again = run(home.cli(&fake).arg("token"));
        assert_eq!(again.code, 0, "{raw}: {}", again.stderr);
        assert_eq!(fake.token_requests("refresh_token"), 2, "{raw}");
    }
}

#[tokio::test]
async fn absurd_times_in_the_keychain_neither_panic_nor_pin_the_token() {
    let max = u64::MAX;
    for times in [
        json!({"access_expires_at": max, "authorized_at": max}),
        json!({"access_expires_at": max, "authorized_at": 0}),
        json!({"access_expires_at": max, "access_issued_at": max, "authorized_at": now_unix()}),
        json!({"access_expires_at": 1e30, "authorized_at": -1, "v": max}),
        json!({"access_expires_at": -5, "authorized_at": "yesterday"}),
    ] {
        let fake = FakeSpotify::start();
        let home = TestHome::new();
        sign_in(&fake, &home).await;
        let mut fields = times.clone();
        fields["access_token"] = json!("BQD_stale");
        rewrite_session(&home, &fake, fields).await;

        let human = run(home.cli(&fake).arg("status"));
        assert_eq!(human.code, 0, "{times}: {}", human.stderr);
        assert!(
            human.stdout.contains("expired; refreshed on next use"),
            "{}",
            human.stdout
        );
        let status = run(home.cli(&fake).args(["status", "--json"]));
        assert_eq!(status.code, 0, "{times}: {}", status.stderr);
        let json: Value = serde_json::from_str(&status.stdout).unwrap();
        assert_eq!(json["access_token_valid"], false, "{times}");

        let token = run(home.cli(&fake).arg("token"));
        assert_eq!(token.code, 0, "{times}: {}", token.stderr);
        assert_ne!(
            token.stdout.trim(),
            "BQD_stale",
            "{times}: the token was pinned"
        );
        assert_eq!(fake.token_requests("refresh_token"), 1, "{times}");
        let again = run(home.cli(&fake).arg("token"));
        assert_eq!(
            again.stdout, token.stdout,
            "a sane expiry now: no second refresh"
        );
        assert_eq!(fake.token_requests("refresh_token"), 1, "{times}");
    }
}

#[tokio::test]
async fn an_absurd_session_summary_paints_without_panicking() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    sign_in(&fake, &home).await;
    let path = home.paths().cache_dir.join("session.json");
    for times in [
        json!({"access_expires_at": u64::MAX, "authorized_at": u64::MAX}),
        json!({"access_expires_at": -1, "authorized_at": 1e300, "access_issued_at": "x"}),
        json!({}),
    ] {
        let mut summary = json!({"client_id": "test-client", "scopes": ["user-read-email"]});
        for (k, v) in times.as_object().unwrap() {
            summary[k] = v.clone();
        }
        std::fs::write(&path, summary.to_string()).unwrap();
        let Status::SignedIn(s) = home.account(&fake).cached_status() else {
            panic!("{times}: the summary should still paint a signed-in window");
        };
        assert!(!s.access_valid, "{times}");
        for at in [s.access_expires_at, s.authorized_at, s.grant_expires_at] {
            assert!(spotkey::time_fmt::rfc3339(at).ends_with('Z'));
        }
    }
}
