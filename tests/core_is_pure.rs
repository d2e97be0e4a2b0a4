//! The auth core never depends on the GUI toolkit, so the CLI and tests run the same code.
use std::path::Path;

#[test]
fn the_auth_core_never_mentions_tauri() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/auth");
    let mut checked = 0;
    // Submodules live in folders (auth/loopback/…): the whole tree is the core.
    let mut folders = vec![core];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.to_lowercase().contains("tauri"),
                "{} mentions tauri",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "found only {checked} core files");
}

/// The desktop app's behaviour (status, sign-in, settings, tray rules) is toolkit-free too, so
/// tests drive it without a window; only gui/ touches Tauri.
#[test]
fn the_app_controller_does_not_use_tauri() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/app");
    let mut checked = 0;
    for entry in std::fs::read_dir(&app).unwrap() {
        let path = entry.unwrap().path();
        let code = std::fs::read_to_string(&path).unwrap();
        for forbidden in ["tauri::", "tauri_plugin", "use tauri"] {
            assert!(
                !code.contains(forbidden),
                "{} uses {forbidden}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "found only {checked} app files");
}
