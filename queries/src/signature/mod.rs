//! Task signatures as BitBake computes them (`bb.data.generate_dependencies`
//! and `generate_dependency_hash`, `bb.siggen`): for every task, the
//! variables and functions it depends on, transitively, and the basehash,
//! a sha256 over the task's code and each dependency's name and value.

mod checksums;
mod deps;
mod per_task;

pub use per_task::{
    dropped_dependencies, planned_dependencies, task_basehash, task_file_checksums, task_signature,
    taskhash, TaskId,
};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::Invocation;
use crate::datastore::access;
use crate::datastore::{Provenance, PythonEvaluator};
use crate::eval::ParseState;
use crate::files::Db;
use crate::multiconfig::Multiconfig;
use crate::plan::cache::{mc_parse, virtual_fn};
use crate::python::{evaluator_for, module_functions};
use crate::recipe::{to_boolean, RecipeId};
use crate::reuse::{remember_signatures, remembered_signatures};
use deps::DepContext;

/// One task's signature data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSignature {
    pub task: String,
    pub basehash: String,
    /// Every variable and function the task depends on, sorted.
    pub vardeps: Vec<String>,
    /// The value hashed for the task and for each dependency (`None` for
    /// a flag that is not set).
    pub varvals: BTreeMap<String, Option<String>>,
    /// The direct dependencies of the task and of each dependency
    /// (BitBake's `gendeps`).
    pub gendeps: BTreeMap<String, Vec<String>>,
}

/// The signatures of one datastore's tasks, or why they could not be
/// computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantSignatures {
    /// BitBake's file name for the datastore.
    pub fn_name: String,
    pub tasks: Result<Vec<TaskSignature>, String>,
}

/// The signatures of every datastore of a recipe file (none for a failed
/// or skipped one).
#[salsa::tracked(returns(ref))]
pub fn recipe_signatures<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
    mc: Multiconfig<'db>,
) -> Arc<[VariantSignatures]> {
    let parsed = mc_parse(db, invocation, recipe, mc);
    if parsed.failed {
        return Arc::from([]);
    }
    let (path, mc_name) = (recipe.path(db), mc.name(db));
    if let Some(signed) = remembered_signatures(db, invocation, path, mc_name, parsed) {
        return signed;
    }
    let recording = access::record();
    let signed: Arc<[VariantSignatures]> = parsed
        .variants
        .iter()
        .filter(|variant| variant.skipped.is_none())
        .map(|variant| {
            let fn_name = virtual_fn(path, &variant.name, mc_name);
            let mut python = evaluator_for(&variant.state);
            let tasks = signatures(&variant.state, &mut *python, &shell_execs);
            VariantSignatures { fn_name, tasks }
        })
        .collect();
    let accesses = recording.finish();
    remember_signatures(db, invocation, path, mc_name, parsed, accesses, signed)
}

/// The signatures of a finalised datastore's tasks.
pub fn signatures(
    state: &ParseState,
    python: &mut dyn PythonEvaluator,
    shell_execs: &dyn Fn(&str) -> Result<BTreeSet<String>, String>,
) -> Result<Vec<TaskSignature>, String> {
    let datastore = &state.datastore;
    let var = |name: &str, python: &mut dyn PythonEvaluator| {
        datastore.get_var_with(name, true, python).ok().flatten().unwrap_or_default()
    };
    let ignored: BTreeSet<String> = var("BB_BASEHASH_IGNORE_VARS", &mut *python)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let modules = module_functions()?;
    let overrides = datastore.overrides_with(&mut *python).map_err(|error| error.to_string())?;
    let keys = |name: &str| {
        !name.starts_with("__")
            && (modules.contains_key(name) || datastore.is_key(name, &overrides))
    };
    let exported = |name: &str, flag: &str| {
        datastore
            .get_var_flag(name, flag, false)
            .ok()
            .flatten()
            .is_some_and(|value| to_boolean(&value))
    };
    let shell_deps: BTreeSet<String> = datastore
        .export_list()
        .filter(|name| exported(name, "export") && !exported(name, "unexport"))
        .map(str::to_owned)
        .collect();
    let excluded_flags: Vec<String> = var("BB_SIGNATURE_EXCLUDE_FLAGS", &mut *python)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut code_datastore = datastore.clone();
    let prov = Provenance::internal("<BB_HASH_CODEPARSER_VALS>");
    for forced in var("BB_HASH_CODEPARSER_VALS", &mut *python).split_whitespace() {
        if let Some((name, value)) = forced.split_once('=') {
            let _ = code_datastore.set_var(name, value, false, &prov);
        }
    }
    let mut context = DepContext {
        datastore: datastore.clone(),
        code_datastore: &code_datastore,
        python,
        keys: &keys,
        shell_deps: &shell_deps,
        flags_excluded: (!excluded_flags.is_empty()).then_some(excluded_flags.as_slice()),
        ignored: &ignored,
        modules: &modules,
    };
    // Every key's dependencies and value, found from each task outwards
    // level by level, in BitBake's order (a task itself is read again even
    // when an earlier task reached it), since a filtered variable read
    // early changes what later inline Python sees.
    let mut found: BTreeMap<String, (BTreeSet<String>, Option<String>)> = BTreeMap::new();
    for task in &state.tasks {
        let built = context.build(task, shell_execs)?;
        found.insert(task.clone(), built);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut level: BTreeSet<String> = found[task].0.clone();
        while !level.is_empty() {
            seen.extend(level.iter().cloned());
            let mut next = BTreeSet::new();
            for dep in &level {
                if !found.contains_key(dep) {
                    let built = context.build(dep, shell_execs)?;
                    found.insert(dep.clone(), built);
                }
                next.extend(found[dep].0.iter().filter(|name| !seen.contains(*name)).cloned());
            }
            level = next;
        }
    }
    let mut out = Vec::new();
    for task in &state.tasks {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut frontier: Vec<&String> = found[task].0.iter().collect();
        while let Some(dep) = frontier.pop() {
            if seen.insert(dep.clone()) {
                frontier.extend(found[dep].0.iter());
            }
        }
        let mut data = String::new();
        if let Some(value) = &found[task].1 {
            data.push_str(value);
        }
        for dep in &seen {
            data.push_str(dep);
            if let Some(value) = &found[dep].1 {
                data.push_str(value);
            }
        }
        let basehash = hex(&Sha256::digest(data.as_bytes()));
        let mut varvals = BTreeMap::new();
        let mut gendeps = BTreeMap::new();
        for key in seen.iter().chain(std::iter::once(task)) {
            varvals.insert(key.clone(), found[key].1.clone());
            gendeps.insert(key.clone(), found[key].0.iter().cloned().collect());
        }
        out.push(TaskSignature {
            task: task.clone(),
            basehash,
            vardeps: seen.into_iter().collect(),
            varvals,
            gendeps,
        });
    }
    Ok(out)
}

/// The commands a shell function body runs, as BitBake's shell parser
/// finds them.
pub fn shell_execs(text: &str) -> Result<BTreeSet<String>, String> {
    rbake_syntax::shell::shell_execs(text)
        .map_err(|error| format!("shell syntax error at line {}: {}", error.line, error.message))
}

/// Lower-case hexadecimal, as Python's `hexdigest`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
