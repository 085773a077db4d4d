//! The `rbake` command line.

mod build;
mod cli;
mod diffsigs_cmd;
mod dump_cmd;
mod engine;
mod env_cmd;
mod getvar_cmd;
mod graph_cmd;
mod lsp;
mod output;
mod parse_cmd;
mod recipes_cmd;
mod revalidate;
mod server;
mod show_cmd;
mod sigs_cmd;
mod syntax_cmd;
mod watch;
mod why_cmd;
mod why_plan;
mod why_provider;
mod why_render;
mod why_var;
mod workspace;

use std::process::ExitCode;

/// glibc's per-thread arenas grow and shrink their heaps with `mprotect`
/// and `munmap` as each recipe's datastore comes and goes, which cost a
/// third of a parse in system calls; mimalloc keeps its pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

/// The variable that makes a command fail, with [`NO_SERVER`], instead of
/// running in its own process when no server runs.
pub const SERVER_ONLY: &str = "RBAKE_SERVER_ONLY";
/// The exit status of a command that needed a running server.
pub const NO_SERVER: u8 = 3;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if runs_in_server(&cli.command) {
        if let Some(code) = server::client::forward(&cli.global) {
            return code;
        }
        // The language server asks a running server only (see
        // `lsp::task_hover`): a cold answer would take too long.
        if std::env::var_os(SERVER_ONLY).is_some_and(|value| !value.is_empty()) {
            eprintln!("error: no rbake server is running for this build directory");
            return ExitCode::from(NO_SERVER);
        }
    }
    run(cli)
}

/// Whether a command reads the build directory's metadata, and so is
/// better answered by a warm server.
fn runs_in_server(command: &cli::Command) -> bool {
    use cli::Command::*;
    match command {
        Dump(_) | Getvar(_) | Recipes(_) | Env(_) | Graph(_) | Plan(_) | ShowVersions
        | ShowRecipes(_) | ShowAppends | ShowLayers | Sigs(_) | Build(_) | Why(_) => true,
        // A parse worker (`--shard`) always runs where it was started.
        Parse(args) => args.shard.is_none(),
        Syntax(_) | Diffsigs(_) | Server(_) | Watch(_) | Lsp(_) | Worker => false,
    }
}

/// Runs a parsed command line, in this process.
pub fn run(cli: cli::Cli) -> ExitCode {
    let outcome = match cli.command {
        cli::Command::Syntax(args) => return syntax_cmd::run(&args),
        cli::Command::Dump(args) => dump_cmd::run(&cli.global, &args),
        cli::Command::Getvar(args) => getvar_cmd::run(&cli.global, &args),
        cli::Command::Recipes(args) => recipes_cmd::run(&cli.global, &args),
        cli::Command::Parse(args) => parse_cmd::run(&cli.global, &args),
        cli::Command::Env(args) => env_cmd::run(&cli.global, &args),
        cli::Command::Graph(args) => graph_cmd::run_graph(&cli.global, &args),
        cli::Command::Plan(args) => graph_cmd::run_plan(&cli.global, &args),
        cli::Command::ShowVersions => show_cmd::show_versions(&cli.global),
        cli::Command::ShowRecipes(args) => show_cmd::show_recipes(&cli.global, &args),
        cli::Command::ShowAppends => show_cmd::show_appends(&cli.global),
        cli::Command::ShowLayers => show_cmd::show_layers(&cli.global),
        cli::Command::Sigs(args) => sigs_cmd::run(&cli.global, &args),
        cli::Command::Diffsigs(args) => diffsigs_cmd::run(&args),
        cli::Command::Build(args) => build::run(&cli.global, &args),
        cli::Command::Why(args) => why_cmd::run(&cli.global, &args),
        cli::Command::Server(args) => return server::run(&cli.global, &args),
        cli::Command::Watch(args) => return watch::run(&cli.global, &args),
        cli::Command::Lsp(_) => return lsp::run(&cli.global),
        cli::Command::Worker => return build::worker::run(&cli.global),
    };
    // A failed command has already said why.
    outcome.unwrap_or(ExitCode::FAILURE)
}
