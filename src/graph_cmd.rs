//! `rbake graph` and `rbake plan`: the task graph of some targets, written
//! as `bitbake -g` writes it (`task-depends.dot` and `pn-buildlist` in the
//! working directory), or the plan printed batch by batch.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use rbake_queries::multiconfig::{multiconfigs, Multiconfig};
use rbake_queries::plan::cache::provider_index;
use rbake_queries::plan::{plan, Level, Message, Plan, PlanOutcome, PlanRequest};
use rbake_queries::signature::{dropped_dependencies, task_basehash, taskhash, TaskId};
use serde_json::json;

use crate::cli::{GlobalArgs, GraphArgs, PlanArgs, TargetArgs};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, write_atomically, Failed, Workspace};

/// Prints the messages as BitBake's console does; returns whether any is
/// an error.
pub fn report_messages(messages: &[Message]) -> bool {
    for message in messages {
        let level = match message.level {
            Level::Note => "NOTE",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
        };
        eprintln!("{level}: {}", message.text);
    }
    messages.iter().any(|message| message.level == Level::Error)
}

/// The plan for the targets, after its messages are printed.
pub fn plan_for<'w>(
    workspace: &'w Workspace,
    targets: &TargetArgs,
    allow_incomplete: bool,
) -> (&'w PlanOutcome, bool, PlanRequest<'w>) {
    let started = Instant::now();
    if targets.timings {
        // Parse every recipe first, so that the plan's time is its own.
        let db = &workspace.db;
        let names = multiconfigs(db, workspace.invocation).clone().unwrap_or_default();
        for mc in std::iter::once(String::new()).chain(names) {
            provider_index(db, workspace.invocation, Multiconfig::new(db, mc));
        }
    }
    let parsed = started.elapsed();
    let request = targets.request(&workspace.db, allow_incomplete);
    let outcome = plan(&workspace.db, workspace.invocation, request);
    if targets.timings {
        let planned = started.elapsed() - parsed;
        let (parsed, planned) = (parsed.as_secs_f64(), planned.as_secs_f64());
        if let Some((took, revalidation)) = crate::engine::take_last_revalidation() {
            eprintln!(
                "timings: revalidate {:.3} s ({} files checked, {} read again, {} changed)",
                took.as_secs_f64(),
                revalidation.checked,
                revalidation.reread,
                revalidation.changed.len()
            );
        }
        eprintln!("timings: parse {parsed:.3} s, plan {planned:.3} s");
    }
    report_parse_failures(workspace);
    let errors = report_messages(&outcome.messages);
    (outcome, errors, request)
}

/// Prints the diagnostics of every recipe that failed to parse, in every
/// multiconfig, with their positions.
pub fn report_parse_failures(workspace: &Workspace) {
    let db = &workspace.db;
    let names = multiconfigs(db, workspace.invocation).clone().unwrap_or_default();
    for mc in std::iter::once(String::new()).chain(names) {
        let index = provider_index(db, workspace.invocation, Multiconfig::new(db, mc));
        for (_, diagnostics) in &index.failures {
            workspace.report(diagnostics);
        }
    }
}

pub fn run_graph(global: &GlobalArgs, args: &GraphArgs) -> Result<ExitCode, Failed> {
    args.targets.check_given()?;
    let workspace = Workspace::open(global, process_env())?;
    workspace.checked_config()?;
    let (outcome, errors, _) = plan_for(&workspace, &args.targets, true);
    let Some(plan) = &outcome.plan else { return Err(Failed) };
    if args.json {
        outln!(
            Output::new(),
            "{}",
            serde_json::to_string_pretty(&graph_json(plan)).unwrap_or_default()
        );
    } else {
        let cwd = crate::engine::current_dir().map_err(|error| {
            eprintln!("error: {error}");
            Failed
        })?;
        write_graph_files(plan, &cwd)?;
        eprintln!("NOTE: PN build list saved to 'pn-buildlist'");
        eprintln!("NOTE: Task dependencies saved to 'task-depends.dot'");
    }
    Ok(if errors { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Writes `pn-buildlist` (when there are recipes) and `task-depends.dot`
/// into `dir`, each replaced whole.
fn write_graph_files(plan: &Plan, dir: &Path) -> Result<(), Failed> {
    let write = |name: &str, text: &str| {
        write_atomically(&dir.join(name), text.as_bytes()).map_err(|error| {
            eprintln!("error: cannot write {}: {error}", dir.join(name).display());
            Failed
        })
    };
    let pns = plan.pn_buildlist();
    if !pns.is_empty() {
        write("pn-buildlist", &format!("{}\n", pns.join("\n")))?;
    }
    write("task-depends.dot", &dot_text(plan))
}

/// The task graph in BitBake's dot layout: nodes sorted by name, each
/// followed by its sorted edges.
fn dot_text(plan: &Plan) -> String {
    let mut nodes: Vec<(String, usize)> =
        plan.tasks.iter().enumerate().map(|(index, task)| (task.dot_name(), index)).collect();
    nodes.sort();
    nodes.dedup_by(|a, b| a.0 == b.0);
    let mut text = String::from("digraph depends {\n");
    for (name, index) in nodes {
        let task = &plan.tasks[index];
        let label =
            format!("{} {}\\n{}\\n{}", task.pn_with_mc(), task.task, task.version, task.fn_name);
        text.push_str(&format!("\"{name}\" [label=\"{label}\"]\n"));
        let mut deps: Vec<String> =
            task.depends.iter().map(|&dep| plan.tasks[dep].dot_name()).collect();
        deps.sort();
        for dep in deps {
            text.push_str(&format!("\"{name}\" -> \"{dep}\"\n"));
        }
    }
    text.push_str("}\n");
    text
}

fn graph_json(plan: &Plan) -> serde_json::Value {
    let tasks: Vec<_> = plan
        .tasks
        .iter()
        .map(|task| {
            let mut depends: Vec<String> =
                task.depends.iter().map(|&dep| plan.tasks[dep].dot_name()).collect();
            depends.sort();
            json!({
                "name": task.dot_name(),
                "pn": task.pn_with_mc(),
                "task": task.task,
                "version": task.version,
                "file": task.fn_name,
                "depends": depends,
            })
        })
        .collect();
    json!({ "pn_buildlist": plan.pn_buildlist(), "tasks": tasks })
}

pub fn run_plan(global: &GlobalArgs, args: &PlanArgs) -> Result<ExitCode, Failed> {
    args.targets.check_given()?;
    let mut workspace = Workspace::open(global, process_env())?;
    workspace.checked_config()?;
    let (outcome, errors, request) = plan_for(&workspace, &args.targets, false);
    let Some(plan) = &outcome.plan else { return Err(Failed) };
    if args.hashes {
        let started = Instant::now();
        let db = &workspace.db;
        let dropped = dropped_dependencies(db, workspace.invocation, request);
        if let Err(error) = dropped {
            eprintln!("ERROR: the signature handler failed, so there are no taskhashes: {error}");
        }
        // Every task's hashes, computed here so that their time is known.
        for task in &plan.tasks {
            let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
            taskhash(db, workspace.invocation, request, id);
        }
        if args.targets.timings {
            let took = started.elapsed().as_secs_f64();
            eprintln!("timings: signatures {took:.3} s ({} tasks)", plan.tasks.len());
        }
    }
    let mut out = Output::new();
    if args.json {
        let document = plan_json(&workspace, plan, request, args.hashes);
        outln!(out, "{}", serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        print_batches(&mut out, plan);
    }
    drop(out);
    if let Some(path) = &args.timings_edit {
        time_edit(&mut workspace, args, path);
    }
    Ok(if errors { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The plan as `rbake plan --json` prints it: each task with its
/// dependencies (and, with `hashes`, its basehash and taskhash), and the
/// batches.
pub fn plan_json(
    workspace: &Workspace,
    plan: &Plan,
    request: PlanRequest<'_>,
    hashes: bool,
) -> serde_json::Value {
    let batches: Vec<Vec<&str>> = plan
        .batches
        .iter()
        .map(|batch| batch.iter().map(|&index| plan.tasks[index].tid.as_str()).collect())
        .collect();
    let tasks: Vec<_> = plan
        .tasks
        .iter()
        .map(|task| {
            let depends: Vec<&str> =
                task.depends.iter().map(|&dep| plan.tasks[dep].tid.as_str()).collect();
            let mut entry = json!({ "id": task.tid, "pn": task.pn_with_mc(), "task": task.task,
                    "version": task.version, "depends": depends });
            if hashes {
                let db = &workspace.db;
                let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
                let basehash = task_basehash(db, workspace.invocation, id).clone();
                let taskhash = taskhash(db, workspace.invocation, request, id).clone();
                entry["basehash"] = json!(basehash);
                entry["taskhash"] = json!(taskhash);
            }
            entry
        })
        .collect();
    json!({ "tasks": tasks, "batches": batches })
}

/// Prints the plan's batches, and a count of them on standard error.
pub fn print_batches(out: &mut Output, plan: &Plan) {
    for (number, batch) in plan.batches.iter().enumerate() {
        let plural = if batch.len() == 1 { "" } else { "s" };
        outln!(out, "batch {} ({} task{plural})", number + 1, batch.len());
        for &index in batch {
            let task = &plan.tasks[index];
            outln!(out, "  {}:{}", task.pn_with_mc(), task.task);
        }
    }
    let recipes = plan.pn_buildlist().len();
    eprintln!("{} tasks of {recipes} recipes, in {} batches", plan.tasks.len(), plan.batches.len());
}

/// For benchmarks: appends a line to the recipe's `do_install` in the
/// database (not on disk), then plans and signs again, and prints how long
/// that took.
fn time_edit(workspace: &mut Workspace, args: &PlanArgs, path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("error: cannot read {}", path.display());
        return;
    };
    let started = Instant::now();
    let edited = format!("{text}\ndo_install:append() {{\n\t: rbake timing edit\n}}\n");
    rbake_queries::files::Files::update(&mut workspace.db, path, Some(edited));
    let db = &workspace.db;
    let targets = &args.targets;
    let request = targets.request(db, false);
    let outcome = plan(db, workspace.invocation, request);
    let mut tasks = 0;
    if let Some(planned) = &outcome.plan {
        for task in &planned.tasks {
            let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
            if args.hashes {
                taskhash(db, workspace.invocation, request, id);
            }
            tasks += 1;
        }
    }
    let took = started.elapsed().as_secs_f64();
    eprintln!("timings: after a one-line edit of {}: {took:.3} s ({tasks} tasks)", path.display());
}
