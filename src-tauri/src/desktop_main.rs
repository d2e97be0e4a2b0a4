//! `spotkey-desktop`: the desktop app (window, tray, autostart). Commands work here too, so
//! `spotkey-desktop token` behaves exactly like `spotkey token`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

fn main() -> std::process::ExitCode {
    spotkey::logging::init();
    let cli = spotkey::cli::Cli::parse();
    match cli.command {
        Some(command) => spotkey::cli::run(command),
        None => spotkey::gui::start_app(cli.hidden, cli.restarted),
    }
}
