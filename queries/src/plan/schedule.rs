//! The end of runqueue preparation: cycles are found and named, recipes
//! that would be built twice are reported, and the tasks are put in
//! batches, each of which only needs the batches before it.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::cache::split_virtual_fn;
use super::lookup::Lookup;
use super::runqueue::Prepared;
use super::taskdata::{python_list, TaskData};
use super::Message;

/// One task of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTask {
    /// BitBake's task id, `FILE:do_task` (FILE with its `mc:` and
    /// `virtual:` prefixes).
    pub tid: String,
    pub mc: String,
    pub fn_name: String,
    pub pn: String,
    pub task: String,
    /// `PE:PV-PR`.
    pub version: String,
    /// Indices of the tasks this one depends on.
    pub depends: Vec<usize>,
    /// The task's place in BitBake's runqueue, the order in which its
    /// tasks were added; the schedulers break ties with it.
    pub runq_index: usize,
}

impl PlannedTask {
    /// The graph's name for the task: `PN.do_task`, with `mc:NAME:` first
    /// for another multiconfig.
    pub fn dot_name(&self) -> String {
        format!("{}.{}", self.pn_with_mc(), self.task)
    }

    pub fn pn_with_mc(&self) -> String {
        if self.mc.is_empty() {
            self.pn.clone()
        } else {
            format!("mc:{}:{}", self.mc, self.pn)
        }
    }
}

/// The tasks to run, their dependencies, and an order in batches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by task id.
    pub tasks: Vec<PlannedTask>,
    /// Task indices; every batch depends only on earlier ones.
    pub batches: Vec<Vec<usize>>,
    /// Resolved `virtual/*` names with the PN and file chosen for each.
    pub virtuals: Vec<(String, String, String)>,
}

impl Plan {
    /// The tasks in a dependency order: batch by batch.
    pub fn order(&self) -> impl Iterator<Item = &PlannedTask> {
        self.batches.iter().flatten().map(|&index| &self.tasks[index])
    }

    /// The distinct PNs (with their multiconfig prefixes), sorted, as
    /// `pn-buildlist` lists them.
    pub fn pn_buildlist(&self) -> Vec<String> {
        let set: BTreeSet<String> = self.tasks.iter().map(PlannedTask::pn_with_mc).collect();
        set.into_iter().collect()
    }
}

pub(crate) fn schedule(
    lookups: &BTreeMap<String, Lookup<'_>>,
    taskdata: &BTreeMap<String, TaskData<'_, '_>>,
    prepared: Prepared,
) -> Result<(Plan, Vec<Message>), Vec<Message>> {
    let mut tasks = Vec::new();
    for ((tid, depends), runq_index) in
        prepared.names.iter().zip(prepared.depends).zip(prepared.runq_order)
    {
        let (fn_name, task) = tid.rsplit_once(':').unwrap_or((tid, ""));
        let mc = split_virtual_fn(fn_name).0.to_owned();
        let index = lookups[&mc].index();
        let facts = index.get(fn_name);
        tasks.push(PlannedTask {
            tid: tid.clone(),
            mc,
            fn_name: fn_name.to_owned(),
            pn: facts.map(|facts| facts.pn.clone()).unwrap_or_default(),
            task: task.to_owned(),
            version: facts.map(|f| format!("{}:{}-{}", f.pe, f.pv, f.pr)).unwrap_or_default(),
            depends,
            runq_index,
        });
    }
    check_cycles(&tasks)?;
    let mut messages = Vec::new();
    check_multiple_providers(lookups, &tasks, &mut messages)?;
    let batches = batches(&tasks);
    let mut virtuals = Vec::new();
    for (mc, data) in taskdata {
        let index = lookups[mc].index();
        for (name, fn_name) in data.provider_map() {
            if name.starts_with("virtual/") {
                virtuals.push((
                    name.to_owned(),
                    index.pn_of(fn_name).to_owned(),
                    fn_name.to_owned(),
                ));
            }
        }
    }
    virtuals.sort();
    Ok((Plan { tasks, batches, virtuals }, messages))
}

/// Groups tasks by their depth: a task comes one batch after its
/// deepest dependency.
fn batches(tasks: &[PlannedTask]) -> Vec<Vec<usize>> {
    let mut depth: Vec<Option<usize>> = vec![None; tasks.len()];
    fn depth_of(tasks: &[PlannedTask], depth: &mut [Option<usize>], start: usize) -> usize {
        // An explicit stack, since dependency chains can be long.
        let mut stack = vec![start];
        while let Some(&index) = stack.last() {
            if depth[index].is_some() {
                stack.pop();
                continue;
            }
            let pending: Vec<usize> =
                tasks[index].depends.iter().copied().filter(|&dep| depth[dep].is_none()).collect();
            if pending.is_empty() {
                let deepest = tasks[index].depends.iter().filter_map(|&dep| depth[dep]).max();
                depth[index] = Some(deepest.map_or(0, |deepest| deepest + 1));
                stack.pop();
            } else {
                stack.extend(pending);
            }
        }
        depth[start].unwrap_or(0)
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for index in 0..tasks.len() {
        let level = depth_of(tasks, &mut depth, index);
        if out.len() <= level {
            out.resize(level + 1, Vec::new());
        }
        out[level].push(index);
    }
    out
}

/// BitBake's checks for tasks that can never run: a task and a
/// dependency that depend on each other, and longer loops.
fn check_cycles(tasks: &[PlannedTask]) -> Result<(), Vec<Message>> {
    for (index, task) in tasks.iter().enumerate() {
        for &dep in &task.depends {
            if tasks[dep].depends.contains(&index) {
                return Err(vec![Message::error(format!(
                    "Task {} has circular dependency on {}",
                    task.tid, tasks[dep].tid
                ))]);
            }
        }
    }
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..tasks.len()).map(|index| graph.add_node(index)).collect();
    for (index, task) in tasks.iter().enumerate() {
        for &dep in &task.depends {
            graph.add_edge(nodes[index], nodes[dep], ());
        }
    }
    let mut loops: Vec<Vec<usize>> = tarjan_scc(&graph)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let members: BTreeSet<usize> = component.iter().map(|node| graph[*node]).collect();
            cycle_through(tasks, &members)
        })
        .collect();
    if loops.is_empty() {
        return Ok(());
    }
    loops.sort();
    let unbuildable = unbuildable_count(tasks);
    let mut text = format!(
        "{unbuildable} unbuildable tasks were found.\nThese are usually caused by circular dependencies and any circular dependency chains found will be printed below. Increase the debug level to see a list of unbuildable tasks.\n\nIdentifying dependency loops (this may take a short while)...\n"
    );
    let mut messages = vec![Message::error(std::mem::take(&mut text))];
    text.push('\n');
    for (number, chain) in loops.iter().take(11).enumerate() {
        text.push_str(&format!("Dependency loop #{} found:\n", number + 1));
        for &index in chain {
            let names: Vec<String> = tasks[index]
                .depends
                .iter()
                .map(|&dep| tasks[dep].tid.rsplit('/').next().unwrap_or_default().to_owned())
                .collect();
            text.push_str(&format!(
                "  Task {} (dependent Tasks {})\n",
                tasks[index].tid,
                python_list(&names)
            ));
        }
        text.push('\n');
    }
    messages.push(Message::error(text));
    Err(messages)
}

/// A shortest loop through a strongly connected set, following reverse
/// dependencies from its lowest task id, as BitBake prints its chains.
fn cycle_through(tasks: &[PlannedTask], members: &BTreeSet<usize>) -> Vec<usize> {
    let start = *members.iter().min_by_key(|&&index| &tasks[index].tid).expect("a non-empty set");
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(current) = queue.pop_front() {
        // Reverse dependencies: the tasks in the set that depend on it.
        for &other in members {
            if !tasks[other].depends.contains(&current) {
                continue;
            }
            if other == start {
                let mut chain = vec![current];
                while let Some(&before) = previous.get(chain.last().expect("non-empty")) {
                    chain.push(before);
                }
                chain.reverse();
                return chain;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = previous.entry(other) {
                if other != start {
                    slot.insert(current);
                    queue.push_back(other);
                }
            }
        }
    }
    vec![start]
}

/// How many tasks BitBake's weighting never reaches: those in a loop and
/// everything a loop depends on.
fn unbuildable_count(tasks: &[PlannedTask]) -> usize {
    let mut dependents = vec![0usize; tasks.len()];
    for task in tasks {
        for &dep in &task.depends {
            dependents[dep] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..tasks.len()).filter(|&index| dependents[index] == 0).collect();
    let mut done = 0;
    while let Some(index) = ready.pop() {
        done += 1;
        for &dep in &tasks[index].depends {
            dependents[dep] -= 1;
            if dependents[dep] == 0 {
                ready.push(dep);
            }
        }
    }
    tasks.len() - done
}

/// BitBake's check that no two recipes in the plan provide the same name
/// (unless BB_MULTI_PROVIDER_ALLOWED lists it), and that no PN is built
/// in two versions.
fn check_multiple_providers(
    lookups: &BTreeMap<String, Lookup<'_>>,
    tasks: &[PlannedTask],
    messages: &mut Vec<Message>,
) -> Result<(), Vec<Message>> {
    for (mc, lookup) in lookups {
        let index = lookup.index();
        let settings = super::providers::provider_settings(lookup.db, lookup.invocation, lookup.mc);
        let allowed: Vec<&str> = settings
            .var("BB_MULTI_PROVIDER_ALLOWED")
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let mut fns: Vec<&str> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for task in tasks.iter().filter(|task| &task.mc == mc) {
            if seen.insert(&task.fn_name) {
                fns.push(&task.fn_name);
            }
        }
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for fn_name in &fns {
            for name in
                index.get(fn_name).map(|facts| facts.provides.as_slice()).unwrap_or_default()
            {
                let list = by_name.entry(name).or_default();
                if !list.contains(fn_name) {
                    list.push(fn_name);
                }
            }
        }
        for (name, providers) in by_name {
            if providers.len() < 2 || allowed.contains(&name) {
                continue;
            }
            let mut pns: Vec<&str> = Vec::new();
            for fn_name in &providers {
                let pn = index.pn_of(fn_name);
                if pns.contains(&pn) {
                    return Err(vec![Message::error(format!(
                        "Multiple versions of {pn} are due to be built ({}). Only one version of a given PN should be built in any given build. You likely need to set PREFERRED_VERSION_{pn} to select the correct version or don't depend on multiple versions.",
                        providers.join(" ")
                    ))]);
                }
                pns.push(pn);
            }
            messages.push(Message::error(multiple_providers_text(index, tasks, name, &providers)));
        }
    }
    Ok(())
}

/// BitBake's explanation of two recipes providing one name: the tasks
/// that depend on each alone, and what each alone provides.
fn multiple_providers_text(
    index: &super::cache::ProviderIndex,
    tasks: &[PlannedTask],
    name: &str,
    providers: &[&str],
) -> String {
    let mut text = format!(
        "Multiple .bb files are due to be built which each provide {name}:\n  {}",
        providers.join("\n  ")
    );
    text.push_str("\nA list of tasks depending on these providers is shown and may help explain where the dependency comes from.");
    let mut dependees: Vec<BTreeSet<&str>> = Vec::new();
    for provider in providers {
        let mut set = BTreeSet::new();
        for task in tasks.iter().filter(|task| task.fn_name != *provider) {
            if task.depends.iter().any(|&dep| tasks[dep].fn_name == *provider) {
                set.insert(task.tid.as_str());
            }
        }
        dependees.push(set);
    }
    let common = common_part(&dependees);
    for (provider, set) in providers.iter().zip(&dependees) {
        let unique: Vec<&str> = set.difference(&common).copied().collect();
        text.push_str(&format!("\n{provider} has unique dependees:\n  {}", unique.join("\n  ")));
    }
    text.push_str("\nIt could be that one recipe provides something the other doesn't and should. The following provider and runtime provider differences may be helpful.");
    let facts: Vec<_> = providers.iter().map(|provider| index.get(provider)).collect();
    let provides: Vec<BTreeSet<&str>> = facts
        .iter()
        .map(|facts| {
            facts.map(|f| f.provides.iter().map(String::as_str).collect()).unwrap_or_default()
        })
        .collect();
    let rprovides: Vec<BTreeSet<&str>> = facts
        .iter()
        .map(|facts| {
            facts
                .map(|f| {
                    f.rprovides
                        .iter()
                        .chain(&f.packages)
                        .chain(&f.packages_dynamic)
                        .map(String::as_str)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let (common_provides, common_rprovides) = (common_part(&provides), common_part(&rprovides));
    for (position, provider) in providers.iter().enumerate() {
        let unique: Vec<&str> = provides[position].difference(&common_provides).copied().collect();
        text.push_str(&format!("\n{provider} has unique provides:\n  {}", unique.join("\n  ")));
        let unique: Vec<&str> =
            rprovides[position].difference(&common_rprovides).copied().collect();
        text.push_str(&format!("\n{provider} has unique rprovides:\n  {}", unique.join("\n  ")));
    }
    text
}

/// What every set shares, as BitBake computes it: an empty set met along
/// the way is replaced by the next rather than emptying the result.
fn common_part<'a>(sets: &[BTreeSet<&'a str>]) -> BTreeSet<&'a str> {
    let mut common: BTreeSet<&str> = BTreeSet::new();
    for set in sets {
        if common.is_empty() {
            common = set.clone();
        } else {
            common = common.intersection(set).copied().collect();
        }
    }
    common
}
