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
    /// For each setscene task, the setscene tasks its own setscene task
    /// names in its `depends` flag (BitBake's hard dependencies).
    pub hard_deps: Vec<BTreeSet<usize>>,
    /// The reverse of `hard_deps`.
    pub hard_dependents: Vec<BTreeSet<usize>>,
}

impl SceneGraph {
    /// The view of a graph given as each task's dependencies, which tasks
    /// have setscene tasks, and the hard dependencies between those.
    pub fn new(
        depends: &[Vec<usize>],
        is_setscene: Vec<bool>,
        hard_deps: Vec<BTreeSet<usize>>,
        targets: &BTreeSet<usize>,
    ) -> SceneGraph {
        let count = depends.len();
        let mut hard_dependents = vec![BTreeSet::new(); count];
        for (task, deps) in hard_deps.iter().enumerate() {
            deps.iter().for_each(|&dep| {
                hard_dependents[dep].insert(task);
            });
        }
        let mut graph = SceneGraph {
            sq_deps: vec![BTreeSet::new(); count],
            sq_revdeps: vec![BTreeSet::new(); count],
            covers: vec![BTreeSet::new(); count],
            hard_deps,
            hard_dependents,
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
        // The endpoints, and the targets that have no setscene task.
        let mut stack: Vec<usize> = (0..count)
            .filter(|&index| {
                !has_dependents[index] || (targets.contains(&index) && !is_setscene[index])
            })
            .collect();
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
    /// Hard dependencies some waiting setscene task needs: they are
    /// decided whatever their own dependents, and never skipped as unneeded.
    needed_harddeps: BTreeSet<usize>,
}

impl SceneDecisions {
    /// The decisions before anything runs: as BitBake's
    /// `update_scenequeue_data`, a setscene task of a `noexec` task, or one
    /// whose setscene stamp or real stamp (recursively) is current, is
    /// covered at once. Returns the decisions and the tasks left for the
    /// hash check.
    pub fn new(
        graph: &SceneGraph,
        facts: &dyn SceneFacts,
        noexec: &[bool],
    ) -> (SceneDecisions, Vec<usize>) {
        let mut decisions = SceneDecisions {
            state: vec![SceneState::Pending; graph.is_setscene.len()],
            notneeded: BTreeSet::new(),
            needed_harddeps: BTreeSet::new(),
        };
        let mut to_check = Vec::new();
        for task in graph.setscene_tasks() {
            if noexec[task] || facts.setscene_stamp_current(task) || facts.real_stamp_current(task)
            {
                decisions.state[task] = SceneState::Covered;
            } else {
                to_check.push(task);
            }
        }
        (decisions, to_check)
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
            let pending = |task: usize, state: &[SceneState]| state[task] == SceneState::Pending;
            let ready: Vec<usize> = graph
                .setscene_tasks()
                .filter(|&task| pending(task, &self.state) && !to_run.contains(&task))
                .filter(|&task| {
                    self.needed_harddeps.contains(&task)
                        || graph.sq_revdeps[task].iter().all(|&up| !pending(up, &self.state))
                })
                .collect();
            let mut progressed = false;
            for task in ready {
                // Deciding an earlier one may have decided this one.
                if !pending(task, &self.state) {
                    continue;
                }
                // Left out as not needed comes first, whatever its hard
                // dependencies (as BitBake's order of checks has it).
                if self.not_needed(task, graph, facts, options) {
                    progressed = true;
                    self.notneeded.insert(task);
                    self.record(task, SceneState::Covered, graph, facts);
                    continue;
                }
                // Then it waits for its hard dependencies, which are then
                // needed whatever their own dependents say.
                let waiting: Vec<usize> = graph.hard_deps[task]
                    .iter()
                    .copied()
                    .filter(|&dep| pending(dep, &self.state))
                    .collect();
                if !waiting.is_empty() {
                    for dep in waiting {
                        progressed |= self.needed_harddeps.insert(dep);
                    }
                    continue;
                }
                progressed = true;
                match self.decide(task, available, facts, options) {
                    Some(state) => self.record(task, state, graph, facts),
                    None => to_run.push(task),
                }
            }
            if !to_run.is_empty() || !progressed {
                // What lies below a running setscene task waits for its result.
                return to_run;
            }
        }
    }

    /// Records a decision or a setscene task's result; a task that is not
    /// covered takes the tasks that hard-depend on it with it.
    pub fn record(
        &mut self,
        task: usize,
        state: SceneState,
        graph: &SceneGraph,
        facts: &dyn SceneFacts,
    ) {
        self.state[task] = state;
        if state != SceneState::NotCovered {
            return;
        }
        for &dependent in &graph.hard_dependents[task] {
            if self.state[dependent] == SceneState::Pending
                && !facts.setscene_stamp_current(dependent)
                && !facts.real_stamp_current(dependent)
            {
                self.record(dependent, SceneState::NotCovered, graph, facts);
            }
        }
    }

    /// BitBake's first check: a task that is no endpoint's, whose
    /// dependents are all covered and that BB_SETSCENE_DEPVALID calls
    /// unneeded, is left out (unless it is a target or a needed hard
    /// dependency).
    fn not_needed(
        &self,
        task: usize,
        graph: &SceneGraph,
        facts: &dyn SceneFacts,
        options: &SceneOptions,
    ) -> bool {
        let dependents = &graph.sq_revdeps[task];
        !graph.unskippable.contains(&task)
            && !dependents.is_empty()
            && !self.needed_harddeps.contains(&task)
            && dependents.iter().all(|&up| self.state[up] == SceneState::Covered)
            && facts.dependency_not_needed(task, dependents, &self.notneeded)
            && !options.targets.contains(&task)
    }

    /// The remaining checks, in BitBake's order; `None` when the setscene
    /// task should run.
    fn decide(
        &mut self,
        task: usize,
        available: &BTreeSet<usize>,
        facts: &dyn SceneFacts,
        options: &SceneOptions,
    ) -> Option<SceneState> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Stamps and DEPVALID answers for a test, by task index.
    #[derive(Default)]
    struct Facts {
        real_current: BTreeSet<usize>,
        setscene_current: BTreeSet<usize>,
        not_needed: BTreeSet<usize>,
        asked: RefCell<Vec<usize>>,
    }

    impl SceneFacts for Facts {
        fn real_stamp_current(&self, task: usize) -> bool {
            self.real_current.contains(&task)
        }
        fn setscene_stamp_current(&self, task: usize) -> bool {
            self.setscene_current.contains(&task)
        }
        fn dependency_not_needed(
            &self,
            task: usize,
            _: &BTreeSet<usize>,
            _: &BTreeSet<usize>,
        ) -> bool {
            self.asked.borrow_mut().push(task);
            self.not_needed.contains(&task)
        }
    }

    /// lib: 0 compile, 1 install, 2 sysroot (setscene), 3 package
    /// (setscene); app: 4 compile (needs 2), 5 install, 6 package
    /// (setscene), 7 build (needs 6 and 3).
    fn graph(hard_deps: &[(usize, usize)]) -> SceneGraph {
        let depends =
            vec![vec![], vec![0], vec![1], vec![1], vec![2], vec![4], vec![5], vec![6, 3]];
        let setscene = vec![false, false, true, true, false, false, true, false];
        let mut hard = vec![BTreeSet::new(); 8];
        for &(task, dep) in hard_deps {
            hard[task].insert(dep);
        }
        SceneGraph::new(&depends, setscene, hard, &BTreeSet::new())
    }

    fn decide_all(
        graph: &SceneGraph,
        facts: &Facts,
        available: &[usize],
        failing: &[usize],
    ) -> (SceneDecisions, Vec<usize>) {
        let (mut decisions, _) = SceneDecisions::new(graph, facts, &[false; 8]);
        let available: BTreeSet<usize> = available.iter().copied().collect();
        let mut ran = Vec::new();
        loop {
            let wave = decisions.next_wave(graph, &available, facts, &SceneOptions::default());
            if wave.is_empty() {
                return (decisions, ran);
            }
            for task in wave {
                ran.push(task);
                let state = if failing.contains(&task) {
                    SceneState::NotCovered
                } else {
                    SceneState::Covered
                };
                decisions.record(task, state, graph, facts);
            }
        }
    }

    #[test]
    fn the_setscene_graph_collapses_the_real_one() {
        let graph = graph(&[]);
        assert_eq!(graph.sq_deps[6], BTreeSet::from([2]));
        assert_eq!(graph.sq_revdeps[2], BTreeSet::from([6]));
        assert_eq!(graph.covers[6], BTreeSet::from([6, 5, 4]));
        assert_eq!(graph.covers[2], BTreeSet::from([2, 1, 0]));
        // do_build is an endpoint; app's and lib's packages lie right under it.
        assert_eq!(graph.unskippable, BTreeSet::from([7, 6, 3]));
    }

    #[test]
    fn full_coverage_runs_every_offered_setscene_task_and_covers_the_real_ones() {
        let graph = graph(&[]);
        let facts = Facts::default();
        let (decisions, ran) = decide_all(&graph, &facts, &[2, 3, 6], &[]);
        assert_eq!(ran, vec![3, 6, 2]);
        let covered = decisions.covered_real_tasks(&graph);
        assert_eq!(covered, vec![true, true, true, true, true, true, true, false]);
    }

    #[test]
    fn depvalid_leaves_out_a_dependency_whose_dependents_are_covered() {
        let graph = graph(&[]);
        let facts = Facts { not_needed: BTreeSet::from([2]), ..Facts::default() };
        let (decisions, ran) = decide_all(&graph, &facts, &[2, 3, 6], &[]);
        assert_eq!(ran, vec![3, 6], "lib's sysroot was restored although not needed");
        assert_eq!(decisions.state[2], SceneState::Covered);
        assert_eq!(decisions.notneeded, BTreeSet::from([2]));
        assert_eq!(*facts.asked.borrow(), vec![2]);
    }

    #[test]
    fn a_failed_setscene_task_uncovers_what_hard_depends_on_it() {
        // app's package setscene hard-depends on lib's sysroot setscene.
        let graph = graph(&[(6, 2)]);
        let facts = Facts::default();
        let (decisions, ran) = decide_all(&graph, &facts, &[3, 6], &[]);
        // lib's sysroot is decided first (not offered: not covered), and
        // app's package follows it without running.
        assert_eq!(decisions.state[2], SceneState::NotCovered);
        assert_eq!(decisions.state[6], SceneState::NotCovered);
        assert_eq!(ran, vec![3]);

        // A setscene task that fails when it runs does the same.
        let (decisions, ran) = decide_all(&graph, &facts, &[2, 3, 6], &[2]);
        assert_eq!(ran, vec![3, 2]);
        assert_eq!(decisions.state[6], SceneState::NotCovered);
    }

    #[test]
    fn current_stamps_cover_before_the_hash_check() {
        let graph = graph(&[]);
        let facts = Facts { real_current: BTreeSet::from([6]), ..Facts::default() };
        let (decisions, to_check) = SceneDecisions::new(&graph, &facts, &[false; 8]);
        assert_eq!(decisions.state[6], SceneState::Covered);
        assert_eq!(to_check, vec![2, 3]);
    }
}
