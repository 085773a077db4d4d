//! The per-recipe datastores: the configuration, then the recipe's
//! statements, then its appends, then finalisation (deferred inherits, key
//! expansion, tasks), and one more datastore for each BBCLASSEXTEND variant,
//! as BitBake's `multi_finalize` makes them.
//!
//! Anonymous Python functions and event handlers need the embedded
//! interpreter, which is not here yet: a recipe that has them gets a
//! warning, and its values are what they are without them.

use std::path::{Path, PathBuf};

use crate::config::{config, Invocation};
use crate::datastore::Provenance;
use crate::eval::{which, ClassType, Diagnostic, Fatal, Interpreter, ParseState, Severity};
use crate::files::Db;
use crate::recipes::recipe_set;

/// A recipe file, as a query key.
#[salsa::interned(debug)]
pub struct RecipeId {
    #[returns(ref)]
    pub path: PathBuf,
}

/// One datastore of a recipe: the recipe itself (variant `""`) or a
/// BBCLASSEXTEND variant such as `native`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub state: ParseState,
}

/// A parsed recipe: its variants, in BitBake's order, and what went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRecipe {
    pub variants: Vec<Variant>,
    pub layer: Option<String>,
    pub appends: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether parsing stopped at a fatal error.
    pub failed: bool,
}

/// The datastores of one recipe file.
#[salsa::tracked(returns(ref))]
pub fn parse_recipe<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
) -> ParsedRecipe {
    let path = recipe.path(db).clone();
    let set = recipe_set(db, invocation);
    let entry = set.recipes.iter().find(|entry| entry.path == path);
    let appends = entry.map(|entry| entry.appends.clone()).unwrap_or_default();
    let layer = entry.and_then(|entry| entry.layer.clone());
    let config = config(db, invocation);

    let mut state = config.state.clone();
    state.depends = Vec::new();
    let mut interpreter = Interpreter::new(db, state, invocation.cwd(db).clone());
    interpreter.class_type = ClassType::Recipe;
    interpreter.base_depends = config.state.depends.clone();
    let mut parsed = ParsedRecipe {
        variants: Vec::new(),
        layer: layer.clone(),
        appends,
        diagnostics: Vec::new(),
        failed: false,
    };
    interpreter.set_internal("BBFILES_PRIORITIZED", &set.prioritized_patterns, &path);
    let result = read_recipe(
        db,
        invocation.cwd(db),
        &mut interpreter,
        &path,
        &parsed.appends,
        layer.as_deref(),
    )
    .and_then(|()| multi_finalize(db, &mut interpreter, invocation, &path, &mut parsed.variants));
    // Any error stops the whole recipe, variants included, as in BitBake.
    parsed.failed = result.is_err();
    if parsed.failed {
        parsed.variants.clear();
    }
    parsed.diagnostics = interpreter.diagnostics;
    parsed
}

/// BitBake's `multi_finalize`: the main datastore is finalised on a copy,
/// and each BBCLASSEXTEND variant on another copy of the datastore as it
/// was before.
fn multi_finalize<'db>(
    db: &'db dyn Db,
    interpreter: &mut Interpreter<'db>,
    invocation: Invocation,
    path: &Path,
    variants: &mut Vec<Variant>,
) -> Result<(), Fatal> {
    let mut base = interpreter.state.clone();
    finalize(interpreter, path)?;
    let mut main = interpreter.state.clone();
    let extended = main.datastore.get_var("BBCLASSEXTEND", true).ok().flatten().unwrap_or_default();
    let pn = main.datastore.get_var("PN", true).ok().flatten().unwrap_or_default();
    if !extended.is_empty() {
        // BitBake sets the expanded list on the datastore the variants
        // copy, which the finalised one still reads through.
        let prov = Provenance::internal(path.to_string_lossy());
        for state in [&mut base, &mut main] {
            if let Err(error) = state.datastore.set_var("BBCLASSEXTEND", &extended, false, &prov) {
                interpreter.error(None, path, error.to_string());
                return Err(Fatal);
            }
        }
    }
    variants.push(Variant { name: String::new(), state: main });
    // BitBake keys the variants by name, so a repeated name counts once.
    let mut extensions: Vec<&str> = Vec::new();
    for extension in extended.split_whitespace() {
        if !extensions.contains(&extension) {
            extensions.push(extension);
        }
    }
    let config = config(db, invocation);
    for extension in extensions {
        let (class, variant) = match extension.split_once(':') {
            Some((class, rest)) => (class, rest.split(':').next().unwrap_or(rest)),
            None => (extension, extension),
        };
        // A fresh interpreter, so that the files the main datastore
        // marked as dependencies during finalisation count again.
        let diagnostics = std::mem::take(&mut interpreter.diagnostics);
        *interpreter = Interpreter::new(db, base.clone(), invocation.cwd(db).clone());
        interpreter.class_type = ClassType::Recipe;
        interpreter.base_depends = config.state.depends.clone();
        interpreter.diagnostics = diagnostics;
        if class == extension {
            interpreter.set_internal("PN", &format!("{pn}-{extension}"), path);
        } else {
            interpreter.set_internal("BBEXTENDCURR", class, path);
            interpreter.set_internal("BBEXTENDVARIANT", variant, path);
        }
        interpreter.state.deferred_inherits.push((class.to_owned(), path.to_path_buf(), 0));
        finalize(interpreter, path)?;
        variants.push(Variant { name: extension.to_owned(), state: interpreter.state.clone() });
    }
    Ok(())
}

/// The recipe's own statements, then its appends.
fn read_recipe(
    db: &dyn Db,
    cwd: &Path,
    interpreter: &mut Interpreter<'_>,
    path: &Path,
    appends: &[PathBuf],
    layer: Option<&str>,
) -> Result<(), Fatal> {
    match layer {
        Some(layer) => interpreter.set_internal("FILE_LAYERNAME", layer, path),
        None => {
            // BitBake sets None, which reads as unset and is no string; the
            // datastore has no such value, so the name is deleted instead.
            let prov = Provenance::internal(path.to_string_lossy());
            interpreter.state.datastore.del_var("FILE_LAYERNAME", &prov);
        }
    }
    let resolved = resolve_file(db, cwd, interpreter, path)?;
    // FILE keeps naming the recipe afterwards; each append names itself
    // while it is read.
    interpreter.handle_recipe(&resolved)?;
    for append in appends {
        let resolved = resolve_file(db, cwd, interpreter, append)?;
        interpreter.handle(&resolved, None)?;
    }
    Ok(())
}

/// BitBake's `resolve_file`: a relative name (from a relative BBFILES
/// entry) is looked for along BBPATH, and every place tried is a
/// dependency.
fn resolve_file(
    db: &dyn Db,
    cwd: &Path,
    interpreter: &mut Interpreter<'_>,
    path: &Path,
) -> Result<PathBuf, Fatal> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let bbpath = interpreter.state.datastore.get_var("BBPATH", true).ok().flatten();
    let (found, tried) = which(db, cwd, &bbpath.unwrap_or_default(), &path.to_string_lossy());
    for attempt in &tried {
        interpreter.mark_dependency(attempt);
    }
    found.ok_or_else(|| {
        let message = format!("file {} not found in BBPATH", path.display());
        interpreter.error(None, path, message);
        Fatal
    })
}

/// BitBake's `finalize`: deferred inherits, key expansion, anonymous
/// functions (not run yet), tasks, and BBINCLUDED.
fn finalize(interpreter: &mut Interpreter<'_>, path: &Path) -> Result<(), Fatal> {
    while !interpreter.state.deferred_inherits.is_empty() {
        let (classes, origin, _) = interpreter.state.deferred_inherits.remove(0);
        let expanded = match interpreter.state.datastore.expand(&classes, None) {
            Ok(expanded) => expanded.value,
            Err(error) => {
                interpreter.error(None, &origin, error.to_string());
                return Err(Fatal);
            }
        };
        interpreter.inherit(&expanded, None, true)?;
    }
    let prov = Provenance::internal(path.to_string_lossy());
    let renamable = renamable_task_deps(&interpreter.state);
    if let Err(error) = interpreter.state.datastore.expand_keys(&prov) {
        interpreter.error(None, path, error.to_string());
        return Err(Fatal);
    }
    // `renameVar` moves a value and its queued operations but not its
    // flags, and deletes the old name: its `deps` go with it.
    if !renamable.is_empty() {
        let keys = interpreter.state.datastore.keys().unwrap_or_default();
        let state = &mut interpreter.state;
        state.task_deps.retain(|(name, _)| !renamable.contains(name) || keys.contains(name));
    }
    let anonymous = interpreter.state.anonymous_functions.len();
    if anonymous > 0 || !interpreter.state.handlers.is_empty() {
        interpreter.diagnostics.push(Diagnostic {
            line_col: None,
            file: path.to_path_buf(),
            statement: None,
            severity: Severity::Warning,
            message: format!(
                "{anonymous} anonymous Python functions and {} event handlers are not run yet",
                interpreter.state.handlers.len()
            ),
        });
    }
    resolve_virtual_providers(interpreter, path, &prov)?;
    // `add_tasks` flags each task under its expanded name.
    for task in interpreter.state.tasks.clone() {
        let datastore = &mut interpreter.state.datastore;
        let task = datastore.expand(&task, None).map_or(task, |expanded| expanded.value);
        let _ = datastore.set_var_flag(&task, "task", "1", &prov);
    }
    let included: Vec<String> = interpreter
        .base_depends
        .iter()
        .chain(&interpreter.state.depends)
        .map(|path| crate::eval::normalize(path).to_string_lossy().into_owned())
        .collect();
    interpreter.set_internal("BBINCLUDED", &included.join(" "), path);
    Ok(())
}

/// The names with `deps` that key expansion may rename: those with a
/// `${` that the datastore holds.
fn renamable_task_deps(state: &ParseState) -> Vec<String> {
    let mut names: Vec<String> = state
        .task_deps
        .iter()
        .map(|(name, _)| name)
        .filter(|name| name.contains("${"))
        .cloned()
        .collect();
    if !names.is_empty() {
        let keys = state.datastore.keys().unwrap_or_default();
        names.retain(|name| keys.contains(name));
    }
    names
}

/// BitBake's recipe-level virtual providers: DEPENDS entries named in
/// BB_RECIPE_VIRTUAL_PROVIDERS become their PREFERRED_PROVIDER, and so do
/// the recipes of each task's `depends` flag. DEPENDS and every task's
/// `depends` are set again, expanded, even when nothing changes.
fn resolve_virtual_providers(
    interpreter: &mut Interpreter<'_>,
    path: &Path,
    prov: &Provenance,
) -> Result<(), Fatal> {
    let datastore = &interpreter.state.datastore;
    let get = |name: &str| datastore.get_var(name, true).ok().flatten();
    let virtual_providers: Vec<String> = get("BB_RECIPE_VIRTUAL_PROVIDERS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let is_virtual = |name: &str| virtual_providers.iter().any(|known| known == name);
    let mut depends = Vec::new();
    for entry in get("DEPENDS").unwrap_or_default().split_whitespace() {
        if !is_virtual(entry) {
            depends.push(entry.to_owned());
            continue;
        }
        match get(&format!("PREFERRED_PROVIDER_{entry}")).filter(|name| !name.is_empty()) {
            Some(provider) => depends.push(provider),
            None => {
                let message =
                    format!("Error, recipe virtual provider PREFERRED_PROVIDER_{entry} not set");
                interpreter.error(None, path, message);
                return Err(Fatal);
            }
        }
    }
    let mut task_depends = Vec::new();
    for task in &interpreter.state.tasks {
        let flag = datastore.get_var_flag(task, "depends", true).ok().flatten().unwrap_or_default();
        let mut remapped = Vec::new();
        for entry in flag.split_whitespace() {
            let Some((recipe, name)) = entry.split_once(':').filter(|(_, t)| !t.contains(':'))
            else {
                let message =
                    format!("Error, incorrect format for task dependency (task '{task}'): {entry}");
                interpreter.error(None, path, message);
                return Err(Fatal);
            };
            // An unset provider is Python's None, which prints as such.
            let recipe = if is_virtual(recipe) {
                get(&format!("PREFERRED_PROVIDER_{recipe}")).unwrap_or_else(|| "None".into())
            } else {
                recipe.to_owned()
            };
            remapped.push(format!("{recipe}:{name}"));
        }
        task_depends.push((task.clone(), remapped.join(" ")));
    }
    let datastore = &mut interpreter.state.datastore;
    let mut result = datastore.set_var("DEPENDS", depends.join(" "), false, prov);
    for (task, value) in task_depends {
        result = result.and_then(|()| datastore.set_var_flag(&task, "depends", value, prov));
    }
    result.map_err(|error| {
        interpreter.error(None, path, error.to_string());
        Fatal
    })
}
