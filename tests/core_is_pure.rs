//! The auth core never depends on the GUI toolkit, so the CLI and tests run the same code.
use std::path::Path;

#[test]
fn the_auth_core_never_mentions_tauri() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/auth");
    let mut checked = 0;
    for entry in std::fs::read_dir(&core).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.to_lowercase().contains("tauri"),
            "{} mentions tauri",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "found only {checked} core files");
}
