//! Thin IPC adapters: call the core, return a DTO or an `{code, message}` error.
use tauri::State;

use super::dto::{AuthStatus, ErrorDto};
use super::state::AppState;

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<AuthStatus, ErrorDto> {
    let account = state.account.as_ref().map_err(ErrorDto::from)?;
    let status = account.status().await.map_err(|e| ErrorDto::from(&e))?;
    Ok(AuthStatus::from_status(&status))
}
