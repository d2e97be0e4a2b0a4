//! The desktop shell: puts the auth core on screen. Owns windows and IPC; holds no auth logic.
mod commands;
mod dto;
mod state;

use std::process::ExitCode;

use tauri::{Manager, RunEvent, WebviewUrl, WebviewWindowBuilder};

pub const MAIN_WINDOW: &str = "main";

pub fn run(hidden: bool) -> ExitCode {
    let app = tauri::Builder::default()
        .manage(state::AppState::load())
        .invoke_handler(tauri::generate_handler![commands::status])
        .setup(move |app| {
            if !hidden {
                open_window(app.handle())?;
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
    app.run(|_, event| {
        if let RunEvent::ExitRequested {
            api, code: None, ..
        } = event
        {
            // Closing the last window keeps spotkey running in the tray.
            api.prevent_exit();
        }
    });
    ExitCode::SUCCESS
}

/// Builds the window anew each time: a closed window frees its webview (PLATFORM.md, memory).
pub fn open_window(app: &tauri::AppHandle) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        window.show()?;
        return window.set_focus();
    }
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title("spotkey")
        .inner_size(480.0, 640.0)
        .min_inner_size(380.0, 480.0)
        .build()?;
    Ok(())
}
