//! Tauri's build step: the app manifest lists every command the webview may call (each gets
//! an allow-/deny- permission), and capabilities live in src-tauri/capabilities. A build
//! without the `desktop` feature (the CLI alone) has no Tauri and nothing to do here.
#[cfg(feature = "desktop")]
const COMMANDS: &[&str] = &[
    "status",
    "sign_in",
    "cancel_sign_in",
    "open_sign_in_link",
    "copy_text",
    "retry",
    "sign_out",
    "get_settings",
    "save_credentials",
    "save_scopes",
    "save_preferences",
    "forget_app",
    "window_painted",
];

#[cfg(not(feature = "desktop"))]
fn main() {}

#[cfg(feature = "desktop")]
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
