//! Command-line arguments, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// rbake: a BitBake-compatible build engine that answers incrementally.
#[derive(Debug, Parser)]
#[command(name = "rbake", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, so that every command sees the same
/// configuration.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The build directory (TOPDIR). Without it, rbake looks for
    /// conf/bblayers.conf in BBPATH and in the working directory and its
    /// parents, as BitBake does.
    #[arg(long, global = true, value_name = "DIR")]
    pub topdir: Option<PathBuf>,

    /// A configuration file to read before the others (BitBake's --read).
    #[arg(long, global = true, value_name = "FILE")]
    pub read: Vec<PathBuf>,

    /// A configuration file to read after bitbake.conf (BitBake's --postread).
    #[arg(long, global = true, value_name = "FILE")]
    pub postread: Vec<PathBuf>,
}

impl GlobalArgs {
    /// The options again, as arguments for another rbake process (a parse
    /// or build worker) that must see the same configuration.
    pub fn to_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = Vec::new();
        if let Some(topdir) = &self.topdir {
            args.extend(["--topdir".into(), topdir.clone().into_os_string()]);
        }
        for file in &self.read {
            args.extend(["--read".into(), file.clone().into_os_string()]);
        }
        for file in &self.postread {
            args.extend(["--postread".into(), file.clone().into_os_string()]);
        }
        args
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse metadata files and print their syntax trees, or check them.
    Syntax(SyntaxArgs),
    /// Print what BitBake computes, as the reference dump (bbdump.py) does.
    Dump(DumpArgs),
    /// Print a variable's value and history, like bitbake-getvar.
    Getvar(GetvarArgs),
    /// List the recipe files, their layers and their appends.
    Recipes(RecipesArgs),
    /// Parse every recipe, like `bitbake -p`, and report problems and timing.
    Parse(ParseArgs),
    /// Print every variable with its history, like `bitbake -e`.
    Env(EnvArgs),
    /// Write the task graph of targets, like `bitbake -g`.
    Graph(GraphArgs),
    /// Print the tasks targets need, in batches that can run in parallel.
    Plan(PlanArgs),
    /// Print each recipe's latest and preferred versions, like `bitbake -s`.
    ShowVersions,
    /// List recipes by layer, like `bitbake-layers show-recipes`.
    ShowRecipes(ShowRecipesArgs),
    /// List appends by recipe, like `bitbake-layers show-appends`.
    ShowAppends,
    /// List the layers, like `bitbake-layers show-layers`.
    ShowLayers,
    /// Write every planned task's signature file, like `bitbake -S none`.
    Sigs(SigsArgs),
    /// Explain the differences between two signature files, like
    /// bitbake-diffsigs.
    Diffsigs(DiffsigsArgs),
    /// Run the tasks targets need whose stamps are not current, like
    /// `bitbake TARGET`.
    Build(BuildArgs),
    /// Say whether a task will run on the next build, and why.
    Why(WhyArgs),
    /// Keep the query database warm between commands, in this build
    /// directory. Commands use a running server; with BB_SERVER_TIMEOUT
    /// set, the first command starts one.
    Server(ServerArgs),
    /// Build, then build again whenever a file the build read changes.
    Watch(WatchArgs),
    /// Serve the Language Server Protocol on standard input and output, for
    /// editors: hover, go to definition, diagnostics, completion, symbols.
    Lsp(LspArgs),
    /// The worker that runs tasks for `rbake build` (internal).
    #[command(name = "__worker", hide = true)]
    Worker,
}

#[derive(Debug, Args)]
pub struct LspArgs {}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Exit after this many idle seconds; negative: never (BitBake's
    /// BB_SERVER_TIMEOUT).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// Leave the terminal's session (how commands start a server).
    #[arg(long)]
    pub detach: bool,
    /// Stop the running server.
    #[arg(long)]
    pub stop: bool,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The task, as RECIPE:do_task, or do_task for the last build's
    /// (first) target.
    #[arg(required_unless_present = "var")]
    pub task: Option<String>,
    /// Explain instead why the task is in the plan for this target: a
    /// dependency path, each edge named by the flag that makes it.
    #[arg(long, value_name = "TARGET")]
    pub plan: Option<String>,
    /// Explain this variable's value instead: every contribution with its
    /// file:line, and the variables it refers to.
    #[arg(long, value_name = "VAR", conflicts_with = "task")]
    pub var: Option<String>,
    /// With --var: the recipe whose datastore to read (default: the
    /// configuration).
    #[arg(short = 'r', long = "recipe", value_name = "RECIPE", requires = "var")]
    pub recipe: Option<String>,
    /// Print JSON: the task, whether it will run, the cause, the summary
    /// and the details.
    #[arg(long)]
    pub json: bool,
}

/// `rbake build`, with BitBake's spellings of its options.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Run the task even if its stamp is current, and taint it so that
    /// what depends on it runs too.
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Invalidate this task's stamp in each target, then run the default
    /// task (BitBake's --clear-stamp).
    #[arg(short = 'C', long = "clear-stamp", value_name = "TASK")]
    pub clear_stamp: Option<String>,
    /// Go on after a failure with every task that does not depend on it.
    #[arg(short = 'k', long = "continue")]
    pub keep_going: bool,
    /// Do not run anything: print the plan, as `rbake plan` does.
    #[arg(short = 'n', long = "dry-run")]
    pub dry_run: bool,
    /// Run at most N tasks at once (default: BB_NUMBER_THREADS, else the
    /// number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Do not use shared state: run every task for real.
    #[arg(long = "no-setscene")]
    pub no_setscene: bool,
    /// Run only the setscene tasks.
    #[arg(long = "setscene-only")]
    pub setscene_only: bool,
    /// Skip the setscene tasks, and the real tasks they would cover.
    #[arg(long = "skip-setscene")]
    pub skip_setscene: bool,
    /// Run the tasks of this one recipe file, without its dependencies
    /// on other recipes (BitBake's --buildfile).
    #[arg(short = 'b', long = "buildfile", value_name = "FILE")]
    pub buildfile: Option<PathBuf>,
    /// A configuration file to read before the others (BitBake's -r).
    #[arg(short = 'r', value_name = "FILE")]
    pub read: Vec<PathBuf>,
    /// A configuration file to read after bitbake.conf (BitBake's -R).
    #[arg(short = 'R', value_name = "FILE")]
    pub postread: Vec<PathBuf>,
    /// Print every task's output as it runs, not only failures.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// More output: every task's notes, as with -v (repeatable).
    #[arg(short = 'D', long = "debug", action = clap::ArgAction::Count)]
    pub debug: u8,
    /// Less output: only warnings, errors and the summary (repeat for less).
    #[arg(short = 'q', long, action = clap::ArgAction::Count)]
    pub quiet: u8,
}

#[derive(Debug, Args)]
pub struct SigsArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Print each file written.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct DiffsigsArgs {
    /// The earlier signature file.
    pub a: PathBuf,
    /// The later signature file.
    pub b: PathBuf,
}

/// Targets and the options that choose their tasks, as BitBake takes them.
#[derive(Clone, Debug, Args)]
pub struct TargetArgs {
    /// Recipes or provided names, `world`, `mc:NAME:TARGET`, or
    /// `TARGET:do_task`.
    pub targets: Vec<String>,
    /// The task to run for each target (default: BB_DEFAULT_TASK).
    #[arg(short = 'c', long = "cmd", value_name = "TASK")]
    pub task: Option<String>,
    /// Run this task in every recipe of the graph (repeatable).
    #[arg(long, value_name = "TASK")]
    pub runall: Vec<String>,
    /// Run only this task (and what it needs) of the graph (repeatable).
    #[arg(long, value_name = "TASK")]
    pub runonly: Vec<String>,
    /// Assume this name is provided (repeatable), as ASSUME_PROVIDED.
    #[arg(short = 'I', long = "ignore-deps", value_name = "NAME")]
    pub ignore_deps: Vec<String>,
    /// Print how long each phase took on standard error: revalidation (in a
    /// server), parsing and planning, and for a build, signatures and dispatch.
    #[arg(long)]
    pub timings: bool,
}

impl TargetArgs {
    /// Says so, as BitBake does, when no target was given.
    pub fn check_given(&self) -> Result<(), crate::workspace::Failed> {
        if self.targets.is_empty() {
            eprintln!(
                "Nothing to do.  Use 'rbake build world' to build everything, or run 'rbake --help' for usage information."
            );
            return Err(crate::workspace::Failed);
        }
        Ok(())
    }

    /// The plan request these arguments make.
    pub fn request<'db>(
        &self,
        db: &'db rbake_queries::RootDatabase,
        allow_incomplete: bool,
    ) -> rbake_queries::plan::PlanRequest<'db> {
        rbake_queries::plan::PlanRequest::new(
            db,
            self.targets.clone(),
            self.task.clone(),
            self.runall.clone(),
            self.runonly.clone(),
            self.ignore_deps.clone(),
            allow_incomplete,
        )
    }
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Print the graph as JSON instead of writing the files.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Add each task's basehash and taskhash to the JSON (BitBake's basic
    /// signature handler: no file checksums or OpenEmbedded filter yet).
    #[arg(long, requires = "json")]
    pub hashes: bool,
    /// For benchmarks: afterwards, append a line to this recipe's
    /// do_install (in memory only), plan (and sign) again, and print how
    /// long that took.
    #[arg(long, hide = true, value_name = "FILE")]
    pub timings_edit: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowRecipesArgs {
    /// Only recipes whose PN matches one of these shell patterns.
    pub pnspec: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RecipesArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Print JSON (the only format).
    #[arg(long, required = true)]
    pub json: bool,
    /// BBPATH to use when there is no conf/bblayers.conf.
    #[arg(long)]
    pub bbpath: Option<String>,
    /// Only recipes whose path contains this (repeatable).
    #[arg(long)]
    pub recipe: Vec<String>,
    /// A variable to dump (repeatable).
    #[arg(long)]
    pub var: Vec<String>,
    /// Dump every variable whose name does not start with `__`.
    #[arg(long)]
    pub all_vars: bool,
    /// Skip the task signatures.
    #[arg(long)]
    pub no_hash: bool,
    /// Keep signatures, but leave out the hashed values.
    #[arg(long)]
    pub no_varvals: bool,
    /// K=V added to BitBake's environment (repeatable).
    #[arg(long)]
    pub env: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GetvarArgs {
    /// The variable.
    pub variable: String,
    /// Read the variable in this recipe rather than in the configuration.
    #[arg(long, short = 'r')]
    pub recipe: Option<String>,
    /// Print only the expanded value.
    #[arg(long)]
    pub value: bool,
    /// Print this flag instead of the value.
    #[arg(long, short = 'f')]
    pub flag: Option<String>,
    /// Print the value unexpanded.
    #[arg(long)]
    pub unexpand: bool,
    /// Print the history of every contribution too (the default, unless
    /// `--value` or `--flag` is given).
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Worker processes to parse in (default: one per CPU). Metadata's
    /// Python holds CPython's global lock, so workers are processes.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Parse only every COUNT-th recipe from INDEX and print a summary:
    /// what a worker does.
    #[arg(long, hide = true, value_name = "INDEX/COUNT")]
    pub shard: Option<String>,
    /// Compute every task's basehash too, as `bitbake -p` does while it
    /// parses.
    #[arg(long)]
    pub basehashes: bool,
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

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The recipe whose variables to print; without it, the configuration's.
    pub recipe: Option<String>,
}
