//! Shared state, as BitBake's runqueue frames it: the setscene tasks, the
//! metadata's BB_HASHCHECK_FUNCTION and BB_SETSCENE_DEPVALID, and the
//! coverage that decides which real tasks a restored output makes
//! unnecessary. The metadata does the archiving; this module only decides
//! what runs.
//!
//! A real task `do_X` is a setscene task when its recipe also has
//! `do_X_setscene`. Setscene tasks are decided from the top of the graph
//! down: one whose dependents are all covered, that is no target and that
//! BB_SETSCENE_DEPVALID calls unneeded is skipped; otherwise, if its real
//! task's stamp is current, it is not covered (the real task is skipped by
//! its stamp); if its setscene stamp is current it is covered; if the hash
//! check offered it, its setscene task runs, and covers it on success.

use std::collections::BTreeSet;

/// The setscene view of the real task graph.
#[derive(Debug, Default)]
pub struct SceneGraph {
    /// Whether each real task has a setscene task.
    pub is_setscene: Vec<bool>,
    /// For each setscene task, the setscene tasks below it (reached through
    /// tasks that have none).
    pub sq_deps: Vec<BTreeSet<usize>>,
    /// The reverse of `sq_deps`.
    pub sq_revdeps: Vec<BTreeSet<usize>>,
    /// For each setscene task, the real tasks it covers: itself and the
    /// tasks without setscene below it, down to the next setscene tasks.
    pub covers: Vec<BTreeSet<usize>>,
    /// Tasks that always run: the graph's endpoints and what lies below
    /// them down to the first setscene tasks (which are included).
    pub unskippable: BTreeSet<usize>,
}

impl SceneGraph {
    /// The view of a graph given as each task's dependencies.
    pub fn new(depends: &[Vec<usize>], is_setscene: Vec<bool>) -> SceneGraph {
        let count = depends.len();
        let mut graph = SceneGraph {
            sq_deps: vec![BTreeSet::new(); count],
            sq_revdeps: vec![BTreeSet::new(); count],
            covers: vec![BTreeSet::new(); count],
            ..SceneGraph::default()
        };
        for top in (0..count).filter(|&index| is_setscene[index]) {
            let mut stack: Vec<usize> = depends[top].clone();
            let mut seen = BTreeSet::new();
            graph.covers[top].insert(top);
            while let Some(at) = stack.pop() {
                if !seen.insert(at) {
                    continue;
                }
                if is_setscene[at] {
                    graph.sq_deps[top].insert(at);
                } else {
                    graph.covers[top].insert(at);
                    stack.extend(&depends[at]);
                }
            }
        }
        for top in 0..count {
            for &dep in &graph.sq_deps[top].clone() {
                graph.sq_revdeps[dep].insert(top);
            }
        }
        let mut has_dependents = vec![false; count];
        depends.iter().flatten().for_each(|&dep| has_dependents[dep] = true);
        let mut stack: Vec<usize> = (0..count).filter(|&index| !has_dependents[index]).collect();
        while let Some(at) = stack.pop() {
            if graph.unskippable.insert(at) && !is_setscene[at] {
                stack.extend(&depends[at]);
            }
        }
        graph.is_setscene = is_setscene;
        graph
    }

    pub fn setscene_tasks(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.is_setscene.len()).filter(|&index| self.is_setscene[index])
    }
}

/// How one setscene task was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SceneState {
    Pending,
    /// Its output is there (restored, current, or not needed).
    Covered,
    /// The real task must run (or be skipped by its own stamp).
    NotCovered,
}

/// What the decision step needs to know of one setscene task.
pub trait SceneFacts {
    /// Whether the real task's stamp is current.
    fn real_stamp_current(&self, task: usize) -> bool;
    /// Whether the setscene task's stamp is current.
    fn setscene_stamp_current(&self, task: usize) -> bool;
    /// BB_SETSCENE_DEPVALID for `task` given its dependents.
    fn dependency_not_needed(
        &self,
        task: usize,
        dependents: &BTreeSet<usize>,
        notneeded: &BTreeSet<usize>,
    ) -> bool;
}

/// The options that change the decisions.
#[derive(Clone, Debug, Default)]
pub struct SceneOptions {
    /// Setscene tasks of targets are not skipped as unneeded.
    pub targets: BTreeSet<usize>,
    /// `-f`: a target's setscene never covers it.
    pub force: bool,
    /// `--skip-setscene`: no setscene task runs.
    pub skip_setscene: bool,
}

/// The decisions so far.
#[derive(Debug)]
pub struct SceneDecisions {
    pub state: Vec<SceneState>,
    /// Setscene tasks skipped as not needed (BitBake's `notneeded`).
    pub notneeded: BTreeSet<usize>,
}

impl SceneDecisions {
    pub fn new(count: usize) -> SceneDecisions {
        SceneDecisions { state: vec![SceneState::Pending; count], notneeded: BTreeSet::new() }
    }

    /// Decides every pending setscene task whose dependents are decided;
    /// returns those whose setscene task should run now (offered by the
    /// hash check in `available`).
    pub fn next_wave(
        &mut self,
        graph: &SceneGraph,
        available: &BTreeSet<usize>,
        facts: &dyn SceneFacts,
        options: &SceneOptions,
    ) -> Vec<usize> {
        let mut to_run = Vec::new();
        loop {
            let ready: Vec<usize> = graph
                .setscene_tasks()
                .filter(|&task| self.state[task] == SceneState::Pending && !to_run.contains(&task))
                .filter(|&task| {
                    graph.sq_revdeps[task].iter().all(|&up| self.state[up] != SceneState::Pending)
                })
                .collect();
            if ready.is_empty() {
                return to_run;
            }
            for task in ready {
                match self.decide(task, graph, available, facts, options) {
                    Some(state) => self.state[task] = state,
                    None => to_run.push(task),
                }
            }
            if !to_run.is_empty() {
                // What lies below a running setscene task waits for its result.
                return to_run;
            }
        }
    }

    fn decide(
        &mut self,
        task: usize,
        graph: &SceneGraph,
        available: &BTreeSet<usize>,
        facts: &dyn SceneFacts,
        options: &SceneOptions,
    ) -> Option<SceneState> {
        let dependents = &graph.sq_revdeps[task];
        let all_covered = dependents.iter().all(|&up| self.state[up] == SceneState::Covered);
        if !graph.unskippable.contains(&task)
            && !dependents.is_empty()
            && all_covered
            && !options.targets.contains(&task)
            && facts.dependency_not_needed(task, dependents, &self.notneeded)
        {
            self.notneeded.insert(task);
            return Some(SceneState::Covered);
        }
        if facts.real_stamp_current(task) {
            return Some(SceneState::NotCovered);
        }
        if options.force && options.targets.contains(&task) {
            return Some(SceneState::NotCovered);
        }
        if facts.setscene_stamp_current(task) {
            return Some(SceneState::Covered);
        }
        if options.skip_setscene || !available.contains(&task) {
            return Some(SceneState::NotCovered);
        }
        None
    }

    /// The real tasks that need not run: those covered by a covered
    /// setscene task and by no uncovered one.
    pub fn covered_real_tasks(&self, graph: &SceneGraph) -> Vec<bool> {
        let mut covered = vec![false; graph.is_setscene.len()];
        for task in graph.setscene_tasks() {
            if self.state[task] == SceneState::Covered {
                graph.covers[task].iter().for_each(|&real| covered[real] = true);
            }
        }
        for task in graph.setscene_tasks() {
            if self.state[task] != SceneState::Covered {
                graph.covers[task].iter().for_each(|&real| covered[real] = false);
            }
        }
        for &task in &graph.unskippable {
            if !graph.is_setscene[task] {
                covered[task] = false;
            }
        }
        covered
    }
}
