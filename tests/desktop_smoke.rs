//! The desktop end-to-end harness works: the window starts under tauri-driver on a private
//! Xvfb, shows the UI from ui/ (not an error page), and can be read and photographed.
#![cfg(target_os = "linux")]

mod support;

use std::time::Instant;

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;

const STYLED_AND_RUN: &str =
    "return [getComputedStyle(document.querySelector('.app-header')).display, \
     document.getElementById('loading').hidden];";

#[tokio::test]
async fn the_window_opens_with_the_app_ui() {
    let started = Instant::now();
    let fake = FakeSpotify::start();
    let home = TestHome::new();

    let desktop = Desktop::launch(home.env(&fake), &[]).await;

    // The header's brand name: proves ui/index.html loaded, not an error or blank page.
    desktop.wait_for_text("body", "spotkey", WAIT).await;
    let title = desktop.client.title().await.expect("read the title");
    assert_eq!(title, "spotkey");
    assert!(!desktop.visible_text().await.trim().is_empty());
    // The stylesheet and the script inside the page both ran under its CSP: the header is laid
    // out as a row (app.css), and a screen was drawn in place of the loading box (the modules).
    support::wait::until_ok("the page styled and its script run", WAIT, || async {
        let seen = desktop
            .client
            .execute(STYLED_AND_RUN, vec![])
            .await
            .map_err(|e| e.to_string())?;
        if seen == serde_json::json!(["flex", true]) {
            Ok(())
        } else {
            Err(format!("header display, loading box hidden: {seen}"))
        }
    })
    .await;
    let shot = desktop.screenshot("smoke").await;
    eprintln!("desktop: screenshot at {}", shot.display());
    desktop.quit().await;
    eprintln!(
        "desktop: whole test {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
