//! `rbake why --plan TARGET [RECIPE:]do_task`: why a task is in the plan for
//! TARGET at all. The answer is a shortest dependency path from the
//! target's task to it. Each edge is named by the flag that makes it:
//! `addtask ... after` within a recipe, or a task's `depends`, `deptask`,
//! `rdeptask` or `recrdeptask` flag across recipes.

use std::collections::VecDeque;
use std::process::ExitCode;

use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::{plan, PlannedTask};
use rbake_queries::recipe::TaskInfo;

use crate::cli::TargetArgs;
use crate::graph_cmd::report_messages;
use crate::outln;
use crate::output::Output;
use crate::workspace::{Failed, Workspace};

pub fn run(workspace: &Workspace, target: &str, wanted: &str) -> Result<ExitCode, Failed> {
    let (recipe, task) = match wanted.rsplit_once(":do_") {
        Some((recipe, task)) => (recipe.to_owned(), format!("do_{task}")),
        None => (target.to_owned(), wanted.to_owned()),
    };
    let targets = TargetArgs {
        targets: vec![target.to_owned()],
        task: None,
        runall: Vec::new(),
        runonly: Vec::new(),
        ignore_deps: Vec::new(),
        timings: false,
    };
    let db = &workspace.db;
    let outcome = plan(db, workspace.invocation, targets.request(db, false));
    if report_messages(&outcome.messages) {
        return Err(Failed);
    }
    let Some(planned) = &outcome.plan else { return Err(Failed) };
    let tasks = &planned.tasks;
    let pn_of = |task: &PlannedTask| task.pn.clone();
    let Some(goal) = tasks.iter().position(|t| t.task == task && pn_of(t) == recipe) else {
        outln!(Output::new(), "{recipe}:{task} is not in the plan for {target}");
        return Ok(ExitCode::SUCCESS);
    };
    // The plan's roots: tasks nothing else in the plan depends on.
    let mut has_dependents = vec![false; tasks.len()];
    tasks.iter().flat_map(|t| t.depends.iter()).for_each(|&dep| has_dependents[dep] = true);
    let mut came_from = vec![usize::MAX; tasks.len()];
    let mut queue: VecDeque<usize> = (0..tasks.len()).filter(|&i| !has_dependents[i]).collect();
    queue.iter().for_each(|&root| came_from[root] = root);
    while let Some(at) = queue.pop_front() {
        if at == goal {
            break;
        }
        for &dep in &tasks[at].depends {
            if came_from[dep] == usize::MAX {
                came_from[dep] = at;
                queue.push_back(dep);
            }
        }
    }
    if came_from[goal] == usize::MAX {
        outln!(Output::new(), "{recipe}:{task} is in the plan, but no path from a root reaches it");
        return Ok(ExitCode::SUCCESS);
    }
    let mut path = vec![goal];
    let mut at = goal;
    while came_from[at] != at {
        at = came_from[at];
        path.push(at);
    }
    path.reverse();
    let mut out = Output::new();
    outln!(out, "{recipe}:{task} is in the plan for {target}:");
    outln!(out, "  {}:{}", tasks[path[0]].pn, tasks[path[0]].task);
    for pair in path.windows(2) {
        let (from, to) = (&tasks[pair[0]], &tasks[pair[1]]);
        outln!(out, "  <- {}:{} ({})", to.pn, to.task, edge_kind(workspace, from, to));
    }
    Ok(ExitCode::SUCCESS)
}

/// Which flag makes `from` depend on `to`.
fn edge_kind(workspace: &Workspace, from: &PlannedTask, to: &PlannedTask) -> String {
    let info =
        entry_by_fn(&workspace.db, workspace.invocation, &from.fn_name).map(|e| e.info.clone());
    let Some(task_info) = info.as_ref().and_then(|info| info.task(&from.task).cloned()) else {
        return "a dependency".to_owned();
    };
    if from.fn_name == to.fn_name {
        if task_info.parents.contains(&to.task) {
            return format!("addtask {} after {}", from.task, to.task);
        }
        return recursive_or(&task_info, &to.task, "a flag of this recipe's task");
    }
    let names = |flag: &str| -> Vec<String> {
        task_info.flag(flag).unwrap_or_default().split_whitespace().map(str::to_owned).collect()
    };
    if names("depends").iter().any(|entry| entry.ends_with(&format!(":{}", to.task))) {
        return format!("{}[depends] names {}:{}", from.task, to.pn, to.task);
    }
    if names("deptask").contains(&to.task) {
        let through = crate::why_provider::depends_reason(workspace, from, to)
            .unwrap_or_else(|| "through DEPENDS".to_owned());
        return format!("{}[deptask] = \"{}\"; {through}", from.task, to.task);
    }
    if names("rdeptask").contains(&to.task) {
        return format!("{}[rdeptask] = \"{}\", through RDEPENDS", from.task, to.task);
    }
    recursive_or(&task_info, &to.task, "a dependency of another kind")
}

fn recursive_or(task_info: &TaskInfo, to_task: &str, otherwise: &str) -> String {
    let recursive = task_info.flag("recrdeptask").unwrap_or_default();
    if recursive.split_whitespace().any(|name| name == to_task) {
        return format!("{}[recrdeptask] = \"{recursive}\", recursively", task_info.name);
    }
    otherwise.to_owned()
}
