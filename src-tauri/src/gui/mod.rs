//! The desktop shell: puts the app controller on screen (window, tray, notifications) and
//! wires Tauri's plugins. Holds no auth logic and no state of its own.
mod after_close;
mod back_to_tray;
mod commands;
mod sink;
mod startup;
#[cfg(target_os = "linux")]
mod theme;
mod tray;
#[cfg(target_os = "linux")]
mod tray_host;
#[cfg(not(target_os = "linux"))]
#[path = "tray_host_always.rs"]
mod tray_host;
mod window;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Manager, RunEvent};
use tauri_plugin_autostart::MacosLauncher;

use crate::app::tray_host::{self as policy, CloseAction, Launch, StartAction};
use crate::app::{tray_menu, Controller};
use crate::auth::{Env, KeychainStore, Paths, Settings, SystemBrowser};
use tray_host::TrayHostWatch;

pub use startup::start_app;
pub use window::MAIN_WINDOW;

/// The flag autostart adds, so a login launch goes straight to the tray.
const HIDDEN_FLAG: &str = "--hidden";
/// The window reads its own status at once; the background check can wait this long.
const FIRST_CHECK_AFTER_WINDOW: Duration = Duration::from_millis(1500);
/// The latest the tray waits for the window's page to load at start.
const TRAY_AFTER_WINDOW: Duration = Duration::from_millis(1500);

/// Start-up's steps are logged at debug level (`SPOTKEY_LOG=spotkey::gui=debug`), with the
/// log's timestamps: where a slow start spends its time.
pub fn run(hidden: bool, restarted: bool) -> ExitCode {
    tracing::debug!("start-up: the desktop app starts");
    let paths = match Paths::from_platform() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("spotkey: {e}");
            return ExitCode::from(2);
        }
    };
    let tray_host = TrayHostWatch::start();
    let start = start_action(&tray_host, hidden, &paths);
    if start == StartAction::ExitQuietly {
        // The journal's one line: a login item with no tray to live in has nothing to do.
        eprintln!("spotkey: no tray on this desktop, so there is nothing to start hidden; exiting");
        return ExitCode::SUCCESS;
    }
    // While a tokio runtime is current on this thread, the D-Bus connections the plugins open
    // here (single instance, notifications) use tokio's blocking threads, which end when idle;
    // otherwise zbus starts a thread pool whose idle thread wakes every 500 ms all day.
    let runtime = tauri::async_runtime::handle();
    let _tokio_here = runtime.inner().enter();
    tracing::debug!("start-up: building the app and its plugins");
    let app = tauri::Builder::default()
        // First: a second launch only focuses this one (one listener, one refresher).
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A login item, or this app starting itself again, while one runs: nothing to show.
            if argv.iter().any(|arg| arg == HIDDEN_FLAG) {
                return;
            }
            if let Err(e) = window::open(app) {
                tracing::warn!(error = %e, "could not show the window for a second launch");
            }
            // The window comes forward showing what another process may have changed.
            if let Some(controller) = app.try_state::<Controller>() {
                let controller = controller.inner().clone();
                tauri::async_runtime::spawn(async move {
                    controller.follow_settings().await;
                    controller.follow_files().await;
                });
            }
        }))
        .plugin(tauri_plugin_autostart::init(
            MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_FLAG]),
        ))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .on_window_event(after_close::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::sign_in,
            commands::cancel_sign_in,
            commands::open_sign_in_link,
            commands::copy_text,
            commands::retry,
            commands::sign_out,
            commands::get_settings,
            commands::save_credentials,
            commands::save_scopes,
            commands::save_preferences,
            commands::forget_app,
            commands::window_painted,
        ])
        .setup(move |app| {
            tracing::debug!("start-up: plugins ready, setting up");
            let controller = start_controller(app.handle(), paths);
            tracing::debug!("start-up: controller ready");
            app.manage(tray_host);
            quit_when_the_tray_goes(app.handle().clone(), start == StartAction::StayInTray);
            #[cfg(target_os = "linux")]
            theme::follow(app.handle().clone());
            let start_hidden = start == StartAction::StayInTray;
            if start_hidden {
                create_tray(app.handle());
            } else {
                // The window first. The tray is built on the main thread, which also serves
                // the page its files and answers its frames: it waits until the page says its
                // first screen is painted (commands::window_painted), or `TRAY_AFTER_WINDOW` at
                // the latest.
                window::open(app.handle())?;
                tracing::debug!("start-up: the window is built, its page loads");
                create_tray_soon(app.handle().clone());
            }
            // The silent start-up check (keychain, maybe a refresh, the profile) waits until
            // the window has painted, instead of competing with it for the 2 cores.
            let first_check = if start_hidden {
                Duration::ZERO
            } else {
                FIRST_CHECK_AFTER_WINDOW
            };
            tauri::async_runtime::spawn(controller.clone().follow_other_processes());
            if restarted {
                tauri::async_runtime::spawn(controller.keep_fresh_after_restart());
            } else {
                tauri::async_runtime::spawn(controller.keep_fresh(first_check));
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("spotkey: could not start the desktop app: {e}");
            return ExitCode::from(2);
        }
    };
    app.run(|app, event| {
        if let RunEvent::ExitRequested {
            api, code: None, ..
        } = event
        {
            // The last window closed (Quit passes a code).
            if stays_after_close(app) {
                api.prevent_exit();
                back_to_tray::window_closed(app);
            }
        }
    });
    ExitCode::SUCCESS
}

/// A login item waits a little for the panel; a person who started spotkey waits for nothing.
fn start_action(tray_host: &TrayHostWatch, hidden: bool, paths: &Paths) -> StartAction {
    let launch = if hidden {
        Launch::Autostart
    } else {
        let prefers_tray = Settings::load(&paths.config_dir).start_hidden == Some(true);
        Launch::ByUser { prefers_tray }
    };
    let host = match launch {
        Launch::Autostart => tray_host.wait_for_host(policy::AUTOSTART_WAITS_FOR_TRAY),
        Launch::ByUser { prefers_tray: true } => tray_host.present(),
        // The window shows, tray or not: it does not wait for the bus's answer (tens of ms,
        // up to 2 s when the bus is slow) to a question whose answer changes nothing.
        Launch::ByUser {
            prefers_tray: false,
        } => false,
    };
    policy::on_start(host, launch)
}

/// With a tray, spotkey lives on in it; without one, nothing would be left to reopen or quit.
fn stays_after_close(app: &AppHandle) -> bool {
    let host = app
        .try_state::<TrayHostWatch>()
        .is_some_and(|watch| watch.present());
    let action = policy::on_window_closed(host);
    if action == CloseAction::Quit {
        tracing::info!("window closed with no tray on this desktop: quitting");
    }
    action == CloseAction::StayInTray
}

/// A panel that quits (or is switched off) would leave a windowless spotkey unseen: after the
/// grace a login gets, it quits too, unless the tray came back or the window is open.
/// `in_tray`: started in the tray, because one was there.
fn quit_when_the_tray_goes(app: AppHandle, in_tray: bool) {
    let spawned = std::thread::Builder::new()
        .name("tray-gone".into())
        .spawn(move || {
            let mut seen = in_tray;
            loop {
                let watch = app.state::<TrayHostWatch>();
                watch.wait_until_gone(seen);
                seen = false;
                let back = watch.wait_for_host(policy::AUTOSTART_WAITS_FOR_TRAY);
                let window_open = app.get_webview_window(MAIN_WINDOW).is_some();
                if policy::on_tray_gone(back, window_open) == CloseAction::Quit {
                    tracing::info!("the tray went away with no window open: quitting");
                    return app.exit(0);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot follow the tray going away");
    }
}

fn start_controller(app: &AppHandle, paths: Paths) -> Controller {
    let env = Env::from_process();
    let store = Arc::new(KeychainStore::new(env.keychain_service_name()));
    let sink = Arc::new(sink::TauriSink { app: app.clone() });
    let controller = Controller::new(paths, env, store, Arc::new(SystemBrowser), sink);
    app.manage(controller.clone());
    controller
}

/// Builds the tray icon, once: later calls (the page painted again, the deadline) do nothing.
/// It starts from the newest status, which may have been published before it existed.
pub(crate) fn create_tray(app: &AppHandle) {
    if tray::exists(app) {
        return;
    }
    let status = app
        .try_state::<Controller>()
        .and_then(|controller| controller.last_status())
        .unwrap_or_else(crate::app::AppStatus::placeholder);
    if let Err(e) = tray::create(app, &tray_menu::view(&status)) {
        tracing::warn!(error = %e, "no tray icon");
    }
}

/// A page that never finishes loading still gets its tray.
fn create_tray_soon(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(TRAY_AFTER_WINDOW).await;
        let on_main = app.clone();
        if let Err(e) = app.run_on_main_thread(move || create_tray(&on_main)) {
            tracing::warn!(error = %e, "no tray icon");
        }
    });
}
