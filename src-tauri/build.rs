//! Tauri's build step: the app manifest lists every command the webview may call (each gets
//! an allow-/deny- permission), and capabilities live in src-tauri/capabilities. The page Tauri
//! embeds is ui/ bundled into one file (`page_bundle`). A build without the `desktop` feature
//! (the CLI alone) has no Tauri and nothing to do here.
#[cfg(feature = "desktop")]
#[path = "src/page_bundle.rs"]
mod page_bundle;

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
    bundle_the_page();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}

/// Writes the bundled page to `$OUT_DIR/page/` and points Tauri's `frontendDist` there, for
/// this step's check and for `generate_context!` (which reads `TAURI_CONFIG` when it expands).
/// A `TAURI_CONFIG` given from outside (the tauri CLI's `--config`) is kept, with this added.
#[cfg(feature = "desktop")]
fn bundle_the_page() {
    use std::path::PathBuf;
    println!("cargo:rerun-if-changed=ui");
    println!("cargo:rerun-if-changed=src-tauri/src/page_bundle.rs");
    let mut files = page_bundle::Files::new();
    for entry in std::fs::read_dir("ui").expect("ui/ is readable") {
        let path = entry.expect("ui/ is readable").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".html") || name.ends_with(".css") || name.ends_with(".js") {
            let text = std::fs::read_to_string(&path).expect("ui/'s files are UTF-8 text");
            files.insert(name.into_owned(), text);
        }
    }
    let page = page_bundle::bundle(&files).unwrap_or_else(|why| panic!("{why}"));
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("page");
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    std::fs::write(dir.join("index.html"), page).expect("OUT_DIR is writable");
    let outer = std::env::var("TAURI_CONFIG").unwrap_or_else(|_| "{}".into());
    let mut config: serde_json::Value = serde_json::from_str(&outer).unwrap_or_else(|e| {
        panic!("TAURI_CONFIG is set but is not JSON ({e}); unset it or fix it")
    });
    let build = config
        .as_object_mut()
        .map(|c| c.entry("build").or_insert_with(|| serde_json::json!({})))
        .and_then(serde_json::Value::as_object_mut)
        .unwrap_or_else(|| panic!("TAURI_CONFIG must be a JSON object whose `build` is an object"));
    build.insert(
        "frontendDist".into(),
        serde_json::Value::from(dir.to_string_lossy().into_owned()),
    );
    let config = config.to_string();
    std::env::set_var("TAURI_CONFIG", &config);
    println!("cargo:rustc-env=TAURI_CONFIG={config}");
}
