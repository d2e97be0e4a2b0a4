//! The `spotkey` binary is the CLI and launcher only: it must not link the GUI stack, whose
//! dynamic loading alone used to cost `spotkey token` most of its start-up.
use std::path::Path;
use std::process::Command;

/// Sonames of the desktop stack (WebKitGTK, GTK and its drawing libraries, the tray).
const GUI_LIBRARIES: &[&str] = &[
    "libwebkit2gtk",
    "libjavascriptcoregtk",
    "libgtk-",
    "libgdk-",
    "libsoup",
    "libcairo",
    "libpango",
    "libayatana",
    "libappindicator",
    "libxdo",
    "librsvg",
];

/// The shared libraries the dynamic loader opens for `program` (its DT_NEEDED entries).
fn needed_libraries(program: &Path) -> Vec<String> {
    let out = Command::new("readelf")
        .args(["--dynamic", "--wide"])
        .arg(program)
        .output()
        .expect("readelf (binutils) runs; `make test` installs it");
    assert!(
        out.status.success(),
        "readelf failed on {}",
        program.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| line.split('[').nth(1)?.split(']').next())
        .map(str::to_string)
        .collect()
}

fn gui_libraries(needed: &[String]) -> Vec<&String> {
    needed
        .iter()
        .filter(|lib| GUI_LIBRARIES.iter().any(|gui| lib.starts_with(gui)))
        .collect()
}

#[test]
fn the_cli_binary_loads_no_gui_library() {
    let needed = needed_libraries(Path::new(env!("CARGO_BIN_EXE_spotkey")));
    assert!(
        needed.iter().any(|lib| lib.starts_with("libc.so")),
        "readelf listed no libc for spotkey: {needed:?}"
    );
    let gui = gui_libraries(&needed);
    assert!(gui.is_empty(), "spotkey links GUI libraries: {gui:?}");
}

/// The check above means something only if the same test sees the GUI stack where it is.
#[test]
fn the_desktop_binary_is_the_one_that_links_the_gui() {
    let needed = needed_libraries(Path::new(env!("CARGO_BIN_EXE_spotkey-desktop")));
    let gui = gui_libraries(&needed);
    assert!(
        gui.iter().any(|lib| lib.starts_with("libwebkit2gtk")),
        "spotkey-desktop does not link WebKitGTK: {needed:?}"
    );
}

/// `spotkey` alone hands over to the desktop app, which needs a display: without one the user
/// gets one line and exit 2, not a toolkit panic.
#[test]
fn spotkey_alone_without_a_display_says_so_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spotkey"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.contains("display"), "stderr: {stderr}");
}

/// A CLI-only install (or a copied binary) cannot open the desktop app: one line naming what
/// is missing, exit 2.
#[test]
fn spotkey_alone_without_the_desktop_app_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let lonely = dir.path().join("spotkey");
    std::fs::copy(env!("CARGO_BIN_EXE_spotkey"), &lonely).unwrap();
    let out = run_fresh_copy(Command::new(&lonely).env("PATH", dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.contains("spotkey-desktop"), "stderr: {stderr}");
}

/// Runs a binary that was just written. Another test thread may fork while the copy's write
/// descriptor is open, and its child holds that descriptor until it execs: starting the copy
/// then fails with "text file busy" (ETXTBSY) for that moment. Retried until a deadline.
fn run_fresh_copy(command: &mut Command) -> std::process::Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match command.output() {
            Err(e) if e.raw_os_error() == Some(26) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            result => return result.unwrap(),
        }
    }
}
