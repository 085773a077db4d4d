//! `rbake build`: plan, sign, and run the tasks whose stamps are not
//! current, as `bitbake TARGET` does.
//!
//! The steps: take the build directory's lock and stop tasks an earlier,
//! killed run left behind; plan; taint forced tasks (`-f`, `-C`); compute
//! every taskhash; then hand the tasks to the dispatcher, which runs them
//! through the worker process, and print knotty's summary.

mod buildfile;
mod devshell;
mod dispatch;
mod events;
mod lock;
pub(crate) mod records;
mod scene_run;
mod scheduler;
mod setscene;
pub(crate) mod stamps;
mod taskdepdata;
mod ui;
pub mod worker;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rbake_queries::datastore::DataStore;
use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::Plan;
use rbake_queries::python::evaluator_for;
use rbake_queries::signature::{taskhash, TaskId};

use crate::cli::{BuildArgs, GlobalArgs};
use crate::graph_cmd::{plan_for, print_batches};
use crate::output::Output;
use crate::workspace::{process_env, Failed, Workspace};
use dispatch::{always_run, dispatch, BuildTask, DispatchOptions, Outcome};
use lock::{BuildLock, RunningRecord};
use scene_run::{run_setscene, SceneSetup};
use scheduler::{priorities, SchedTask};
use setscene::SceneOptions;
use stamps::{write_taint, StampNaming, StampSite};
use ui::{Console, Verbosity};
use worker::WorkerHandle;

pub fn run(global: &GlobalArgs, args: &BuildArgs) -> Result<ExitCode, Failed> {
    let global = GlobalArgs {
        topdir: global.topdir.clone(),
        read: global.read.iter().chain(&args.read).cloned().collect(),
        postread: global.postread.iter().chain(&args.postread).cloned().collect(),
    };
    if devshell::wanted(args) && args.buildfile.is_none() {
        if let Some(outcome) = devshell::run(&global, args) {
            return outcome;
        }
    }
    let mut targets = args.targets.clone();
    if args.clear_stamp.is_some() {
        // -C TASK invalidates TASK, then builds the default task.
        targets.task = None;
    }
    let workspace = Workspace::open(&global, process_env())?;
    let config = &workspace.checked_config()?.state;
    let mut python = evaluator_for(config);
    let mut setting = |name: &str| -> String {
        let value = config.datastore.get_var_with(name, true, &mut *python);
        value.ok().flatten().unwrap_or_default()
    };
    let topdir = PathBuf::from(setting("TOPDIR"));
    let topdir = if topdir.as_os_str().is_empty() {
        workspace.invocation.cwd(&workspace.db).clone()
    } else {
        topdir
    };
    let naming = StampNaming::for_handler(&setting("BB_SIGNATURE_HANDLER"));
    let scheduler_name = setting("BB_SCHEDULER");
    let hashcheck = setting("BB_HASHCHECK_FUNCTION").trim().to_owned();
    let depvalid = setting("BB_SETSCENE_DEPVALID").trim().to_owned();
    let threads = setting("BB_NUMBER_THREADS");
    let jobs = args.jobs.or_else(|| threads.trim().parse().ok());
    let jobs =
        jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let log_lines: usize = setting("BBINCLUDELOGS_LINES").trim().parse().unwrap_or(0);
    drop(python);

    let mut buildfile_recipe = None;
    if let Some(file) = &args.buildfile {
        let (fn_name, pn) = buildfile::find_recipe(&workspace, file).map_err(|error| {
            eprintln!("ERROR: {error}");
            Failed
        })?;
        targets.targets = vec![pn];
        buildfile_recipe = Some(fn_name);
    } else {
        targets.check_given()?;
    }

    let _lock = BuildLock::acquire(&topdir).map_err(|error| {
        eprintln!("ERROR: cannot lock {}: {error}", topdir.display());
        Failed
    })?;
    let mut record = RunningRecord::new(&topdir);
    record.stop_orphans();

    let (outcome, errors, request) = plan_for(&workspace, &targets, false);
    crate::engine::planned();
    let Some(mut plan) = outcome.plan.clone() else { return Err(Failed) };
    if errors {
        return Err(Failed);
    }
    if !args.dry_run {
        records::remember_targets(&topdir, &targets.targets);
    }
    if let Some(fn_name) = &buildfile_recipe {
        let task = with_do(targets.task.as_deref().unwrap_or("build"));
        plan = buildfile::restrict(&plan, fn_name, &task).map_err(|error| {
            eprintln!("ERROR: {error}");
            Failed
        })?;
    }
    let verbosity = match (args.quiet, args.verbose || args.debug > 0) {
        (0, false) => Verbosity::Normal,
        (0, true) => Verbosity::Verbose,
        _ => Verbosity::Quiet,
    };
    if args.dry_run {
        // The plan first, as `rbake plan` prints it; then the motions.
        print_batches(&mut Output::new(), &plan);
    }
    let mut console = Console::new(verbosity, plan.tasks.len());
    let forced = forced_tasks(&workspace, &plan, args, &targets.targets);
    for (index, task) in forced.into_iter().filter(|_| !args.dry_run) {
        let Some(path) = stamp_site(&workspace, &plan, index).taint_path() else { continue };
        console.note(&format!(
            "Tainting hash to force rebuild of task {}, {task}",
            plan.tasks[index].fn_name
        ));
        if let Err(error) = write_taint(&path) {
            console.error(&format!("Cannot write {}: {error}", path.display()));
            return Err(Failed);
        }
    }

    let signing = Instant::now();
    let db = &workspace.db;
    let mut tasks = Vec::with_capacity(plan.tasks.len());
    let mut is_setscene = Vec::with_capacity(plan.tasks.len());
    let mut recipes = Vec::with_capacity(plan.tasks.len());
    for planned in &plan.tasks {
        let id = TaskId::new(db, planned.fn_name.clone(), planned.task.clone());
        let Some(hash) = taskhash(db, workspace.invocation, request, id).clone() else {
            console
                .error(&format!("No taskhash for {}: the signature handler failed", planned.tid));
            return Err(Failed);
        };
        let info =
            entry_by_fn(db, workspace.invocation, &planned.fn_name).map(|entry| entry.info.clone());
        let stamp = StampSite::for_task(info.as_deref(), &planned.task, hash.clone());
        let flag = |name: &str| {
            info.as_ref()
                .and_then(|info| info.task(&planned.task))
                .and_then(|task| task.flag(name))
                .is_some_and(is_set)
        };
        let setscene_name = format!("{}_setscene", planned.task);
        is_setscene.push(info.as_ref().is_some_and(|info| info.task(&setscene_name).is_some()));
        recipes.push(
            info.as_ref().map(|info| (info.pn.clone(), info.hashfn.clone())).unwrap_or_default(),
        );
        tasks.push(BuildTask {
            tid: planned.tid.clone(),
            fn_name: planned.fn_name.clone(),
            task: planned.task.clone(),
            pf: info
                .as_ref()
                .map(|info| recipe_pf(&info.pn, &info.pe, &info.pv, &info.pr))
                .unwrap_or_else(|| planned.pn.clone()),
            depends: planned.depends.clone(),
            noexec: flag("noexec"),
            nostamp: flag("nostamp"),
            stamp,
            taskhash: hash.clone(),
            unihash: hash,
            runq_index: planned.runq_index,
        });
    }
    if targets.timings {
        let took = signing.elapsed().as_secs_f64();
        eprintln!("timings: signatures {took:.3} s ({} tasks)", tasks.len());
    }
    let dispatching = Instant::now();
    let sched: Vec<SchedTask> = tasks
        .iter()
        .map(|task| SchedTask {
            fn_name: task.fn_name.clone(),
            task: task.task.clone(),
            depends: task.depends.clone(),
            runq_index: task.runq_index,
        })
        .collect();
    let rank = priorities(scheduler_name.trim(), &sched).map_err(|error| {
        console.error(&error);
        Failed
    })?;
    let number_threads = number_threads(config, &tasks);

    let interrupted = crate::engine::interrupt_flag();
    let mut worker = WorkerHandle::start(&global).map_err(|error| {
        console.error(&format!("Cannot start the worker: {error}"));
        Failed
    })?;
    let mut options = DispatchOptions {
        jobs,
        keep_going: args.keep_going,
        naming,
        rank,
        number_threads,
        interrupted,
        covered: Vec::new(),
        setscene: false,
        always_run: always_run(&tasks),
        numbering: None,
        dry_run: args.dry_run,
        taskdepdata: None,
    };
    if !args.no_setscene {
        let task_name = targets.task.clone().unwrap_or_else(|| "build".to_owned());
        let targets_set = target_tasks(&workspace, &plan, &targets.targets, &task_name);
        let setup = SceneSetup {
            config,
            hashcheck,
            depvalid,
            recipes,
            hard_deps: scene_run::hard_dependencies(&workspace, &tasks),
            options: SceneOptions {
                targets: targets_set.into_iter().collect(),
                force: args.force,
                skip_setscene: args.skip_setscene,
            },
        };
        let (covered, fine) = run_setscene(
            &tasks,
            is_setscene,
            &setup,
            &options,
            &mut worker,
            &mut console,
            &mut record,
        );
        if !fine {
            worker.finish();
            let outcome = Outcome { interrupted: true, ..Outcome::default() };
            return Ok(summarise(&tasks, &outcome, &mut console, log_lines));
        }
        options.covered = covered;
    }
    if args.setscene_only {
        // Nothing real runs: every task counts as not needing to.
        options.covered = vec![true; tasks.len()];
    }
    if !args.dry_run {
        options.taskdepdata = Some(taskdepdata::entries(&workspace, request, &tasks));
    }
    console.note("Executing Tasks");
    let outcome = dispatch(&tasks, &options, &mut worker, &mut console, &mut record);
    worker.finish();
    records::record_runs(&workspace, request, &plan, &outcome.ran, &mut console);
    let code = summarise(&tasks, &outcome, &mut console, log_lines);
    let name = |index: usize| format!("{}:{}", plan.tasks[index].pn_with_mc(), tasks[index].task);
    crate::engine::note_build(crate::engine::BuildReport {
        ran: outcome.ran.iter().map(|&index| name(index)).collect(),
        failed: outcome.failed.iter().map(|(index, _)| name(*index)).collect(),
    });
    if targets.timings {
        let took = dispatching.elapsed().as_secs_f64();
        eprintln!("timings: dispatch {took:.3} s ({} tasks ran)", outcome.ran.len());
    }
    Ok(code)
}

/// The tasks `-f` or `-C` invalidates: each target's task (its `-c` task,
/// or the `-C` task), by plan index, with the task name.
fn forced_tasks(
    workspace: &Workspace,
    plan: &Plan,
    args: &BuildArgs,
    targets: &[String],
) -> Vec<(usize, String)> {
    let task_name = match (&args.clear_stamp, args.force) {
        (Some(task), _) => task.clone(),
        (None, true) => args.targets.task.clone().unwrap_or_else(|| "build".to_owned()),
        (None, false) => return Vec::new(),
    };
    let found = target_tasks(workspace, plan, targets, &task_name);
    let task_name = with_do(&task_name);
    found.into_iter().map(|index| (index, task_name.clone())).collect()
}

/// The plan indices of the targets' `task_name` tasks.
fn target_tasks(
    workspace: &Workspace,
    plan: &Plan,
    targets: &[String],
    task_name: &str,
) -> Vec<usize> {
    let task_name = with_do(task_name);
    let db = &workspace.db;
    let wanted: HashSet<&str> =
        targets.iter().map(|target| target.split(':').next().unwrap_or(target)).collect();
    let mut found = Vec::new();
    for (index, task) in plan.tasks.iter().enumerate() {
        if task.task != task_name {
            continue;
        }
        let Some(entry) = entry_by_fn(db, workspace.invocation, &task.fn_name) else { continue };
        let provides = entry.info.all_provides();
        if wanted.contains(entry.info.pn.as_str())
            || provides.iter().any(|name| wanted.contains(name))
        {
            found.push(index);
        }
    }
    found
}

/// A task name with its `do_` prefix.
fn with_do(task: &str) -> String {
    if task.starts_with("do_") {
        task.to_owned()
    } else {
        format!("do_{task}")
    }
}

/// Where the plan's task `index` keeps its stamp (without its hash).
fn stamp_site(workspace: &Workspace, plan: &Plan, index: usize) -> StampSite {
    let planned = &plan.tasks[index];
    let entry = entry_by_fn(&workspace.db, workspace.invocation, &planned.fn_name);
    StampSite::for_task(entry.map(|entry| &*entry.info), &planned.task, String::new())
}

/// BitBake's PF: `PN-[PE_]PV-PR`.
fn recipe_pf(pn: &str, pe: &str, pv: &str, pr: &str) -> String {
    if pe.is_empty() {
        format!("{pn}-{pv}-{pr}")
    } else {
        format!("{pn}-{pe}_{pv}-{pr}")
    }
}

/// Whether a flag's value turns the flag on (BitBake checks the flag is
/// set and not empty).
fn is_set(value: &str) -> bool {
    !value.is_empty()
}

/// The configuration's `number_threads` flag of each task name that has
/// one.
fn number_threads(
    config: &rbake_queries::eval::ParseState,
    tasks: &[BuildTask],
) -> HashMap<String, usize> {
    let datastore: &DataStore = &config.datastore;
    let names: HashSet<&str> = tasks.iter().map(|task| task.task.as_str()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let value = datastore.get_var_flag(name, "number_threads", true).ok().flatten()?;
            Some((name.to_owned(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Prints the failures with their logs and knotty's summary; the exit
/// code.
fn summarise(
    tasks: &[BuildTask],
    outcome: &Outcome,
    console: &mut Console,
    log_lines: usize,
) -> ExitCode {
    console.clear();
    for (index, log) in &outcome.failed {
        let Some(log) = log else { continue };
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let shown = if log_lines == 0 { 20 } else { log_lines };
        let start = lines.len().saturating_sub(shown);
        console.line(&format!("ERROR: Logfile of failure stored in: {log}"));
        console.line("Log data follows:");
        for line in &lines[start..] {
            console.line(&format!("| {line}"));
        }
        let _ = &tasks[*index];
    }
    let failed = outcome.failed.len();
    if failed > 0 {
        console.line(&format!(
            "NOTE: Tasks Summary: Attempted {} tasks of which {} didn't need to be rerun and {failed} failed.",
            outcome.completed + failed,
            outcome.skipped
        ));
    } else {
        console.line(&format!(
            "NOTE: Tasks Summary: Attempted {} tasks of which {} didn't need to be rerun and all succeeded.",
            outcome.completed, outcome.skipped
        ));
    }
    let mut summary = String::new();
    if failed > 0 {
        let plural = if failed == 1 { "task" } else { "tasks" };
        summary.push_str(&format!("\nSummary: {failed} {plural} failed:"));
        for (index, log) in &outcome.failed {
            summary.push_str(&format!("\n  {}", tasks[*index].tid));
            if let Some(log) = log {
                summary.push_str(&format!("\n    log: {log}"));
            }
        }
    }
    if console.warnings > 0 {
        let (verb, plural) = if console.warnings == 1 { ("was", "") } else { ("were", "s") };
        summary.push_str(&format!(
            "\nSummary: There {verb} {} WARNING message{plural}.",
            console.warnings
        ));
    }
    let failing = failed > 0 || outcome.interrupted;
    if failing && console.errors > 0 {
        let (verb, plural) = if console.errors == 1 { ("was", "") } else { ("were", "s") };
        summary.push_str(&format!(
            "\nSummary: There {verb} {} ERROR message{plural}, returning a non-zero exit code.",
            console.errors
        ));
    }
    if !summary.is_empty() {
        console.line(&summary);
    }
    if outcome.interrupted {
        console.line("Execution was interrupted, returning a non-zero exit code.");
    }
    if failing {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
