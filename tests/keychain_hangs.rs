//! Whatever the keychain does — stop answering, or wait for a person at its unlock prompt —
//! every command ends on its own, says which of the two it was, and leaves the script going.
//! Each case runs on its own private bus and GNOME Keyring (tests/support/keyring.rs).
#![cfg(target_os = "linux")]
mod support;

use std::process::Command;
use std::time::Duration;

use support::cli_user::{run_within, Finished};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::keyring::PrivateKeyring;

/// The keychain deadline is 5 s; a command that is still running long after it is stuck
/// (today it never exits). Generous for a cold, busy CI machine; the failing case is forever.
const BOUND: Duration = Duration::from_secs(25);

/// Every command a script or a person runs that touches the keychain.
const COMMANDS: [&[&str]; 5] = [
    &["token"],
    &["status", "--json"],
    &["status"],
    &["logout"],
    &["login", "--no-browser"],
];

fn spotkey(home: &TestHome, fake: &FakeSpotify, keyring: &PrivateKeyring) -> Command {
    let mut cmd = home.cli(fake);
    cmd.envs(keyring.env())
        // spotkey's own runtime dir (the refresh lock), not the keyring daemon's.
        .env("XDG_RUNTIME_DIR", home.root().join("run"))
        .env_remove("DISPLAY");
    cmd
}

fn run_bounded(cmd: &mut Command, args: &[&str]) -> Finished {
    run_within(cmd.args(args), BOUND)
        .unwrap_or_else(|hung| panic!("`spotkey {}` did not exit: {hung}", args.join(" ")))
}

fn error_line(out: &Finished, args: &[&str]) -> String {
    let what = args.join(" ");
    assert_eq!(
        out.code, 2,
        "`spotkey {what}`: {}{}",
        out.stdout, out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    if args == ["status", "--json"] {
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["error"]["code"], "keychain_timeout", "{json}");
        return json["error"]["message"].as_str().unwrap().to_string();
    }
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    out.stderr.clone()
}

#[test]
fn a_frozen_keychain_cannot_hold_up_any_command() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let keyring = PrivateKeyring::start(&home);
    assert!(keyring.store(&home.service, "session"), "a stored grant");
    keyring.freeze();

    for args in COMMANDS {
        let out = run_bounded(&mut spotkey(&home, &fake, &keyring), args);
        let line = error_line(&out, args);
        assert!(
            line.contains("not answering"),
            "`{}`: {line}",
            args.join(" ")
        );
        assert!(
            !line.contains("locked"),
            "a frozen keychain is not a locked one: {line}"
        );
    }
    assert!(fake.requests().is_empty(), "no consent page for nothing");
}

#[test]
fn an_unanswered_unlock_prompt_cannot_hold_up_any_command() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let mut keyring = PrivateKeyring::start(&home);
    assert!(keyring.store(&home.service, "session"), "a stored grant");
    keyring.show_prompts_on_a_screen();
    keyring.lock();

    for args in COMMANDS {
        let out = run_bounded(&mut spotkey(&home, &fake, &keyring), args);
        let line = error_line(&out, args);
        assert!(
            line.contains("did not answer within 5s") && line.contains("unlock"),
            "`{}`: {line}",
            args.join(" ")
        );
    }
    assert!(fake.requests().is_empty(), "no consent page for nothing");
}

#[test]
fn a_locked_keyring_without_a_screen_for_its_prompt_says_unlock_it() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let keyring = PrivateKeyring::start(&home);
    assert!(keyring.store(&home.service, "session"), "a stored grant");
    keyring.lock();

    for args in [&["status", "--json"][..], &["token"]] {
        let out = run_bounded(&mut spotkey(&home, &fake, &keyring), args);
        assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
        let text = out.stdout.clone() + &out.stderr;
        assert!(text.contains("keychain is locked"), "{text}");
        assert!(!text.contains("Secret Service provider"), "{text}");
        if args == ["status", "--json"] {
            let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            assert_eq!(json["error"]["code"], "keychain_locked", "{json}");
        }
    }
}
