//! Thin IPC adapters (docs/IPC.md): each calls the controller and returns a status DTO or an
//! `{code, message}` error. Nothing here can return a token: the DTOs have no field for one.
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_clipboard_manager::ClipboardExt as _;

use super::tray_host::TrayHostWatch;
use crate::app::{tray_host, AppStatus, Controller, ErrorDto, SettingsDto};

/// What the user registers in the Spotify dashboard (any loopback port matches it).
pub const REDIRECT_URI_TO_REGISTER: &str = "http://127.0.0.1/callback";

type Reply<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn status(app: State<'_, Controller>) -> Reply<AppStatus> {
    Ok(app.status_now().await)
}

#[tauri::command]
pub async fn sign_in(app: State<'_, Controller>) -> Reply<AppStatus> {
    app.sign_in().await
}

#[tauri::command]
pub async fn cancel_sign_in(app: State<'_, Controller>) -> Reply<AppStatus> {
    Ok(app.cancel_sign_in().await)
}

#[tauri::command]
pub fn open_sign_in_link(app: State<'_, Controller>) -> Reply<()> {
    app.open_sign_in_link()
}

/// The clipboard is written from Rust, so the webview needs no clipboard permission.
#[tauri::command]
pub fn copy_text(handle: AppHandle, app: State<'_, Controller>, what: &str) -> Reply<()> {
    let text = match what {
        "redirect_uri" => REDIRECT_URI_TO_REGISTER.to_string(),
        "sign_in_link" => app.sign_in_link().ok_or_else(|| {
            ErrorDto::new(
                "no_sign_in",
                "No sign-in is waiting, so there is no link to copy.",
            )
        })?,
        _ => return Err(ErrorDto::new("invalid_request", "Nothing to copy.")),
    };
    handle.clipboard().write_text(text).map_err(|e| {
        ErrorDto::new(
            "clipboard",
            format!("Could not use the clipboard ({e}). Select the text and copy it by hand."),
        )
    })
}

#[tauri::command]
pub async fn retry(app: State<'_, Controller>) -> Reply<AppStatus> {
    Ok(app.retry().await)
}

#[tauri::command]
pub async fn sign_out(app: State<'_, Controller>) -> Reply<AppStatus> {
    app.sign_out().await
}

#[tauri::command]
pub async fn get_settings(
    handle: AppHandle,
    app: State<'_, Controller>,
    tray: State<'_, TrayHostWatch>,
) -> Reply<SettingsDto> {
    let mut settings = app.settings().await;
    settings.autostart = handle.autolaunch().is_enabled().unwrap_or(false);
    // Asked each time Settings opens: a tray may have come or gone since start.
    let host = tray.present();
    settings.tray_unavailable = tray_host::settings_note(host).map(String::from);
    Ok(settings)
}

/// Arguments arrive camelCase from JS (`clientId`, `clientSecret`, `confirmSignOut`).
#[tauri::command]
pub async fn save_credentials(
    app: State<'_, Controller>,
    client_id: String,
    client_secret: Option<String>,
    confirm_sign_out: bool,
) -> Reply<AppStatus> {
    app.save_credentials(&client_id, client_secret.as_deref(), confirm_sign_out)
        .await
}

#[tauri::command]
pub async fn save_scopes(app: State<'_, Controller>, scopes: Vec<String>) -> Reply<AppStatus> {
    app.save_scopes(&scopes).await
}

#[tauri::command]
pub async fn save_preferences(
    handle: AppHandle,
    app: State<'_, Controller>,
    tray: State<'_, TrayHostWatch>,
    autostart: bool,
    start_hidden: bool,
) -> Reply<SettingsDto> {
    let launcher = handle.autolaunch();
    let result = if autostart {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(|e| {
        ErrorDto::new(
            "autostart",
            format!("Could not change launch at login ({e})."),
        )
    })?;
    app.save_start_hidden(start_hidden)?;
    get_settings(handle, app, tray).await
}

#[tauri::command]
pub async fn forget_app(app: State<'_, Controller>) -> Reply<AppStatus> {
    app.forget_app().await
}

/// The page has painted its first screen. Until then the tray waits: it is built on the main
/// thread (D-Bus, icon, menu), which also serves the page its files and takes its frames, and
/// the page's `load`, which built it before, comes ahead of the frame that shows the account.
/// Not async, so it runs on the main thread, as the tray must be built. Once built, this does
/// nothing.
#[tauri::command]
pub fn window_painted(app: AppHandle) {
    tracing::debug!("start-up: the page's first screen is painted");
    super::create_tray(&app);
}
