//! The record of what ran: after a task succeeds, its signature file
//! (`${STAMP}.do_task.sigdata.TASKHASH.json`, as `rbake sigs` writes them)
//! is kept beside its stamp, so that `rbake why` can compare the next
//! build against what actually ran. Only the newest few per task are kept.

use std::path::{Path, PathBuf};

use rbake_queries::plan::{Plan, PlanRequest};

use super::ui::Console;
use crate::sigs_cmd::{stamp_of, write_sigdata};
use crate::workspace::{write_atomically, Workspace};

/// How many signature files each task keeps.
pub const KEPT_PER_TASK: usize = 3;

/// Writes the signature file of every task in `ran`, and prunes older ones.
pub fn record_runs(
    workspace: &Workspace,
    request: PlanRequest<'_>,
    plan: &Plan,
    ran: &[usize],
    console: &mut Console,
) {
    for &index in ran {
        let task = &plan.tasks[index];
        if let Err(error) = write_sigdata(workspace, request, &plan.tasks, task) {
            console.warning(&format!("{}: no record of this run: {error}", task.tid));
            continue;
        }
        if let Some(stamp) = stamp_of(workspace, task) {
            prune(&stamp, &task.task);
        }
    }
}

/// The signature files of one task, newest first.
pub fn records_of(stamp: &str, task: &str) -> Vec<PathBuf> {
    let stamp = PathBuf::from(stamp);
    let (Some(dir), Some(base)) = (stamp.parent(), stamp.file_name()) else { return Vec::new() };
    let prefix = format!("{}.{task}.sigdata.", base.to_string_lossy());
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix) && name.ends_with(".json")
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    found.into_iter().map(|(_, path)| path).collect()
}

/// The file that names the targets of the last build in a build directory.
fn last_targets_file(topdir: &Path) -> PathBuf {
    topdir.join("rbake-last-targets")
}

/// Remembers the targets of this build (for `rbake why` without a recipe).
pub fn remember_targets(topdir: &Path, targets: &[String]) {
    let text: String = targets.iter().map(|target| format!("{target}\n")).collect();
    let _ = write_atomically(&last_targets_file(topdir), text.as_bytes());
}

/// The first target of the last build in `topdir`, if any.
pub fn last_target(topdir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(last_targets_file(topdir)).ok()?;
    text.lines().next().map(str::to_owned).filter(|target| !target.is_empty())
}

fn prune(stamp: &str, task: &str) {
    for old in records_of(stamp, task).into_iter().skip(KEPT_PER_TASK) {
        let _ = std::fs::remove_file(old);
    }
}
