//! `spotkey`: the command line, and the launcher of the desktop app. It links the core and the
//! CLI only — no GUI toolkit — so `spotkey token` starts as fast as a small C program; with no
//! command it hands over to the `spotkey-desktop` binary.
use clap::Parser;

fn main() -> std::process::ExitCode {
    spotkey::logging::init();
    let cli = spotkey::cli::Cli::parse();
    match cli.command {
        Some(command) => spotkey::cli::run(command),
        None => spotkey::launcher::run_desktop(),
    }
}
