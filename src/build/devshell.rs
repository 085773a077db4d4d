//! `rbake build -c devshell RECIPE` for a recipe without a `do_devshell`
//! task of its own (OpenEmbedded-Core's devshell class defines one, and
//! then it runs like any task): the recipe's sources are prepared up to
//! `do_patch` (or `do_unpack`), then a shell starts in `${S}` with the
//! environment a task's shell gets, attached to rbake's terminal.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use rbake_queries::plan::cache::{entry_by_fn, variant_by_fn};
use rbake_queries::plan::find_versions;
use rbake_queries::python::exported_environment;

use crate::cli::{BuildArgs, GlobalArgs};
use crate::workspace::{process_env, Failed, Workspace};

/// Whether `args` asks for a devshell.
pub fn wanted(args: &BuildArgs) -> bool {
    matches!(args.targets.task.as_deref(), Some("devshell" | "do_devshell"))
}

/// Runs the built-in devshell, or returns `None` when the recipe has a
/// `do_devshell` task, which then runs as a task.
pub fn run(global: &GlobalArgs, args: &BuildArgs) -> Option<Result<ExitCode, Failed>> {
    let workspace = match Workspace::open(global, process_env()) {
        Ok(workspace) => workspace,
        Err(failed) => return Some(Err(failed)),
    };
    let target = args.targets.targets.first()?;
    let (rows, _) = find_versions(&workspace.db, workspace.invocation);
    let Some(row) = rows.iter().find(|row| &row.pn == target) else {
        eprintln!("ERROR: Nothing PROVIDES '{target}'");
        return Some(Err(Failed));
    };
    let entry = entry_by_fn(&workspace.db, workspace.invocation, &row.chosen_fn)?;
    if entry.info.task("do_devshell").is_some() {
        return None;
    }
    let prepare =
        ["do_patch", "do_unpack"].into_iter().find(|task| entry.info.task(task).is_some());
    if let Some(task) = prepare {
        let mut before = clone_args(args);
        before.targets.task = Some(task.to_owned());
        match super::run(global, &before) {
            Ok(code) if code == ExitCode::SUCCESS => {}
            other => return Some(other),
        }
    }
    Some(open_shell(&workspace, &row.chosen_fn))
}

fn open_shell(workspace: &Workspace, fn_name: &str) -> Result<ExitCode, Failed> {
    let variant = variant_by_fn(&workspace.db, workspace.invocation, fn_name).ok_or(Failed)?;
    let (environment, dirs) = exported_environment(&variant.state, &["S", "B", "WORKDIR"])
        .map_err(|error| {
            eprintln!("ERROR: cannot compute the task environment: {error}");
            Failed
        })?;
    let dir = dirs
        .iter()
        .map(PathBuf::from)
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| PathBuf::from("."));
    let shell = crate::engine::env_var("SHELL").unwrap_or_else(|| "/bin/sh".to_owned());
    eprintln!(
        "NOTE: Starting {shell} in {} with the task environment; exit it to return",
        dir.display()
    );
    let status = Command::new(&shell).env_clear().envs(environment).current_dir(&dir).status();
    match status {
        Ok(status) if status.success() => Ok(ExitCode::SUCCESS),
        Ok(_) => Ok(ExitCode::FAILURE),
        Err(error) => {
            eprintln!("ERROR: cannot start {shell}: {error}");
            Err(Failed)
        }
    }
}

fn clone_args(args: &BuildArgs) -> BuildArgs {
    BuildArgs {
        targets: args.targets.clone(),
        force: false,
        clear_stamp: None,
        keep_going: false,
        dry_run: false,
        jobs: args.jobs,
        no_setscene: args.no_setscene,
        setscene_only: false,
        skip_setscene: args.skip_setscene,
        buildfile: None,
        read: args.read.clone(),
        postread: args.postread.clone(),
        verbose: args.verbose,
        debug: args.debug,
        quiet: args.quiet,
    }
}
