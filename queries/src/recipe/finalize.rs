//! BitBake's `finalize`, the end of a recipe's parse: deferred inherits,
//! event handlers and the recipe events, key expansion, anonymous Python
//! functions, virtual providers, tasks, and BBINCLUDED.

use std::path::Path;

use crate::datastore::Provenance;
use crate::eval::{Fatal, Interpreter, Site};
use crate::python::PythonStage;

/// Finalises the interpreter's datastore. A `SkipRecipe` raised by the
/// Python on the way leaves its reason in `interpreter.skipped`.
pub(super) fn finalize(interpreter: &mut Interpreter<'_>, path: &Path) -> Result<(), Fatal> {
    let file = path.to_string_lossy().into_owned();
    let prov = Provenance::internal(file.as_str());
    let stage = interpreter.python_stage(prov.clone()).ok();
    let stage = stage.as_ref();
    let mut inherits: Vec<String> =
        interpreter.state.deferred_inherits.iter().map(|(classes, ..)| classes.clone()).collect();
    if inherits.is_empty() {
        inherits.push(String::new());
    }
    // The configuration's handlers are registered already, as they stay
    // registered in BitBake; the recipe's own come after the inherits.
    let config_handlers = interpreter.config_handlers.clone();
    interpreter.register_handlers(path, stage, &config_handlers)?;
    interpreter.python_step(path, stage, None, |stage| {
        stage.fire("RecipePreDeferredInherits", Some(&file), Some(&inherits))
    })?;
    while !interpreter.state.deferred_inherits.is_empty() {
        let (classes, origin, _) = interpreter.state.deferred_inherits.remove(0);
        let expanded = match interpreter.state.datastore.expand_with(
            &classes,
            None,
            interpreter.python.evaluator(&interpreter.state),
        ) {
            Ok(expanded) => expanded.value,
            Err(error) => return Err(interpreter.expansion_failed(None, &origin, error)),
        };
        interpreter.inherit(&expanded, None, &origin, true)?;
    }
    let handlers = interpreter.state.handlers.clone();
    interpreter.register_handlers(path, stage, &handlers)?;
    interpreter.python_step(path, stage, None, |stage| {
        stage.fire("RecipePreFinalise", Some(&file), None)
    })?;
    let python = interpreter.python.evaluator(&interpreter.state);
    if let Err(error) = interpreter.state.datastore.expand_keys_with(&prov, python) {
        return Err(interpreter.expansion_failed(None, path, error));
    }
    interpreter.python_step(path, stage, None, |stage| {
        stage.fire("RecipePostKeyExpansion", Some(&file), None)
    })?;
    run_anonymous_functions(interpreter, path, stage)?;
    let tasks = interpreter.state.tasks.clone();
    interpreter.python_step(path, stage, None, |stage| {
        stage.fire("RecipeTaskPreProcess", Some(&file), Some(&tasks))
    })?;
    resolve_virtual_providers(interpreter, path, &prov)?;
    // `add_tasks` flags each task under its expanded name.
    for task in interpreter.state.tasks.clone() {
        let python = interpreter.python.evaluator(&interpreter.state);
        let datastore = &mut interpreter.state.datastore;
        let task =
            datastore.expand_with(&task, None, python).map_or(task, |expanded| expanded.value);
        let _ = datastore.set_var_flag(&task, "task", "1", &prov);
    }
    let included: Vec<String> = interpreter
        .base_depends
        .iter()
        .chain(&interpreter.state.depends)
        .map(|path| crate::eval::normalize(path).to_string_lossy().into_owned())
        .collect();
    interpreter.set_internal("BBINCLUDED", &included.join(" "), path);
    interpreter
        .python_step(path, stage, None, |stage| stage.fire("RecipeParsed", Some(&file), None))
}

/// Runs the anonymous functions in the order they were read; the first
/// failure stops the rest, as in BitBake.
fn run_anonymous_functions(
    interpreter: &mut Interpreter<'_>,
    path: &Path,
    stage: Option<&PythonStage>,
) -> Result<(), Fatal> {
    for function in interpreter.state.anonymous_functions.clone() {
        let file = function.file.to_string_lossy().into_owned();
        let mangled: String =
            file.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let name = format!("__anon_{}_{mangled}", function.statement);
        let file_name = file.as_str().into();
        let site =
            Site { path: &function.file, file_name: &file_name, statement: function.statement };
        interpreter.python_step(path, stage, Some(&site), |stage| {
            stage.run_anonymous(&name, &function.code, &file)
        })?;
    }
    Ok(())
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
    // BitBake reads DEPENDS first; a failure to expand it fails the recipe.
    let python = interpreter.python.evaluator(&interpreter.state);
    if let Err(error) = interpreter.state.datastore.get_var_with("DEPENDS", true, python) {
        return Err(interpreter.expansion_failed(None, path, error));
    }
    let python = std::cell::RefCell::new(interpreter.python.evaluator(&interpreter.state));
    let datastore = &interpreter.state.datastore;
    let get =
        |name: &str| datastore.get_var_with(name, true, &mut **python.borrow_mut()).ok().flatten();
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
        let flag = datastore.get_var_flag_with(task, "depends", true, &mut **python.borrow_mut());
        let flag = flag.ok().flatten().unwrap_or_default();
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
