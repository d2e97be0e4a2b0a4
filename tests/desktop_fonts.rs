//! The window's font lists: cut to the families this machine has (so that WebKitGTK does not
//! ask fontconfig for each missing one first), saved, put back before the next start's first
//! paint, and put right after the load when what was saved is wrong (an upgrade changed the
//! lists, a font was installed or removed, or the saved text is garbage).
#![cfg(target_os = "linux")]

mod support;

use support::desktop::{Desktop, WAIT};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::wait;

/// The lists on the page, the saved ones, where the page's lists came from, and the width of
/// the brand name (which font it is drawn in).
const FONTS: &str = "const root = document.documentElement;
    return [root.style.getPropertyValue('--sans'), root.style.getPropertyValue('--mono'),
            localStorage.getItem('spotkey.fontLists'), root.dataset.fontLists || null,
            document.querySelector('.brand-name').getBoundingClientRect().width];";

#[derive(Debug, PartialEq)]
struct Fonts {
    sans: String,
    mono: String,
    saved: Option<String>,
    from_saved: bool,
    brand_width: f64,
}

async fn fonts(desktop: &Desktop) -> Fonts {
    let v = desktop
        .client
        .execute(FONTS, vec![])
        .await
        .expect("read the page's font lists");
    let text = |i: usize| v[i].as_str().unwrap_or_default().to_string();
    Fonts {
        sans: text(0),
        mono: text(1),
        saved: v[2].as_str().map(str::to_string),
        from_saved: v[3] == "saved",
        brand_width: v[4].as_f64().unwrap_or(f64::NAN),
    }
}

/// Waits until `done` holds for the page's fonts; returns them.
async fn fonts_once(desktop: &Desktop, what: &str, done: impl Fn(&Fonts) -> bool) -> Fonts {
    wait::until_ok(what, WAIT, || async {
        let now = fonts(desktop).await;
        if done(&now) {
            Ok(())
        } else {
            Err(format!("{now:?}"))
        }
    })
    .await;
    fonts(desktop).await
}

/// Waits until the page has worked its lists out and saved them.
async fn settled(desktop: &Desktop) -> Fonts {
    fonts_once(desktop, "the page saves the font lists it uses", |f| {
        !f.sans.is_empty() && f.saved.is_some()
    })
    .await
}

/// Saves `lists` (a JS object literal) as the page's saved font lists, and starts spotkey again.
async fn restart_with_saved(desktop: Desktop, lists: &str) -> Desktop {
    let save = format!("localStorage.setItem('spotkey.fontLists', JSON.stringify({lists}));");
    desktop
        .client
        .execute(&save, vec![])
        .await
        .expect("save font lists");
    let desktop = desktop.restart().await;
    desktop.wait_for_text("body", "spotkey", WAIT).await;
    desktop
}

#[tokio::test]
async fn saved_font_lists_are_used_at_start_and_put_right_when_wrong() {
    let fake = FakeSpotify::start();
    let home = TestHome::new();
    let desktop = Desktop::launch(home.env(&fake), &[]).await;
    desktop.wait_for_text("body", "spotkey", WAIT).await;

    // A first start works the lists out; nothing was saved yet.
    let first = settled(&desktop).await;
    assert!(!first.from_saved, "{first:?}");
    // Cut from the front only: what is left ends as the stylesheet's list does (on a machine
    // with none of the named families, as here, it is just the generic family).
    assert!(first.sans.ends_with("sans-serif"), "{first:?}");
    assert!(first.mono.ends_with("monospace"), "{first:?}");

    // What an upgrade or a font installed since could leave: lists that are no longer right.
    let desktop = restart_with_saved(desktop, "{sans: 'serif', mono: 'serif'}").await;
    let again = fonts_once(
        &desktop,
        "the wrong saved lists are put right after the load",
        |f| f.sans == first.sans && f.saved == first.saved,
    )
    .await;
    // The saved lists were put back before the first paint (persisted across the restart).
    assert!(again.from_saved, "{again:?}");
    // And the text is drawn in the font of the first start again.
    assert_eq!(
        again.brand_width, first.brand_width,
        "{again:?} against {first:?}"
    );

    // Saved text that is no font list is not used at all.
    let desktop = restart_with_saved(desktop, "{sans: 'x; } body { display: none', mono: 7}").await;
    let garbage = settled(&desktop).await;
    assert!(!garbage.from_saved, "{garbage:?}");
    assert_eq!(garbage.sans, first.sans, "{garbage:?}");
    fonts_once(
        &desktop,
        "the garbage is replaced by the right lists",
        |f| f.saved == first.saved,
    )
    .await;
    desktop.quit().await;
}
