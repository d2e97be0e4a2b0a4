//! `spotkey completions <shell>`: the completion script, generated from the same clap
//! definitions that parse the command line, so it can never fall out of step with them.
use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_ERROR, EXIT_OK};

pub fn print(shell: Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "spotkey", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("spotkey: cannot write the completion script: {e}");
            EXIT_ERROR
        }
    }
}
