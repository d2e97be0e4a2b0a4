//! spotkey's own files and directories are never a reason to hang or to lose a grant: a
//! settings file that is a FIFO, a cache that cannot be written, an unusable lock directory,
//! a sign-in interrupted with Ctrl-C, a saved app replaced by another.
mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::cli_user::{login_following_the_link, run_within, run_within_input, Finished};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;

/// Far beyond what any of these commands needs; today's failures run forever.
const BOUND: Duration = Duration::from_secs(20);

fn bounded(cmd: &mut Command) -> Finished {
    run_within(cmd, BOUND).unwrap_or_else(|hung| panic!("did not exit: {hung}"))
}

/// A path below a regular file: no directory can ever be created there, even by root.
fn under_a_regular_file(home: &TestHome, name: &str) -> PathBuf {
    let file = home.root().join(format!("{name}-is-a-file"));
    std::fs::write(&file, b"").unwrap();
    file.join(name)
}

async fn sign_in(home: &TestHome, fake: &FakeSpotify) {
    let mut cmd = home.cli(fake);
    cmd.args(["login", "--no-browser"]);
    let out = login_following_the_link(cmd).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[tokio::test]
async fn a_settings_file_that_is_a_fifo_cannot_hang_any_command() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    sign_in(&home, &fake).await;
    std::fs::create_dir_all(home.paths().config_dir).unwrap();
    let settings = home.paths().config_dir.join("settings.json");
    let made = Command::new("mkfifo").arg(&settings).status().unwrap();
    assert!(made.success());

    for args in [&["status"][..], &["token"], &["status", "--json"]] {
        let out = bounded(home.cli(&fake).args(args));
        assert_eq!(out.code, 0, "`{}`: {}", args.join(" "), out.stderr);
        assert!(
            out.stderr.contains("settings.json is not a regular file"),
            "{}",
            out.stderr
        );
    }
    let login = bounded(
        home.cli(&fake)
            .args(["login", "--no-browser", "--timeout", "1"]),
    );
    assert!(
        login.stderr.contains("settings.json is not a regular file"),
        "{}",
        login.stderr
    );
    assert_eq!(
        login.code, 2,
        "nobody approved within 1 s: {}",
        login.stderr
    );
}

#[tokio::test]
async fn a_cache_that_cannot_be_written_never_fails_a_stored_sign_in() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let cache = under_a_regular_file(&home, "cache");
    let mut cmd = home.cli(&fake);
    cmd.env("XDG_CACHE_HOME", &cache)
        .args(["login", "--no-browser"]);

    let out = login_following_the_link(cmd).await;

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Signed in as"), "{}", out.stdout);
    let status = bounded(home.cli(&fake).env("XDG_CACHE_HOME", &cache).arg("status"));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("Signed in as"), "{}", status.stdout);
}

#[tokio::test]
async fn logout_signs_out_even_when_the_lock_directory_is_unusable() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    sign_in(&home, &fake).await;
    assert!(home.keychain_item_count() > 0);
    let runtime = under_a_regular_file(&home, "run");

    let out = bounded(
        home.cli(&fake)
            .env("XDG_RUNTIME_DIR", &runtime)
            .arg("logout"),
    );

    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Signed out"), "{}", out.stderr);
    assert!(
        out.stderr.contains("without the refresh lock"),
        "{}",
        out.stderr
    );
    assert_eq!(home.keychain_item_count(), 0, "the grant is gone");
    let status = bounded(home.cli(&fake).arg("status"));
    assert_eq!(status.code, 1, "{}", status.stdout);
}

#[test]
fn ctrl_c_during_login_exits_130_and_leaves_nothing_in_the_keychain() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut child = home
        .cli(&fake)
        .args(["login", "--no-browser"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (link_tx, link_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim().starts_with("http") {
                let _ = link_tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    // The link is printed after the keychain probe was written: the moment to interrupt.
    let printed = link_rx.recv_timeout(BOUND);
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(printed.is_ok() && interrupted.success(), "no link printed");
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("login did not end after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = reader.join().unwrap();

    assert_eq!(status.code(), Some(130), "{status:?}: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("spotkey: ") && last.contains("cancelled"),
        "{stderr}"
    );
    assert_eq!(home.keychain_item_count(), 0, "no probe item left behind");
    assert!(fake.requests().is_empty(), "nothing was sent to Spotify");
}

#[test]
fn saving_a_new_client_id_drops_the_old_apps_secret() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let login = |client: &str| {
        let mut cmd = home.cli(&fake);
        cmd.env_remove("SPOTKEY_CLIENT_ID").args([
            "login",
            "--no-browser",
            "--timeout",
            "1",
            "--save",
            "--client-id",
            client,
        ]);
        cmd
    };
    // Nobody approves: each login saves, then gives up after 1 s; only the keychain matters.
    let gave_up = |out: Finished| assert!(out.stderr.contains("No answer"), "{}", out.stderr);
    let mut old = login("old-client");
    old.arg("--client-secret-stdin");
    gave_up(run_within_input(&mut old, b"old-secret\n", BOUND).unwrap());
    assert_eq!(home.keychain_item_count(), 1, "the old app's secret");

    gave_up(bounded(&mut login("new-client")));

    assert_eq!(
        home.keychain_item_count(),
        0,
        "the old app's secret is gone"
    );
    let settings = std::fs::read_to_string(home.paths().config_dir.join("settings.json")).unwrap();
    assert!(settings.contains("new-client"), "{settings}");
}

#[tokio::test]
async fn an_unusable_settings_file_is_named_in_one_inert_line() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    // A directory name from the environment is outside text too: ESC and CR must stay inert.
    let config = home.root().join("cfg\u{1b}[31m\rforged");
    let dir = config.join("spotkey");
    std::fs::create_dir_all(&dir).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("settings.json"))
        .status()
        .unwrap();
    assert!(made.success());

    let out = bounded(
        home.cli(&fake)
            .env("XDG_CONFIG_HOME", &config)
            .arg("status"),
    );

    assert!(
        out.stderr.contains("is not a regular file"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains('\u{1b}') && !out.stderr.contains('\r'),
        "raw control characters reached the terminal: {:?}",
        out.stderr
    );
}
