//! Secrets never leave the keychain by accident: a whole life (sign-in, status, refresh with
//! rotation, sign-out) at trace log level, and not one code, token, verifier or client secret
//! shows up in anything spotkey printed or any file it wrote.
mod support;

use support::cli_user::{login_with_input, run};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;

const CLIENT_SECRET: &str = "test-secret";

#[tokio::test]
async fn a_traced_pkce_session_prints_and_writes_no_secret() {
    traced_session_leaks_nothing(false).await;
}

#[tokio::test]
async fn a_traced_client_secret_session_prints_and_writes_no_secret() {
    traced_session_leaks_nothing(true).await;
}

async fn traced_session_leaks_nothing(with_client_secret: bool) {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let traced = |cmd: &mut std::process::Command| {
        cmd.env("SPOTKEY_LOG", "trace");
    };
    let mut transcript = String::new();

    let mut login = home.cli(&fake);
    traced(&mut login);
    login.args(["login", "--no-browser", "--save"]);
    let stdin = format!("{CLIENT_SECRET}\n");
    let out = if with_client_secret {
        login.arg("--client-secret-stdin");
        login_with_input(login, Some(stdin.as_bytes())).await
    } else {
        login_with_input(login, None).await
    };
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("TRACE") || out.stderr.contains("DEBUG"),
        "trace logging was really on"
    );
    transcript += &(out.stdout + &out.stderr);

    // Force two refreshes (the cached access token is an hour old); with PKCE both rotate.
    for _ in 0..2 {
        let vault = home.account(&fake).vault().clone();
        let mut session = vault.load_session().await.unwrap().unwrap();
        session.access_expires_at = 1;
        vault.save_session(&session).await.unwrap();
        let mut token = home.cli(&fake);
        traced(&mut token);
        let out = run(token.arg("token"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        transcript += &out.stderr; // stdout is the token itself, by design
    }
    for args in [&["status"][..], &["status", "--json"], &["logout"]] {
        let mut cmd = home.cli(&fake);
        traced(&mut cmd);
        let out = run(cmd.args(args));
        transcript += &(out.stdout + &out.stderr);
    }

    let mut secrets = fake.issued_secrets();
    secrets.push(CLIENT_SECRET.into());
    assert!(
        secrets.len() >= 5,
        "codes, access and refresh tokens, verifier: {}",
        secrets.len()
    );
    assert!(fake.token_requests("refresh_token") >= 2);
    for secret in &secrets {
        assert!(
            !transcript.contains(secret.as_str()),
            "a secret appeared in the output:\n{transcript}"
        );
        for (path, bytes) in home.written_files() {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(secret.as_str()),
                "a secret appeared in {}",
                path.display()
            );
        }
    }
    assert!(
        !home.written_files().is_empty(),
        "spotkey did write its settings and caches"
    );
}
