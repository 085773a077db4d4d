//! BitBake's runqueue preparation (`RunQueueData.prepare`): every task of
//! the chosen recipes gets its dependencies (internal, `deptask`,
//! `rdeptask`, `depends`, `rdepends`, `mcdepends`, and the recursive
//! `recrdeptask` / `recideptask`), then only the tasks the targets need
//! are kept, and cycles are reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use indexmap::IndexMap;

use super::close_matches::close_matches;
use super::lookup::Lookup;
use super::taskdata::{Raise, TaskData};
use super::{with_do, Message};
use crate::recipe::RecipeInfo;

/// A target after provider resolution: multiconfig, name, task and the
/// file chosen for it.
#[derive(Clone, Debug)]
pub(crate) struct RunTarget {
    pub mc: String,
    pub name: String,
    pub task: String,
    pub fn_name: String,
}

/// `--runall` and `--runonly`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Restrictions {
    pub runall: Vec<String>,
    pub runonly: Vec<String>,
}

/// The tasks kept, sorted by id (`fn:task`), with their dependencies as
/// positions in that order, and each task's place in BitBake's runqueue
/// (the order its tasks were added, which breaks the schedulers' ties).
pub(crate) struct Prepared {
    pub names: Vec<String>,
    pub depends: Vec<Vec<usize>>,
    pub runq_order: Vec<usize>,
}

fn split_tid(tid: &str) -> (&str, &str) {
    tid.rsplit_once(':').unwrap_or((tid, ""))
}

/// The task graph being built: ids for every task of every multiconfig.
struct Graph {
    tids: IndexMap<String, ()>,
    /// The multiconfig of each task.
    mc_of: Vec<String>,
    fn_ids: IndexMap<String, ()>,
    fn_of: Vec<usize>,
    depends: Vec<BTreeSet<usize>>,
}

impl Graph {
    fn id(&self, tid: &str) -> Option<usize> {
        self.tids.get_index_of(tid)
    }

    fn name(&self, id: usize) -> &str {
        self.tids.get_index(id).map_or("", |(tid, _)| tid.as_str())
    }
}

/// Runs the preparation over the multiconfigs' task data.
pub(crate) fn prepare(
    lookups: &BTreeMap<String, Lookup<'_>>,
    taskdata: &BTreeMap<String, TaskData<'_, '_>>,
    targets: &[RunTarget],
    restrictions: &Restrictions,
    messages: &mut Vec<Message>,
) -> Result<Prepared, Raise> {
    let mut graph = Graph {
        tids: IndexMap::new(),
        mc_of: Vec::new(),
        fn_ids: IndexMap::new(),
        fn_of: Vec::new(),
        depends: Vec::new(),
    };
    for (mc, data) in taskdata {
        for tid in data.task_entries.keys() {
            graph.tids.insert(tid.clone(), ());
            graph.mc_of.push(mc.clone());
            let (fn_name, _) = split_tid(tid);
            let (fn_id, _) = graph.fn_ids.insert_full(fn_name.to_owned(), ());
            graph.fn_of.push(fn_id);
            graph.depends.push(BTreeSet::new());
        }
    }
    let mut recursive: IndexMap<usize, Vec<String>> = IndexMap::new();
    let mut recursive_idepends: HashMap<usize, Vec<String>> = HashMap::new();
    let mut self_referencing: BTreeSet<usize> = BTreeSet::new();
    let mut infos: HashMap<String, Option<Arc<RecipeInfo>>> = HashMap::new();
    for id in 0..graph.tids.len() {
        let tid = graph.name(id).to_owned();
        let mc = graph.mc_of[id].clone();
        let data = &taskdata[&mc];
        let (fn_name, task) = split_tid(&tid);
        if data.failed_fns.contains(fn_name) {
            continue;
        }
        let info = infos.entry(fn_name.to_owned()).or_insert_with(|| lookups[&mc].info(fn_name));
        let Some(info) = info.clone() else { continue };
        let Some(task_info) = info.task(task) else { continue };
        let mut depends: BTreeSet<String> = BTreeSet::new();
        let mut tdepends = data.task_entries[&tid].tdepends.clone();
        if task_info.flag("mcdepends").is_some() {
            tdepends.extend(mc_dependencies(taskdata, &mc)?);
        }
        depends.extend(tdepends);
        let build_deps = &data.depids[fn_name];
        let run_deps = &data.rdepids[fn_name];
        if let Some(names) = task_info.flag("deptask") {
            add_dependencies(data, build_deps, names, false, &mut depends);
        }
        if let Some(names) = task_info.flag("rdeptask") {
            add_dependencies(data, run_deps, names, true, &mut depends);
        }
        for (name, dep_task) in &data.task_entries[&tid].idepends {
            let Some(first) = data.build_targets.get(name).and_then(|fns| fns.first()) else {
                continue;
            };
            if data.failed_deps.contains(name) {
                continue;
            }
            let dep = format!("{first}:{dep_task}");
            if !data.task_entries.contains_key(&dep) {
                return Err(Raise::Fatal(format!(
                    "Task {task} in {fn_name} depends upon non-existent task {dep_task} in {first}"
                )));
            }
            depends.insert(dep);
        }
        for (name, dep_task) in &data.task_entries[&tid].irdepends {
            let Some(first) = data.run_targets.get(name).and_then(|fns| fns.first()) else {
                continue;
            };
            let dep = format!("{first}:{dep_task}");
            if !data.task_entries.contains_key(&dep) {
                return Err(Raise::Fatal(format!(
                    "Task {task} in {fn_name} rdepends upon non-existent task {dep_task} in {first}"
                )));
            }
            depends.insert(dep);
        }
        if let Some(names) = task_info.flag("recrdeptask") {
            let names: Vec<String> = names.split_whitespace().map(str::to_owned).collect();
            add_dependencies(data, build_deps, &names.join(" "), false, &mut depends);
            add_dependencies(data, run_deps, &names.join(" "), true, &mut depends);
            if names.iter().any(|name| name == task) {
                self_referencing.insert(id);
            }
            if let Some(inner) = task_info.flag("recideptask") {
                let inner = inner.split_whitespace().map(|t| format!("{fn_name}:{t}")).collect();
                recursive_idepends.insert(id, inner);
            }
            recursive.insert(id, names);
        }
        depends.remove(&tid);
        let ids = depends.iter().filter_map(|dep| graph.id(dep)).collect();
        graph.depends[id] = ids;
    }
    add_recursive_dependencies(&mut graph, &recursive, &recursive_idepends);
    for &id in &self_referencing {
        let remaining: BTreeSet<usize> =
            graph.depends[id].difference(&self_referencing).copied().collect();
        graph.depends[id] = remaining;
    }
    let active = mark_targets(&graph, taskdata, targets, restrictions)?;
    // The kept tasks, sorted by id, with their dependencies renumbered.
    let mut kept: Vec<usize> = active.ones().collect();
    kept.sort_by(|&a, &b| graph.name(a).cmp(graph.name(b)));
    let mut position = vec![usize::MAX; graph.tids.len()];
    for (index, &id) in kept.iter().enumerate() {
        position[id] = index;
    }
    let names = kept.iter().map(|&id| graph.name(id).to_owned()).collect();
    let depends = kept
        .iter()
        .map(|&id| graph.depends[id].iter().map(|&dep| position[dep]).collect())
        .collect();
    if kept.is_empty() {
        messages.push(Message::error(
            "No active tasks and not in --continue mode?! Please report this bug.",
        ));
        return Err(Raise::Fatal(String::new()));
    }
    let mut by_insertion = kept.clone();
    by_insertion.sort_unstable();
    let mut runq_order = vec![0; kept.len()];
    for (rank, id) in by_insertion.into_iter().enumerate() {
        runq_order[position[id]] = rank;
    }
    Ok(Prepared { names, depends, runq_order })
}

/// BitBake's `add_mc_dependencies`: every `mcdepends` entry of the
/// multiconfig that starts from it, resolved in the target multiconfig.
fn mc_dependencies(
    taskdata: &BTreeMap<String, TaskData<'_, '_>>,
    mc: &str,
) -> Result<Vec<String>, Raise> {
    let mut out = Vec::new();
    for dep in &taskdata[mc].mcdepends {
        let parts: Vec<&str> = dep.split(':').collect();
        let (from, to, pn, task) = (parts[1], parts[2], parts[3], parts[4]);
        let Some(target) = taskdata.get(to) else {
            return Err(Raise::Fatal(format!(
                "Multiconfig '{to}' is referenced in multiconfig dependency '{dep}' but not enabled in BBMULTICONFIG?"
            )));
        };
        if from != mc {
            continue;
        }
        let Some(first) = target.build_targets.get(pn).and_then(|fns| fns.first()) else {
            return Err(Raise::Fatal(format!("Task mcdepends on non-existent task {dep}")));
        };
        let new = format!("{first}:{task}");
        if !target.task_entries.contains_key(&new) {
            return Err(Raise::Fatal(format!("Task mcdepends on non-existent task {new}")));
        }
        out.push(new);
    }
    Ok(out)
}

/// Adds `names` tasks of the first provider of each dependency.
fn add_dependencies(
    data: &TaskData<'_, '_>,
    names_of_deps: &[String],
    tasks: &str,
    runtime: bool,
    depends: &mut BTreeSet<String>,
) {
    let targets = if runtime { &data.run_targets } else { &data.build_targets };
    for name in names_of_deps {
        let Some(first) = targets.get(name).and_then(|fns| fns.first()) else { continue };
        for task in tasks.split_whitespace() {
            let tid = format!("{first}:{task}");
            if data.task_entries.contains_key(&tid) {
                depends.insert(tid);
            }
        }
    }
}

/// The recursive part of `recrdeptask`: the named tasks of every recipe
/// reachable through the task's dependencies, to a fixed point.
fn add_recursive_dependencies(
    graph: &mut Graph,
    recursive: &IndexMap<usize, Vec<String>>,
    recursive_idepends: &HashMap<usize, Vec<String>>,
) {
    let count = graph.tids.len();
    let fn_count = graph.fn_ids.len();
    // The recipes each task reaches, collected from the ends of the
    // dependency chains inwards.
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut remaining: Vec<usize> = graph.depends.iter().map(BTreeSet::len).collect();
    for (id, deps) in graph.depends.iter().enumerate() {
        for &dep in deps {
            reverse[dep].push(id);
        }
    }
    let mut reached: Vec<FixedBitSet> = vec![FixedBitSet::with_capacity(fn_count); count];
    let mut ready: Vec<usize> = (0..count).filter(|&id| remaining[id] == 0).collect();
    while !ready.is_empty() {
        let mut next = Vec::new();
        for id in ready {
            for &dependent in &reverse[id] {
                let (from, to) = pick_two(&mut reached, id, dependent);
                to.insert(graph.fn_of[id]);
                to.union_with(from);
                remaining[dependent] -= 1;
                if remaining[dependent] == 0 {
                    next.push(dependent);
                }
            }
        }
        ready = next;
    }
    // Each recursive task name's task in every recipe, by recipe.
    let mut task_of: HashMap<&str, Vec<Option<usize>>> = HashMap::new();
    for names in recursive.values() {
        for name in names {
            task_of.entry(name.as_str()).or_insert_with(|| vec![None; fn_count]);
        }
    }
    for id in 0..count {
        let (_, task) = split_tid(graph.name(id));
        if let Some(by_fn) = task_of.get_mut(task) {
            by_fn[graph.fn_of[id]] = Some(id);
        }
    }
    loop {
        let mut added = 0;
        for (&id, names) in recursive {
            let mut total: BTreeSet<usize> = graph.depends[id].clone();
            if let Some(inner) = recursive_idepends.get(&id) {
                for tid in inner {
                    if let Some(inner_id) = graph.id(tid) {
                        total.insert(inner_id);
                        total.extend(graph.depends[inner_id].iter().copied());
                    }
                }
            }
            let mut fns = FixedBitSet::with_capacity(fn_count);
            for dep in total {
                fns.union_with(&reached[dep]);
            }
            for fn_id in fns.ones() {
                for name in names {
                    let Some(new) = task_of[name.as_str()][fn_id] else { continue };
                    if new != id && graph.depends[id].insert(new) {
                        added += 1;
                    }
                }
            }
            // Recursive tasks that depend on other recursive tasks take on
            // their dependencies of the same names.
            let mut inherited: BTreeSet<usize> = BTreeSet::new();
            for dep in graph.depends[id].iter().filter(|dep| recursive.contains_key(*dep)) {
                inherited.extend(graph.depends[*dep].difference(&graph.depends[id]));
            }
            for new in inherited {
                let (_, task) = split_tid(graph.name(new));
                if names.iter().any(|name| name == task) {
                    graph.depends[id].insert(new);
                    added += 1;
                }
            }
        }
        if added == 0 {
            break;
        }
    }
}

/// Two distinct elements of a slice, the first shared and the second
/// mutable.
fn pick_two<T>(items: &mut [T], shared: usize, mutable: usize) -> (&T, &mut T) {
    if shared < mutable {
        let (left, right) = items.split_at_mut(mutable);
        (&left[shared], &mut right[0])
    } else {
        let (left, right) = items.split_at_mut(shared);
        (&right[0], &mut left[mutable])
    }
}

/// Marks the tasks the targets need (and applies `--runall` and
/// `--runonly`).
fn mark_targets(
    graph: &Graph,
    taskdata: &BTreeMap<String, TaskData<'_, '_>>,
    targets: &[RunTarget],
    restrictions: &Restrictions,
) -> Result<FixedBitSet, Raise> {
    let count = graph.tids.len();
    let mut active = FixedBitSet::with_capacity(count);
    for target in targets {
        let data = &taskdata[&target.mc];
        let chosen = data.build_targets.get(&target.name).is_some_and(|fns| !fns.is_empty());
        if !chosen
            || data.failed_deps.contains(&target.name)
            || data.failed_fns.contains(&target.fn_name)
        {
            continue;
        }
        let (task, parents_only) = match target.task.strip_suffix('-') {
            Some(task) => (task, true),
            None => (target.task.as_str(), false),
        };
        let tid = format!("{}:{task}", target.fn_name);
        let Some(id) = graph.id(&tid) else {
            let prefix = format!("{}:", target.fn_name);
            let tasks: Vec<&str> = graph
                .tids
                .keys()
                .filter_map(|known| known.strip_prefix(&prefix))
                .filter(|rest| !rest.contains(':'))
                .collect();
            let close = close_matches(task, &tasks);
            let extra = if close.is_empty() {
                String::new()
            } else {
                format!(". Close matches:\n  {}", close.join("\n  "))
            };
            return Err(Raise::Fatal(format!(
                "Task {task} does not exist for target {} ({tid}){extra}",
                target.name
            )));
        };
        if parents_only {
            for &dep in &graph.depends[id] {
                mark(graph, dep, &mut active);
            }
        } else {
            mark(graph, id, &mut active);
        }
    }
    if !restrictions.runall.is_empty() {
        let mut previous = FixedBitSet::with_capacity(count);
        loop {
            let kept = active.clone();
            active = FixedBitSet::with_capacity(count);
            let mut wanted = FixedBitSet::with_capacity(count);
            for task in &restrictions.runall {
                let task = with_do(task);
                for id in kept.ones() {
                    let (fn_name, _) = split_tid(graph.name(id));
                    if let Some(want) = graph.id(&format!("{fn_name}:{task}")) {
                        wanted.insert(want);
                    }
                }
            }
            for id in wanted.ones() {
                mark(graph, id, &mut active);
            }
            let mut new = wanted.clone();
            new.difference_with(&previous);
            previous = wanted;
            if new.is_clear() {
                break;
            }
        }
        if active.is_clear() {
            return Err(Raise::Fatal(format!(
                "Could not find any tasks with the tasknames {} to run within the recipes of the taskgraphs of the targets {}",
                super::taskdata::python_list(&restrictions.runall),
                describe_targets(targets)
            )));
        }
    }
    if !restrictions.runonly.is_empty() {
        let kept = active.clone();
        active = FixedBitSet::with_capacity(count);
        for task in &restrictions.runonly {
            let task = with_do(task);
            for id in kept.ones() {
                if split_tid(graph.name(id)).1 == task {
                    mark(graph, id, &mut active);
                }
            }
        }
        active.intersect_with(&kept);
        if active.is_clear() {
            return Err(Raise::Fatal(format!(
                "Could not find any tasks with the tasknames {} to run within the taskgraphs of the targets {}",
                super::taskdata::python_list(&restrictions.runonly),
                describe_targets(targets)
            )));
        }
    }
    Ok(active)
}

fn describe_targets(targets: &[RunTarget]) -> String {
    let items: Vec<String> = targets
        .iter()
        .map(|t| format!("['{}', '{}', '{}', '{}']", t.mc, t.name, t.task, t.fn_name))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Marks a task and everything it depends on.
fn mark(graph: &Graph, id: usize, active: &mut FixedBitSet) {
    let mut stack = vec![id];
    while let Some(id) = stack.pop() {
        if active.put(id) {
            continue;
        }
        stack.extend(graph.depends[id].iter().copied());
    }
}
