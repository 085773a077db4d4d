//! Per-task signature queries: a task's basehash, its dependencies in a
//! plan, and its taskhash as BitBake's `SignatureGeneratorBasic` computes
//! it: the basehash, then the taskhash of every dependency the configured
//! handler keeps (its `rundep_check`, which may be the layer's Python, as
//! OpenEmbedded's `OEEquivHash` is), in BitBake's order, then the
//! checksums of the task's local files, then its taint. With an empty
//! hash-equivalence database a task's unihash is its taskhash.
//!
//! Each is its own query, so an edit that changes one task's basehash
//! re-runs the taskhashes of that task and of the tasks after it, and no
//! others: every other basehash comes out equal and salsa stops there.
//!
//! A `nostamp` task's taint is a hash of its id rather than BitBake's
//! random one, so that it is the same from run to run; a taint file left
//! by a forced run replaces it, as in BitBake.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::checksums::{checksum_data, checksum_values, file_checksums};
use crate::files::binary_file;
use crate::plan::cache::{entry_by_fn, mc_config, split_virtual_fn};
use crate::python::{DependencyEdge, RecipeFacts};
use crate::recipe::RecipeInfo;

use super::{hex, recipe_signatures, TaskSignature};
use crate::config::Invocation;
use crate::files::Db;
use crate::multiconfig::Multiconfig;
use crate::plan::{plan, PlanRequest};
use crate::recipe::RecipeId;

/// A task, by BitBake's file name (`mc:NAME:virtual:VARIANT:/x.bb`) and
/// task name.
#[salsa::interned(debug)]
pub struct TaskId {
    #[returns(ref)]
    pub fn_name: String,
    #[returns(ref)]
    pub task: String,
}

/// A task's signature data, or `None` if its recipe has no such signed
/// task.
pub fn task_signature<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    task: TaskId<'db>,
) -> Option<&'db TaskSignature> {
    let (mc, _, path) = split_virtual_fn(task.fn_name(db));
    let recipe = RecipeId::new(db, std::path::PathBuf::from(path));
    let mc = Multiconfig::new(db, mc.to_owned());
    let signed = recipe_signatures(db, invocation, recipe, mc);
    let variant = signed.iter().find(|variant| variant.fn_name == *task.fn_name(db))?;
    let tasks = variant.tasks.as_ref().ok()?;
    tasks.iter().find(|signature| signature.task == *task.task(db))
}

/// A task's basehash, or `None` if its recipe has no such signed task.
#[salsa::tracked]
pub fn task_basehash<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    task: TaskId<'db>,
) -> Option<String> {
    task_signature(db, invocation, task).map(|signature| signature.basehash.clone())
}

/// The task dependencies of a plan that the configuration's signature
/// handler leaves out of taskhashes, as `(task id, dependency id)`; `None`
/// for the default "noop" handler, whose taskhash is the sha256 of the
/// task id; and why the handler could not be asked, if it could not.
#[salsa::tracked(returns(ref))]
pub fn dropped_dependencies<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    request: PlanRequest<'db>,
) -> Result<Option<BTreeSet<(String, String)>>, String> {
    let Some(planned) = plan(db, invocation, request).plan.as_ref() else {
        return Ok(Some(BTreeSet::new()));
    };
    let mut edges: Vec<DependencyEdge> = Vec::new();
    let mut recipes: BTreeMap<String, BTreeMap<String, RecipeFacts>> = BTreeMap::new();
    for task in &planned.tasks {
        for &dep in &task.depends {
            let dep = &planned.tasks[dep];
            edges.push((
                task.fn_name.clone(),
                task.pn.clone(),
                task.task.clone(),
                dep.tid.clone(),
                dep.pn.clone(),
            ));
        }
        let table = recipes.entry(task.mc.clone()).or_default();
        if !table.contains_key(&task.fn_name) {
            let info = recipe_info(db, invocation, &task.fn_name);
            let facts = info
                .map(|info| (info.inherits.clone(), info.rrecommends_pkg.clone()))
                .unwrap_or_default();
            table.insert(task.fn_name.clone(), facts);
        }
    }
    let config = &mc_config(db, invocation, Multiconfig::new(db, String::new())).state;
    let dropped = crate::python::dropped_dependencies(config, &edges, &recipes, &planned.virtuals)?;
    Ok(dropped.map(|dropped| {
        dropped
            .into_iter()
            .filter_map(|index| edges.get(index))
            .map(|edge| (format!("{}:{}", edge.0, edge.2), edge.3.clone()))
            .collect()
    }))
}

/// The facts of the datastore with BitBake file name `fn_name`.
fn recipe_info(db: &dyn Db, invocation: Invocation, fn_name: &str) -> Option<Arc<RecipeInfo>> {
    entry_by_fn(db, invocation, fn_name).map(|entry| entry.info.clone())
}

/// The tasks `task` depends on in the plan for `request` whose hashes
/// enter its taskhash, each with its `pnid` (`PN:task`).
#[salsa::tracked(returns(ref))]
pub fn planned_dependencies<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    request: PlanRequest<'db>,
    task: TaskId<'db>,
) -> Vec<(String, String, String)> {
    let Some(planned) = plan(db, invocation, request).plan.as_ref() else { return Vec::new() };
    let Some(me) = planned
        .tasks
        .iter()
        .find(|planned| planned.fn_name == *task.fn_name(db) && planned.task == *task.task(db))
    else {
        return Vec::new();
    };
    let empty = BTreeSet::new();
    let dropped = dropped_dependencies(db, invocation, request);
    let dropped = dropped.as_ref().ok().and_then(Option::as_ref).unwrap_or(&empty);
    me.depends
        .iter()
        .map(|&dep| &planned.tasks[dep])
        .filter(|dep| !dropped.contains(&(me.tid.clone(), dep.tid.clone())))
        .map(|dep| {
            let pnid = if dep.mc.is_empty() {
                format!("{}:{}", dep.pn, dep.task)
            } else {
                format!("mc:{}:{}:{}", dep.mc, dep.pn, dep.task)
            };
            (pnid, dep.fn_name.clone(), dep.task.clone())
        })
        .collect()
}

/// The checksums of a task's local files (its `file-checksums` flag), as
/// its signature data lists them.
#[salsa::tracked(returns(ref))]
pub fn task_file_checksums<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    task: TaskId<'db>,
) -> Vec<(String, String)> {
    let Some(info) = recipe_info(db, invocation, task.fn_name(db)) else { return Vec::new() };
    let Some((_, list)) = info.file_checksums.iter().find(|(name, _)| name == task.task(db)) else {
        return Vec::new();
    };
    let config = &mc_config(db, invocation, Multiconfig::new(db, String::new())).state.datastore;
    let excluded = config.get_var("BB_SIGNATURE_LOCAL_DIRS_EXCLUDE", true).ok().flatten();
    let excluded = excluded.unwrap_or_else(|| "CVS .bzr .git .hg .osc .p4 .repo .svn".to_owned());
    let excluded: Vec<String> = excluded.split_whitespace().map(str::to_owned).collect();
    checksum_values(file_checksums(db, list, &excluded))
}

/// A task's taskhash in the plan for `request`.
#[salsa::tracked]
pub fn taskhash<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    request: PlanRequest<'db>,
    task: TaskId<'db>,
) -> Option<String> {
    // Without the handler's answer there is no honest taskhash; the
    // default handler hashes the task id alone.
    let tid = format!("{}:{}", task.fn_name(db), task.task(db));
    if dropped_dependencies(db, invocation, request).as_ref().ok()?.is_none() {
        return Some(hex(&Sha256::digest(tid.as_bytes())));
    }
    let mut data = task_basehash(db, invocation, task).clone()?;
    // BitBake sorts the dependencies as `(pnid, tid)` pairs.
    let mut deps = planned_dependencies(db, invocation, request, task).clone();
    deps.sort_by_cached_key(|(pnid, fn_name, dep_task)| {
        (pnid.clone(), format!("{fn_name}:{dep_task}"))
    });
    for (_, fn_name, dep_task) in deps {
        let dep = TaskId::new(db, fn_name, dep_task);
        data.push_str(&taskhash(db, invocation, request, dep).clone()?);
    }
    data.push_str(&checksum_data(task_file_checksums(db, invocation, task)));
    // A taint file (left by a forced run) replaces a nostamp task's taint.
    if let Some(taint) = read_taint(db, invocation, task) {
        data.push_str(&taint);
    } else if is_nostamp(db, invocation, task) {
        data.push_str(&hex(&Sha256::digest(tid.as_bytes())));
    }
    Some(hex(&Sha256::digest(data.as_bytes())))
}

/// The contents of the task's taint file, `${STAMP}.do_task.taint`, which
/// a forced run (`-f`) writes, if there is one.
fn read_taint(db: &dyn Db, invocation: Invocation, task: TaskId<'_>) -> Option<String> {
    let info = recipe_info(db, invocation, task.fn_name(db))?;
    if info.stamp.is_empty() {
        return None;
    }
    let path = std::path::PathBuf::from(format!("{}.{}.taint", info.stamp, task.task(db)));
    let bytes = binary_file(db, &path).bytes(db).clone()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether the task has the `nostamp` flag.
fn is_nostamp(db: &dyn Db, invocation: Invocation, task: TaskId<'_>) -> bool {
    let info = recipe_info(db, invocation, task.fn_name(db));
    let flags = info.as_ref().and_then(|info| info.task(task.task(db)).cloned());
    flags.is_some_and(|flags| flags.flag("nostamp").is_some())
}
