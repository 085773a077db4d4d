//! The task list and task ordering of a parse, as BitBake's
//! `build.addtask` and `build.deltask` change them; the `addtask` and
//! `deltask` statements and metadata's Python both come here.

use crate::datastore::{ExpansionError, Provenance};
use crate::eval::ParseState;

/// The internal flag that holds a task's `deps`, which BitBake keeps as a
/// list in the flag `deps`: the names, separated by spaces. It lives in the
/// datastore, so that copies, renames and deletions treat it as BitBake
/// treats the flag, and every `d` sees it.
pub const DEPS_FLAG: &str = "_deps";

/// BitBake's task names always start with `do_`.
pub(crate) fn task_name(name: &str) -> String {
    if name.starts_with("do_") {
        name.to_owned()
    } else {
        format!("do_{name}")
    }
}

impl ParseState {
    /// `addtask`: flags the task and records what it comes after and
    /// before.
    pub fn add_task(
        &mut self,
        task: &str,
        after: &str,
        before: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        let task = task_name(task);
        self.datastore.set_var_flag(&task, "task", "1", prov)?;
        if !self.tasks.contains(&task) {
            self.tasks.push(task.clone());
        }
        let mut deps = self.task_deps(&task).unwrap_or_default();
        for entry in after.split_whitespace().map(task_name) {
            if !deps.contains(&entry) {
                deps.push(entry);
            }
        }
        self.set_task_deps(&task, Some(deps));
        for entry in before.split_whitespace().map(task_name) {
            let mut deps = self.task_deps(&entry).unwrap_or_default();
            if !deps.contains(&task) {
                deps.insert(0, task.clone());
                self.set_task_deps(&entry, Some(deps));
            }
        }
        Ok(())
    }

    /// `deltask`: the task leaves the task list and loses its own `deps`,
    /// and it is taken out of the `deps` of the remaining tasks only. A
    /// name that is no task but was given `deps` by an `addtask ... before`
    /// keeps them.
    pub fn delete_task(&mut self, task: &str, prov: &Provenance) {
        let task = task_name(task);
        if let Some(position) = self.tasks.iter().position(|known| *known == task) {
            self.tasks.remove(position);
            self.datastore.del_var_flag(&task, "task", prov);
        }
        self.datastore.set_internal_flag(&task, DEPS_FLAG, None);
        for name in self.tasks.clone() {
            if let Some(mut deps) = self.task_deps(&name) {
                if deps.contains(&task) {
                    deps.retain(|dep| *dep != task);
                    self.set_task_deps(&name, Some(deps));
                }
            }
        }
    }

    /// The tasks `task` comes after (its `deps` flag), if it has the flag.
    pub fn task_deps(&self, task: &str) -> Option<Vec<String>> {
        let deps = self.datastore.own_flag(task, DEPS_FLAG)?;
        Some(deps.split(' ').filter(|dep| !dep.is_empty()).map(str::to_owned).collect())
    }

    /// Replaces or, with `None`, removes the `deps` of `task`.
    pub fn set_task_deps(&mut self, task: &str, deps: Option<Vec<String>>) {
        let joined = deps.map(|deps| deps.join(" "));
        self.datastore.set_internal_flag(task, DEPS_FLAG, joined.as_deref());
    }
}
