//! `rbake build -b FILE`: the tasks of one recipe file, without its
//! dependencies on other recipes, as BitBake's `--buildfile` runs them.
//!
//! rbake plans the recipe's PN as usual and keeps only the file's own
//! tasks that the target task needs through the recipe's own ordering, so
//! the tasks keep the taskhashes (and stamps) of a normal build; BitBake's
//! `-b` hashes them without the other recipes.

use std::path::Path;

use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::Plan;
use rbake_queries::recipes::recipe_set;

use crate::workspace::Workspace;

/// The BitBake file name and PN of the recipe `file` names: its path, or
/// a regular expression matching exactly one recipe file, as BitBake
/// matches `-b`.
pub fn find_recipe(workspace: &Workspace, file: &Path) -> Result<(String, String), String> {
    let db = &workspace.db;
    let recipes = &recipe_set(db, workspace.invocation).recipes;
    let wanted = std::path::absolute(file).ok().filter(|path| path.exists());
    let matches: Vec<&Path> = match &wanted {
        Some(path) => recipes
            .iter()
            .map(|entry| entry.path.as_path())
            .filter(|candidate| normalized(candidate) == normalized(path))
            .collect(),
        None => {
            let pattern = regex::Regex::new(&file.to_string_lossy()).map_err(|error| {
                format!("{} is not a file or a valid pattern: {error}", file.display())
            })?;
            recipes
                .iter()
                .map(|entry| entry.path.as_path())
                .filter(|candidate| pattern.is_match(&candidate.to_string_lossy()))
                .collect()
        }
    };
    let path = match matches.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!("Unable to find any recipe file matching \"{}\"", file.display()))
        }
        many => {
            let names: Vec<String> = many.iter().map(|path| path.display().to_string()).collect();
            return Err(format!(
                "Unable to match \"{}\" to a single recipe file; it matches:\n    {}",
                file.display(),
                names.join("\n    ")
            ));
        }
    };
    let fn_name = path.to_string_lossy().into_owned();
    let entry = entry_by_fn(db, workspace.invocation, &fn_name)
        .ok_or_else(|| format!("{} was not parsed", path.display()))?;
    if let Some(reason) = &entry.info.skipped {
        return Err(format!("{} was skipped: {reason}", path.display()));
    }
    Ok((fn_name, entry.info.pn.clone()))
}

/// The plan cut down to `fn_name`'s tasks that its `task` needs through
/// the recipe's own dependencies.
pub fn restrict(plan: &Plan, fn_name: &str, task: &str) -> Result<Plan, String> {
    let start = plan
        .tasks
        .iter()
        .position(|planned| planned.fn_name == fn_name && planned.task == task)
        .ok_or_else(|| {
            format!("{fn_name} is not the recipe its PN resolves to, or has no task {task}")
        })?;
    let mut keep = vec![false; plan.tasks.len()];
    let mut stack = vec![start];
    while let Some(at) = stack.pop() {
        if std::mem::replace(&mut keep[at], true) {
            continue;
        }
        stack.extend(
            plan.tasks[at].depends.iter().filter(|&&dep| plan.tasks[dep].fn_name == fn_name),
        );
    }
    let mut new_index = vec![usize::MAX; plan.tasks.len()];
    let mut tasks = Vec::new();
    for (index, planned) in plan.tasks.iter().enumerate().filter(|(index, _)| keep[*index]) {
        new_index[index] = tasks.len();
        tasks.push(planned.clone());
    }
    for planned in &mut tasks {
        planned.depends =
            planned.depends.iter().filter(|&&dep| keep[dep]).map(|&dep| new_index[dep]).collect();
    }
    let batches = plan
        .batches
        .iter()
        .map(|batch| {
            batch
                .iter()
                .filter(|&&index| keep[index])
                .map(|&index| new_index[index])
                .collect::<Vec<_>>()
        })
        .filter(|batch: &Vec<usize>| !batch.is_empty())
        .collect();
    Ok(Plan { tasks, batches, virtuals: plan.virtuals.clone() })
}

fn normalized(path: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
