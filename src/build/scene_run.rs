//! The setscene phase of a build: ask the metadata's hash check which
//! outputs exist, run the setscene tasks wave by wave as
//! [`SceneDecisions`] chooses them, and return which real tasks are
//! covered.

use std::collections::{BTreeSet, HashMap};

use rbake_queries::eval::ParseState;
use rbake_queries::python::{
    check_setscene_hashes, setscene_dependency_valid, take_messages, DepvalidEntry, HashCheckEntry,
};

use super::dispatch::{dispatch, stamp_current, BuildTask, DispatchOptions};
use super::lock::RunningRecord;
use super::setscene::{SceneDecisions, SceneFacts, SceneGraph, SceneOptions, SceneState};
use super::stamps::{timestamp, StampSite};
use super::ui::Console;
use super::worker::WorkerHandle;
use crate::workspace::Workspace;
use rbake_queries::plan::cache::entry_by_fn;

/// What the setscene phase reads besides the tasks.
pub struct SceneSetup<'a> {
    pub config: &'a ParseState,
    pub hashcheck: String,
    pub depvalid: String,
    /// Each task's recipe PN and BB_HASHFILENAME.
    pub recipes: Vec<(String, String)>,
    /// Each setscene task's hard dependencies (from its setscene task's
    /// `depends` flag).
    pub hard_deps: Vec<BTreeSet<usize>>,
    pub options: SceneOptions,
}

struct Facts<'a> {
    tasks: &'a [BuildTask],
    setscene_sites: Vec<StampSite>,
    naming: super::stamps::StampNaming,
    config: &'a ParseState,
    depvalid: &'a str,
    recipes: &'a [(String, String)],
    failures: std::cell::RefCell<Vec<String>>,
    /// Real stamps checked so far (no real task runs in this phase, so
    /// an answer holds for the whole phase).
    real_current: std::cell::RefCell<HashMap<usize, bool>>,
}

impl SceneFacts for Facts<'_> {
    fn real_stamp_current(&self, task: usize) -> bool {
        if let Some(&known) = self.real_current.borrow().get(&task) {
            return known;
        }
        let current = stamp_current(self.tasks, task, self.naming, true);
        self.real_current.borrow_mut().insert(task, current);
        current
    }

    fn setscene_stamp_current(&self, task: usize) -> bool {
        let path = self.setscene_sites[task].path(self.naming);
        path.is_some_and(|path| timestamp(&path).is_some())
    }

    fn dependency_not_needed(
        &self,
        task: usize,
        dependents: &BTreeSet<usize>,
        notneeded: &BTreeSet<usize>,
    ) -> bool {
        if self.depvalid.is_empty() {
            return false;
        }
        let entry = |index: usize| -> DepvalidEntry {
            let task = &self.tasks[index];
            (
                task.tid.clone(),
                self.recipes[index].0.clone(),
                task.task.clone(),
                task.fn_name.clone(),
            )
        };
        let mut taskdata: Vec<DepvalidEntry> =
            dependents.iter().map(|&index| entry(index)).collect();
        taskdata.push(entry(task));
        let notneeded: Vec<String> =
            notneeded.iter().map(|&index| self.tasks[index].tid.clone()).collect();
        let tid = &self.tasks[task].tid;
        match setscene_dependency_valid(self.config, self.depvalid, tid, &taskdata, &notneeded) {
            Ok(valid) => valid,
            Err(error) => {
                self.failures.borrow_mut().push(format!("{}: {error}", self.depvalid));
                false
            }
        }
    }
}

/// Runs the setscene phase; returns which real tasks are covered, and
/// whether it went well (no metadata function failed, no interrupt).
pub fn run_setscene(
    tasks: &[BuildTask],
    is_setscene: Vec<bool>,
    setup: &SceneSetup<'_>,
    dispatch_options: &DispatchOptions,
    worker: &mut WorkerHandle,
    console: &mut Console,
    record: &mut RunningRecord,
) -> (Vec<bool>, bool) {
    let depends: Vec<Vec<usize>> = tasks.iter().map(|task| task.depends.clone()).collect();
    let graph =
        SceneGraph::new(&depends, is_setscene, setup.hard_deps.clone(), &setup.options.targets);
    if graph.setscene_tasks().next().is_none() {
        return (vec![false; tasks.len()], true);
    }
    let naming = dispatch_options.naming;
    let setscene_sites: Vec<StampSite> = tasks
        .iter()
        .map(|task| StampSite { task: format!("{}_setscene", task.task), ..task.stamp.clone() })
        .collect();
    let facts = Facts {
        tasks,
        setscene_sites,
        naming,
        config: setup.config,
        depvalid: &setup.depvalid,
        recipes: &setup.recipes,
        failures: Default::default(),
        real_current: Default::default(),
    };
    let noexec: Vec<bool> = tasks.iter().map(|task| task.noexec).collect();
    let (mut decisions, to_check) = SceneDecisions::new(&graph, &facts, &noexec);
    let mut available = BTreeSet::new();
    if !setup.hashcheck.is_empty() && !to_check.is_empty() {
        let by_tid: HashMap<&str, usize> =
            tasks.iter().enumerate().map(|(index, task)| (task.tid.as_str(), index)).collect();
        let entries: Vec<HashCheckEntry> = to_check
            .iter()
            .map(|&task| HashCheckEntry {
                tid: tasks[task].tid.clone(),
                taskhash: tasks[task].taskhash.clone(),
                unihash: tasks[task].unihash.clone(),
                hashfn: setup.recipes[task].1.clone(),
            })
            .collect();
        let checked = check_setscene_hashes(setup.config, &setup.hashcheck, &entries, true);
        show_messages(console);
        match checked {
            Ok(found) => {
                available =
                    found.iter().filter_map(|tid| by_tid.get(tid.as_str()).copied()).collect()
            }
            Err(error) => {
                console.error(&format!("{}: {error}", setup.hashcheck));
                return (vec![false; tasks.len()], false);
            }
        }
    }
    console.note("Executing SetScene Tasks");
    let setscene_total = graph.setscene_tasks().count();
    loop {
        let wave = decisions.next_wave(&graph, &available, &facts, &setup.options);
        show_messages(console);
        for failure in facts.failures.borrow_mut().drain(..) {
            console.error(&failure);
        }
        if wave.is_empty() {
            break;
        }
        let decided = decisions.state.iter().filter(|state| **state != SceneState::Pending).count();
        let scene_tasks: Vec<BuildTask> = wave
            .iter()
            .map(|&index| BuildTask {
                tid: format!("{}_setscene", tasks[index].tid),
                task: format!("{}_setscene", tasks[index].task),
                depends: Vec::new(),
                stamp: facts.setscene_sites[index].clone(),
                noexec: false,
                nostamp: false,
                ..tasks[index].clone()
            })
            .collect();
        let options = DispatchOptions {
            jobs: dispatch_options.jobs,
            keep_going: true,
            naming,
            rank: (0..scene_tasks.len()).collect(),
            number_threads: HashMap::new(),
            interrupted: dispatch_options.interrupted.clone(),
            covered: Vec::new(),
            setscene: true,
            always_run: Vec::new(),
            numbering: Some((decided, setscene_total)),
            dry_run: dispatch_options.dry_run,
            taskdepdata: None,
        };
        let outcome = dispatch(&scene_tasks, &options, worker, console, record);
        let failed: BTreeSet<usize> = outcome.failed.iter().map(|(at, _)| wave[*at]).collect();
        for &index in &wave {
            let state =
                if failed.contains(&index) { SceneState::NotCovered } else { SceneState::Covered };
            decisions.record(index, state, &graph, &facts);
        }
        if outcome.interrupted {
            return (vec![false; tasks.len()], false);
        }
    }
    (decisions.covered_real_tasks(&graph), true)
}

/// Shows what the metadata's Python said while rbake called it (the hash
/// check's summary, warnings).
fn show_messages(console: &mut Console) {
    for message in take_messages() {
        match message.level.as_str() {
            "plain" => console.line(&message.text),
            "note" | "verbnote" => console.note(&message.text),
            "warn" => console.warning(&message.text),
            "error" | "fatal" => console.error(&message.text),
            _ => {}
        }
    }
}

/// Each setscene task's hard dependencies: the entries `NAME:do_task_setscene`
/// of its setscene task's `depends` flag, with NAME resolved to the recipe
/// in the build that is or provides it.
pub fn hard_dependencies(workspace: &Workspace, tasks: &[BuildTask]) -> Vec<BTreeSet<usize>> {
    let (db, invocation) = (&workspace.db, workspace.invocation);
    let mut by_tid: HashMap<&str, usize> = HashMap::new();
    let mut fn_of_name: HashMap<String, &str> = HashMap::new();
    for (index, task) in tasks.iter().enumerate() {
        by_tid.insert(&task.tid, index);
        if let Some(entry) = entry_by_fn(db, invocation, &task.fn_name) {
            fn_of_name.entry(entry.info.pn.clone()).or_insert(&task.fn_name);
            for name in entry.info.all_provides() {
                fn_of_name.entry(name.to_owned()).or_insert(&task.fn_name);
            }
        }
    }
    tasks
        .iter()
        .map(|task| {
            let Some(entry) = entry_by_fn(db, invocation, &task.fn_name) else {
                return BTreeSet::new();
            };
            let setscene = entry.info.task(&format!("{}_setscene", task.task));
            let depends =
                setscene.and_then(|setscene| setscene.flag("depends")).unwrap_or_default();
            depends
                .split_whitespace()
                .filter_map(|entry| {
                    let (name, dep_task) = entry.rsplit_once(':')?;
                    let dep_fn = fn_of_name.get(name)?;
                    let dep_task = dep_task.strip_suffix("_setscene").unwrap_or(dep_task);
                    by_tid.get(format!("{dep_fn}:{dep_task}").as_str()).copied()
                })
                .collect()
        })
        .collect()
}
