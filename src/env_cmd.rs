//! `rbake env [RECIPE]`: every variable of the configuration or of a
//! recipe, each with the history of how it got its value, like
//! `bitbake -e`.

use std::process::ExitCode;

use rbake_queries::python::evaluator_for;

use crate::cli::{EnvArgs, GlobalArgs};
use crate::getvar_cmd::{print_history, selected_state};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, Failed, Workspace};

pub fn run(global: &GlobalArgs, args: &EnvArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    let state = selected_state(&workspace, args.recipe.as_deref())?;
    let datastore = &state.datastore;
    let mut python = evaluator_for(state);
    let mut out = Output::new();
    let mut names: Vec<String> = datastore
        .keys_with(&mut *python)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| !name.starts_with("__"))
        .collect();
    names.sort();
    for name in names {
        let is_function = datastore.get_var_flag(&name, "func", false).ok().flatten().is_some();
        if is_function {
            continue;
        }
        print_history(&mut out, &workspace, datastore, &mut *python, &name);
        match datastore.get_var_with(&name, true, &mut *python) {
            Ok(Some(value)) => {
                let exported =
                    datastore.get_var_flag(&name, "export", false).ok().flatten().is_some();
                let export = if exported { "export " } else { "" };
                outln!(out, "{export}{name}=\"{value}\"");
            }
            Ok(None) => outln!(out, "# {name} has only flags"),
            Err(error) => outln!(out, "# {name}: expansion failed: {error}"),
        }
    }
    for name in datastore.keys_with(&mut *python).unwrap_or_default() {
        let Ok(Some(body)) = datastore.get_var_with(&name, false, &mut *python) else { continue };
        let is_python = datastore.get_var_flag(&name, "python", false).ok().flatten().is_some();
        if datastore.get_var_flag(&name, "func", false).ok().flatten().is_none()
            || name.starts_with("__")
        {
            continue;
        }
        print_history(&mut out, &workspace, datastore, &mut *python, &name);
        if is_python {
            outln!(out, "python {name} () {{\n{body}}}\n");
        } else {
            outln!(out, "{name}() {{\n{body}}}\n");
        }
    }
    Ok(ExitCode::SUCCESS)
}
