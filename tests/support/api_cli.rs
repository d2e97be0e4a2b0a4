//! `spotkey api …` as a script runs it: a user signed in two minutes ago (so a 401 earns a
//! real refresh), the command run with a deadline, and a check that no token Spotify issued
//! appears in anything it printed.
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use spotkey::auth::session::now_unix;
use spotkey::auth::sign_in::Quiet;
use spotkey::auth::CancelHandle;

use super::cli_user::{run_within_input, Finished};
use super::fake_spotify::FakeSpotify;
use super::home::TestHome;
use super::item::rewrite_session;
use super::user::ScriptedUser;

/// Long enough for a cold, busy machine; a hung command fails the test instead of hanging it.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Signs `home` in against `fake`; its access token was issued two minutes ago. Returns it.
pub async fn signed_in(fake: &FakeSpotify, home: &TestHome) -> String {
    home.account(fake)
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
    let issued = now_unix() - 120;
    let times = json!({"access_issued_at": issued, "access_expires_at": issued + 3600});
    rewrite_session(home, fake, times).await
}

/// A fake Spotify and a user signed in to it two minutes ago.
pub async fn signed_in_user() -> (FakeSpotify, TestHome) {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    signed_in(&fake, &home).await;
    (fake, home)
}

/// `spotkey api <args>` with nothing on standard input.
pub fn api(home: &TestHome, fake: &FakeSpotify, args: &[&str]) -> Finished {
    api_with(home.cli(fake), args, b"")
}

/// `cmd api <args>` with `input` on standard input.
pub fn api_with(mut cmd: Command, args: &[&str], input: &[u8]) -> Finished {
    cmd.arg("api").args(args);
    run_within_input(&mut cmd, input, LIMIT).unwrap_or_else(|e| panic!("spotkey api {args:?}: {e}"))
}

/// The command's output as JSON (the test fails with the text when it is not).
pub fn json_of(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// No code, access or refresh token the fake issued shows in `outputs`.
pub fn assert_no_secret(fake: &FakeSpotify, outputs: &[&Finished]) {
    let secrets = fake.issued_secrets();
    assert!(!secrets.is_empty());
    for out in outputs {
        for secret in &secrets {
            assert!(
                !out.stdout.contains(secret.as_str()) && !out.stderr.contains(secret.as_str()),
                "a secret was printed: {}{}",
                out.stdout,
                out.stderr
            );
        }
    }
}

/// The one `spotkey:` line of a failed command's stderr.
pub fn the_error_line(out: &Finished) -> &str {
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("spotkey:"))
        .collect();
    assert_eq!(lines.len(), 1, "one error line: {:?}", out.stderr);
    lines[0]
}
