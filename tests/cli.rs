//! `spotkey login|status|token|logout` as scripts use them: exit codes, JSON, one-line errors,
//! and one refresh however many processes ask at once.
mod support;

use serde_json::Value;
use support::cli_user::{login_following_the_link, run, Finished};
use support::fake_spotify::{extended_quota_profile, FakeConfig, FakeSpotify};
use support::home::TestHome;

async fn login(home: &TestHome, fake: &FakeSpotify) -> Finished {
    let mut cmd = home.cli(fake);
    cmd.args(["login", "--no-browser"]);
    login_following_the_link(cmd).await
}

fn status_json(home: &TestHome, fake: &FakeSpotify) -> (i32, Value) {
    let out = run(home.cli(fake).args(["status", "--json"]));
    (
        out.code,
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout)),
    )
}

#[tokio::test]
async fn login_status_token_logout_round_trip() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();

    let (code, json) = status_json(&home, &fake);
    assert_eq!((code, json["state"].as_str()), (1, Some("signed_out")));

    let login = login(&home, &fake).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert!(
        login.stdout.contains("Signed in as Fake User (fakeuser)"),
        "{}",
        login.stdout
    );
    assert!(
        login.stderr.contains("http://127.0.0.1:"),
        "the link is always shown"
    );

    let (code, json) = status_json(&home, &fake);
    assert_eq!(code, 0);
    assert_eq!(json["state"], "signed_in");
    assert_eq!(json["user"]["id"], "fakeuser");
    assert_eq!(json["user"]["account_id"], "acc_5f2b9c");
    assert_eq!(
        json["user"]["email"],
        Value::Null,
        "development-mode apps get no email"
    );
    assert_eq!(
        json["scopes"],
        serde_json::json!(["user-read-email", "user-read-private"])
    );
    assert_eq!(json["access_token_valid"], true);
    assert!(json["connection_expires_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let human = run(home.cli(&fake).arg("status"));
    assert!(
        human.stdout.contains("Signed in as Fake User"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("Stays connected until"));

    let token = run(home.cli(&fake).arg("token"));
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert!(token.stdout.trim().starts_with("BQD_"));
    assert_eq!(
        token.stdout.lines().count(),
        1,
        "only the token, for $(spotkey token)"
    );

    let logout = run(home.cli(&fake).arg("logout"));
    assert_eq!(logout.code, 0);
    assert!(
        logout.stderr.contains("spotify.com/account/apps"),
        "{}",
        logout.stderr
    );
    assert_eq!(home.keychain_item_count(), 0);
    assert_eq!(status_json(&home, &fake).0, 1);
    let token = run(home.cli(&fake).arg("token"));
    assert_eq!(token.code, 1);
    assert!(token.stderr.contains("spotkey login"));
    assert_eq!(token.stderr.lines().count(), 1, "{}", token.stderr);
}

/// An app with extended quota gets the email, country and plan; the country reads by name in
/// `status`, and `--json` keeps Spotify's code.
#[tokio::test]
async fn status_names_the_country_and_json_keeps_its_code() {
    let fake = FakeSpotify::start_with(FakeConfig {
        profile: extended_quota_profile(),
        ..FakeConfig::default()
    });
    let home = TestHome::new();
    assert_eq!(login(&home, &fake).await.code, 0);

    let human = run(home.cli(&fake).arg("status"));
    assert!(
        human.stdout.contains("  Country: Sweden (SE)\n"),
        "{}",
        human.stdout
    );
    let (_, json) = status_json(&home, &fake);
    assert_eq!(json["user"]["country"], "SE", "{json}");
}

#[tokio::test]
async fn five_processes_with_an_expired_token_make_one_refresh() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    assert_eq!(login(&home, &fake).await.code, 0);
    let vault = home.account(&fake).vault().clone();
    let mut session = vault.load_session().await.unwrap().unwrap();
    session.access_expires_at = 1;
    vault.save_session(&session).await.unwrap();

    let children: Vec<_> = (0..5)
        .map(|_| {
            home.cli(&fake)
                .arg("token")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();

    for out in &outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        fake.token_requests("refresh_token"),
        1,
        "exactly one refresh across processes"
    );
    let mut tokens: Vec<_> = outputs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .collect();
    tokens.dedup();
    assert_eq!(tokens.len(), 1);
}

#[test]
fn missing_client_id_explains_how_to_create_one() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let out = run(home
        .cli(&fake)
        .env_remove("SPOTKEY_CLIENT_ID")
        .args(["login", "--no-browser"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("developer.spotify.com/dashboard"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("http://127.0.0.1/callback"));
    assert_eq!(out.stderr.lines().count(), 1);
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn bad_input_gets_one_clear_line_and_no_panic() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let cases: &[&[&str]] = &[
        &["login", "--scope", "user-read-emial"],
        &["login", "--client-id", "not an id!"],
        &["login", "--timeout", "0"],
        &["frobnicate"],
    ];
    for args in cases {
        let out = run(home.cli(&fake).args(*args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(!out.stderr.is_empty());
    }
    let scope = run(home
        .cli(&fake)
        .args(["login", "--scope", "user-read-emial"]));
    assert!(
        scope.stderr.contains("user-read-email"),
        "suggests valid scopes: {}",
        scope.stderr
    );
    let env_url = run(home
        .cli(&fake)
        .env("SPOTKEY_ACCOUNTS_URL", "ftp://x")
        .arg("status"));
    assert_eq!(env_url.code, 2);
    assert!(env_url.stderr.contains("SPOTKEY_ACCOUNTS_URL"));
}

#[tokio::test]
async fn save_remembers_the_client_id_and_keeps_the_secret_out_of_the_settings_file() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut cmd = home.cli(&fake);
    cmd.env_remove("SPOTKEY_CLIENT_ID").args([
        "login",
        "--no-browser",
        "--client-id",
        "test-client",
        "--client-secret-stdin",
        "--save",
    ]);
    let out = support::cli_user::login_with_input(cmd, Some(b"test-secret\n")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);

    let settings = std::fs::read_to_string(home.paths().config_dir.join("settings.json")).unwrap();
    assert!(settings.contains("test-client"));
    assert!(!settings.contains("test-secret"));
    let exchange = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/token")
        .unwrap();
    assert!(
        exchange.headers["authorization"].starts_with("Basic "),
        "the saved secret is used"
    );
    // A later run with no flags and no env finds both.
    let status = run(home
        .cli(&fake)
        .env_remove("SPOTKEY_CLIENT_ID")
        .arg("status"));
    assert_eq!(status.code, 0, "{}", status.stderr);
    let forget = run(home.cli(&fake).args(["logout", "--forget-app"]));
    assert_eq!(forget.code, 0);
    assert_eq!(home.keychain_item_count(), 0, "the client secret went too");
}
