//! Entry point: command-line arguments decide between the desktop app and the CLI.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

fn main() -> std::process::ExitCode {
    spotkey::logging::init();
    let cli = spotkey::cli::Cli::parse();
    match cli.command {
        Some(command) => spotkey::cli::run(command),
        None => spotkey::gui::run(cli.hidden),
    }
}
