//! BB_TASKDEPDATA, which BitBake's runqueue gives every task: for the task
//! and everything it depends on, however indirectly (in its own
//! multiconfig), the recipe's PN, the task name, the file, the task's
//! dependencies, what the recipe provides, its hashes and its hashfn.

use std::collections::BTreeSet;

use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::PlanRequest;
use rbake_queries::signature::{planned_dependencies, TaskId};
use serde_json::{json, Map, Value};

use super::dispatch::BuildTask;
use crate::workspace::Workspace;

/// One task's entry, in the order of BitBake's `TaskData` fields.
fn entry(
    workspace: &Workspace,
    request: PlanRequest<'_>,
    tasks: &[BuildTask],
    index: usize,
) -> Value {
    let task = &tasks[index];
    let (db, invocation) = (&workspace.db, workspace.invocation);
    let info = entry_by_fn(db, invocation, &task.fn_name).map(|entry| entry.info.clone());
    let mc = mc_of(&task.fn_name);
    let deps: Vec<&str> = task
        .depends
        .iter()
        .filter(|&&dep| mc_of(&tasks[dep].fn_name) == mc)
        .map(|&dep| tasks[dep].tid.as_str())
        .collect();
    let mut provides = Vec::new();
    if let Some(info) = &info {
        provides.push(info.pn.clone());
        provides.extend(info.provides.iter().filter(|name| **name != info.pn).cloned());
    }
    let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
    let hashed: Vec<String> = planned_dependencies(db, invocation, request, id)
        .iter()
        .map(|(_, fn_name, dep_task)| format!("{fn_name}:{dep_task}"))
        .collect();
    let fn_without_mc = task.fn_name.strip_prefix(&format!("mc:{mc}:")).unwrap_or(&task.fn_name);
    json!([
        info.as_ref().map(|info| info.pn.as_str()).unwrap_or_default(),
        task.task,
        fn_without_mc,
        deps,
        provides,
        task.taskhash,
        task.unihash,
        info.as_ref().map(|info| info.hashfn.as_str()).unwrap_or_default(),
        hashed,
    ])
}

/// The multiconfig a BitBake file name belongs to.
fn mc_of(fn_name: &str) -> &str {
    fn_name.strip_prefix("mc:").and_then(|rest| rest.split_once(':')).map_or("", |(mc, _)| mc)
}

/// Every task's own entry, computed once.
pub fn entries(workspace: &Workspace, request: PlanRequest<'_>, tasks: &[BuildTask]) -> Vec<Value> {
    (0..tasks.len()).map(|index| entry(workspace, request, tasks, index)).collect()
}

/// BB_TASKDEPDATA for task `index`, as JSON: task id to its entry.
pub fn for_task(tasks: &[BuildTask], entries: &[Value], index: usize) -> Value {
    let mc = mc_of(&tasks[index].fn_name);
    let mut seen = BTreeSet::from([index]);
    let mut stack = vec![index];
    let mut out = Map::new();
    while let Some(at) = stack.pop() {
        out.insert(tasks[at].tid.clone(), entries[at].clone());
        for &dep in &tasks[at].depends {
            if mc_of(&tasks[dep].fn_name) == mc && seen.insert(dep) {
                stack.push(dep);
            }
        }
    }
    Value::Object(out)
}
