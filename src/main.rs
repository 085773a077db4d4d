//! The `rbake` command line.

mod cli;
mod syntax_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Syntax(args) => syntax_cmd::run(&args),
    }
}
