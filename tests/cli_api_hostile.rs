//! `spotkey api` in a hostile world: the token goes to no other host — not for a URL given on
//! the command line, not for a `next` link, not on a redirect (the other host hears nothing) —
//! and text from the network cannot act on the terminal, while a pipe gets the exact bytes.
mod support;

use std::process::Command;

use serde_json::json;
use support::api_cli::{api, assert_no_secret, signed_in_user, the_error_line, LIMIT};
use support::cli_user::{run_within, Finished};
use support::fake_spotify::{FakeSpotify, Fault};
use support::home::TestHome;

/// Recolours, clears, rings, and reverses what follows (C1 CSI and bidi go through JSON raw).
const HOSTILE: &str = "Song\x1b[2J\x07\u{9b}31m\u{202E}\u{2066}gnos";

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_that_host_hears_nothing() {
    let (fake, home) = signed_in_user().await;
    let other = FakeSpotify::start();
    fake.set_link_base(Some(other.accounts_url()));

    let out = api(&home, &fake, &["--paginate", "/me/playlists?limit=2"]);

    assert_eq!(out.code, 2, "{}", out.stderr);
    let line = the_error_line(&out);
    assert!(
        line.contains("refused") && line.contains(&other.accounts_url()),
        "{line}"
    );
    assert!(
        other.requests().is_empty(),
        "the other host got {:?}",
        other.requests()
    );
    assert!(
        !out.stdout.trim_end().ends_with(']'),
        "a partial list is not closed: {}",
        out.stdout
    );
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_that_host_hears_nothing() {
    let (fake, home) = signed_in_user().await;
    let other = FakeSpotify::start();
    fake.push_api_fault(Fault::Redirect(format!("{}/me/playlists", other.api_url())));

    let out = api(&home, &fake, &["/me/playlists"]);

    assert_eq!(out.code, 2, "{}", out.stderr);
    let line = the_error_line(&out);
    assert!(
        line.contains("refused") && line.contains("redirected"),
        "{line}"
    );
    assert!(
        other.requests().is_empty(),
        "the other host got {:?}",
        other.requests()
    );
    assert_eq!(
        fake.api_requests("GET", "/v1/me/playlists").len(),
        1,
        "not retried either"
    );
    assert_no_secret(&fake, &[&out]);
}

#[tokio::test]
async fn a_url_or_header_that_would_leak_the_token_is_refused_before_sending() {
    let (fake, home) = signed_in_user().await;
    let other = FakeSpotify::start();
    let seen = fake.requests().len();

    let elsewhere = api(&home, &fake, &[&format!("{}/me", other.api_url())]);
    let outside = api(
        &home,
        &fake,
        &[&format!("{}/api/token", fake.accounts_url())],
    );
    let climbing = api(&home, &fake, &["/v1/../api/token"]);
    let header = api(&home, &fake, &["-H", "Authorization: Bearer mine", "/me"]);
    let host = api(&home, &fake, &["-H", "Host: elsewhere.example", "/me"]);

    for out in [&elsewhere, &outside, &climbing, &header, &host] {
        assert_eq!(out.code, 2, "{}", out.stderr);
        the_error_line(out);
    }
    assert!(the_error_line(&elsewhere).contains("refused"));
    assert!(the_error_line(&header).contains("authorization header is spotkey's"));
    assert!(other.requests().is_empty());
    assert_eq!(fake.requests().len(), seen, "nothing was sent");
    assert_no_secret(&fake, &[&elsewhere, &outside, &climbing, &header, &host]);
}

#[tokio::test]
async fn a_hostile_body_is_raw_through_a_pipe() {
    let (fake, home) = signed_in_user().await;
    fake.set_now_playing(Some(json!({"item": {"name": HOSTILE}, "is_playing": true})));

    let out = api(&home, &fake, &["/me/player/currently-playing"]);

    assert_eq!(out.code, 0, "{}", out.stderr);
    let sent = json!({"item": {"name": HOSTILE}, "is_playing": true}).to_string();
    assert_eq!(out.stdout, sent, "the exact bytes Spotify sent");
    assert!(out.stdout.contains('\u{9b}') && out.stdout.contains('\u{202E}'));
}

/// `spotkey api <args>` on a pseudo-terminal (util-linux `script`), as `home` against `fake`.
fn on_a_terminal(home: &TestHome, fake: &FakeSpotify, colour: bool, args: &str) -> Finished {
    let mut cmd = Command::new("script");
    let command = format!("{} api {args}", env!("CARGO_BIN_EXE_spotkey"));
    cmd.args(["-q", "-e", "-c", &command, "/dev/null"])
        .envs(home.env(fake))
        .env_remove("SPOTKEY_LOG");
    if colour {
        cmd.env_remove("NO_COLOR");
    } else {
        cmd.env("NO_COLOR", "1");
    }
    run_within(&mut cmd, LIMIT).expect("script (util-linux) runs spotkey on a pty")
}

#[tokio::test]
async fn a_hostile_body_is_inert_and_pretty_on_a_terminal() {
    let (fake, home) = signed_in_user().await;
    fake.set_now_playing(Some(json!({"item": {"name": HOSTILE}})));

    let plain = on_a_terminal(&home, &fake, false, "/me/player/currently-playing");
    assert_eq!(plain.code, 0, "{}{}", plain.stdout, plain.stderr);
    let raw: Vec<char> = plain
        .stdout
        .chars()
        .filter(|&c| spotkey::inert::is_dangerous(c) && c != '\r' && c != '\n')
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {:?}", plain.stdout);
    assert!(
        plain
            .stdout
            .contains(r#""name": "Song\u001b[2J\u0007\u009b31m\u202e\u2066gnos""#),
        "{:?}",
        plain.stdout
    );

    let coloured = on_a_terminal(&home, &fake, true, "/me/player/currently-playing");
    assert_eq!(coloured.code, 0);
    let ours = ["\x1b[0m", "\x1b[32m", "\x1b[1;34m", "\x1b[36m", "\x1b[33m"];
    for (at, _) in coloured.stdout.match_indices('\x1b') {
        let rest = &coloured.stdout[at..];
        assert!(
            ours.iter().any(|sgr| rest.starts_with(sgr)),
            "a foreign escape at {:?}",
            &rest[..rest.len().min(12)]
        );
    }
    assert!(!coloured.stdout.contains('\u{9b}') && !coloured.stdout.contains('\u{202E}'));

    let pages = on_a_terminal(&home, &fake, false, "--paginate '/me/playlists?limit=2'");
    assert_eq!(pages.code, 0, "{}", pages.stdout);
    let array: serde_json::Value = serde_json::from_str(&pages.stdout.replace('\r', "")).unwrap();
    assert_eq!(array.as_array().map(Vec::len), Some(5), "{}", pages.stdout);
    assert!(
        pages.stdout.starts_with("[\r\n  {\r\n    \""),
        "pretty: {:?}",
        pages.stdout
    );
    assert_no_secret(&fake, &[&plain, &coloured, &pages]);
}
