//! Command-line arguments, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// rbake: a BitBake-compatible build engine that answers incrementally.
#[derive(Debug, Parser)]
#[command(name = "rbake", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse metadata files and print their syntax trees, or check them.
    Syntax(SyntaxArgs),
}

#[derive(Debug, Args)]
pub struct SyntaxArgs {
    /// Files to parse; directories are searched for .bb, .bbappend,
    /// .bbclass, .inc and .conf files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Print diagnostics only, and exit with status 1 if there is an error.
    #[arg(long)]
    pub check: bool,

    /// Treat warnings as errors for the exit status of --check.
    #[arg(long, requires = "check")]
    pub deny_warnings: bool,
}
