//! `rbake dump --json`: the same JSON document as the reference dump
//! (`bbdump.py`), so that the two can be compared fact by fact.
//!
//! Task signatures (basehash, vardeps) are not computed yet: a dump without
//! `--no-hash` lacks them, and the comparison says so.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use rbake_queries::datastore::PythonEvaluator;
use rbake_queries::eval::ParseState;
use rbake_queries::multiconfig::{multiconfig_config, multiconfigs, parse_recipe_in, Multiconfig};
use rbake_queries::python::evaluator_for;
use rbake_queries::recipe::{parse_recipe, ParsedRecipe, RecipeId, Variant};
use rbake_queries::recipes::recipe_set;
use rbake_queries::signature::{shell_execs, signatures};
use serde_json::{json, Map, Value};

use crate::cli::{DumpArgs, GlobalArgs};
use crate::outln;
use crate::workspace::{Failed, Workspace};

pub fn run(global: &GlobalArgs, args: &DumpArgs) -> Result<ExitCode, Failed> {
    let Some(topdir) = &global.topdir else {
        eprintln!("error: rbake dump needs --topdir, as the reference dump does");
        return Err(Failed);
    };
    let topdir = match std::path::absolute(topdir) {
        Ok(topdir) => topdir,
        Err(error) => {
            eprintln!("error: {}: {error}", topdir.display());
            return Err(Failed);
        }
    };
    let env = match dump_env(&topdir.to_string_lossy(), args) {
        Ok(env) => env,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(Failed);
        }
    };
    let workspace = Workspace::open(global, env)?;
    let started = Instant::now();
    let config = workspace.config();
    let config_seconds = started.elapsed().as_secs_f64();
    if workspace.report(&config.diagnostics) || config.failed {
        return Err(Failed);
    }
    check_multiconfigs(&workspace)?;
    let started = Instant::now();
    let recipes = dump_recipes(&workspace, args);
    let recipes_seconds = started.elapsed().as_secs_f64();
    let document = json!({
        "bitbake": "2.19.0",
        "config": { "vars": dump_vars(&workspace, &config.state, &mut *evaluator_for(&config.state), &args.var, args.all_vars) },
        "recipes": recipes,
        "timings": {
            "config_s": (config_seconds * 1e4).round() / 1e4,
            "recipes_s": (recipes_seconds * 1e4).round() / 1e4,
        },
    });
    match serde_json::to_string_pretty(&document) {
        Ok(text) => {
            outln!(crate::output::Output::new(), "{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Err(Failed)
        }
    }
}

/// The configuration of every multiconfig must read cleanly, as BitBake
/// reads them all before any recipe.
fn check_multiconfigs(workspace: &Workspace) -> Result<(), Failed> {
    let db = &workspace.db;
    let names = match multiconfigs(db, workspace.invocation) {
        Ok(names) => names,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(Failed);
        }
    };
    for name in names {
        let mc = Multiconfig::new(db, name.clone());
        let config = multiconfig_config(db, workspace.invocation, mc);
        if workspace.report(&config.diagnostics) || config.failed {
            return Err(Failed);
        }
    }
    Ok(())
}

/// The environment the reference dump gives BitBake: TOPDIR, PATH, BBPATH
/// and the `--env` pairs, all passed through.
fn dump_env(topdir: &str, args: &DumpArgs) -> Result<Vec<(String, String)>, String> {
    let mut env = vec![("TOPDIR".to_owned(), topdir.to_owned())];
    env.push(("PATH".to_owned(), crate::engine::env_var("PATH").unwrap_or_default()));
    if let Some(bbpath) = &args.bbpath {
        env.push(("BBPATH".to_owned(), bbpath.clone()));
    }
    for pair in &args.env {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| format!("--env takes K=V, not {pair:?}"))?;
        match env.iter_mut().find(|(known, _)| known == key) {
            Some(entry) => entry.1 = value.to_owned(),
            None => env.push((key.to_owned(), value.to_owned())),
        }
    }
    let passthrough: Vec<&str> =
        env.iter().map(|(key, _)| key.as_str()).filter(|key| *key != "PATH").collect();
    let passthrough = passthrough.join(" ");
    // The list replaces any value given with --env, as in the reference.
    match env.iter_mut().find(|(key, _)| key == "BB_ENV_PASSTHROUGH_ADDITIONS") {
        Some(entry) => entry.1 = passthrough,
        None => env.push(("BB_ENV_PASSTHROUGH_ADDITIONS".to_owned(), passthrough)),
    }
    Ok(env)
}

/// The variables of a datastore in the reference dump's form.
fn dump_vars(
    workspace: &Workspace,
    state: &ParseState,
    python: &mut dyn PythonEvaluator,
    names: &[String],
    all_vars: bool,
) -> Map<String, Value> {
    let datastore = &state.datastore;
    let mut selected: Vec<String> = if all_vars {
        datastore
            .keys_with(&mut *python)
            .unwrap_or_default()
            .into_iter()
            .filter(|name| !name.starts_with("__"))
            .collect()
    } else {
        names.to_vec()
    };
    selected.sort();
    let mut out = Map::new();
    // BitBake's expansion cache, where it differs from a fresh read: reading
    // a variable caches the unfiltered expansion of the override variant it
    // takes, and a later read of that variant returns it, filter or not.
    let mut cached_unfiltered: HashMap<String, Option<String>> = HashMap::new();
    for name in selected {
        let raw = datastore.get_var_with(&name, false, &mut *python).ok().flatten();
        if let Ok(Some(winner)) = datastore.override_winner(&name, &mut *python) {
            if datastore.has_filter(&winner) && !cached_unfiltered.contains_key(&winner) {
                let value = datastore.get_var_unfiltered(&winner, &mut *python);
                cached_unfiltered.insert(winner, value.ok().flatten());
            }
        }
        let mut flags: Map<String, Value> = datastore
            .get_var_flags(&name, false)
            .unwrap_or_default()
            .into_iter()
            .filter(|(flag, _)| !flag.starts_with('_'))
            .map(|(flag, value)| (flag, Value::String(value)))
            .collect();
        // Flags set to Python's None print as the reference prints them.
        for flag in datastore.none_flags(&name).filter(|flag| !flag.starts_with(['_', ':'])) {
            flags.insert(flag.to_owned(), Value::String("None".to_owned()));
        }
        if let Some(deps) = state.task_deps(&name) {
            flags.insert("deps".to_owned(), Value::String(python_list(&deps)));
        }
        if flags.contains_key("func") {
            if let Some(line) = workspace.function_line(state, &name) {
                flags.insert("lineno".to_owned(), Value::String(line.to_string()));
            }
        }
        if raw.is_none() && flags.is_empty() {
            continue;
        }
        let mut var = Map::new();
        var.insert("value".to_owned(), raw.map_or(Value::Null, Value::String));
        let is_function = datastore
            .get_var_flag(&name, "func", false)
            .ok()
            .flatten()
            .is_some_and(|func| !func.is_empty());
        if is_function {
            var.insert("expanded".to_owned(), Value::Null);
        } else {
            let expanded = match cached_unfiltered.get(&name) {
                Some(cached) => Ok(cached.clone()),
                None => datastore.get_var_with(&name, true, &mut *python),
            };
            match expanded {
                Ok(expanded) => {
                    var.insert("expanded".to_owned(), expanded.map_or(Value::Null, Value::String));
                }
                Err(error) => {
                    var.insert("expanded".to_owned(), Value::Null);
                    var.insert(
                        "error".to_owned(),
                        Value::String(format!("ExpansionError: {error}")),
                    );
                }
            }
        }
        if !flags.is_empty() {
            flags.sort_keys();
            var.insert("flags".to_owned(), Value::Object(flags));
        }
        out.insert(name, Value::Object(var));
    }
    out
}

/// A list of strings as Python prints it.
fn python_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Every recipe variant in the reference dump's form.
fn dump_recipes(workspace: &Workspace, args: &DumpArgs) -> Vec<Value> {
    let db = &workspace.db;
    let set = recipe_set(db, workspace.invocation);
    workspace.report(&set.diagnostics);
    let multiconfigs = multiconfigs(db, workspace.invocation).clone().unwrap_or_default();
    let mut out = Vec::new();
    for recipe in &set.recipes {
        let file = recipe.path.to_string_lossy();
        if !args.recipe.is_empty() && !args.recipe.iter().any(|part| file.contains(part.as_str())) {
            continue;
        }
        let id = RecipeId::new(db, recipe.path.clone());
        // The default multiconfig, then each of BBMULTICONFIG, whose
        // variants are named `mc:NAME:VARIANT`.
        let mut parses = vec![(String::new(), parse_recipe(db, workspace.invocation, id))];
        for name in &multiconfigs {
            let mc = Multiconfig::new(db, name.clone());
            parses.push((format!("mc:{name}:"), parse_recipe_in(db, workspace.invocation, id, mc)));
        }
        for (_, parsed) in &parses {
            workspace.report(&parsed.diagnostics);
        }
        if let Some((_, failed)) = parses.iter().find(|(_, parsed)| parsed.failed) {
            let message =
                failed.diagnostics.last().map_or("parse error".into(), |d| d.message.clone());
            out.push(
                json!({ "file": file, "variant": "", "error": format!("ParseError: {message}") }),
            );
            continue;
        }
        let mut variants: Vec<(String, &ParsedRecipe, &Variant)> = parses
            .iter()
            .flat_map(|(prefix, parsed)| {
                parsed.variants.iter().map(move |v| (format!("{prefix}{}", v.name), *parsed, v))
            })
            .collect();
        // The reference lists a recipe's datastores sorted by name.
        variants.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, parsed, variant) in variants {
            let mut record = Map::new();
            record.insert("file".into(), json!(file));
            record.insert("variant".into(), json!(name));
            record.insert("appends".into(), json!(parsed.appends));
            record.insert("layer".into(), json!(parsed.layer));
            if let Some(reason) = &variant.skipped {
                record.insert("skipped".into(), json!(reason));
                out.push(Value::Object(record));
                continue;
            }
            // One Python session serves the variables and the tasks.
            let mut python = evaluator_for(&variant.state);
            let vars = dump_vars(workspace, &variant.state, &mut *python, &args.var, args.all_vars);
            record.insert("vars".into(), Value::Object(vars));
            record.insert("tasklist".into(), json!(variant.state.tasks));
            let hash = (!args.no_hash).then_some(!args.no_varvals);
            let tasks = dump_tasks(&variant.state, &mut *python, hash, &file);
            record.insert("tasks".into(), Value::Object(tasks));
            out.push(Value::Object(record));
        }
    }
    out
}

/// Each task's ordering and flags, as the reference dump describes them.
/// With `hash`, the signatures too (and with `Some(true)` the values).
fn dump_tasks(
    state: &ParseState,
    python: &mut dyn PythonEvaluator,
    hash: Option<bool>,
    file: &str,
) -> Map<String, Value> {
    let datastore = &state.datastore;
    let mut flag = |task: &str, name: &str, expand: bool| {
        datastore.get_var_flag_with(task, name, expand, &mut *python).ok().flatten()
    };
    let mut out = Map::new();
    for task in &state.tasks {
        let mut after = state.task_deps(task).unwrap_or_default();
        after.sort();
        let mut info = Map::new();
        info.insert("after".into(), json!(after));
        for name in ["noexec", "nostamp", "python"] {
            let set = flag(task, name, false).is_some_and(|value| !value.is_empty());
            info.insert(name.into(), json!(set));
        }
        for name in ["depends", "rdepends", "deptask", "rdeptask", "recrdeptask", "recideptask"] {
            if let Some(value) = flag(task, name, true).filter(|value| !value.is_empty()) {
                info.insert(name.into(), json!(value));
            }
        }
        out.insert(task.clone(), Value::Object(info));
    }
    let Some(with_values) = hash else { return out };
    match signatures(state, python, &shell_execs) {
        Ok(signed) => {
            for signature in signed {
                let Some(Value::Object(info)) = out.get_mut(&signature.task) else { continue };
                info.insert("basehash".into(), json!(signature.basehash));
                info.insert("vardeps".into(), json!(signature.vardeps));
                if with_values {
                    info.insert("varvals".into(), json!(signature.varvals));
                }
            }
        }
        Err(error) => eprintln!("warning: {file}: no signatures: {error}"),
    }
    out
}
