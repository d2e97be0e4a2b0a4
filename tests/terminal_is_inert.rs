//! Text spotkey did not write (a display name, Spotify's error descriptions, a callback's `error`)
//! reaches the terminal inert: no control or bidi character, one line, a bounded length; while
//! `status --json` keeps it exact. Logs carry colour codes only to a terminal that wants them.
mod support;

use std::process::{Command, Stdio};

use serde_json::{json, Value};
use support::cli_user::{login_answering, login_without_browser, run};
use support::fake_spotify::{FakeConfig, FakeSpotify, Fault};
use support::home::TestHome;
use support::user;

/// Recolours, rings, returns the carriage, forges a line, hides the rest (NUL) and reverses it.
const HOSTILE_NAME: &str = "Ada\x1b[31m\x07\rroot\nSigned in as root\0\u{202E}nimda\u{2066}";

fn fake_with_name(display_name: &str) -> FakeSpotify {
    FakeSpotify::start_with(FakeConfig {
        profile: json!({
            "id": "ada_l",
            "account_id": "acc_7d1e",
            "display_name": display_name,
            "images": [],
            "type": "user",
            "uri": "spotify:user:ada_l"
        }),
        ..FakeConfig::default()
    })
}

/// Characters a terminal would act on or reorder; our own line breaks are the only control.
fn raw_controls(text: &str) -> Vec<char> {
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n') || bidi(c))
        .collect()
}

fn assert_inert(what: &str, text: &str) {
    let raw = raw_controls(text);
    assert!(raw.is_empty(), "{what} printed raw {raw:?}: {text:?}");
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

/// A failed login's stderr: inert, with exactly one error line, which is returned.
fn the_one_error_line(login_stderr: &str) -> &str {
    assert_inert("login (stderr)", login_stderr);
    let errors = lines_with(login_stderr, "spotkey:");
    assert_eq!(errors.len(), 1, "one error line: {login_stderr:?}");
    errors[0]
}

#[tokio::test]
async fn a_hostile_display_name_cannot_recolour_the_terminal_or_forge_a_line() {
    let fake = fake_with_name(HOSTILE_NAME);
    let home = TestHome::new();

    let login = login_without_browser(home.cli(&fake)).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert_inert("login (stdout)", &login.stdout);
    assert_inert("login (stderr)", &login.stderr);
    let greeting = lines_with(&login.stdout, "Signed in as");
    assert_eq!(greeting.len(), 1, "one greeting line: {:?}", login.stdout);
    assert!(greeting[0].starts_with("Signed in as Ada"), "{greeting:?}");
    assert!(greeting[0].ends_with("(ada_l)."), "{greeting:?}");

    let status = run(home.cli(&fake).arg("status"));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_inert("status (stdout)", &status.stdout);
    assert_inert("status (stderr)", &status.stderr);
    let greeting = lines_with(&status.stdout, "Signed in as");
    assert_eq!(greeting.len(), 1, "one greeting line: {:?}", status.stdout);
    assert!(greeting[0].ends_with("(ada_l)"), "{greeting:?}");

    let json = run(home.cli(&fake).args(["status", "--json"]));
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["user"]["display_name"], HOSTILE_NAME,
        "--json keeps the name exact"
    );
}

#[tokio::test]
async fn a_ten_thousand_character_display_name_is_shortened_on_the_terminal_only() {
    let long = format!("Ada {}", "x".repeat(10_000));
    let fake = fake_with_name(&long);
    let home = TestHome::new();

    let login = login_without_browser(home.cli(&fake)).await;
    assert_eq!(login.code, 0, "{}", login.stderr);
    let status = run(home.cli(&fake).arg("status"));
    for (what, out) in [("login", &login.stdout), ("status", &status.stdout)] {
        let greeting = lines_with(out, "Signed in as");
        assert_eq!(greeting.len(), 1, "{what}: {out:?}");
        let shown = greeting[0].chars().count();
        assert!(shown < 300, "{what} shows {shown} characters of the name");
        assert!(greeting[0].contains("x…"), "{what} marks the cut");
        assert!(greeting[0].contains("(ada_l)"), "{what} still names the id");
    }
    let json = run(home.cli(&fake).args(["status", "--json"]));
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["user"]["display_name"], long.as_str());
}

#[tokio::test]
async fn a_hostile_error_description_from_the_token_endpoint_is_one_inert_line() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    fake.push_token_fault(Fault::OAuthError {
        error: "invalid_client\x1b]0;pwned\x07".into(),
        description: "Invalid client\x1b[2J\r\nspotkey: Signed in as root\u{202E}".into(),
    });

    let login = login_without_browser(home.cli(&fake)).await;
    assert_eq!(login.code, 2, "{}", login.stderr);
    let error = the_one_error_line(&login.stderr);
    assert!(error.starts_with("spotkey: Spotify rejected"), "{error}");
    assert!(error.contains("Invalid client"), "{error}");
    assert!(login.stdout.is_empty(), "{:?}", login.stdout);
}

#[tokio::test]
async fn a_callback_error_value_with_control_characters_is_one_inert_line() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut cmd = home.cli(&fake);
    cmd.args(["login", "--no-browser"]);
    // The "browser" skips Spotify and sends its own redirect, with the right state.
    let login = login_answering(cmd, None, |link| async move {
        let error = "%1B%5B31mserver_error%07%0D%0Aspotkey%3A%20Signed%20in%20as%20root%E2%80%AE";
        let back = format!(
            "{}?error={error}&state={}",
            user::redirect_uri_of(&link),
            user::state_of(&link)
        );
        user::follow(&back).await;
    })
    .await;

    assert_eq!(login.code, 2, "{}", login.stderr);
    let error = the_one_error_line(&login.stderr);
    assert!(
        error.starts_with("spotkey: Spotify refused the sign-in request"),
        "{error}"
    );
    assert!(error.contains("server_error"), "{error}");
}

/// `spotkey status` with debug logs on; at least one log line must be written for the check
/// to mean anything.
fn status_with_debug_logs(home: &TestHome, fake: &FakeSpotify) -> Command {
    let mut cmd = home.cli(fake);
    cmd.env("SPOTKEY_LOG", "debug").arg("status");
    cmd
}

/// Runs `cmd` with its stdout and stderr on a pseudo-terminal (util-linux `script`) and
/// returns what the terminal showed.
fn on_a_terminal(cmd: &Command) -> String {
    let mut line = shell_quote(cmd.get_program().to_str().unwrap());
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&shell_quote(arg.to_str().unwrap()));
    }
    let mut script = Command::new("script");
    script.args(["--quiet", "--return", "--command", &line, "/dev/null"]);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => script.env(key, value),
            None => script.env_remove(key),
        };
    }
    let out = script
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[test]
fn colour_codes_reach_only_a_terminal_that_wants_them() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let log_path = home.root().join("stderr.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let status = status_with_debug_logs(&home, &fake)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "signed out");
    let file = std::fs::read_to_string(&log_path).unwrap();
    assert!(file.contains("DEBUG"), "no log line to check: {file:?}");
    assert!(!file.contains('\x1b'), "colour codes in a file: {file:?}");

    let coloured = on_a_terminal(status_with_debug_logs(&home, &fake).env_remove("NO_COLOR"));
    assert!(coloured.contains("DEBUG"), "no log line: {coloured:?}");
    assert!(coloured.contains('\x1b'), "a terminal keeps its colours");
    let plain = on_a_terminal(status_with_debug_logs(&home, &fake).env("NO_COLOR", "1"));
    assert!(plain.contains("DEBUG"), "no log line: {plain:?}");
    assert!(
        !plain.contains('\x1b'),
        "NO_COLOR=1 still got colour: {plain:?}"
    );
}
