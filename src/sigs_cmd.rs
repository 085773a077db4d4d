//! `rbake sigs`: a signature file for every task of a plan, as
//! `bitbake -S none` writes them (`${STAMP}.do_task.sigdata.TASKHASH`, here
//! as JSON with a `.json` suffix), holding what the hashes were made of.

use std::path::PathBuf;
use std::process::ExitCode;

use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::{plan, PlanRequest, PlannedTask};
use rbake_queries::signature::{task_file_checksums, task_signature, taskhash, TaskId};
use serde_json::json;

use crate::cli::{GlobalArgs, SigsArgs};
use crate::graph_cmd::report_messages;
use crate::workspace::{process_env, write_atomically, Failed, Workspace};

pub fn run(global: &GlobalArgs, args: &SigsArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    workspace.checked_config()?;
    let db = &workspace.db;
    args.targets.check_given()?;
    let targets = &args.targets;
    let request = targets.request(db, false);
    let outcome = plan(db, workspace.invocation, request);
    let errors = report_messages(&outcome.messages);
    let Some(planned) = &outcome.plan else { return Err(Failed) };
    let mut written = 0;
    let mut failed = false;
    for task in &planned.tasks {
        match write_sigdata(&workspace, request, planned.tasks.as_slice(), task) {
            Ok(path) => {
                written += 1;
                if args.verbose {
                    eprintln!("{}", path.display());
                }
            }
            Err(message) => {
                eprintln!("ERROR: {}: {message}", task.tid);
                failed = true;
            }
        }
    }
    eprintln!("NOTE: wrote {written} signature files");
    Ok(if errors || failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Writes one task's signature file beside its stamps; returns its path.
pub(crate) fn write_sigdata(
    workspace: &Workspace,
    request: PlanRequest<'_>,
    tasks: &[PlannedTask],
    task: &PlannedTask,
) -> Result<PathBuf, String> {
    let (document, hash) = signature_document(workspace, request, tasks, task)?;
    let stamp = stamp_of(workspace, task).ok_or("STAMP is not set")?;
    let path = PathBuf::from(format!("{stamp}.{}.sigdata.{hash}.json", task.task));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    write_atomically(&path, text.as_bytes())
        .map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(path)
}

/// What a task's hashes are made of, as its signature file holds it, and
/// its taskhash.
pub(crate) fn signature_document(
    workspace: &Workspace,
    request: PlanRequest<'_>,
    tasks: &[PlannedTask],
    task: &PlannedTask,
) -> Result<(serde_json::Value, String), String> {
    let db = &workspace.db;
    let invocation = workspace.invocation;
    let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
    let signature = task_signature(db, invocation, id).ok_or("the task has no signature")?;
    let hash = taskhash(db, invocation, request, id).clone().ok_or("the task has no taskhash")?;
    let mut runtaskdeps: Vec<&str> =
        task.depends.iter().map(|&dep| tasks[dep].tid.as_str()).collect();
    runtaskdeps.sort_unstable();
    let mut runtaskhashes = serde_json::Map::new();
    for &dep in &task.depends {
        let dep = &tasks[dep];
        let dep_id = TaskId::new(db, dep.fn_name.clone(), dep.task.clone());
        let dep_hash = taskhash(db, invocation, request, dep_id).clone();
        runtaskhashes.insert(dep.tid.clone(), json!(dep_hash));
    }
    // A forced run's taint, as BitBake's signature data holds it.
    let taint = stamp_of(workspace, task)
        .and_then(|stamp| std::fs::read_to_string(format!("{stamp}.{}.taint", task.task)).ok());
    let document = json!({
        "tid": task.tid,
        "task": task.task,
        "taskdeps": signature.vardeps,
        "basehash": signature.basehash,
        "gendeps": signature.gendeps,
        "varvals": signature.varvals,
        "runtaskdeps": runtaskdeps,
        "runtaskhashes": runtaskhashes,
        "file_checksum_values": task_file_checksums(db, invocation, id),
        "taint": taint,
        "taskhash": hash,
        "unihash": hash,
    });
    Ok((document, hash))
}

/// The task's recipe's STAMP.
pub(crate) fn stamp_of(workspace: &Workspace, task: &PlannedTask) -> Option<String> {
    let entry = entry_by_fn(&workspace.db, workspace.invocation, &task.fn_name)?;
    Some(entry.info.stamp.clone()).filter(|stamp| !stamp.is_empty())
}
