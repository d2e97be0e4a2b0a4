//! Writes spotkey's man page (roff) to standard output, generated from the CLI's clap
//! definitions. `make bundle` installs it as spotkey(1).
use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let command = spotkey::cli::Cli::command();
    clap_mangen::Man::new(command).render(&mut std::io::stdout())
}
