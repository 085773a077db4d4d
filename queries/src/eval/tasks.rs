//! The task list and task ordering of a parse, as BitBake's
//! `build.addtask` and `build.deltask` change them; the `addtask` and
//! `deltask` statements and metadata's Python both come here.

use crate::datastore::{ExpansionError, Provenance};
use crate::eval::ParseState;

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
        let mut deps = self.task_deps(&task);
        for entry in after.split_whitespace().map(task_name) {
            if !deps.contains(&entry) {
                deps.push(entry);
            }
        }
        self.set_task_deps(&task, deps);
        for entry in before.split_whitespace().map(task_name) {
            let mut deps = self.task_deps(&entry);
            if !deps.contains(&task) {
                deps.insert(0, task.clone());
                self.set_task_deps(&entry, deps);
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
        self.task_deps.retain(|(name, _)| *name != task);
        let tasks = &self.tasks;
        for (name, deps) in &mut self.task_deps {
            if tasks.contains(name) {
                deps.retain(|dep| *dep != task);
            }
        }
    }

    /// The tasks `task` comes after (its `deps` flag).
    pub fn task_deps(&self, task: &str) -> Vec<String> {
        self.task_deps
            .iter()
            .find(|(name, _)| name == task)
            .map(|(_, deps)| deps.clone())
            .unwrap_or_default()
    }

    /// Replaces the `deps` of `task`.
    pub fn set_task_deps(&mut self, task: &str, deps: Vec<String>) {
        match self.task_deps.iter_mut().find(|(name, _)| name == task) {
            Some(entry) => entry.1 = deps,
            None => self.task_deps.push((task.to_owned(), deps)),
        }
    }
}
