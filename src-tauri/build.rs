//! Tauri's build step: the app manifest lists every command the webview may call (each gets
//! an allow-/deny- permission), and capabilities live in src-tauri/capabilities.
const COMMANDS: &[&str] = &["status"];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // The binary links ~170 GUI libraries; resolving all their symbols at start (BIND_NOW)
    // costs ~65 ms that `spotkey token`/`status` never use. Lazy binding resolves on first call.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
    }
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
