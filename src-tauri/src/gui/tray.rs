//! The tray icon: built once at start, then redrawn from `tray_menu::view` on every status
//! change. Menu clicks go to `Controller::handle_tray`, the same code the window's buttons use.
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use super::window;
use crate::app::{Controller, TrayAction, TrayIconKind, TrayOutcome, TrayView};

const TRAY_ID: &str = "spotkey";

fn icon(kind: TrayIconKind) -> tauri::Result<Image<'static>> {
    Image::from_bytes(match kind {
        TrayIconKind::Connected => include_bytes!("../../icons/tray-connected.png"),
        TrayIconKind::NotConnected => include_bytes!("../../icons/tray-signed-out.png"),
        TrayIconKind::Problem => include_bytes!("../../icons/tray-problem.png"),
    })
}

fn menu(app: &AppHandle, view: &TrayView) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    for (i, item) in view.items.iter().enumerate() {
        // Informational lines get a unique id that maps to no action.
        let id = item
            .action
            .map_or_else(|| format!("info-{i}"), |a| a.id().to_string());
        menu.append(&MenuItem::with_id(
            app,
            id,
            &item.label,
            item.enabled,
            None::<&str>,
        )?)?;
    }
    Ok(menu)
}

pub fn create(app: &AppHandle, view: &TrayView) -> tauri::Result<()> {
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(view.icon)?)
        .tooltip(&view.tooltip)
        .menu(&menu(app, view)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
                perform(app.clone(), action);
            }
        })
        .build(app)?;
    Ok(())
}

pub fn exists(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

/// Redraws the tray for a new status (a desktop without a tray host simply shows nothing).
pub fn show(app: &AppHandle, view: &TrayView) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let result = menu(app, view)
        .and_then(|m| tray.set_menu(Some(m)))
        .and_then(|()| tray.set_icon(Some(icon(view.icon)?)))
        .and_then(|()| tray.set_tooltip(Some(&view.tooltip)));
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not update the tray");
    }
}

fn perform(app: AppHandle, action: TrayAction) {
    tauri::async_runtime::spawn(async move {
        let controller = app.state::<Controller>().inner().clone();
        match controller.handle_tray(action).await {
            TrayOutcome::Done => {}
            TrayOutcome::OpenWindow => {
                if let Err(e) = window::open(&app) {
                    tracing::warn!(error = %e, "could not open the window");
                }
            }
            TrayOutcome::Quit => app.exit(0),
        }
    });
}
