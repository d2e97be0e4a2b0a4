//! `make demo` (scripts/demo.sh) touches nothing of the user's: it runs with or without a Secret
//! Service, signs in through the CLI line it prints with the user's own browser (in the user's
//! own environment), and when it ends it leaves no keychain item, no file in the user's home or
//! XDG dirs, no process and no temp dir behind.
#![cfg(target_os = "linux")]
mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use support::cli_user::run_within;
use support::demo::{processes_in, wait_for_window, Demo, Ending, User, END, START};
use support::desktop::Xvfb;

/// The outer keyring's items (object paths only, never secrets).
fn outer_keyring_items(search: &[&str]) -> BTreeSet<String> {
    let out = Command::new("secret-tool")
        .args(["search", "--all"])
        .args(search)
        .output()
        .expect("secret-tool (libsecret-tools) is installed by make test");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter(|l| l.starts_with('['))
        .map(String::from)
        .collect()
}

/// Starts the demo, signs in through its printed CLI line, ends the demo as `ending` says, and
/// checks that it left nothing behind in the user's dirs or processes.
fn demo_signs_in_and_leaves_nothing(user: &User, ending: Ending) {
    let xvfb = Xvfb::start();
    let desk_before = user.desk_contents();
    let mut demo = Demo::start(user, xvfb.display());
    let cli = demo.wait_for_line(START, |l| {
        l.trim().strip_suffix(" status").map(String::from)
    });
    let demo_home = PathBuf::from(cli.trim_end_matches("/spotkey"));
    assert!(demo_home.starts_with(user.desk("tmp")), "{cli}");
    sign_in_through(&cli, user, &mut demo, xvfb.display());
    wait_for_window(xvfb.display());
    assert!(
        demo.child.try_wait().unwrap().is_none(),
        "the demo ended before it was asked to"
    );

    demo.end(ending);
    assert!(
        demo.ended_within(END),
        "the demo did not end on {ending:?}; its process group still has {:?}",
        demo.group_left()
    );
    assert_eq!(
        demo.group_left(),
        Vec::<String>::new(),
        "demo processes left"
    );
    assert_eq!(processes_in(&demo_home), Vec::<String>::new());
    assert!(!demo_home.exists(), "the demo's temp dir is still there");
    assert_eq!(user.desk_contents(), desk_before, "the user's dirs changed");
}

/// `<cli> login` in the user's terminal opens the user's browser (with the user's environment,
/// not the demo's) and the demo prints the link; `<cli> status` then says connected.
fn sign_in_through(cli: &str, user: &User, demo: &mut Demo, display: &str) {
    let in_terminal = |args: &str| {
        let mut cmd = Command::new("bash");
        cmd.env_clear()
            .envs(user.env(display))
            .args(["-c", &format!("{cli} {args}")]);
        run_within(&mut cmd, START).expect("the CLI line finished")
    };
    let login = in_terminal("login");
    assert_eq!(login.code, 0, "login: {}{}", login.stdout, login.stderr);
    let link = demo.wait_for_line(START, |l| {
        l.strip_prefix("If your browser did not open: ")
            .map(String::from)
    });
    assert!(link.contains("/authorize?"), "{link}");
    let status = in_terminal("status");
    assert!(
        status.stdout.contains("Signed in as Fake User"),
        "status: {}{}",
        status.stdout,
        status.stderr
    );
    for (name, expected) in user.env(display) {
        if [
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_RUNTIME_DIR",
            "DBUS_SESSION_BUS_ADDRESS",
        ]
        .contains(&name)
        {
            assert_eq!(
                user.browser_env(name),
                Some(expected),
                "the browser's {name}"
            );
        }
    }
}

#[test]
fn the_demo_leaves_nothing_in_the_users_keyring_dirs_or_processes() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .expect("run inside scripts/test-env.sh (make test): it provides the user's keyring");
    let everything = ["target", "default"];
    let before = outer_keyring_items(&everything);
    let user = User::new(bus);
    demo_signs_in_and_leaves_nothing(&user, Ending::Sigterm);
    assert_eq!(
        outer_keyring_items(&["service", "spotkey-demo"]),
        BTreeSet::new()
    );
    assert_eq!(
        outer_keyring_items(&everything),
        before,
        "the user's keyring changed"
    );
}

#[test]
fn the_demo_works_without_a_secret_service_and_ends_on_ctrl_c() {
    let nowhere = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}/no-bus", nowhere.path().display());
    let user = User::new(bus);
    demo_signs_in_and_leaves_nothing(&user, Ending::CtrlC);
}

#[test]
fn a_missing_keyring_daemon_is_one_line_naming_the_package() {
    // A machine with everything but GNOME Keyring.
    let tools = tempfile::tempdir().unwrap();
    for tool in [
        "bash",
        "dirname",
        "dbus-daemon",
        "dbus-send",
        "setsid",
        "timeout",
    ] {
        let found = Command::new("sh")
            .args(["-c", "command -v \"$1\"", "sh", tool])
            .output()
            .unwrap();
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        assert!(found.status.success(), "{tool} is installed by make test");
        std::os::unix::fs::symlink(path, tools.path().join(tool)).unwrap();
    }
    let scratch = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_spotkey"))
        .parent()
        .unwrap();
    let mut cmd = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/demo.sh"));
    cmd.env_clear()
        .env("PATH", tools.path())
        .env("TMPDIR", scratch.path())
        .env("SPOTKEY_DEMO_BIN_DIR", bin_dir);
    let out = run_within(&mut cmd, START).expect("the demo stopped at once");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr,
        "spotkey demo: gnome-keyring-daemon is missing: sudo apt-get install gnome-keyring \
         (or run `make demo`, which installs it)\n"
    );
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "it started something"
    );
}
