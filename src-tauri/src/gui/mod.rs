//! The desktop shell: puts the app controller on screen (window, tray, notifications) and
//! wires Tauri's plugins. Holds no auth logic and no state of its own.
mod after_close;
mod commands;
mod sink;
mod startup;
mod tray;
mod window;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Manager, RunEvent};
use tauri_plugin_autostart::MacosLauncher;

use crate::app::{tray_menu, Controller};
use crate::auth::{Env, KeychainStore, Paths, SystemBrowser};

pub use startup::start_app;
pub use window::MAIN_WINDOW;

/// The flag autostart adds, so a login launch goes straight to the tray.
const HIDDEN_FLAG: &str = "--hidden";
/// The window reads its own status at once; the background check can wait this long.
const FIRST_CHECK_AFTER_WINDOW: Duration = Duration::from_millis(1500);

pub fn run(hidden: bool) -> ExitCode {
    let paths = match Paths::from_platform() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("spotkey: {e}");
            return ExitCode::from(2);
        }
    };
    // While a tokio runtime is current on this thread, the D-Bus connections the plugins open
    // here (single instance, notifications) use tokio's blocking threads, which end when idle;
    // otherwise zbus starts a thread pool whose idle thread wakes every 500 ms all day.
    let runtime = tauri::async_runtime::handle();
    let _tokio_here = runtime.inner().enter();
    let app = tauri::Builder::default()
        // First: a second launch only focuses this one (one listener, one refresher).
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Err(e) = window::open(app) {
                tracing::warn!(error = %e, "could not show the window for a second launch");
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
        ])
        .setup(move |app| {
            let controller = start(app.handle(), paths);
            let start_hidden = hidden || controller.settings_file().start_hidden == Some(true);
            // The window first: WebKit's processes start while the tray is built.
            if !start_hidden {
                window::open(app.handle())?;
            }
            create_tray(app.handle());
            // The silent start-up check (keychain, maybe a refresh, the profile) waits until
            // the window has painted, instead of competing with it for the 2 cores.
            let first_check = if start_hidden {
                Duration::ZERO
            } else {
                FIRST_CHECK_AFTER_WINDOW
            };
            tauri::async_runtime::spawn(controller.keep_fresh(first_check));
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
    app.run(|_, event| {
        if let RunEvent::ExitRequested {
            api, code: None, ..
        } = event
        {
            // The last window closed: spotkey stays in the tray (Quit passes a code).
            api.prevent_exit();
        }
    });
    ExitCode::SUCCESS
}

fn start(app: &AppHandle, paths: Paths) -> Controller {
    let env = Env::from_process();
    let store = Arc::new(KeychainStore::new(env.keychain_service_name()));
    let sink = Arc::new(sink::TauriSink { app: app.clone() });
    let controller = Controller::new(paths, env, store, Arc::new(SystemBrowser), sink);
    app.manage(controller.clone());
    controller
}

fn create_tray(app: &AppHandle) {
    let initial = crate::app::AppStatus::placeholder();
    if let Err(e) = tray::create(app, &tray_menu::view(&initial)) {
        tracing::warn!(error = %e, "no tray icon");
    }
}
